//! Downloading the bundle with limits, so that no server can hang the page or exhaust its
//! memory:
//!
//! - **size cap** [`MAX_BUNDLE_BYTES`] (64 MiB, about 3.5 × a 100,000-place district): a
//!   `Content-Length` above it is refused before any byte is read, and a body that grows past
//!   it (no or a false length, or compressed) is cut off there. Nothing is allocated from the
//!   announced length beyond the cap;
//! - **silence** [`IDLE_TIMEOUT_MS`] (10 s): no answer, or no new bytes, for that long ends the
//!   download (a server that stalls after its headers);
//! - **deadline** [`DEADLINE_MS`] (2 minutes): the whole download, however it trickles.
//!
//! Each failure is a [`FetchError`] the page turns into a plain-words message with a retry;
//! the request is aborted (`AbortController`), so a retry starts clean.

use js_sys::{Promise, Reflect, Uint8Array};
use linli_core::decimal::Fixed;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The largest bundle the page accepts, bytes (after content decoding).
pub const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;
/// How long the server may stay silent (no headers, or no new bytes), milliseconds.
pub const IDLE_TIMEOUT_MS: i32 = 10_000;
/// How long the whole download may take, milliseconds.
pub const DEADLINE_MS: i32 = 120_000;

/// Why the download failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// The request failed (offline, blocked, DNS…).
    Network(String),
    /// The server answered with an error status.
    Http(u16),
    /// The file is larger than [`MAX_BUNDLE_BYTES`]: announced so, or found so while reading.
    TooLarge {
        /// The `Content-Length`, when it was announced.
        announced: Option<u64>,
    },
    /// Nothing arrived for [`IDLE_TIMEOUT_MS`] (`received` bytes had arrived before).
    Stalled {
        /// Bytes received before the silence.
        received: u64,
    },
    /// The download went on past [`DEADLINE_MS`].
    TooSlow {
        /// Bytes received by then.
        received: u64,
    },
}

impl FetchError {
    /// The technical detail, for the small print.
    pub fn detail(&self) -> String {
        let mib = |b: u64| format!("{} MiB", Fixed(b as f64 / 1_048_576.0, 1));
        match self {
            FetchError::Network(e) => e.clone(),
            FetchError::Http(status) => format!("HTTP {status}"),
            FetchError::TooLarge { announced: Some(n) } => format!(
                "Content-Length {n} bytes ({}), more than the {} limit",
                mib(*n),
                mib(MAX_BUNDLE_BYTES)
            ),
            FetchError::TooLarge { announced: None } => {
                format!("more than the {} limit arrived", mib(MAX_BUNDLE_BYTES))
            }
            FetchError::Stalled { received } => format!(
                "no data for {} s after {received} bytes",
                IDLE_TIMEOUT_MS / 1000
            ),
            FetchError::TooSlow { received } => format!(
                "not finished after {} s ({received} bytes received)",
                DEADLINE_MS / 1000
            ),
        }
    }
}

/// How a raced promise ended.
enum Raced {
    /// The promise settled with this value.
    Value(JsValue),
    /// The timer fired first.
    Timeout,
}

/// Awaits `promise`, or gives up after `ms` (the timer is cleared either way).
async fn within(promise: Promise, ms: i32) -> Result<Raced, JsValue> {
    let Some(window) = web_sys::window() else {
        return JsFuture::from(promise).await.map(Raced::Value);
    };
    // A unique value the timer resolves with, to tell it from the promise's own value.
    let timeout_token: JsValue = js_sys::Object::new().into();
    let token = timeout_token.clone();
    let mut timer_id = 0;
    let timer = Promise::new(&mut |resolve, _| {
        let token = token.clone();
        let fire = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &token);
        });
        timer_id = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(fire.unchecked_ref(), ms)
            .unwrap_or(0);
    });
    let raced = JsFuture::from(Promise::race(&js_sys::Array::of2(&promise, &timer))).await;
    window.clear_timeout_with_handle(timer_id);
    let value = raced?;
    Ok(if value == timeout_token {
        Raced::Timeout
    } else {
        Raced::Value(value)
    })
}

fn js_error(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Aborts the request when dropped (on every way out of [`download`]).
struct AbortOnDrop(Option<web_sys::AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(c) = &self.0 {
            c.abort();
        }
    }
}

/// Downloads `url` within the limits above, reporting `(bytes received, announced length)`.
pub async fn download(
    url: &str,
    progress: impl Fn(u64, Option<u64>),
) -> Result<Vec<u8>, FetchError> {
    let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".into()))?;
    let controller = web_sys::AbortController::new().ok();
    let mut guard = AbortOnDrop(controller.clone());
    let init = web_sys::RequestInit::new();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let started = crate::data::now_ms();
    let left = |started: f64| -> i32 {
        // Both are whole milliseconds well inside i32.
        #[allow(clippy::cast_possible_truncation)]
        let elapsed = (crate::data::now_ms() - started) as i32;
        DEADLINE_MS.saturating_sub(elapsed).max(0)
    };
    let response = match within(
        window.fetch_with_str_and_init(url, &init),
        IDLE_TIMEOUT_MS.min(left(started)),
    )
    .await
    {
        Ok(Raced::Value(r)) => r.unchecked_into::<web_sys::Response>(),
        Ok(Raced::Timeout) => return Err(FetchError::Stalled { received: 0 }),
        Err(e) => return Err(FetchError::Network(js_error(&e))),
    };
    if !response.ok() {
        return Err(FetchError::Http(response.status()));
    }
    let headers = response.headers();
    let announced = headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BUNDLE_BYTES) {
        return Err(FetchError::TooLarge { announced });
    }
    // The length of the decoded body is only known when the server did not compress it.
    let total = announced.filter(|_| headers.get("content-encoding").ok().flatten().is_none());
    progress(0, total);
    let Some(body) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|e| FetchError::Network(js_error(&e)))?;
    // Room for what was announced (capped above), grown as bytes arrive beyond that.
    let mut bytes: Vec<u8> = Vec::with_capacity(usize::try_from(total.unwrap_or(0)).unwrap_or(0));
    loop {
        let remaining = left(started);
        let received = bytes.len() as u64;
        if remaining == 0 {
            return Err(FetchError::TooSlow { received });
        }
        let chunk = match within(reader.read(), IDLE_TIMEOUT_MS.min(remaining)).await {
            Ok(Raced::Value(chunk)) => chunk,
            Ok(Raced::Timeout) if remaining <= IDLE_TIMEOUT_MS => {
                return Err(FetchError::TooSlow { received })
            }
            Ok(Raced::Timeout) => return Err(FetchError::Stalled { received }),
            Err(e) => return Err(FetchError::Network(js_error(&e))),
        };
        let done = Reflect::get(&chunk, &"done".into()).map_or(true, |d| d.is_truthy());
        if done {
            break;
        }
        let Ok(value) = Reflect::get(&chunk, &"value".into()) else {
            continue;
        };
        let array: Uint8Array = value.unchecked_into();
        let len = u64::from(array.length());
        if received + len > MAX_BUNDLE_BYTES {
            let _ = reader.cancel();
            return Err(FetchError::TooLarge { announced });
        }
        let start = bytes.len();
        bytes.resize(start + array.length() as usize, 0);
        array.copy_to(&mut bytes[start..]);
        progress(bytes.len() as u64, total);
    }
    // Finished: nothing to abort.
    guard.0 = None;
    Ok(bytes)
}
