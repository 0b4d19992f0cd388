//! Everything about one place: where, when, what, how far in each mode, and links onward.

use chrono::{Datelike, Duration};
use leptos::prelude::*;
use linli_core::hours::{calendar_known, minute_label, DayNote};
use linli_core::{Amenity, Kind, Mode};

use crate::components::open_badge::OpenBadge;
use crate::components::symbols::{amenity_icon, kind_class};
use crate::format::{amap_url, day_note, distance, geo_uri, minutes, tel_uri};
use crate::i18n::{amenity_name, kind_name, mode_name, weekday, Lang, T};
use crate::state::use_app;

fn floor_label(floor: i8, lang: Lang) -> String {
    match (lang, floor) {
        (Lang::Zh, f) if f < 0 => format!("地下{}层", -f),
        (Lang::Zh, f) => format!("{f}楼"),
        (Lang::En, 1) => "ground floor (1F)".to_string(),
        (Lang::En, f) if f < 0 => format!("basement {}", -f),
        (Lang::En, f) => format!("{f}F"),
    }
}

/// The detail view of the selected place.
#[component]
pub fn ServiceDetail(service: usize) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let Some(engine) = state.engine.get_untracked() else {
        return ().into_any();
    };
    let s = engine.finder().services()[service].clone();
    let hours = engine.hours(service).clone();
    let heading = NodeRef::<leptos::html::H2>::new();
    // Move focus to the heading so screen readers and keyboards land on the detail.
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let close = move |_| state.selected.set(None);
    let step_free = s.amenities.contains(Amenity::StepFree);
    let (name, location) = (s.name.clone(), s.location);
    let per_mode = {
        let engine = engine.clone();
        move || {
            let l = lang.get();
            let point = state
                .origin
                .get()
                .map(|o| o.point)
                .or_else(|| state.map_centre.get())?;
            Some(
                Mode::ALL
                    .into_iter()
                    .map(|m| {
                        let reach = engine.reach(point, m, service);
                        let text = match reach.and_then(|r| r.route_m.zip(r.time_s)) {
                            Some((d, t)) => format!("{} · {}", distance(d, l), minutes(t, l)),
                            None => T::Unreachable.text(l).to_string(),
                        };
                        view! {
                            <tr class:current=move || state.mode.get() == m>
                                <th scope="row">{mode_name(m, l)}</th>
                                <td data-testid=format!("detail-route-{}", m.as_str())>{text}</td>
                            </tr>
                        }
                    })
                    .collect_view(),
            )
        }
    };
    let week = move || {
        let l = lang.get();
        let now = state.now.get();
        let today = now.date();
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        (0..7)
            .map(|i| {
                let day = monday + Duration::days(i);
                let spans = hours.day_spans(day);
                let text = if !hours.is_known() {
                    T::StateUnknown.text(l).to_string()
                } else if spans.is_empty() {
                    T::ClosedAllDay.text(l).to_string()
                } else {
                    spans
                        .iter()
                        .map(|sp| {
                            format!(
                                "{}–{}",
                                minute_label(sp.start_minute),
                                minute_label(sp.end_minute)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let is_today = day == today;
                let note = DayNote::for_date(day)
                    .filter(|n| *n != DayNote::CalendarUnknown)
                    .map(|n| day_note(n, l));
                view! {
                    <tr class:today=is_today aria-current=is_today.then_some("date")>
                        <th scope="row">
                            {weekday(day.weekday().number_from_monday(), l)}
                            " "{day.format("%-m/%-d").to_string()}
                            {is_today.then(|| format!(" ({})", T::Today.text(l)))}
                        </th>
                        <td>
                            {text}
                            {note.map(|n| view! { <span class="day-note" data-testid="day-note">" · "{n}</span> })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let status = {
        let hours = engine.hours(service).clone();
        move || {
            let now = state.now.get();
            view! { <OpenBadge status=hours.status(now) now=now lang=lang.get() /> }
        }
    };
    view! {
        <article class="detail" data-testid="service-detail" aria-labelledby="detail-title">
            <button class="back" data-testid="detail-close" on:click=close>
                <span aria-hidden="true">"← "</span>{move || T::Back.text(lang.get())}
            </button>
            <h2 id="detail-title" tabindex="-1" node_ref=heading>{s.name.clone()}</h2>
            <p class="kind-label">
                <span class=format!("shape {}", kind_class(s.kind)) aria-hidden="true"></span>
                {move || kind_name(s.kind, lang.get())}
            </p>
            <p class="status-line">{status}</p>
            <dl class="facts">
                {(!s.address.is_empty()).then(|| view! {
                    <dt>{move || T::Address.text(lang.get())}</dt><dd>{s.address.clone()}</dd>
                })}
                {s.floor.map(|f| view! {
                    <dt>{move || T::Floor.text(lang.get())}</dt><dd>{move || floor_label(f, lang.get())}</dd>
                })}
                <dt>{move || T::StepFreeAccess.text(lang.get())}</dt>
                <dd>{move || if step_free { T::StepFreeYes.text(lang.get()) } else { T::StepFreeNo.text(lang.get()) }}</dd>
                {(!s.phone.is_empty()).then(|| view! {
                    <dt>{move || T::Phone.text(lang.get())}</dt>
                    <dd><a data-testid="detail-phone" href=tel_uri(&s.phone)>{s.phone.clone()}</a></dd>
                })}
                {(s.kind == Kind::Canteen && !s.price.is_empty()).then(|| view! {
                    <dt>{move || T::Price.text(lang.get())}</dt><dd>{s.price.clone()}</dd>
                })}
                {(!s.notes.is_empty()).then(|| view! {
                    <dt>{move || T::Notes.text(lang.get())}</dt><dd>{s.notes.clone()}</dd>
                })}
            </dl>
            <h3>{move || T::RouteByMode.text(lang.get())}</h3>
            <table class="modes"><tbody>{per_mode}</tbody></table>
            <h3>{move || format!("{} ({})", T::Hours.text(lang.get()), T::BeijingTime.text(lang.get()))}</h3>
            <table class="week" data-testid="week-hours"><tbody>{week}</tbody></table>
            {move || (!calendar_known(state.now.get().date())).then(|| view! {
                <p class="small" data-testid="calendar-unknown">{T::CalendarUnknown.text(lang.get())}</p>
            })}
            {(!s.opening_hours.is_empty()).then(|| view! { <p class="small mono">{s.opening_hours.clone()}</p> })}
            <h3>{move || T::Services.text(lang.get())}</h3>
            <ul class="amenities full">
                {s.amenities.iter().map(|a| view! {
                    <li class="amenity"><span aria-hidden="true">{amenity_icon(a)}" "</span>{move || amenity_name(a, lang.get())}</li>
                }).collect_view()}
            </ul>
            <div class="links">
                <a class="button" data-testid="amap-link" href=amap_url(location, &name) target="_blank" rel="noopener">
                    {move || T::OpenInAmap.text(lang.get())}
                </a>
                <a class="button" data-testid="geo-link" href=geo_uri(location, &name)>
                    {move || T::OpenInMapApp.text(lang.get())}
                </a>
            </div>
        </article>
    }
    .into_any()
}
