//! China's public holidays and make-up working days (调休上班).
//!
//! Every year the State Council moves the holidays, and some Saturdays and Sundays become
//! official working days on which offices keep their weekday hours. The dates come from
//! [`crate::holidays_cn`], a table generated from the `chinese_holiday` crate (the update
//! procedure is in that file's header). Outside the known years there is no holiday
//! information: days follow plain weekday rules and [`day_kind`] says the calendar is unknown.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

use crate::holidays_cn::{FIRST_KNOWN_YEAR, LAST_KNOWN_YEAR, SPECIAL_DAYS};

/// The seven statutory holidays (and a catch-all for one-off ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Festival {
    /// 元旦.
    NewYear,
    /// 春节.
    SpringFestival,
    /// 清明节.
    Qingming,
    /// 劳动节.
    LabourDay,
    /// 端午节.
    DragonBoat,
    /// 中秋节.
    MidAutumn,
    /// 国庆节.
    NationalDay,
    /// Another holiday declared for one year.
    Other,
}

impl Festival {
    /// The Chinese name.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Festival::NewYear => "元旦",
            Festival::SpringFestival => "春节",
            Festival::Qingming => "清明节",
            Festival::LabourDay => "劳动节",
            Festival::DragonBoat => "端午节",
            Festival::MidAutumn => "中秋节",
            Festival::NationalDay => "国庆节",
            Festival::Other => "节假日",
        }
    }

    /// The English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            Festival::NewYear => "New Year's Day",
            Festival::SpringFestival => "Spring Festival",
            Festival::Qingming => "Qingming Festival",
            Festival::LabourDay => "Labour Day",
            Festival::DragonBoat => "Dragon Boat Festival",
            Festival::MidAutumn => "Mid-Autumn Festival",
            Festival::NationalDay => "National Day",
            Festival::Other => "public holiday",
        }
    }
}

/// A line of the holiday table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRule {
    /// A day off for this festival (weekends inside the holiday included).
    Holiday(Festival),
    /// A weekend day worked to make up for this festival's days off.
    MakeUpWorkday(Festival),
}

/// What kind of day a date is in China.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// An ordinary weekday or weekend day of a known year.
    Normal,
    /// A public holiday.
    Holiday(Festival),
    /// A make-up working day (调休上班): weekday hours apply.
    MakeUpWorkday(Festival),
    /// The year's holidays are not in Linli's table.
    Unknown,
}

/// Is the holiday calendar of `year` known?
pub fn year_known(year: i32) -> bool {
    (FIRST_KNOWN_YEAR..=LAST_KNOWN_YEAR).contains(&year)
}

/// The years whose holidays are known.
pub fn known_years() -> std::ops::RangeInclusive<i32> {
    FIRST_KNOWN_YEAR..=LAST_KNOWN_YEAR
}

/// A date as one number that sorts like the date (year, month, day in bit fields).
const fn packed(year: i32, month: u32, day: u32) -> i64 {
    (year as i64) << 9 | (month as i64) << 5 | day as i64
}

/// [`SPECIAL_DAYS`] packed, for a quick search (the table is looked up for every day the
/// hours are evaluated on).
const SPECIAL_KEYS: [i64; SPECIAL_DAYS.len()] = {
    let mut keys = [0; SPECIAL_DAYS.len()];
    let mut i = 0;
    while i < keys.len() {
        let (y, m, d, _) = SPECIAL_DAYS[i];
        keys[i] = packed(y, m, d);
        i += 1;
    }
    keys
};

/// Per month of the known years (January of the first year first), a bit per day of the
/// month set for the days in [`SPECIAL_DAYS`]: most days need no search.
const SPECIAL_MONTHS: [u32; 12 * (LAST_KNOWN_YEAR - FIRST_KNOWN_YEAR + 1) as usize] = {
    let mut months = [0; 12 * (LAST_KNOWN_YEAR - FIRST_KNOWN_YEAR + 1) as usize];
    let mut i = 0;
    while i < SPECIAL_DAYS.len() {
        let (y, m, d, _) = SPECIAL_DAYS[i];
        months[(y - FIRST_KNOWN_YEAR) as usize * 12 + m as usize - 1] |= 1 << d;
        i += 1;
    }
    months
};

/// What kind of day `date` is.
pub fn day_kind(date: NaiveDate) -> DayKind {
    let year = date.year();
    if !year_known(year) {
        return DayKind::Unknown;
    }
    let month = (year - FIRST_KNOWN_YEAR) as usize * 12 + date.month0() as usize;
    if SPECIAL_MONTHS[month] & 1 << date.day() == 0 {
        return DayKind::Normal;
    }
    let key = packed(year, date.month(), date.day());
    match SPECIAL_KEYS.binary_search(&key) {
        Ok(i) => match SPECIAL_DAYS[i].3 {
            DayRule::Holiday(f) => DayKind::Holiday(f),
            DayRule::MakeUpWorkday(f) => DayKind::MakeUpWorkday(f),
        },
        Err(_) => DayKind::Normal,
    }
}

/// Every public holiday of the known years.
pub fn public_holidays() -> impl Iterator<Item = NaiveDate> {
    SPECIAL_DAYS
        .iter()
        .filter_map(|(y, m, d, rule)| match rule {
            DayRule::Holiday(_) => NaiveDate::from_ymd_opt(*y, *m, *d),
            DayRule::MakeUpWorkday(_) => None,
        })
}

/// The day whose opening rules apply on `date`: itself, except on a make-up working day, where
/// it is the nearest earlier ordinary working day (Monday–Friday, not a holiday). The notices
/// do not say which weekday a make-up day replaces; the previous working day's hours are
/// what an office keeps in practice, and for the usual "Mo-Fr" rules any weekday gives the same.
pub fn rules_day(date: NaiveDate) -> NaiveDate {
    if !matches!(day_kind(date), DayKind::MakeUpWorkday(_)) {
        return date;
    }
    let mut d = date;
    for _ in 0..14 {
        d -= Duration::days(1);
        let weekday = !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if weekday && matches!(day_kind(d), DayKind::Normal | DayKind::Unknown) {
            return d;
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn table_is_sorted_and_dates_are_real() {
        assert!(SPECIAL_DAYS
            .windows(2)
            .all(|w| (w[0].0, w[0].1, w[0].2) < (w[1].0, w[1].1, w[1].2)));
        assert!(SPECIAL_KEYS.windows(2).all(|w| w[0] < w[1]));
        for (y, m, day, rule) in SPECIAL_DAYS {
            let date = d(*y, *m, *day);
            if let DayRule::MakeUpWorkday(_) = rule {
                assert!(
                    matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
                    "{date} is a make-up day on a weekday"
                );
            }
        }
    }

    #[test]
    fn known_2025_and_2026_days() {
        assert_eq!(
            day_kind(d(2026, 10, 1)),
            DayKind::Holiday(Festival::NationalDay)
        );
        assert_eq!(
            day_kind(d(2026, 2, 17)),
            DayKind::Holiday(Festival::SpringFestival)
        );
        assert_eq!(
            day_kind(d(2026, 9, 20)),
            DayKind::MakeUpWorkday(Festival::NationalDay)
        );
        assert_eq!(
            day_kind(d(2025, 10, 11)),
            DayKind::MakeUpWorkday(Festival::NationalDay)
        );
        assert_eq!(
            day_kind(d(2025, 1, 29)),
            DayKind::Holiday(Festival::SpringFestival)
        );
        assert_eq!(day_kind(d(2026, 11, 24)), DayKind::Normal);
        assert_eq!(day_kind(d(2027, 10, 1)), DayKind::Unknown);
        assert!(year_known(2025) && year_known(2026) && !year_known(2027));
    }

    #[test]
    fn make_up_days_borrow_the_previous_working_day() {
        // Sunday 2026-09-20 → Friday 2026-09-18.
        assert_eq!(rules_day(d(2026, 9, 20)), d(2026, 9, 18));
        // Sunday 2026-01-04, after 1–3 January off → Wednesday 2025-12-31.
        assert_eq!(rules_day(d(2026, 1, 4)), d(2025, 12, 31));
        assert_eq!(rules_day(d(2026, 11, 24)), d(2026, 11, 24));
    }
}
