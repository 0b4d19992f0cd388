//! The state in the address bar. Every change is written with `history.replaceState`, except
//! opening a place or the full-screen map, which get an entry of their own (`pushState`), so
//! the phone's Back button closes them instead of leaving the app.
//!
//! History entries stand for *where the user is* (list, detail, map); settings (starting
//! point, mode, kind, filters, language) are not undone by Back: going back applies only the
//! entry's place and view, and the address bar is then rewritten with the current settings.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::state::{AppState, Load};
use crate::url_state::{UrlState, View};

/// The marker in `history.state` of the entries this app pushed.
const PUSHED: &str = "linli-entry";

/// `location.search`.
pub fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The page's address for a query (path and hash kept).
pub fn href_for(query: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return query.to_string();
    };
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    format!("{path}{query}{hash}")
}

/// The page's full URL for a query (for sharing).
pub fn absolute_url(query: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{}", href_for(query))
}

fn write(query: &str, push: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let url = href_for(query);
    let _ = if push {
        history.push_state_with_url(&JsValue::from_str(PUSHED), "", Some(&url))
    } else {
        // Keep the entry's marker: a replaced pushed entry is still ours.
        let kept = history.state().unwrap_or(JsValue::NULL);
        history.replace_state_with_url(&kept, "", Some(&url))
    };
}

/// Was the current history entry pushed by this app (so Back stays in the app)?
fn on_pushed_entry() -> bool {
    web_sys::window()
        .and_then(|w| w.history().ok())
        .and_then(|h| h.state().ok())
        .and_then(|s| s.as_string())
        .is_some_and(|s| s == PUSHED)
}

fn back() {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.back();
    }
}

/// Closes the detail: Back, when the detail has its own entry, else in place.
pub fn close_detail(state: AppState) {
    if on_pushed_entry() && UrlState::from_query(&current_query()).place.is_some() {
        back();
    } else {
        state.selected.set(None);
    }
}

/// Leaves the full-screen map: Back, when the map has its own entry, else in place.
pub fn close_map(state: AppState) {
    if on_pushed_entry() && UrlState::from_query(&current_query()).view == View::Map {
        back();
    } else {
        state.view.set(View::List);
    }
}

/// Keeps the address bar in step with the state, and the state with Back and Forward.
pub fn sync(state: AppState) {
    let from_history = StoredValue::new(false);
    Effect::new(move |prev: Option<Option<(bool, View)>>| {
        if state.load.with(|l| *l != Load::Ready) {
            return None;
        }
        let url = state.url_state();
        let now = (url.place.is_some(), url.view);
        let query = url.to_query();
        let by_history = from_history.get_value();
        from_history.set_value(false);
        match prev.flatten() {
            // The first write after loading: a link that opens a place gets a list entry
            // under the place's, so Back shows the list.
            None => {
                if url.place.is_some() {
                    let list = UrlState {
                        place: None,
                        view: View::List,
                        ..url.clone()
                    };
                    write(&list.to_query(), false);
                    write(&query, true);
                } else if query != current_query() {
                    write(&query, false);
                }
            }
            Some((had_place, view)) => {
                if query != current_query() {
                    let entering =
                        (!had_place && now.0) || (view == View::List && now.1 == View::Map);
                    write(&query, entering && !by_history);
                }
            }
        }
        Some(now)
    });
    let handle = window_event_listener(leptos::ev::popstate, move |_| {
        let url = UrlState::from_query(&current_query());
        let selected = url.place.as_deref().and_then(|id| state.service_index(id));
        let changed =
            state.selected.get_untracked() != selected || state.view.get_untracked() != url.view;
        if changed {
            // The effect above rewrites the entry with the current settings, in place.
            from_history.set_value(true);
            state.selected.set(selected);
            state.view.set(url.view);
        } else {
            write(&state.url_state_untracked().to_query(), false);
        }
    });
    on_cleanup(move || handle.remove());
}
