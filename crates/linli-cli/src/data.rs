//! The dataset a query command reads: a single-file bundle or a tiled folder, behind one type.
//! Queries run through the core's step-by-step searches, and a tiled dataset's tiles are read
//! from disk when a search asks for them: the loop the page runs over the network, tested here
//! on the command line.

use std::path::Path;

use anyhow::Context;
use linli_build::tiles::TileDir;
use linli_core::circle::{CoverageRun, CoverageStep, Isochrone, IsochroneSearch};
use linli_core::{Bundle, Finder, LngLat, Mode, NearestSearch, Reach, Service, Step, TileId};

/// A bundle, or a tiled dataset with the tiles loaded so far.
pub struct Data {
    finder: Finder,
    dir: Option<TileDir>,
}

/// Reads a single-file bundle.
pub fn read_bundle(path: &Path) -> anyhow::Result<Bundle> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Bundle::decode(&bytes).with_context(|| format!("{}", path.display()))
}

impl Data {
    /// A bundle file, or a folder written by `linli build --tiles-km` (nothing loaded yet).
    pub fn open(path: &Path) -> anyhow::Result<Data> {
        if path.is_dir() {
            if !path.join(linli_core::tiles::INDEX_FILE).is_file() {
                anyhow::bail!(
                    "{}: is a folder without {}: give a .linli bundle, or a folder written by `linli build --tiles-km`",
                    path.display(),
                    linli_core::tiles::INDEX_FILE
                );
            }
            let dir = TileDir::open(path)?;
            return Ok(Data {
                finder: dir.finder(),
                dir: Some(dir),
            });
        }
        Ok(Data {
            finder: Finder::new(read_bundle(path)?),
            dir: None,
        })
    }

    /// The finder over what is loaded.
    pub fn finder(&self) -> &Finder {
        &self.finder
    }

    /// Loads tiles a search asked for.
    fn load(&mut self, tiles: &[TileId]) -> anyhow::Result<()> {
        let Some(dir) = &self.dir else {
            anyhow::bail!("a single-file bundle has no tiles to load");
        };
        dir.load(&mut self.finder, tiles)?;
        Ok(())
    }

    /// Loads every tile (for search over the whole area).
    pub fn load_all(&mut self) -> anyhow::Result<()> {
        let missing = self.finder.missing_tiles();
        if !missing.is_empty() {
            self.load(&missing)?;
        }
        Ok(())
    }

    /// How many tiles are loaded, of how many (`None` for a single bundle).
    pub fn tiles_loaded(&self) -> Option<(usize, usize)> {
        let m = self.finder.manifest()?;
        Some((self.finder.network().loaded_tiles().count(), m.tiles.len()))
    }

    /// The places `include` accepts (by index and record) from `origin`, quickest first, until
    /// `want` of them are exact (all when `None`): loads the tile each round of the search
    /// waits for.
    pub fn nearest(
        &mut self,
        origin: LngLat,
        mode: Mode,
        include: impl Fn(usize, &Service) -> bool,
        want: Option<usize>,
    ) -> anyhow::Result<Vec<Reach>> {
        let mut search =
            NearestSearch::among(&self.finder, self.finder.router(), origin, mode, include);
        search.want(want.unwrap_or(usize::MAX));
        loop {
            match search.advance(&self.finder)? {
                Step::Done => return Ok(search.results(&self.finder)),
                Step::NeedTiles(tiles) => self.load(first(&tiles)?)?,
            }
        }
    }

    /// The places reachable from `origin` within `seconds`, quickest first.
    pub fn nearest_within(
        &mut self,
        origin: LngLat,
        mode: Mode,
        seconds: f64,
    ) -> anyhow::Result<Vec<Reach>> {
        let mut search =
            NearestSearch::new(&self.finder, self.finder.router(), origin, mode, |_| true);
        search.within_seconds(seconds);
        loop {
            match search.advance(&self.finder)? {
                Step::Done => return Ok(search.results(&self.finder)),
                Step::NeedTiles(tiles) => self.load(first(&tiles)?)?,
            }
        }
    }

    /// The isochrone, loading the tiles it reaches.
    pub fn isochrone(
        &mut self,
        origin: LngLat,
        mode: Mode,
        limits: &[f64],
    ) -> anyhow::Result<Isochrone> {
        let mut search = IsochroneSearch::new(self.finder.router(), origin, mode, limits);
        loop {
            match search.advance(&self.finder)? {
                Step::Done => break,
                Step::NeedTiles(tiles) => self.load(first(&tiles)?)?,
            }
        }
        search
            .result(&self.finder)
            .context("the isochrone has no starting point")
    }

    /// Coverage of the whole area by `services` (indices), loading every tile it asks for and
    /// running in steps.
    pub fn coverage(
        &mut self,
        mode: Mode,
        services: &[usize],
        limits: &[f64],
    ) -> anyhow::Result<linli_core::circle::Coverage> {
        let mut run = CoverageRun::new(self.finder.router(), mode, services, limits);
        loop {
            match run.step(&self.finder, 50_000) {
                CoverageStep::NeedTiles(tiles) => self.load(&tiles)?,
                CoverageStep::Working { .. } => {}
                CoverageStep::Done => break,
            }
        }
        Ok(run.finish(&self.finder).0)
    }
}

/// The tile a search waits for.
fn first(tiles: &[TileId]) -> anyhow::Result<&[TileId]> {
    if tiles.is_empty() {
        anyhow::bail!("the search waits for a tile the dataset does not name");
    }
    Ok(&tiles[..1])
}
