//! The page: title, the panel (controls and results, or the detail of one place) and the map.

use leptos::prelude::*;

use crate::components::circle_panel::CirclePanel;
use crate::components::header::Header;
use crate::components::load_screen::LoadScreen;
use crate::components::locate_button::LocateButton;
use crate::components::map_view::MapView;
use crate::components::pickers::{KindPicker, ModePicker, ServiceFilters};
use crate::components::result_list::ResultList;
use crate::components::service_detail::ServiceDetail;
use crate::config::Config;
use crate::i18n::T;
use crate::state::{circle, coverage, query_point, ranked, rows, AppState, Load};

fn read_config() -> Config {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(p) = params {
        for key in [
            "lat",
            "lng",
            "lon",
            "mode",
            "kind",
            "lang",
            "data",
            "tiles",
            "tiles_attribution",
        ] {
            if let Some(v) = p.get(key) {
                pairs.push((key.to_string(), v));
            }
        }
    }
    Config::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    // The static boot message in index.html has done its job.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    let config = read_config();
    let state = AppState::new(&config);
    provide_context(state);
    state.start_loading();

    // Keep `<html lang>` true to the interface language.
    Effect::new(move |_| {
        let tag = state.lang.get().tag();
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = el.set_attribute("lang", tag);
        }
    });
    // The clock, for open/closed: every 30 seconds.
    let tick = set_interval_with_handle(
        move || state.now.set(crate::state::beijing_now()),
        std::time::Duration::from_secs(30),
    );
    on_cleanup(move || {
        if let Ok(t) = tick {
            t.clear();
        }
    });

    let point = query_point(state);
    let ranked = ranked(state, point);
    let rows = rows(state, ranked);
    let circle = circle(state, point);
    let coverage = coverage(state);
    let lang = state.lang;
    let query_error = move || {
        ranked.with(|r| match r {
            Some(Err(linli_core::QueryError::NoStreetNearby { .. })) => Some(view! {
                <p class="notice warn" role="alert" data-testid="query-error">{T::NoStreetNearby.text(lang.get())}</p>
            }),
            _ => None,
        })
    };
    let ready = move || state.load.with(|l| *l == Load::Ready);

    view! {
        <div class="app">
            <Header />
            <main class="layout">
                <div class="panel">
                    <LoadScreen />
                    <Show when=ready>
                        {move || match state.selected.get() {
                            Some(i) => view! { <ServiceDetail service=i /> }.into_any(),
                            None => view! {
                                <div class="controls" data-testid="controls">
                                    <LocateButton />
                                    <ModePicker />
                                    <KindPicker />
                                    <ServiceFilters />
                                </div>
                                <CirclePanel circle=circle coverage=coverage ranked=ranked />
                                {query_error}
                                <ResultList rows=rows />
                            }.into_any(),
                        }}
                    </Show>
                </div>
                <MapView rows=rows query_point=point circle=circle coverage=coverage />
            </main>
        </div>
    }
}
