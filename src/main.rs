//! Linli (邻里): the nearest community service centre, courier rest stop or canteen, with route
//! distances computed in the browser. `main` installs the panic hook (the console, and a plain
//! message on the page) and mounts the app.

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
mod screen;
mod state;
mod suggest;
mod tiled;
mod url_state;
mod virtual_list;

fn main() {
    std::panic::set_hook(Box::new(crash::on_panic));
    leptos::mount::mount_to_body(app::App);
}
