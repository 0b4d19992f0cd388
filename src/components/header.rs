//! The title bar: what this is, which area, the sample-data notice and the language switch.

use leptos::prelude::*;

use crate::i18n::{Lang, T};
use crate::state::use_app;

/// The link to the same page in the other language.
fn other_language_href(lang: Lang) -> String {
    let Some(window) = web_sys::window() else {
        return String::new();
    };
    let search = window.location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let other = if lang == Lang::Zh { "en" } else { "zh" };
    match params {
        Some(p) => {
            p.set("lang", other);
            format!("?{}", String::from(p.to_string()))
        }
        None => format!("?lang={other}"),
    }
}

/// The title bar.
#[component]
pub fn Header() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let area = move || {
        state
            .engine
            .with(|e| e.as_ref().map(|e| e.finder().bundle().name.clone()))
    };
    view! {
        <header class="topbar">
            <div class="topbar-text">
                <h1>{move || T::AppTitle.text(lang.get())}</h1>
                <p class="area">
                    {area}
                    <span class="sample">{move || T::SampleNotice.text(lang.get())}</span>
                </p>
            </div>
            <a
                class="lang-switch"
                data-testid="lang-switch"
                href=move || other_language_href(lang.get())
                hreflang=move || if lang.get() == Lang::Zh { "en" } else { "zh-CN" }
            >
                {move || T::LanguageSwitch.text(lang.get())}
            </a>
        </header>
    }
}
