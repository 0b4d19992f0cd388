//! Opening hours as `linli build` compiles them: ready-made day schedules that the app looks
//! up by date, instead of parsing and evaluating `opening_hours` strings in the browser.
//!
//! # Representation
//! A bundle holds one [`Timetable`]:
//! - a shared table of the distinct **day plans** of all places ([`DayPlan`]): the pieces of one
//!   day from 00:00 to 24:00, each open, closed or unknown, with the rule's comment if any;
//! - the **comments**, each stored once;
//! - one [`Plan`] per place, in the order of the services, made of day plan indices:
//!   - [`Plan::None`]: the place has no `opening_hours`;
//!   - [`Plan::Weekly`]: rules that only name weekdays, times and public holidays (`PH`), the
//!     usual case. A day's plan depends only on its [`DayKey`]: the weekday, whether the day is
//!     a public holiday and whether the day before is one (spans past midnight carry over). The
//!     28 keys are stored, so the plan holds for any date, in any year: forever;
//!   - [`Plan::Dated`]: rules with dates in them (months, dates, week numbers, `Mo[1]`, years,
//!     `PH +1 day`). The builder evaluates them day by day over a window around the build date
//!     (see `linli_build::timetable` for its length) and stores them as periods with a weekly
//!     template each, plus the dates that differ from their template. Outside the window the
//!     hours are unknown ([`Lookup::Outside`]), and the app says so.
//!
//! The plan of a date is the rule's own evaluation of that date (as the `opening-hours` crate
//! gives it, China's public holidays included). Make-up working days (调休上班) are not in the
//! timetable: [`crate::hours`] applies them at run time by looking up another date.
//!
//! Nothing here reads the clock: dates are passed in.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::holidays::{day_kind, DayKind};

/// Minutes in a day: a day plan covers `0..MINUTES_PER_DAY`.
pub const MINUTES_PER_DAY: u16 = 1440;

/// Index of a day plan in [`Timetable::days`].
pub type DayId = u32;

/// Index of a comment in [`Timetable::comments`].
pub type CommentId = u32;

/// What a piece of a day is, as the rule says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PieceKind {
    /// Open.
    Open,
    /// Closed.
    Closed,
    /// The rule says `unknown` (or only a comment).
    Unknown,
}

/// A stretch of one day with one state: from `start_minute` to the next piece's start (or to
/// 24:00 for the last piece).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Piece {
    /// Start, minutes after 00:00.
    pub start_minute: u16,
    /// Open, closed or unknown.
    pub kind: PieceKind,
    /// The rule's comment, if any.
    pub comment: Option<CommentId>,
}

impl Piece {
    /// Kind and comment: two pieces with the same state read as one stretch.
    pub fn state(&self) -> (PieceKind, Option<CommentId>) {
        (self.kind, self.comment)
    }
}

/// One day from 00:00 to 24:00 as pieces: the first starts at 0, starts strictly increase and
/// stay below [`MINUTES_PER_DAY`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DayPlan {
    pieces: Vec<Piece>,
}

impl DayPlan {
    /// Checks the pieces cover the day in order.
    pub fn new(pieces: Vec<Piece>) -> Result<DayPlan, TimetableError> {
        if pieces.first().map(|p| p.start_minute) != Some(0) {
            return Err(TimetableError::Day(
                "the first piece must start at 00:00".into(),
            ));
        }
        if !pieces
            .windows(2)
            .all(|w| w[0].start_minute < w[1].start_minute)
        {
            return Err(TimetableError::Day(
                "pieces must start at increasing minutes".into(),
            ));
        }
        if pieces.iter().any(|p| p.start_minute >= MINUTES_PER_DAY) {
            return Err(TimetableError::Day(
                "a piece starts at or after 24:00".into(),
            ));
        }
        Ok(DayPlan { pieces })
    }

    /// A whole day of one kind.
    pub fn whole(kind: PieceKind) -> DayPlan {
        DayPlan {
            pieces: vec![Piece {
                start_minute: 0,
                kind,
                comment: None,
            }],
        }
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// Where piece `i` ends, minutes after 00:00 (1440 for the last).
    pub fn end_minute(&self, i: usize) -> u16 {
        self.pieces
            .get(i + 1)
            .map_or(MINUTES_PER_DAY, |p| p.start_minute)
    }
}

/// What decides a weekly rule's plan for a date: its weekday, whether it is a public holiday,
/// and whether the day before is one (a span past midnight carries into the next day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DayKey(u8);

impl DayKey {
    /// How many keys there are.
    pub const COUNT: usize = 28;

    /// The key of a weekday (0 = Monday … 6 = Sunday) that is or is not a holiday, after a
    /// holiday or not. `None` for a weekday beyond 6.
    pub const fn new(weekday: u8, holiday: bool, after_holiday: bool) -> Option<DayKey> {
        if weekday > 6 {
            return None;
        }
        Some(DayKey(
            weekday * 4 + 2 * holiday as u8 + after_holiday as u8,
        ))
    }

    /// The key of a date, by China's holiday table ([`crate::holidays`]); in years whose
    /// holidays are unknown no day is a holiday.
    pub fn of(date: NaiveDate) -> DayKey {
        let holiday = |d: NaiveDate| matches!(day_kind(d), DayKind::Holiday(_));
        let before = date.pred_opt().is_some_and(holiday);
        let weekday = date.weekday().num_days_from_monday() as u8;
        DayKey(weekday * 4 + 2 * u8::from(holiday(date)) + u8::from(before))
    }

    /// The key with this index (`0..COUNT`).
    pub fn from_index(i: usize) -> Option<DayKey> {
        u8::try_from(i)
            .ok()
            .filter(|i| usize::from(*i) < Self::COUNT)
            .map(DayKey)
    }

    /// Index in `0..COUNT`.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// 0 = Monday … 6 = Sunday.
    pub const fn weekday(self) -> u8 {
        self.0 / 4
    }

    /// A public holiday.
    pub const fn holiday(self) -> bool {
        self.0 & 2 != 0
    }

    /// The day after a public holiday.
    pub const fn after_holiday(self) -> bool {
        self.0 & 1 != 0
    }

    /// Neither a holiday nor the day after one.
    pub const fn is_ordinary(self) -> bool {
        self.0 & 3 == 0
    }
}

/// Dated rules over a window of dates: periods with a weekly template each, and the dates
/// that differ from their period's template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedPlan {
    /// The first date covered.
    pub from: NaiveDate,
    /// The first date no longer covered.
    pub until: NaiveDate,
    /// Sorted by start, the first starting at `from`; each lasts until the next one starts.
    pub periods: Vec<Period>,
    /// Dates whose plan is not their period's template, sorted, within the window.
    pub exceptions: Vec<(NaiveDate, DayId)>,
}

/// From `start` on, the plans of Monday … Sunday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The first date of the period.
    pub start: NaiveDate,
    /// Monday … Sunday.
    pub week: [DayId; 7],
}

/// One place's compiled hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No `opening_hours`.
    None,
    /// Weekdays and public holidays only: the plan of every [`DayKey`] (by index), valid for
    /// every date.
    Weekly(Box<[DayId; DayKey::COUNT]>),
    /// Rules with dates, known over a window.
    Dated(DatedPlan),
}

/// The plan of one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The place has no hours.
    NoHours,
    /// The date lies outside the dated rules' window: its hours are unknown.
    Outside,
    /// The plan of the date.
    Day(&'a DayPlan),
}

/// Why a timetable is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimetableError {
    /// A day plan does not cover the day in order.
    #[error("a day plan is invalid: {0}")]
    Day(String),
    /// An index points past its table.
    #[error("{what} {index} does not exist (there are {count})")]
    BadIndex {
        /// Which table.
        what: &'static str,
        /// The index.
        index: u32,
        /// The table's length.
        count: usize,
    },
    /// A comment is empty (no comment is stored as `None`).
    #[error("comment {0} is empty")]
    EmptyComment(usize),
    /// A dated plan's window, periods or exceptions are out of order.
    #[error("a dated plan is invalid: {0}")]
    Dated(String),
}

#[derive(Debug, Default, PartialEq, Eq)]
struct TimetableData {
    comments: Vec<String>,
    days: Vec<DayPlan>,
    plans: Vec<Plan>,
}

/// The compiled opening hours of every place of a bundle (cheap to clone: shared).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timetable {
    data: Arc<TimetableData>,
}

impl Timetable {
    /// A timetable from its parts, checked: every index exists, comments are not empty, day
    /// plans cover their day, dated plans are in order.
    pub fn new(
        comments: Vec<String>,
        days: Vec<DayPlan>,
        plans: Vec<Plan>,
    ) -> Result<Timetable, TimetableError> {
        if let Some(i) = comments.iter().position(String::is_empty) {
            return Err(TimetableError::EmptyComment(i));
        }
        for day in &days {
            for p in day.pieces() {
                if let Some(c) = p.comment {
                    check_index("comment", c, comments.len())?;
                }
            }
        }
        for plan in &plans {
            check_plan(plan, days.len())?;
        }
        Ok(Timetable {
            data: Arc::new(TimetableData {
                comments,
                days,
                plans,
            }),
        })
    }

    /// `places` places without hours.
    pub fn without_hours(places: usize) -> Timetable {
        Timetable {
            data: Arc::new(TimetableData {
                plans: vec![Plan::None; places],
                ..TimetableData::default()
            }),
        }
    }

    /// The comments.
    pub fn comments(&self) -> &[String] {
        &self.data.comments
    }

    /// The distinct day plans.
    pub fn days(&self) -> &[DayPlan] {
        &self.data.days
    }

    /// One plan per place.
    pub fn plans(&self) -> &[Plan] {
        &self.data.plans
    }

    /// How many places it has plans for.
    pub fn len(&self) -> usize {
        self.data.plans.len()
    }

    /// No places.
    pub fn is_empty(&self) -> bool {
        self.data.plans.is_empty()
    }

    /// The plan of place `place` on `date`; a place beyond the table has no hours.
    pub fn lookup(&self, place: usize, date: NaiveDate) -> Lookup<'_> {
        let day = |id: DayId| {
            self.data
                .days
                .get(id as usize)
                .map_or(Lookup::NoHours, Lookup::Day)
        };
        match self.data.plans.get(place) {
            None | Some(Plan::None) => Lookup::NoHours,
            Some(Plan::Weekly(keys)) => day(keys[DayKey::of(date).index()]),
            Some(Plan::Dated(d)) => {
                if date < d.from || date >= d.until {
                    return Lookup::Outside;
                }
                if let Ok(i) = d.exceptions.binary_search_by_key(&date, |(e, _)| *e) {
                    return day(d.exceptions[i].1);
                }
                let n = d.periods.partition_point(|p| p.start <= date);
                match n.checked_sub(1).and_then(|i| d.periods.get(i)) {
                    Some(p) => day(p.week[date.weekday().num_days_from_monday() as usize]),
                    None => Lookup::Outside,
                }
            }
        }
    }

    /// Does place `place` have hours?
    pub fn has_hours(&self, place: usize) -> bool {
        !matches!(self.data.plans.get(place), None | Some(Plan::None))
    }

    /// The text of a comment.
    pub fn comment(&self, id: CommentId) -> &str {
        self.data
            .comments
            .get(id as usize)
            .map_or("", String::as_str)
    }
}

fn check_index(what: &'static str, index: u32, count: usize) -> Result<(), TimetableError> {
    if (index as usize) < count {
        Ok(())
    } else {
        Err(TimetableError::BadIndex { what, index, count })
    }
}

fn check_plan(plan: &Plan, days: usize) -> Result<(), TimetableError> {
    let day = |id: &DayId| check_index("day plan", *id, days);
    match plan {
        Plan::None => Ok(()),
        Plan::Weekly(keys) => keys.iter().try_for_each(day),
        Plan::Dated(d) => {
            if d.from.year() < 1 {
                return Err(TimetableError::Dated(
                    "the window starts before year 1".into(),
                ));
            }
            if d.from >= d.until {
                return Err(TimetableError::Dated("the window is empty".into()));
            }
            if d.periods.first().map(|p| p.start) != Some(d.from) {
                return Err(TimetableError::Dated(
                    "the first period must start the window".into(),
                ));
            }
            if !d.periods.windows(2).all(|w| w[0].start < w[1].start)
                || d.periods.iter().any(|p| p.start >= d.until)
            {
                return Err(TimetableError::Dated(
                    "periods must start in order within the window".into(),
                ));
            }
            if !d.exceptions.windows(2).all(|w| w[0].0 < w[1].0)
                || d.exceptions
                    .iter()
                    .any(|(e, _)| *e < d.from || *e >= d.until)
            {
                return Err(TimetableError::Dated(
                    "exceptions must be in order within the window".into(),
                ));
            }
            d.periods
                .iter()
                .flat_map(|p| p.week.iter())
                .chain(d.exceptions.iter().map(|(_, id)| id))
                .try_for_each(day)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn open_nine_to_five() -> DayPlan {
        DayPlan::new(vec![
            Piece {
                start_minute: 0,
                kind: PieceKind::Closed,
                comment: None,
            },
            Piece {
                start_minute: 9 * 60,
                kind: PieceKind::Open,
                comment: None,
            },
            Piece {
                start_minute: 17 * 60,
                kind: PieceKind::Closed,
                comment: None,
            },
        ])
        .expect("valid")
    }

    #[test]
    fn day_plans_must_cover_the_day_in_order() {
        let p = |start_minute| Piece {
            start_minute,
            kind: PieceKind::Open,
            comment: None,
        };
        assert!(DayPlan::new(vec![]).is_err());
        assert!(DayPlan::new(vec![p(1)]).is_err());
        assert!(DayPlan::new(vec![p(0), p(0)]).is_err());
        assert!(DayPlan::new(vec![p(0), p(1440)]).is_err());
        let day = open_nine_to_five();
        assert_eq!(day.end_minute(0), 540);
        assert_eq!(day.end_minute(2), 1440);
    }

    #[test]
    fn keys_know_holidays_and_the_day_after() {
        // National Day 2026 is Thursday 1 October; 30 September is an ordinary Wednesday.
        let k = DayKey::of(d(2026, 10, 1));
        assert_eq!(
            (k.weekday(), k.holiday(), k.after_holiday()),
            (3, true, false)
        );
        let k = DayKey::of(d(2026, 10, 2));
        assert_eq!(
            (k.weekday(), k.holiday(), k.after_holiday()),
            (4, true, true)
        );
        let k = DayKey::of(d(2026, 10, 8));
        assert_eq!(
            (k.weekday(), k.holiday(), k.after_holiday()),
            (3, false, true)
        );
        assert!(DayKey::of(d(2026, 11, 24)).is_ordinary());
        // Beyond the table no day is a holiday.
        assert!(DayKey::of(d(2027, 10, 1)).is_ordinary());
        for i in 0..DayKey::COUNT {
            let k = DayKey::from_index(i).expect("in range");
            assert_eq!(
                DayKey::new(k.weekday(), k.holiday(), k.after_holiday()),
                Some(k)
            );
        }
        assert_eq!(DayKey::from_index(28), None);
        assert_eq!(DayKey::new(7, false, false), None);
    }

    #[test]
    fn weekly_plans_hold_for_any_date_and_dated_plans_only_in_their_window() {
        let days = vec![DayPlan::whole(PieceKind::Closed), open_nine_to_five()];
        let mut keys = [0; DayKey::COUNT];
        for (i, k) in keys.iter_mut().enumerate() {
            let key = DayKey::from_index(i).expect("key");
            *k = u32::from(key.weekday() < 5 && !key.holiday());
        }
        let dated = DatedPlan {
            from: d(2026, 6, 1),
            until: d(2026, 9, 1),
            periods: vec![Period {
                start: d(2026, 6, 1),
                week: [1, 1, 1, 1, 1, 0, 0],
            }],
            exceptions: vec![(d(2026, 6, 19), 0)],
        };
        let t = Timetable::new(
            vec![],
            days,
            vec![Plan::None, Plan::Weekly(Box::new(keys)), Plan::Dated(dated)],
        )
        .expect("valid");
        let open = |l: Lookup| matches!(l, Lookup::Day(day) if day.pieces().len() == 3);
        assert_eq!(t.lookup(0, d(2026, 11, 24)), Lookup::NoHours);
        assert_eq!(t.lookup(9, d(2026, 11, 24)), Lookup::NoHours);
        assert!(open(t.lookup(1, d(2026, 11, 24))));
        assert!(!open(t.lookup(1, d(2026, 10, 1))), "holiday");
        assert!(open(t.lookup(1, d(2031, 10, 1))), "any year");
        assert!(open(t.lookup(2, d(2026, 6, 18))));
        assert!(!open(t.lookup(2, d(2026, 6, 19))), "exception");
        assert!(!open(t.lookup(2, d(2026, 6, 20))), "Saturday");
        assert_eq!(t.lookup(2, d(2026, 5, 31)), Lookup::Outside);
        assert_eq!(t.lookup(2, d(2026, 9, 1)), Lookup::Outside);
        assert!(t.has_hours(1) && !t.has_hours(0) && !t.has_hours(5));
    }

    #[test]
    fn inconsistent_parts_are_refused() {
        let days = vec![DayPlan::whole(PieceKind::Open)];
        let bad_day = Plan::Weekly(Box::new([1; DayKey::COUNT]));
        assert!(matches!(
            Timetable::new(vec![], days.clone(), vec![bad_day]),
            Err(TimetableError::BadIndex { .. })
        ));
        assert_eq!(
            Timetable::new(vec![String::new()], days.clone(), vec![]),
            Err(TimetableError::EmptyComment(0))
        );
        let commented = DayPlan::new(vec![Piece {
            start_minute: 0,
            kind: PieceKind::Unknown,
            comment: Some(0),
        }])
        .expect("valid");
        assert!(Timetable::new(vec![], vec![commented], vec![]).is_err());
        let dated = |from, until, starts: &[NaiveDate], exceptions: &[NaiveDate]| {
            Plan::Dated(DatedPlan {
                from,
                until,
                periods: starts
                    .iter()
                    .map(|s| Period {
                        start: *s,
                        week: [0; 7],
                    })
                    .collect(),
                exceptions: exceptions.iter().map(|e| (*e, 0)).collect(),
            })
        };
        let (a, b, c) = (d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1));
        for plan in [
            dated(b, a, &[b], &[]),
            dated(a, c, &[b], &[]),
            dated(a, c, &[a, a], &[]),
            dated(a, c, &[a, c], &[]),
            dated(a, c, &[a], &[c]),
            dated(a, c, &[a], &[b, b]),
        ] {
            assert!(matches!(
                Timetable::new(vec![], days.clone(), vec![plan]),
                Err(TimetableError::Dated(_))
            ));
        }
        assert!(Timetable::new(vec![], days, vec![dated(a, c, &[a, b], &[a, b])]).is_ok());
    }
}
