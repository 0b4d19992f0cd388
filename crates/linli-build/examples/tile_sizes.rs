//! Prints the tiled-dataset tables of docs/BENCHMARKS.md: manifest and tile sizes (raw and
//! brotli; and what the compiled opening hours add to the manifest) for Futian and Futian × 64 at 0.5 km and 2 km tiles, and the bytes a page downloads
//! before its first result (manifest + the tiles the frontier loop asks for), over seeded
//! random starting points.
//!
//! Run: `cargo run --release -p linli-build --example tile_sizes`
//!
//! Futian × 64 repeats the sample's 45 places 64 times: their names repeat too, which brotli
//! would compress away in the manifest. The "distinct names" rows give every copy's places new
//! names of the same length, drawn from the characters of the sample's names, as a real city's
//! list would have.

// Only some of the generators are used here.
#[allow(dead_code)]
#[path = "../benches/common/scale.rs"]
mod scale;

use std::io::Write;
use std::path::Path;

use linli_build::tiles::{cut, TiledDataset};
use linli_build::{build, BuildOptions};
use linli_core::{Bundle, Crs, Finder, LngLat, Mode, NearestSearch, Step};

fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).expect("compress");
    }
    out.len()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Gives every place a new name of the same length from the characters of all names.
fn distinct_names(mut b: Bundle) -> Bundle {
    let chars: Vec<char> = {
        let mut c: Vec<char> = b.services.iter().flat_map(|s| s.name.chars()).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let mut rng = Rng(7);
    for s in &mut b.services {
        let n = s.name.chars().count();
        s.name = (0..n)
            .map(|_| chars[(rng.next() % chars.len() as u64) as usize])
            .collect();
    }
    // The readings of the new names are those of their characters (already in the table).
    b
}

fn percentile(v: &mut [usize], p: f64) -> usize {
    v.sort_unstable();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Bytes (brotli) before the first `want` results from `origin`: the manifest and every tile
/// the loop loads (only the tile it waits for when `blocking_only`, else every tile it names).
fn first_result_bytes(
    tiled: &TiledDataset,
    tile_br: &[usize],
    origin: LngLat,
    want: usize,
    blocking_only: bool,
) -> Option<(usize, usize)> {
    let mut f = Finder::tiled(tiled.manifest.clone());
    let mut s = NearestSearch::new(&f, f.router(), origin, Mode::Walk, |_| true);
    s.want(want);
    let mut bytes = 0;
    let mut tiles = 0;
    // The page loads the tile under the starting point with the manifest.
    if let Some(t) = tiled.manifest.tile_at(origin) {
        f.add_tile(tiled.tile(t).expect("tile")).expect("loads");
        bytes += tile_br[t.index()];
        tiles += 1;
    }
    loop {
        match s.advance(&f).ok()? {
            Step::Done => return Some((bytes, tiles)),
            Step::NeedTiles(need) => {
                let take = if blocking_only { 1 } else { need.len() };
                for t in need.into_iter().take(take) {
                    if !f.network().is_loaded(t) {
                        f.add_tile(tiled.tile(t).expect("tile")).expect("loads");
                        bytes += tile_br[t.index()];
                        tiles += 1;
                    }
                }
            }
        }
    }
}

fn report(label: &str, bundle: &Bundle, km: f64) {
    let tiled = cut(bundle, km * 1000.0).expect("cuts");
    let m_raw = tiled.manifest_bytes.len();
    let m_br = brotli_len(&tiled.manifest_bytes);
    // What the compiled hours add to the manifest: the same manifest with places without hours.
    let plain = {
        let mut m = tiled.manifest.clone();
        m.hours = linli_core::Timetable::without_hours(m.places.len());
        m.encode().expect("encodes")
    };
    // Signed: brotli 11 may compress the larger file to fewer bytes.
    let (h_raw, h_br) = (
        m_raw as i64 - plain.len() as i64,
        m_br as i64 - brotli_len(&plain) as i64,
    );
    let raw: Vec<usize> = tiled.tiles.iter().map(Vec::len).collect();
    let br: Vec<usize> = tiled.tiles.iter().map(|t| brotli_len(t)).collect();
    let (mut r2, mut b2) = (raw.clone(), br.clone());
    println!(
        "| {label} | {km} | {} | {m_raw} | {m_br} | {h_raw} / {h_br} | {} / {} / {} | {} / {} / {} | {} | {} |",
        tiled.tiles.len(),
        percentile(&mut r2, 0.5),
        percentile(&mut r2, 0.9),
        r2.last().copied().unwrap_or(0),
        percentile(&mut b2, 0.5),
        percentile(&mut b2, 0.9),
        b2.last().copied().unwrap_or(0),
        raw.iter().sum::<usize>(),
        br.iter().sum::<usize>(),
    );
    // Bytes before the first result, from random starting points on streets.
    let single = Finder::new(bundle.clone());
    let mut rng = Rng(2026);
    let b = bundle.bbox;
    let mut rows: Vec<String> = Vec::new();
    for (want, blocking) in [(1, true), (8, true), (1, false), (8, false)] {
        let mut totals = Vec::new();
        let mut counts = Vec::new();
        let mut tries = 0;
        while totals.len() < 40 && tries < 400 {
            tries += 1;
            let p = LngLat::new(
                b.min.lng + rng.unit() * (b.max.lng - b.min.lng),
                b.min.lat + rng.unit() * (b.max.lat - b.min.lat),
            );
            // Only starting points near a street (the page's starting points are).
            if single.network().snap(p, Mode::Walk, 100.0).is_none() {
                continue;
            }
            if let Some((bytes, tiles)) = first_result_bytes(&tiled, &br, p, want, blocking) {
                totals.push(m_br + bytes);
                counts.push(tiles);
            }
        }
        rows.push(format!(
            "| {label} | {km} | {want} | {} | {} | {} | {} | {} |",
            if blocking {
                "the tile it waits for"
            } else {
                "every tile it names"
            },
            percentile(&mut totals.clone(), 0.5),
            percentile(&mut totals, 0.9),
            percentile(&mut counts.clone(), 0.5),
            percentile(&mut counts, 0.9),
        ));
    }
    FIRST.with(|f| f.borrow_mut().extend(rows));
}

thread_local! {
    static FIRST: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn main() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let (futian, _, _) = build(&BuildOptions {
        osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
        services: root.join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: Some("深圳福田 香蜜湖–车公庙".into()),
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    })
    .expect("sample builds");
    let city = scale::tile(&futian, 8);
    let distinct = distinct_names(city.clone());
    println!(
        "Futian: {} nodes, {} places; Futian × 64: {} nodes, {} edges, {} places; single bundle {} bytes raw, {} brotli.\n",
        futian.graph.nodes.len(),
        futian.services.len(),
        city.graph.nodes.len(),
        city.graph.edges.len(),
        city.services.len(),
        city.encode().expect("encodes").len(),
        brotli_len(&distinct.encode().expect("encodes")),
    );
    println!("| dataset | tile km | tiles | manifest raw | manifest brotli | of which hours (raw / brotli) | tile raw (median / p90 / max) | tile brotli (median / p90 / max) | all tiles raw | all tiles brotli |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for km in [0.5, 2.0] {
        report("Futian", &futian, km);
    }
    for km in [0.5, 2.0] {
        report("Futian × 64", &city, km);
        report("Futian × 64, distinct names", &distinct, km);
    }
    println!("\nBytes before the first result (walk, manifest + tiles, brotli), 40 random starting points within 100 m of a street:\n");
    println!("| dataset | tile km | results wanted | tiles loaded per round | bytes median | bytes p90 | tiles median | tiles p90 |");
    println!("|---|---:|---:|---|---:|---:|---:|---:|");
    FIRST.with(|f| {
        for r in f.borrow().iter() {
            println!("{r}");
        }
    });
}
