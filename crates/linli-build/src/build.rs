//! `linli build`: OSM extract + services file → bundle, in named steps: read the streets, check
//! the area, read and check the services, compute the search readings, encode.

use std::path::{Path, PathBuf};

use linli_core::crs::Crs;
use linli_core::finder::MAX_SERVICE_SNAP_M;
use linli_core::geom::BBox;
use linli_core::search::searchable_texts;
use linli_core::{Bundle, EncodeError, LngLat, Mode, Network, Service, StreetGraph};

use crate::osm::{read_osm, OsmError, OsmFormat};
use crate::readings::readings_for;
use crate::services::{read_services, Place, Problem, ServicesError, ServicesOptions};
use crate::streets::{build_street_graph, StreetStats, TooManyError};
use crate::timetable::{CompileError, TimetableCompiler};
use crate::warnings::service_warnings;

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
    /// Warnings (unknown columns, services far from streets, no services, …).
    pub warnings: Vec<Problem>,
    /// Records skipped with `--skip-invalid`.
    pub skipped: Vec<Problem>,
    /// Size of the encoded bundle in bytes.
    pub bytes: usize,
    /// Bytes of the pinyin readings section (part of `bytes`).
    pub readings_bytes: usize,
    /// Bytes the compiled opening hours add (part of `bytes`): the `HOUR` section beyond what
    /// it takes for places without hours.
    pub hours_bytes: usize,
    /// The window of rules with dates (`from..until`); weekly rules hold for any date.
    pub hours_window: (chrono::NaiveDate, chrono::NaiveDate),
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
    /// The streets span more than a bundle may cover.
    #[error("{file}: the streets span {width:.3} × {height:.3} degrees (longitude × latitude), more than the {max} × {max} degrees a bundle may cover; cut the extract to the district (e.g. `osmium extract --bbox`)", max = linli_core::MAX_EXTENT_DEG)]
    AreaTooLarge {
        /// The OSM file.
        file: PathBuf,
        /// Degrees of longitude.
        width: f64,
        /// Degrees of latitude.
        height: f64,
    },
    /// The streets do not fit the bundle's indices.
    #[error(transparent)]
    TooMany(#[from] TooManyError),
    /// The services file is unusable.
    #[error(transparent)]
    Services(#[from] ServicesError),
    /// A date that is not YYYY-MM-DD.
    #[error("build date '{0}' is not a date in the form YYYY-MM-DD")]
    BadDate(String),
    /// A service's opening hours could not be compiled (after they passed the syntax check).
    #[error("{file} (id '{id}'), field opening_hours: {error}")]
    Hours {
        /// The services file.
        file: String,
        /// The service.
        id: String,
        /// Why.
        error: CompileError,
    },
    /// The compiled opening hours do not fit together (a bug in the compiler).
    #[error("cannot store the opening hours: {0}")]
    HoursTable(CompileError),
    /// The bundle could not be encoded.
    #[error("cannot encode the bundle: {0}")]
    Encode(#[from] EncodeError),
    /// `--out` names one of the input files.
    #[error("--out {out} is the {input} input file; writing the bundle there would destroy it (choose another file name)")]
    OutIsInput {
        /// The output path as given.
        out: PathBuf,
        /// `--osm` or `--services`.
        input: &'static str,
    },
    /// The bundle could not be written.
    #[error("cannot write {file}: {error}")]
    Write {
        /// The output path.
        file: PathBuf,
        /// The cause.
        error: std::io::Error,
    },
}

/// Builds a bundle and its encoded bytes.
pub fn build(options: &BuildOptions) -> Result<(Bundle, Vec<u8>, BuildReport), BuildError> {
    let Ok(build_date) = chrono::NaiveDate::parse_from_str(&options.build_date, "%Y-%m-%d") else {
        return Err(BuildError::BadDate(options.build_date.clone()));
    };
    let osm = read_osm(&options.osm)?;
    let (graph, streets) = build_street_graph(&osm)?;
    let bbox = street_area(&options.osm, &graph, &streets)?;
    // Only now, with the area bounded, derive the network (its snapping grid grows with it).
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
    let file = file_name(&options.services);
    let mut warnings = read.warnings;
    warnings.extend(unreachable_warnings(&file, &network, &read.services));
    warnings.extend(service_warnings(&file, &read.services));
    let mut compiler = TimetableCompiler::new(build_date);
    let hours_window = compiler.window();
    for s in &read.services {
        compiler
            .add(&s.opening_hours)
            .map_err(|error| BuildError::Hours {
                file: file.clone(),
                id: s.id.clone(),
                error,
            })?;
    }
    let hours = compiler.finish().map_err(BuildError::HoursTable)?;
    let mut bundle = Bundle {
        name: area_name(options),
        build_date: options.build_date.clone(),
        attribution: OSM_ATTRIBUTION.to_string(),
        bbox,
        services: read.services,
        graph,
        readings: Default::default(),
        hours,
    };
    bundle.readings = readings_for(searchable_texts(&bundle));
    let bytes = bundle.encode()?;
    let readings_bytes = bytes.len() - {
        let mut plain = bundle.clone();
        plain.readings = Default::default();
        plain.encode()?.len()
    };
    let hours_bytes = bytes.len() - {
        let mut plain = bundle.clone();
        plain.hours = linli_core::Timetable::without_hours(plain.services.len());
        plain.encode()?.len()
    };
    let report = BuildReport {
        osm_format: osm.format,
        nodes: bundle.graph.nodes.len(),
        edges: bundle.graph.edges.len(),
        shape_points: bundle.graph.shape_points.len(),
        streets,
        services_by_kind: count_by_kind(&bundle.services),
        warnings,
        skipped: read.skipped,
        bytes: bytes.len(),
        readings_bytes,
        hours_bytes,
        hours_window,
    };
    Ok((bundle, bytes, report))
}

/// The box around every street point, checked against the bundle's extent limit.
fn street_area(
    file: &Path,
    graph: &StreetGraph,
    streets: &StreetStats,
) -> Result<BBox, BuildError> {
    let points = graph
        .nodes
        .iter()
        .chain(&graph.shape_points)
        .map(|p| LngLat::from_e6(*p));
    let Some(bbox) = BBox::around(points) else {
        return Err(BuildError::NoStreets {
            file: file.to_path_buf(),
            ways: streets.highway_ways,
        });
    };
    let (width, height) = (bbox.max.lng - bbox.min.lng, bbox.max.lat - bbox.min.lat);
    match linli_core::check_area(&bbox) {
        Err(EncodeError::ExtentTooLarge { .. }) => Err(BuildError::AreaTooLarge {
            file: file.to_path_buf(),
            width,
            height,
        }),
        Err(e) => Err(BuildError::Encode(e)),
        Ok(()) => Ok(bbox),
    }
}

/// One warning per service and mode with no usable street within reach.
fn unreachable_warnings(file: &str, network: &Network, services: &[Service]) -> Vec<Problem> {
    let mut out = Vec::new();
    for s in services {
        for mode in Mode::ALL {
            if network.snap(s.location, mode, MAX_SERVICE_SNAP_M).is_none() {
                out.push(Problem {
                    file: file.to_string(),
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
    out
}

fn count_by_kind(services: &[Service]) -> [usize; 3] {
    let mut by_kind = [0; 3];
    for s in services {
        if let Some(i) = linli_core::Kind::ALL.iter().position(|k| *k == s.kind) {
            by_kind[i] += 1;
        }
    }
    by_kind
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().to_string())
}

fn area_name(options: &BuildOptions) -> String {
    options.name.clone().unwrap_or_else(|| {
        options
            .services
            .file_stem()
            .map_or_else(|| "Linli".to_string(), |s| s.to_string_lossy().to_string())
    })
}
