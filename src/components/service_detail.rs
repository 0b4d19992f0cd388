//! Everything about one place, as a screen of its own (Back closes it): its state now, how far
//! it is from the one starting point, its hours in words, how to get there, and the facts.

use leptos::prelude::*;
use linli_core::sort::SortDyn;
use linli_core::{Amenity, Kind, LngLat, Mode};

use crate::components::handoff_links::HandoffLinks;
use crate::components::hours_table::HoursTable;
use crate::components::open_badge::OpenBadge;
use crate::components::share_button::{ShareButton, ShareMessage, Shared};
use crate::components::symbols::{amenity_icon, kind_class};
use crate::format::{distance, minutes, tel_uri, whole_metres};
use crate::i18n::{amenity_name, kind_name, mode_name, push_note, Lang, T};
use crate::layout::Layout;
use crate::state::use_app;
use crate::url_state::View;

fn floor_label(floor: i8, lang: Lang) -> String {
    match (lang, floor) {
        (Lang::Zh, f) if f < 0 => format!("地下{}层", -f),
        (Lang::Zh, f) => format!("{f}楼"),
        (Lang::En, 1) => "ground floor (1F)".to_string(),
        (Lang::En, f) if f < 0 => format!("basement {}", -f),
        (Lang::En, f) => format!("{f}F"),
    }
}

/// A line in each of the detail's text styles (its sizes and weights), in characters and in
/// Latin letters. See [`prepare_type`].
const TYPE_SAMPLE: &str = "<div class=\"detail\"><h2>营 Aa1</h2><h3>营 Aa1</h3>\
<h4 class=\"subheading\">营 Aa1</h4><p class=\"hours-today\">营 Aa1<span class=\"day-note\">营 Aa1</span></p>\
<table class=\"week\"><tr><th>营 Aa1</th></tr><tr class=\"today\"><th>营 Aa1\
<span class=\"today-mark\">营 Aa1</span></th></tr></table></div>";

/// Lays out the detail's text styles once, hidden, while the page is idle after the first
/// results, and removes them after the next frame. A browser loads a font for each size and
/// weight the first time it lays out text in it, and the detail uses several that the list does
/// not: in traces at 4× slowdown those loads were 7–34 ms of the first detail's frame
/// (issue 10, "open a result"); afterwards, none.
pub fn prepare_type() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(body), Ok(sample)) = (document.body(), document.create_element("div")) else {
        return;
    };
    sample.set_class_name("type-sample");
    let _ = sample.set_attribute("aria-hidden", "true");
    sample.set_inner_html(TYPE_SAMPLE);
    if body.append_child(&sample).is_ok() {
        // Reading its size lays it out now, in this task.
        let _ = sample.get_bounding_client_rect();
        request_animation_frame(move || sample.remove());
    }
}

/// Builds a detail (of the first place) outside the page and throws it away, while the page is
/// idle after the first results: first its week of hours, then the whole, in two tasks. The
/// browser compiles wasm a function at a time on its first call, on the main thread, so the
/// first detail opened compiled the detail's code in the tap's task (issue 10, "open a
/// result"); this moves that here, as `warm_search` does for the search.
pub async fn rehearse(state: crate::state::AppState) {
    // Not on a tiled dataset, where a detail asks for tiles.
    let first = state.engine.with_untracked(|e| {
        // The first place before its hours: a bundle may have no places.
        let e = e.as_ref().filter(|e| !e.is_tiled())?;
        let raw = e.finder().services().first()?.opening_hours.clone();
        Some((e.hours(0).clone(), raw))
    });
    let Some((hours, raw)) = first else {
        return;
    };
    build_and_drop(state, move || view! { <HoursTable hours=hours raw=raw /> });
    crate::data::next_task().await;
    build_and_drop(state, move || {
        let point = crate::state::query_point(state);
        view! { <ServiceDetail service=0 query_point=point /> }
    });
}

/// Builds the view `make` returns outside the page, under an owner of its own with the app's
/// state as context, and drops it: nothing is mounted, its effects never run.
fn build_and_drop<V: IntoView>(state: crate::state::AppState, make: impl FnOnce() -> V) {
    use leptos::tachys::view::Render;
    let owner = Owner::new();
    owner.with(|| {
        provide_context(state);
        drop(make().into_view().build());
    });
    owner.cleanup();
}

/// The detail screen of the selected place.
#[component]
pub fn ServiceDetail(service: usize, query_point: Memo<Option<LngLat>>) -> impl IntoView {
    let state = use_app();
    // The many texts below follow this view's own copy of the language: Leptos keeps a small
    // record for every reader a long-lived signal ever had, so readers that come and go with
    // every detail should read something that goes with them.
    let lang = Memo::new(move |_| state.lang.get());
    let mode = Memo::new(move |_| state.mode.get());
    let now = Memo::new(move |_| state.now.get());
    let Some(engine) = state.engine.get_untracked() else {
        return ().into_any();
    };
    let s = engine.finder().services()[service].clone();
    let heading = NodeRef::<leptos::html::H2>::new();
    // A screen of its own: it starts at the top, and focus moves to the heading so screen
    // readers and keyboards land on the detail. Both before the detail's first paint, in the
    // frame that lays it out anyway (here, in the task that makes the detail, they made the
    // browser lay it out in the middle of that task).
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            request_animation_frame(move || {
                if !h.is_connected() {
                    return;
                }
                crate::state::set_panel_scroll(0);
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = h.focus_with_options(&options);
            });
        }
    });
    let close = move |_| crate::history::close_detail(state);
    let step_free = s.amenities.contains(Amenity::StepFree);
    let (name, location) = (s.name.clone(), s.location);
    // Every mode from the one starting point (the list's), so the numbers match the list.
    // On a tiled dataset the engine is replaced as tiles arrive: each mode's answer waits for
    // the tiles its search needs (asked for here), and the place's own tile brings its record.
    let reaches = Memo::new(move |_| {
        let p = query_point.get()?;
        let engine = state.engine.get()?;
        if !engine.is_tiled() {
            return Some(
                Mode::ALL
                    .into_iter()
                    .map(|m| (m, engine.reach(p, m, service)))
                    .collect::<Vec<_>>(),
            );
        }
        state.tiles_retry.track();
        let mut need = Vec::new();
        let mut all = Vec::new();
        // The current mode first: its tiles are asked for first.
        let current = state.mode.get();
        for m in std::iter::once(current).chain(Mode::ALL.into_iter().filter(|m| *m != current)) {
            match engine.reach_step(p, m, service) {
                Ok(r) => all.push((m, r)),
                Err(tiles) => need.extend(tiles.into_iter().take(crate::tiled::PARALLEL)),
            }
        }
        if let Some(t) = engine
            .finder()
            .manifest()
            .and_then(|m| m.places.get(service))
            .map(|p| p.tile)
            .filter(|_| !engine.finder().has_record(service))
        {
            need.push(t);
        }
        let waiting = !need.is_empty();
        crate::tiled::request(state, need);
        if waiting && all.len() < Mode::ALL.len() {
            return None;
        }
        all.sort_by_key_dyn(|(m, _)| Mode::ALL.iter().position(|x| x == m));
        Some(all)
    });
    let current = move || {
        let l = lang.get();
        let mode = mode.get();
        let reach = reaches.get()?.into_iter().find(|(m, _)| *m == mode)?.1;
        let route = reach.and_then(|r| r.route_m.zip(r.time_s));
        let text = match route {
            Some((d, t)) => format!("{} · {}", distance(d, l), minutes(t, l)),
            None => T::Unreachable.text(l).to_string(),
        };
        let from = match state.origin.get() {
            Some(_) => T::FromStart.text(l),
            None => T::OriginCentreShort.text(l),
        };
        let push = reach
            .and_then(|r| push_note(whole_metres(r.push_start_m), whole_metres(r.push_end_m), l));
        Some(view! {
            <p class="detail-distance" data-testid="detail-distance"
                data-route-m=route.map(|(d, _)| whole_metres(d).to_string()).unwrap_or_default()>
                <span aria-hidden="true">{crate::components::pickers::mode_icon(mode)}" "</span>
                <strong>{mode_name(mode, l)}" "{text}</strong>
                <span class="small">" · "{from}</span>
            </p>
            {push.map(|text| view! {
                <p class="push-detail" data-testid="detail-push">
                    <span aria-hidden="true">"🚶 "</span>{text}
                    <span class="small">" ("{T::PushedDashed.text(l)}")"</span>
                </p>
            })}
        })
    };
    let per_mode = move || {
        let l = lang.get();
        reaches.get().map(|all| {
            all.into_iter()
                .map(|(m, reach)| {
                    let text = match reach.and_then(|r| r.route_m.zip(r.time_s)) {
                        Some((d, t)) => format!("{} · {}", distance(d, l), minutes(t, l)),
                        None => T::Unreachable.text(l).to_string(),
                    };
                    view! {
                        <tr class:current=move || mode.get() == m>
                            <th scope="row">{mode_name(m, l)}</th>
                            <td data-testid=format!("detail-route-{}", m.as_str())>{text}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let status = {
        let hours = engine.hours(service).clone();
        move || {
            let now = now.get();
            view! { <OpenBadge status=hours.status(now) now=now lang=lang.get() /> }
        }
    };
    let outcome: RwSignal<Option<Shared>> = RwSignal::new(None);
    let share_title = {
        let name = name.clone();
        Signal::derive(move || format!("{name} · {}", T::AppTitleShort.text(lang.get())))
    };
    let show_route = move |_| state.view.set(View::Map);
    view! {
        <article class="detail" data-testid="service-detail" aria-labelledby="detail-title">
            <div class="detail-bar">
                <button class="back" data-testid="detail-close" on:click=close>
                    <span aria-hidden="true">"← "</span>{move || T::Back.text(lang.get())}
                </button>
                <ShareButton title=share_title label=T::Share outcome=outcome />
            </div>
            <ShareMessage outcome=outcome />
            <h2 id="detail-title" tabindex="-1" node_ref=heading>{s.name.clone()}</h2>
            <p class="kind-label">
                <span class=format!("shape {}", kind_class(s.kind)) aria-hidden="true"></span>
                {move || kind_name(s.kind, lang.get())}
            </p>
            <p class="status-line">{status}</p>
            {current}
            <HoursTable hours=engine.hours(service).clone() raw=s.opening_hours.clone() />
            <section class="way" aria-labelledby="way-title">
                <h3 id="way-title">{move || T::WayThere.text(lang.get())}</h3>
                <div class="links">
                    <Show when=move || state.layout() != Layout::Wide>
                        <button class="button" data-testid="show-route" on:click=show_route>
                            <span aria-hidden="true">"🗺 "</span>{move || T::ShowRouteOnMap.text(lang.get())}
                        </button>
                    </Show>
                </div>
                <HandoffLinks to=location name=name.clone() />
                <h4 class="subheading">{move || T::RouteByMode.text(lang.get())}</h4>
                <table class="modes"><tbody>{per_mode}</tbody></table>
            </section>
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
            <h3>{move || T::Services.text(lang.get())}</h3>
            <ul class="amenities full">
                {s.amenities.iter().map(|a| view! {
                    <li class="amenity"><span aria-hidden="true">{amenity_icon(a)}" "</span>{move || amenity_name(a, lang.get())}</li>
                }).collect_view()}
            </ul>
        </article>
    }
    .into_any()
}
