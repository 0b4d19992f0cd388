//! "Is it open now?": OpenStreetMap `opening_hours` evaluated at an instant in Beijing time.
//!
//! The caller passes the instant; nothing here reads a clock. Hours are always read as China
//! Standard Time (UTC+8, no daylight saving), whatever the device's time zone: use
//! [`beijing_time`] to turn a Unix timestamp into the local time the rules are written in.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use opening_hours::{OpeningHours, RuleKind};
use serde::Serialize;

/// "Closing soon" starts this many minutes before closing.
pub const CLOSING_SOON_MINUTES: i64 = 30;
/// China Standard Time is UTC+8 all year.
pub const BEIJING_OFFSET_SECONDS: i64 = 8 * 3600;

/// The local time in Beijing at a Unix instant in milliseconds, or `None` if out of range.
///
/// ```
/// use linli_core::hours::beijing_time;
/// // 2026-11-24T03:30:00Z is 11:30 in Beijing.
/// let t = beijing_time(1_795_491_000_000).unwrap();
/// assert_eq!(t.format("%Y-%m-%d %H:%M").to_string(), "2026-11-24 11:30");
/// ```
pub fn beijing_time(unix_ms: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_millis(unix_ms + BEIJING_OFFSET_SECONDS * 1000).map(|t| t.naive_utc())
}

/// Open or not, in the words the app and the CLI use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpenState {
    /// Open, and not closing within [`CLOSING_SOON_MINUTES`].
    Open,
    /// Open, closing within [`CLOSING_SOON_MINUTES`].
    Closing,
    /// Closed.
    Closed,
    /// No hours, or the rules say "unknown" now: never shown as open or closed.
    Unknown,
}

impl OpenState {
    /// `open`, `closing`, `closed` or `unknown`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OpenState::Open => "open",
            OpenState::Closing => "closing",
            OpenState::Closed => "closed",
            OpenState::Unknown => "unknown",
        }
    }

    /// Open or closing soon.
    pub const fn is_open(self) -> bool {
        matches!(self, OpenState::Open | OpenState::Closing)
    }
}

/// The state at an instant and when it next changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursStatus {
    /// The state.
    pub state: OpenState,
    /// When the state next changes (Beijing time); `None` when it never does (e.g. 24/7).
    pub next_change: Option<NaiveDateTime>,
    /// The rule's comment, e.g. "by appointment".
    pub comment: Option<String>,
}

impl HoursStatus {
    /// Open around the clock, never changing.
    pub fn always_open(&self) -> bool {
        self.state == OpenState::Open && self.next_change.is_none()
    }

    /// Whole minutes from `at` to the next change (rounded up), if there is one.
    pub fn minutes_until_change(&self, at: NaiveDateTime) -> Option<i64> {
        self.next_change
            .map(|t| ((t - at).num_seconds() + 59).div_euclid(60))
    }
}

/// One opening span of a day, in minutes from midnight (`end_minute` may be 1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Start, minutes after 00:00.
    pub start_minute: u16,
    /// End, minutes after 00:00, at most 1440.
    pub end_minute: u16,
}

/// A service's parsed hours.
#[derive(Debug, Clone)]
pub struct Hours {
    rules: Option<OpeningHours>,
}

impl Hours {
    /// Parses an `opening_hours` string. An empty or invalid string gives hours that are always
    /// unknown (bundles only hold valid strings: the builder rejects the others).
    pub fn parse(raw: &str) -> Hours {
        let raw = raw.trim();
        Hours {
            rules: if raw.is_empty() {
                None
            } else {
                raw.parse::<OpeningHours>().ok()
            },
        }
    }

    /// Are there rules at all?
    pub fn is_known(&self) -> bool {
        self.rules.is_some()
    }

    /// The state at `at` (Beijing time) and its next change.
    pub fn status(&self, at: NaiveDateTime) -> HoursStatus {
        let Some(rules) = &self.rules else {
            return HoursStatus {
                state: OpenState::Unknown,
                next_change: None,
                comment: None,
            };
        };
        let (kind, comment) = rules.state(at);
        let next_change = rules.next_change(at);
        let comment = (!comment.is_empty()).then(|| comment.to_string());
        let state = match kind {
            RuleKind::Open => {
                let soon =
                    next_change.is_some_and(|t| t - at <= Duration::minutes(CLOSING_SOON_MINUTES));
                if soon {
                    OpenState::Closing
                } else {
                    OpenState::Open
                }
            }
            RuleKind::Closed => OpenState::Closed,
            RuleKind::Unknown => OpenState::Unknown,
        };
        HoursStatus {
            state,
            next_change,
            comment,
        }
    }

    /// The open spans of one day (00:00–24:00 Beijing time), in order.
    pub fn day_spans(&self, date: NaiveDate) -> Vec<Span> {
        let Some(rules) = &self.rules else {
            return Vec::new();
        };
        let start = date.and_time(NaiveTime::MIN);
        let end = start + Duration::days(1);
        let minute = |t: NaiveDateTime| -> u16 {
            let m = (t - start).num_minutes().clamp(0, 1440);
            u16::try_from(m).unwrap_or(1440)
        };
        rules
            .iter_range(start, end)
            .filter(|r| r.kind == RuleKind::Open)
            .map(|r| Span {
                start_minute: minute(r.range.start),
                end_minute: minute(r.range.end),
            })
            .filter(|s| s.end_minute > s.start_minute)
            .collect()
    }
}

/// "HH:MM" for a minute of the day (1440 is "24:00").
pub fn minute_label(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time")
    }

    #[rstest]
    #[case::office_morning(
        "Mo-Fr 09:00-12:00,14:00-18:00",
        "2026-11-24 10:00",
        OpenState::Open,
        Some("2026-11-24 12:00")
    )]
    #[case::office_lunch_break(
        "Mo-Fr 09:00-12:00,14:00-18:00",
        "2026-11-24 12:30",
        OpenState::Closed,
        Some("2026-11-24 14:00")
    )]
    #[case::closing_soon(
        "Mo-Fr 09:00-12:00,14:00-18:00",
        "2026-11-24 17:40",
        OpenState::Closing,
        Some("2026-11-24 18:00")
    )]
    #[case::weekend_closed(
        "Mo-Fr 09:00-18:00",
        "2026-11-28 10:00",
        OpenState::Closed,
        Some("2026-11-30 09:00")
    )]
    #[case::always("24/7", "2026-11-24 03:00", OpenState::Open, None)]
    #[case::across_midnight(
        "Mo-Su 18:00-02:00",
        "2026-11-24 01:00",
        OpenState::Open,
        Some("2026-11-24 02:00")
    )]
    #[case::empty("", "2026-11-24 10:00", OpenState::Unknown, None)]
    fn states(
        #[case] hours: &str,
        #[case] time: &str,
        #[case] state: OpenState,
        #[case] next: Option<&str>,
    ) {
        let s = Hours::parse(hours).status(at(time));
        assert_eq!(s.state, state);
        assert_eq!(s.next_change, next.map(at));
    }

    #[test]
    fn beijing_time_ignores_the_device_zone() {
        // 2026-10-01T02:00:00Z = 10:00 in Beijing.
        let t = beijing_time(1_790_820_000_000).expect("in range");
        assert_eq!(t, at("2026-10-01 10:00"));
    }

    #[test]
    fn day_spans_list_the_openings() {
        let h = Hours::parse("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00");
        let tuesday = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        let spans = h.day_spans(tuesday);
        assert_eq!(
            spans
                .iter()
                .map(|s| (minute_label(s.start_minute), minute_label(s.end_minute)))
                .collect::<Vec<_>>(),
            [
                ("09:00".into(), "12:00".into()),
                ("14:00".into(), "18:00".into())
            ]
        );
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        assert!(h.day_spans(sunday).is_empty());
        assert_eq!(
            Hours::parse("24/7").day_spans(sunday),
            [Span {
                start_minute: 0,
                end_minute: 1440
            }]
        );
    }
}
