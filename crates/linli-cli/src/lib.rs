//! # linli_build
//!
//! The library behind the `linli` command: reading OpenStreetMap extracts (PBF and XML) and
//! services files (CSV and GeoJSON), building bundles, and answering queries through
//! [`linli_core::Finder`] exactly as the app does. `main.rs` only parses arguments and prints.

pub mod answer;
pub mod build;
pub mod osm;
pub mod scale;
pub mod services;
pub mod streets;

pub use build::{build, BuildError, BuildOptions, BuildReport, OSM_ATTRIBUTION};
