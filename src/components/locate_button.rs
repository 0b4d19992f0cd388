//! "My location", and the line that says where the list starts from (with what went wrong,
//! if anything).

use leptos::prelude::*;

use crate::geolocate::{locate, GeoError};
use crate::i18n::T;
use crate::layout::Layout;
use crate::state::{use_app, Locating, Notice, OriginSource};

/// "My location": asks the device, gives up after 15 s, and on success moves the map to show
/// the user and the nearest result.
#[component]
pub fn LocateButton() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let on_locate = move |_| {
        state.locating.set(Locating::Busy);
        locate(move |result| match result {
            Ok(p) => {
                state.set_origin(p, OriginSource::Gps);
                if state
                    .origin
                    .get_untracked()
                    .is_some_and(|o| o.source == OriginSource::Gps)
                {
                    state.show_nearest.update(|n| *n += 1);
                }
            }
            Err(e) => state.locating.set(Locating::Failed(e)),
        });
    };
    let busy = move || state.locating.get() == Locating::Busy;
    view! {
        <button class="tool primary" data-testid="locate" on:click=on_locate
            disabled=busy aria-busy=move || busy().to_string()>
            <span class="tool-icon" aria-hidden="true">"◎"</span>
            <span class="tool-label">
                {move || {
                    let l = lang.get();
                    if busy() {
                        T::Locating.text(l)
                    } else if state.layout() == Layout::Compact {
                        T::LocateShort.text(l)
                    } else {
                        T::MyLocation.text(l)
                    }
                }}
            </span>
        </button>
    }
}

/// Where the list starts from, and why not from where the user asked.
#[component]
pub fn OriginStatus() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let status = move || {
        let l = lang.get();
        let short = state.layout() == Layout::Compact;
        let (code, text) = match state.origin.get().map(|o| o.source) {
            Some(OriginSource::Gps) if short => ("gps", T::OriginGpsShort),
            Some(OriginSource::Gps) => ("gps", T::OriginGps),
            Some(OriginSource::Map) if short => ("map", T::OriginMapShort),
            Some(OriginSource::Map) => ("map", T::OriginMap),
            Some(OriginSource::Url) if short => ("url", T::OriginUrlShort),
            Some(OriginSource::Url) => ("url", T::OriginUrl),
            Some(OriginSource::Host) if short => ("host", T::OriginHostShort),
            Some(OriginSource::Host) => ("host", T::OriginHost),
            None if short => ("centre", T::OriginCentreShort),
            None => ("centre", T::OriginCentre),
        };
        (code, text.text(l))
    };
    let error = move || {
        let l = lang.get();
        let text = match state.locating.get() {
            Locating::Failed(GeoError::Denied) => T::GeoDenied,
            Locating::Failed(GeoError::Unavailable) => T::GeoUnavailable,
            Locating::Failed(GeoError::Timeout) => T::GeoTimeout,
            Locating::Failed(GeoError::Unsupported) => T::GeoUnsupported,
            Locating::Outside => T::GeoOutside,
            Locating::Idle | Locating::Busy => return None,
        };
        Some(
            view! { <p class="notice warn" data-testid="location-error" role="alert">{text.text(l)}</p> },
        )
    };
    let notice = move || {
        let l = lang.get();
        state.notice.get().map(|n| {
            let text = match n {
                Notice::UrlOriginOutside => T::UrlOutside.text(l).to_string(),
                Notice::UnknownPlace(id) => format!("{}{id}", T::UnknownPlace.text(l)),
            };
            view! { <p class="notice warn" data-testid="link-notice" role="alert">{text}</p> }
        })
    };
    view! {
        <p class="origin-status" data-testid="origin-status" data-origin=move || status().0 aria-live="polite">
            <span class="origin-dot" class:centre=move || status().0 == "centre" aria-hidden="true"></span>
            {move || status().1}
        </p>
        {error}
        {notice}
    }
}

/// "Start from the map centre": for keyboards and screen readers, which cannot tap the map.
#[component]
pub fn UseMapCentre() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let on_centre = move |_| {
        if let Some(p) = state.map_centre.get_untracked() {
            state.set_origin(p, OriginSource::Map);
        }
    };
    view! {
        <button class="chip" data-testid="use-map-centre" on:click=on_centre>
            <span aria-hidden="true">"⊕ "</span>
            {move || T::UseMapCentre.text(lang.get())}
        </button>
    }
}
