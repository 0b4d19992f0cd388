//! Opening hours in words: today first and highlighted, then this week as a short table of
//! day runs ("周一至周五 | 7:00–9:00、11:00–13:30"), which wraps to fit 320 px at 200 % text.
//! The rule as written in OpenStreetMap syntax only on request.

use chrono::{Datelike, Duration};
use leptos::prelude::*;
use linli_core::hours::{calendar_known, spans_words, Hours};

use crate::format::day_note;
use crate::i18n::{weekday, Lang, T};
use crate::state::use_app;

/// "今天（周二）：" / "Today (Tue): ".
fn today_words(weekday_name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}（{weekday_name}）：", T::Today.text(lang)),
        Lang::En => format!("Today ({weekday_name}): "),
    }
}

/// The hours of one place.
#[component]
pub fn HoursTable(hours: Hours, raw: String) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let hours = StoredValue::new(hours);
    let today_line = move || {
        let l = lang.get();
        let today = state.now.get().date();
        let name = weekday(today.weekday().number_from_monday(), l);
        let words = hours.with_value(|h| {
            if h.known_on(today) {
                spans_words(&h.read_spans(today), l.words())
            } else {
                T::StateUnknown.text(l).to_string()
            }
        });
        let note = linli_core::hours::DayNote::for_date(today)
            .filter(|n| *n != linli_core::hours::DayNote::CalendarUnknown)
            .map(|n| day_note(n, l));
        view! {
            <p class="hours-today" data-testid="hours-today">
                <strong>{today_words(name, l)}</strong>
                {words}
                {note.map(|n| view! { <span class="day-note">" · "{n}</span> })}
            </p>
        }
    };
    let rows = move || {
        let l = lang.get();
        let today = state.now.get().date();
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        hours
            .with_value(|h| h.week(monday))
            .into_iter()
            .map(|row| {
                let is_today = row.contains(today);
                // "Every day (today)" says nothing the line above does not.
                let mark = is_today && (row.last - row.first).num_days() < 6;
                let days = row.days_words(l.words());
                let words = row.hours_words(l.words());
                let note = row.note.map(|n| day_note(n, l));
                view! {
                    <tr class:today=is_today aria-current=is_today.then_some("date")>
                        <th scope="row">
                            {days}
                            {note.map(|n| view! { <span class="day-note" data-testid="day-note">" "{n}</span> })}
                            {mark.then(|| view! { <span class="today-mark">{T::Today.text(l)}</span> })}
                        </th>
                        <td>{words}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let known = hours.with_value(Hours::is_known);
    view! {
        <section class="hours" aria-labelledby="hours-title">
            <h3 id="hours-title">
                {move || format!("{} ({})", T::Hours.text(lang.get()), T::BeijingTime.text(lang.get()))}
            </h3>
            {today_line}
            {known.then(|| view! {
                <table class="week" data-testid="week-hours">
                    <caption class="visually-hidden">{move || T::HoursThisWeek.text(lang.get())}</caption>
                    <tbody>{rows}</tbody>
                </table>
            })}
            {move || (!calendar_known(state.now.get().date())).then(|| view! {
                <p class="small" data-testid="calendar-unknown">{T::CalendarUnknown.text(lang.get())}</p>
            })}
            {(!raw.is_empty()).then(|| view! {
                <details class="raw-rule" data-testid="hours-raw">
                    <summary>{move || T::RawRule.text(lang.get())}</summary>
                    <code>{raw.clone()}</code>
                </details>
            })}
        </section>
    }
}
