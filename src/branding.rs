//! The host page's branding: an accent colour (`accent=`) for the title bar and the main
//! buttons, and a title (`title=`) instead of the app's name. Both are checked here, natively
//! tested; nothing in this file touches the browser.
//!
//! # Contrast
//!
//! The text on the accent is white or near-black, whichever reads better. If even that is
//! below 7:1 (WCAG AAA, which the app keeps for its main buttons; AA asks 4.5:1), the colour is
//! darkened (under white text) or lightened (under dark text) just enough to reach 7:1, so a
//! host can pass its brand colour as it is and still get readable buttons.

/// A colour in sRGB, 8 bits a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// White text.
pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
/// Near-black text (the app's ink colour).
pub const INK: Rgb = Rgb(0x1a, 0x1a, 0x1a);

/// The contrast the title bar and the main buttons keep (WCAG AAA for normal text).
pub const ACCENT_CONTRAST: f64 = 7.0;

/// The longest title shown, in characters; a longer one is cut with "…".
pub const TITLE_MAX_CHARS: usize = 40;

/// Why an `accent=` value was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadColour(pub String);

impl std::fmt::Display for BadColour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "accent '{}' is not a colour: expected 3 or 6 hexadecimal digits such as 1a7f37 or #1a7f37",
            self.0
        )
    }
}

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Parses `#rgb`, `#rrggbb`, or the same without `#` (a `#` must be written `%23` in a
    /// URL, so hosts often leave it out).
    pub fn parse(s: &str) -> Result<Rgb, BadColour> {
        let bad = || BadColour(s.chars().take(40).collect());
        let digits = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let nibble = |i: usize| u8::from_str_radix(&digits[i..=i], 16).map_err(|_| bad());
        match digits.len() {
            3 => Ok(Rgb(nibble(0)? * 17, nibble(1)? * 17, nibble(2)? * 17)),
            6 => {
                let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| bad());
                Ok(Rgb(byte(0)?, byte(2)?, byte(4)?))
            }
            _ => Err(bad()),
        }
    }

    /// Relative luminance (WCAG 2.x), 0 for black to 1 for white.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                // x^2.4 as e^(2.4 ln x): the same value, without linking a `pow` into the
                // wasm (`ln` and `exp` are there already).
                (2.4 * ((c + 0.055) / 1.055).ln()).exp()
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// This colour moved a fraction `t` (0–1) of the way towards `to`.
    fn mix(self, to: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| {
            let v = f64::from(a) + (f64::from(b) - f64::from(a)) * t;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let v = v.round().clamp(0.0, 255.0) as u8;
            v
        };
        Rgb(m(self.0, to.0), m(self.1, to.1), m(self.2, to.2))
    }
}

/// The WCAG contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The accent as used: background, text on it, and whether the host's colour was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent {
    /// The background of the title bar and the main buttons.
    pub bg: Rgb,
    /// The text on it.
    pub ink: Rgb,
    /// The host's colour had to be darkened or lightened to reach [`ACCENT_CONTRAST`].
    pub adjusted: bool,
}

impl Accent {
    /// The accent for a host colour: the better text colour, and the colour itself moved
    /// towards black (under white text) or white (under dark text) by the smallest step that
    /// gives `ACCENT_CONTRAST`.
    pub fn for_colour(colour: Rgb) -> Accent {
        let ink = if contrast(colour, WHITE) >= contrast(colour, INK) {
            WHITE
        } else {
            INK
        };
        if contrast(colour, ink) >= ACCENT_CONTRAST {
            return Accent {
                bg: colour,
                ink,
                adjusted: false,
            };
        }
        let towards = if ink == WHITE { Rgb(0, 0, 0) } else { WHITE };
        // The contrast grows steadily as the colour moves away from the ink: bisect for the
        // smallest move that is enough.
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        for _ in 0..24 {
            let mid = (lo + hi) / 2.0;
            if contrast(colour.mix(towards, mid), ink) >= ACCENT_CONTRAST {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let mut bg = colour.mix(towards, hi);
        // Rounding to whole channels can land a hair short; step on until it is enough.
        let mut t = hi;
        while contrast(bg, ink) < ACCENT_CONTRAST && t < 1.0 {
            t = (t + 0.01).min(1.0);
            bg = colour.mix(towards, t);
        }
        Accent {
            bg,
            ink,
            adjusted: true,
        }
    }

    /// The CSS custom properties that repaint the title bar and the main buttons, in light
    /// and dark mode alike.
    pub fn css_vars(self) -> String {
        let (bg, ink) = (self.bg.hex(), self.ink.hex());
        format!("--header-bg:{bg};--header-ink:{ink};--primary-bg:{bg};--primary-ink:{ink};")
    }
}

/// The host's title as shown: control characters removed, runs of white space made one space,
/// at most [`TITLE_MAX_CHARS`] characters (then "…"). `None` when nothing is left. It is
/// always inserted as text, never as HTML.
pub fn clean_title(raw: &str) -> Option<String> {
    let words: Vec<&str> = raw
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return None;
    }
    if joined.chars().count() > TITLE_MAX_CHARS {
        let cut: String = joined.chars().take(TITLE_MAX_CHARS - 1).collect();
        Some(format!("{}…", cut.trim_end()))
    } else {
        Some(joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_with_or_without_hash() {
        assert_eq!(Rgb::parse("#1a7f37"), Ok(Rgb(0x1a, 0x7f, 0x37)));
        assert_eq!(Rgb::parse("1A7F37"), Ok(Rgb(0x1a, 0x7f, 0x37)));
        assert_eq!(Rgb::parse("#17c"), Ok(Rgb(0x11, 0x77, 0xcc)));
        assert_eq!(Rgb::parse(" fff "), Ok(WHITE));
        for bad in [
            "",
            "#",
            "red",
            "#12345",
            "#1234567",
            "12g",
            "rgb(1,2,3)",
            "＃fff",
            "#ff f",
        ] {
            let err = Rgb::parse(bad).expect_err(bad);
            assert!(err.to_string().contains("is not a colour"), "{err}");
        }
    }

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        assert!((contrast(WHITE, Rgb(0, 0, 0)) - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // The app's own red title bar: 8.0:1 with white (style/main.css).
        let red = Rgb::parse("#9f1717").expect("colour");
        assert!(
            (contrast(red, WHITE) - 8.0).abs() < 0.1,
            "{}",
            contrast(red, WHITE)
        );
        // #767676 is the classic "just AA" grey on white: 4.54:1.
        let grey = Rgb::parse("#767676").expect("colour");
        assert!((contrast(grey, WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn a_dark_enough_accent_is_kept() {
        let a = Accent::for_colour(Rgb::parse("#9f1717").expect("colour"));
        assert_eq!(a.bg, Rgb(0x9f, 0x17, 0x17));
        assert_eq!(a.ink, WHITE);
        assert!(!a.adjusted);
    }

    #[test]
    fn accents_that_fail_are_moved_just_enough() {
        // Mid tones fail with both inks and are moved; light and dark ones are kept; all end
        // at 7:1 or more.
        for (hex, needs_moving) in [
            ("#1a7f37", true),
            ("#ff6600", true),
            ("#0080ff", true),
            ("#e91e63", true),
            ("#808080", true),
            ("#777", true),
            ("#5a5a5a", true),
            ("#ffd700", false),
            ("#00ff00", false),
        ] {
            let colour = Rgb::parse(hex).expect("colour");
            let a = Accent::for_colour(colour);
            let c = contrast(a.bg, a.ink);
            assert!(
                c >= ACCENT_CONTRAST,
                "{hex}: {} on {} is {c:.2}",
                a.ink.hex(),
                a.bg.hex()
            );
            assert_eq!(
                a.adjusted,
                needs_moving,
                "{hex} alone gives {:.2}",
                contrast(colour, a.ink)
            );
            if !needs_moving {
                assert_eq!(a.bg, colour);
                continue;
            }
            // Not moved further than needed: one channel step less would fail.
            let towards = if a.ink == WHITE { Rgb(0, 0, 0) } else { WHITE };
            let mut lo = 0.0;
            let mut hi = 1.0;
            for _ in 0..30 {
                let mid = (lo + hi) / 2.0;
                if contrast(colour.mix(towards, mid), a.ink) >= ACCENT_CONTRAST {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            let needed = colour.mix(towards, hi);
            let diff = |x: u8, y: u8| (i32::from(x) - i32::from(y)).abs();
            assert!(
                diff(needed.0, a.bg.0) <= 3
                    && diff(needed.1, a.bg.1) <= 3
                    && diff(needed.2, a.bg.2) <= 3,
                "{hex}: {} is moved further than {}",
                a.bg.hex(),
                needed.hex()
            );
        }
        // Gold gets dark text, blue gets white.
        assert_eq!(
            Accent::for_colour(Rgb::parse("#ffd700").expect("colour")).ink,
            INK
        );
        assert_eq!(
            Accent::for_colour(Rgb::parse("#0050b3").expect("colour")).ink,
            WHITE
        );
    }

    #[test]
    fn css_vars_name_both_colours() {
        let a = Accent::for_colour(Rgb::parse("#003a8c").expect("colour"));
        assert_eq!(
            a.css_vars(),
            "--header-bg:#003a8c;--header-ink:#ffffff;--primary-bg:#003a8c;--primary-ink:#ffffff;"
        );
    }

    #[test]
    fn titles_are_cleaned_and_cut() {
        assert_eq!(
            clean_title("  福田街道\n长者食堂 "),
            Some("福田街道 长者食堂".to_string())
        );
        assert_eq!(
            clean_title("<b>x</b>"),
            Some("<b>x</b>".to_string()),
            "kept as text"
        );
        assert_eq!(clean_title("a\u{0}b\u{7}c"), Some("a b c".to_string()));
        assert_eq!(clean_title(" \t "), None);
        let long = "很".repeat(60);
        let cut = clean_title(&long).expect("title");
        assert_eq!(cut.chars().count(), TITLE_MAX_CHARS);
        assert!(cut.ends_with('…'));
    }
}
