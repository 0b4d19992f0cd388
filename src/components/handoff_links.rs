//! "Directions in a map app": Amap, Baidu, Tencent, Apple Maps and any `geo:` app, each with
//! directions from the chosen starting point (or the phone's own location) in the current
//! mode, in the app's coordinate system (`handoff.rs`). On a phone a tap tries the app's own
//! scheme first and opens the web link when the app does not take over within 1.5 s. Not in
//! a frame: there an unknown scheme could replace the page with an error, so the web links are
//! followed (Amap's asks to open its app by itself, `callnative=1`).

use leptos::prelude::*;
use linli_core::LngLat;
use wasm_bindgen::JsCast;

use crate::handoff::{link, End, Platform, Provider};
use crate::i18n::T;
use crate::state::{use_app, OriginSource};

/// The phone's system; a desktop, or any page in a frame, gets web links only.
fn platform() -> Platform {
    web_sys::window().map_or(Platform::Other, |w| {
        let framed = w
            .parent()
            .ok()
            .flatten()
            .is_some_and(|p| !js_sys::Object::is(&p, &w));
        if framed {
            return Platform::Other;
        }
        let n = w.navigator();
        Platform::detect(&n.user_agent().unwrap_or_default(), n.max_touch_points())
    })
}

/// Opens `app`; if the page is still in front after 1.5 s, the app is not there: `web`.
fn try_app(app: String, web: String) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if window.location().set_href(&app).is_err() {
        let _ = window.open_with_url_and_target(&web, "_blank");
        return;
    }
    set_timeout(
        move || {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.hidden());
            if !hidden {
                if let Some(w) = web_sys::window() {
                    let _ = w.open_with_url_and_target(&web, "_blank");
                }
            }
        },
        std::time::Duration::from_millis(1500),
    );
}

fn label(p: Provider) -> T {
    match p {
        Provider::Amap => T::OpenInAmap,
        Provider::Baidu => T::OpenInBaidu,
        Provider::Tencent => T::OpenInTencent,
        Provider::Apple => T::OpenInApple,
        Provider::Geo => T::OpenInMapApp,
    }
}

/// The links for a place.
#[component]
pub fn HandoffLinks(to: LngLat, name: String) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let platform = platform();
    let links = move || {
        let l = lang.get();
        let mode = state.mode.get();
        let start = state.origin.get().filter(|o| o.source != OriginSource::Gps);
        let start_name = T::YouAreHere.text(l);
        Provider::ALL
            .into_iter()
            .map(|p| {
                let from = start.map(|o| End {
                    at: o.point,
                    name: start_name,
                });
                let ln = link(p, End { at: to, name: &name }, from, mode, platform);
                let new_tab = p != Provider::Geo;
                view! {
                    <a class="button" data-testid=format!("{}-link", p.code()) href=ln.web data-app=ln.app
                        target=new_tab.then_some("_blank") rel=new_tab.then_some("noopener")>
                        {label(p).text(l)}
                    </a>
                }
            })
            .collect_view()
    };
    // One handler for every link: on a phone, the app's scheme (`data-app`) first.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(a) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[data-app]").ok().flatten())
        else {
            return;
        };
        if let (Some(app), Some(web)) = (a.get_attribute("data-app"), a.get_attribute("href")) {
            ev.prevent_default();
            try_app(app, web);
        }
    };
    view! {
        <h4 class="subheading">{move || T::NavigateWith.text(lang.get())}</h4>
        <div class="links handoff" data-testid="handoff-links" on:click=on_click>{links}</div>
    }
}
