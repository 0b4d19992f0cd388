//! # linli_build
//!
//! The library behind `linli build`: reading OpenStreetMap extracts (PBF and XML) and services
//! files (CSV and GeoJSON), turning ways into the street graph, computing the pinyin readings
//! for search, and writing bundles safely. The `linli` command (crate `linli-cli`) is a thin
//! layer over this library and `linli-core`.

pub mod build;
pub mod osm;
pub mod output;
pub mod readings;
pub mod services;
pub mod streets;
pub mod tiles;
pub mod timetable;
pub mod warnings;

pub use build::{build, BuildError, BuildOptions, BuildReport, OSM_ATTRIBUTION};
pub use output::{build_to_file, check_out, write_atomically};
