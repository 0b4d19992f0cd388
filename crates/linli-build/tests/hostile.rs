//! Hostile and broken builder input (issue 14): the crafted files in
//! `tests/fixtures/hostile/` (README there) and a few generated ones, each with the message
//! it must give. None may panic, run long, or echo a huge value whole.

use std::path::{Path, PathBuf};

use linli_build::{build, build_to_file, BuildError, BuildOptions};
use linli_core::Crs;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn hostile(name: &str) -> PathBuf {
    fixture("hostile").join(name)
}

fn options(osm: PathBuf, services: PathBuf) -> BuildOptions {
    BuildOptions {
        osm,
        services,
        services_crs: Crs::Wgs84,
        name: None,
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    }
}

fn town_with(services: PathBuf) -> BuildOptions {
    options(fixture("tiny-town.osm"), services)
}

fn error(options: &BuildOptions) -> String {
    match build(options) {
        Ok(_) => panic!("{options:?} should fail"),
        Err(e) => e.to_string(),
    }
}

fn warnings(options: &BuildOptions) -> Vec<String> {
    let (_, _, report) = build(options).expect("builds");
    report.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn streets_at_opposite_ends_of_the_world_are_refused_before_any_grid() {
    let e = build(&options(
        hostile("far-apart-streets.osm"),
        fixture("tiny-town-services.csv"),
    ))
    .expect_err("too large");
    assert!(matches!(e, BuildError::AreaTooLarge { .. }), "{e:?}");
    assert!(
        e.to_string().contains(
            "far-apart-streets.osm: the streets span 340.001 × 120.000 degrees (longitude × latitude), more than the 2 × 2 degrees a bundle may cover"
        ),
        "{e}"
    );
}

#[test]
fn bad_osm_files_name_file_and_element() {
    let e = error(&options(
        hostile("bad-node-position.osm"),
        fixture("tiny-town-services.csv"),
    ));
    assert!(
        e.contains("bad-node-position.osm: node 1: lon 114 / lat 95 is not a valid position"),
        "{e}"
    );
    let e = error(&options(
        hostile("broken-xml.osm"),
        fixture("tiny-town-services.csv"),
    ));
    assert!(e.contains("broken-xml.osm: invalid OSM XML at byte"), "{e}");
    let e = error(&options(
        hostile("truncated.osm.pbf"),
        fixture("tiny-town-services.csv"),
    ));
    assert!(e.contains("truncated.osm.pbf: invalid OSM PBF"), "{e}");
}

#[test]
fn an_unclosed_quote_is_named_as_such() {
    let e = error(&town_with(hostile("unclosed-quote.csv")));
    assert_eq!(
        e,
        "1 invalid record(s) in the services file:\n  - unclosed-quote.csv row 3: the quote (\") at character 11 opens a quoted field that is never closed; close it or remove it"
    );
}

#[test]
fn control_characters_crowds_and_no_services_are_warned_about() {
    let w = warnings(&town_with(hostile("control-characters.csv")));
    assert!(
        w.iter().any(|w| w.contains(
            "field id: 'bell\\u{7}' contains the control character \\u{7} at character 5"
        )),
        "{w:?}"
    );
    assert!(
        w.iter().any(|w| w
            .contains("field name: '响铃\\u{1b}[31m驿站' contains the control character \\u{1b}")),
        "{w:?}"
    );
    let w = warnings(&town_with(hostile("same-point.csv")));
    assert!(
        w.iter().any(|w| w.contains(
            "same-point.csv, field lng/lat: 4 places are at the same point (114.000800, 22.499900): s1, s2, s3, s4; are the coordinates copied?"
        )),
        "{w:?}"
    );
    let w = warnings(&town_with(hostile("no-services.csv")));
    assert!(
        w.iter()
            .any(|w| w.contains("no-services.csv: the file has no services")),
        "{w:?}"
    );
}

#[test]
fn not_utf8_deep_json_and_wrong_json_types_are_named() {
    let e = error(&town_with(hostile("not-utf8.csv")));
    assert!(
        e.contains("not-utf8.csv: the file is not UTF-8 text (invalid byte at offset 23)"),
        "{e}"
    );
    let e = error(&town_with(hostile("deep-nesting.geojson")));
    assert!(
        e.contains("deep-nesting.geojson: not valid JSON at line 1")
            && e.contains("recursion limit"),
        "{e}"
    );
    let e = error(&town_with(hostile("wrong-json-types.geojson")));
    for expected in [
        "wrong-json-types.geojson feature 1, field id: expected text or a number, found [\"x\"]",
        "wrong-json-types.geojson feature 1, field name: expected text or a number, found {\"zh\":\"n\"}",
        "wrong-json-types.geojson feature 1, field services: expected an array of service codes, found \"wifi\"",
        "wrong-json-types.geojson feature 2, field properties: expected an object",
    ] {
        assert!(e.contains(expected), "missing «{expected}» in {e}");
    }
}

#[test]
fn a_huge_invalid_opening_hours_is_not_echoed_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let csv = dir.path().join("huge.csv");
    // 133,199 characters once the cell is trimmed; never valid.
    let hours = "Mo-Fr 09:00-18:00 ".repeat(7_400);
    std::fs::write(
        &csv,
        format!("id,name,kind,lng,lat,opening_hours\nh,大,centre,114.0008,22.4999,{hours}\n"),
    )
    .expect("write");
    let e = error(&town_with(csv));
    assert!(e.len() < 600, "{} bytes: {e}", e.len());
    assert!(
        e.contains("huge.csv row 2 (id 'h'), field opening_hours: 'Mo-Fr 09:00-18:00 Mo-Fr 09:00-18:00 Mo-Fr 09:00-18:00 Mo-Fr … (133199 characters)' is not valid opening_hours syntax"),
        "{e}"
    );
}

#[test]
fn folders_as_input_or_output_are_named_once() {
    let dir = tempfile::tempdir().expect("dir");
    let e = error(&options(
        dir.path().to_path_buf(),
        fixture("tiny-town-services.csv"),
    ));
    assert!(
        e.ends_with(
            "is a folder, not an OpenStreetMap file; give the path of the .osm.pbf or .osm file"
        ),
        "{e}"
    );
    assert_eq!(e.matches("folder").count(), 1, "{e}");
    let e = error(&town_with(dir.path().to_path_buf()));
    assert!(
        e.contains("is a folder, not a services file; give the path of the CSV or GeoJSON file"),
        "{e}"
    );
    assert_eq!(e.matches("folder").count(), 1, "{e}");
}

#[test]
fn out_may_not_be_an_input_and_a_failed_build_keeps_the_old_bundle() {
    let dir = tempfile::tempdir().expect("dir");
    let services = dir.path().join("services.csv");
    std::fs::copy(fixture("tiny-town-services.csv"), &services).expect("copy");
    let before = std::fs::read(&services).expect("read");
    let e = build_to_file(&town_with(services.clone()), &services).expect_err("out is input");
    assert!(
        matches!(
            e,
            BuildError::OutIsInput {
                input: "--services",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("would destroy it"), "{e}");
    // Through another spelling of the same path.
    let other = dir.path().join(".").join("services.csv");
    assert!(build_to_file(&town_with(services.clone()), &other).is_err());
    let osm = dir.path().join("town.osm");
    std::fs::copy(fixture("tiny-town.osm"), &osm).expect("copy");
    let e = build_to_file(&options(osm.clone(), services.clone()), &osm).expect_err("osm");
    assert!(
        matches!(e, BuildError::OutIsInput { input: "--osm", .. }),
        "{e:?}"
    );
    assert_eq!(std::fs::read(&services).expect("read"), before);

    // A good bundle, then a failing build to the same path: the good one stays.
    let out = dir.path().join("area.linli");
    build_to_file(&town_with(services), &out).expect("builds");
    let good = std::fs::read(&out).expect("read");
    assert!(build_to_file(&town_with(fixture("bad-services.csv")), &out).is_err());
    assert_eq!(std::fs::read(&out).expect("read"), good);
}
