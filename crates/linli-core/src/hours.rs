//! "Is it open now?": a place's opening hours evaluated at an instant in Beijing time, with
//! China's public holidays and make-up working days.
//!
//! The caller passes the instant; nothing here reads a clock. Hours are always read as China
//! Standard Time (UTC+8, no daylight saving), whatever the device's time zone: use
//! [`beijing_time`] to turn a Unix timestamp into the local time the rules are written in.
//!
//! The rules are not parsed here: `linli build` compiles every OpenStreetMap `opening_hours`
//! string into the bundle's [`Timetable`] (day plans by weekday and public holiday, or by date
//! over a window for rules with dates), and [`Hours`] looks days up in it.
//!
//! - `PH` in a rule means China's public holidays ([`crate::holidays`]), e.g. `PH off` or
//!   `PH 09:00-12:00`.
//! - On a make-up working day (调休上班) the rules of the previous ordinary working day apply
//!   ([`crate::holidays::rules_day`]): an office with `Mo-Fr 09:00-18:00` opens on that Sunday.
//! - In years whose holidays Linli does not know, `PH` never matches and the status carries
//!   [`DayNote::CalendarUnknown`].
//! - Rules with dates are known only within their window ([`crate::timetable`]); outside it
//!   the state is unknown with [`DayNote::OutsideSchedule`].

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::Serialize;

use crate::holidays::{day_kind, rules_day, year_known, DayKind, Festival};
use crate::timetable::{DayPlan, Lookup, PieceKind, Timetable};

/// "Closing soon" starts this many minutes before closing.
pub const CLOSING_SOON_MINUTES: i64 = 30;
/// China Standard Time is UTC+8 all year.
pub const BEIJING_OFFSET_SECONDS: i64 = 8 * 3600;
/// How far ahead the next change is looked for (five weeks: enough for monthly rules such as
/// `Mo[1]`); beyond it the state counts as permanent.
pub const HORIZON_DAYS: i64 = 35;

/// The local time in Beijing at a Unix instant in milliseconds, or `None` if out of range.
///
/// ```
/// use chrono::NaiveDate;
/// use linli_core::hours::beijing_time;
/// // 2026-11-24T03:30:00Z is 11:30 in Beijing.
/// let t = beijing_time(1_795_491_000_000).unwrap();
/// let expected = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(11, 30, 0).unwrap();
/// assert_eq!(t, expected);
/// ```
pub fn beijing_time(unix_ms: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_millis(unix_ms + BEIJING_OFFSET_SECONDS * 1000).map(|t| t.naive_utc())
}

/// Open or not, in the words the app (`data-state`) and the CLI use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpenState {
    /// Open, and not closing within [`CLOSING_SOON_MINUTES`] (24/7 included).
    Open,
    /// Open, closing within [`CLOSING_SOON_MINUTES`].
    Closing,
    /// Closed.
    Closed,
    /// Closed all day for a public holiday.
    Holiday,
    /// No hours, or the rules say "unknown" now: never shown as open or closed.
    Unknown,
}

impl OpenState {
    /// `open`, `closing`, `closed`, `holiday` or `unknown`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OpenState::Open => "open",
            OpenState::Closing => "closing",
            OpenState::Closed => "closed",
            OpenState::Holiday => "holiday",
            OpenState::Unknown => "unknown",
        }
    }

    /// Open or closing soon.
    pub const fn is_open(self) -> bool {
        matches!(self, OpenState::Open | OpenState::Closing)
    }
}

/// Something about the day worth saying next to the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayNote {
    /// Today is this public holiday.
    Holiday(Festival),
    /// Today is a make-up working day (调休上班); weekday hours apply.
    MakeUpWorkday(Festival),
    /// Linli does not know this year's holidays.
    CalendarUnknown,
    /// The place's rules name dates, and the bundle holds them only for a window of dates
    /// around its build date; this date lies outside it (the bundle needs rebuilding).
    OutsideSchedule,
}

impl DayNote {
    /// The note for a date, if any.
    pub fn for_date(date: NaiveDate) -> Option<DayNote> {
        match day_kind(date) {
            DayKind::Normal => None,
            DayKind::Holiday(f) => Some(DayNote::Holiday(f)),
            DayKind::MakeUpWorkday(f) => Some(DayNote::MakeUpWorkday(f)),
            DayKind::Unknown => Some(DayNote::CalendarUnknown),
        }
    }

    /// In Chinese.
    pub fn text_zh(self) -> String {
        match self {
            DayNote::Holiday(f) => f.name_zh().to_string(),
            DayNote::MakeUpWorkday(f) => format!("调休上班（{}）", f.name_zh()),
            DayNote::CalendarUnknown => "本年节假日安排未知".to_string(),
            DayNote::OutsideSchedule => "数据中没有这一天的营业时间，需要更新数据".to_string(),
        }
    }

    /// In English.
    pub fn text_en(self) -> String {
        match self {
            DayNote::Holiday(f) => f.name_en().to_string(),
            DayNote::MakeUpWorkday(f) => format!("make-up working day ({})", f.name_en()),
            DayNote::CalendarUnknown => "this year's public holidays are unknown".to_string(),
            DayNote::OutsideSchedule => {
                "the data has no hours for this date and needs updating".to_string()
            }
        }
    }
}

/// The state at an instant and when it next changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursStatus {
    /// The state.
    pub state: OpenState,
    /// When the state next changes (Beijing time); `None` when it does not within
    /// [`HORIZON_DAYS`] (e.g. 24/7) or not before the rules' window ends.
    pub next_change: Option<NaiveDateTime>,
    /// The rule's comment, e.g. "by appointment".
    pub comment: Option<String>,
    /// A holiday, make-up working day or unknown calendar, when it matters to the state.
    pub note: Option<DayNote>,
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

/// One place's hours: a handle on its plan in the bundle's [`Timetable`] (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Hours {
    table: Timetable,
    place: usize,
}

impl Timetable {
    /// The hours of place `place` (no hours for a place beyond the table).
    pub fn hours(&self, place: usize) -> Hours {
        Hours {
            table: self.clone(),
            place,
        }
    }
}

impl Hours {
    /// Hours that are always unknown (a place without `opening_hours`).
    pub fn unknown() -> Hours {
        Hours::default()
    }

    /// Are there rules at all?
    pub fn is_known(&self) -> bool {
        self.table.has_hours(self.place)
    }

    /// Are the hours of `date` known: there are rules, and the date lies within their window
    /// (always, for weekly rules)?
    pub fn known_on(&self, date: NaiveDate) -> bool {
        matches!(self.table.lookup(self.place, date), Lookup::Day(_))
    }

    /// The plan of one day, 00:00–24:00, with make-up working days evaluated by the rules of the
    /// day they stand in for; `None` when the day's rules are not known.
    fn plan(&self, date: NaiveDate) -> Option<&DayPlan> {
        match self.table.lookup(self.place, rules_day(date)) {
            Lookup::Day(plan) => Some(plan),
            Lookup::NoHours | Lookup::Outside => None,
        }
    }

    /// The state at `at` (Beijing time) and its next change.
    pub fn status(&self, at: NaiveDateTime) -> HoursStatus {
        let today = at.date();
        let day_note = DayNote::for_date(today);
        let unknown = |note| HoursStatus {
            state: OpenState::Unknown,
            next_change: None,
            comment: None,
            note,
        };
        if !self.is_known() {
            return unknown(None);
        }
        let Some(plan) = self.plan(today) else {
            return unknown(Some(DayNote::OutsideSchedule));
        };
        let second = (at - today.and_time(NaiveTime::MIN)).num_seconds();
        let minute_second = |m: u16| i64::from(m) * 60;
        let Some(index) = (0..plan.pieces().len()).find(|&i| {
            minute_second(plan.pieces()[i].start_minute) <= second
                && second < minute_second(plan.end_minute(i))
        }) else {
            return unknown(day_note);
        };
        let current = plan.pieces()[index];
        // Follow the current state across midnights until it changes (or the rules' window
        // ends: then no change is known).
        let mut next_change = None;
        let (mut day, mut day_plan, mut first) = (today, plan, index + 1);
        'days: for _ in 0..HORIZON_DAYS {
            if let Some(p) = day_plan.pieces()[first..]
                .iter()
                .find(|p| p.state() != current.state())
            {
                next_change = Some(
                    day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(p.start_minute)),
                );
                break 'days;
            }
            day = day.succ_opt().unwrap_or(day);
            match self.plan(day) {
                Some(p) => (day_plan, first) = (p, 0),
                None => break,
            }
        }
        let comment = current.comment.map(|c| self.table.comment(c).to_string());
        let (state, note) = match current.kind {
            PieceKind::Open => {
                let soon =
                    next_change.is_some_and(|t| t - at <= Duration::minutes(CLOSING_SOON_MINUTES));
                let state = if soon {
                    OpenState::Closing
                } else {
                    OpenState::Open
                };
                (state, day_note)
            }
            PieceKind::Closed => {
                let open_today = plan.pieces().iter().any(|p| p.kind == PieceKind::Open);
                match day_note {
                    Some(DayNote::Holiday(f)) if !open_today => {
                        (OpenState::Holiday, Some(DayNote::Holiday(f)))
                    }
                    note => (OpenState::Closed, note),
                }
            }
            PieceKind::Unknown => (OpenState::Unknown, day_note),
        };
        HoursStatus {
            state,
            next_change,
            comment,
            note,
        }
    }

    /// The open spans of one day (00:00–24:00 Beijing time), in order; none when the day's
    /// rules are not known.
    pub fn day_spans(&self, date: NaiveDate) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        let Some(plan) = self.plan(date) else {
            return spans;
        };
        for (i, p) in plan.pieces().iter().enumerate() {
            if p.kind != PieceKind::Open {
                continue;
            }
            let span = Span {
                start_minute: p.start_minute,
                end_minute: plan.end_minute(i),
            };
            // Adjacent open ranges (e.g. differing comments) read as one span.
            match spans.last_mut() {
                Some(last) if last.end_minute == span.start_minute => {
                    last.end_minute = span.end_minute
                }
                _ if span.end_minute > span.start_minute => spans.push(span),
                _ => {}
            }
        }
        spans
    }
}

/// Is the holiday calendar of the year of `date` known?
pub fn calendar_known(date: NaiveDate) -> bool {
    year_known(date.year())
}

/// "HH:MM" for a minute of the day (1440 is "24:00").
pub fn minute_label(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// "HH:MM" of a time (written by hand: chrono's formatter is large in the browser).
pub fn time_label(t: NaiveDateTime) -> String {
    // At most 23:59: fits.
    minute_label((t.hour() * 60 + t.minute()) as u16)
}

/// `YYYY-MM-DDTHH:MM`, the value of an `<input type="datetime-local">`.
pub fn local_minute_text(t: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Reads `YYYY-MM-DDTHH:MM` (exactly: four-digit year, two-digit fields, no seconds), the value
/// of an `<input type="datetime-local">`; `None` for anything else or a date that does not
/// exist. Written by hand: chrono's parser is large in the browser.
pub fn parse_local_minute(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)?.and_hms_opt(
        number(11, 13)?,
        number(14, 16)?,
        0,
    )
}

/// The language of [`week_words`] and the other "hours in words" helpers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// 简体中文: "周一至周五 7:00–9:00、11:00–13:30".
    Zh,
    /// English: "Mon–Fri 7:00–9:00, 11:00–13:30".
    En,
}

/// A span as it is read out: `next_day` when it runs past midnight into the next day's first
/// span (then `end_minute` is a time of the next day: "18:00–次日2:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadSpan {
    /// Start, minutes after 00:00.
    pub start_minute: u16,
    /// End, minutes after 00:00 (of the next day when `next_day`).
    pub end_minute: u16,
    /// Ends on the next day.
    pub next_day: bool,
}

/// One line of a week in words: consecutive days (`first..=last`) with the same hours and the
/// same note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekRow {
    /// The first day of the run.
    pub first: NaiveDate,
    /// The last day of the run (equal to `first` for a single day).
    pub last: NaiveDate,
    /// The opening spans, as read out; empty when closed all day.
    pub spans: Vec<ReadSpan>,
    /// A public holiday or make-up working day, or [`DayNote::OutsideSchedule`] (never
    /// [`DayNote::CalendarUnknown`]).
    pub note: Option<DayNote>,
}

impl WeekRow {
    /// Does the run include `date`?
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// The days in words: "周一至周五", "周六、周日", "周三" / "Mon–Fri", "Sat, Sun", "Wed";
    /// a whole week starting on Monday is "每天" / "Every day".
    pub fn days_words(&self, lang: Language) -> String {
        let n = (self.last - self.first).num_days() + 1;
        let name = |d: NaiveDate| weekday_short(d.weekday().number_from_monday(), lang);
        match n {
            7.. if self.first.weekday() == chrono::Weekday::Mon => match lang {
                Language::Zh => "每天".to_string(),
                Language::En => "Every day".to_string(),
            },
            1 => name(self.first).to_string(),
            2 => match lang {
                Language::Zh => format!("{}、{}", name(self.first), name(self.last)),
                Language::En => format!("{}, {}", name(self.first), name(self.last)),
            },
            _ => match lang {
                Language::Zh => format!("{}至{}", name(self.first), name(self.last)),
                Language::En => format!("{}–{}", name(self.first), name(self.last)),
            },
        }
    }

    /// The hours in words: "7:00–9:00、11:00–13:30", "18:00–次日2:00", "全天", "休息" /
    /// "7:00–9:00, 11:00–13:30", "18:00–2:00 next day", "24 hours", "closed"; "未知" /
    /// "unknown" for days outside the rules' window.
    pub fn hours_words(&self, lang: Language) -> String {
        if self.note == Some(DayNote::OutsideSchedule) {
            return match lang {
                Language::Zh => "未知".to_string(),
                Language::En => "unknown".to_string(),
            };
        }
        spans_words(&self.spans, lang)
    }
}

/// "Mon" / "周一" for ISO weekday `n` (Monday = 1).
fn weekday_short(n: u32, lang: Language) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = usize::try_from(n.clamp(1, 7) - 1).unwrap_or(0);
    match lang {
        Language::Zh => ZH[i],
        Language::En => EN[i],
    }
}

/// "7:00" for a minute of the day, without a leading zero ("24:00" for 1440).
pub fn clock_words(m: u16) -> String {
    format!("{}:{:02}", m / 60, m % 60)
}

/// Spans in words (see [`WeekRow::hours_words`]).
pub fn spans_words(spans: &[ReadSpan], lang: Language) -> String {
    if spans.is_empty() {
        return match lang {
            Language::Zh => "休息".to_string(),
            Language::En => "closed".to_string(),
        };
    }
    if let [only] = spans {
        if only.start_minute == 0 && only.end_minute == 1440 && !only.next_day {
            return match lang {
                Language::Zh => "全天".to_string(),
                Language::En => "24 hours".to_string(),
            };
        }
    }
    let words: Vec<String> = spans
        .iter()
        .map(|s| {
            let (a, b) = (clock_words(s.start_minute), clock_words(s.end_minute));
            match (s.next_day, lang) {
                (false, _) => format!("{a}–{b}"),
                (true, Language::Zh) => format!("{a}–次日{b}"),
                (true, Language::En) => format!("{a}–{b} next day"),
            }
        })
        .collect();
    words.join(match lang {
        Language::Zh => "、",
        Language::En => ", ",
    })
}

impl Hours {
    /// A day's spans as read out: the early-morning span that continues the previous night is
    /// left to the previous day ("18:00–次日2:00"), unless the previous day is closed at
    /// midnight; a whole day open stays "00:00–24:00".
    pub fn read_spans(&self, date: NaiveDate) -> Vec<ReadSpan> {
        let whole = |s: &Span| s.start_minute == 0 && s.end_minute == 1440;
        let spans = self.day_spans(date);
        let prev = date
            .pred_opt()
            .map(|d| self.day_spans(d))
            .unwrap_or_default();
        let next = date
            .succ_opt()
            .map(|d| self.day_spans(d))
            .unwrap_or_default();
        let carried_in = prev
            .last()
            .is_some_and(|p| p.end_minute == 1440 && !whole(p))
            && spans
                .first()
                .is_some_and(|s| s.start_minute == 0 && !whole(s));
        let carries_on = next.first().filter(|n| n.start_minute == 0 && !whole(n));
        let count = spans.len();
        spans
            .iter()
            .enumerate()
            .filter(|(i, _)| !(carried_in && *i == 0))
            .map(|(i, s)| match carries_on {
                Some(n) if i + 1 == count && s.end_minute == 1440 && !whole(s) => ReadSpan {
                    start_minute: s.start_minute,
                    end_minute: n.end_minute,
                    next_day: true,
                },
                _ => ReadSpan {
                    start_minute: s.start_minute,
                    end_minute: s.end_minute,
                    next_day: false,
                },
            })
            .collect()
    }

    /// Seven days from `start` as rows of consecutive days with the same hours and note, with
    /// China's holidays and make-up working days of those dates. Empty when the hours are
    /// unknown. See [`week_words`] for the rows in words.
    pub fn week(&self, start: NaiveDate) -> Vec<WeekRow> {
        if !self.is_known() {
            return Vec::new();
        }
        let mut rows: Vec<WeekRow> = Vec::new();
        for i in 0..7 {
            let date = start + Duration::days(i);
            let spans = self.read_spans(date);
            let note = if self.known_on(date) {
                DayNote::for_date(date).filter(|n| *n != DayNote::CalendarUnknown)
            } else {
                Some(DayNote::OutsideSchedule)
            };
            match rows.last_mut() {
                Some(last) if last.spans == spans && last.note == note => last.last = date,
                _ => rows.push(WeekRow {
                    first: date,
                    last: date,
                    spans,
                    note,
                }),
            }
        }
        rows
    }
}

/// A week in one sentence: "周一至周五 7:00–9:00、11:00–13:30；周六 11:00–13:00；周日 休息" /
/// "Mon–Fri 7:00–9:00, 11:00–13:30; Sat 11:00–13:00; Sun closed". Holidays are named after
/// their day ("周四（国庆节） 休息").
///
/// ```
/// use chrono::NaiveDate;
/// use linli_core::hours::{week_words, Language, ReadSpan, WeekRow};
/// let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
/// let span = |start_minute, end_minute| ReadSpan { start_minute, end_minute, next_day: false };
/// let rows = [
///     WeekRow { first: day(23), last: day(27), spans: vec![span(420, 540), span(660, 810)], note: None },
///     WeekRow { first: day(28), last: day(28), spans: vec![span(660, 780)], note: None },
///     WeekRow { first: day(29), last: day(29), spans: vec![], note: None },
/// ];
/// assert_eq!(
///     week_words(&rows, Language::Zh),
///     "周一至周五 7:00–9:00、11:00–13:30；周六 11:00–13:00；周日 休息"
/// );
/// ```
pub fn week_words(rows: &[WeekRow], lang: Language) -> String {
    let parts: Vec<String> = rows
        .iter()
        .map(|r| {
            let days = match (r.note, lang) {
                (None, _) => r.days_words(lang),
                (Some(n), Language::Zh) => format!("{}（{}）", r.days_words(lang), n.text_zh()),
                (Some(n), Language::En) => format!("{} ({})", r.days_words(lang), n.text_en()),
            };
            format!("{days} {}", r.hours_words(lang))
        })
        .collect();
    parts.join(match lang {
        Language::Zh => "；",
        Language::En => "; ",
    })
}

/// Spans that parse but are probably mistakes: a time range that starts where it ends
/// (`09:00-09:00`). Returns the offending ranges as written.
pub fn suspicious_spans(raw: &str) -> Vec<String> {
    let bytes = raw.as_bytes();
    let mut found = Vec::new();
    let is_time = |i: usize| -> bool {
        i + 5 <= bytes.len()
            && bytes[i].is_ascii_digit()
            && bytes[i + 1].is_ascii_digit()
            && bytes[i + 2] == b':'
            && bytes[i + 3].is_ascii_digit()
            && bytes[i + 4].is_ascii_digit()
    };
    let mut i = 0;
    while i + 11 <= bytes.len() {
        let preceded_by_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        if !preceded_by_digit && is_time(i) && bytes[i + 5] == b'-' && is_time(i + 6) {
            let followed_by_digit = bytes.get(i + 11).is_some_and(u8::is_ascii_digit);
            if !followed_by_digit && bytes[i..i + 5] == bytes[i + 6..i + 11] {
                found.push(raw[i..i + 11].to_string());
            }
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    /// The hours of one rule, compiled as `linli build` does for a bundle built on 1 January
    /// 2026 (dated rules known from 31 December 2024 to 1 January 2028).
    fn hours(rule: &str) -> Hours {
        let built = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        crate::compile_hours::compile_timetable([rule], built)
            .expect("compiles")
            .hours(0)
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time")
    }

    const OFFICE: &str = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off";

    #[rstest]
    #[case::office_morning(
        OFFICE,
        "2026-11-24 10:00",
        OpenState::Open,
        Some("2026-11-24 12:00"),
        None
    )]
    #[case::office_lunch_break(
        OFFICE,
        "2026-11-24 12:30",
        OpenState::Closed,
        Some("2026-11-24 14:00"),
        None
    )]
    #[case::closing_soon(
        OFFICE,
        "2026-11-24 17:40",
        OpenState::Closing,
        Some("2026-11-24 18:00"),
        None
    )]
    #[case::saturday_morning_only(
        OFFICE,
        "2026-11-28 13:00",
        OpenState::Closed,
        Some("2026-11-30 09:00"),
        None
    )]
    #[case::spring_festival_2026(
        OFFICE,
        "2026-02-17 10:00",
        OpenState::Holiday,
        Some("2026-02-24 09:00"),
        Some(DayNote::Holiday(Festival::SpringFestival))
    )]
    #[case::national_day_2026(
        OFFICE,
        "2026-10-01 10:00",
        OpenState::Holiday,
        Some("2026-10-08 09:00"),
        Some(DayNote::Holiday(Festival::NationalDay))
    )]
    #[case::national_day_2025(
        OFFICE,
        "2025-10-03 15:00",
        OpenState::Holiday,
        Some("2025-10-09 09:00"),
        Some(DayNote::Holiday(Festival::NationalDay))
    )]
    #[case::make_up_sunday_2026(
        OFFICE,
        "2026-09-20 10:00",
        OpenState::Open,
        Some("2026-09-20 12:00"),
        Some(DayNote::MakeUpWorkday(Festival::NationalDay))
    )]
    #[case::make_up_saturday_afternoon(
        OFFICE,
        "2026-10-10 15:00",
        OpenState::Open,
        Some("2026-10-10 18:00"),
        Some(DayNote::MakeUpWorkday(Festival::NationalDay))
    )]
    #[case::ph_morning_hours(
        "Mo-Su 08:00-20:00; PH 09:00-12:00",
        "2026-10-02 10:00",
        OpenState::Open,
        Some("2026-10-02 12:00"),
        Some(DayNote::Holiday(Festival::NationalDay))
    )]
    #[case::ph_afternoon_closed_but_opened_today(
        "Mo-Su 08:00-20:00; PH 09:00-12:00",
        "2026-10-02 13:00",
        OpenState::Closed,
        Some("2026-10-03 09:00"),
        Some(DayNote::Holiday(Festival::NationalDay))
    )]
    #[case::holidays_ignored_without_ph(
        "Mo-Su 09:00-22:00",
        "2026-10-01 21:45",
        OpenState::Closing,
        Some("2026-10-01 22:00"),
        Some(DayNote::Holiday(Festival::NationalDay))
    )]
    #[case::always(
        "24/7",
        "2026-10-01 03:00",
        OpenState::Open,
        None,
        Some(DayNote::Holiday(Festival::NationalDay))
    )]
    #[case::across_midnight_new_years_eve(
        "Mo-Su 18:00-02:00",
        "2025-12-31 23:30",
        OpenState::Open,
        Some("2026-01-01 02:00"),
        None
    )]
    #[case::after_midnight_on_new_years_day(
        "Mo-Su 18:00-02:00",
        "2026-01-01 01:45",
        OpenState::Closing,
        Some("2026-01-01 02:00"),
        Some(DayNote::Holiday(Festival::NewYear))
    )]
    #[case::several_spans(
        "Mo-Sa 10:30-13:00,16:30-18:30; Su off",
        "2026-11-24 14:00",
        OpenState::Closed,
        Some("2026-11-24 16:30"),
        None
    )]
    #[case::comment_kept(
        r#"Mo-Fr 09:00-17:00 "appointments by phone""#,
        "2026-11-24 10:00",
        OpenState::Open,
        Some("2026-11-24 17:00"),
        None
    )]
    #[case::week_of_month(
        "Mo[1] 09:00-12:00",
        "2026-11-02 10:00",
        OpenState::Open,
        Some("2026-11-02 12:00"),
        None
    )]
    #[case::week_of_month_other_monday(
        "Mo[1] 09:00-12:00",
        "2026-11-09 10:00",
        OpenState::Closed,
        Some("2026-12-07 09:00"),
        None
    )]
    #[case::unknown_year_falls_back(
        OFFICE,
        "2027-10-01 10:00",
        OpenState::Open,
        Some("2027-10-01 12:00"),
        Some(DayNote::CalendarUnknown)
    )]
    #[case::empty("", "2026-11-24 10:00", OpenState::Unknown, None, None)]
    fn states(
        #[case] rule: &str,
        #[case] time: &str,
        #[case] state: OpenState,
        #[case] next: Option<&str>,
        #[case] note: Option<DayNote>,
    ) {
        let s = hours(rule).status(at(time));
        assert_eq!(s.state, state, "state");
        assert_eq!(s.next_change, next.map(at), "next change");
        assert_eq!(s.note, note, "note");
    }

    #[test]
    fn comments_are_returned() {
        let s =
            hours(r#"Mo-Fr 09:00-17:00 "appointments by phone""#).status(at("2026-11-24 10:00"));
        assert_eq!(s.comment.as_deref(), Some("appointments by phone"));
    }

    #[test]
    fn beijing_time_ignores_the_device_zone() {
        // 2026-10-01T02:00:00Z = 10:00 in Beijing.
        let t = beijing_time(1_790_820_000_000).expect("in range");
        assert_eq!(t, at("2026-10-01 10:00"));
    }

    #[test]
    fn day_spans_list_the_openings_with_holidays_and_make_up_days() {
        let h = hours(OFFICE);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let labels = |date| {
            h.day_spans(date)
                .iter()
                .map(|s| {
                    format!(
                        "{}-{}",
                        minute_label(s.start_minute),
                        minute_label(s.end_minute)
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(d(2026, 11, 24)), ["09:00-12:00", "14:00-18:00"]);
        assert_eq!(labels(d(2026, 11, 28)), ["09:00-12:00"]);
        assert!(labels(d(2026, 11, 29)).is_empty());
        assert!(labels(d(2026, 10, 1)).is_empty(), "PH off");
        assert_eq!(
            labels(d(2026, 9, 20)),
            ["09:00-12:00", "14:00-18:00"],
            "make-up Sunday"
        );
        assert_eq!(
            hours("24/7").day_spans(d(2026, 11, 29)),
            [Span {
                start_minute: 0,
                end_minute: 1440
            }]
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[rstest]
    #[case::canteen_two_meals(
        "Mo-Fr 07:00-09:00,11:00-13:30; Sa 11:00-13:00; Su off",
        "周一至周五 7:00–9:00、11:00–13:30；周六 11:00–13:00；周日 休息",
        "Mon–Fri 7:00–9:00, 11:00–13:30; Sat 11:00–13:00; Sun closed"
    )]
    #[case::every_day("Mo-Su 09:00-21:00", "每天 9:00–21:00", "Every day 9:00–21:00")]
    #[case::always("24/7", "每天 全天", "Every day 24 hours")]
    #[case::weekend_pair(
        "Mo-Fr 09:00-18:00",
        "周一至周五 9:00–18:00；周六、周日 休息",
        "Mon–Fri 9:00–18:00; Sat, Sun closed"
    )]
    #[case::over_midnight(
        "Mo-Su 18:00-02:00",
        "每天 18:00–次日2:00",
        "Every day 18:00–2:00 next day"
    )]
    #[case::over_midnight_weekend_only(
        "Fr,Sa 20:00-02:00",
        "周一至周四 休息；周五、周六 20:00–次日2:00；周日 休息",
        "Mon–Thu closed; Fri, Sat 20:00–2:00 next day; Sun closed"
    )]
    fn a_week_in_words(#[case] rule: &str, #[case] zh: &str, #[case] en: &str) {
        // An ordinary week: Monday 23 November 2026.
        let week = hours(rule).week(d(2026, 11, 23));
        assert_eq!(week_words(&week, Language::Zh), zh);
        assert_eq!(week_words(&week, Language::En), en);
    }

    #[test]
    fn a_holiday_week_names_the_holiday_and_the_make_up_day() {
        // National Day 2026: 1–7 October off, Saturday 10 October a make-up working day.
        let h = hours(OFFICE);
        let week = h.week(d(2026, 9, 28));
        assert_eq!(
            week_words(&week, Language::Zh),
            "周一至周三 9:00–12:00、14:00–18:00；周四至周日（国庆节） 休息"
        );
        let next = h.week(d(2026, 10, 5));
        assert_eq!(
            week_words(&next, Language::En),
            "Mon–Wed (National Day) closed; Thu, Fri 9:00–12:00, 14:00–18:00; \
             Sat (make-up working day (National Day)) 9:00–12:00, 14:00–18:00; Sun closed"
        );
        assert!(week
            .iter()
            .any(|r| r.contains(d(2026, 10, 1)) && r.note.is_some()));
    }

    #[test]
    fn unknown_hours_have_no_week() {
        assert!(hours("").week(d(2026, 11, 23)).is_empty());
    }

    #[test]
    fn local_minutes_are_written_and_read_like_chrono_does() {
        for text in [
            "2026-10-01T10:00",
            "2024-02-29T23:59",
            "2027-01-01T00:00",
            "0999-12-31T07:05",
        ] {
            let t = parse_local_minute(text).expect(text);
            assert_eq!(
                Some(t),
                NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()
            );
            assert_eq!(local_minute_text(t), text);
            assert_eq!(local_minute_text(t), t.format("%Y-%m-%dT%H:%M").to_string());
            assert_eq!(time_label(t), t.format("%H:%M").to_string());
        }
        for bad in [
            "",
            "2026-10-01",
            "2026-10-01 10:00",
            "2026-10-01T10:00:00",
            "2026-13-01T10:00",
            "2025-02-29T10:00",
            "2026-10-01T24:00",
            "2026-10-01T10:60",
            "2026-1x-01T10:00",
            "+026-10-01T10:00",
        ] {
            assert_eq!(parse_local_minute(bad), None, "{bad}");
        }
    }

    #[test]
    fn clock_words_have_no_leading_zero() {
        assert_eq!(clock_words(7 * 60), "7:00");
        assert_eq!(clock_words(13 * 60 + 30), "13:30");
        assert_eq!(clock_words(1440), "24:00");
    }

    #[test]
    fn zero_length_spans_are_suspicious() {
        assert_eq!(suspicious_spans("Mo-Fr 09:00-09:00"), ["09:00-09:00"]);
        assert!(suspicious_spans("Mo-Fr 09:00-18:00; Sa 10:00-12:00").is_empty());
        assert!(suspicious_spans("24/7").is_empty());
    }
}
