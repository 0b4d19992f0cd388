//! `linli build`: OSM extract + services file → bundle.

use std::path::PathBuf;

use linli_core::crs::Crs;
use linli_core::finder::MAX_SERVICE_SNAP_M;
use linli_core::geom::BBox;
use linli_core::{Bundle, LngLat, Mode, Network};

use crate::osm::{read_osm, OsmError, OsmFormat};
use crate::services::{read_services, Place, Problem, ServicesError, ServicesOptions};
use crate::streets::{build_street_graph, StreetStats};

/// The attribution every bundle built from OpenStreetMap carries.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The OSM extract (PBF or XML).
    pub osm: PathBuf,
    /// The services file (CSV or GeoJSON).
    pub services: PathBuf,
    /// Coordinate system of the services file.
    pub services_crs: Crs,
    /// Area name; defaults to the services file's stem.
    pub name: Option<String>,
    /// Build date `YYYY-MM-DD` (the binary passes today's date; tests pass a fixed one).
    pub build_date: String,
    /// Leave out invalid service records, reporting each.
    pub skip_invalid: bool,
}

/// What a build produced besides the bundle.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Input format of the OSM file.
    pub osm_format: OsmFormat,
    /// How the ways were used.
    pub streets: StreetStats,
    /// Junction nodes in the graph.
    pub nodes: usize,
    /// Edges in the graph.
    pub edges: usize,
    /// Shape points in the graph.
    pub shape_points: usize,
    /// Services per kind: centre, rest_stop, canteen.
    pub services_by_kind: [usize; 3],
    /// Warnings (unknown columns, services far from streets, …).
    pub warnings: Vec<Problem>,
    /// Records skipped with `--skip-invalid`.
    pub skipped: Vec<Problem>,
    /// Size of the encoded bundle in bytes.
    pub bytes: usize,
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The OSM file is unusable.
    #[error(transparent)]
    Osm(#[from] OsmError),
    /// The OSM file has no usable streets.
    #[error("{file}: contains no streets that any travel mode may use ({ways} highway ways read)")]
    NoStreets {
        /// The OSM file.
        file: PathBuf,
        /// Highway ways found.
        ways: usize,
    },
    /// The services file is unusable.
    #[error(transparent)]
    Services(#[from] ServicesError),
    /// A date that is not YYYY-MM-DD.
    #[error("build date '{0}' is not a date in the form YYYY-MM-DD")]
    BadDate(String),
}

/// Builds a bundle and its encoded bytes.
pub fn build(options: &BuildOptions) -> Result<(Bundle, Vec<u8>, BuildReport), BuildError> {
    if chrono::NaiveDate::parse_from_str(&options.build_date, "%Y-%m-%d").is_err() {
        return Err(BuildError::BadDate(options.build_date.clone()));
    }
    let osm = read_osm(&options.osm)?;
    let (graph, streets) = build_street_graph(&osm);
    let Some(bbox) = BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p))) else {
        return Err(BuildError::NoStreets {
            file: options.osm.clone(),
            ways: streets.highway_ways,
        });
    };
    let network = Network::new(graph.clone());
    let inside = |p: LngLat| bbox.contains_with_margin(p, MAX_SERVICE_SNAP_M);
    let read = read_services(
        &options.services,
        ServicesOptions {
            crs: options.services_crs,
            skip_invalid: options.skip_invalid,
        },
        &inside,
    )?;
    let mut warnings = read.warnings;
    let file = options
        .services
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().to_string());
    for s in &read.services {
        for mode in Mode::ALL {
            if network.snap(s.location, mode, MAX_SERVICE_SNAP_M).is_none() {
                warnings.push(Problem {
                    file: file.clone(),
                    place: Place::File,
                    id: Some(s.id.clone()),
                    field: Some("lng/lat".into()),
                    message: format!(
                        "no street usable by {mode} within {MAX_SERVICE_SNAP_M} m; it will be listed as unreachable in that mode"
                    ),
                });
            }
        }
    }
    let mut services_by_kind = [0; 3];
    for s in &read.services {
        services_by_kind[linli_core::Kind::ALL
            .iter()
            .position(|k| *k == s.kind)
            .unwrap_or(0)] += 1;
    }
    let name = options.name.clone().unwrap_or_else(|| {
        options
            .services
            .file_stem()
            .map_or_else(|| "Linli".to_string(), |s| s.to_string_lossy().to_string())
    });
    let bundle = Bundle {
        name,
        build_date: options.build_date.clone(),
        attribution: OSM_ATTRIBUTION.to_string(),
        bbox,
        services: read.services,
        graph,
    };
    let bytes = bundle.encode();
    let report = BuildReport {
        osm_format: osm.format,
        nodes: bundle.graph.nodes.len(),
        edges: bundle.graph.edges.len(),
        shape_points: bundle.graph.shape_points.len(),
        streets,
        services_by_kind,
        warnings,
        skipped: read.skipped,
        bytes: bytes.len(),
    };
    Ok((bundle, bytes, report))
}
