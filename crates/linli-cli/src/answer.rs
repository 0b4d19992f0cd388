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
    use linli_core::hours::{DayNote, Hours};
    if let Some(id) = id {
        if !finder.services().iter().any(|s| s.id == id) {
            return Err(HoursError::NoSuchId(id.to_string()));
        }
    }
    Ok(finder
        .services()
        .iter()
        .filter(|s| id.is_none_or(|id| s.id == id))
        .map(|s| {
            let status = Hours::parse(&s.opening_hours).status(at);
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
