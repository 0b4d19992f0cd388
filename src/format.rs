//! Numbers and links as the user reads them.

use chrono::{Datelike, NaiveDateTime};
use linli_core::decimal::Fixed;
use linli_core::hours::{time_label, DayNote, HoursStatus, OpenState};

use crate::i18n::{weekday, Lang, T};

/// A distance: "850 米" / "1.2 公里".
pub fn distance(m: f64, lang: Lang) -> String {
    if m < 1000.0 {
        format!(
            "{} {}",
            Fixed((m / 10.0).round() * 10.0, 0),
            T::Metres.text(lang)
        )
    } else {
        format!("{} {}", Fixed(m / 1000.0, 1), T::Kilometres.text(lang))
    }
}

/// Travel minutes, at least 1: "12 分钟".
pub fn minutes(seconds: f64, lang: Lang) -> String {
    format!(
        "{} {}",
        Fixed((seconds / 60.0).ceil().max(1.0), 0),
        T::Minutes.text(lang)
    )
}

/// Month abbreviations, January first (written here rather than by chrono's formatter, which is
/// large in the browser).
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// When the next change happens, relative to now: "18:00", "明天 09:00", "周一 09:00", and a
/// date a week or more ahead: "10月8日 09:00" / "8 Oct 09:00".
pub fn when(next: NaiveDateTime, now: NaiveDateTime, lang: Lang) -> String {
    let hm = time_label(next);
    let days = (next.date() - now.date()).num_days();
    match days {
        0 => hm,
        1 => format!("{} {hm}", T::Tomorrow.text(lang)),
        2..=6 => format!(
            "{} {hm}",
            weekday(next.weekday().number_from_monday(), lang)
        ),
        _ => match lang {
            Lang::Zh => format!("{}月{}日 {hm}", next.month(), next.day()),
            Lang::En => format!(
                "{} {} {hm}",
                next.day(),
                MONTHS_EN[next.month0() as usize % 12]
            ),
        },
    }
}

/// A day's note in the interface language.
pub fn day_note(note: DayNote, lang: Lang) -> String {
    match lang {
        Lang::Zh => note.text_zh(),
        Lang::En => note.text_en(),
    }
}

/// The words of an open state, e.g. "营业中 · 18:00 关门", "即将关门 · 20 分钟后关门",
/// "节假日休息（国庆节）· 10月8日 09:00 开门", "营业中（调休上班（国庆节））· 18:00 关门".
pub fn open_status(status: &HoursStatus, now: NaiveDateTime, lang: Lang) -> String {
    let main = open_status_main(status, now, lang);
    // The unknown-calendar note is said once above the list, not on every line.
    match status.note.filter(|n| *n != DayNote::CalendarUnknown) {
        Some(note) => {
            let (head, rest) = main.split_once(" · ").unwrap_or((main.as_str(), ""));
            let note = day_note(note, lang);
            let head = match lang {
                Lang::Zh => format!("{head}（{note}）"),
                Lang::En => format!("{head} ({note})"),
            };
            if rest.is_empty() {
                head
            } else {
                format!("{head} · {rest}")
            }
        }
        None => main,
    }
}

fn open_status_main(status: &HoursStatus, now: NaiveDateTime, lang: Lang) -> String {
    let sep = " · ";
    match status.state {
        OpenState::Open if status.always_open() => T::AlwaysOpen.text(lang).to_string(),
        OpenState::Open => match status.next_change {
            Some(t) => match lang {
                Lang::Zh => format!(
                    "{}{sep}{} {}",
                    T::StateOpen.text(lang),
                    when(t, now, lang),
                    T::Closes.text(lang)
                ),
                Lang::En => format!(
                    "{}{sep}{} {}",
                    T::StateOpen.text(lang),
                    T::Closes.text(lang),
                    when(t, now, lang)
                ),
            },
            None => T::StateOpen.text(lang).to_string(),
        },
        OpenState::Closing => {
            let m = status.minutes_until_change(now).unwrap_or(0);
            match lang {
                Lang::Zh => format!("{}{sep}{m} 分钟后关门", T::StateClosing.text(lang)),
                Lang::En => format!("{}{sep}closes in {m} min", T::StateClosing.text(lang)),
            }
        }
        OpenState::Closed | OpenState::Holiday => {
            let word = if status.state == OpenState::Holiday {
                T::StateHoliday
            } else {
                T::StateClosed
            };
            match status.next_change {
                Some(t) => match lang {
                    Lang::Zh => format!(
                        "{}{sep}{} {}",
                        word.text(lang),
                        when(t, now, lang),
                        T::Opens.text(lang)
                    ),
                    Lang::En => format!(
                        "{}{sep}{} {}",
                        word.text(lang),
                        T::Opens.text(lang),
                        when(t, now, lang)
                    ),
                },
                None => word.text(lang).to_string(),
            }
        }
        OpenState::Unknown => T::StateUnknown.text(lang).to_string(),
    }
}

/// A `tel:` link with spaces and dashes removed.
pub fn tel_uri(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// Whole metres for `data-route-m`, rounded like the CLI's JSON (0.1 m, then whole metres).
pub fn whole_metres(m: f64) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let whole = ((m * 10.0).round() / 10.0).round() as i64;
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn distances_and_minutes() {
        assert_eq!(distance(847.0, Lang::Zh), "850 米");
        assert_eq!(distance(1234.0, Lang::En), "1.2 km");
        assert_eq!(minutes(20.0, Lang::Zh), "1 分钟");
        assert_eq!(minutes(601.0, Lang::En), "11 min");
    }

    #[test]
    fn next_change_words() {
        let now = t("2026-11-24 21:30");
        assert_eq!(when(t("2026-11-24 22:00"), now, Lang::Zh), "22:00");
        assert_eq!(when(t("2026-11-25 09:00"), now, Lang::Zh), "明天 09:00");
        assert_eq!(when(t("2026-11-30 09:00"), now, Lang::En), "Mon 09:00");
        assert_eq!(when(t("2026-12-08 09:05"), now, Lang::En), "8 Dec 09:05");
        assert_eq!(when(t("2026-12-08 09:05"), now, Lang::Zh), "12月8日 09:05");
        let closing = HoursStatus {
            state: OpenState::Closing,
            next_change: Some(t("2026-11-24 21:50")),
            comment: None,
            note: None,
        };
        assert_eq!(
            open_status(&closing, now, Lang::Zh),
            "即将关门 · 20 分钟后关门"
        );
        assert_eq!(
            open_status(&closing, now, Lang::En),
            "Closing soon · closes in 20 min"
        );
    }

    #[test]
    fn holidays_and_make_up_days_are_named() {
        use linli_core::holidays::Festival;
        let now = t("2026-10-01 10:00");
        let holiday = HoursStatus {
            state: OpenState::Holiday,
            next_change: Some(t("2026-10-08 09:00")),
            comment: None,
            note: Some(DayNote::Holiday(Festival::NationalDay)),
        };
        assert_eq!(
            open_status(&holiday, now, Lang::Zh),
            "节假日休息（国庆节） · 10月8日 09:00 开门"
        );
        assert_eq!(
            open_status(&holiday, now, Lang::En),
            "Closed for the holiday (National Day) · opens 8 Oct 09:00"
        );
        let make_up = HoursStatus {
            state: OpenState::Open,
            next_change: Some(t("2026-09-20 12:00")),
            comment: None,
            note: Some(DayNote::MakeUpWorkday(Festival::NationalDay)),
        };
        assert_eq!(
            open_status(&make_up, t("2026-09-20 10:00"), Lang::Zh),
            "营业中（调休上班（国庆节）） · 12:00 关门"
        );
    }

    #[test]
    fn phone_links() {
        assert_eq!(tel_uri("0755-8321 1234"), "tel:075583211234");
    }

    #[test]
    fn whole_metres_match_the_cli_rounding() {
        assert_eq!(whole_metres(132.449), 132);
        assert_eq!(
            whole_metres(132.45),
            133,
            "132.45 prints as 132.5 in the CLI, 133 whole"
        );
    }
}
