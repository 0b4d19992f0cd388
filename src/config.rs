//! What the host page configures through the URL (the user's own state, such as the starting
//! point or the kind, is in `url_state.rs`).
//!
//! | parameter | meaning | default |
//! |---|---|---|
//! | `data` | URL of the bundle | `data/futian.linli` |
//! | `tiles` | raster tile URL template (`{z}/{x}/{y}`), drawn under the streets | none |
//! | `tiles_attribution` | attribution text for those tiles | none |
//! | `layout` | `wide`, `split` or `compact` instead of the automatic choice | automatic |

use crate::layout::Layout;

/// The bundle loaded when the page does not name one.
pub const DEFAULT_DATA_URL: &str = "data/futian.linli";

/// The host's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Bundle URL.
    pub data_url: String,
    /// Optional raster tiles.
    pub tiles: Option<String>,
    /// Attribution for the raster tiles.
    pub tiles_attribution: Option<String>,
    /// A layout chosen by the host instead of the automatic one.
    pub layout: Option<Layout>,
}

impl Config {
    /// From query parameters (already percent-decoded). Unusable values fall back to the
    /// defaults: a bad link should still open the finder.
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Config {
        let mut c = Config {
            data_url: DEFAULT_DATA_URL.to_string(),
            tiles: None,
            tiles_attribution: None,
            layout: None,
        };
        for (k, v) in params {
            match k {
                "data" if !v.trim().is_empty() => c.data_url = v.trim().to_string(),
                "tiles" if !v.trim().is_empty() => c.tiles = Some(v.trim().to_string()),
                "tiles_attribution" if !v.trim().is_empty() => {
                    c.tiles_attribution = Some(v.trim().to_string());
                }
                "layout" => c.layout = Layout::from_param(v),
                _ => {}
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
            ("data", "other.linli"),
            ("tiles", "https://t/{z}/{x}/{y}.png"),
            ("tiles_attribution", "© someone"),
            ("layout", "compact"),
            ("lat", "22.5"),
        ]);
        assert_eq!(c.data_url, "other.linli");
        assert_eq!(c.tiles.as_deref(), Some("https://t/{z}/{x}/{y}.png"));
        assert_eq!(c.tiles_attribution.as_deref(), Some("© someone"));
        assert_eq!(c.layout, Some(Layout::Compact));
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let c = Config::from_params([("data", "  "), ("layout", "huge")]);
        assert_eq!(c.data_url, DEFAULT_DATA_URL);
        assert_eq!(c.layout, None);
    }
}
