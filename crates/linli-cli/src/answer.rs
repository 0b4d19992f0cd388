//! The JSON answers of the query commands, shared by the CLI and the tests.

use linli_core::circle::{Coverage, Isochrone};
use linli_core::{Finder, Kind, LngLat, Mode, Reach};
use serde::Serialize;

/// One element of `linli nearest --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearestItem {
    /// Service id.
    pub id: String,
    /// Service name.
    pub name: String,
    /// `centre`, `rest_stop` or `canteen`.
    pub kind: Kind,
    /// Route length in metres (0.1 m), `null` when unreachable.
    pub route_m: Option<f64>,
    /// Travel time in seconds (whole), `null` when unreachable.
    pub time_s: Option<f64>,
    /// Straight-line distance in metres (0.1 m).
    pub straight_m: f64,
    /// Whether a route exists in this mode.
    pub reachable: bool,
    /// Metres the e-bike is pushed against a one-way street at the start (0.1 m; 0 when none).
    pub push_start_m: f64,
    /// Metres the e-bike is pushed against a one-way street at the end, for "最后 30 米推行"
    /// (0.1 m; 0 when none).
    pub push_end_m: f64,
    /// Longitude, WGS-84.
    pub lng: f64,
    /// Latitude, WGS-84.
    pub lat: f64,
}

fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The JSON rows for `reaches` (nearest first), at most `limit`.
pub fn nearest_items(finder: &Finder, reaches: &[Reach], limit: Option<usize>) -> Vec<NearestItem> {
    reaches
        .iter()
        .take(limit.unwrap_or(usize::MAX))
        .map(|r| {
            let s = &finder.services()[r.service];
            NearestItem {
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind,
                route_m: r.route_m.map(tenth),
                time_s: r.time_s.map(f64::round),
                straight_m: tenth(r.straight_m),
                reachable: r.route_m.is_some(),
                push_start_m: tenth(r.push_start_m),
                push_end_m: tenth(r.push_end_m),
                lng: s.location.lng,
                lat: s.location.lat,
            }
        })
        .collect()
}

/// One element of `linli hours --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoursItem {
    /// Service id.
    pub id: String,
    /// Service name.
    pub name: String,
    /// `open`, `closing`, `closed`, `holiday` or `unknown` (the app's `data-state`).
    pub state: linli_core::hours::OpenState,
    /// The next change, `YYYY-MM-DDTHH:MM` Beijing time, or `null` when it does not change.
    pub next_change: Option<String>,
    /// The holiday's name, that it is a make-up working day, that the year's holidays are
    /// unknown, or the rule's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why `hours` could not answer.
#[derive(Debug, thiserror::Error)]
pub enum HoursError {
    /// `--at` is not a Beijing local time.
    #[error("--at '{0}' is not a time in the form YYYY-MM-DDTHH:MM (Beijing time)")]
    BadTime(String),
    /// `--id` names no service.
    #[error("there is no service with id '{0}' in this bundle")]
    NoSuchId(String),
}

/// Parses `YYYY-MM-DDTHH:MM` (seconds optional) as Beijing local time.
pub fn parse_beijing_time(raw: &str) -> Result<chrono::NaiveDateTime, HoursError> {
    let t = raw.trim();
    chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
        .map_err(|_| HoursError::BadTime(raw.to_string()))
}

/// The open state of every service (or the one with `id`) at `at`, Beijing time, by the same
/// core code as the app.
pub fn hours(
    finder: &Finder,
    at: chrono::NaiveDateTime,
    id: Option<&str>,
) -> Result<Vec<HoursItem>, HoursError> {
    use linli_core::hours::DayNote;
    if let Some(id) = id {
        if !finder.services().iter().any(|s| s.id == id) {
            return Err(HoursError::NoSuchId(id.to_string()));
        }
    }
    Ok(finder
        .services()
        .iter()
        .enumerate()
        .filter(|(_, s)| id.is_none_or(|id| s.id == id))
        .map(|(i, s)| {
            let status = finder.bundle().hours.hours(i).status(at);
            let day_note = status.note.map(DayNote::text_en);
            let note = match (day_note, status.comment) {
                (Some(n), Some(c)) => Some(format!("{n}; {c}")),
                (n, c) => n.or(c),
            };
            HoursItem {
                id: s.id.clone(),
                name: s.name.clone(),
                state: status.state,
                next_change: status
                    .next_change
                    .map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
                note,
            }
        })
        .collect())
}

/// `linli coverage --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageSummary {
    /// The kind covered.
    pub kind: Kind,
    /// The mode.
    pub mode: Mode,
    /// The Beijing time services had to be open at, if any.
    pub at: Option<String>,
    /// How many services were counted.
    pub services: usize,
    /// Total length of the streets usable in this mode, metres.
    pub street_m: f64,
    /// Share (0–1) of that length within 5 minutes of the nearest service.
    pub share_5: f64,
    /// … within 10 minutes.
    pub share_10: f64,
    /// … within 15 minutes.
    pub share_15: f64,
    /// Length from which no service can be reached, metres.
    pub unreachable_m: f64,
    /// The longest minutes to the nearest service from any reachable point of a street.
    pub max_minutes: Option<f64>,
    /// The worst-served streets.
    pub worst: Vec<WorstItem>,
}

/// One of the worst-served streets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstItem {
    /// Street name (null if unnamed).
    pub street: Option<String>,
    /// Minutes to the nearest service from its worst point (null: none reachable).
    pub minutes: Option<f64>,
    /// Longitude of the segment's middle.
    pub lng: f64,
    /// Latitude of the segment's middle.
    pub lat: f64,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The summary of `cov`, the coverage of `services` (of `kind`, open at `at` if given).
pub fn coverage_summary(
    finder: &Finder,
    kind: Kind,
    at: Option<chrono::NaiveDateTime>,
    services: usize,
    cov: &Coverage,
) -> CoverageSummary {
    let worst = cov
        .worst_served(finder.network(), 10)
        .into_iter()
        .map(|w| WorstItem {
            street: w.street,
            minutes: w.minutes.map(tenth),
            lng: w.point.lng,
            lat: w.point.lat,
        })
        .collect();
    CoverageSummary {
        kind,
        mode: cov.mode,
        at: at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
        services,
        street_m: tenth(cov.street_m),
        share_5: round4(cov.share(0)),
        share_10: round4(cov.share(1)),
        share_15: round4(cov.share(2)),
        unreachable_m: tenth(cov.unreachable_m),
        max_minutes: cov.max_minutes.map(tenth),
        worst,
    }
}

fn line_json(points: &[LngLat]) -> serde_json::Value {
    serde_json::Value::Array(
        points
            .iter()
            .map(|p| serde_json::json!([p.lng, p.lat]))
            .collect(),
    )
}

/// Every usable street with its minutes to the nearest service, as GeoJSON for GIS tools.
pub fn coverage_geojson(finder: &Finder, cov: &Coverage) -> serde_json::Value {
    let net = finder.network();
    let features: Vec<serde_json::Value> = cov
        .edges
        .iter()
        .map(|e| {
            let points: Vec<LngLat> = net.edge_lnglats(e.edge);
            serde_json::json!({
                "type": "Feature",
                "geometry": { "type": "LineString", "coordinates": line_json(&points) },
                "properties": {
                    "street": net.edge_name(e.edge),
                    "length_m": tenth(e.length_m),
                    "minutes": e.mid_minutes.map(tenth),
                    "min_minutes": e.min_minutes.map(tenth),
                    "max_minutes": e.max_minutes.map(tenth),
                    "nearest_service_id": e.nearest.map(|i| finder.services()[i].id.clone()),
                }
            })
        })
        .collect();
    serde_json::json!({ "type": "FeatureCollection", "features": features })
}

/// `linli isochrone`: street parts by band, and the places reachable within each limit (from
/// `reaches`, the nearest query from the same point).
pub fn isochrone_geojson(
    finder: &Finder,
    iso: &Isochrone,
    reaches: &[Reach],
) -> (serde_json::Value, serde_json::Value) {
    let net = finder.network();
    let features: Vec<serde_json::Value> = iso
        .parts
        .iter()
        .map(|p| {
            serde_json::json!({
                "type": "Feature",
                "geometry": { "type": "LineString", "coordinates": line_json(&iso.part_line(net, p)) },
                "properties": {
                    "minutes": iso.limits_minutes[p.band],
                    "street": net.edge_name(p.edge),
                }
            })
        })
        .collect();
    let bands: Vec<serde_json::Value> = iso
        .limits_minutes
        .iter()
        .enumerate()
        .map(|(b, limit)| {
            let within = |k: Kind| {
                reaches
                    .iter()
                    .filter(|r| r.time_s.is_some_and(|t| t <= limit * 60.0))
                    .filter(|r| finder.services()[r.service].kind == k)
                    .count()
            };
            let street_m: f64 = (0..=b).map(|i| iso.band_length_m(i)).sum();
            serde_json::json!({
                "minutes": limit,
                "street_m": tenth(street_m),
                "centre": within(Kind::Centre),
                "rest_stop": within(Kind::RestStop),
                "canteen": within(Kind::Canteen),
            })
        })
        .collect();
    (
        serde_json::json!({ "type": "FeatureCollection", "features": features }),
        serde_json::json!({ "mode": iso.mode, "bands": bands }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_core::QueryError;
    use std::path::Path;

    fn futian() -> Finder {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let (bundle, _, _) = linli_build::build(&linli_build::BuildOptions {
            osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
            services: root.join("data/sample/futian-services.csv"),
            services_crs: linli_core::Crs::Wgs84,
            name: None,
            build_date: "2026-11-22".into(),
            skip_invalid: false,
        })
        .expect("sample builds");
        Finder::new(bundle)
    }

    /// The nearest services from `origin`, nearest first, optionally of one kind, at most `limit`
    /// (a single-file bundle, or a tiled dataset with every tile loaded).
    fn nearest(
        finder: &Finder,
        origin: LngLat,
        mode: Mode,
        kind: Option<Kind>,
        limit: Option<usize>,
    ) -> Result<Vec<NearestItem>, QueryError> {
        let mut router = finder.router();
        let reaches = finder.nearest(&mut router, origin, mode, |s| {
            kind.is_none_or(|k| s.kind == k)
        })?;
        Ok(nearest_items(finder, &reaches, limit))
    }

    #[test]
    fn nearest_json_carries_the_pushed_metres() {
        let finder = futian();
        let items = nearest(
            &finder,
            LngLat::new(114.0235, 22.5405),
            Mode::Ebike,
            None,
            None,
        )
        .expect("origin joins");
        let json = serde_json::to_value(&items).expect("serialises");
        for item in json.as_array().expect("array") {
            let start = item["push_start_m"].as_f64().expect("push_start_m");
            let end = item["push_end_m"].as_f64().expect("push_end_m");
            assert!((0.0..=50.0).contains(&start) && (0.0..=50.0).contains(&end));
        }
        let donghai = items
            .iter()
            .find(|i| i.id == "donghai-canteen")
            .expect("listed");
        assert!(donghai.route_m.expect("reachable") < 200.0);
        // Walkers never push.
        let walk = nearest(
            &finder,
            LngLat::new(114.0235, 22.5405),
            Mode::Walk,
            None,
            None,
        )
        .expect("origin joins");
        assert!(walk
            .iter()
            .all(|i| i.push_start_m == 0.0 && i.push_end_m == 0.0));
    }
}
