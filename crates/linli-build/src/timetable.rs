//! Compiling `opening_hours` rules into the bundle's [`Timetable`], so the app never parses
//! them: the `opening-hours` crate evaluates every rule here, once, with China's public holidays,
//! and the app looks the results up ([`linli_core::hours`]).
//!
//! - Rules that only name weekdays, times and public holidays (`Mo-Fr 09:00-18:00; PH off`,
//!   `24/7`, `Mo-Su 18:00-02:00`) become a [`Plan::Weekly`]: the day plan of each of the 28
//!   [`DayKey`]s (weekday × holiday × day after a holiday), each computed by the crate with a
//!   holiday calendar made for that key, then checked against the crate with the real calendar on
//!   every date of the known holiday years. They hold for every date.
//! - Other rules (months, dates, week numbers, `Mo[1]`, years, holiday offsets) become a
//!   [`Plan::Dated`] over the window from [`DAYS_BEFORE_BUILD`] days before the build date to
//!   [`DAYS_AFTER_BUILD`] days after it: month-aligned periods with a weekly template each (the
//!   most frequent plan of each weekday; equal neighbours merged) and the dates that differ.
//!   Outside the window the app says the hours are unknown.
//!
//! Every date of a plan gives exactly the crate's evaluation of that date; make-up working days
//! are applied at run time by the core. This file only uses `linli_core` and the crates, so the
//! core's own tests can include it (`#[path]`) to compile rules.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use compact_calendar::CompactCalendar;
use linli_core::holidays::{known_years, public_holidays};
use linli_core::timetable::{
    CommentId, DatedPlan, DayId, DayKey, DayPlan, Period, Piece, PieceKind, Plan, Timetable,
    TimetableError,
};
use opening_hours::{Context, ContextHolidays, OpeningHours, RuleKind};
use opening_hours_syntax::rules::day::WeekDayRange;
use opening_hours_syntax::rules::OpeningHoursExpression;

/// Rules with dates are stored from this many days before the build date…
pub const DAYS_BEFORE_BUILD: i64 = 366;
/// …to this many days after it (two years): the horizon of a bundle's dated hours.
pub const DAYS_AFTER_BUILD: i64 = 731;

/// Why a rule could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// Not valid `opening_hours` syntax (the services reader reports these first, with the row).
    #[error("'{rule}' is not valid opening_hours syntax: {reason}")]
    Syntax {
        /// The rule.
        rule: String,
        /// The parser's message.
        reason: String,
    },
    /// The compiled parts do not fit together (a bug in this compiler).
    #[error("the compiled opening hours are inconsistent: {0}")]
    Inconsistent(#[from] TimetableError),
    /// The crate's evaluation of a day does not fit a day plan (not on whole minutes, or not
    /// covering the day).
    #[error("'{rule}' gives hours on {date} that Linli cannot store: {what}")]
    Evaluation {
        /// The rule.
        rule: String,
        /// The day.
        date: NaiveDate,
        /// What is wrong.
        what: String,
    },
}

/// A Monday far from the holiday table, for evaluating weekly rules with made-up calendars.
const REFERENCE_MONDAY: NaiveDate = match NaiveDate::from_ymd_opt(2001, 1, 8) {
    Some(d) => d,
    None => panic!("2001-01-08 is a date"),
};

/// A context whose public holidays are `dates`.
fn context_with_holidays(dates: impl IntoIterator<Item = NaiveDate>) -> Context {
    let mut public = CompactCalendar::default();
    for d in dates {
        public.insert(d);
    }
    Context::default().with_holidays(ContextHolidays::new(
        Arc::new(public),
        Arc::new(CompactCalendar::default()),
    ))
}

/// Does the rule name only weekdays (no nth, no offsets), public holidays, times and states?
fn is_weekly(expr: &OpeningHoursExpression) -> bool {
    expr.rules.iter().all(|rule| {
        let d = &rule.day_selector;
        d.year.is_empty()
            && d.monthday.is_empty()
            && d.week.is_empty()
            && d.weekday.iter().all(|w| match w {
                WeekDayRange::Fixed {
                    offset,
                    nth_from_start,
                    nth_from_end,
                    ..
                } => {
                    *offset == 0
                        && !nth_from_start.contains(&false)
                        && !nth_from_end.contains(&false)
                }
                WeekDayRange::Holiday { offset, .. } => *offset == 0,
            })
    })
}

/// Turns rules into plans, sharing day plans and comments between places.
#[derive(Debug)]
pub struct TimetableCompiler {
    from: NaiveDate,
    until: NaiveDate,
    china: Context,
    comments: Vec<String>,
    comment_ids: HashMap<String, CommentId>,
    days: Vec<DayPlan>,
    day_ids: HashMap<DayPlan, DayId>,
    by_rule: HashMap<String, Plan>,
    plans: Vec<Plan>,
}

impl TimetableCompiler {
    /// A compiler for a bundle built on `build_date`.
    pub fn new(build_date: NaiveDate) -> TimetableCompiler {
        TimetableCompiler {
            from: build_date - Duration::days(DAYS_BEFORE_BUILD),
            until: build_date + Duration::days(DAYS_AFTER_BUILD),
            china: context_with_holidays(public_holidays()),
            comments: Vec::new(),
            comment_ids: HashMap::new(),
            days: Vec::new(),
            day_ids: HashMap::new(),
            by_rule: HashMap::new(),
            plans: Vec::new(),
        }
    }

    /// The window of dated rules: `from..until`.
    pub fn window(&self) -> (NaiveDate, NaiveDate) {
        (self.from, self.until)
    }

    /// Compiles the next place's rule (empty: no hours).
    pub fn add(&mut self, raw: &str) -> Result<(), CompileError> {
        let rule = raw.trim();
        let plan = match self.by_rule.get(rule) {
            Some(plan) => plan.clone(),
            None => {
                let plan = self.compile(rule)?;
                self.by_rule.insert(rule.to_string(), plan.clone());
                plan
            }
        };
        self.plans.push(plan);
        Ok(())
    }

    /// The timetable of every place added, in order.
    pub fn finish(self) -> Result<Timetable, CompileError> {
        Ok(Timetable::new(self.comments, self.days, self.plans)?)
    }

    fn compile(&mut self, rule: &str) -> Result<Plan, CompileError> {
        if rule.is_empty() {
            return Ok(Plan::None);
        }
        let oh: OpeningHours =
            rule.parse()
                .map_err(|e: opening_hours_syntax::Error| CompileError::Syntax {
                    rule: rule.to_string(),
                    reason: e.to_string(),
                })?;
        if is_weekly(&oh.get_expression()) {
            if let Some(plan) = self.weekly(rule, &oh)? {
                return Ok(plan);
            }
        }
        self.dated(rule, &oh)
    }

    /// The plan of every key, from made-up calendars; `None` if the real calendar disagrees on
    /// some date of the known years (then the rule is stored as dated).
    fn weekly(&mut self, rule: &str, oh: &OpeningHours) -> Result<Option<Plan>, CompileError> {
        let mut keys = [0; DayKey::COUNT];
        for (i, slot) in keys.iter_mut().enumerate() {
            let Some(key) = DayKey::from_index(i) else {
                continue;
            };
            let date = REFERENCE_MONDAY + Duration::days(i64::from(key.weekday()));
            let holidays = [
                key.holiday().then_some(date),
                key.after_holiday().then(|| date - Duration::days(1)),
            ];
            let with = oh
                .clone()
                .with_context(context_with_holidays(holidays.into_iter().flatten()));
            *slot = self.day_id(rule, &with, date)?;
        }
        let real = oh.clone().with_context(self.china.clone());
        let years = known_years();
        let mut date = first_of_year(*years.start()) - Duration::days(7);
        let last = first_of_year(years.end() + 1) + Duration::days(7);
        while date <= last {
            if self.day_id(rule, &real, date)? != keys[DayKey::of(date).index()] {
                return Ok(None);
            }
            date += Duration::days(1);
        }
        Ok(Some(Plan::Weekly(Box::new(keys))))
    }

    /// Day by day over the window, as periods and exceptions.
    fn dated(&mut self, rule: &str, oh: &OpeningHours) -> Result<Plan, CompileError> {
        let real = oh.clone().with_context(self.china.clone());
        let mut ids = Vec::new();
        let mut date = self.from;
        while date < self.until {
            ids.push((date, self.day_id(rule, &real, date)?));
            date += Duration::days(1);
        }
        let mut periods: Vec<Period> = Vec::new();
        for month in ids.chunk_by(|a, b| (a.0.year(), a.0.month()) == (b.0.year(), b.0.month())) {
            let mut week = periods.last().map_or([0; 7], |p| p.week);
            for (w, slot) in week.iter_mut().enumerate() {
                if let Some(id) = most_frequent(month.iter().filter(|(d, _)| weekday(*d) == w)) {
                    *slot = id;
                }
            }
            if periods.last().map(|p| p.week) != Some(week) {
                periods.push(Period {
                    start: month[0].0,
                    week,
                });
            }
        }
        let mut exceptions = Vec::new();
        let mut p = 0;
        for (date, id) in ids {
            while periods.get(p + 1).is_some_and(|next| next.start <= date) {
                p += 1;
            }
            if periods[p].week[weekday(date)] != id {
                exceptions.push((date, id));
            }
        }
        Ok(Plan::Dated(DatedPlan {
            from: self.from,
            until: self.until,
            periods,
            exceptions,
        }))
    }

    /// The crate's evaluation of `date`, as a shared day plan.
    fn day_id(
        &mut self,
        rule: &str,
        oh: &OpeningHours,
        date: NaiveDate,
    ) -> Result<DayId, CompileError> {
        let fail = |what: String| CompileError::Evaluation {
            rule: rule.to_string(),
            date,
            what,
        };
        let midnight = date.and_time(NaiveTime::MIN);
        let next_midnight = midnight + Duration::days(1);
        let mut pieces = Vec::new();
        let mut covered = midnight;
        for range in oh.iter_range(midnight, next_midnight) {
            let seconds = (range.range.start - midnight).num_seconds();
            let start_minute = u16::try_from(seconds / 60)
                .ok()
                .filter(|_| seconds % 60 == 0)
                .ok_or_else(|| fail(format!("a change {seconds} s after midnight")))?;
            let kind = match range.kind {
                RuleKind::Open => PieceKind::Open,
                RuleKind::Closed => PieceKind::Closed,
                RuleKind::Unknown => PieceKind::Unknown,
            };
            let comment = self.comment_id(&range.comment);
            pieces.push(Piece {
                start_minute,
                kind,
                comment,
            });
            covered = range.range.end;
        }
        if covered != next_midnight {
            return Err(fail("the evaluation stops before midnight".into()));
        }
        let day = DayPlan::new(pieces).map_err(|e| fail(e.to_string()))?;
        if let Some(id) = self.day_ids.get(&day) {
            return Ok(*id);
        }
        let id = DayId::try_from(self.days.len()).map_err(|_| fail("too many day plans".into()))?;
        self.days.push(day.clone());
        self.day_ids.insert(day, id);
        Ok(id)
    }

    fn comment_id(&mut self, comment: &str) -> Option<CommentId> {
        if comment.is_empty() {
            return None;
        }
        if let Some(id) = self.comment_ids.get(comment) {
            return Some(*id);
        }
        let id = CommentId::try_from(self.comments.len()).ok()?;
        self.comments.push(comment.to_string());
        self.comment_ids.insert(comment.to_string(), id);
        Some(id)
    }
}

fn first_of_year(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default()
}

fn weekday(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

/// The id seen most often (the smallest on a tie).
fn most_frequent<'a>(days: impl Iterator<Item = &'a (NaiveDate, DayId)>) -> Option<DayId> {
    let mut counts: HashMap<DayId, usize> = HashMap::new();
    for (_, id) in days {
        *counts.entry(*id).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(id, n)| (*n, std::cmp::Reverse(*id)))
        .map(|(id, _)| id)
}

/// Compiles the rules of every place, in order, for a bundle built on `build_date` (an error
/// quotes the rule that failed).
pub fn compile_timetable<'a>(
    rules: impl IntoIterator<Item = &'a str>,
    build_date: NaiveDate,
) -> Result<Timetable, CompileError> {
    let mut compiler = TimetableCompiler::new(build_date);
    for rule in rules {
        compiler.add(rule)?;
    }
    compiler.finish()
}
