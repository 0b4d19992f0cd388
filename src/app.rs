//! The page: the title bar, the panel (the list and its controls, or the detail of one place)
//! and the map, arranged by the layout that fits the screen (`layout.rs`).
//!
//! ```text
//! Wide:    [header                        ]     Split:  [header]      Compact: [header]
//!          [panel | map                   ]             [map strip]            [panel]
//!                                                       [panel    ]            (map on demand)
//! ```
//! On phones the map can fill the screen (`view=map`); the detail is a screen of its own that
//! Back closes (`history.rs`).

use leptos::prelude::*;

use crate::components::about_data::AboutData;
use crate::components::header::Header;
use crate::components::list_screen::ListScreen;
use crate::components::load_screen::LoadScreen;
use crate::components::map_view::MapView;
use crate::components::service_detail::ServiceDetail;
use crate::components::update_notice::UpdateNotice;
use crate::config::Config;
use crate::state::{circle, coverage, query_point, ranked, rows, AppState, Load};
use crate::url_state::{parse_query, UrlState, View};

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
    let pairs = parse_query(&crate::history::current_query());
    let config = Config::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let url = UrlState::from_pairs(&pairs);
    let state = AppState::new(&config, &url);
    provide_context(state);
    // The host's branding and embedding options (`config.rs`), for the header.
    provide_context(config.clone());
    if let Some(title) = &config.title {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&format!(
                "{title} · {}",
                crate::i18n::T::AppTitleShort.text(url.lang)
            ));
        }
    }
    state.start_loading();
    crate::screen::watch(state);
    crate::history::sync(state);

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
    crate::embed::connect(state, &config, ranked);
    let rows = rows(state, ranked);
    let circle = circle(state, point);
    let coverage = coverage(state);
    // The selected place, and whether its full record is there: on a tiled dataset it comes
    // with the place's tile, and the detail is drawn again (once) when it does.
    let detail = Memo::new(move |_| {
        state.selected.get().map(|i| {
            let record = state
                .engine
                .with(|e| e.as_ref().is_some_and(|e| e.finder().has_record(i)));
            (i, record)
        })
    });
    let ready = move || state.load.with(|l| *l == Load::Ready);
    let app_class = move || {
        let view = if state.view.get() == View::Map {
            "view-map"
        } else {
            "view-list"
        };
        let flows = if state.flows() { " autoheight" } else { "" };
        format!("app {} {view}{flows}", state.layout().class())
    };
    // The host's accent colour for the title bar and the main buttons.
    let style = config.accent.map(|a| a.css_vars()).unwrap_or_default();

    view! {
        <div class=app_class data-testid="app" style=style>
            <Header />
            <UpdateNotice />
            <main class="layout">
                <div class="panel" data-testid="panel">
                    <LoadScreen />
                    <Show when=ready>
                        // The list stays while a place is shown (hidden, its layout kept), so
                        // coming back finds it as it was and nothing in it is built again.
                        <ListScreen rows=rows ranked=ranked circle=circle coverage=coverage />
                        {move || detail.get().map(|(i, _)| view! {
                            <ServiceDetail service=i query_point=point />
                        })}
                    </Show>
                    <AboutData />
                </div>
                <MapView rows=rows query_point=point circle=circle coverage=coverage />
            </main>
        </div>
    }
}
