//! Prints the bundle-size table of docs/BENCHMARKS.md: raw and brotli bytes, per node and per
//! edge, for the Futian sample.
//!
//! Run: `cargo run --release -p linli-build --example bundle_sizes`

use std::io::Write;
use std::path::Path;

use linli_build::{build, BuildOptions};
use linli_core::Crs;

fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).expect("compress");
    }
    out.len()
}

fn main() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let pbf = root.join("data/osm/shenzhen-futian.osm.pbf");
    let options = BuildOptions {
        osm: pbf.clone(),
        services: root.join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: Some("深圳福田 香蜜湖–车公庙".into()),
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    };
    let (base, _, _) = build(&options).expect("sample builds");
    let pbf_len = std::fs::metadata(&pbf).expect("pbf").len();
    println!("Source: shenzhen-futian.osm.pbf, {pbf_len} bytes.\n");
    println!("| bundle | nodes | edges | shape points | services | raw bytes | brotli bytes | brotli bytes/node | brotli bytes/edge |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Only the real extract: tiled bundles repeat one tile, which brotli compresses away.
    let bytes = base.encode();
    let br = brotli_len(&bytes);
    let (n, e) = (base.graph.nodes.len(), base.graph.edges.len());
    println!(
        "| Futian sample | {n} | {e} | {} | {} | {} | {br} | {:.1} | {:.1} |",
        base.graph.shape_points.len(),
        base.services.len(),
        bytes.len(),
        br as f64 / n as f64,
        br as f64 / e as f64
    );
}
