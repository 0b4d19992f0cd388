//! Which layout fits the screen: decided from the window size *in lines of text*, so that the
//! same phone gets a different layout at 200 % text than at 100 %, whatever way the browser
//! enlarges text (default font size, root font size or text zoom: the app measures the
//! rendered size of its body text, see `screen.rs`).

/// The window and the size of the body text as rendered, CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    /// `innerWidth`.
    pub width: f64,
    /// `innerHeight`.
    pub height: f64,
    /// The rendered height of one em of body text (18 at 100 % in this app).
    pub text_px: f64,
}

impl Default for Screen {
    fn default() -> Screen {
        Screen {
            width: 360.0,
            height: 740.0,
            text_px: 18.0,
        }
    }
}

/// How the panel and the map share the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A side panel beside a large map (desktops, tablets in landscape).
    Wide,
    /// Phones: a map strip on top, the panel below; the map can fill the screen.
    Split,
    /// Small frames and large text: the list first, the map on demand, controls folded.
    Compact,
}

impl Layout {
    /// The CSS class on `.app`.
    pub const fn class(self) -> &'static str {
        match self {
            Layout::Wide => "layout-wide",
            Layout::Split => "layout-split",
            Layout::Compact => "layout-compact",
        }
    }

    /// From a `layout` URL parameter (`wide`, `split`, `compact`); anything else is automatic.
    pub fn from_param(v: &str) -> Option<Layout> {
        match v.trim() {
            "wide" => Some(Layout::Wide),
            "split" => Some(Layout::Split),
            "compact" => Some(Layout::Compact),
            _ => None,
        }
    }
}

/// A side panel needs this many em of width (a 24 em panel and a map at least as wide).
pub const WIDE_MIN_EM: f64 = 44.0;
/// Below this many em of height, a map strip would push the first result off the screen.
pub const SPLIT_MIN_HEIGHT_EM: f64 = 33.0;
/// Below this many em of width, even the split layout's controls do not fit.
pub const SPLIT_MIN_WIDTH_EM: f64 = 16.0;

/// The layout for a screen.
///
/// ```text
/// 1280×800 @ 18 px → Wide     360×740 @ 18 px → Split     320×640 @ 18 px → Split
/// 320×480 @ 18 px → Compact   360×740 @ 36 px → Compact   1280×800 @ 36 px → Compact
/// ```
pub fn choose(screen: Screen) -> Layout {
    let em = if screen.text_px.is_finite() && screen.text_px > 0.0 {
        screen.text_px
    } else {
        18.0
    };
    let (w, h) = (screen.width / em, screen.height / em);
    if w >= WIDE_MIN_EM && h >= 24.0 {
        Layout::Wide
    } else if h >= SPLIT_MIN_HEIGHT_EM && w >= SPLIT_MIN_WIDTH_EM {
        Layout::Split
    } else {
        Layout::Compact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(width: f64, height: f64, text_px: f64) -> Layout {
        choose(Screen {
            width,
            height,
            text_px,
        })
    }

    #[test]
    fn phones_split_at_100_percent_and_go_compact_at_200() {
        assert_eq!(at(360.0, 740.0, 18.0), Layout::Split);
        assert_eq!(at(320.0, 640.0, 18.0), Layout::Split);
        assert_eq!(at(390.0, 844.0, 18.0), Layout::Split);
        assert_eq!(at(360.0, 740.0, 36.0), Layout::Compact);
        assert_eq!(at(320.0, 640.0, 36.0), Layout::Compact);
    }

    #[test]
    fn small_frames_are_compact_and_desktops_wide() {
        assert_eq!(at(320.0, 480.0, 18.0), Layout::Compact);
        assert_eq!(at(280.0, 700.0, 18.0), Layout::Compact);
        assert_eq!(at(1280.0, 800.0, 18.0), Layout::Wide);
        assert_eq!(at(1366.0, 900.0, 18.0), Layout::Wide);
        // A laptop at 200 % text: a side panel would hold 11 characters a line.
        assert_eq!(at(1280.0, 800.0, 36.0), Layout::Compact);
        // A wide but very short window keeps the list first.
        assert_eq!(at(1280.0, 400.0, 18.0), Layout::Compact);
    }

    #[test]
    fn nonsense_sizes_do_not_panic() {
        assert_eq!(at(0.0, 0.0, 0.0), Layout::Compact);
        assert_eq!(at(800.0, 800.0, f64::NAN), Layout::Wide);
    }
}
