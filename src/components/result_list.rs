//! The list of places, nearest first by route.

use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use linli_core::decimal::Fixed;
use linli_core::sort::SortDyn;
use linli_core::{Amenity, Reach};

use crate::components::open_badge::OpenBadge;
use crate::components::symbols::{amenity_icon, key_amenities, kind_class};
use crate::format::{distance, minutes, whole_metres};
use crate::i18n::{amenity_name, kind_name, push_note, results_count, T};
use crate::layout::Layout;
use crate::reorder::{self, Step};
use crate::state::{is_evening, use_app, Row};
use crate::url_state::OpenChoice;
use crate::virtual_list::{around_focus, visible_range, WINDOW_FROM};
use wasm_bindgen::JsCast;

/// One place in the list. `at` is its position in the list (from 0) and its distance, which
/// change in place when the rows are reordered (a travel mode, a filter): the card keeps its
/// elements. `of` is the list's length: screen readers say "3 of 100,000" when the list is
/// windowed.
#[component]
pub fn ResultCard(
    service: usize,
    at: Memo<(usize, Reach)>,
    of: Memo<usize>,
    now: Memo<chrono::NaiveDateTime>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang.get_untracked();
    let Some(engine) = state.engine.get_untracked() else {
        return ().into_any();
    };
    let s = engine.finder().services()[service].clone();
    let reach = move || at.get().1;
    let route = move || {
        let r = reach();
        r.route_m.zip(r.time_s)
    };
    let data_route = move || {
        reach()
            .route_m
            .map(|m| whole_metres(m).to_string())
            .unwrap_or_default()
    };
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
    let status = {
        let engine = engine.clone();
        let lang = state.lang;
        move || {
            let now = now.get();
            let status = engine.status(service, now);
            view! { <OpenBadge status=status now=now lang=lang.get_untracked() /> }
        }
    };
    let how_far = move || {
        let r = reach();
        let push = push_note(
            whole_metres(r.push_start_m),
            whole_metres(r.push_end_m),
            lang,
        );
        view! {
            {match r.route_m.zip(r.time_s) {
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
                " ("{T::StraightLine.text(lang)}" "{distance(r.straight_m, lang)}")"
            </span>
            {push.map(|text| view! {
                <span class="push-note" data-testid="push-note">
                    <span aria-hidden="true">" · 🚶 "</span>{text}
                </span>
            })}
        }
    };
    view! {
        <li
            aria-posinset=move || at.get().0 + 1
            aria-setsize=move || of.get()
            class="result"
            data-testid="result"
            data-service-id=s.id.clone()
            data-route-m=data_route
            data-reachable=move || route().is_some().to_string()
            data-kind=s.kind.code()
            data-services=services_attr
        >
            <button class="result-main" on:click=move |_| state.open_place(service)>
                <span class="result-name" data-testid="result-name">{s.name.clone()}</span>
                <span class="result-distance" data-testid="result-distance">{how_far}</span>
                {status}
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
            {
                let (rows, waiting) = rows_after_paint(rows);
                view! { <Rows rows=rows waiting=waiting /> }
            }
        </section>
    }
}

/// `rows`, but after a change only once the next frame has been painted (a frame, then a task):
/// the tap's own task, and its paint (the pressed button, the map), come before the list's
/// update, which is a task of its own. The first rows (the list was empty) come at once. The
/// second signal is true while a change waits.
fn rows_after_paint(rows: Memo<Vec<Row>>) -> (Memo<Vec<Row>>, ReadSignal<bool>) {
    let listed = RwSignal::new(rows.get_untracked());
    let waiting = RwSignal::new(false);
    let change = StoredValue::new(0_u32);
    Effect::new(move |first: Option<()>| {
        rows.track();
        if first.is_none() {
            return;
        }
        if listed.with_untracked(Vec::is_empty) {
            listed.set(rows.get_untracked());
            return;
        }
        change.update_value(|c| *c = c.wrapping_add(1));
        let c = change.get_value();
        waiting.set(true);
        crate::data::after_paint(move || {
            if change.try_get_value() == Some(c) {
                listed.set(rows.get_untracked());
                waiting.set(false);
            }
        });
    });
    (Memo::new(move |_| listed.get()), waiting.read_only())
}

/// The rows: all of a short list; of a long one, those in view and a margin
/// (`virtual_list.rs`), the rest stood in for by padding of their estimated height, so the
/// scroll bar and the keyboard behave as for the whole list. Rows that stay in view keep their
/// elements (and the focus) as the list scrolls.
#[component]
fn Rows(rows: Memo<Vec<Row>>, waiting: ReadSignal<bool>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let list = NodeRef::<leptos::html::Ol>::new();
    // The first rows drawn: a screenful, so the first results show after the work of a few
    // cards (a phone at 4× slowdown spent ~300 ms on all 45 Futian cards in one task). The
    // rest of a short list follows, FILL_STEP rows a task after each paint (below); a long
    // list's window once it is measured.
    let range = RwSignal::new((0_usize, FIRST_ROWS));
    // Until the list has been drawn whole (or measured) once.
    let first_fill = StoredValue::new(true);
    // Rows that left the window since the rows were last rebuilt; past RECYCLE_AFTER they are.
    let scrolled_out = StoredValue::new(0_usize);
    let recycle = RwSignal::new(0_u32);
    // Measured height of one row, pixels.
    let row_px = StoredValue::new(0.0_f64);
    // Bumped when the rows change (a mode, a kind, a filter, the clock's order) or the language.
    let epoch = Memo::new(move |e: Option<&u32>| {
        rows.track();
        lang.track();
        e.map_or(0, |e| e.wrapping_add(1))
    });
    // Bumped when every card must be drawn again (the language). Otherwise a card stays while
    // its place is in the rows, moved and updated in place (`ResultCard`'s `at`), so a tap that
    // reorders the rows builds no cards, and the keyboard focus can stay where it is.
    let language = Memo::new(move |_| lang.get());
    // Where each place is in the rows: 1 + its index, 0 when it is not there (by service index).
    let places = Memo::new(move |_| {
        rows.with(|r| {
            let n = r.iter().map(|row| row.service + 1).max().unwrap_or(0);
            let mut at = vec![0_u32; n];
            for (k, row) in r.iter().enumerate() {
                at[row.service] = u32::try_from(k + 1).unwrap_or(u32::MAX);
            }
            at
        })
    });
    let of = Memo::new(move |_| rows.with(Vec::len));

    // After the rows change, the cards they add are drawn CHUNK_ROWS at a time, one task each,
    // so no tap makes one long task of building them all (the cards already drawn are only
    // moved). `drawn_for` is the epoch whose rows were all drawn; until it is the current one,
    // `shown` adds new cards only as far as `budget` (epoch, cards still allowed) lets it, and
    // each task of `draw_more` allows CHUNK_ROWS more and bumps `fill`. The first drawing is
    // whole (it is what the page opens with). The list is busy (`aria-busy`) until `drawn_for`
    // catches up, so a screen reader does not read a list still being drawn.
    let fill = RwSignal::new(0_u32);
    let drawn_for = RwSignal::new(0_u32);
    let budget = StoredValue::new((0_u32, usize::MAX));
    // The places whose cards `shown` last gave (sorted), and whether that was the whole window.
    let on_list = StoredValue::new(Vec::<usize>::new());
    let complete = StoredValue::new(true);
    Effect::new(move |_| {
        let e = epoch.get();
        if e > 0 {
            draw_more(e, epoch, (fill, drawn_for, complete, budget));
        }
    });

    // Runs in animation frames, which may come after the list was taken down (a place was
    // opened): then it does nothing.
    let measure = move || {
        let (Some(current), Some(old_px), Some(n)) = (
            range.try_get_untracked(),
            row_px.try_get_value(),
            rows.try_with_untracked(Vec::len),
        ) else {
            return;
        };
        let (Some(ol), Some(panel)) = (list.get_untracked(), panel()) else {
            return;
        };
        // Hidden behind a place's detail: nothing to measure until it shows again. (An empty
        // window, left by an empty list, is drawn at 0 px too: that one is resized below.)
        if ol.client_height() == 0 && n > 0 && current.1 > current.0 {
            return;
        }
        if n <= WINDOW_FROM {
            let filling = first_fill.get_value() && current.0 == 0 && current.1 < n;
            if current != (0, n) && !filling {
                range.set((0, n));
            }
            if !filling {
                first_fill.set_value(false);
            }
            return;
        }
        first_fill.set_value(false);
        // The average height of the rows drawn now (the first measurement sticks unless the
        // text size changed a lot, so the padding does not jump while scrolling).
        let drawn = ol.child_element_count();
        if drawn > 0 {
            let style = web_sys::window().and_then(|w| w.get_computed_style(&ol).ok().flatten());
            let pad = |name: &str| {
                style
                    .as_ref()
                    .and_then(|s| s.get_property_value(name).ok())
                    .and_then(|v| linli_core::decimal::parse(v.trim_end_matches("px")))
                    .unwrap_or(0.0)
            };
            let inner = f64::from(ol.client_height()) - pad("padding-top") - pad("padding-bottom");
            let avg = inner / f64::from(drawn);
            if avg.is_finite()
                && avg > 0.0
                && (old_px == 0.0 || (avg - old_px).abs() > old_px * 0.3)
            {
                row_px.set_value(avg);
            }
        }
        let top = ol.get_bounding_client_rect().top() - panel.get_bounding_client_rect().top();
        let next = visible_range(n, row_px.get_value(), top, f64::from(panel.client_height()));
        if next != current {
            let gone = current.0.abs_diff(next.0).max(current.1.abs_diff(next.1));
            let total = scrolled_out.get_value() + gone;
            if total > RECYCLE_AFTER {
                scrolled_out.set_value(0);
                range.set(next);
                recycle.update(|r| *r = r.wrapping_add(1));
            } else {
                scrolled_out.set_value(total);
                range.set(next);
            }
        }
    };
    // Follow the panel's scrolling (at most once a frame) and the window's size.
    let queued = StoredValue::new(false);
    let on_scroll = move || {
        if queued.get_value() {
            return;
        }
        queued.set_value(true);
        request_animation_frame(move || {
            if queued.try_set_value(false).is_none() {
                measure();
            }
        });
    };
    let scroll_handle = StoredValue::new_local(None::<ScrollListener>);
    Effect::new(move |_| {
        // New rows: measure again once they are drawn.
        rows.track();
        if scroll_handle.with_value(Option::is_none) {
            if let Some(p) = panel() {
                scroll_handle.set_value(Some(ScrollListener::new(&p, on_scroll)));
            }
        }
        request_animation_frame(measure);
    });
    // The first fill of a short list: after each paint, the next FILL_STEP rows in a task of
    // their own (no layout is read), until it is whole.
    Effect::new(move |_| {
        let current = range.get();
        let n = rows.with(Vec::len);
        if first_fill.get_value() && n <= WINDOW_FROM && current.0 == 0 && current.1 < n {
            crate::data::after_paint(move || {
                if range.try_get_untracked() == Some(current) {
                    range.set((0, (current.1 + FILL_STEP).min(n)));
                }
            });
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| on_scroll());
    on_cleanup(move || {
        resize.remove();
        scroll_handle.update_value(|h| {
            if let Some(h) = h.take() {
                h.remove();
            }
        });
    });

    // Keyboard focus moving along a long list: the rows next to the focused one are drawn at
    // once (the DOM update runs before the next key press), not a frame later when the scroll
    // is measured, so Tab never runs past the drawn rows on a slow phone. The scroll
    // measurement narrows the window again.
    let on_focusin = move |ev: leptos::ev::FocusEvent| {
        let Some(pos) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-testid=result]").ok().flatten())
            .and_then(|row| row.get_attribute("aria-posinset"))
            .and_then(|p| p.parse::<usize>().ok())
        else {
            return;
        };
        let n = rows.with_untracked(Vec::len);
        let current = range.get_untracked();
        let wanted = around_focus(n, current, pos.saturating_sub(1));
        if wanted != current {
            range.set(wanted);
        }
    };
    let padding = move || {
        let n = rows.with(Vec::len);
        let (start, end) = range.get();
        let h = row_px.get_value();
        if n <= WINDOW_FROM || h <= 0.0 {
            return String::new();
        }
        #[allow(clippy::cast_precision_loss)]
        let (above, below) = (start as f64 * h, n.saturating_sub(end) as f64 * h);
        format!(
            "padding-top: {}px; padding-bottom: {}px",
            Fixed(above, 0),
            Fixed(below, 0)
        )
    };
    let shown = move || {
        // A short list, once filled, is shown whole at once when its rows change (not a frame
        // later, when `measure` would widen the range).
        let (start, end) = match range.get() {
            _ if !first_fill.get_value() && rows.with(Vec::len) <= WINDOW_FROM => (0, usize::MAX),
            range => range,
        };
        fill.track();
        let e = epoch.get_untracked();
        let limit = match budget.get_value() {
            _ if drawn_for.get_untracked() == e => usize::MAX,
            (for_epoch, left) if for_epoch == e => left,
            _ => CHUNK_ROWS,
        };
        let (out, whole, fresh) = rows.with(|r| {
            let end = end.min(r.len());
            let start = start.min(end);
            let mut fresh = 0;
            let mut out = Vec::with_capacity(end - start);
            on_list.with_value(|drawn| {
                for (k, row) in r[start..end].iter().enumerate() {
                    if drawn.binary_search(&row.service).is_err() {
                        if fresh == limit {
                            break;
                        }
                        fresh += 1;
                    }
                    out.push((start + k, row.clone()));
                }
            });
            let whole = out.len() == end - start;
            (out, whole, fresh)
        });
        if limit != usize::MAX {
            budget.set_value((e, limit - fresh));
        }
        complete.set_value(whole);
        let mut services: Vec<usize> = out.iter().map(|(_, row)| row.service).collect();
        services.sort_unstable_by_dyn(Ord::cmp);
        on_list.set_value(services);
        // A card that moves loses the keyboard focus (it is taken out and put back): give it
        // back once the list is updated.
        if let Some(id) = focused_place() {
            request_animation_frame(move || refocus_place(&id));
        }
        out
    };
    // The cards, kept in step with `shown`: a card is built when its place comes on the list,
    // moved when the order changes (only the cards outside a longest run that kept its order,
    // `reorder::plan`), and taken down when its place leaves. All are built again (under a
    // fresh reactive owner) when the language changes, and after many rows have scrolled
    // past: Leptos keeps a little bookkeeping per card ever shown until its owner goes, which
    // a long scroll would otherwise pile up.
    let generation = Memo::new(move |g: Option<&u32>| {
        language.track();
        recycle.track();
        g.map_or(0, |g| g.wrapping_add(1))
    });
    let parent = Owner::current().expect("the list is built under an owner");
    let drawn = StoredValue::new_local(Drawn::default());
    Effect::new(move |_| {
        let g = generation.get();
        let Some(ol) = list.get() else {
            return;
        };
        if drawn.with_value(|d| d.generation.as_ref().map(|x| x.number) != Some(g)) {
            drawn.update_value(Drawn::clear);
            // Nothing is drawn in the new generation yet.
            on_list.set_value(Vec::new());
            let owner = parent.with(Owner::new);
            // The cards' clock: the cards come and go as the list scrolls, and Leptos keeps
            // a small record of every reader a long-lived signal ever had, so they read this
            // copy, which goes with them.
            let now = owner.with(|| Memo::new(move |_| state.now.get()));
            drawn.update_value(|d| {
                d.generation = Some(Generation {
                    number: g,
                    owner,
                    now,
                });
            });
        }
        let wanted = shown();
        untrack(|| {
            drawn.update_value(|d| {
                d.redraw(&ol, wanted, |owner, now, (i, row)| {
                    let service = row.service;
                    let first = (i, row.reach);
                    owner.with(|| {
                        // Where the card is and how far, following the rows; the last known
                        // while the card is being taken down.
                        let at = Memo::new(move |last: Option<&(usize, Reach)>| {
                            let p = places.with(|p| p.get(service).copied().unwrap_or(0));
                            let p = usize::try_from(p).unwrap_or(0);
                            rows.with(|r| {
                                p.checked_sub(1)
                                    .and_then(|k| r.get(k).map(|row| (k, row.reach)))
                            })
                            .or_else(|| last.copied())
                            .unwrap_or(first)
                        });
                        view! { <ResultCard service=service at=at of=of now=now /> }
                            .into_any()
                            .build()
                    })
                });
            });
        });
    });

    // A list not drawn whole yet: rows that came a frame ago, the cards of a change still
    // being drawn a chunk per task, or a short list's first screenful.
    let busy = move || {
        let n = rows.with(Vec::len);
        let (start, end) = range.get();
        let drawing = drawn_for.get() != epoch.get();
        (waiting.get() || drawing || (n <= WINDOW_FROM && (start > 0 || end < n))).then_some("true")
    };
    let count = move || {
        let n = rows.with(Vec::len);
        (n > WINDOW_FROM).then(|| {
            view! { <p class="small result-count" data-testid="result-count">{results_count(n, lang.get())}</p> }
        })
    };
    view! {
        {move || rows.with(Vec::is_empty).then(|| view! {
            <p class="notice" data-testid="no-results">{T::NoResults.text(lang.get())}</p>
        })}
        {count}
        <ol class="result-list" data-testid="result-list" node_ref=list style=padding on:focusin=on_focusin
            aria-busy=busy
            hidden=move || rows.with(Vec::is_empty)>
            // The cards: drawn, moved and taken out by the effect above.
        </ol>
    }
}

/// Cards drawn per task after the rows change: a phone's screenful and more.
const CHUNK_ROWS: usize = 10;

/// What `draw_more` works with: `Rows`' `fill`, `drawn_for`, `complete` and `budget`.
type Chunks = (
    RwSignal<u32>,
    RwSignal<u32>,
    StoredValue<bool>,
    StoredValue<(u32, usize)>,
);

/// In a task of its own, lets the next CHUNK_ROWS new cards of epoch `e` be drawn, and so on
/// until all are (nothing when the rows changed again meanwhile, or the list was taken down).
fn draw_more(e: u32, epoch: Memo<u32>, (fill, drawn_for, complete, budget): Chunks) {
    set_timeout(
        move || {
            // The list may have been taken down meanwhile (with the signals it made).
            if drawn_for.try_get_untracked().is_none() || epoch.get_untracked() != e {
                return;
            }
            if complete.get_value() {
                drawn_for.set(e);
                return;
            }
            budget.set_value((e, CHUNK_ROWS));
            fill.update(|f| *f = f.wrapping_add(1));
            draw_more(e, epoch, (fill, drawn_for, complete, budget));
        },
        std::time::Duration::ZERO,
    );
}

/// The cards on the list (see `Rows`): each under its own reactive owner, by place, and the
/// places in the order the cards are in the `ol`.
#[derive(Default)]
struct Drawn {
    generation: Option<Generation>,
    /// The places, in the order of their cards.
    order: Vec<usize>,
    cards: std::collections::HashMap<usize, Card>,
}

/// One place's card: its view, its reactive owner, and its `li` (the view's one root, which
/// never changes), for the card drawn before it to be placed in front of.
struct Card {
    owner: Owner,
    view: AnyViewState,
    li: Option<web_sys::Node>,
}

impl Card {
    /// Takes the card out of the list and cleans up what it made.
    fn take_down(mut self) {
        self.view.unmount();
        self.owner.cleanup();
    }
}

/// The cards drawn since the language last changed or the list was last recycled.
struct Generation {
    /// `Rows`' `generation`.
    number: u32,
    /// The owner of the generation's cards' owners.
    owner: Owner,
    /// The cards' clock.
    now: Memo<chrono::NaiveDateTime>,
}

impl Drawn {
    /// Takes every card down, with its owner and the generation's.
    fn clear(&mut self) {
        for (_, card) in self.cards.drain() {
            card.take_down();
        }
        self.order.clear();
        if let Some(generation) = self.generation.take() {
            generation.owner.cleanup();
        }
    }

    /// Makes the `ol`'s cards those of `rows`, in their order: takes down the cards whose
    /// place left, builds those of new places (`build`, given a fresh owner under the
    /// generation's and the generation's clock), and moves as few as `reorder::plan` says.
    fn redraw(
        &mut self,
        ol: &web_sys::HtmlOListElement,
        rows: Vec<(usize, Row)>,
        build: impl Fn(&Owner, Memo<chrono::NaiveDateTime>, (usize, Row)) -> AnyViewState,
    ) {
        let Some(Generation { owner, now, .. }) = &self.generation else {
            return;
        };
        let (generation, now) = (owner.clone(), *now);
        let order: Vec<usize> = rows.iter().map(|(_, row)| row.service).collect();
        let plan = reorder::plan(&self.order, &order);
        for place in plan.removed {
            if let Some(card) = self.cards.remove(&place) {
                card.take_down();
            }
        }
        // From the last card to the first, each placed before the one after it.
        let mut next: Option<web_sys::Node> = None;
        for (step, row) in plan.steps.into_iter().zip(rows.into_iter().rev()) {
            let li = match step {
                Step::Stay(place) => self.cards.get(&place).and_then(|card| card.li.clone()),
                Step::Move(place) => self.cards.get_mut(&place).and_then(|card| {
                    card.view.mount(ol, next.as_ref());
                    card.li.clone()
                }),
                Step::Insert(place) => {
                    let owner = generation.with(Owner::new);
                    let mut view = build(&owner, now, row);
                    view.mount(ol, next.as_ref());
                    let li: Option<web_sys::Node> =
                        view.elements().into_iter().next().map(Into::into);
                    let card = Card {
                        owner,
                        view,
                        li: li.clone(),
                    };
                    self.cards.insert(place, card);
                    li
                }
            };
            if li.is_some() {
                next = li;
            }
        }
        self.order = order;
    }
}

/// The `data-service-id` of the row that has the keyboard focus, if one has.
fn focused_place() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    doc.active_element()?
        .closest("[data-testid=result]")
        .ok()??
        .get_attribute("data-service-id")
}

/// Focuses the main button of the row of place `id` if the focus was lost (it is on the page
/// itself) and the row is drawn.
fn refocus_place(id: &str) {
    let lost = web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.active_element().is_none_or(|a| a.tag_name() == "BODY"));
    if lost {
        focus_result(id);
    }
}

/// Focuses the main button of the row of place `id`, if it is drawn, without scrolling.
pub fn focus_result(id: &str) {
    let escaped = id.replace('\\', "\\\\").replace('"', "\\\"");
    let button = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!(
                "[data-testid=result][data-service-id=\"{escaped}\"] .result-main"
            ))
            .ok()
            .flatten()
        })
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(b) = button {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = b.focus_with_options(&options);
    }
}

/// After this many rows have left the window, the rows are built afresh (see `Rows`).
const RECYCLE_AFTER: usize = 400;
/// Rows drawn first, before the first paint: more than a phone screen shows.
const FIRST_ROWS: usize = 8;
/// Rows of a short list drawn per task after that, until it is whole.
const FILL_STEP: usize = 12;

/// The panel (list or detail), which scrolls.
fn panel() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .query_selector("[data-testid=panel]")
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}

/// A passive `scroll` listener on an element, removed by [`ScrollListener::remove`].
struct ScrollListener {
    target: web_sys::HtmlElement,
    handler: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl ScrollListener {
    fn new(target: &web_sys::HtmlElement, f: impl Fn() + 'static) -> ScrollListener {
        let handler = wasm_bindgen::closure::Closure::<dyn Fn()>::new(f);
        let _ = target.add_event_listener_with_callback("scroll", handler.as_ref().unchecked_ref());
        ScrollListener {
            target: target.clone(),
            handler,
        }
    }

    fn remove(self) {
        let _ = self
            .target
            .remove_event_listener_with_callback("scroll", self.handler.as_ref().unchecked_ref());
    }
}
