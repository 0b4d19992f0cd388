//! The `linli` binary end to end: building from the fixtures and the real Futian extract,
//! answering `nearest`, and reporting bad input precisely.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use linli_core::crs::{from_wgs84, Crs};
use linli_core::Bundle;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../linli-build/tests/fixtures")
        .join(name)
}

fn linli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .output()
        .expect("run linli")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "linli failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "linli should have failed");
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn build(osm: &Path, services: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--osm",
        osm.to_str().expect("utf-8 path"),
        "--services",
        services.to_str().expect("utf-8 path"),
        "--date",
        "2026-11-22",
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    linli(&args)
}

fn nearest(bundle: &Path, lng: f64, lat: f64, mode: &str) -> Vec<Value> {
    let out = linli(&[
        "nearest",
        "--bundle",
        bundle.to_str().expect("utf-8 path"),
        "--lat",
        &lat.to_string(),
        "--lng",
        &lng.to_string(),
        "--mode",
        mode,
        "--json",
    ]);
    let v: Value = serde_json::from_str(&ok(&out)).expect("json");
    v.as_array().expect("array").clone()
}

fn route_to(items: &[Value], id: &str) -> Option<f64> {
    let item = items
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"));
    item["route_m"].as_f64()
}

fn tiny_town() -> (tempfile::TempDir, PathBuf) {
    let dir = tmp();
    let out = dir.path().join("tiny.linli");
    ok(&build(
        &fixture("tiny-town.osm"),
        &fixture("tiny-town-services.csv"),
        &out,
        &[],
    ));
    (dir, out)
}

#[test]
fn oneway_street_sends_ebikes_round_the_block() {
    let (_dir, bundle) = tiny_town();
    let walk =
        route_to(&nearest(&bundle, 114.0002, 22.4999, "walk"), "oneway-stop").expect("walkable");
    let ebike =
        route_to(&nearest(&bundle, 114.0002, 22.4999, "ebike"), "oneway-stop").expect("rideable");
    assert!((70.0..100.0).contains(&walk), "walk {walk}");
    assert!(ebike > 300.0 && ebike < 450.0, "ebike {ebike}");
}

#[test]
fn stepfree_avoids_the_steps() {
    let (_dir, bundle) = tiny_town();
    let walk =
        route_to(&nearest(&bundle, 114.0052, 22.4999, "walk"), "steps-centre").expect("walkable");
    let stepfree = route_to(
        &nearest(&bundle, 114.0052, 22.4999, "stepfree"),
        "steps-centre",
    )
    .expect("reachable by the ramp");
    assert!(walk < 120.0, "walk {walk}");
    assert!(stepfree > 300.0, "stepfree {stepfree}");
}

#[test]
fn footway_is_for_walking_only() {
    let (_dir, bundle) = tiny_town();
    let walk = route_to(
        &nearest(&bundle, 114.0102, 22.4999, "walk"),
        "footway-canteen",
    )
    .expect("walkable");
    let ebike = route_to(
        &nearest(&bundle, 114.0102, 22.4999, "ebike"),
        "footway-canteen",
    )
    .expect("by road");
    assert!(walk < 120.0, "walk {walk}");
    assert!(ebike > 350.0, "ebike {ebike}");
}

#[test]
fn island_is_unreachable_and_listed_last() {
    let (_dir, bundle) = tiny_town();
    for mode in ["walk", "ebike", "stepfree"] {
        let items = nearest(&bundle, 114.0002, 22.4999, mode);
        assert_eq!(items.len(), 4);
        let island = items
            .iter()
            .position(|i| i["id"] == "island-canteen")
            .expect("listed");
        assert!(items[island]["route_m"].is_null() && items[island]["time_s"].is_null());
        assert_eq!(items[island]["reachable"], false);
        assert!(items[island]["straight_m"].as_f64().expect("straight") > 1000.0);
        let reachable: Vec<_> = items
            .iter()
            .take_while(|i| !i["route_m"].is_null())
            .collect();
        assert!(
            items[reachable.len()..]
                .iter()
                .all(|i| i["route_m"].is_null()),
            "{mode}"
        );
    }
}

#[test]
fn kind_and_limit_filter_the_answer() {
    let (_dir, bundle) = tiny_town();
    let out = ok(&linli(&[
        "nearest",
        "--bundle",
        bundle.to_str().expect("path"),
        "--lat",
        "22.4999",
        "--lng",
        "114.0002",
        "--kind",
        "canteen",
        "--limit",
        "1",
        "--json",
    ]));
    let v: Vec<Value> = serde_json::from_str(&out).expect("json");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["kind"], "canteen");
}

#[test]
fn futian_pbf_and_xml_build_the_same_bundle() {
    let dir = tmp();
    let services = root().join("data/sample/futian-services.csv");
    let a = dir.path().join("a.linli");
    let b = dir.path().join("b.linli");
    let summary = ok(&build(
        &root().join("data/osm/shenzhen-futian.osm.pbf"),
        &services,
        &a,
        &[],
    ));
    ok(&build(
        &root().join("data/osm/shenzhen-futian.osm"),
        &services,
        &b,
        &[],
    ));
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    assert!(summary.contains("services:   45"), "{summary}");
    assert!(summary.contains("warnings:   0"), "{summary}");

    let bundle = Bundle::decode(&std::fs::read(&a).expect("a")).expect("decodes");
    assert_eq!(bundle.attribution, "© OpenStreetMap contributors");
    assert!(bundle.graph.nodes.len() > 1000 && bundle.graph.edges.len() > 2000);
    // Chegongmiao, between the metro station and the Tairan blocks.
    for mode in ["walk", "ebike", "stepfree"] {
        let items = nearest(&a, 114.02, 22.535, mode);
        assert_eq!(items.len(), 45);
        let routes: Vec<f64> = items.iter().filter_map(|i| i["route_m"].as_f64()).collect();
        assert!(
            routes.len() >= 40,
            "{mode}: most services reachable, got {}",
            routes.len()
        );
        // Ranked by time (an e-bike's walked legs and pushes take longer per metre).
        let times: Vec<f64> = items.iter().filter_map(|i| i["time_s"].as_f64()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{mode}: sorted");
        for i in &items {
            if let Some(r) = i["route_m"].as_f64() {
                let s = i["straight_m"].as_f64().expect("straight");
                assert!(r + 0.2 >= s, "{mode}: route {r} shorter than straight {s}");
                // Divided main roads are one-way carriageways, so e-bike detours can be long.
                assert!(
                    r < s * 6.0 + 500.0,
                    "{mode}: route {r} implausibly long for straight {s}"
                );
            }
        }
    }
}

#[test]
fn geojson_and_csv_give_the_same_services() {
    let dir = tmp();
    let osm = root().join("data/osm/shenzhen-futian.osm.pbf");
    let a = dir.path().join("csv.linli");
    let b = dir.path().join("geojson.linli");
    ok(&build(
        &osm,
        &root().join("data/sample/futian-services.csv"),
        &a,
        &["--name", "x"],
    ));
    ok(&build(
        &osm,
        &root().join("data/sample/futian-services.geojson"),
        &b,
        &["--name", "x"],
    ));
    let a = Bundle::decode(&std::fs::read(&a).expect("a")).expect("a");
    let b = Bundle::decode(&std::fs::read(&b).expect("b")).expect("b");
    assert_eq!(a.services, b.services);
}

#[test]
fn gcj02_and_bd09_inputs_land_where_wgs84_does() {
    let dir = tmp();
    let osm = root().join("data/osm/shenzhen-futian.osm.pbf");
    let csv = std::fs::read_to_string(root().join("data/sample/futian-services.csv")).expect("csv");
    let wgs = dir.path().join("wgs.linli");
    ok(&build(
        &osm,
        &root().join("data/sample/futian-services.csv"),
        &wgs,
        &[],
    ));
    let wgs = Bundle::decode(&std::fs::read(&wgs).expect("wgs")).expect("wgs");
    for crs in [Crs::Gcj02, Crs::Bd09] {
        // Rewrite the lng/lat columns into `crs`.
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let headers = reader.headers().expect("headers").clone();
        let (ix, iy) = (
            headers.iter().position(|h| h == "lng").expect("lng"),
            headers.iter().position(|h| h == "lat").expect("lat"),
        );
        let path = dir.path().join(format!("services-{crs}.csv"));
        let mut writer = csv::Writer::from_path(&path).expect("writer");
        writer.write_record(&headers).expect("header");
        for rec in reader.records() {
            let rec = rec.expect("record");
            let (x, y) = from_wgs84(
                crs,
                rec[ix].parse().expect("lng"),
                rec[iy].parse().expect("lat"),
            );
            let fields: Vec<String> = rec
                .iter()
                .enumerate()
                .map(|(i, f)| match i {
                    _ if i == ix => format!("{x:.8}"),
                    _ if i == iy => format!("{y:.8}"),
                    _ => f.to_string(),
                })
                .collect();
            writer.write_record(&fields).expect("row");
        }
        writer.flush().expect("flush");
        drop(writer);
        let out = dir.path().join(format!("{crs}.linli"));
        ok(&build(&osm, &path, &out, &["--services-crs", crs.as_str()]));
        let converted = Bundle::decode(&std::fs::read(&out).expect("out")).expect("decodes");
        for (a, b) in wgs.services.iter().zip(&converted.services) {
            let moved = a.location.distance_m(b.location);
            assert!(moved < 0.3, "{crs} {}: {moved} m off", a.id);
            let shift = a.location.distance_m(linli_core::LngLat::new(
                from_wgs84(crs, a.location.lng, a.location.lat).0,
                from_wgs84(crs, a.location.lng, a.location.lat).1,
            ));
            assert!(
                shift > 200.0,
                "the {crs} offset in Shenzhen is hundreds of metres, got {shift}"
            );
        }
    }
}

#[test]
fn every_bad_row_is_reported_with_row_and_field() {
    let dir = tmp();
    let err = failed(&build(
        &fixture("tiny-town.osm"),
        &fixture("bad-services.csv"),
        &dir.path().join("x.linli"),
        &[],
    ));
    for expected in [
        "bad-services.csv row 3 (id 'bad-kind'), field kind: unknown kind 'hospital': expected centre, rest_stop or canteen",
        "bad-services.csv row 4 (id 'bad-code'), field services: unknown service code 'sauna'",
        "bad-services.csv row 5, field id: is required but empty",
        "bad-services.csv row 6 (id 'no-coords'), field lng: is required but empty",
        "bad-services.csv row 6 (id 'no-coords'), field lat: is required but empty",
        "bad-services.csv row 7 (id 'far-away'), field lng/lat: (116.4, 39.9) in wgs84 is outside the street data's area",
        "bad-services.csv row 8 (id 'bad-hours'), field opening_hours: 'Mo-Fr 8:30-' is not valid opening_hours syntax: at character 12: expected extended time",
        "bad-services.csv row 9 (id 'ok-1'), field id: duplicate id 'ok-1' (first used in row 2)",
        "bad-services.csv row 10 (id 'bad-floor'), field floor: 'ground' is not a floor",
        "bad-services.csv row 11 (id 'swapped'), field lat: 114.0008 is not a latitude (expected -90 to 90); are lng and lat swapped?",
    ] {
        assert!(err.contains(expected), "missing «{expected}» in:\n{err}");
    }
    assert!(
        !dir.path().join("x.linli").exists(),
        "no bundle is written when the build fails"
    );
}

#[test]
fn skip_invalid_builds_and_lists_every_skipped_row() {
    let dir = tmp();
    let out = dir.path().join("x.linli");
    let summary = ok(&build(
        &fixture("tiny-town.osm"),
        &fixture("bad-services.csv"),
        &out,
        &["--skip-invalid"],
    ));
    for row in 3..=11 {
        assert!(
            summary.contains(&format!("skipped: bad-services.csv row {row}")),
            "row {row}:\n{summary}"
        );
    }
    assert!(
        summary.contains(
            "warning: bad-services.csv, field colour: unknown column 'colour' is ignored"
        ),
        "{summary}"
    );
    let bundle = Bundle::decode(&std::fs::read(&out).expect("out")).expect("decodes");
    assert_eq!(bundle.services.len(), 1);
    assert_eq!(bundle.services[0].id, "ok-1");
}

#[test]
fn structural_problems_are_named() {
    let dir = tmp();
    let d = dir.path();
    let osm = fixture("tiny-town.osm");
    // Not OSM at all.
    let html = d.join("page.osm");
    std::fs::write(&html, "<html><body>Not found</body></html>").expect("write");
    let err = failed(&build(
        &html,
        &fixture("tiny-town-services.csv"),
        &d.join("x"),
        &[],
    ));
    assert!(
        err.contains(
            "page.osm: not an OpenStreetMap file: it is XML or HTML without an <osm> root element"
        ),
        "{err}"
    );
    let junk = d.join("junk.pbf");
    std::fs::write(&junk, [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9]).expect("write");
    let err = failed(&build(
        &junk,
        &fixture("tiny-town-services.csv"),
        &d.join("x"),
        &[],
    ));
    assert!(err.contains("junk.pbf: not an OpenStreetMap file"), "{err}");
    // Missing required column.
    let csv = d.join("nocoords.csv");
    std::fs::write(&csv, "id,name,kind\na,b,centre\n").expect("write");
    let err = failed(&build(&osm, &csv, &d.join("x"), &[]));
    assert!(
        err.contains("nocoords.csv: missing required column(s) lng, lat"),
        "{err}"
    );
    // Ragged row.
    let csv = d.join("ragged.csv");
    std::fs::write(
        &csv,
        "id,name,kind,lng,lat\na,b,centre,114.0008,22.4999\nc,d,centre\n",
    )
    .expect("write");
    let err = failed(&build(&osm, &csv, &d.join("x"), &[]));
    assert!(
        err.contains("ragged.csv row 3: has 3 fields but the header has 5"),
        "{err}"
    );
    // GeoJSON feature without a point.
    let gj = d.join("bad.geojson");
    std::fs::write(
        &gj,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[]},"properties":{"id":"x","name":"n","kind":"centre"}}]}"#,
    )
    .expect("write");
    let err = failed(&build(&osm, &gj, &d.join("x"), &[]));
    assert!(
        err.contains("bad.geojson feature 1 (id 'x'), field geometry: expected a Point"),
        "{err}"
    );
    // Wrong CRS name.
    let err = failed(&build(
        &osm,
        &fixture("tiny-town-services.csv"),
        &d.join("x"),
        &["--services-crs", "utm"],
    ));
    assert!(err.contains("unknown coordinate system 'utm'"), "{err}");
}

#[test]
fn damaged_bundles_are_reported_not_panicked_on() {
    let (dir, bundle) = tiny_town();
    let bytes = std::fs::read(&bundle).expect("bundle");
    let cut = dir.path().join("cut.linli");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let out = linli(&[
        "nearest",
        "--bundle",
        cut.to_str().expect("path"),
        "--lat",
        "22.5",
        "--lng",
        "114.0",
    ]);
    let err = failed(&out);
    assert!(err.contains("cut.linli: the bundle is truncated"), "{err}");
    assert_eq!(out.status.code(), Some(1));
    let far = linli(&[
        "nearest",
        "--bundle",
        bundle.to_str().expect("path"),
        "--lat",
        "39.9",
        "--lng",
        "116.4",
    ]);
    assert!(failed(&far).contains("no street usable by walk within 1000 m"));
}

fn sample_bundle() -> (tempfile::TempDir, PathBuf) {
    let dir = tmp();
    let out = dir.path().join("futian.linli");
    ok(&build(
        &root().join("data/osm/shenzhen-futian.osm.pbf"),
        &root().join("data/sample/futian-services.csv"),
        &out,
        &[],
    ));
    (dir, out)
}

fn hours_at(bundle: &Path, at: &str) -> Vec<Value> {
    let out = linli(&[
        "hours",
        "--bundle",
        bundle.to_str().expect("path"),
        "--at",
        at,
        "--json",
    ]);
    serde_json::from_str(&ok(&out)).expect("json")
}

fn state_of<'a>(items: &'a [Value], id: &str) -> (&'a str, Option<&'a str>, Option<&'a str>) {
    let it = items
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"));
    (
        it["state"].as_str().expect("state"),
        it["next_change"].as_str(),
        it["note"].as_str(),
    )
}

#[test]
fn hours_on_national_day_2026() {
    let (_dir, bundle) = sample_bundle();
    let items = hours_at(&bundle, "2026-10-01T10:00");
    assert_eq!(items.len(), 45);
    // An office with "PH off": closed for the holiday, opens again after it.
    assert_eq!(
        state_of(&items, "xmh-centre"),
        ("holiday", Some("2026-10-08T09:00"), Some("National Day"))
    );
    // No PH rule: the weekday rules apply.
    assert_eq!(state_of(&items, "shatou-centre").0, "open");
    assert_eq!(
        state_of(&items, "shatou-centre").1,
        Some("2026-10-01T21:00")
    );
    // 24/7 never changes.
    assert_eq!(
        state_of(&items, "cgm-rest-1"),
        ("open", None, Some("National Day"))
    );
    // No hours: unknown, never open or closed.
    assert_eq!(state_of(&items, "shazui-rest").0, "unknown");
}

#[test]
fn hours_on_a_make_up_sunday_and_across_midnight() {
    let (_dir, bundle) = sample_bundle();
    // Sunday 2026-09-20 is a make-up working day for National Day: weekday hours.
    let items = hours_at(&bundle, "2026-09-20T10:00");
    let (state, next, note) = state_of(&items, "xmh-centre");
    assert_eq!((state, next), ("open", Some("2026-09-20T12:00")));
    assert!(
        note.is_some_and(|n| n.contains("make-up working day")),
        "{note:?}"
    );
    // A station open 18:00–02:00, at 23:50 on New Year's Eve.
    let items = hours_at(&bundle, "2025-12-31T23:50");
    assert_eq!(
        state_of(&items, "jingtian-rest"),
        ("open", Some("2026-01-01T02:00"), None)
    );
    // Closing soon at 21:45 for a station that closes at 22:00.
    let items = hours_at(&bundle, "2026-11-24T21:45");
    assert_eq!(state_of(&items, "cgm-rest-2").0, "closing");
    // Spring Festival 2026 for a canteen with "PH off".
    let items = hours_at(&bundle, "2026-02-17T11:30");
    assert_eq!(state_of(&items, "zhuyuan-canteen").0, "holiday");
    assert_eq!(
        state_of(&items, "zhuyuan-canteen").2,
        Some("Spring Festival")
    );
}

#[test]
fn hours_does_not_depend_on_the_machine_time_zone() {
    let (_dir, bundle) = sample_bundle();
    let run = |tz: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_linli"))
            .env("TZ", tz)
            .args([
                "hours",
                "--bundle",
                bundle.to_str().expect("path"),
                "--at",
                "2026-10-01T10:00",
                "--json",
            ])
            .output()
            .expect("run");
        ok(&out)
    };
    assert_eq!(run("America/New_York"), run("Asia/Shanghai"));
    assert_eq!(run("UTC"), run("Pacific/Kiritimati"));
}

#[test]
fn hours_arguments_are_checked() {
    let (_dir, bundle) = sample_bundle();
    let b = bundle.to_str().expect("path");
    let err = failed(&linli(&["hours", "--bundle", b, "--at", "tomorrow"]));
    assert!(
        err.contains("--at 'tomorrow' is not a time in the form YYYY-MM-DDTHH:MM"),
        "{err}"
    );
    let err = failed(&linli(&[
        "hours",
        "--bundle",
        b,
        "--at",
        "2026-10-01T10:00",
        "--id",
        "nope",
    ]));
    assert!(err.contains("there is no service with id 'nope'"), "{err}");
    let one = ok(&linli(&[
        "hours",
        "--bundle",
        b,
        "--at",
        "2026-10-01T10:00",
        "--id",
        "cgm-rest-2",
        "--json",
    ]));
    let v: Vec<Value> = serde_json::from_str(&one).expect("json");
    assert_eq!(v.len(), 1);
}

#[test]
fn zero_length_spans_are_warned_about() {
    let dir = tmp();
    let csv = dir.path().join("s.csv");
    std::fs::write(
        &csv,
        "id,name,kind,lng,lat,opening_hours\na,b,centre,114.0008,22.4999,Mo-Fr 09:00-09:00\n",
    )
    .expect("write");
    let summary = ok(&build(
        &fixture("tiny-town.osm"),
        &csv,
        &dir.path().join("x.linli"),
        &[],
    ));
    assert!(
        summary.contains("warning: s.csv row 2 (id 'a'), field opening_hours: 'Mo-Fr 09:00-09:00' has the time span 09:00-09:00, which starts where it ends"),
        "{summary}"
    );
}

#[test]
fn coverage_summary_and_geojson() {
    let (dir, bundle) = sample_bundle();
    let b = bundle.to_str().expect("path");
    let gj = dir.path().join("cov.geojson");
    let out = ok(&linli(&[
        "coverage",
        "--bundle",
        b,
        "--kind",
        "rest_stop",
        "--mode",
        "walk",
        "--json",
        "--geojson",
        gj.to_str().expect("path"),
    ]));
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["services"], 15);
    let (s5, s10, s15) = (
        v["share_5"].as_f64().expect("share"),
        v["share_10"].as_f64().expect("share"),
        v["share_15"].as_f64().expect("share"),
    );
    assert!(0.0 < s5 && s5 <= s10 && s10 <= s15 && s15 <= 1.0, "{v}");
    assert!(v["street_m"].as_f64().expect("m") > 100_000.0);
    assert!(v["max_minutes"].as_f64().expect("max") > 15.0);
    assert!(!v["worst"].as_array().expect("worst").is_empty());
    // The GeoJSON: one LineString per usable street, with minutes and the nearest service.
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&gj).expect("geojson")).expect("json");
    let features = doc["features"].as_array().expect("features");
    assert!(features.len() > 2000);
    let total: f64 = features
        .iter()
        .map(|f| f["properties"]["length_m"].as_f64().expect("len"))
        .sum();
    assert!(
        (total - v["street_m"].as_f64().expect("m")).abs() < 50.0,
        "{total}"
    );
    let ids: std::collections::HashSet<&str> = features
        .iter()
        .filter_map(|f| f["properties"]["nearest_service_id"].as_str())
        .collect();
    assert!(
        ids.iter().all(|id| id.contains("rest")),
        "only rest stops are nearest: {ids:?}"
    );
    // Only services open at 22:30 count: fewer services, worse coverage.
    let late: Value = serde_json::from_str(&ok(&linli(&[
        "coverage",
        "--bundle",
        b,
        "--kind",
        "rest_stop",
        "--at",
        "2026-11-24T22:30",
        "--json",
    ])))
    .expect("json");
    assert!(late["services"].as_u64().expect("n") < 15);
    assert!(late["share_10"].as_f64().expect("share") < s10);
}

#[test]
fn isochrone_geojson_bands_grow() {
    let (dir, bundle) = sample_bundle();
    let gj = dir.path().join("iso.geojson");
    let out = ok(&linli(&[
        "isochrone",
        "--bundle",
        bundle.to_str().expect("path"),
        "--lat",
        "22.535",
        "--lng",
        "114.02",
        "--mode",
        "walk",
        "--minutes",
        "5,10,15",
        "--geojson",
        gj.to_str().expect("path"),
    ]));
    let v: Value = serde_json::from_str(&out).expect("json");
    let bands = v["bands"].as_array().expect("bands");
    let lengths: Vec<f64> = bands
        .iter()
        .map(|b| b["street_m"].as_f64().expect("m"))
        .collect();
    assert!(
        lengths[0] > 0.0 && lengths[0] < lengths[1] && lengths[1] < lengths[2],
        "{lengths:?}"
    );
    // 5 minutes at 5 km/h is 417 m: the nearest rest stop (about 130 m away) is inside.
    assert!(bands[0]["rest_stop"].as_u64().expect("n") >= 1);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&gj).expect("geojson")).expect("json");
    let minutes: std::collections::BTreeSet<u64> = doc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"]["minutes"].as_f64().expect("minutes") as u64)
        .collect();
    assert_eq!(minutes.into_iter().collect::<Vec<_>>(), [5, 10, 15]);
    let err = failed(&linli(&[
        "isochrone",
        "--bundle",
        bundle.to_str().expect("path"),
        "--lat",
        "22.535",
        "--lng",
        "114.02",
        "--minutes",
        "0",
        "--geojson",
        gj.to_str().expect("path"),
    ]));
    assert!(err.contains("--minutes must be positive"), "{err}");
}

fn search_json(bundle: &Path, q: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec![
        "search",
        "--bundle",
        bundle.to_str().expect("path"),
        "--q",
        q,
        "--json",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(&linli(&args))).expect("json")
}

#[test]
fn search_lists_places_and_streets_through_the_core() {
    let (_dir, bundle) = sample_bundle();
    let near = ["--near", "22.535,114.02"];
    let hits = search_json(&bundle, "cgm", &near);
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(hits[0]["kind"], "rest_stop");
    assert_eq!(hits[0]["id"], "cgm-rest-1");
    assert_eq!(hits[0]["name"], "车公庙骑士驿站");
    assert_eq!(hits[0]["lng"], 114.023516);
    assert_eq!(hits[0]["lat"], 22.538923);
    assert_eq!(hits[0]["match"], "prefix");
    assert_eq!(hits[1]["kind"], "street");
    assert!(hits[1]["id"].is_null());
    assert_eq!(hits[1]["name"], "车公庙立交");
    // The same answer as the core gives the page.
    let decoded = Bundle::decode(&std::fs::read(&bundle).expect("bundle")).expect("decodes");
    let index = linli_core::search::SearchIndex::new(&decoded);
    let core = index.search(&linli_core::search::SearchQuery::new(
        "车gm",
        linli_core::LngLat::new(114.02, 22.535),
    ));
    assert_eq!(
        core.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        hits.iter()
            .map(|h| h["name"].as_str().expect("name"))
            .collect::<Vec<_>>()
    );
    // Service words, limit, and the table form.
    let toilets = search_json(&bundle, "toilet", &["--limit", "3"]);
    assert_eq!(toilets.len(), 3);
    assert!(toilets
        .iter()
        .all(|h| h["matched"] == "service" && h["service"] == "toilet"));
    let table = ok(&linli(&[
        "search",
        "--bundle",
        bundle.to_str().expect("path"),
        "--q",
        "长者食堂",
        "--near",
        "22.535,114.02",
    ]));
    assert!(table.starts_with("  1. "), "{table}");
    assert!(table.contains("[canteen] 22."), "{table}");
    let none = ok(&linli(&[
        "search",
        "--bundle",
        bundle.to_str().expect("path"),
        "--q",
        "xyzxyz",
    ]));
    assert_eq!(none, "nothing found for 'xyzxyz'\n");
    assert!(search_json(&bundle, "xyzxyz", &[]).is_empty());
    let err = failed(&linli(&[
        "search",
        "--bundle",
        bundle.to_str().expect("path"),
        "--q",
        "x",
        "--near",
        "114.02",
    ]));
    assert!(
        err.contains("--near '114.02' is not LAT,LNG in degrees"),
        "{err}"
    );
}

/// Runs `linli` with its stdout already closed by the reader, as `linli … | head -0` does.
fn with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run linli")
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let dir = tmp();
    let out = dir.path().join("t.linli");
    let o = with_closed_stdout(&[
        "build",
        "--osm",
        fixture("tiny-town.osm").to_str().expect("path"),
        "--services",
        fixture("tiny-town-services.csv").to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.exists(), "the bundle is written all the same");
    for args in [
        vec!["nearest", "--lat", "22.4999", "--lng", "114.0002"],
        vec!["search", "--q", "驿站"],
        vec!["hours", "--at", "2026-10-01T10:00"],
    ] {
        let mut full = args.clone();
        full.extend(["--bundle", out.to_str().expect("path")]);
        let o = with_closed_stdout(&full);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success() && stderr.is_empty(),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn out_equal_to_an_input_is_refused_and_the_input_kept() {
    let dir = tmp();
    let services = dir.path().join("services.csv");
    std::fs::copy(fixture("tiny-town-services.csv"), &services).expect("copy");
    let before = std::fs::read(&services).expect("read");
    let err = failed(&build(&fixture("tiny-town.osm"), &services, &services, &[]));
    assert!(
        err.contains(
            "services.csv is the --services input file; writing the bundle there would destroy it"
        ),
        "{err}"
    );
    assert_eq!(std::fs::read(&services).expect("read"), before);
    let err = failed(&build(
        &fixture("tiny-town.osm"),
        &services,
        &fixture("tiny-town.osm"),
        &[],
    ));
    assert!(err.contains("is the --osm input file"), "{err}");
}

#[test]
fn a_folder_is_named_once_and_an_oversized_area_is_refused() {
    let dir = tmp();
    let err = failed(&build(
        dir.path(),
        &fixture("tiny-town-services.csv"),
        &dir.path().join("x.linli"),
        &[],
    ));
    assert_eq!(err.matches("is a folder").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let err = failed(&linli(&[
        "nearest",
        "--bundle",
        dir.path().to_str().expect("path"),
        "--lat",
        "22.5",
        "--lng",
        "114.0",
    ]));
    assert_eq!(err.matches("is a folder").count(), 1, "{err}");
    let far = fixture("hostile/far-apart-streets.osm");
    let err = failed(&build(
        &far,
        &fixture("tiny-town-services.csv"),
        &dir.path().join("x.linli"),
        &[],
    ));
    assert!(
        err.contains("more than the 2 × 2 degrees a bundle may cover"),
        "{err}"
    );
    // The world-corners bundle: a typed decode error, not an abort.
    let corners = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../linli-core/tests/fixtures/bundles/world-corners.linli");
    let err = failed(&linli(&[
        "nearest",
        "--bundle",
        corners.to_str().expect("path"),
        "--lat",
        "22.5",
        "--lng",
        "114.0",
    ]));
    assert!(
        err.contains("world-corners.linli: the bundle covers 358 × 178 degrees"),
        "{err}"
    );
}

/// Builds Futian as one bundle and as a folder of 0.5 km tiles.
fn futian_both(dir: &Path) -> (PathBuf, PathBuf) {
    let osm = root().join("data/osm/shenzhen-futian.osm.pbf");
    let services = root().join("data/sample/futian-services.csv");
    let single = dir.join("futian.linli");
    let tiles = dir.join("futian-tiles");
    ok(&build(&osm, &services, &single, &[]));
    let out = ok(&build(&osm, &services, &tiles, &["--tiles-km", "0.5"]));
    assert!(out.contains("tiles:      61 of about 0.5 km"), "{out}");
    assert!(tiles.join("index.txt").is_file());
    (single, tiles)
}

fn run_with(bundle: &Path, args: &[&str]) -> String {
    let mut all = vec![args[0], "--bundle", bundle.to_str().expect("path")];
    all.extend_from_slice(&args[1..]);
    ok(&linli(&all))
}

#[test]
fn a_tiled_folder_answers_every_command_as_the_bundle_does() {
    let dir = tmp();
    let (single, tiles) = futian_both(dir.path());
    let questions: &[&[&str]] = &[
        &["nearest", "--lat", "22.5405", "--lng", "114.0235", "--json"],
        &[
            "nearest", "--lat", "22.5405", "--lng", "114.0235", "--mode", "ebike", "--json",
        ],
        &[
            "nearest", "--lat", "22.528", "--lng", "114.006", "--mode", "stepfree", "--kind",
            "canteen", "--limit", "3",
        ],
        &[
            "nearest",
            "--lat",
            "22.5405",
            "--lng",
            "114.0235",
            "--mode",
            "ebike",
            "--kind",
            "rest_stop",
            "--at",
            "2026-11-24T23:30",
            "--json",
        ],
        &[
            "nearest",
            "--lat",
            "22.528",
            "--lng",
            "114.006",
            "--at",
            "2026-10-01T10:00",
        ],
        &["hours", "--at", "2026-11-23T20:00", "--json"],
        &["hours", "--at", "2026-10-01T09:00", "--json"],
        &["hours", "--at", "2026-11-24T23:50"],
        &[
            "hours",
            "--at",
            "2026-10-01T09:00",
            "--id",
            "donghai-canteen",
        ],
        &["coverage", "--kind", "centre", "--json"],
        &[
            "coverage",
            "--kind",
            "rest_stop",
            "--mode",
            "ebike",
            "--at",
            "2026-11-23T23:30",
            "--json",
        ],
        &["search", "--q", "cgm", "--json"],
        &["search", "--q", "红荔", "--near", "22.54,114.03"],
    ];
    for q in questions {
        assert_eq!(run_with(&single, q), run_with(&tiles, q), "{q:?}");
    }
    for mode in ["walk", "ebike"] {
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        let sa = run_with(
            &single,
            &[
                "isochrone",
                "--lat",
                "22.535",
                "--lng",
                "114.02",
                "--mode",
                mode,
                "--geojson",
                a.to_str().expect("p"),
            ],
        );
        let sb = run_with(
            &tiles,
            &[
                "isochrone",
                "--lat",
                "22.535",
                "--lng",
                "114.02",
                "--mode",
                mode,
                "--geojson",
                b.to_str().expect("p"),
            ],
        );
        assert_eq!(sa, sb);
        assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    }
}

#[test]
fn a_tiled_folder_is_read_on_demand() {
    let dir = tmp();
    let (_, tiles) = futian_both(dir.path());
    let out = linli(&[
        "--verbose",
        "nearest",
        "--bundle",
        tiles.to_str().expect("path"),
        "--lat",
        "22.5405",
        "--lng",
        "114.0235",
        "--limit",
        "1",
    ]);
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let read: usize = err
        .trim()
        .strip_prefix("linli: read ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert!((1..20).contains(&read), "read {read} of 61 tiles: {err}");
}

/// The compiled hours are in the manifest: `hours` reads no tile, and `nearest --at` keeps only
/// the places open then (the closed ones are not listed), reading tiles only for the streets.
#[test]
fn hours_read_no_tile_and_open_now_filters_nearest() {
    let dir = tmp();
    let (single, tiles) = futian_both(dir.path());
    let verbose = |args: &[&str]| {
        let mut all = vec!["--verbose", args[0], "--bundle", tiles.to_str().expect("p")];
        all.extend_from_slice(&args[1..]);
        let out = linli(&all);
        ok(&out);
        String::from_utf8_lossy(&out.stderr).trim().to_string()
    };
    assert_eq!(
        verbose(&["hours", "--at", "2026-11-24T23:30"]),
        "linli: read 0 of 61 tiles"
    );
    let hours: Vec<Value> = serde_json::from_str(&run_with(
        &single,
        &["hours", "--at", "2026-11-24T23:30", "--json"],
    ))
    .expect("json");
    let open: Vec<&str> = hours
        .iter()
        .filter(|h| matches!(h["state"].as_str(), Some("open" | "closing")))
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert!(!open.is_empty() && open.len() < hours.len(), "{open:?}");
    let near = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["nearest", "--lat", "22.5405", "--lng", "114.0235", "--json"];
        args.extend_from_slice(extra);
        let v: Vec<Value> = serde_json::from_str(&run_with(&tiles, &args)).expect("json");
        v.iter()
            .filter_map(|r| r["id"].as_str().map(str::to_string))
            .collect()
    };
    let all = near(&[]);
    let open_now = near(&["--at", "2026-11-24T23:30"]);
    let want: Vec<String> = all
        .iter()
        .filter(|id| open.contains(&id.as_str()))
        .cloned()
        .collect();
    assert_eq!(open_now, want);
    let err = failed(&linli(&[
        "nearest",
        "--bundle",
        tiles.to_str().expect("p"),
        "--lat",
        "22.54",
        "--lng",
        "114.02",
        "--at",
        "tonight",
    ]));
    assert!(err.contains("tonight"), "{err}");
}

#[test]
fn a_damaged_tiled_folder_is_reported_by_file() {
    let dir = tmp();
    let (_, tiles) = futian_both(dir.path());
    let mut files: Vec<PathBuf> = std::fs::read_dir(tiles.join("t"))
        .expect("tiles")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    // A tile given where a bundle is expected.
    let err = failed(&linli(&[
        "nearest",
        "--bundle",
        files[0].to_str().expect("p"),
        "--lat",
        "22.54",
        "--lng",
        "114.02",
    ]));
    assert!(
        err.contains("this is a Linli tile, not a bundle (a tiled dataset is a folder"),
        "{err}"
    );
    // A missing tile.
    let kept = std::fs::read(&files[0]).expect("read");
    std::fs::remove_file(&files[0]).expect("rm");
    let err = failed(&linli(&[
        "coverage",
        "--bundle",
        tiles.to_str().expect("p"),
        "--kind",
        "centre",
    ]));
    assert!(
        err.contains("cannot read") && err.contains("No such file"),
        "{err}"
    );
    // Every tile damaged: the first one read is named.
    std::fs::write(&files[0], kept).expect("write");
    for f in &files {
        let mut bytes = std::fs::read(f).expect("read");
        let n = bytes.len();
        bytes[n / 2] ^= 0xff;
        std::fs::write(f, bytes).expect("write");
    }
    let err = failed(&linli(&[
        "nearest",
        "--bundle",
        tiles.to_str().expect("p"),
        "--lat",
        "22.5405",
        "--lng",
        "114.0235",
    ]));
    assert!(
        err.contains("does not match its hash") && err.contains("t/") && err.contains(".linli"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A folder that is not a tiled dataset.
    let err = failed(&linli(&[
        "hours",
        "--bundle",
        dir.path().to_str().expect("p"),
        "--at",
        "2026-11-23T20:00",
    ]));
    assert!(err.contains("is a folder without index.txt"), "{err}");
}

#[test]
fn tile_sizes_out_of_range_are_refused() {
    let dir = tmp();
    let out = dir.path().join("x");
    let err = failed(&build(
        &fixture("tiny-town.osm"),
        &fixture("tiny-town-services.csv"),
        &out,
        &["--tiles-km", "0.01"],
    ));
    assert!(
        err.contains("--tiles-km 0.01: tiles must be between 0.1 and 50 km"),
        "{err}"
    );
    let services = dir.path().join("s.csv");
    std::fs::copy(fixture("tiny-town-services.csv"), &services).expect("copy");
    let err = failed(&build(
        &fixture("tiny-town.osm"),
        &services,
        &services,
        &["--tiles-km", "1"],
    ));
    assert!(err.contains("is the --services input file"), "{err}");
}
