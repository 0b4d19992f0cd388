//! The list screen: the search box, actions, the starting point, the controls and the results.

use std::sync::Arc;

use leptos::prelude::*;
use linli_core::circle::{Coverage, Isochrone};
use linli_core::{QueryError, Reach};

use crate::components::controls::Controls;
use crate::components::result_list::{focus_result, ResultList};
use crate::components::search_box::SearchBox;
use crate::components::toolbar::Toolbar;
use crate::i18n::T;
use crate::state::{use_app, Row};

/// The list screen.
#[component]
pub fn ListScreen(
    rows: Memo<Vec<Row>>,
    ranked: Memo<Option<Result<Vec<Reach>, QueryError>>>,
    circle: Memo<Option<Arc<Isochrone>>>,
    coverage: Memo<Option<Arc<Coverage>>>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let query_error = move || {
        ranked.with(|r| match r {
            Some(Err(QueryError::NoStreetNearby { .. })) => Some(view! {
                <p class="notice warn" role="alert" data-testid="query-error">{T::NoStreetNearby.text(lang.get())}</p>
            }),
            _ => None,
        })
    };
    // A tiled dataset: say while tiles are on their way, offer a retry when one failed, and
    // more places once the first screenful is exact.
    let tiled = move || {
        state
            .engine
            .with(|e| e.as_ref().is_some_and(|e| e.is_tiled()))
    };
    let tiles_note = move || {
        let l = lang.get();
        if let Some(e) = state.tiles_error.get() {
            return Some(view! {
                <div class="notice warn" role="alert" data-testid="tiles-error" data-reason=e.code()>
                    <p>{T::TilesError.text(l)}" "{e.message().text(l)}</p>
                    <p class="small">{e.detail()}</p>
                    <button class="primary" data-testid="tiles-retry" on:click=move |_| crate::tiled::retry(state)>
                        {T::Retry.text(l)}
                    </button>
                </div>
            }
            .into_any());
        }
        (state.tiles_loading.get() > 0).then(|| {
            view! {
                <p class="notice" role="status" data-testid="tiles-loading">{T::TilesLoading.text(l)}</p>
            }
            .into_any()
        })
    };
    let more = move || {
        if !tiled() {
            return None;
        }
        let want = state.tiles_want.get();
        let shown = ranked.with(|r| match r {
            Some(Ok(v)) => v.len(),
            _ => 0,
        });
        (shown >= want).then(|| {
            view! {
                <button class="primary more-places" data-testid="tiles-more"
                    on:click=move |_| state.tiles_want.update(|n| *n += crate::state::TILED_SCREENFUL)>
                    {T::MorePlaces.text(lang.get())}
                </button>
            }
        })
    };
    // Back from a detail: the list where it was, and the focus on the place that was opened.
    Effect::new(move |prev: Option<Option<usize>>| {
        let selected = state.selected.get();
        if let (Some(Some(was)), None) = (prev, selected) {
            let back_to = state.list_scroll.get_value();
            let id = state.engine.with_untracked(|e| {
                e.as_ref()
                    .and_then(|e| e.finder().services().get(was).map(|s| s.id.clone()))
            });
            request_animation_frame(move || {
                crate::state::set_panel_scroll(back_to);
                if let Some(id) = id {
                    focus_result(&id);
                }
            });
        }
        selected
    });
    view! {
        // Hidden while a place is shown, but kept laid out (`content-visibility: hidden` in
        // main.css): showing it again with `display: none` lifted laid out all of its ~2,500
        // boxes anew, a 150–180 ms task at 4× on "back".
        <div class="list-screen" data-kept-hidden=move || state.selected.get().is_some()>
            <div class="controls" data-testid="controls">
                <SearchBox />
                <Toolbar />
                <Controls circle=circle coverage=coverage ranked=ranked />
            </div>
            {query_error}
            <div aria-live="polite">{tiles_note}</div>
            <ResultList rows=rows />
            {more}
        </div>
    }
}
