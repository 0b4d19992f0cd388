//! A tiled dataset in the page (`linli build --tiles-km`, ARCHITECTURE "Tiled datasets"): the
//! page fetches `index.txt` and the manifest, then only the tiles the searches ask for, around
//! the starting point.
//!
//! - **Pointing at one:** `?data=<folder>/` (or `…/index.txt`); anything else is a single-file
//!   bundle ([`is_tiled_url`]).
//! - **Fetching:** every file goes through the bounded download of `fetch.rs` (size cap,
//!   timeouts). A tile is fetched once: [`Source`] keeps the ids on their way, and a tile
//!   already loaded is never asked for again. At most [`PARALLEL`] tiles of one request are
//!   fetched at a time: the one the search waits for first, then the ones it will reach next.
//! - **Loading:** tiles that arrive in the same turn are added to a copy of the finder together
//!   (`Finder::add_tile`), and the app's engine is replaced by one with them: the memos that
//!   read it (list, detail, route, circle) run again, resume where they needed tiles, and ask
//!   for the next ones if they still do.
//! - **Failures:** a tile that cannot be fetched or decoded sets [`crate::state::AppState::tiles_error`]
//!   (shown with a retry, which asks again); nothing is loaded from a tile that does not match
//!   its manifest entry (hash, cell, counts: `Tile::decode`).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDateTime;
use leptos::prelude::*;
use linli_core::circle::{services_of, Coverage, CoverageRun, CoverageStep, CIRCLE_MINUTES};
use linli_core::tiles::{parse_index, INDEX_FILE};
use linli_core::{Finder, Kind, LngLat, Manifest, Mode, Tile, TileError, TileId};

use crate::data::{next_task, now_ms, Engine, LoadError, Progress, Timings};
use crate::state::AppState;

/// Tiles of one request fetched at the same time (the first is the one the search waits for).
pub const PARALLEL: usize = 3;

/// Does `url` name a tiled dataset: a folder (`…/`) or its `index.txt`?
pub fn is_tiled_url(url: &str) -> bool {
    let path = path_part(url);
    path.ends_with('/') || path.ends_with(INDEX_FILE)
}

/// The URL without its query and fragment.
fn path_part(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// The URL of `index.txt` for a folder URL (`…/`), or the URL itself when it names the file.
pub fn index_url(url: &str) -> String {
    let path = path_part(url);
    if path.ends_with('/') {
        format!("{path}{INDEX_FILE}")
    } else {
        path.to_string()
    }
}

/// The folder of a tiled dataset (ending in `/`): the manifest and tiles are relative to it.
pub fn base_url(url: &str) -> String {
    let index = index_url(url);
    match index.rfind('/') {
        Some(i) => index[..=i].to_string(),
        None => String::new(),
    }
}

/// Where a tiled dataset's files come from, and which tiles are on their way.
#[derive(Debug)]
pub struct Source {
    base: String,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Tiles asked for and not yet added (or failed).
    in_flight: HashSet<u32>,
    /// Tiles decoded and waiting to be added.
    arrived: Vec<Tile>,
    /// A task to add `arrived` is scheduled.
    flush_scheduled: bool,
    /// Tiles fetched so far, and their bytes (after content decoding).
    fetched: usize,
    fetched_bytes: u64,
}

impl Source {
    /// The source of the dataset in folder `base` (ending in `/`).
    pub fn new(base: String) -> Source {
        Source {
            base,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Single-threaded; a poisoned lock only means an earlier task panicked.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The URL of a tile's file.
    pub fn url_of(&self, file_name: &str) -> String {
        format!("{}{file_name}", self.base)
    }

    /// Tiles fetched so far and their bytes.
    pub fn fetched(&self) -> (usize, u64) {
        let inner = self.inner();
        (inner.fetched, inner.fetched_bytes)
    }

    /// How many tiles are on their way.
    pub fn in_flight(&self) -> usize {
        self.inner().in_flight.len()
    }
}

/// Downloads `index.txt` and the manifest of the tiled dataset at `url`: an engine with every
/// place (and its hours) known and no street loaded yet.
pub async fn load(
    url: &str,
    progress: impl Fn(Progress),
) -> Result<(Arc<Engine>, Timings), LoadError> {
    let index = crate::fetch::download(&index_url(url), |_, _| {})
        .await
        .map_err(LoadError::Fetch)?;
    let text = String::from_utf8_lossy(&index);
    let (name, hash) = parse_index(&text).map_err(LoadError::Tiles)?;
    let source = Arc::new(Source::new(base_url(url)));
    let bytes = crate::fetch::download(&source.url_of(&name), |loaded, total| {
        progress(Progress::Download { loaded, total });
    })
    .await
    .map_err(LoadError::Fetch)?;
    next_task().await;
    let t0 = now_ms();
    let manifest = Manifest::decode(&bytes, Some(hash)).map_err(LoadError::Tiles)?;
    drop(bytes);
    let decode_ms = now_ms() - t0;
    let t1 = now_ms();
    let engine = Engine::tiled(Finder::tiled(manifest), source);
    let hours_ms = now_ms() - t1;
    Ok((
        Arc::new(engine),
        Timings {
            decode_ms,
            prepare_ms: 0.0,
            hours_ms,
        },
    ))
}

/// Asks for `tiles` (the first [`PARALLEL`] not loaded nor on their way), after the current
/// task: safe to call from a memo.
pub fn request(state: AppState, tiles: Vec<TileId>) {
    if tiles.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move { request_now(state, &tiles, false) });
}

/// Starts fetching the first [`PARALLEL`] of `tiles` not loaded nor on their way; counts
/// them in `__linliCounters.tilesForeground` or, for the background fetch,
/// `tilesPrefetched`.
fn request_now(state: AppState, tiles: &[TileId], background: bool) {
    let Some(engine) = state.engine.get_untracked() else {
        return;
    };
    let Some(source) = engine.tile_source().cloned() else {
        return;
    };
    let Some(manifest) = engine.finder().manifest() else {
        return;
    };
    let network = engine.finder().network();
    let mut started = 0;
    for &id in tiles {
        if started == PARALLEL {
            break;
        }
        if network.is_loaded(id) {
            continue;
        }
        started += 1;
        if !source.inner().in_flight.insert(id.0) {
            continue;
        }
        let entry = match manifest.tile(id) {
            Ok(e) => e,
            Err(e) => {
                source.inner().in_flight.remove(&id.0);
                state.tiles_error.set(Some(LoadError::Tiles(e)));
                continue;
            }
        };
        let url = source.url_of(&entry.file_name());
        crate::data::bump_counter(if background {
            "tilesPrefetched"
        } else {
            "tilesForeground"
        });
        let source = source.clone();
        state.tiles_loading.set(source.in_flight());
        // The task holds no engine while the tile is on its way (the engine in the state is
        // then the only one, and the next tiles are added to it without a copy: `add_arrived`).
        leptos::task::spawn_local(async move {
            let result = match crate::fetch::download(&url, |_, _| {}).await {
                Ok(bytes) => {
                    let n = bytes.len() as u64;
                    let tile = if still_current(state, &source) {
                        state.engine.with_untracked(|e| {
                            e.as_ref()
                                .and_then(|e| e.finder().manifest())
                                .ok_or(TileError::NotTiled)
                                .and_then(|m| Tile::decode(&bytes, m, id))
                        })
                    } else {
                        Err(TileError::NotTiled)
                    };
                    let mut inner = source.inner();
                    inner.fetched += 1;
                    inner.fetched_bytes += n;
                    drop(inner);
                    crate::data::bump_counter("tilesFetched");
                    tile.map_err(LoadError::Tiles)
                }
                Err(e) => Err(LoadError::Fetch(e)),
            };
            match result {
                Ok(tile) => arrived(state, &source, tile),
                Err(e) => {
                    source.inner().in_flight.remove(&id.0);
                    state.tiles_loading.set(source.in_flight());
                    if still_current(state, &source) {
                        state.tiles_error.set(Some(e));
                    }
                }
            }
        });
    }
}

/// Is `source` the dataset the page shows now (not one replaced by a new load)?
fn still_current(state: AppState, source: &Arc<Source>) -> bool {
    state.engine.with_untracked(|e| {
        e.as_ref()
            .and_then(|e| e.tile_source())
            .is_some_and(|s| Arc::ptr_eq(s, source))
    })
}

/// Queues a decoded tile; the tiles that arrive in the same turn are added together.
fn arrived(state: AppState, source: &Arc<Source>, tile: Tile) {
    let mut inner = source.inner();
    inner.arrived.push(tile);
    if inner.flush_scheduled {
        return;
    }
    inner.flush_scheduled = true;
    drop(inner);
    let source = source.clone();
    leptos::task::spawn_local(async move {
        next_task().await;
        add_arrived(state, &source);
    });
}

/// Adds the arrived tiles to a copy of the finder and replaces the engine.
fn add_arrived(state: AppState, source: &Arc<Source>) {
    let tiles = {
        let mut inner = source.inner();
        inner.flush_scheduled = false;
        std::mem::take(&mut inner.arrived)
    };
    if !still_current(state, source) {
        return;
    }
    // The engine's finder is taken over when nothing else holds the engine (the usual case),
    // and copied only when something does (a whole-area coverage computing over it, say).
    let Some(engine) = state.engine.try_update_untracked(Option::take).flatten() else {
        return;
    };
    let t0 = now_ms();
    let mut error = None;
    let engine = Engine::with_more_tiles(engine, |finder| {
        for tile in tiles {
            let id = tile.id;
            if !finder.network().is_loaded(id) {
                if let Err(e) = finder.add_tile(tile) {
                    error = Some(LoadError::Tiles(e));
                }
            }
            source.inner().in_flight.remove(&id.0);
        }
    });
    crate::data::publish_timing("lastTileAddMs", now_ms() - t0);
    let (count, bytes) = source.fetched();
    #[allow(clippy::cast_precision_loss)]
    {
        crate::data::publish_timing("tilesFetched", count as f64);
        crate::data::publish_timing("tileBytes", bytes as f64);
    }
    state.tiles_loading.set(source.in_flight());
    if let Some(e) = error {
        state.tiles_error.set(Some(e));
    }
    state.engine.set(Some(Arc::new(engine)));
}

/// What a whole-area coverage is of: the dataset (its tile source), the mode, the kind and
/// the "open at" time.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CoverageKey {
    source: usize,
    mode: Mode,
    kind: Kind,
    at: Option<NaiveDateTime>,
}

impl CoverageKey {
    /// The coverage the view asks for now (tracks the signals it reads); `None` unless a
    /// tiled dataset is loaded.
    pub fn wanted(state: AppState) -> Option<CoverageKey> {
        let source = state.engine.with(|e| {
            e.as_ref()
                .and_then(|e| e.tile_source())
                .map(|s| Arc::as_ptr(s) as usize)
        })?;
        Some(CoverageKey {
            source,
            mode: state.mode.get(),
            kind: state.coverage_kind.get(),
            at: state.coverage_at.get(),
        })
    }
}

/// The whole-area coverage of a tiled dataset ([`cover_whole_area`]): every tile fetched, then
/// the coverage computed in slices that give the browser a turn between them.
#[derive(Clone)]
pub enum WholeCoverage {
    /// Not asked for, or cancelled.
    Idle,
    /// Fetching the tiles not loaded yet: `loaded` of `total` are.
    Fetching {
        key: CoverageKey,
        run: u64,
        loaded: usize,
        total: usize,
    },
    /// Computing: `done` is the share done, 0–1.
    Computing {
        key: CoverageKey,
        run: u64,
        done: f64,
    },
    /// A tile could not be fetched or used (`AppState::tiles_error` says why, with a retry).
    Failed { key: CoverageKey },
    /// The coverage of the whole area.
    Done {
        key: CoverageKey,
        coverage: Arc<Coverage>,
    },
}

impl WholeCoverage {
    /// Is a run under way?
    pub fn running(&self) -> bool {
        matches!(self, Self::Fetching { .. } | Self::Computing { .. })
    }

    /// What this run or result is of.
    pub fn key(&self) -> Option<CoverageKey> {
        match self {
            Self::Idle => None,
            Self::Fetching { key, .. }
            | Self::Computing { key, .. }
            | Self::Failed { key }
            | Self::Done { key, .. } => Some(*key),
        }
    }

    fn run(&self) -> Option<u64> {
        match self {
            Self::Fetching { run, .. } | Self::Computing { run, .. } => Some(*run),
            _ => None,
        }
    }
}

/// Coverage work between two turns given to the browser, milliseconds (well under the 50 ms
/// of a long task, even on a slow phone).
const COVERAGE_SLICE_MS: f64 = 8.0;
/// Work units (nodes settled, streets measured) between two looks at the clock.
const COVERAGE_STEP: usize = 300;
/// How often the run looks whether the tiles it waits for have arrived, milliseconds.
const TILE_POLL_MS: i32 = 20;

static RUNS: AtomicU64 = AtomicU64::new(0);

/// Starts, keeps or cancels the whole-area coverage as the view asks (an effect: call once).
/// While the coverage view is on and the whole area was asked for, a change of mode, kind or
/// time starts a new run (the tiles are fetched once); turning either off cancels it.
pub fn drive_whole_coverage(state: AppState) {
    Effect::new(move |_| {
        let on = state.coverage_on.get() && state.coverage_whole.get();
        state.tiles_retry.track();
        let wanted = CoverageKey::wanted(state);
        let job = state.coverage_job.get_untracked();
        let (Some(key), true) = (wanted, on) else {
            if job.running() {
                state.coverage_job.set(WholeCoverage::Idle);
            }
            return;
        };
        let keep = match &job {
            WholeCoverage::Failed { key: k } => {
                *k == key && state.tiles_error.get_untracked().is_some()
            }
            other => other.key() == Some(key),
        };
        if keep {
            return;
        }
        let run = RUNS.fetch_add(1, Ordering::Relaxed) + 1;
        state.coverage_job.set(WholeCoverage::Fetching {
            key,
            run,
            loaded: 0,
            total: 0,
        });
        leptos::task::spawn_local(cover_whole_area(state, key, run));
    });
}

/// Is run `run` still the one the view wants?
fn current_run(state: AppState, run: u64) -> bool {
    state.coverage_job.with_untracked(|j| j.run() == Some(run))
}

/// Fetches every tile not loaded yet (at most [`PARALLEL`] at a time, each once, through the
/// bounded download and the service worker's cache), then computes the coverage of the whole
/// area in slices of [`COVERAGE_SLICE_MS`], publishing the progress in
/// [`AppState::coverage_job`]. Stops as soon as the run is no longer the current one.
async fn cover_whole_area(state: AppState, key: CoverageKey, run: u64) {
    let t0 = now_ms();
    // Every tile first.
    let engine = loop {
        if !current_run(state, run) {
            return;
        }
        let Some(engine) = state.engine.get_untracked() else {
            return;
        };
        let total = engine.finder().manifest().map_or(0, |m| m.tiles.len());
        let missing = engine.finder().missing_tiles();
        state.coverage_job.set(WholeCoverage::Fetching {
            key,
            run,
            loaded: total - missing.len(),
            total,
        });
        if missing.is_empty() {
            break engine;
        }
        if state.tiles_error.get_untracked().is_some() {
            state.coverage_job.set(WholeCoverage::Failed { key });
            return;
        }
        drop(engine);
        request_now(state, &missing, false);
        sleep_ms(TILE_POLL_MS).await;
    };
    crate::data::publish_timing("wholeFetchMs", now_ms() - t0);
    // Then the coverage, a slice at a time.
    let finder = engine.finder();
    let services = services_of(finder, key.kind, key.at);
    let mut cov = CoverageRun::new(finder.router(), key.mode, &services, &CIRCLE_MINUTES);
    let (mut work_ms, mut longest_ms, mut slices) = (0.0_f64, 0.0_f64, 0_u32);
    let t1 = now_ms();
    loop {
        let slice = now_ms();
        let mut step = CoverageStep::Working { done: 0.0 };
        while now_ms() - slice < COVERAGE_SLICE_MS {
            step = cov.step(finder, COVERAGE_STEP);
            if !matches!(step, CoverageStep::Working { .. }) {
                break;
            }
        }
        let spent = now_ms() - slice;
        work_ms += spent;
        longest_ms = longest_ms.max(spent);
        slices += 1;
        match step {
            CoverageStep::Working { done } => {
                state
                    .coverage_job
                    .set(WholeCoverage::Computing { key, run, done });
            }
            // Every tile is in `engine`, which no one changes: not reached.
            CoverageStep::NeedTiles(_) => {
                state.coverage_job.set(WholeCoverage::Idle);
                return;
            }
            CoverageStep::Done => break,
        }
        next_task().await;
        if !current_run(state, run) {
            return;
        }
    }
    let (coverage, _) = cov.finish(finder);
    crate::data::publish_timing("wholeComputeMs", work_ms);
    crate::data::publish_timing("wholeComputeWallMs", now_ms() - t1);
    crate::data::publish_timing("wholeLongestSliceMs", longest_ms);
    crate::data::publish_timing("wholeSlices", f64::from(slices));
    drop(engine);
    state.coverage_job.set(WholeCoverage::Done {
        key,
        coverage: Arc::new(coverage),
    });
}

/// After the first answer, the tiles whose streets come within this many metres of the
/// starting point are fetched in the background: where the next moves are likely to need them.
pub const PREFETCH_M: f64 = 1_000.0;
/// The background fetch waits this long after the first answer (its results painted first).
const PREFETCH_DELAY_MS: i32 = 300;
/// How often the background fetch looks whether the network is free, milliseconds.
const PREFETCH_POLL_MS: i32 = 60;

/// The dataset and starting point of the current background fetch, and its number.
static PREFETCH_AT: Mutex<Option<(usize, [i32; 2])>> = Mutex::new(None);
static PREFETCHES: AtomicU64 = AtomicU64::new(0);

/// After the first answer from `point`: fetches the tiles within [`PREFETCH_M`] of it, nearest
/// first, one at a time and only while no other tile is on its way (a foreground request
/// never waits behind more than one of them), each once. A new starting point replaces the
/// background fetch of the previous one. Safe to call from a memo (it runs again as tiles
/// arrive; the same point does not start again).
pub fn prefetch_around(state: AppState, point: LngLat) {
    let Some(source) = state.engine.with_untracked(|e| {
        e.as_ref()
            .and_then(|e| e.tile_source())
            .map(|s| Arc::as_ptr(s) as usize)
    }) else {
        return;
    };
    let at = (source, point.to_e6());
    {
        let mut last = PREFETCH_AT.lock().unwrap_or_else(PoisonError::into_inner);
        if *last == Some(at) {
            return;
        }
        *last = Some(at);
    }
    let run = PREFETCHES.fetch_add(1, Ordering::Relaxed) + 1;
    leptos::task::spawn_local(async move {
        sleep_ms(PREFETCH_DELAY_MS).await;
        let mut tried = HashSet::new();
        while PREFETCHES.load(Ordering::Relaxed) == run {
            let Some(engine) = state.engine.get_untracked() else {
                return;
            };
            let Some(source) = engine.tile_source().cloned() else {
                return;
            };
            if Arc::as_ptr(&source) as usize != at.0 || state.tiles_error.get_untracked().is_some()
            {
                return;
            }
            if source.in_flight() > 0 {
                drop(engine);
                sleep_ms(PREFETCH_POLL_MS).await;
                continue;
            }
            let finder = engine.finder();
            let Some(manifest) = finder.manifest() else {
                return;
            };
            let next = manifest
                .tiles_near(finder.network().projection(), point, PREFETCH_M)
                .into_iter()
                .find(|t| !finder.network().is_loaded(*t) && !tried.contains(t));
            drop(engine);
            let Some(tile) = next else {
                return;
            };
            tried.insert(tile);
            request_now(state, &[tile], true);
            sleep_ms(PREFETCH_POLL_MS).await;
        }
    });
}

/// Resolves after `ms` milliseconds (`setTimeout`).
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Asks again for the tiles the views need, after a failure.
pub fn retry(state: AppState) {
    state.tiles_error.set(None);
    state.tiles_retry.update(|n| *n = n.wrapping_add(1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_index_files_are_tiled_and_bundles_are_not() {
        assert!(is_tiled_url("data/futian-tiles/"));
        assert!(is_tiled_url("https://cdn.example.org/sz/index.txt"));
        assert!(is_tiled_url("data/city/?v=2"));
        assert!(!is_tiled_url("data/futian.linli"));
        assert!(!is_tiled_url("data/futian.linli?x=/"));
    }

    #[test]
    fn the_manifest_and_tiles_are_fetched_from_the_folder() {
        assert_eq!(index_url("data/t/"), "data/t/index.txt");
        assert_eq!(index_url("data/t/index.txt"), "data/t/index.txt");
        assert_eq!(index_url("data/t/?v=2"), "data/t/index.txt");
        assert_eq!(base_url("data/t/"), "data/t/");
        assert_eq!(
            base_url("https://cdn.example.org/sz/index.txt"),
            "https://cdn.example.org/sz/"
        );
        assert_eq!(base_url("index.txt"), "");
        let s = Source::new(base_url("data/t/"));
        assert_eq!(
            s.url_of("t/3-4.0123456789abcdef.linli"),
            "data/t/t/3-4.0123456789abcdef.linli"
        );
    }
}
