//! "Share": the Web Share API where the browser has it, else the link is copied, with a
//! visible confirmation; where copying is not allowed either, the link is shown to copy by
//! hand. The link is the page's URL, which holds the whole state (`url_state.rs`).

use js_sys::{Function, Object, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::T;
use crate::state::use_app;

/// What sharing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    /// The system share sheet took it.
    Sheet,
    /// The link was copied.
    Copied,
    /// Neither worked: the link, to copy by hand.
    Manual(String),
}

fn method(target: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(target, &name.into()).ok()?.dyn_into().ok()
}

/// Shares `url` with `title`; `None` when the user cancelled the share sheet.
pub async fn share(url: &str, title: &str) -> Option<Shared> {
    let Some(navigator) = web_sys::window().map(|w| JsValue::from(w.navigator())) else {
        return Some(Shared::Manual(url.to_string()));
    };
    if let Some(f) = method(&navigator, "share") {
        let data = Object::new();
        let _ = Reflect::set(&data, &"title".into(), &title.into());
        let _ = Reflect::set(&data, &"url".into(), &url.into());
        if let Ok(p) = f.call1(&navigator, &data) {
            match JsFuture::from(Promise::from(p)).await {
                Ok(_) => return Some(Shared::Sheet),
                Err(e) => {
                    let name = Reflect::get(&e, &"name".into())
                        .ok()
                        .and_then(|n| n.as_string());
                    if name.as_deref() == Some("AbortError") {
                        return None;
                    }
                }
            }
        }
    }
    let clipboard = Reflect::get(&navigator, &"clipboard".into()).ok();
    if let Some(clipboard) = clipboard.filter(|c| !c.is_undefined()) {
        if let Some(write) = method(&clipboard, "writeText") {
            if let Ok(p) = write.call1(&clipboard, &url.into()) {
                if JsFuture::from(Promise::from(p)).await.is_ok() {
                    return Some(Shared::Copied);
                }
            }
        }
    }
    Some(Shared::Manual(url.to_string()))
}

/// The share button; `title` is what the share sheet shows; what happened goes to `outcome`
/// (shown by [`ShareMessage`]).
#[component]
pub fn ShareButton(
    #[prop(into)] title: Signal<String>,
    label: T,
    outcome: RwSignal<Option<Shared>>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let generation = StoredValue::new(0_u32);
    let on_click = move |_| {
        let url = crate::history::absolute_url(&state.url_state_untracked().to_query());
        let title = title.get_untracked();
        leptos::task::spawn_local(async move {
            let result = share(&url, &title).await;
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            outcome.set(result.clone());
            if result == Some(Shared::Copied) || result == Some(Shared::Sheet) {
                // The confirmation stays long enough to read, then goes.
                set_timeout(
                    move || {
                        // The button may be gone by now (the detail was closed).
                        if generation.try_get_value() == Some(mine) {
                            outcome.set(None);
                        }
                    },
                    std::time::Duration::from_secs(8),
                );
            }
        });
    };
    view! {
        <button class="tool" data-testid="share" on:click=on_click>
            <span class="tool-icon" aria-hidden="true">"⤴"</span>
            <span class="tool-label">{move || label.text(lang.get())}</span>
        </button>
    }
}

/// The confirmation ("link copied"), or the link to copy by hand.
#[component]
pub fn ShareMessage(outcome: RwSignal<Option<Shared>>) -> impl IntoView {
    let lang = use_app().lang;
    let inner = move || {
        let l = lang.get();
        match outcome.get()? {
            Shared::Sheet => None,
            Shared::Copied => Some(view! {
                <p class="notice ok" data-testid="share-status" data-outcome="copied">
                    <span aria-hidden="true">"✓ "</span>{T::ShareCopied.text(l)}
                </p>
            }.into_any()),
            Shared::Manual(url) => Some(view! {
                <div class="notice" data-testid="share-status" data-outcome="manual">
                    <label>
                        {T::ShareManual.text(l)}
                        <input class="share-link" type="text" readonly prop:value=url
                            aria-label=T::ShareLinkLabel.text(l)
                            on:focus=move |ev| {
                                if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                    input.select();
                                }
                            } />
                    </label>
                </div>
            }.into_any()),
        }
    };
    // One live region that stays, so screen readers announce what appears in it.
    view! { <div class="share-message" role="status" aria-live="polite">{inner}</div> }
}
