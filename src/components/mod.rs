//! The widgets on screen, one per file, named for what the user sees.

pub mod circle_panel;
pub mod header;
pub mod load_screen;
pub mod locate_button;
pub mod map_view;
pub mod open_badge;
pub mod pickers;
pub mod result_list;
pub mod service_detail;
pub mod symbols;
