//! The title bar: what this is, which area, the sample-data notice and the language switch.
//! The switch changes the language in place (the URL follows), so nothing chosen is lost.

use leptos::prelude::*;

use crate::i18n::{Lang, T};
use crate::state::use_app;
use crate::url_state::UrlState;

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
    // A real link to the same view in the other language (it works with a middle click or
    // without the app); a plain click switches in place.
    let href = move || {
        let url = UrlState {
            lang: lang.get().other(),
            ..state.url_state()
        };
        crate::history::href_for(&url.to_query())
    };
    let switch = move |ev: leptos::ev::MouseEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        lang.update(|l| *l = l.other());
    };
    view! {
        <header class="topbar">
            <div class="topbar-text">
                <h1>
                    <span class="title-long">{move || T::AppTitle.text(lang.get())}</span>
                    <span class="title-short">{move || T::AppTitleShort.text(lang.get())}</span>
                </h1>
                <p class="area">
                    <span class="area-name">{area}</span>
                    <span class="sample" data-testid="sample-notice">
                        <span class="sample-long">{move || T::SampleNotice.text(lang.get())}</span>
                        <span class="sample-short">{move || T::SampleShort.text(lang.get())}</span>
                    </span>
                </p>
            </div>
            <a
                class="lang-switch"
                data-testid="lang-switch"
                href=href
                hreflang=move || if lang.get() == Lang::Zh { "en" } else { "zh-CN" }
                lang=move || if lang.get() == Lang::Zh { "en" } else { "zh-CN" }
                on:click=switch
            >
                <span class="switch-long">{move || T::LanguageSwitch.text(lang.get())}</span>
                <span class="switch-short" title=move || T::LanguageSwitch.text(lang.get())>
                    {move || T::LanguageSwitchShort.text(lang.get())}
                </span>
            </a>
        </header>
    }
}
