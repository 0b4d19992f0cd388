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
use std::sync::{Arc, Mutex, PoisonError};

use leptos::prelude::*;
use linli_core::tiles::{parse_index, INDEX_FILE};
use linli_core::{Finder, Manifest, Tile, TileError, TileId};

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
    leptos::task::spawn_local(async move { request_now(state, &tiles) });
}

fn request_now(state: AppState, tiles: &[TileId]) {
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
        let engine = engine.clone();
        let source = source.clone();
        state.tiles_loading.set(source.in_flight());
        leptos::task::spawn_local(async move {
            let result = match crate::fetch::download(&url, |_, _| {}).await {
                Ok(bytes) => {
                    let n = bytes.len() as u64;
                    let tile = engine
                        .finder()
                        .manifest()
                        .ok_or(TileError::NotTiled)
                        .and_then(|m| Tile::decode(&bytes, m, id));
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
    let Some(engine) = state.engine.get_untracked() else {
        return;
    };
    if !still_current(state, source) {
        return;
    }
    let t0 = now_ms();
    let mut finder = engine.finder().clone();
    let mut error = None;
    for tile in tiles {
        let id = tile.id;
        if !finder.network().is_loaded(id) {
            if let Err(e) = finder.add_tile(tile) {
                error = Some(LoadError::Tiles(e));
            }
        }
        source.inner().in_flight.remove(&id.0);
    }
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
    state.engine.set(Some(Arc::new(engine.with_finder(finder))));
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
