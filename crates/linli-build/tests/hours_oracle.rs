//! Oracle test of the compiled opening hours: for every place of the Futian sample and a table
//! of tricky rules, at every 15-minute step from 2024-01-01 to 2027-12-31 (the holiday years
//! 2024–2026 with their make-up working days, and 2027, a year beyond the holiday table), the
//! timetable `linli build` compiles gives exactly the state, next change, comment and note of
//! the `opening-hours` crate evaluated as Linli did before (the `Reference` below is that code),
//! and exactly its open spans on every day. Rules with dates are compared inside their window;
//! outside it they must say the hours are unknown. A property test does the same for random
//! rules from a small grammar (seeded by proptest; failures print the rule).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use compact_calendar::CompactCalendar;
use linli_build::timetable::{compile_timetable, DAYS_AFTER_BUILD, DAYS_BEFORE_BUILD};
use linli_build::{build, BuildOptions};
use linli_core::holidays::{public_holidays, rules_day};
use linli_core::hours::{
    DayNote, Hours, HoursStatus, OpenState, Span, CLOSING_SOON_MINUTES, HORIZON_DAYS,
};
use linli_core::timetable::Plan;
use linli_core::{Bundle, Crs};
use opening_hours::{Context, ContextHolidays, OpeningHours, RuleKind};
use proptest::prelude::*;

/// Linli's evaluation before the timetable: the `opening-hours` crate with China's holidays,
/// make-up days by [`rules_day`], the state followed for [`HORIZON_DAYS`]. Day evaluations are
/// cached (they depend only on the date), the logic is unchanged.
mod reference {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Segment {
        start: NaiveDateTime,
        end: NaiveDateTime,
        kind: RuleKind,
        comment: Arc<str>,
    }

    fn china_context() -> Context {
        let mut calendar = CompactCalendar::default();
        for date in public_holidays() {
            calendar.insert(date);
        }
        Context::default().with_holidays(ContextHolidays::new(
            Arc::new(calendar),
            Arc::new(CompactCalendar::default()),
        ))
    }

    pub struct Reference {
        rules: Option<OpeningHours>,
        /// By days since 2023-01-01 (the sweeps start after it).
        days: RefCell<Vec<Option<Rc<Vec<Segment>>>>>,
    }

    impl Reference {
        pub fn parse(raw: &str) -> Reference {
            let raw = raw.trim();
            let rules = if raw.is_empty() {
                None
            } else {
                raw.parse::<OpeningHours>()
                    .ok()
                    .map(|oh| oh.with_context(china_context()))
            };
            Reference {
                rules,
                days: RefCell::new(Vec::new()),
            }
        }

        /// The old `day_segments`, cached by date.
        fn day_segments(&self, rules: &OpeningHours, date: NaiveDate) -> Rc<Vec<Segment>> {
            let i = usize::try_from((date - date_of(2023, 1, 1)).num_days()).expect("after 2023");
            let mut days = self.days.borrow_mut();
            if days.len() <= i {
                days.resize(i + 1, None);
            }
            days[i]
                .get_or_insert_with(|| {
                    let source = rules_day(date);
                    let shift = date - source;
                    let start = source.and_time(NaiveTime::MIN);
                    Rc::new(
                        rules
                            .iter_range(start, start + Duration::days(1))
                            .map(|r| Segment {
                                start: r.range.start + shift,
                                end: r.range.end + shift,
                                kind: r.kind,
                                comment: r.comment,
                            })
                            .collect(),
                    )
                })
                .clone()
        }

        pub fn status(&self, at: NaiveDateTime) -> HoursStatus {
            let today = at.date();
            let day_note = DayNote::for_date(today);
            let Some(rules) = &self.rules else {
                return HoursStatus {
                    state: OpenState::Unknown,
                    next_change: None,
                    comment: None,
                    note: None,
                };
            };
            let segments = self.day_segments(rules, today);
            let Some(current) = segments
                .iter()
                .find(|s| s.start <= at && at < s.end)
                .cloned()
            else {
                return HoursStatus {
                    state: OpenState::Unknown,
                    next_change: None,
                    comment: None,
                    note: day_note,
                };
            };
            let mut end = current.end;
            let mut next_change = None;
            let mut day = today;
            'days: for _ in 0..HORIZON_DAYS {
                let later: Rc<Vec<Segment>> = if day == today {
                    Rc::new(
                        segments
                            .iter()
                            .filter(|s| s.start >= end)
                            .cloned()
                            .collect(),
                    )
                } else {
                    self.day_segments(rules, day)
                };
                for s in later.iter() {
                    if s.kind == current.kind && s.comment == current.comment {
                        end = s.end;
                    } else {
                        next_change = Some(s.start);
                        break 'days;
                    }
                }
                day = day.succ_opt().unwrap_or(day);
            }
            let comment = (!current.comment.is_empty()).then(|| current.comment.to_string());
            let (state, note) = match current.kind {
                RuleKind::Open => {
                    let soon = next_change
                        .is_some_and(|t| t - at <= Duration::minutes(CLOSING_SOON_MINUTES));
                    let state = if soon {
                        OpenState::Closing
                    } else {
                        OpenState::Open
                    };
                    (state, day_note)
                }
                RuleKind::Closed => {
                    let open_today = segments.iter().any(|s| s.kind == RuleKind::Open);
                    match day_note {
                        Some(DayNote::Holiday(f)) if !open_today => {
                            (OpenState::Holiday, Some(DayNote::Holiday(f)))
                        }
                        note => (OpenState::Closed, note),
                    }
                }
                RuleKind::Unknown => (OpenState::Unknown, day_note),
            };
            HoursStatus {
                state,
                next_change,
                comment,
                note,
            }
        }

        pub fn day_spans(&self, date: NaiveDate) -> Vec<Span> {
            let Some(rules) = &self.rules else {
                return Vec::new();
            };
            let start = date.and_time(NaiveTime::MIN);
            let minute = |t: NaiveDateTime| -> u16 {
                let m = (t - start).num_minutes().clamp(0, 1440);
                u16::try_from(m).unwrap_or(1440)
            };
            let mut spans: Vec<Span> = Vec::new();
            for s in self.day_segments(rules, date).iter() {
                if s.kind != RuleKind::Open {
                    continue;
                }
                let span = Span {
                    start_minute: minute(s.start),
                    end_minute: minute(s.end),
                };
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
}

use reference::Reference;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

use date as date_of;

/// The build date of every bundle here: dated rules are then known from 2024-01-01 to
/// 2027-01-01 (inclusive).
fn built() -> NaiveDate {
    date(2025, 1, 1)
}

/// What a comparison covered.
#[derive(Debug, Default)]
struct Tally {
    instants: usize,
    days: usize,
    outside: usize,
}

/// Compares `hours` with the crate's evaluation of `rule` at every `step_minutes` from `from`
/// to `until` (exclusive) and on every day around them. Panics with the rule, the instant and
/// both answers on the first difference.
fn compare(
    rule: &str,
    hours: &Hours,
    dated: Option<(NaiveDate, NaiveDate)>,
    (from, until): (NaiveDate, NaiveDate),
    step_minutes: i64,
) -> Tally {
    let oracle = Reference::parse(rule);
    let mut tally = Tally::default();
    let mut t = from.and_time(NaiveTime::MIN);
    let end = until.and_time(NaiveTime::MIN);
    while t < end {
        let got = hours.status(t);
        let want = oracle.status(t);
        match dated {
            Some((w_from, w_until)) if t.date() < w_from || t.date() >= w_until => {
                let outside = HoursStatus {
                    state: OpenState::Unknown,
                    next_change: None,
                    comment: None,
                    note: Some(DayNote::OutsideSchedule),
                };
                assert_eq!(got, outside, "'{rule}' at {t}: outside the window");
                tally.outside += 1;
            }
            // Near the end of the window the state is followed only to the window's end: the
            // same state and comment, and the same next change if it comes before the end.
            Some((_, w_until)) if t.date() + Duration::days(HORIZON_DAYS) >= w_until => {
                let w_end = w_until.and_time(NaiveTime::MIN);
                let cut = |s: &HoursStatus| s.next_change.filter(|c| *c < w_end);
                assert_eq!(cut(&got), cut(&want), "'{rule}' at {t}: next change");
                assert_eq!(got.comment, want.comment, "'{rule}' at {t}: comment");
                assert_eq!(got.note, want.note, "'{rule}' at {t}: note");
                if got.next_change == want.next_change {
                    assert_eq!(got.state, want.state, "'{rule}' at {t}: state");
                } else {
                    assert!(
                        got.state.is_open() == want.state.is_open(),
                        "'{rule}' at {t}: {got:?} vs {want:?}"
                    );
                }
            }
            _ => assert_eq!(got, want, "'{rule}' at {t}"),
        }
        tally.instants += 1;
        t += Duration::minutes(step_minutes);
    }
    let mut day = from - Duration::days(7);
    while day < until + Duration::days(7) {
        let outside = dated.is_some_and(|(a, b)| day < a || day >= b);
        if outside {
            assert!(hours.day_spans(day).is_empty() && !hours.known_on(day));
        } else {
            assert_eq!(
                hours.day_spans(day),
                oracle.day_spans(day),
                "'{rule}' on {day}"
            );
            assert_eq!(
                hours.known_on(day),
                !rule.trim().is_empty(),
                "'{rule}' on {day}"
            );
        }
        tally.days += 1;
        day += Duration::days(1);
    }
    tally
}

/// The window of a plan with dates, `None` for weekly plans.
fn window_of(plan: &Plan) -> Option<(NaiveDate, NaiveDate)> {
    match plan {
        Plan::Dated(d) => Some((d.from, d.until)),
        _ => None,
    }
}

/// 2024-01-01 to 2027-12-31: three holiday years and one beyond the table.
fn sweep() -> (NaiveDate, NaiveDate) {
    (date(2024, 1, 1), date(2028, 1, 1))
}

#[test]
fn every_futian_place_matches_the_crate_every_15_minutes_for_four_years() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (_, bytes, report) = build(&BuildOptions {
        osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
        services: root.join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: None,
        build_date: built().to_string(),
        skip_invalid: false,
    })
    .expect("sample builds");
    // What the app reads: the decoded bundle.
    let bundle = Bundle::decode(&bytes).expect("decodes");
    assert_eq!(report.hours_window, (date(2024, 1, 1), date(2027, 1, 2)));
    let mut checked: HashMap<&str, usize> = HashMap::new();
    for (i, s) in bundle.services.iter().enumerate() {
        let plan = &bundle.hours.plans()[i];
        // Every sample rule is weekly: known for any date.
        assert!(
            matches!(plan, Plan::Weekly(_) | Plan::None),
            "{}: {plan:?}",
            s.opening_hours
        );
        if let Some(&first) = checked.get(s.opening_hours.as_str()) {
            // The same rule compiles to the same plan.
            assert_eq!(plan, &bundle.hours.plans()[first], "{}", s.id);
            continue;
        }
        checked.insert(&s.opening_hours, i);
        let tally = compare(&s.opening_hours, &bundle.hours.hours(i), None, sweep(), 15);
        assert_eq!(tally.instants, 140_256, "{}", s.id);
    }
    assert!(checked.len() >= 15, "{} distinct rules", checked.len());
}

/// Rules chosen to break a naive evaluator; each is compared as in the Futian test.
const TRICKY: &[&str] = &[
    // Past midnight, with and without holidays.
    "Mo-Su 18:00-02:00",
    "Fr,Sa 20:00-02:00",
    "Mo-Fr 22:00-06:00; PH off",
    "Mo-Sa 09:00-26:00",
    "Mo-Su 18:00-02:00; PH 10:00-14:00",
    // Always.
    "24/7",
    "24/7; PH off",
    "open",
    // Public holidays.
    "Mo-Fr 09:00-18:00; PH off",
    "Mo-Su 08:00-20:00; PH 10:00-14:00",
    "Mo-Su off; PH 10:00-12:00",
    "Su,PH off; Mo-Sa 10:00-20:00",
    "Mo-Sa 10:00-20:00; Su,PH off",
    "PH Mo-Fr 10:00-12:00",
    "Mo-Fr 09:00-18:00; PH +1 day 10:00-12:00",
    // Split days, off days, additional and fallback rules.
    "Mo-Fr 08:00-12:00,13:00-18:00",
    "Mo-Fr 09:00-18:00; We off",
    "Mo-Fr 08:00-18:00, Sa 10:00-14:00",
    "Mo-Fr 09:00-12:00 || \"by appointment\"",
    "off",
    "Mo-Fr 08:00-16:00; SH off",
    // Comments and unknown.
    "Mo-Fr 09:00-17:00 \"appointments by phone\"",
    "\"by appointment\"",
    "Mo-Fr 09:00-17:00; Sa unknown",
    "Mo-Fr unknown \"call first\"",
    "Mo-Fr 09:00+",
    // Months, dates, weeks, nth weekdays, years, easter.
    "Jun-Aug Mo-Fr 08:00-12:00; Sep-May Mo-Fr 09:00-17:00",
    "Mo-Su 09:00-18:00; Dec 24-Jan 02 off",
    "Mo-Su 09:00-18:00; Jan 01 off",
    "week 01-26 Mo-Fr 09:00-12:00; week 27-53 Mo-Fr 14:00-18:00",
    "week 02-52/2 Sa 10:00-12:00",
    "Mo[1] 09:00-12:00",
    "Su[-1] 10:00-16:00; PH off",
    "2025 Mo-Fr 09:00-12:00; 2026 Mo-Fr 14:00-18:00",
    "Mo-Su 09:00-18:00; easter off",
    "Jul-Sep Fr,Sa 20:00-02:00",
    // No hours.
    "",
];

#[test]
fn tricky_rules_match_the_crate_every_15_minutes_for_four_years() {
    let table = compile_timetable(TRICKY.iter().copied(), built()).expect("rules compile");
    let mut dated = 0;
    for (i, rule) in TRICKY.iter().enumerate() {
        let window = window_of(&table.plans()[i]);
        if let Some((from, until)) = window {
            assert_eq!(
                (from, until),
                (
                    built() - Duration::days(DAYS_BEFORE_BUILD),
                    built() + Duration::days(DAYS_AFTER_BUILD)
                )
            );
            dated += 1;
        }
        let tally = compare(rule, &table.hours(i), window, sweep(), 15);
        assert_eq!(tally.instants, 140_256);
        assert_eq!(tally.outside > 0, window.is_some(), "'{rule}'");
    }
    // Month ranges, dates, weeks, nth weekdays, years, easter and `PH +1 day` are dated.
    assert_eq!(dated, 11);
}

#[test]
fn weekly_rules_hold_beyond_the_window_and_dated_ones_say_so() {
    let table = compile_timetable(
        ["Mo-Fr 09:00-18:00; PH off", "Jun-Aug Mo-Fr 08:00-12:00"],
        built(),
    )
    .expect("compiles");
    let at = date(2031, 7, 1).and_hms_opt(10, 0, 0).expect("time");
    let weekly = table.hours(0).status(at);
    assert_eq!(weekly.state, OpenState::Open);
    assert_eq!(weekly.note, Some(DayNote::CalendarUnknown));
    let dated = table.hours(1).status(at);
    assert_eq!(dated.state, OpenState::Unknown);
    assert_eq!(dated.note, Some(DayNote::OutsideSchedule));
    // The last day of the window: open until noon, then nothing is known.
    let last = date(2027, 1, 1);
    assert!(table.hours(1).known_on(last) && !table.hours(1).known_on(last + Duration::days(1)));
    let summer = date(2026, 7, 1).and_hms_opt(10, 0, 0).expect("time");
    assert_eq!(table.hours(1).status(summer).state, OpenState::Open);
}

/// A small grammar of rules: weekday ranges (some with nth), optional month ranges, times
/// (some past midnight, some open-ended), off / unknown, PH, comments, `;` `,` `||`.
fn rule_strategy() -> impl Strategy<Value = String> {
    let days = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    let weekdays =
        (0usize..7, 0usize..7, prop::option::weighted(0.1, 1u8..5)).prop_map(move |(a, b, nth)| {
            let (a, b) = (a.min(b), a.max(b));
            let range = if a == b {
                days[a].to_string()
            } else {
                format!("{}-{}", days[a], days[b])
            };
            match nth {
                Some(n) => format!("{}[{n}]", days[a]),
                None => range,
            }
        });
    let selector = prop_oneof![
        4 => weekdays.clone(),
        1 => Just("PH".to_string()),
        1 => weekdays.clone().prop_map(|w| format!("{w},PH")),
        1 => weekdays.prop_map(|w| format!("Jun-Aug {w}")),
    ];
    let time = (0u32..24, prop::sample::select(vec![0u32, 30]), 1u32..14)
        .prop_map(|(h, m, len)| format!("{h:02}:{m:02}-{:02}:{m:02}", h + len));
    let times = prop::collection::vec(time, 1..3).prop_map(|t| t.join(","));
    let state = prop_oneof![
        6 => times,
        1 => Just("off".to_string()),
        1 => Just("unknown".to_string()),
        1 => Just("24/7".to_string()),
    ];
    let comment = prop::option::weighted(0.15, Just(" \"by appointment\"".to_string()));
    let rule = (selector, state, comment).prop_map(|(sel, state, comment)| {
        let state = if state == "24/7" {
            "00:00-24:00".to_string()
        } else {
            state
        };
        format!("{sel} {state}{}", comment.unwrap_or_default())
    });
    let sep = prop::sample::select(vec!["; ", "; ", ", ", " || "]);
    (rule.clone(), prop::collection::vec((sep, rule), 0..3)).prop_map(|(first, rest)| {
        let mut out = first;
        for (sep, r) in rest {
            out.push_str(sep);
            out.push_str(&r);
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random rules, every 97 minutes over the four years (an odd step that visits every time
    /// of day) and every day.
    #[test]
    fn random_rules_match_the_crate(rule in rule_strategy()) {
        // The grammar makes some rules the crate refuses (e.g. `Sa-Mo`): skip those.
        prop_assume!(rule.parse::<OpeningHours>().is_ok());
        let table = compile_timetable([rule.as_str()], built()).expect("compiles");
        let window = window_of(&table.plans()[0]);
        compare(&rule, &table.hours(0), window, sweep(), 97);
    }
}
