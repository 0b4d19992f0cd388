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
    // After the boot shell of index.html has been painted and that paint reported
    // (`linliAfterFirstPaint`, index.html), in a task of its own: the page's frame and its
    // loading message are on screen at once, the app never delays the first paint, and the
    // shell's text counts as the largest paint (replaced sooner, the browser dropped that
    // paint and counted a later one). At the latest after 100 ms (a hidden tab, a
    // cross-origin iframe out of view: no paint). Without the helper, at once.
    use wasm_bindgen::{closure::Closure, prelude::wasm_bindgen};
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(catch, js_name = linliAfterFirstPaint)]
        fn after_first_paint(mount: &wasm_bindgen::JsValue) -> Result<(), wasm_bindgen::JsValue>;
    }
    let mount = Closure::once_into_js(|| leptos::mount::mount_to_body(app::App));
    if after_first_paint(&mount).is_err() {
        leptos::mount::mount_to_body(app::App);
    }
}
