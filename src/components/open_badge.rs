//! Open / closing soon / closed / unknown, in words with a symbol, never colour alone.

use chrono::NaiveDateTime;
use leptos::prelude::*;
use linli_core::hours::{HoursStatus, OpenState};

use crate::format::open_status;
use crate::i18n::Lang;

/// The open state of a place now.
#[component]
pub fn OpenBadge(status: HoursStatus, now: NaiveDateTime, lang: Lang) -> impl IntoView {
    let symbol = match status.state {
        OpenState::Open => "●",
        OpenState::Closing => "◐",
        OpenState::Closed => "○",
        OpenState::Holiday => "⊘",
        OpenState::Unknown => "?",
    };
    let text = open_status(&status, now, lang);
    view! {
        <span
            class=format!("open-badge state-{}", status.state.as_str())
            data-testid="open-status"
            data-state=status.state.as_str()
        >
            <span aria-hidden="true">{symbol}" "</span>
            {text}
        </span>
    }
}
