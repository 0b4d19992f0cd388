//! Linli (邻里): the nearest community service centre, courier rest stop or canteen, with route
//! distances computed in the browser. `main` installs the panic hook (the console, and a plain
//! message on the page) and mounts the app once the boot shell is painted.

mod app;
mod branding;
mod components;
mod config;
mod crash;
mod data;
mod data_origin;
mod declutter;
mod embed;
mod embed_messages;
mod fetch;
mod format;
mod geolocate;
mod handoff;
mod history;
mod i18n;
mod layout;
mod leaflet;
mod reorder;
mod screen;
mod state;
mod suggest;
mod tiled;
mod url_state;
mod virtual_list;

fn main() {
    std::panic::set_hook(Box::new(crash::on_panic));
    // After the next frame: the boot shell of index.html is painted first even when the wasm
    // arrives before the browser's first paint (loopback, a warm cache), so the page's frame
    // and its loading message are on screen at once and the app never delays the first paint.
    // A frame may never come (a hidden tab, a cross-origin iframe out of view): then after
    // 100 ms anyway. Whichever comes first mounts; the other finds it done.
    use std::{cell::Cell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(window) = web_sys::window() else {
        return;
    };
    let done = Rc::new(Cell::new(false));
    let mount = move || {
        if !done.replace(true) {
            leptos::mount::mount_to_body(app::App);
        }
    };
    let (w, m) = (window.clone(), mount.clone());
    let after_paint = Closure::once_into_js(move || {
        let _ = w.set_timeout_with_callback(&Closure::once_into_js(m).unchecked_into());
    });
    let _ = window.request_animation_frame(after_paint.unchecked_ref());
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        &Closure::once_into_js(mount).unchecked_into(),
        100,
    );
}
