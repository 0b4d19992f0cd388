//! The actions at the top of the list: my location, the map (on phones) and share; then where
//! the list starts from.

use leptos::prelude::*;

use crate::components::locate_button::{LocateButton, OriginStatus};
use crate::components::share_button::{ShareButton, ShareMessage, Shared};
use crate::i18n::T;
use crate::layout::Layout;
use crate::state::use_app;
use crate::url_state::View;

/// "Map": the map filling the screen (phones; the wide layout always shows it).
#[component]
pub fn MapButton() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    view! {
        <Show when=move || state.layout() != Layout::Wide>
            <button class="tool" data-testid="view-map" on:click=move |_| state.view.set(View::Map)>
                <span class="tool-icon" aria-hidden="true">"🗺"</span>
                <span class="tool-label">{move || T::ShowMap.text(lang.get())}</span>
            </button>
        </Show>
    }
}

/// The toolbar and the starting-point line.
#[component]
pub fn Toolbar() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let outcome: RwSignal<Option<Shared>> = RwSignal::new(None);
    let title = Signal::derive(move || T::AppTitle.text(lang.get()).to_string());
    // In the compact layout there is room for two buttons in a row; sharing moves into the
    // folded controls (and the detail has its own).
    view! {
        <div class="toolbar">
            <LocateButton />
            <MapButton />
            <Show when=move || state.layout() != Layout::Compact>
                <ShareButton title=title label=T::Share outcome=outcome />
            </Show>
        </div>
        <ShareMessage outcome=outcome />
        <OriginStatus />
    }
}
