//! "Use my location", the map-centre alternative, and where the starting point came from.

use leptos::prelude::*;

use crate::geolocate::{locate, GeoError};
use crate::i18n::T;
use crate::state::{use_app, Locating, OriginSource};

/// The starting-point controls and status line.
#[component]
pub fn LocateButton() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let on_locate = move |_| {
        state.locating.set(Locating::Busy);
        locate(move |result| match result {
            Ok(p) => state.set_origin(p, OriginSource::Gps),
            Err(e) => state.locating.set(Locating::Failed(e)),
        });
    };
    let on_centre = move |_| {
        if let Some(p) = state.map_centre.get_untracked() {
            state.set_origin(p, OriginSource::Map);
        }
    };
    let status = move || {
        let l = lang.get();
        match state.origin.get() {
            Some(o) => (
                o.source.code(),
                match o.source {
                    OriginSource::Gps => T::OriginGps,
                    OriginSource::Map => T::OriginMap,
                    OriginSource::Url => T::OriginUrl,
                }
                .text(l),
            ),
            None => ("centre", T::OriginCentre.text(l)),
        }
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
    view! {
        <div class="locate">
            <div class="locate-buttons">
                <button class="primary" data-testid="locate" on:click=on_locate
                    disabled=move || state.locating.get() == Locating::Busy>
                    <span aria-hidden="true">"◎ "</span>
                    {move || if state.locating.get() == Locating::Busy { T::Locating.text(lang.get()) } else { T::UseMyLocation.text(lang.get()) }}
                </button>
                <button data-testid="use-map-centre" on:click=on_centre>
                    {move || T::UseMapCentre.text(lang.get())}
                </button>
            </div>
            <p class="origin-status" data-testid="origin-status" data-origin=move || status().0 aria-live="polite">
                {move || status().1}
            </p>
            {error}
        </div>
    }
}
