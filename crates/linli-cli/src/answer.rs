//! The JSON answers of the query commands, shared by the CLI and the tests.

use linli_core::{Finder, Kind, LngLat, Mode, QueryError};
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
    /// Longitude, WGS-84.
    pub lng: f64,
    /// Latitude, WGS-84.
    pub lat: f64,
}

fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The nearest services from `origin`, nearest first, optionally of one kind, at most `limit`.
pub fn nearest(
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
    Ok(reaches
        .into_iter()
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
                lng: s.location.lng,
                lat: s.location.lat,
            }
        })
        .collect())
}
