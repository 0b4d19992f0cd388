//! The widgets on screen, one per file, named for what the user sees.

pub mod about_data;
pub mod circle_panel;
pub mod controls;
pub mod handoff_links;
pub mod header;
pub mod hours_table;
pub mod list_screen;
pub mod load_screen;
pub mod locate_button;
pub mod map_view;
pub mod open_badge;
pub mod pickers;
pub mod result_list;
pub mod service_detail;
pub mod share_button;
pub mod symbols;
pub mod toolbar;
pub mod update_notice;
