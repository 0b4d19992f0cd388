//! The list screen: actions, the starting point, the controls and the results.

use std::sync::Arc;

use leptos::prelude::*;
use linli_core::circle::{Coverage, Isochrone};
use linli_core::{QueryError, Reach};

use crate::components::controls::Controls;
use crate::components::result_list::ResultList;
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
    // Back from a detail: the list where it was.
    let back_to = state.list_scroll.get_value();
    if back_to > 0 {
        request_animation_frame(move || crate::state::set_panel_scroll(back_to));
    }
    view! {
        <div class="list-screen">
            // A search box (by name or address) belongs here, first in the panel.
            <div class="controls" data-testid="controls">
                <Toolbar />
                <Controls circle=circle coverage=coverage ranked=ranked />
            </div>
            {query_error}
            <ResultList rows=rows />
        </div>
    }
}
