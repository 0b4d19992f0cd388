//! # linli_build
//!
//! The library behind `linli build`: reading OpenStreetMap extracts (PBF and XML) and services
//! files (CSV and GeoJSON), turning ways into the street graph, and writing bundles. The
//! `linli` command (crate `linli-cli`) is a thin layer over this library and `linli-core`.

pub mod build;
pub mod osm;
pub mod services;
pub mod streets;

pub use build::{build, BuildError, BuildOptions, BuildReport, OSM_ATTRIBUTION};
