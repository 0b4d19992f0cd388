//! What the host page or the link configures, read from the URL's query string.
//!
//! | parameter | meaning | default |
//! |---|---|---|
//! | `lat`, `lng` | starting point, WGS-84 | none: ranked from the map centre |
//! | `mode` | `walk`, `ebike` or `stepfree` | `walk` |
//! | `kind` | `centre`, `rest_stop` or `canteen` | all kinds |
//! | `lang` | `zh` or `en` | `zh` |
//! | `data` | URL of the bundle | `data/futian.linli` |
//! | `tiles` | raster tile URL template (`{z}/{x}/{y}`), drawn under the streets | none |
//! | `tiles_attribution` | attribution text for those tiles | none |

use linli_core::{Kind, LngLat, Mode};

use crate::i18n::Lang;

/// The bundle loaded when the page does not name one.
pub const DEFAULT_DATA_URL: &str = "data/futian.linli";

/// The app's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Starting point from the link.
    pub origin: Option<LngLat>,
    /// Travel mode.
    pub mode: Mode,
    /// Kind filter.
    pub kind: Option<Kind>,
    /// Interface language.
    pub lang: Lang,
    /// Bundle URL.
    pub data_url: String,
    /// Optional raster tiles.
    pub tiles: Option<String>,
    /// Attribution for the raster tiles.
    pub tiles_attribution: Option<String>,
}

impl Config {
    /// From query parameters (already percent-decoded). Unusable values fall back to the
    /// defaults: a bad link should still open the finder.
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Config {
        let mut lat = None;
        let mut lng = None;
        let mut c = Config {
            origin: None,
            mode: Mode::Walk,
            kind: None,
            lang: Lang::Zh,
            data_url: DEFAULT_DATA_URL.to_string(),
            tiles: None,
            tiles_attribution: None,
        };
        for (k, v) in params {
            match k {
                "lat" => lat = v.trim().parse::<f64>().ok(),
                "lng" | "lon" => lng = v.trim().parse::<f64>().ok(),
                "mode" => c.mode = v.parse().unwrap_or_default(),
                "kind" => c.kind = v.parse().ok(),
                "lang" => c.lang = Lang::from_param(Some(v)),
                "data" if !v.trim().is_empty() => c.data_url = v.trim().to_string(),
                "tiles" if !v.trim().is_empty() => c.tiles = Some(v.trim().to_string()),
                "tiles_attribution" if !v.trim().is_empty() => {
                    c.tiles_attribution = Some(v.trim().to_string());
                }
                _ => {}
            }
        }
        if let (Some(lat), Some(lng)) = (lat, lng) {
            let p = LngLat::new(lng, lat);
            if p.is_valid() {
                c.origin = Some(p);
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_parameter() {
        let c = Config::from_params([
            ("lat", "22.535"),
            ("lng", "114.02"),
            ("mode", "ebike"),
            ("kind", "rest_stop"),
            ("lang", "en"),
            ("data", "other.linli"),
            ("tiles", "https://t/{z}/{x}/{y}.png"),
        ]);
        assert_eq!(c.origin, Some(LngLat::new(114.02, 22.535)));
        assert_eq!(
            (c.mode, c.kind, c.lang),
            (Mode::Ebike, Some(Kind::RestStop), Lang::En)
        );
        assert_eq!(c.data_url, "other.linli");
        assert!(c.tiles.is_some());
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let c = Config::from_params([
            ("lat", "north"),
            ("lng", "114"),
            ("mode", "car"),
            ("kind", "zoo"),
        ]);
        assert_eq!(c.origin, None);
        assert_eq!(c.mode, Mode::Walk);
        assert_eq!(c.kind, None);
        assert_eq!(c.data_url, DEFAULT_DATA_URL);
        let c = Config::from_params([("lat", "95"), ("lng", "114")]);
        assert_eq!(c.origin, None, "latitude out of range");
    }
}
