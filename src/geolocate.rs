//! The browser's Geolocation API, as one callback with a typed outcome.

use linli_core::LngLat;
use wasm_bindgen::prelude::*;

/// Why no position came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoError {
    /// The user or the page policy refused.
    Denied,
    /// The device could not tell.
    Unavailable,
    /// It took too long.
    Timeout,
    /// No Geolocation API (or not a secure context).
    Unsupported,
}

/// Asks for the current position once; `done` is called exactly once.
pub fn locate(done: impl Fn(Result<LngLat, GeoError>) + 'static) {
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        done(Err(GeoError::Unsupported));
        return;
    };
    let done = std::rc::Rc::new(done);
    let ok = {
        let done = done.clone();
        Closure::once_into_js(move |pos: web_sys::Position| {
            let c = pos.coords();
            done(Ok(LngLat::new(c.longitude(), c.latitude())));
        })
    };
    let err = {
        let done = done.clone();
        Closure::once_into_js(move |e: web_sys::PositionError| {
            done(Err(match e.code() {
                web_sys::PositionError::PERMISSION_DENIED => GeoError::Denied,
                web_sys::PositionError::TIMEOUT => GeoError::Timeout,
                _ => GeoError::Unavailable,
            }));
        })
    };
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    options.set_maximum_age(60_000);
    if geo
        .get_current_position_with_error_callback_and_options(
            ok.unchecked_ref(),
            Some(err.unchecked_ref()),
            &options,
        )
        .is_err()
    {
        done(Err(GeoError::Unsupported));
    }
}
