//! `linli`: build Linli bundles and ask them the app's questions from the command line.
//! Glue only: parse arguments, call `linli_build`, print, exit non-zero with the error chain.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
mod answer;

use linli_build::{build, BuildOptions};
use linli_core::{Bundle, Crs, Finder, Kind, LngLat, Mode};

#[derive(Parser)]
#[command(
    name = "linli",
    version,
    about = "Build Linli bundles and find the nearest community services"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a bundle from an OpenStreetMap extract and a services file.
    Build {
        /// OpenStreetMap extract, PBF or XML.
        #[arg(long)]
        osm: PathBuf,
        /// Services file, CSV (UTF-8, header row) or GeoJSON.
        #[arg(long)]
        services: PathBuf,
        /// Coordinate system of the services' lng/lat: wgs84, gcj02 (Amap, Tencent) or bd09 (Baidu).
        #[arg(long, default_value = "wgs84")]
        services_crs: Crs,
        /// Area name shown in the app (default: the services file's name).
        #[arg(long)]
        name: Option<String>,
        /// Build date to record, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        date: Option<String>,
        /// Leave out invalid service records (each one is reported) instead of failing.
        #[arg(long)]
        skip_invalid: bool,
        /// Where to write the bundle.
        #[arg(long)]
        out: PathBuf,
    },
    /// List services nearest to a point by route distance.
    Nearest {
        /// A bundle built by `linli build`.
        #[arg(long)]
        bundle: PathBuf,
        /// Latitude of the starting point (WGS-84).
        #[arg(long, allow_hyphen_values = true)]
        lat: f64,
        /// Longitude of the starting point (WGS-84).
        #[arg(long, allow_hyphen_values = true)]
        lng: f64,
        /// Travel mode: walk, ebike or stepfree.
        #[arg(long, default_value = "walk")]
        mode: Mode,
        /// Only this kind: centre, rest_stop or canteen.
        #[arg(long)]
        kind: Option<Kind>,
        /// At most this many results.
        #[arg(long)]
        limit: Option<usize>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// How far every street is from the nearest service of a kind (for planners).
    Coverage {
        /// A bundle built by `linli build`.
        #[arg(long)]
        bundle: PathBuf,
        /// The kind: centre, rest_stop or canteen.
        #[arg(long)]
        kind: Kind,
        /// Travel mode: walk, ebike or stepfree.
        #[arg(long, default_value = "walk")]
        mode: Mode,
        /// Count only services open at this time (Beijing): YYYY-MM-DDTHH:MM.
        #[arg(long)]
        at: Option<String>,
        /// Also write every street with its minutes and nearest service id as GeoJSON.
        #[arg(long)]
        geojson: Option<PathBuf>,
        /// Print JSON instead of a text summary.
        #[arg(long)]
        json: bool,
    },
    /// The streets reachable from a point within some minutes, as GeoJSON.
    Isochrone {
        /// A bundle built by `linli build`.
        #[arg(long)]
        bundle: PathBuf,
        /// Latitude of the starting point (WGS-84).
        #[arg(long, allow_hyphen_values = true)]
        lat: f64,
        /// Longitude of the starting point (WGS-84).
        #[arg(long, allow_hyphen_values = true)]
        lng: f64,
        /// Travel mode: walk, ebike or stepfree.
        #[arg(long, default_value = "walk")]
        mode: Mode,
        /// The limits in minutes, comma-separated.
        #[arg(long, default_values_t = linli_core::circle::CIRCLE_MINUTES, value_delimiter = ',')]
        minutes: Vec<f64>,
        /// Where to write the GeoJSON.
        #[arg(long)]
        geojson: PathBuf,
    },
    /// Whether each service is open at a time (Beijing time, whatever this machine's zone).
    Hours {
        /// A bundle built by `linli build`.
        #[arg(long)]
        bundle: PathBuf,
        /// The instant, Beijing time: YYYY-MM-DDTHH:MM.
        #[arg(long)]
        at: String,
        /// Only this service.
        #[arg(long)]
        id: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linli: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(path: &PathBuf) -> anyhow::Result<Finder> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bundle = Bundle::decode(&bytes).with_context(|| format!("{}", path.display()))?;
    Ok(Finder::new(bundle))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build {
            osm,
            services,
            services_crs,
            name,
            date,
            skip_invalid,
            out,
        } => {
            let options = BuildOptions {
                osm,
                services,
                services_crs,
                name,
                build_date: date
                    .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%d").to_string()),
                skip_invalid,
            };
            let (bundle, bytes, report) = build(&options)?;
            std::fs::write(&out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            let [centres, rest_stops, canteens] = report.services_by_kind;
            println!("built {} ({})", out.display(), bundle.name);
            println!(
                "  osm:        {:?}, {} highway ways, {} used",
                report.osm_format, report.streets.highway_ways, report.streets.used_ways
            );
            if !report.streets.unusable_ways.is_empty() {
                let list: Vec<String> = report
                    .streets
                    .unusable_ways
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect();
                println!("  not usable by any mode (left out): {}", list.join(", "));
            }
            if report.streets.ways_with_missing_nodes > 0 {
                println!(
                    "  {} ways refer to {} nodes missing from the extract; their known parts are kept",
                    report.streets.ways_with_missing_nodes, report.streets.missing_node_refs
                );
            }
            println!("  nodes:      {}", report.nodes);
            println!(
                "  edges:      {} ({} shape points)",
                report.edges, report.shape_points
            );
            println!("  services:   {} ({centres} centres, {rest_stops} rest stops, {canteens} canteens)", centres + rest_stops + canteens);
            println!("  bytes:      {}", report.bytes);
            println!("  warnings:   {}", report.warnings.len());
            for w in &report.warnings {
                println!("    warning: {w}");
            }
            if !report.skipped.is_empty() {
                println!(
                    "  skipped:    {} problem(s) in invalid records, left out:",
                    report.skipped.len()
                );
                for p in &report.skipped {
                    println!("    skipped: {p}");
                }
            }
            Ok(())
        }
        Command::Nearest {
            bundle,
            lat,
            lng,
            mode,
            kind,
            limit,
            json,
        } => {
            let finder = load(&bundle)?;
            let items = answer::nearest(&finder, LngLat::new(lng, lat), mode, kind, limit)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                for (i, it) in items.iter().enumerate() {
                    let route = it.route_m.map_or_else(
                        || "unreachable".to_string(),
                        |m| format!("{m:.0} m, {:.0} min", it.time_s.unwrap_or(0.0) / 60.0),
                    );
                    println!(
                        "{:>3}. {} [{}] {} (straight {:.0} m)",
                        i + 1,
                        it.name,
                        it.kind,
                        route,
                        it.straight_m
                    );
                }
            }
            Ok(())
        }
        Command::Coverage {
            bundle,
            kind,
            mode,
            at,
            geojson,
            json,
        } => {
            let finder = load(&bundle)?;
            let at = at.as_deref().map(answer::parse_beijing_time).transpose()?;
            let (summary, cov) = answer::coverage(&finder, kind, mode, at);
            if let Some(path) = geojson {
                let doc = answer::coverage_geojson(&finder, &cov);
                std::fs::write(&path, serde_json::to_string(&doc)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                println!(
                    "{} services of kind {kind} ({mode}): {:.0} m of streets; within 5 min {:.1} %, 10 min {:.1} %, 15 min {:.1} %; longest {} min",
                    summary.services,
                    summary.street_m,
                    summary.share_5 * 100.0,
                    summary.share_10 * 100.0,
                    summary.share_15 * 100.0,
                    summary.max_minutes.map_or_else(|| "-".to_string(), |m| format!("{m:.1}"))
                );
            }
            Ok(())
        }
        Command::Isochrone {
            bundle,
            lat,
            lng,
            mode,
            minutes,
            geojson,
        } => {
            if minutes.is_empty() || minutes.iter().any(|m| !m.is_finite() || *m <= 0.0) {
                anyhow::bail!("--minutes must be positive numbers, e.g. 5,10,15");
            }
            let finder = load(&bundle)?;
            let (doc, summary) =
                answer::isochrone_geojson(&finder, LngLat::new(lng, lat), mode, &minutes)?;
            std::fs::write(&geojson, serde_json::to_string(&doc)?)
                .with_context(|| format!("cannot write {}", geojson.display()))?;
            println!("{}", serde_json::to_string_pretty(&summary)?);
            Ok(())
        }
        Command::Hours {
            bundle,
            at,
            id,
            json,
        } => {
            let finder = load(&bundle)?;
            let at = answer::parse_beijing_time(&at)?;
            let items = answer::hours(&finder, at, id.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                for it in &items {
                    println!(
                        "{} [{}] {} {}",
                        it.name,
                        it.state.as_str(),
                        it.next_change
                            .as_deref()
                            .map_or_else(String::new, |t| format!("until {t}")),
                        it.note.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(())
        }
    }
}
