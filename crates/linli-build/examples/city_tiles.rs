//! Writes the tiled datasets the browser benchmark of tiled loading uses (docs/
//! BROWSER_BENCHMARKS.md, "Tiled datasets in the browser"): Futian × 64 (the sample repeated on
//! an 8 × 8 grid and stitched, as in `tile_sizes`) cut at 0.5 km and 2 km, into
//! `<out>/city-0.5/` and `<out>/city-2/`.
//!
//! Run: `cargo run --release -p linli-build --example city_tiles -- dist/data/bench`

// Only some of the generators are used here.
#[allow(dead_code)]
#[path = "../benches/common/scale.rs"]
mod scale;

use std::path::{Path, PathBuf};

use linli_build::tiles::{cut, write_dir};
use linli_build::{build, BuildOptions};
use linli_core::Crs;

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "dist/data/bench".into()),
    );
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
    println!(
        "Futian × 64: {} nodes, {} places",
        city.graph.nodes.len(),
        city.services.len()
    );
    for km in [0.5, 2.0] {
        let tiled = cut(&city, km * 1000.0).expect("cuts");
        let dir = out.join(format!("city-{km}"));
        std::fs::create_dir_all(&dir).expect("creates the folder");
        write_dir(&dir, &tiled).expect("writes the tiles");
        println!(
            "{}: {} tiles, manifest {} bytes",
            dir.display(),
            tiled.tiles.len(),
            tiled.manifest_bytes.len()
        );
    }
}
