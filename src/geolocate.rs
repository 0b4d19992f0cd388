//! The browser's Geolocation API, as one callback with a typed outcome, and a deadline of our
//! own: the browser's `timeout` only starts once permission is given, so a prompt nobody
//! answers (or a browser that never calls back) would otherwise leave "finding your location"
//! on screen for good.

use std::cell::Cell;
use std::rc::Rc;

use linli_core::LngLat;
use wasm_bindgen::prelude::*;

/// How long to wait for a position, from the tap, milliseconds.
pub const GIVE_UP_MS: i32 = 15_000;

/// Why no position came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoError {
    /// The user or the page policy refused.
    Denied,
    /// The device could not tell.
    Unavailable,
    /// It took too long (the browser said so, or nothing came within [`GIVE_UP_MS`]).
    Timeout,
    /// No Geolocation API (or not a secure context).
    Unsupported,
}

/// Asks for the current position once; `done` is called exactly once, within [`GIVE_UP_MS`].
/// A position that arrives after giving up is ignored.
pub fn locate(done: impl Fn(Result<LngLat, GeoError>) + 'static) {
    let Some(window) = web_sys::window() else {
        done(Err(GeoError::Unsupported));
        return;
    };
    let Some(geo) = window.navigator().geolocation().ok() else {
        done(Err(GeoError::Unsupported));
        return;
    };
    let finished = Rc::new(Cell::new(false));
    let done: Rc<dyn Fn(Result<LngLat, GeoError>)> = {
        let finished = finished.clone();
        Rc::new(move |r| {
            if !finished.replace(true) {
                done(r);
            }
        })
    };
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
    let give_up = {
        let done = done.clone();
        Closure::once_into_js(move || done(Err(GeoError::Timeout)))
    };
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(give_up.unchecked_ref(), GIVE_UP_MS);
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(u32::try_from(GIVE_UP_MS).unwrap_or(15_000));
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
