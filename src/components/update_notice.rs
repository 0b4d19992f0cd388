//! "Newer data is available" / "a new version is ready": shown when the service worker has a
//! newer copy (`public/sw.js`, relayed by `public/sw-client.js` as a `linli-update` event on
//! the window, detail `{what: "data" | "app"}`). The update is used the next time the page
//! opens; "Update now" asks for it at once (a `linli-update-apply` event back).

use crate::i18n::T;
use crate::state::use_app;
use leptos::prelude::*;

/// An update announced before the app started listening (`window.__linliPendingUpdate`).
fn pending() -> Option<String> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &"__linliPendingUpdate".into())
        .ok()?
        .as_string()
}

/// The `what` of a `linli-update` event.
fn what_of(ev: &web_sys::Event) -> Option<String> {
    let detail = js_sys::Reflect::get(ev.as_ref(), &"detail".into()).ok()?;
    js_sys::Reflect::get(&detail, &"what".into())
        .ok()?
        .as_string()
}

/// The notice, with its "Update now" button.
#[component]
pub fn UpdateNotice() -> impl IntoView {
    let lang = use_app().lang;
    let what: RwSignal<Option<String>> = RwSignal::new(pending());
    let handle = window_event_listener_untyped("linli-update", move |ev| {
        if let Some(w) = what_of(&ev) {
            what.set(Some(w));
        }
    });
    on_cleanup(move || handle.remove());
    let apply = move |_| {
        if let Some(window) = web_sys::window() {
            if let Ok(ev) = web_sys::Event::new("linli-update-apply") {
                let _ = window.dispatch_event(&ev);
            }
        }
    };
    let inner = move || {
        let w = what.get()?;
        let l = lang.get();
        let text = if w == "app" {
            T::UpdateApp
        } else {
            T::UpdateData
        };
        Some(view! {
            <div class="notice update-notice" data-testid="update-notice" data-what=w>
                <span>{text.text(l)}</span>
                <button class="primary" data-testid="update-now" on:click=apply>{T::UpdateNow.text(l)}</button>
            </div>
        })
    };
    // One live region that stays, so screen readers announce what appears in it.
    view! { <div class="update-message" role="status" aria-live="polite">{inner}</div> }
}
