//! Linli (邻里): the nearest community service centre, courier rest stop or canteen, with route
//! distances computed in the browser. `main` installs the panic hook and mounts the app.

mod app;
mod branding;
mod components;
mod config;
mod data;
mod data_origin;
mod declutter;
mod embed;
mod embed_messages;
mod format;
mod geolocate;
mod handoff;
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
