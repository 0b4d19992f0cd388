//! The window size and the rendered size of the body text, kept in `AppState::screen` for the
//! layout. The text size is measured (a hidden 1 em box), so larger text from any source (the
//! browser's font size, text zoom, a root font-size) counts.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::layout::Screen;
use crate::state::AppState;

fn probe() -> Option<web_sys::HtmlElement> {
    let doc = web_sys::window()?.document()?;
    if let Some(el) = doc.get_element_by_id("linli-text-probe") {
        return el.dyn_into().ok();
    }
    let el = doc.create_element("span").ok()?;
    el.set_id("linli-text-probe");
    let _ = el.set_attribute("class", "text-probe");
    let _ = el.set_attribute("aria-hidden", "true");
    doc.body()?.append_child(&el).ok()?;
    el.dyn_into().ok()
}

fn measure(probe: &web_sys::HtmlElement) -> Option<Screen> {
    let w = web_sys::window()?;
    let width = w.inner_width().ok()?.as_f64()?;
    let height = w.inner_height().ok()?.as_f64()?;
    let text_px = probe.get_bounding_client_rect().height();
    Some(Screen {
        width,
        height,
        text_px: if text_px > 0.0 { text_px } else { 18.0 },
    })
}

/// Measures now, and again on every resize of the window or of the text.
pub fn watch(state: AppState) {
    let Some(probe) = probe() else { return };
    let update = {
        let probe = probe.clone();
        move || {
            if let Some(s) = measure(&probe) {
                if state.screen.get_untracked() != s {
                    state.screen.set(s);
                }
            }
        }
    };
    update();
    let on_resize = update.clone();
    let handle = window_event_listener(leptos::ev::resize, move |_| on_resize());
    on_cleanup(move || handle.remove());
    // The text size can change without a window resize (settings, root font-size).
    let callback = Closure::<dyn Fn()>::new(update);
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&probe);
        callback.forget();
        // The observer lives as long as the page.
        std::mem::forget(observer);
    }
}
