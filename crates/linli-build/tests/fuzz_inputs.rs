//! Fuzzing the builder's readers with proptest: the services reader (CSV and GeoJSON) and the
//! OSM reader (XML, and PBF bytes), on mutations of the fixtures and on generated records.
//! They must never panic, and every error names the file and, for a record, its row or feature.
//! What they read must also survive the rest of the build (street graph, bundle encoding).
//!
//! CI runs proptest's default number of cases (256 per property; the PBF one 32). A longer run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p linli-build --release fuzz_
//! ```
//!
//! Crafted cases found worth keeping are in `tests/fixtures/hostile/` (see `tests/hostile.rs`).

use std::path::{Path, PathBuf};

use linli_build::osm::read_osm;
use linli_build::services::{read_services, Place, ServicesError, ServicesOptions};
use linli_build::streets::build_street_graph;
use linli_core::{Crs, LngLat};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads `bytes` as a services file called `name`, checking the error contract.
fn services_case(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    let options = ServicesOptions {
        crs: Crs::Wgs84,
        skip_invalid: false,
    };
    let inside = |p: LngLat| (113.0..115.0).contains(&p.lng) && (22.0..23.0).contains(&p.lat);
    match read_services(&path, options, &inside) {
        Ok(read) => {
            for w in &read.warnings {
                assert_eq!(w.file, name, "{w}");
                assert!(w.message.chars().count() < 600, "{w}");
            }
        }
        Err(ServicesError::Invalid(problems)) => {
            assert!(!problems.is_empty());
            for p in &problems {
                assert_eq!(p.file, name, "{p}");
                assert!(
                    matches!(p.place, Place::Row(r) if r >= 1)
                        || matches!(p.place, Place::Feature(f) if f >= 1),
                    "a record problem names its row or feature: {p}"
                );
                assert!(p.message.chars().count() < 600, "{p}");
            }
        }
        Err(ServicesError::Format(p)) => {
            assert_eq!(p.file, name, "{p}");
            assert!(p.message.chars().count() < 600, "{p}");
        }
        Err(e @ ServicesError::Io { .. }) => panic!("{e}"),
    }
}

/// Reads `bytes` as an OSM file; what reads must build a graph.
fn osm_case(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    match read_osm(&path) {
        Ok(osm) => {
            let _ = build_street_graph(&osm);
        }
        Err(e) => {
            let text = e.to_string();
            assert!(text.starts_with(&path.display().to_string()), "{text}");
            assert!(text.chars().count() < 1000, "{text}");
        }
    }
}

fn mutate(base: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for &(at, op, value) in edits {
        if bytes.is_empty() {
            bytes.push(value);
            continue;
        }
        let i = at % bytes.len();
        match op % 4 {
            0 => bytes[i] = value,
            1 => bytes.insert(i, value),
            2 => {
                bytes.remove(i);
            }
            _ => {
                // Characters that matter to the formats.
                const SPECIAL: &[u8] = b",\"\n;{}[]<>/=' ";
                bytes[i] = SPECIAL[usize::from(value) % SPECIAL.len()];
            }
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)
}

/// A CSV cell: text with the characters that break CSV, or a plausible value.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9_;\\-\\. ]{0,12}",
        "[\"',\\n\\r\\t\u{7}长者食堂]{0,6}",
        Just("114.0008".to_string()),
        Just("22.4999".to_string()),
        Just("centre".to_string()),
        Just("Mo-Fr 09:00-18:00".to_string()),
        Just("B1".to_string()),
        Just("wifi;toilet".to_string()),
    ]
}

proptest! {
    #[test]
    fn fuzz_services_csv_mutations(edits in edits()) {
        let dir = tempfile::tempdir().expect("dir");
        let base = std::fs::read(fixture("tiny-town-services.csv")).expect("fixture");
        services_case(dir.path(), "s.csv", &mutate(&base, &edits));
        let bad = std::fs::read(fixture("bad-services.csv")).expect("fixture");
        services_case(dir.path(), "bad.csv", &mutate(&bad, &edits));
    }

    #[test]
    fn fuzz_services_csv_generated(
        header in prop::sample::subsequence(
            vec!["id", "name", "kind", "lng", "lat", "opening_hours", "services", "floor", "x"], 0..9),
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..10), 0..6),
    ) {
        let dir = tempfile::tempdir().expect("dir");
        let mut text = header.join(",");
        for row in rows {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        services_case(dir.path(), "gen.csv", text.as_bytes());
    }

    #[test]
    fn fuzz_services_geojson_mutations(edits in edits()) {
        let dir = tempfile::tempdir().expect("dir");
        let base = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[114.0008,22.4999]},
             "properties":{"name":"驿站","kind":"rest_stop","services":["wifi","toilet"],"floor":2,"opening_hours":"24/7"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[114.0058,22.4999]},
             "properties":{"id":7,"name":"中心","kind":"centre","colour":"red"}}]}"#;
        services_case(dir.path(), "s.geojson", &mutate(base.as_bytes(), &edits));
    }

    #[test]
    fn fuzz_osm_xml_mutations(edits in edits()) {
        let dir = tempfile::tempdir().expect("dir");
        let base = std::fs::read(fixture("tiny-town.osm")).expect("fixture");
        osm_case(dir.path(), "t.osm", &mutate(&base, &edits));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(32),
        ..ProptestConfig::default()
    })]

    #[test]
    fn fuzz_osm_pbf_mutations(edits in edits()) {
        let dir = tempfile::tempdir().expect("dir");
        let base = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/osm/shenzhen-futian.osm.pbf"),
        )
        .expect("pbf");
        osm_case(dir.path(), "t.osm.pbf", &mutate(&base, &edits));
    }
}
