//! What the host page configures through the URL (the user's own state, such as the starting
//! point or the kind, is in `url_state.rs`).
//!
//! | parameter | meaning | default |
//! |---|---|---|
//! | `data` | URL of the bundle | `data/futian.linli` |
//! | `tiles` | raster tile URL template (`{z}/{x}/{y}`), drawn under the streets | none |
//! | `tiles_attribution` | attribution text for those tiles | none |
//! | `layout` | `wide`, `split` or `compact` instead of the automatic choice | automatic |
//! | `accent` | the host's colour for the title bar and the main buttons (`1a7f37`, `#17c`); adjusted for 7:1 contrast (`branding.rs`) | Linli's red |
//! | `title` | the host's title, shown as text instead of Linli's name | Linli's name |
//! | `parent_origin` | comma-separated origins of the pages allowed to embed and command Linli; messages go only to them (`embed_messages.rs`) | the parent's origin, as the browser reports it |
//! | `max_height` | the host sizes the frame to its content, up to this many CSS px: Linli reports its height (`linli:resize`) | the frame's own size |

use crate::branding::{clean_title, Accent, Rgb};
use crate::data_origin::parse_list;
use crate::layout::Layout;

/// The smallest `max_height` taken (a shorter frame cannot show a result).
pub const MIN_FRAME_HEIGHT: f64 = 200.0;

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
    /// The host's accent colour, adjusted for contrast.
    pub accent: Option<Accent>,
    /// The host's title.
    pub title: Option<String>,
    /// Origins allowed to embed and command Linli (`parent_origin=`); empty: any parent.
    pub parent_origins: Vec<String>,
    /// The host sizes the frame to the content, up to this many CSS px.
    pub max_height: Option<f64>,
    /// Host parameters that could not be used: (parameter, why), for the host's developer.
    pub problems: Vec<(&'static str, String)>,
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
            accent: None,
            title: None,
            parent_origins: Vec::new(),
            max_height: None,
            problems: Vec::new(),
        };
        for (k, v) in params {
            match k {
                "data" if !v.trim().is_empty() => c.data_url = v.trim().to_string(),
                "tiles" if !v.trim().is_empty() => c.tiles = Some(v.trim().to_string()),
                "tiles_attribution" if !v.trim().is_empty() => {
                    c.tiles_attribution = Some(v.trim().to_string());
                }
                "layout" => c.layout = Layout::from_param(v),
                "accent" if !v.trim().is_empty() => match Rgb::parse(v) {
                    Ok(rgb) => c.accent = Some(Accent::for_colour(rgb)),
                    Err(e) => c.problems.push(("accent", e.to_string())),
                },
                "title" => c.title = clean_title(v),
                "parent_origin" => {
                    let (good, bad) = parse_list(v);
                    c.parent_origins = good;
                    for e in bad {
                        c.problems.push(("parent_origin", e.to_string()));
                    }
                    if c.parent_origins.is_empty() && !v.trim().is_empty() {
                        // Listed, but nothing usable: accept no commands rather than all.
                        c.parent_origins.push("invalid:".to_string());
                    }
                }
                "max_height" => match linli_core::decimal::parse(v.trim()) {
                    Some(h) if h.is_finite() && h >= MIN_FRAME_HEIGHT => c.max_height = Some(h),
                    _ => c.problems.push((
                        "max_height",
                        format!(
                            "'{}' is not a height in CSS pixels of at least {}",
                            v.chars().take(20).collect::<String>(),
                            linli_core::decimal::Trimmed(MIN_FRAME_HEIGHT)
                        ),
                    )),
                },
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
        assert!(c.problems.is_empty());
    }

    #[test]
    fn embedding_parameters() {
        let c = Config::from_params([
            ("accent", "1a7f37"),
            ("title", "  福田 <b>长者</b>食堂 "),
            (
                "parent_origin",
                "https://portal.example,https://News.Example:443/",
            ),
            ("max_height", "720"),
        ]);
        let accent = c.accent.expect("accent");
        assert_eq!(accent.ink, crate::branding::WHITE);
        assert!(accent.adjusted, "#1a7f37 under white text is below 7:1");
        assert_eq!(c.title.as_deref(), Some("福田 <b>长者</b>食堂"));
        assert_eq!(
            c.parent_origins,
            ["https://portal.example", "https://news.example"]
        );
        assert_eq!(c.max_height, Some(720.0));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    #[test]
    fn bad_embedding_parameters_are_named_and_safe() {
        let c = Config::from_params([
            ("accent", "red"),
            ("parent_origin", "*"),
            ("max_height", "tall"),
        ]);
        assert_eq!(c.accent, None);
        // A list that names nothing usable accepts no parent, rather than every parent.
        assert_eq!(c.parent_origins, ["invalid:"]);
        assert!(!crate::embed_messages::accepts(
            &c.parent_origins,
            "https://anyone.example"
        ));
        assert_eq!(c.max_height, None);
        let names: Vec<&str> = c.problems.iter().map(|(p, _)| *p).collect();
        assert_eq!(names, ["accent", "parent_origin", "max_height"]);
        assert!(
            c.problems[0].1.contains("'red' is not a colour"),
            "{:?}",
            c.problems
        );
        assert!(Config::from_params([("max_height", "120")])
            .max_height
            .is_none());
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let c = Config::from_params([("data", "  "), ("layout", "huge")]);
        assert_eq!(c.data_url, DEFAULT_DATA_URL);
        assert_eq!(c.layout, None);
    }
}
