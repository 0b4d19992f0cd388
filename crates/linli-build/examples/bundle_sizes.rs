//! Prints the bundle-size table of docs/BENCHMARKS.md: raw and brotli bytes, per node and per
//! edge, for the Futian sample.
//!
//! Run: `cargo run --release -p linli-build --example bundle_sizes`

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use linli_build::timetable::compile_timetable;
use linli_build::{build, BuildOptions};
use linli_core::timetable::Plan;
use linli_core::{Crs, Timetable};

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
    let bytes = base.encode().expect("encodes");
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

    // What the search readings (the `pnyn` section) add.
    let mut plain = base.clone();
    plain.readings = Default::default();
    let plain_bytes = plain.encode().expect("encodes");
    let plain_br = brotli_len(&plain_bytes);
    let r = &base.readings;
    println!(
        "\nSearch readings: {} characters, {} syllables, {} name words.\n",
        r.chars.len(),
        r.syllables.len(),
        r.phrases.len()
    );
    println!("| Futian bundle | raw bytes | brotli bytes |");
    println!("|---|---:|---:|");
    println!(
        "| without search readings | {} | {plain_br} |",
        plain_bytes.len()
    );
    println!("| with search readings | {} | {br} |", bytes.len());
    println!(
        "| added by search | {} ({:.1} %) | {} ({:.1} %) |",
        bytes.len() - plain_bytes.len(),
        100.0 * (bytes.len() - plain_bytes.len()) as f64 / plain_bytes.len() as f64,
        br - plain_br,
        100.0 * (br as f64 - plain_br as f64) / plain_br as f64
    );

    // What the compiled opening hours (the `HOUR` section) add, against the same bundle whose
    // places have no hours (a `HOUR` section of one byte per place).
    let mut no_hours = base.clone();
    no_hours.hours = Timetable::without_hours(base.services.len());
    let no_hours_bytes = no_hours.encode().expect("encodes");
    let no_hours_br = brotli_len(&no_hours_bytes);
    let t = &base.hours;
    let weekly = t
        .plans()
        .iter()
        .filter(|p| matches!(p, Plan::Weekly(_)))
        .count();
    println!(
        "\nOpening hours: {} places with hours ({weekly} weekly), {} distinct day plans, {} pieces, {} comments.\n",
        t.plans().iter().filter(|p| !matches!(p, Plan::None)).count(),
        t.days().len(),
        t.days().iter().map(|d| d.pieces().len()).sum::<usize>(),
        t.comments().len()
    );
    println!("| Futian bundle | raw bytes | brotli bytes |");
    println!("|---|---:|---:|");
    println!(
        "| places without hours | {} | {no_hours_br} |",
        no_hours_bytes.len()
    );
    println!("| with compiled hours | {} | {br} |", bytes.len());
    println!(
        "| added by the hours | {} | {} |",
        bytes.len() - no_hours_bytes.len(),
        br as i64 - no_hours_br as i64
    );

    // Rules with dates are stored day by day over the window: what one such place costs.
    let built = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    println!("\n| rule with dates | periods | exceptions | bytes in the bundle |");
    println!("|---|---:|---:|---:|");
    for rule in [
        "Mo[1] 09:00-12:00",
        "Jun-Aug Mo-Fr 08:00-12:00; Sep-May Mo-Fr 09:00-17:00",
        "week 01-26 Mo-Fr 09:00-12:00; week 27-53 Mo-Fr 14:00-18:00",
        "Mo-Su 09:00-18:00; Dec 24-Jan 02 off",
    ] {
        let with = compile_timetable(["Mo-Fr 09:00-18:00", rule], built).expect("compiles");
        let without = compile_timetable(["Mo-Fr 09:00-18:00", ""], built).expect("compiles");
        let Plan::Dated(d) = with.plans()[1].clone() else {
            continue;
        };
        let mut b = base.clone();
        b.services.truncate(2);
        b.hours = with;
        let a = b.encode().expect("encodes").len();
        b.hours = without;
        let z = b.encode().expect("encodes").len();
        println!(
            "| `{rule}` | {} | {} | {} |",
            d.periods.len(),
            d.exceptions.len(),
            a - z
        );
    }
}
