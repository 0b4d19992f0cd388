//! The user's whole state as a URL query string, and back.
//!
//! | parameter | meaning | written when |
//! |---|---|---|
//! | `lat`, `lng` | the chosen starting point (WGS-84, 6 decimals) | a point was chosen |
//! | `mode` | `walk`, `ebike` or `stepfree` | not `walk` |
//! | `kind` | `centre`, `rest_stop` or `canteen` | a kind is chosen |
//! | `needs` | services the place must offer, comma-separated codes (`microwave,toilet`) | any |
//! | `open` | `all`, `first` (open places first) or `only` (open places only) | chosen by the user; absent means "automatic": open first in the evening and at night |
//! | `place` | the id of the place shown in detail | a place is open |
//! | `lang` | `zh` or `en` | not `zh` |
//! | `view` | `map`: the full-screen map on a phone | the map view is shown |
//!
//! Every other parameter (`data`, `tiles`, `layout`, a host page's own) is kept as it came,
//! after these, so a link stays the host's link. Keys are always written in the order above,
//! so one state has one URL.

use linli_core::{decimal, Amenities, Amenity, Kind, LngLat, Mode};

use crate::i18n::Lang;

/// Which places the list shows first, or only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenChoice {
    /// Open places first in the evening and at night, nearest first in the day.
    #[default]
    Auto,
    /// Nearest first, open or not.
    All,
    /// Open places first, then the others, each nearest first.
    First,
    /// Only places open now.
    Only,
}

impl OpenChoice {
    /// The `open` parameter (`None` for [`OpenChoice::Auto`]).
    pub const fn code(self) -> Option<&'static str> {
        match self {
            OpenChoice::Auto => None,
            OpenChoice::All => Some("all"),
            OpenChoice::First => Some("first"),
            OpenChoice::Only => Some("only"),
        }
    }

    /// From the `open` parameter; `1`/`true` (older links) mean "only"; anything else is auto.
    pub fn from_code(v: &str) -> OpenChoice {
        match v.trim().to_ascii_lowercase().as_str() {
            "all" => OpenChoice::All,
            "first" => OpenChoice::First,
            "only" | "1" | "true" | "yes" => OpenChoice::Only,
            _ => OpenChoice::Auto,
        }
    }
}

/// List or full-screen map (phones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// The panel with the list or the detail (and a map strip when there is room).
    #[default]
    List,
    /// The map filling the screen.
    Map,
}

/// The state a link carries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UrlState {
    /// The chosen starting point.
    pub origin: Option<LngLat>,
    /// Travel mode.
    pub mode: Mode,
    /// Kind filter.
    pub kind: Option<Kind>,
    /// Services the place must offer.
    pub needs: Amenities,
    /// Open first / only.
    pub open: OpenChoice,
    /// The place shown in detail, by id.
    pub place: Option<String>,
    /// Interface language.
    pub lang: Lang,
    /// List or map.
    pub view: View,
    /// Every other parameter, in the order it came.
    pub other: Vec<(String, String)>,
}

/// The keys this module owns (`lon` is read as `lng`).
const OWN_KEYS: [&str; 10] = [
    "lat", "lng", "lon", "mode", "kind", "needs", "open", "place", "lang", "view",
];

/// Rounds a coordinate to 6 decimals (about 0.1 m), the precision the URL keeps, so that a
/// point chosen on the page and the same point read back from its link are equal.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A coordinate as written: at most 6 decimals, no trailing zeros ("22.535"), and "0" for -0.
fn coordinate(v: f64) -> String {
    let s = decimal::Trimmed(round6(v)).to_string();
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

impl UrlState {
    /// From decoded query pairs. Values that cannot be used fall back to the default: a bad
    /// link should still open the finder.
    pub fn from_pairs(pairs: &[(String, String)]) -> UrlState {
        let mut s = UrlState::default();
        let (mut lat, mut lng) = (None, None);
        for (k, v) in pairs {
            match k.as_str() {
                "lat" => lat = decimal::parse(v.trim()).filter(|x| x.is_finite()),
                "lng" | "lon" => lng = decimal::parse(v.trim()).filter(|x| x.is_finite()),
                "mode" => s.mode = v.parse().unwrap_or_default(),
                "kind" => s.kind = v.parse().ok(),
                "needs" => {
                    s.needs = v
                        .split(',')
                        .filter_map(|c| c.trim().parse::<Amenity>().ok())
                        .collect();
                }
                "open" => s.open = OpenChoice::from_code(v),
                "place" => s.place = Some(v.trim().to_string()).filter(|p| !p.is_empty()),
                "lang" => s.lang = Lang::from_param(Some(v)),
                "view" => {
                    s.view = if v.trim() == "map" {
                        View::Map
                    } else {
                        View::List
                    }
                }
                _ => s.other.push((k.clone(), v.clone())),
            }
        }
        if let (Some(lat), Some(lng)) = (lat, lng) {
            let p = LngLat::new(round6(lng), round6(lat));
            if p.is_valid() {
                s.origin = Some(p);
            }
        }
        s
    }

    /// From a query string such as `?lat=22.535&lng=114.02`.
    pub fn from_query(query: &str) -> UrlState {
        UrlState::from_pairs(&parse_query(query))
    }

    /// The query string, `?…`, or empty when everything is at its default.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(p) = self.origin {
            pairs.push(("lat", coordinate(p.lat)));
            pairs.push(("lng", coordinate(p.lng)));
        }
        if self.mode != Mode::Walk {
            pairs.push(("mode", self.mode.as_str().to_string()));
        }
        if let Some(k) = self.kind {
            pairs.push(("kind", k.code().to_string()));
        }
        if self.needs != Amenities::EMPTY {
            let codes: Vec<&str> = self.needs.iter().map(Amenity::code).collect();
            pairs.push(("needs", codes.join(",")));
        }
        if let Some(code) = self.open.code() {
            pairs.push(("open", code.to_string()));
        }
        if let Some(place) = &self.place {
            pairs.push(("place", place.clone()));
        }
        if self.lang != Lang::Zh {
            pairs.push(("lang", self.lang.code().to_string()));
        }
        if self.view == View::Map {
            pairs.push(("view", "map".to_string()));
        }
        let mut out = String::new();
        let own = pairs.iter().map(|(k, v)| (*k, v.as_str()));
        let other = self
            .other
            .iter()
            .filter(|(k, _)| !OWN_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()));
        for (k, v) in own.chain(other) {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(&encode(k));
            out.push('=');
            out.push_str(&encode(v));
        }
        out
    }
}

/// Percent-encodes a query key or value, leaving what reads well in a link (`,:/@` and the
/// unreserved characters) as it is.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,:/@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Decodes `+` and `%XX` (invalid escapes are kept as written; invalid UTF-8 is replaced).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `?a=1&b=x%20y` → `[("a","1"), ("b","x y")]`; empty pieces are skipped.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> UrlState {
        UrlState {
            origin: Some(LngLat::new(114.023456, 22.5405)),
            mode: Mode::Ebike,
            kind: Some(Kind::RestStop),
            needs: [Amenity::Microwave, Amenity::EbikeCharging]
                .into_iter()
                .collect(),
            open: OpenChoice::First,
            place: Some("cgm-rest-1".to_string()),
            lang: Lang::En,
            view: View::Map,
            other: vec![
                ("data".to_string(), "data/other.linli".to_string()),
                (
                    "tiles".to_string(),
                    "https://t.example/{z}/{x}/{y}.png?a=1&b=2".to_string(),
                ),
            ],
        }
    }

    #[test]
    fn every_piece_of_state_round_trips() {
        let s = full();
        let q = s.to_query();
        assert_eq!(
            q.split('&').next(),
            Some("?lat=22.5405"),
            "latitude first, no trailing zeros: {q}"
        );
        assert!(
            q.contains("&needs=ebike_charging,microwave&"),
            "needs in vocabulary order, readable: {q}"
        );
        assert_eq!(UrlState::from_query(&q), s);
        // Each choice alone, too.
        for open in [
            OpenChoice::Auto,
            OpenChoice::All,
            OpenChoice::First,
            OpenChoice::Only,
        ] {
            let one = UrlState {
                open,
                ..UrlState::default()
            };
            assert_eq!(UrlState::from_query(&one.to_query()), one, "{open:?}");
        }
        for mode in Mode::ALL {
            for kind in Kind::ALL {
                let one = UrlState {
                    mode,
                    kind: Some(kind),
                    ..UrlState::default()
                };
                assert_eq!(UrlState::from_query(&one.to_query()), one);
            }
        }
    }

    #[test]
    fn the_same_state_gives_the_same_url_in_a_fixed_order() {
        let a = UrlState::from_query("?lang=en&kind=canteen&lng=114.02&lat=22.535&mode=walk");
        assert_eq!(a.to_query(), "?lat=22.535&lng=114.02&kind=canteen&lang=en");
        assert_eq!(UrlState::default().to_query(), "");
        // A point read back from its own link is the same point.
        let tapped = UrlState {
            origin: Some(LngLat::new(round6(114.0212345678), round6(22.5398765432))),
            ..UrlState::default()
        };
        assert_eq!(UrlState::from_query(&tapped.to_query()), tapped);
    }

    #[test]
    fn host_parameters_are_kept_after_the_state() {
        let s = UrlState::from_query("?embed=portal%2Fa&lat=22.5&lon=114.0&x=%E9%82%BB");
        let other = |k: &str| {
            s.other
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(other("embed"), Some("portal/a"));
        assert_eq!(other("x"), Some("邻"));
        assert_eq!(s.to_query(), "?lat=22.5&lng=114&embed=portal/a&x=%E9%82%BB");
    }

    #[test]
    fn bad_values_fall_back_without_losing_the_rest() {
        let s = UrlState::from_query("?lat=north&lng=114&mode=car&kind=zoo&needs=wifi,teleport&open=maybe&view=globe&lang=fr");
        assert_eq!(s.origin, None);
        assert_eq!(s.mode, Mode::Walk);
        assert_eq!(s.kind, None);
        assert_eq!(s.needs, [Amenity::Wifi].into_iter().collect());
        assert_eq!(s.open, OpenChoice::Auto);
        assert_eq!(s.view, View::List);
        assert_eq!(s.lang, Lang::Zh);
        assert_eq!(
            UrlState::from_query("?lat=95&lng=114").origin,
            None,
            "latitude out of range"
        );
        assert_eq!(UrlState::from_query("?open=1").open, OpenChoice::Only);
    }

    #[test]
    fn decoding() {
        assert_eq!(decode("a+b%20c%E9%82%BB"), "a b c邻");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(
            parse_query("?a=1&&b&c=%3D"),
            [
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), String::new()),
                ("c".to_string(), "=".to_string())
            ]
        );
    }
}
