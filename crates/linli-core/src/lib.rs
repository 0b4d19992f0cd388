//! # linli-core
//!
//! The part of Linli that knows nothing of browsers: the bundle format, the street graph and its
//! travel profiles, joining points to the streets ([`join`]), and one-to-many routing from a
//! starting point to every service.
//! The web app and the `linli` command line both answer queries through [`Finder`], so a
//! distance printed by the CLI is the distance shown on the page.
//!
//! Nothing here reads the clock, the network or global state: data and time are passed in.
//!
//! A city too large for one bundle is a tiled dataset ([`tiles`]): a manifest and one file per
//! tile. [`Finder::tiled`] starts from the manifest, the step-by-step searches
//! ([`NearestSearch`], [`circle::IsochroneSearch`], [`circle::CoverageRun`]) say which tiles
//! they need, and [`Finder::add_tile`] loads them; the answers equal the single bundle's.
//!
//! ```
//! use linli_core::{Bundle, Finder, LngLat, Mode};
//! # fn demo(bytes: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! let finder = Finder::new(Bundle::decode(bytes)?);
//! let mut router = finder.router();
//! let here = LngLat::new(114.02, 22.53);
//! for reach in finder.nearest(&mut router, here, Mode::Walk, |_| true)?.iter().take(3) {
//!     println!("{} {:?} m, pushed at the end {} m", finder.services()[reach.service].name,
//!         reach.route_m, reach.push_end_m);
//! }
//! # Ok(()) }
//! ```

pub mod bundle;
pub mod circle;
pub mod crs;
pub mod decimal;
mod envelope;
pub mod finder;
pub mod geom;
pub mod graph;
mod grid;
pub mod hash;
pub mod holidays;
mod holidays_cn;
pub mod hours;
pub mod join;
pub mod network;
pub mod pinyin;
pub mod profile;
pub mod router;
pub mod search;
pub mod service;
pub mod sort;
pub mod tiles;
pub mod timetable;

// The builder's rule compiler, so the core's tests can compile `opening_hours` strings.
#[cfg(test)]
#[path = "../../linli-build/src/timetable.rs"]
#[allow(dead_code)]
mod compile_hours;
#[cfg(test)]
mod join_tests;
#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod reference;
// The shared reference (also used by linli-build's tests) names this crate `linli_core`.
#[cfg(test)]
extern crate self as linli_core;

pub use bundle::{
    check_area, Bundle, DecodeError, EncodeError, FileKind, FORMAT_VERSION, MAGIC, MAX_EXTENT_DEG,
};
pub use crs::Crs;
pub use finder::{Finder, FinderPrep, NearestSearch, QueryError, Reach, Route, RouteStretch, Step};
pub use geom::{BBox, LngLat};
pub use graph::{Edge, EdgeId, GraphError, NodeId, RoadClass, ShapeRange, StreetGraph};
pub use join::{JOIN_MAX_M, JOIN_SLACK_M, PUSH_MAX_M};
pub use network::{EdgeView, Network, Snap};
pub use profile::{access_from_tags, Access, Mode};
pub use router::Router;
pub use service::{Amenities, Amenity, Kind, Service};
pub use tiles::{Manifest, Tile, TileError, TileId};
pub use timetable::Timetable;
