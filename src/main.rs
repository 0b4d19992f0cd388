//! Linli (邻里): the nearest community service centre, courier rest stop or canteen, with route
//! distances computed in the browser. `main` installs the panic hook and mounts the app.

mod app;
mod components;
mod config;
mod data;
mod declutter;
mod format;
mod geolocate;
mod history;
mod i18n;
mod layout;
mod leaflet;
mod screen;
mod state;
mod url_state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
