//! The list's controls. The kind tiles stay in view (one tap to canteens); travel mode, open
//! state, services and the service circle fold under one button on phones (its label says
//! what is chosen), so the first results fit on the screen.

use std::sync::Arc;

use leptos::prelude::*;
use linli_core::circle::{Coverage, Isochrone};
use linli_core::{QueryError, Reach};

use crate::components::circle_panel::CirclePanel;
use crate::components::locate_button::UseMapCentre;
use crate::components::pickers::{mode_icon, KindPicker, ModePicker, OpenPicker, ServiceFilters};
use crate::components::share_button::{ShareButton, ShareMessage, Shared};
use crate::i18n::{mode_name, T};
use crate::layout::Layout;
use crate::state::{is_evening, use_app, WarmUp};
use crate::url_state::OpenChoice;

/// The controls of the list.
#[component]
pub fn Controls(
    circle: Memo<Option<Arc<Isochrone>>>,
    coverage: Memo<Option<Arc<Coverage>>>,
    ranked: Memo<Option<Result<Vec<Reach>, QueryError>>>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let compact = move || state.layout() == Layout::Compact;
    let wide = move || state.layout() == Layout::Wide;
    let expanded = move || wide() || state.more_open.get();
    let made = move || expanded() || state.warm_up.get() >= WarmUp::FoldedControls;
    let outcome: RwSignal<Option<Shared>> = RwSignal::new(None);
    let share_title = Signal::derive(move || T::AppTitle.text(lang.get()).to_string());
    let summary = move || {
        let l = lang.get();
        let mut parts: Vec<String> = Vec::new();
        let m = state.mode.get();
        parts.push(if compact() {
            mode_name(m, l).to_string()
        } else {
            format!("{} {}", mode_icon(m), mode_name(m, l))
        });
        let open = match state.open.get() {
            OpenChoice::Auto if is_evening(state.now.get()) => T::OpenFirst,
            OpenChoice::Auto | OpenChoice::All => T::OpenAll,
            OpenChoice::First => T::OpenFirst,
            OpenChoice::Only => T::OpenOnly,
        };
        // In the compact layout only what differs from the default, to keep the button short.
        if !compact() || state.open.get() != OpenChoice::Auto {
            parts.push(open.text(l).to_string());
        }
        let needs = state.needs.get().iter().count();
        if needs > 0 {
            parts.push(format!("{needs} {}", T::ServicesCount.text(l)));
        }
        parts.join(" · ")
    };
    view! {
        <KindPicker />
        <Show when=move || !wide()>
            <button
                class="more-toggle"
                data-testid="more-options"
                aria-expanded=move || state.more_open.get().to_string()
                aria-controls="more-options"
                on:click=move |_| state.more_open.update(|o| *o = !*o)
            >
                <span class="more-text" class:inline=compact>
                    <span class="more-title">
                        {move || if compact() { T::FiltersShort.text(lang.get()) } else { T::MoreOptions.text(lang.get()) }}
                    </span>
                    <span class="more-summary">{summary}</span>
                </span>
                <span class="more-arrow" aria-hidden="true">{move || if state.more_open.get() { "▴" } else { "▾" }}</span>
            </button>
        </Show>
        // Made while the page is idle after the first results (`warm_up`), hidden until the
        // button opens them, so the tap that opens them only shows them (it used to make them,
        // and the browser compiled their code then, lazily, on its first call).
        <Show when=made>
            <div class="more" id="more-options" hidden=move || !expanded()>
                <ModePicker />
                <OpenPicker />
                <ServiceFilters />
                <div class="picker wrap">
                    <UseMapCentre />
                    <Show when=compact>
                        <ShareButton title=share_title label=T::Share outcome=outcome />
                    </Show>
                </div>
                <ShareMessage outcome=outcome />
                <CirclePanel circle=circle coverage=coverage ranked=ranked />
            </div>
        </Show>
    }
}
