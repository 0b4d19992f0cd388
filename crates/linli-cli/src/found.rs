//! The JSON answer of `linli search`: the core's hits, as the page shows them.

use linli_core::search::{Hit, SearchIndex, SearchQuery, Target};
use linli_core::{Finder, LngLat};
use serde::Serialize;

/// One element of `linli search --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundItem {
    /// `centre`, `rest_stop`, `canteen` or `street`.
    pub kind: &'static str,
    /// The place's id; `null` for a street.
    pub id: Option<String>,
    /// The place's or street's name.
    pub name: String,
    /// Longitude, WGS-84: the place, or the street's middle.
    pub lng: f64,
    /// Latitude, WGS-84.
    pub lat: f64,
    /// Straight-line distance from `--near` in metres (whole).
    pub distance_m: f64,
    /// `exact`, `prefix` or `inside`.
    #[serde(rename = "match")]
    pub class: &'static str,
    /// What matched: `name`, `address`, `service` or `kind`.
    pub matched: &'static str,
    /// The service code that matched, when `matched` is `service`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<&'static str>,
}

/// Searches `finder` (its places, and the streets loaded) for `text` from `near` (the area's
/// centre when not given).
pub fn search(finder: &Finder, text: &str, near: Option<LngLat>, limit: usize) -> Vec<FoundItem> {
    let index = SearchIndex::for_finder(finder);
    let near = near.unwrap_or_else(|| finder.bundle().bbox.center());
    let query = SearchQuery {
        limit,
        ..SearchQuery::new(text, near)
    };
    index
        .search(&query)
        .into_iter()
        .map(|hit| item(finder, hit))
        .collect()
}

fn item(finder: &Finder, hit: Hit) -> FoundItem {
    let id = match hit.target {
        Target::Place { service, .. } => finder.services().get(service).map(|s| s.id.clone()),
        Target::Street { .. } => None,
    };
    FoundItem {
        kind: hit.target.kind_code(),
        id,
        name: hit.name,
        lng: (hit.location.lng * 1e6).round() / 1e6,
        lat: (hit.location.lat * 1e6).round() / 1e6,
        distance_m: hit.distance_m.round(),
        class: match hit.class {
            linli_core::pinyin::MatchClass::Exact => "exact",
            linli_core::pinyin::MatchClass::Prefix => "prefix",
            linli_core::pinyin::MatchClass::Inside => "inside",
        },
        matched: hit.matched.code(),
        service: match hit.matched {
            linli_core::search::Matched::Service(a) => Some(a.code()),
            _ => None,
        },
    }
}

/// `--near LAT,LNG`.
pub fn parse_near(raw: &str) -> Result<LngLat, String> {
    let bad = || format!("--near '{raw}' is not LAT,LNG in degrees (e.g. 22.535,114.02)");
    let (lat, lng) = raw.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lng: f64 = lng.trim().parse().map_err(|_| bad())?;
    let p = LngLat::new(lng, lat);
    if p.is_valid() {
        Ok(p)
    } else {
        Err(bad())
    }
}
