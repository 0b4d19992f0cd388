//! Linli in another page's iframe: the messages to and from the host page (what they hold and
//! where they may go: `embed_messages.rs`) and the frame's height.
//!
//! * Messages to the parent go to its origin: the `parent_origin=` origins, else the one the
//!   browser reports (`location.ancestorOrigins`, else `document.referrer`). When none is
//!   known, `ready`, `resize` and `error` go with `"*"` (they hold nothing private) and
//!   `select` is not sent.
//! * Commands are obeyed only from `window.parent` itself, and, with `parent_origin=`, only
//!   from those origins. Commands that need the data (`setOrigin`, `select`) wait for it.
//! * With `max_height=` the page flows to its content (the list or the detail) and reports
//!   its height on every change (`linli:resize`); the full-screen map and the wide layout ask
//!   for the whole `max_height`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use linli_core::decimal::Fixed;
use linli_core::{QueryError, Reach};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::Config;
use crate::embed_messages::{accepts, delivery, parse, Command, Delivery, Field, Outgoing};
use crate::format::whole_metres;
use crate::state::{AppState, Load, OriginSource};

/// The parent window and where its messages go.
struct Parent {
    window: web_sys::Window,
    delivery: Delivery,
}

impl Parent {
    fn send(&self, message: &Outgoing) {
        let object = Object::new();
        for (key, field) in message.fields() {
            let value = match field {
                Field::Str(s) => JsValue::from_str(&s),
                Field::Num(n) => JsValue::from_f64(n),
                Field::Null | Field::Missing | Field::Other => JsValue::NULL,
            };
            let _ = Reflect::set(&object, &key.into(), &value);
        }
        match &self.delivery {
            Delivery::To(origins) => {
                for origin in origins {
                    let _ = self.window.post_message(&object, origin);
                }
            }
            Delivery::UnknownParent if !message.private() => {
                let _ = self.window.post_message(&object, "*");
            }
            Delivery::UnknownParent | Delivery::Nowhere => {}
        }
    }
}

/// The parent window, when this page is in a frame.
fn parent_window() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    (!Object::is(&parent, &window)).then_some(parent)
}

/// `location.ancestorOrigins[0]`, where the browser has it.
fn ancestor_origin() -> Option<String> {
    let location = web_sys::window()?.location();
    let list = Reflect::get(&location, &"ancestorOrigins".into()).ok()?;
    if list.is_undefined() || list.is_null() {
        return None;
    }
    Reflect::get(&list, &JsValue::from(0)).ok()?.as_string()
}

/// The origin of `document.referrer`.
fn referrer_origin() -> Option<String> {
    let referrer = web_sys::window()?.document()?.referrer();
    if referrer.is_empty() {
        return None;
    }
    web_sys::Url::new(&referrer).ok().map(|u| u.origin())
}

/// A field of a received message.
fn field(data: &JsValue, key: &str) -> Field {
    if !data.is_object() {
        return Field::Missing;
    }
    match Reflect::get(data, &key.into()) {
        Ok(v) if v.is_undefined() => Field::Missing,
        Ok(v) if v.is_null() => Field::Null,
        Ok(v) => v
            .as_string()
            .map(Field::Str)
            .or_else(|| v.as_f64().map(Field::Num))
            .unwrap_or(Field::Other),
        Err(_) => Field::Missing,
    }
}

/// Connects the app to the page that embeds it (nothing happens outside a frame, except that
/// unusable host parameters are named in the console).
pub fn connect(
    state: AppState,
    config: &Config,
    ranked: Memo<Option<Result<Vec<Reach>, QueryError>>>,
) {
    for (parameter, why) in &config.problems {
        leptos::logging::warn!("Linli: parameter {parameter}: {why}");
    }
    let Some(window) = parent_window() else {
        return;
    };
    let listed = config.parent_origins.clone();
    let parent = Rc::new(Parent {
        window,
        delivery: delivery(
            &listed,
            ancestor_origin().as_deref(),
            referrer_origin().as_deref(),
        ),
    });
    for (parameter, why) in &config.problems {
        parent.send(&Outgoing::Error {
            code: "bad_parameter",
            detail: format!("{parameter}: {why}"),
        });
    }
    // Commands that need the data, until it is there.
    let waiting: Rc<RefCell<Vec<Command>>> = Rc::default();
    let height = state
        .frame_max_height
        .get_value()
        .map(|max| height_reporter(state, Rc::clone(&parent), max));

    // One effect for what the host hears: ready (after every successful load) and load
    // failures, a place opened (which, how far in the current mode, open or not), and the
    // page's height when the host sizes the frame to it.
    {
        let parent = Rc::clone(&parent);
        let waiting = Rc::clone(&waiting);
        Effect::new(move |previous: Option<(u8, Option<usize>)>| {
            let (was, was_selected) = previous.unwrap_or((u8::MAX, None));
            let (now, message) = state.load.with(|l| match l {
                Load::Loading(_) => (0, None),
                Load::Ready => {
                    let name = state.engine.with_untracked(|e| {
                        e.as_ref()
                            .map(|e| e.finder().bundle().name.clone())
                            .unwrap_or_default()
                    });
                    (1, Some(Outgoing::Ready { name }))
                }
                Load::Failed(e) => (
                    2,
                    Some(Outgoing::Error {
                        code: "load_failed",
                        detail: e.detail(),
                    }),
                ),
                Load::Refused(r) => (
                    3,
                    Some(Outgoing::Error {
                        code: "data_refused",
                        detail: r.detail(),
                    }),
                ),
            });
            if now != was {
                if let Some(m) = message {
                    parent.send(&m);
                }
                if now == 1 {
                    let commands = std::mem::take(&mut *waiting.borrow_mut());
                    for command in commands {
                        obey(state, &parent, command);
                    }
                }
            }
            let selected = state.selected.get();
            if let Some(i) = selected.filter(|_| selected != was_selected) {
                if let Some(m) = select_message(state, ranked, i) {
                    parent.send(&m);
                }
            }
            if let Some(report) = &height {
                // What flows changes with the layout and the view.
                let _ = (state.view.get(), state.layout());
                let report = Rc::clone(report);
                request_animation_frame(move || report());
            }
            (now, selected)
        });
    }

    // Commands from the parent.
    let handle = window_event_listener(leptos::ev::message, move |ev| {
        let from_parent = ev
            .source()
            .is_some_and(|s| Object::is(&s, parent.window.as_ref()));
        if !from_parent || !accepts(&listed, &ev.origin()) {
            return;
        }
        let data = ev.data();
        match parse(|k| field(&data, k)) {
            Ok(command) => {
                let needs_data = matches!(command, Command::SetOrigin(_) | Command::Select(_));
                if needs_data && state.load.with_untracked(|l| *l != Load::Ready) {
                    waiting.borrow_mut().push(command);
                } else {
                    obey(state, &parent, command);
                }
            }
            Err(rejected) => {
                if let Some(code) = rejected.code() {
                    parent.send(&Outgoing::Error {
                        code,
                        detail: rejected.detail(),
                    });
                }
            }
        }
    });
    on_cleanup(move || handle.remove());
}

/// The `select` message for service `i`: route metres and seconds from the list's ranking.
fn select_message(
    state: AppState,
    ranked: Memo<Option<Result<Vec<Reach>, QueryError>>>,
    i: usize,
) -> Option<Outgoing> {
    let engine = state.engine.get_untracked()?;
    let s = engine.finder().services().get(i)?;
    let reach = ranked.with_untracked(|r| match r {
        Some(Ok(all)) => all.iter().find(|r| r.service == i).copied(),
        _ => None,
    });
    let status = engine.hours(i).status(state.now.get_untracked());
    #[allow(clippy::cast_possible_truncation)]
    let seconds = |t: f64| t.round() as i64;
    Some(Outgoing::Select {
        id: s.id.clone(),
        name: s.name.clone(),
        kind: s.kind.code(),
        route_m: reach.and_then(|r| r.route_m).map(whole_metres),
        time_s: reach.and_then(|r| r.time_s).map(seconds),
        state: status.state.as_str(),
    })
}

/// Carries out a command from the host page.
fn obey(state: AppState, parent: &Parent, command: Command) {
    match command {
        Command::SetMode(m) => state.mode.set(m),
        Command::SetKind(k) => state.kind.set(k),
        Command::SetLang(l) => state.lang.set(l),
        Command::SetOrigin(p) => {
            if state.inside_area(p) {
                state.set_origin(p, OriginSource::Host);
                state.show_nearest.update(|n| *n += 1);
            } else {
                parent.send(&Outgoing::Error {
                    code: "outside_area",
                    detail: format!(
                        "setOrigin: {}, {} is outside this data's area",
                        Fixed(p.lat, 6),
                        Fixed(p.lng, 6)
                    ),
                });
            }
        }
        Command::Select(Some(id)) => match state.service_index(&id) {
            Some(i) => state.open_place(i),
            None => parent.send(&Outgoing::Error {
                code: "unknown_place",
                detail: format!(
                    "select: no place with id '{}' in this data",
                    id.chars().take(60).collect::<String>()
                ),
            }),
        },
        Command::Select(None) => {
            if state.selected.get_untracked().is_some() {
                crate::history::close_detail(state);
            }
        }
    }
}

/// Reports the page's height (see [`height_reporter`]).
type Report = Rc<dyn Fn()>;

/// A function that reports the page's height to the parent when it changed, once the data is
/// there: the content's height while the page flows, else the whole `max`. The first call
/// also starts watching the page's size (a `ResizeObserver` on `.app`).
fn height_reporter(state: AppState, parent: Rc<Parent>, max: f64) -> Report {
    let last = Rc::new(Cell::new(0_u32));
    let watching = Rc::new(Cell::new(false));
    let report: Rc<RefCell<Option<Report>>> = Rc::default();
    let this = Rc::clone(&report);
    let f: Report = Rc::new(move || {
        if state.load.with_untracked(|l| *l != Load::Ready) {
            return;
        }
        let Some(el) = app_element() else { return };
        if !watching.replace(true) {
            if let Some(me) = this.borrow().clone() {
                let callback = Closure::<dyn Fn()>::new(move || me());
                if let Ok(observer) =
                    web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref())
                {
                    observer.observe(&el);
                    callback.forget();
                    // The observer lives as long as the page.
                    std::mem::forget(observer);
                }
            }
        }
        let height = if untrack(|| state.flows()) {
            el.get_bounding_client_rect().height()
        } else {
            max
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let height = height.ceil().clamp(0.0, 100_000.0) as u32;
        if height != last.replace(height) {
            parent.send(&Outgoing::Resize { height });
        }
    });
    *report.borrow_mut() = Some(Rc::clone(&f));
    f
}

/// The app's root element.
fn app_element() -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector("[data-testid=app]")
        .ok()
        .flatten()
}
