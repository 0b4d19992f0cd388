//! The Futian sample bundle, built from the committed extract and services as `linli build` does
//! (shared by the benches that start from it).

use std::path::Path;

use linli_build::{build, BuildOptions};
use linli_core::{Bundle, Crs};

/// The sample: data/osm/shenzhen-futian.osm.pbf and data/sample/futian-services.csv.
pub fn futian() -> Bundle {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let (bundle, _, _) = build(&BuildOptions {
        osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
        services: root.join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: Some("Futian".into()),
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    })
    .expect("sample builds");
    bundle
}
