//! The search box: places by name, address or service and streets by name, in characters,
//! pinyin (full, initials, mixed) or English, as the user types, with no network (the core's
//! `SearchIndex`, the same as `linli search`). Choosing a place opens it; choosing a street
//! makes it the starting point.
//!
//! Accessibility: the ARIA 1.2 combobox pattern with a listbox popup. Focus stays in the box;
//! ↓/↑ move the highlight (`aria-activedescendant`), Enter chooses, Esc closes (a second Esc
//! clears); a polite live region says how many suggestions there are.
//!
//! Chinese input methods: while a composition is under way (`compositionstart` …
//! `compositionend`, or an `input` event with `isComposing`), the pinyin being typed is not
//! searched; the composed text is searched once, on `compositionend`.

use leptos::prelude::*;
use linli_core::decimal::Fixed;
use linli_core::search::{Hit, Matched, SearchQuery, Target, DEFAULT_LIMIT};
use wasm_bindgen::JsCast;

use crate::components::symbols::kind_class;
use crate::data::{bump_counter, now_ms, publish_timing};
use crate::format::distance;
use crate::i18n::{amenity_name, kind_name, search_count, Lang, T};
use crate::layout::Layout;
use crate::state::{use_app, AppState, OriginSource, WarmUp};
use crate::suggest::{Key, Outcome, Popup};

const INPUT_ID: &str = "linli-search";
const LISTBOX_ID: &str = "linli-search-suggestions";
const HINT_ID: &str = "linli-search-hint";

/// Suggestions in the compact layout (phones at large text): what fits one screen there.
const COMPACT_LIMIT: usize = 5;

fn option_id(i: usize) -> String {
    format!("linli-search-option-{i}")
}

/// Searches for `text` from the starting point (ranking) and the map centre (which part of a
/// repeated street name); counts the search in `window.__linliCounters.searches` and its time
/// in `window.__linliTimings.searchMs`.
fn search(state: AppState, text: &str) -> Vec<Hit> {
    let Some(engine) = state.engine.get_untracked() else {
        return Vec::new();
    };
    bump_counter("searches");
    let t0 = now_ms();
    let from = state
        .origin
        .get_untracked()
        .map(|o| o.point)
        .unwrap_or_else(|| engine.finder().bundle().bbox.center());
    let centre = state.map_centre.get_untracked().unwrap_or(from);
    let limit = if state.layout() == Layout::Compact {
        COMPACT_LIMIT
    } else {
        DEFAULT_LIMIT
    };
    let hits = engine.search().search(&SearchQuery {
        text,
        from,
        centre,
        limit,
    });
    publish_timing("searchMs", now_ms() - t0);
    hits
}

/// Acts on a chosen suggestion: a place opens, a street becomes the starting point.
fn choose(state: AppState, hit: &Hit) {
    match hit.target {
        Target::Place { service, .. } => state.open_place(service),
        Target::Street { .. } => {
            state.set_origin(hit.location, OriginSource::Search);
            if state
                .origin
                .get_untracked()
                .is_some_and(|o| o.source == OriginSource::Search)
            {
                state.origin_name.set(Some(hit.name.clone()));
                state.show_nearest.update(|n| *n += 1);
            }
        }
    }
}

/// What a suggestion says under its name: the kind (or "street · set as the start"), how far
/// it is in a straight line, and what matched when it is not the name.
fn suggestion_meta(hit: &Hit, lang: Lang) -> String {
    let kind = match hit.target {
        Target::Place { kind, .. } => kind_name(kind, lang),
        Target::Street { .. } => T::SearchStreet.text(lang),
    };
    let mut parts = vec![
        kind.to_string(),
        format!(
            "{} {}",
            T::StraightLine.text(lang),
            distance(hit.distance_m, lang)
        ),
    ];
    match hit.matched {
        Matched::Address => parts.push(T::SearchMatchedAddress.text(lang).to_string()),
        Matched::Service(a) => parts.push(amenity_name(a, lang).to_string()),
        Matched::Name | Matched::Kind => {}
    }
    parts.join(" · ")
}

/// The search box and its suggestions.
///
/// A keystroke costs little: only what changed is written (the suggestions when they differ,
/// the list's state, the count when the number changes); the suggestions are a fixed set of
/// rows updated in place (a row's name, kind and distance change, its element stays), and the
/// list floats over the page (style/main.css), so the page under it is not laid out again.
#[component]
pub fn SearchBox() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    // What is in the box (not a signal: nothing is drawn from it directly).
    let text = StoredValue::new(String::new());
    let hits: RwSignal<Vec<Hit>> = RwSignal::new(Vec::new());
    let popup = RwSignal::new(Popup::default());
    // The suggestion rows are made (see `rows` below).
    let warm = RwSignal::new(false);
    // How many suggestions the text in the box has, once it has been searched (None while it
    // is empty or being composed): for the live region and "nothing found".
    let counted: RwSignal<Option<usize>> = RwSignal::new(None);
    let composing = StoredValue::new(false);
    // The text last searched, so the same text is not searched twice (browsers differ in
    // whether an `input` event follows `compositionend`).
    let searched = StoredValue::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();

    // Makes the rows if they are not made yet (see `rows` below).
    let make_rows = move || {
        if !warm.get_untracked() {
            warm.set(true);
        }
    };
    let set_counted = move |c: Option<usize>| {
        if counted.get_untracked() != c {
            counted.set(c);
        }
    };
    let run = move |value: String| {
        make_rows();
        if value != searched.get_value() {
            searched.set_value(value.clone());
            let found = if value.trim().is_empty() {
                Vec::new()
            } else {
                search(state, &value)
            };
            let open = Popup {
                open: !found.is_empty(),
                active: None,
            };
            if hits.with_untracked(|shown| *shown != found) {
                hits.set(found);
            }
            if popup.get_untracked() != open {
                popup.set(open);
            }
        }
        set_counted((!value.trim().is_empty()).then(|| hits.with_untracked(Vec::len)));
    };
    let pick = move |i: usize| {
        let Some(hit) = hits.with_untracked(|h| h.get(i).cloned()) else {
            return;
        };
        popup.set(Popup::default());
        text.set_value(hit.name.clone());
        searched.set_value(hit.name.clone());
        if let Some(el) = input.get_untracked() {
            el.set_value(&hit.name);
        }
        choose(state, &hit);
    };

    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let in_composition = ev
            .dyn_ref::<web_sys::InputEvent>()
            .is_some_and(web_sys::InputEvent::is_composing);
        text.set_value(value.clone());
        if composing.get_value() || in_composition {
            set_counted(None);
            return;
        }
        run(value);
    };
    let on_composition_start = move |_: leptos::ev::CompositionEvent| {
        composing.set_value(true);
        set_counted(None);
    };
    let on_composition_end = move |ev: leptos::ev::CompositionEvent| {
        composing.set_value(false);
        let value = event_target_value(&ev);
        text.set_value(value.clone());
        run(value);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // Keys pressed to drive the input method belong to it.
        if ev.is_composing() || composing.get_value() {
            return;
        }
        let Some(key) = Key::from_name(&ev.key()) else {
            return;
        };
        let count = hits.with_untracked(Vec::len);
        let Some((next, outcome)) = popup.get_untracked().key(key, count) else {
            return;
        };
        ev.prevent_default();
        popup.set(next);
        match outcome {
            Outcome::Stay => {}
            Outcome::Choose(i) => pick(i),
            Outcome::Clear => {
                text.set_value(String::new());
                if let Some(el) = input.get_untracked() {
                    el.set_value("");
                }
                run(String::new());
            }
        }
        if let Some(i) = next.active {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&option_id(i)))
            {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                el.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    };
    // Leaving the box closes the list (choosing with the pointer keeps the focus in the box:
    // options do not take it on mousedown).
    let on_blur = move |_| {
        if popup.get_untracked() != Popup::default() {
            popup.set(Popup::default());
        }
    };
    let on_focus = move |_| {
        make_rows();
        if !text.with_value(|t| t.trim().is_empty()) && hits.with_untracked(|h| !h.is_empty()) {
            popup.set(Popup {
                open: true,
                active: None,
            });
        }
    };

    let expanded = Memo::new(move |_| popup.with(|p| p.open) && hits.with(|h| !h.is_empty()));
    let active = Memo::new(move |_| popup.with(|p| p.active).filter(|_| expanded.get()));
    let count = move || counted.get().map(|n| search_count(n, lang.get()));
    let nothing = move || {
        (counted.get() == Some(0)).then(|| {
            view! { <p class="search-nothing small" data-testid="search-nothing">{T::SearchNothing.text(lang.get())}</p> }
        })
    };
    // The rows: a fixed set, one per place in the list, made while the page is idle after the
    // search index is built (or when the box first gets the focus, if that comes first) and
    // kept; a keystroke only updates the rows whose suggestion changed, in place, and hides
    // those past the end of the list.
    let rows = move || {
        warm.get().then(|| {
            (0..DEFAULT_LIMIT)
                .map(|i| {
                    let item = Memo::new(move |_| hits.with(|h| h.get(i).cloned()));
                    suggestion_row(state, i, item, active, pick)
                })
                .collect_view()
        })
    };

    // Made ready while the page is idle after the search index is built
    // (`WarmUp::SearchRows`): the rows are made (instead of on the first focus), and in a later
    // task filled once with suggestions and emptied again, hidden under the closed list, so
    // the first focus and the first key do not compile their code (the browser compiles wasm
    // a function at a time, on its first call, on the main thread: at 4× slowdown 57 functions
    // on the first focus and 28 on the first key, 6–12 ms of compiling each in traces; now 4
    // and 18).
    let rehearsed = StoredValue::new(false);
    Effect::new(move |_| {
        if state.warm_up.get() < WarmUp::SearchRows || rehearsed.get_value() {
            return;
        }
        rehearsed.set_value(true);
        make_rows();
        leptos::task::spawn_local(async move {
            crate::data::next_task().await;
            rehearse_rows(state, text, hits).await;
        });
    });

    view! {
        <div class="search" data-testid="search">
            <label class="visually-hidden" for=INPUT_ID>{move || T::SearchLabel.text(lang.get())}</label>
            <div class="search-field">
                <span class="search-icon" aria-hidden="true">"⌕"</span>
                <input
                    id=INPUT_ID
                    node_ref=input
                    type="text"
                    inputmode="search"
                    enterkeyhint="search"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls=LISTBOX_ID
                    aria-expanded=move || expanded.get().to_string()
                    aria-activedescendant=move || active.get().map(option_id)
                    aria-describedby=HINT_ID
                    placeholder=move || T::SearchPlaceholder.text(lang.get())
                    data-testid="search-input"
                    on:input=on_input
                    on:compositionstart=on_composition_start
                    on:compositionend=on_composition_end
                    on:keydown=on_keydown
                    on:blur=on_blur
                    on:focus=on_focus
                />
            </div>
            <span id=HINT_ID class="visually-hidden">{move || T::SearchHint.text(lang.get())}</span>
            // The list hangs from a frame of fixed size (no height), a relayout boundary
            // (style/main.css), always there: a keystroke's new rows, and the list shown or
            // hidden, are laid out from it, not from the document.
            <div class="suggestions-frame">
                <ul
                    id=LISTBOX_ID
                    role="listbox"
                    class="suggestions"
                    data-testid="search-suggestions"
                    aria-label=move || T::SearchSuggestions.text(lang.get())
                    hidden=move || !expanded.get()
                >
                    {rows}
                </ul>
            </div>
            {nothing}
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="search-count">{count}</p>
        </div>
    }
}

/// Fills the suggestion rows with a search's hits and empties them again, in one task (the
/// updates run in the task's microtasks), while the box is untouched: nothing is shown (the
/// list is closed, so the rows are not laid out) and nothing is counted or announced.
async fn rehearse_rows(state: AppState, text: StoredValue<String>, hits: RwSignal<Vec<Hit>>) {
    let untouched = text.with_value(String::is_empty) && hits.with_untracked(Vec::is_empty);
    let Some(engine) = state.engine.get_untracked().filter(|_| untouched) else {
        return;
    };
    let centre = engine.finder().bundle().bbox.center();
    let sample = engine.search().search(&SearchQuery {
        text: "c",
        from: centre,
        centre,
        limit: DEFAULT_LIMIT,
    });
    // A change wakes every view that reads it at once (memos mark their readers as they are
    // marked), so one turn of the executor runs them all.
    hits.set(sample);
    leptos::task::tick().await;
    hits.set(Vec::new());
    leptos::task::tick().await;
}

/// An attribute present while `f` gives a value (one closure type for several attributes:
/// less code).
fn attr(
    f: impl Fn() -> Option<&'static str> + Send + Sync + 'static,
) -> Signal<Option<&'static str>> {
    Signal::derive(f)
}

/// Suggestion row `i`, showing `item` (hidden while it is `None`).
fn suggestion_row(
    state: AppState,
    i: usize,
    item: Memo<Option<Hit>>,
    active: Memo<Option<usize>>,
    pick: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = state.lang;
    let selected = move || active.get() == Some(i);
    let filled = Memo::new(move |_| item.with(Option::is_some));
    let of =
        move |f: fn(&Hit) -> String| move || item.with(|h| h.as_ref().map(f).unwrap_or_default());
    let id = move || {
        item.with(|h| match h.as_ref().map(|h| h.target) {
            Some(Target::Place { service, .. }) => state.engine.with_untracked(|e| {
                e.as_ref()
                    .and_then(|e| e.finder().services().get(service).map(|s| s.id.clone()))
            }),
            _ => None,
        })
        .unwrap_or_default()
    };
    view! {
        // An empty row is hidden, and not an option.
        <li
            id=option_id(i)
            role=attr(move || filled.get().then_some("option"))
            hidden=move || !filled.get()
            class="suggestion"
            class:active=selected
            aria-selected=attr(move || filled.get().then(|| if selected() { "true" } else { "false" }))
            data-testid=attr(move || filled.get().then_some("search-option"))
            data-kind=of(|h| h.target.kind_code().to_string())
            data-id=id
            data-lat=of(|h| Fixed(h.location.lat, 6).to_string())
            data-lng=of(|h| Fixed(h.location.lng, 6).to_string())
            on:mousedown=|ev: leptos::ev::MouseEvent| ev.prevent_default()
            on:click=move |_| pick(i)
        >
            <span
                class=of(|h| match h.target {
                    Target::Place { kind, .. } => format!("shape {}", kind_class(kind)),
                    Target::Street { .. } => "shape shape-street".to_string(),
                })
                aria-hidden="true"
            ></span>
            <span class="suggestion-text">
                <span class="suggestion-name">{of(|h| h.name.clone())}</span>
                <span class="suggestion-meta">
                    {move || {
                        let l = lang.get();
                        item.with(|h| h.as_ref().map(|h| suggestion_meta(h, l)).unwrap_or_default())
                    }}
                </span>
            </span>
        </li>
    }
}
