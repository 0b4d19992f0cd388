//! Loading the bundle: download with progress (gloo-net), decode, and prepare the finder.

use std::sync::{Arc, Mutex};

use gloo_net::http::Request;
use js_sys::{Reflect, Uint8Array};
use linli_core::hours::Hours;
use linli_core::{Bundle, DecodeError, Finder, LngLat, Mode, QueryError, Reach, Route, Router};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::T;

/// Why the bundle could not be loaded, in a form the user can be told about.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The request failed (offline, blocked, DNS…).
    Network(String),
    /// The server answered with an error status.
    Http(u16),
    /// The bytes are not a usable bundle.
    Decode(DecodeError),
}

impl LoadError {
    /// The plain-words message.
    pub fn message(&self) -> T {
        match self {
            LoadError::Network(_) => T::ErrNetwork,
            LoadError::Http(_) => T::ErrHttp,
            LoadError::Decode(DecodeError::UnsupportedVersion { .. }) => T::ErrVersion,
            LoadError::Decode(DecodeError::NotABundle) => T::ErrNotBundle,
            LoadError::Decode(_) => T::ErrCorrupt,
        }
    }

    /// The technical detail, shown in small print.
    pub fn detail(&self) -> String {
        match self {
            LoadError::Network(e) => e.clone(),
            LoadError::Http(status) => format!("HTTP {status}"),
            LoadError::Decode(e) => e.to_string(),
        }
    }
}

/// How much of the bundle has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Bytes received (after content decoding).
    pub loaded: u64,
    /// Content-Length, when the server sent it uncompressed.
    pub total: Option<u64>,
}

/// Timings the browser benchmark reads from `window.__linliTimings`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timings {
    /// Milliseconds to decode the bundle.
    pub decode_ms: f64,
    /// Milliseconds to derive the network and snap the services.
    pub prepare_ms: f64,
    /// Milliseconds to prepare every service's opening hours (compiled by `linli build`: a
    /// lookup handle each).
    pub hours_ms: f64,
}

/// A loaded bundle, ready for queries.
#[derive(Debug)]
pub struct Engine {
    finder: Finder,
    router: Mutex<Router>,
    hours: Vec<Hours>,
}

impl Engine {
    /// Prepares the finder and every service's hours (compiled by `linli build`); also returns
    /// the milliseconds the finder and the hours took.
    pub fn new(bundle: Bundle) -> (Engine, f64, f64) {
        let t0 = now_ms();
        let hours = (0..bundle.services.len())
            .map(|i| bundle.hours.hours(i))
            .collect();
        let t1 = now_ms();
        let finder = Finder::new(bundle);
        let router = Mutex::new(finder.router());
        let t2 = now_ms();
        let engine = Engine {
            finder,
            router,
            hours,
        };
        (engine, t2 - t1, t1 - t0)
    }

    /// The finder.
    pub fn finder(&self) -> &Finder {
        &self.finder
    }

    /// The hours of service `i`.
    pub fn hours(&self, i: usize) -> &Hours {
        &self.hours[i]
    }

    fn with_router<R>(&self, f: impl FnOnce(&mut Router) -> R) -> R {
        // The app is single-threaded; a poisoned lock only means an earlier query panicked,
        // and the router's buffers are reset by every run anyway.
        let mut guard = self
            .router
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Every service from `origin` in `mode`, nearest first.
    pub fn nearest(&self, origin: LngLat, mode: Mode) -> Result<Vec<Reach>, QueryError> {
        self.with_router(|r| self.finder.nearest(r, origin, mode, |_| true))
    }

    /// One service's distance in `mode`.
    pub fn reach(&self, origin: LngLat, mode: Mode, service: usize) -> Option<Reach> {
        let target = self.finder.services().get(service)?.id.clone();
        self.with_router(|r| self.finder.nearest(r, origin, mode, |s| s.id == target))
            .ok()?
            .into_iter()
            .next()
    }

    /// The streets reachable within `limits` minutes.
    pub fn isochrone(
        &self,
        origin: LngLat,
        mode: Mode,
        limits: &[f64],
    ) -> Result<linli_core::circle::Isochrone, QueryError> {
        self.with_router(|r| linli_core::circle::isochrone(&self.finder, r, origin, mode, limits))
    }

    /// Every street by minutes to the nearest of `services`.
    pub fn coverage(
        &self,
        mode: Mode,
        services: &[usize],
        limits: &[f64],
    ) -> linli_core::circle::Coverage {
        self.with_router(|r| linli_core::circle::coverage(&self.finder, r, mode, services, limits))
    }

    /// Minutes from a street point to the nearest of `services`, and which one.
    pub fn minutes_at(&self, mode: Mode, services: &[usize], at: LngLat) -> Option<(f64, usize)> {
        self.with_router(|r| {
            linli_core::circle::search_to_services(&self.finder, r, mode, services);
            linli_core::circle::minutes_at(&self.finder, r, mode, services, at)
                .map(|t| (t.minutes, t.service))
        })
    }

    /// The route to one service.
    pub fn route(&self, origin: LngLat, mode: Mode, service: usize) -> Option<Route> {
        self.with_router(|r| self.finder.route(r, origin, mode, service))
            .ok()
            .flatten()
    }
}

fn js_error(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Downloads and decodes the bundle at `url`, reporting progress.
pub async fn load(
    url: &str,
    progress: impl Fn(Progress),
) -> Result<(Arc<Engine>, Timings), LoadError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| LoadError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(LoadError::Http(response.status()));
    }
    let total = response
        .headers()
        .get("content-length")
        .filter(|_| response.headers().get("content-encoding").is_none())
        .and_then(|v| v.parse::<u64>().ok());
    let mut bytes: Vec<u8> = Vec::with_capacity(usize::try_from(total.unwrap_or(0)).unwrap_or(0));
    progress(Progress { loaded: 0, total });
    if let Some(body) = response.body() {
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        loop {
            let chunk = JsFuture::from(reader.read())
                .await
                .map_err(|e| LoadError::Network(js_error(&e)))?;
            let done = Reflect::get(&chunk, &"done".into())
                .map(|d| d.is_truthy())
                .unwrap_or(true);
            if done {
                break;
            }
            if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
                let array: Uint8Array = value.unchecked_into();
                let start = bytes.len();
                bytes.resize(start + array.length() as usize, 0);
                array.copy_to(&mut bytes[start..]);
                progress(Progress {
                    loaded: bytes.len() as u64,
                    total,
                });
            }
        }
    } else {
        bytes = response
            .binary()
            .await
            .map_err(|e| LoadError::Network(e.to_string()))?;
    }
    // Decoding and preparing are the heavy steps: give the browser a turn before each, so no
    // single task blocks input (and paint) for long.
    next_task().await;
    let t0 = now_ms();
    let bundle = Bundle::decode(&bytes).map_err(LoadError::Decode)?;
    let t1 = now_ms();
    next_task().await;
    let (engine, prepare_ms, hours_ms) = Engine::new(bundle);
    next_task().await;
    Ok((
        Arc::new(engine),
        Timings {
            decode_ms: t1 - t0,
            prepare_ms,
            hours_ms,
        },
    ))
}

/// Resolves in a new macrotask (`setTimeout(0)`), letting the browser paint and handle input.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// `performance.now()` in milliseconds (0 where unavailable).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Sets `window.__linliTimings[key] = ms` for the browser benchmark.
pub fn publish_timing(key: &str, ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let existing = Reflect::get(&window, &"__linliTimings".into())
        .ok()
        .filter(JsValue::is_object);
    let obj = existing.unwrap_or_else(|| {
        let o: JsValue = js_sys::Object::new().into();
        let _ = Reflect::set(&window, &"__linliTimings".into(), &o);
        o
    });
    let _ = Reflect::set(&obj, &key.into(), &ms.into());
}

/// Publishes the load timings and the last query's time.
pub fn publish_timings(timings: Timings, last_query_ms: f64) {
    publish_timing("decodeMs", timings.decode_ms);
    publish_timing("prepareMs", timings.prepare_ms);
    publish_timing("hoursMs", timings.hours_ms);
    publish_timing("lastQueryMs", last_query_ms);
}
