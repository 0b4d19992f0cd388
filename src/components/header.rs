//! The title bar: what this is, which area, the sample-data notice and the language switch.
//! The switch changes the language in place (the URL follows), so nothing chosen is lost.

use leptos::prelude::*;

use crate::config::Config;
use crate::data_origin::{page_origin, resolve};
use crate::i18n::{Lang, T};
use crate::state::use_app;
use crate::url_state::UrlState;

/// The title bar.
#[component]
pub fn Header() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    // The host's title, shown as text instead of Linli's name.
    let title = use_context::<Config>().and_then(|c| c.title);
    // Data from another site (one the deployment allows) says so in the title bar.
    let foreign = resolve(&state.data_url.get_value())
        .map(|r| r.origin)
        .filter(|o| *o != page_origin());
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
                {match title {
                    Some(t) => view! { <h1 data-testid="host-title">{t}</h1> }.into_any(),
                    None => view! {
                        <h1>
                            <span class="title-long">{move || T::AppTitle.text(lang.get())}</span>
                            <span class="title-short">{move || T::AppTitleShort.text(lang.get())}</span>
                        </h1>
                    }.into_any(),
                }}
                <p class="area">
                    <span class="area-name">{area}</span>
                    <span class="sample" data-testid="sample-notice">
                        <span class="sample-long">{move || T::SampleNotice.text(lang.get())}</span>
                        <span class="sample-short">{move || T::SampleShort.text(lang.get())}</span>
                    </span>
                    {foreign.map(|o| view! {
                        <span class="data-source" data-testid="data-source">
                            {move || T::DataFrom.text(lang.get())}" "{o.clone()}
                        </span>
                    })}
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
