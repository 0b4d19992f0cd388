//! What shows while the bundle downloads, and when it fails.

use leptos::prelude::*;

use crate::i18n::T;
use crate::state::{use_app, Load};

/// Progress while loading; the plain-words error with a retry button when loading failed.
#[component]
pub fn LoadScreen() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    move || {
        match state.load.get() {
        Load::Ready => ().into_any(),
        Load::Loading(p) => {
            let kb = p.loaded / 1024;
            let (value, max) = match p.total {
                Some(t) if t >= p.loaded && t > 0 => (Some(p.loaded.to_string()), Some(t.to_string())),
                _ => (None, None),
            };
            view! {
                <div class="load-screen" data-testid="loading" role="status" aria-live="polite">
                    <p>{T::Loading.text(lang.get())}</p>
                    <progress value=value max=max aria-label=T::Loading.text(lang.get())></progress>
                    <p class="small">{format!("{kb} KB")}</p>
                </div>
            }
            .into_any()
        }
        Load::Refused(r) => {
            let l = lang.get();
            let what = match &r {
                crate::data_origin::Refusal::Origin { origin, .. } => {
                    format!("{}{origin}", T::RefusedOrigin.text(l))
                }
                crate::data_origin::Refusal::Scheme { .. } => T::RefusedScheme.text(l).to_string(),
            };
            view! {
                <div class="load-screen load-error" data-testid="data-refused" role="alert">
                    <h2>{T::LoadRefused.text(l)}</h2>
                    <p>{what}</p>
                    <p>{T::RefusedWhy.text(l)}</p>
                    <p class="small">{format!("{}: {}", T::TechnicalDetail.text(l), r.detail())}</p>
                </div>
            }
            .into_any()
        }
        Load::Failed(e) => view! {
            <div class="load-screen load-error" data-testid="load-error" role="alert">
                <h2>{T::LoadFailed.text(lang.get())}</h2>
                <p>{e.message().text(lang.get())}</p>
                <p class="small">{format!("{}: {}", T::TechnicalDetail.text(lang.get()), e.detail())}</p>
                <button class="primary" data-testid="retry" on:click=move |_| state.start_loading()>
                    {T::Retry.text(lang.get())}
                </button>
            </div>
        }
        .into_any(),
    }
    }
}
