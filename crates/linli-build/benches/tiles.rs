//! Criterion benchmarks of tiled datasets (issue 13), natively, on Futian × 64 (the sample
//! tiled 8 × 8 by `scale::tile`, ~110k junctions, 2,880 places) cut into 0.5 km and 2 km tiles:
//! decoding the manifest, loading one tile (decode + add to the finder), the nearest query
//! with tiles loaded on demand from the starting point's tile, and the whole city's coverage
//! in steps.
//!
//! Run: `cargo bench -p linli-build --bench tiles` (results in docs/BENCHMARKS.md). The counts
//! the tables give (tiles loaded, steps) are printed and asserted here.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use linli_build::tiles::{cut, TiledDataset};
use linli_core::circle::{coverage, services_of, CoverageRun, CoverageStep, CIRCLE_MINUTES};
use linli_core::{Finder, Kind, LngLat, Manifest, Mode, NearestSearch, Step, Tile, TileId};

// Only `tile` is used here.
#[allow(dead_code)]
#[path = "common/scale.rs"]
mod scale;

#[path = "common/sample.rs"]
mod sample;

fn city() -> linli_core::Bundle {
    scale::tile(&sample::futian(), 8)
}

struct Cut {
    data: TiledDataset,
    tiles: Vec<Tile>,
}

impl Cut {
    fn new(bundle: &linli_core::Bundle, km: f64) -> Cut {
        let data = cut(bundle, km * 1000.0).expect("cuts");
        let tiles = (0..data.tiles.len())
            .map(|i| data.tile(TileId(i as u32)).expect("decodes"))
            .collect();
        Cut { data, tiles }
    }

    fn finder_at(&self, origin: LngLat) -> Finder {
        let mut f = Finder::tiled(self.data.manifest.clone());
        if let Some(t) = self.data.manifest.tile_at(origin) {
            f.add_tile(self.tiles[t.index()].clone()).expect("loads");
        }
        f
    }

    /// The nearest `want` places from `origin`, loading what the search waits for; returns the
    /// number of results and of tiles loaded.
    fn nearest(&self, origin: LngLat, want: usize) -> (usize, usize) {
        let mut f = self.finder_at(origin);
        let mut s = NearestSearch::new(&f, f.router(), origin, Mode::Walk, |_| true);
        s.want(want);
        loop {
            match s.advance(&f).expect("answers") {
                Step::Done => {
                    return (s.results(&f).len(), f.network().loaded_tiles().count());
                }
                Step::NeedTiles(t) => {
                    f.add_tile(self.tiles[t[0].index()].clone()).expect("loads");
                }
            }
        }
    }
}

fn median_tile(c: &Cut) -> TileId {
    let mut by_size: Vec<(usize, usize)> = c
        .data
        .tiles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.len(), i))
        .collect();
    by_size.sort_unstable();
    TileId(by_size[by_size.len() / 2].1 as u32)
}

fn bench_tiles(c: &mut Criterion) {
    let city = city();
    // The middle of the city, on a street.
    let origin = {
        let b = city.bbox;
        let p = b.center();
        let single = Finder::new(city.clone());
        single
            .network()
            .snap(p, Mode::Walk, 500.0)
            .expect("a street")
            .point
    };
    let single = Finder::new(city.clone());
    let centres = services_of(&single, Kind::Centre, None);
    let mut g = c.benchmark_group("tiles_futian_x64");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    for km in [0.5, 2.0] {
        let cut = Cut::new(&city, km);
        let label = format!("{km}km");
        let bytes = cut.data.manifest_bytes.clone();
        g.bench_function(BenchmarkId::new("decode_manifest", &label), |b| {
            b.iter(|| Manifest::decode(black_box(&bytes), None).expect("decodes"))
        });
        let t = median_tile(&cut);
        let tile_bytes = cut.data.tiles[t.index()].clone();
        println!(
            "{km} km: {} tiles; median tile {} bytes, {} owned nodes",
            cut.tiles.len(),
            tile_bytes.len(),
            cut.data.manifest.tiles[t.index()].nodes
        );
        let empty = Finder::tiled(cut.data.manifest.clone());
        // A finder that already holds a tile (the one with the highest ids, so its tables are
        // at their full size): what loading one more tile costs on a page.
        let mut base = empty.clone();
        let last = (0..cut.tiles.len())
            .max_by_key(|&i| cut.tiles[i].nodes.iter().max().copied())
            .map_or(TileId(0), |i| TileId(i as u32));
        if last != t {
            base.add_tile(cut.tiles[last.index()].clone())
                .expect("loads");
        }
        g.bench_function(BenchmarkId::new("load_median_tile", &label), |b| {
            b.iter_batched(
                || base.clone(),
                |mut f| {
                    let tile = Tile::decode(black_box(&tile_bytes), &cut.data.manifest, t)
                        .expect("decodes");
                    f.add_tile(tile).expect("loads");
                    f
                },
                BatchSize::LargeInput,
            )
        });
        for want in [1, 8, 45] {
            let (n, loaded) = cut.nearest(origin, want);
            assert!(n >= want && loaded >= 1);
            println!(
                "{km} km: nearest {want}: {loaded} of {} tiles loaded",
                cut.tiles.len()
            );
            g.bench_function(
                BenchmarkId::new(format!("nearest_first_{want}_on_demand"), &label),
                |b| b.iter(|| cut.nearest(black_box(origin), want)),
            );
        }
        // The whole city's coverage, in steps of 20,000 units, every tile loaded.
        let mut full = empty.clone();
        for tile in &cut.tiles {
            full.add_tile(tile.clone()).expect("loads");
        }
        let mut steps = 0;
        g.bench_function(BenchmarkId::new("coverage_centres_stepwise", &label), |b| {
            b.iter(|| {
                let mut run =
                    CoverageRun::new(full.router(), Mode::Walk, &centres, &CIRCLE_MINUTES);
                steps = 0;
                while run.step(&full, 20_000) != CoverageStep::Done {
                    steps += 1;
                }
                run.finish(&full).0
            })
        });
        println!("{km} km: coverage in {steps} steps of 20,000");
        assert!(steps > 10);
    }
    // The single bundle's coverage, for comparison (same graph, same code).
    let mut router = single.router();
    g.bench_function("coverage_centres_single_bundle", |b| {
        b.iter(|| {
            coverage(
                &single,
                &mut router,
                Mode::Walk,
                black_box(&centres),
                &CIRCLE_MINUTES,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench_tiles);
criterion_main!(benches);
