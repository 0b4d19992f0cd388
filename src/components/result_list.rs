//! The list of places, nearest first by route.

use leptos::prelude::*;
use linli_core::Amenity;

use crate::components::open_badge::OpenBadge;
use crate::components::symbols::{amenity_icon, key_amenities, kind_class};
use crate::format::{distance, minutes, whole_metres};
use crate::i18n::{amenity_name, kind_name, T};
use crate::layout::Layout;
use crate::state::{is_evening, use_app, Row};
use crate::url_state::OpenChoice;

/// One place in the list.
#[component]
pub fn ResultCard(row: Row) -> impl IntoView {
    let state = use_app();
    let lang = state.lang.get_untracked();
    let now = state.now.get_untracked();
    let Some(engine) = state.engine.get_untracked() else {
        return ().into_any();
    };
    let s = engine.finder().services()[row.service].clone();
    let route = row.reach.route_m.zip(row.reach.time_s);
    let data_route = row
        .reach
        .route_m
        .map(|m| whole_metres(m).to_string())
        .unwrap_or_default();
    let services_attr = s
        .amenities
        .iter()
        .map(Amenity::code)
        .collect::<Vec<_>>()
        .join(" ");
    let keys: Vec<Amenity> = key_amenities(s.kind)
        .iter()
        .copied()
        .filter(|a| s.amenities.contains(*a))
        .collect();
    let service = row.service;
    view! {
        <li
            class="result"
            class:unreachable=route.is_none()
            data-testid="result"
            data-service-id=s.id.clone()
            data-route-m=data_route
            data-reachable=route.is_some().to_string()
            data-kind=s.kind.code()
            data-services=services_attr
        >
            <button class="result-main" on:click=move |_| state.open_place(service)>
                <span class="result-name" data-testid="result-name">{s.name.clone()}</span>
                <span class="result-distance" data-testid="result-distance">
                    {match route {
                        Some((m, t)) => view! {
                            <strong>{distance(m, lang)}</strong>
                            " · "
                            <strong>{minutes(t, lang)}</strong>
                        }.into_any(),
                        None => view! {
                            <strong>{T::Unreachable.text(lang)}</strong>
                            <span class="small">" · "{T::UnreachableHint.text(lang)}</span>
                        }.into_any(),
                    }}
                    <span class="small straight">
                        " ("{T::StraightLine.text(lang)}" "{distance(row.reach.straight_m, lang)}")"
                    </span>
                </span>
                <OpenBadge status=row.status.clone() now=now lang=lang />
                <span class="visually-hidden">{T::ShowOnMap.text(lang)}</span>
                // What matters first (name, distance, open) comes first; the kind and the key
                // services after, so the first result's essentials fit a small screen.
                <span class="result-more">
                    <span class="kind-label">
                        <span class=format!("shape {}", kind_class(s.kind)) aria-hidden="true"></span>
                        {kind_name(s.kind, lang)}
                    </span>
                    <span class="amenities">
                        {keys.into_iter().map(|a| view! {
                            <span class="amenity"><span aria-hidden="true">{amenity_icon(a)}" "</span>{amenity_name(a, lang)}</span>
                        }).collect_view()}
                    </span>
                </span>
            </button>
        </li>
    }
    .into_any()
}

/// The results, or a plain message when there are none.
#[component]
pub fn ResultList(rows: Memo<Vec<Row>>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    view! {
        <section class="results" aria-label=move || T::ResultsLabel.text(lang.get())>
            <h2 class="visually-hidden">{move || T::ResultsLabel.text(lang.get())}</h2>
            {move || {
                let compact = state.layout() == Layout::Compact;
                let evening = is_evening(state.now.get());
                let (code, text) = match (state.open.get(), compact) {
                    (OpenChoice::Only, _) => ("open-only", T::OrderOnlyOpen),
                    (OpenChoice::First, true) => ("open-first", T::OrderOpenFirstShort),
                    (OpenChoice::First, false) => ("open-first", T::OrderOpenFirst),
                    (OpenChoice::Auto, true) if evening => ("open-first", T::OrderOpenFirstShort),
                    (OpenChoice::Auto, false) if evening => ("open-first", T::OrderEvening),
                    (OpenChoice::Auto | OpenChoice::All, _) => ("distance", T::OrderDistance),
                };
                view! {
                    <p class="order-note" class:quiet=code == "distance"
                        data-testid="order-note" data-order=code>{text.text(lang.get())}</p>
                }
            }}
            {move || (!linli_core::hours::calendar_known(state.now.get().date())).then(|| view! {
                <p class="notice" data-testid="calendar-unknown">{T::CalendarUnknown.text(lang.get())}</p>
            })}
            {move || {
                // Re-render when the language or the clock changes too.
                let _ = (lang.get(), state.now.get());
                let rows = rows.get();
                if rows.is_empty() {
                    view! { <p class="notice" data-testid="no-results">{T::NoResults.text(lang.get())}</p> }.into_any()
                } else {
                    view! {
                        <ol class="result-list" data-testid="result-list">
                            {rows.into_iter().map(|row| view! { <ResultCard row=row /> }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </section>
    }
}
