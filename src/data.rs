//! Loading the bundle: download within limits (`fetch.rs`), decode, and prepare the finder in
//! steps that let the browser paint and handle input between them; then the opening hours
//! (compiled by `linli build`: a lookup handle per place) and, after the first results, the search index.

use std::cell::OnceCell;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDateTime;
use js_sys::Reflect;
use linli_core::hours::{Hours, HoursStatus};
use linli_core::search::{SearchIndex, SearchIndexPrep, SearchQuery};
use linli_core::service::Amenity;
use linli_core::tiles::TileError;
use linli_core::{
    Bundle, DecodeError, Finder, FinderPrep, GraphError, LngLat, Mode, NearestSearch, QueryError,
    Reach, Route, Router, Step, TileId,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::fetch::FetchError;
use crate::i18n::T;

/// Why the bundle could not be loaded, in a form the user can be told about.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The download failed, was refused or timed out.
    Fetch(FetchError),
    /// The bytes are not a usable bundle.
    Decode(DecodeError),
    /// The bundle decoded but its streets cannot be prepared.
    Prepare(GraphError),
    /// A tiled dataset's `index.txt`, manifest or tile is not usable (`tiled.rs`).
    Tiles(TileError),
}

impl LoadError {
    /// The plain-words message.
    pub fn message(&self) -> T {
        match self {
            LoadError::Fetch(FetchError::Network(_)) => T::ErrNetwork,
            LoadError::Fetch(FetchError::Http(_)) => T::ErrHttp,
            LoadError::Fetch(FetchError::TooLarge { .. }) => T::ErrTooLarge,
            LoadError::Fetch(FetchError::Stalled { .. }) => T::ErrStalled,
            LoadError::Fetch(FetchError::TooSlow { .. }) => T::ErrTooSlow,
            LoadError::Decode(DecodeError::UnsupportedVersion { .. }) => T::ErrVersion,
            LoadError::Decode(DecodeError::NotABundle) => T::ErrNotBundle,
            LoadError::Decode(DecodeError::ExtentTooLarge { .. }) => T::ErrExtentTooLarge,
            LoadError::Decode(DecodeError::OutsideExtent { .. }) => T::ErrOutsideExtent,
            LoadError::Tiles(TileError::BadIndex { .. }) => T::ErrNotBundle,
            LoadError::Tiles(TileError::Decode { error, .. }) => {
                LoadError::Decode(error.clone()).message()
            }
            LoadError::Decode(_) | LoadError::Prepare(_) | LoadError::Tiles(_) => T::ErrCorrupt,
        }
    }

    /// The technical detail, shown in small print.
    pub fn detail(&self) -> String {
        match self {
            LoadError::Fetch(e) => e.detail(),
            LoadError::Decode(e) => e.to_string(),
            LoadError::Prepare(e) => e.to_string(),
            LoadError::Tiles(e) => e.to_string(),
        }
    }

    /// `network`, `http`, `too-large`, `stalled`, `too-slow`, `extent`, `outside-extent`,
    /// `version`, `not-a-bundle` or `corrupt`: the load error's `data-reason`, for tests.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Fetch(FetchError::Network(_)) => "network",
            LoadError::Fetch(FetchError::Http(_)) => "http",
            LoadError::Fetch(FetchError::TooLarge { .. }) => "too-large",
            LoadError::Fetch(FetchError::Stalled { .. }) => "stalled",
            LoadError::Fetch(FetchError::TooSlow { .. }) => "too-slow",
            LoadError::Decode(DecodeError::ExtentTooLarge { .. }) => "extent",
            LoadError::Decode(DecodeError::OutsideExtent { .. }) => "outside-extent",
            LoadError::Decode(DecodeError::UnsupportedVersion { .. }) => "version",
            LoadError::Decode(DecodeError::NotABundle) => "not-a-bundle",
            LoadError::Tiles(TileError::BadIndex { .. }) => "not-a-bundle",
            LoadError::Tiles(TileError::Decode { error, .. }) => {
                LoadError::Decode(error.clone()).code()
            }
            LoadError::Decode(_) | LoadError::Prepare(_) | LoadError::Tiles(_) => "corrupt",
        }
    }
}

/// How far loading has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Downloading: bytes received, and the length when the server said it (uncompressed).
    Download {
        /// Bytes received (after content decoding).
        loaded: u64,
        /// Content-Length, when the server sent it uncompressed.
        total: Option<u64>,
    },
    /// Joining the places to the streets.
    Prepare {
        /// Places joined.
        done: usize,
        /// Places in all.
        total: usize,
    },
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::Download {
            loaded: 0,
            total: None,
        }
    }
}

/// Timings the browser benchmark reads from `window.__linliTimings`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timings {
    /// Milliseconds to decode the bundle.
    pub decode_ms: f64,
    /// Milliseconds of work (yields left out) to derive the network and join the places.
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
    search: OnceLock<SearchIndex>,
    /// Where a tiled dataset's tiles come from, and which are on their way (`None` for a
    /// single-file bundle).
    tiles: Option<Arc<crate::tiled::Source>>,
}

/// Preparation works in slices of about this many milliseconds, giving the browser a turn
/// after each: under the 50 ms of a "long task" even with the last step's overrun, and few
/// turns (each costs a paint of the progress bar) while nothing but that is on screen.
const SLICE_MS: f64 = 40.0;
/// Places joined between two looks at the clock (a few milliseconds on a slow phone).
const PLACES_PER_STEP: usize = 32;

impl Engine {
    /// The engine for a prepared finder, with every service's hours (compiled by `linli
    /// build`: a lookup handle each).
    pub fn new(finder: Finder) -> Engine {
        let router = Mutex::new(finder.router());
        let table = &finder.bundle().hours;
        let hours = (0..finder.services().len())
            .map(|i| table.hours(i))
            .collect();
        Engine {
            finder,
            router,
            hours,
            search: OnceLock::new(),
            tiles: None,
        }
    }

    /// The engine of a tiled dataset, whose tiles come from `source`.
    pub fn tiled(finder: Finder, source: Arc<crate::tiled::Source>) -> Engine {
        Engine {
            tiles: Some(source),
            ..Engine::new(finder)
        }
    }

    /// The same dataset with more tiles loaded: the hours and the tile source carry over; the
    /// router grows with the network, and the search index is built again (it lists the
    /// streets of the loaded tiles).
    pub fn with_finder(&self, finder: Finder) -> Engine {
        Engine {
            router: Mutex::new(finder.router()),
            finder,
            hours: self.hours.clone(),
            search: OnceLock::new(),
            tiles: self.tiles.clone(),
        }
    }

    /// The same dataset after `add` loaded more tiles into its finder: in place when nothing
    /// else holds `engine` (no copy of the network), on a copy otherwise (counted in
    /// `__linliCounters.finderCopies`). See [`Engine::with_finder`].
    pub fn with_more_tiles(engine: Arc<Engine>, add: impl FnOnce(&mut Finder)) -> Engine {
        match Arc::try_unwrap(engine) {
            Ok(mut e) => {
                add(&mut e.finder);
                Engine {
                    router: Mutex::new(e.finder.router()),
                    search: OnceLock::new(),
                    finder: e.finder,
                    hours: e.hours,
                    tiles: e.tiles,
                }
            }
            Err(shared) => {
                bump_counter("finderCopies");
                let mut finder = shared.finder.clone();
                add(&mut finder);
                shared.with_finder(finder)
            }
        }
    }

    /// The tile source of a tiled dataset.
    pub fn tile_source(&self) -> Option<&Arc<crate::tiled::Source>> {
        self.tiles.as_ref()
    }

    /// Is this a tiled dataset (loaded around the user)?
    pub fn is_tiled(&self) -> bool {
        self.tiles.is_some()
    }

    /// The finder.
    pub fn finder(&self) -> &Finder {
        &self.finder
    }

    /// The hours of service `i`.
    pub fn hours(&self, i: usize) -> &Hours {
        &self.hours[i]
    }

    /// Service `i`'s opening state at `now`.
    pub fn status(&self, i: usize, now: NaiveDateTime) -> HoursStatus {
        self.hours[i].status(now)
    }

    /// The search index, built at once if [`build_search`] has not finished yet.
    pub fn search(&self) -> &SearchIndex {
        self.search.get_or_init(|| {
            let t0 = now_ms();
            let index = SearchIndex::for_finder(&self.finder);
            publish_timing("searchIndexMs", now_ms() - t0);
            index
        })
    }

    /// Has the search index been built?
    pub fn has_search(&self) -> bool {
        self.search.get().is_some()
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

    /// The places `include` accepts (by index and record) from `origin`, nearest first, until
    /// `want` of them are exact: the exact ones so far, and the tiles to fetch next when the
    /// search is not done (on a tiled dataset; a single-file bundle never needs any).
    pub fn nearest_among(
        &self,
        origin: LngLat,
        mode: Mode,
        include: impl Fn(usize, &linli_core::Service) -> bool,
        want: usize,
    ) -> Result<(Vec<Reach>, Vec<TileId>), QueryError> {
        self.with_router(|r| {
            let mut search =
                NearestSearch::among(&self.finder, std::mem::take(r), origin, mode, include);
            search.want(want);
            let step = search.advance(&self.finder);
            let out = search.results(&self.finder);
            *r = search.into_router();
            match step? {
                Step::Done => Ok((out, Vec::new())),
                Step::NeedTiles(tiles) => Ok((out, tiles)),
            }
        })
    }

    /// One service's distance in `mode`, or the tiles its answer needs first.
    pub fn reach_step(
        &self,
        origin: LngLat,
        mode: Mode,
        service: usize,
    ) -> Result<Option<Reach>, Vec<TileId>> {
        self.with_router(|r| {
            let mut search =
                NearestSearch::only(&self.finder, std::mem::take(r), origin, mode, service);
            let step = search.advance(&self.finder);
            let out = search.results(&self.finder).into_iter().next();
            *r = search.into_router();
            match step {
                Ok(Step::NeedTiles(tiles)) => Err(tiles),
                _ => Ok(out),
            }
        })
    }

    /// The route to one service, or the tiles it needs first.
    pub fn route_step(
        &self,
        origin: LngLat,
        mode: Mode,
        service: usize,
    ) -> Result<Option<Route>, Vec<TileId>> {
        match self.with_router(|r| self.finder.route(r, origin, mode, service)) {
            Ok(route) => Ok(route),
            Err(QueryError::TilesNeeded { tiles }) => Err(tiles),
            Err(_) => Ok(None),
        }
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
}

/// Downloads, decodes and prepares the bundle at `url`, reporting progress. Every failure is a
/// [`LoadError`]; nothing here panics on bad input.
pub async fn load(
    url: &str,
    progress: impl Fn(Progress),
) -> Result<(Arc<Engine>, Timings), LoadError> {
    if crate::tiled::is_tiled_url(url) {
        return crate::tiled::load(url, progress).await;
    }
    let bytes = crate::fetch::download(url, |loaded, total| {
        progress(Progress::Download { loaded, total });
    })
    .await
    .map_err(LoadError::Fetch)?;
    // Decoding and preparing are the heavy steps: give the browser a turn before each, so no
    // single task blocks input (and paint) for long.
    next_task().await;
    let t0 = now_ms();
    let bundle = Bundle::decode(&bytes).map_err(LoadError::Decode)?;
    drop(bytes);
    let decode_ms = now_ms() - t0;
    yield_task().await;
    // The network is derived in the first slice, and counts against it.
    let mut slice = now_ms();
    let mut prep = FinderPrep::new(bundle).map_err(LoadError::Prepare)?;
    let mut prepare_ms = 0.0;
    loop {
        let mut done = prep.is_done();
        while !done && now_ms() - slice < SLICE_MS {
            done = prep.step(PLACES_PER_STEP);
        }
        prepare_ms += now_ms() - slice;
        if done {
            break;
        }
        let (done, total) = prep.progress();
        progress(Progress::Prepare { done, total });
        yield_task().await;
        slice = now_ms();
    }
    let finder = prep.finish();
    let t2 = now_ms();
    let engine = Engine::new(finder);
    let hours_ms = now_ms() - t2;
    next_task().await;
    Ok((
        Arc::new(engine),
        Timings {
            decode_ms,
            prepare_ms,
            hours_ms,
        },
    ))
}

/// Builds the engine's search index in slices that give the browser a turn between them (a
/// search typed before it is done builds the rest at once); publishes `searchIndexMs`, the
/// work without the pauses.
pub async fn build_search(engine: &Engine) {
    if engine.has_search() {
        return;
    }
    let mut work_ms = 0.0;
    let mut prep = SearchIndexPrep::for_finder(engine.finder());
    loop {
        let slice = now_ms();
        let mut done = prep.is_done();
        while !done && now_ms() - slice < SLICE_MS {
            done = prep.step(PLACES_PER_STEP * 4);
        }
        work_ms += now_ms() - slice;
        if done {
            break;
        }
        next_task().await;
        if engine.has_search() {
            return;
        }
    }
    let slice = now_ms();
    let index = prep.finish();
    work_ms += now_ms() - slice;
    if engine.search.set(index).is_ok() {
        publish_timing("searchIndexMs", work_ms);
        warm_search(engine);
    }
}

/// Runs two searches whose hits are dropped: one in Latin letters, one in characters. The
/// browser compiles wasm lazily, each function on its first call, on the main thread; this
/// moves the compilation of the search's code from the user's first keystroke to the index's
/// last slice, while the page is idle (issue 12: at 4× slowdown the first key compiled 46
/// functions in ~8 ms, now 29 in ~4).
fn warm_search(engine: &Engine) {
    let near = engine.finder().bundle().bbox.center();
    for text in ["c", Amenity::ALL[0].label_zh()] {
        let _ = engine.search().search(&SearchQuery::new(text, near));
    }
}

/// Runs `f` after the next frame has been painted: in a task of its own after the next
/// animation frame (`requestAnimationFrame`, then `setTimeout(0)`), so the work that comes
/// before it (a tap's own task) is on screen first.
pub fn after_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO);
    });
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

/// Resolves in a new task as [`next_task`] does, but without the 4 ms a browser waits before
/// a timer set from a timer five deep (each slice of preparation is one): through
/// `scheduler.yield()` where there is one (Chromium 129 and later), else [`next_task`].
pub async fn yield_task() {
    let scheduler = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"scheduler".into()).ok())
        .filter(JsValue::is_object);
    let promise = scheduler.and_then(|s| {
        let f = Reflect::get(&s, &"yield".into()).ok()?;
        let f = f.dyn_ref::<js_sys::Function>()?;
        f.call0(&s).ok()?.dyn_into::<js_sys::Promise>().ok()
    });
    match promise {
        Some(p) => {
            let _ = JsFuture::from(p).await;
        }
        None => next_task().await,
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `performance.now()`, imported as it is: no lookup of the window and its `performance`
    /// on each call (the search box times every keystroke).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// `performance.now()` in milliseconds.
pub fn now_ms() -> f64 {
    performance_now()
}

thread_local! {
    /// `window.__linliTimings` and `window.__linliCounters`, looked up (or made) on first use
    /// and kept: a keystroke publishes its search time and counts its search, and each lookup
    /// of the window and the object cost more than the write itself (CPU profile at 4×: 0.4 ms a
    /// key). The page's own script only reads them.
    static TIMINGS: OnceCell<Option<JsValue>> = const { OnceCell::new() };
    static COUNTERS: OnceCell<Option<JsValue>> = const { OnceCell::new() };
}

/// `window[name]`, made an empty object first if it is not an object.
fn window_object(name: &str) -> Option<JsValue> {
    let window = web_sys::window()?;
    let existing = Reflect::get(&window, &name.into())
        .ok()
        .filter(JsValue::is_object);
    Some(existing.unwrap_or_else(|| {
        let o: JsValue = js_sys::Object::new().into();
        let _ = Reflect::set(&window, &name.into(), &o);
        o
    }))
}

/// Sets `window.__linliTimings[key] = ms` for the browser benchmark.
pub fn publish_timing(key: &str, ms: f64) {
    TIMINGS.with(|timings| {
        if let Some(obj) = timings.get_or_init(|| window_object("__linliTimings")) {
            let _ = Reflect::set(obj, &key.into(), &ms.into());
        }
    });
}

/// Adds one to `window.__linliCounters[key]` (the tests count searches this way).
pub fn bump_counter(key: &str) {
    COUNTERS.with(|counters| {
        if let Some(obj) = counters.get_or_init(|| window_object("__linliCounters")) {
            let key = JsValue::from_str(key);
            let n = Reflect::get(obj, &key)
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            let _ = Reflect::set(obj, &key, &(n + 1.0).into());
        }
    });
}

/// Publishes the load timings and the last query's time.
pub fn publish_timings(timings: Timings, last_query_ms: f64) {
    publish_timing("decodeMs", timings.decode_ms);
    publish_timing("prepareMs", timings.prepare_ms);
    publish_timing("hoursMs", timings.hours_ms);
    publish_timing("lastQueryMs", last_query_ms);
}
