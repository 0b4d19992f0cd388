//! Linli (邻里): the nearest community service centre, courier rest stop or canteen, with route
//! distances computed in the browser. `main` installs the panic hook and mounts the app.

mod app;
mod components;
mod config;
mod data;
mod format;
mod geolocate;
mod i18n;
mod leaflet;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
