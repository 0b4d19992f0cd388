//! `linli`: build Linli bundles and ask them the app's questions from the command line.
//! Glue only: parse arguments, call `linli_build` and `linli_core`, print, exit non-zero with
//! the error chain. Output goes through a writer, so a closed stdout (`linli … | head -1`)
//! ends the command quietly instead of panicking.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
mod answer;
mod data;
mod found;

use data::Data;
use linli_build::tiles::{cut, stale_files, write_dir, TiledDataset};
use linli_build::{build, build_to_file, check_out, BuildOptions, BuildReport};
use linli_core::{Bundle, Crs, Kind, LngLat, Mode};

#[derive(Parser)]
#[command(
    name = "linli",
    version,
    about = "Build Linli bundles and find the nearest community services"
)]
struct Cli {
    /// Say on stderr how many tiles of a tiled dataset a query read.
    #[arg(long, global = true)]
    verbose: bool,
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
        /// Write a tiled dataset of tiles about this many km wide into the folder --out,
        /// instead of one bundle file (for a whole district or city; 1–2 km suits most).
        #[arg(long)]
        tiles_km: Option<f64>,
        /// Where to write the bundle (with --tiles-km: the folder).
        #[arg(long)]
        out: PathBuf,
    },
    /// List services nearest to a point by route distance.
    Nearest {
        /// A bundle built by `linli build`, or the folder of a tiled dataset.
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
        /// Only services open at this time (Beijing): YYYY-MM-DDTHH:MM.
        #[arg(long)]
        at: Option<String>,
        /// At most this many results.
        #[arg(long)]
        limit: Option<usize>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// How far every street is from the nearest service of a kind (for planners).
    Coverage {
        /// A bundle built by `linli build`, or the folder of a tiled dataset.
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
        /// A bundle built by `linli build`, or the folder of a tiled dataset.
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
    /// Find places and streets by name, address or service, in characters, pinyin or English.
    Search {
        /// A bundle built by `linli build`, or the folder of a tiled dataset.
        #[arg(long)]
        bundle: PathBuf,
        /// What to look for, e.g. 车公庙, cgm, chegongmiao, 长者食堂, toilet.
        #[arg(long, allow_hyphen_values = true)]
        q: String,
        /// Rank by distance from here, and pick the part of a repeated street name nearest it:
        /// LAT,LNG (default: the bundle's centre).
        #[arg(long, allow_hyphen_values = true)]
        near: Option<String>,
        /// At most this many results.
        #[arg(long, default_value_t = linli_core::search::DEFAULT_LIMIT)]
        limit: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Whether each service is open at a time (Beijing time, whatever this machine's zone).
    Hours {
        /// A bundle built by `linli build`, or the folder of a tiled dataset.
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
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = run(Cli::parse(), &mut out).and_then(|()| Ok(out.flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head -1`): what it wanted was printed; stop quietly.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linli: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    match cli.command {
        Command::Build {
            osm,
            services,
            services_crs,
            name,
            date,
            skip_invalid,
            tiles_km,
            out: path,
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
            match tiles_km {
                None => {
                    let (bundle, report) = build_to_file(&options, &path)?;
                    print_build_summary(out, &path, &bundle, &report)
                }
                Some(km) => build_tiles(out, &options, km, &path),
            }
        }
        Command::Nearest {
            bundle,
            lat,
            lng,
            mode,
            kind,
            at,
            limit,
            json,
        } => {
            let mut data = Data::open(&bundle)?;
            let origin = LngLat::new(lng, lat);
            let only = Only {
                kind,
                at: at.as_deref(),
            };
            nearest(out, &mut data, origin, mode, only, limit, json)?;
            report(&data, cli.verbose);
            Ok(())
        }
        Command::Search {
            bundle,
            q,
            near,
            limit,
            json,
        } => {
            let mut data = Data::open(&bundle)?;
            search(out, &mut data, &q, near.as_deref(), limit, json)?;
            report(&data, cli.verbose);
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
            let mut data = Data::open(&bundle)?;
            coverage(out, &mut data, kind, mode, at.as_deref(), geojson, json)?;
            report(&data, cli.verbose);
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
            let mut data = Data::open(&bundle)?;
            let origin = LngLat::new(lng, lat);
            isochrone(out, &mut data, origin, mode, &minutes, &geojson)?;
            report(&data, cli.verbose);
            Ok(())
        }
        Command::Hours {
            bundle,
            at,
            id,
            json,
        } => {
            let data = Data::open(&bundle)?;
            hours(out, &data, &at, id.as_deref(), json)?;
            report(&data, cli.verbose);
            Ok(())
        }
    }
}

/// `--verbose`: how many tiles the query read.
fn report(data: &Data, verbose: bool) {
    if let (true, Some((loaded, total))) = (verbose, data.tiles_loaded()) {
        eprintln!("linli: read {loaded} of {total} tiles");
    }
}

fn print_build_summary(
    out: &mut dyn Write,
    path: &Path,
    bundle: &Bundle,
    report: &BuildReport,
) -> anyhow::Result<()> {
    let [centres, rest_stops, canteens] = report.services_by_kind;
    writeln!(out, "built {} ({})", path.display(), bundle.name)?;
    writeln!(
        out,
        "  osm:        {:?}, {} highway ways, {} used",
        report.osm_format, report.streets.highway_ways, report.streets.used_ways
    )?;
    if !report.streets.unusable_ways.is_empty() {
        let list: Vec<String> = report
            .streets
            .unusable_ways
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        writeln!(
            out,
            "  not usable by any mode (left out): {}",
            list.join(", ")
        )?;
    }
    if report.streets.ways_with_missing_nodes > 0 {
        writeln!(
            out,
            "  {} ways refer to {} nodes missing from the extract; their known parts are kept",
            report.streets.ways_with_missing_nodes, report.streets.missing_node_refs
        )?;
    }
    writeln!(out, "  nodes:      {}", report.nodes)?;
    writeln!(
        out,
        "  edges:      {} ({} shape points)",
        report.edges, report.shape_points
    )?;
    writeln!(
        out,
        "  services:   {} ({centres} centres, {rest_stops} rest stops, {canteens} canteens)",
        centres + rest_stops + canteens
    )?;
    writeln!(
        out,
        "  bytes:      {} (search readings {}, opening hours {})",
        report.bytes, report.readings_bytes, report.hours_bytes
    )?;
    let (from, until) = report.hours_window;
    writeln!(
        out,
        "  hours:      weekly rules for any date; rules with dates from {from} to {}",
        until.pred_opt().unwrap_or(until)
    )?;
    writeln!(out, "  warnings:   {}", report.warnings.len())?;
    for w in &report.warnings {
        writeln!(out, "    warning: {w}")?;
    }
    if !report.skipped.is_empty() {
        writeln!(
            out,
            "  skipped:    {} problem(s) in invalid records, left out:",
            report.skipped.len()
        )?;
        for p in &report.skipped {
            writeln!(out, "    skipped: {p}")?;
        }
    }
    Ok(())
}

/// `linli build --tiles-km`: the bundle, cut into tiles, written into the folder `dir`.
fn build_tiles(
    out: &mut dyn Write,
    options: &BuildOptions,
    km: f64,
    dir: &Path,
) -> anyhow::Result<()> {
    check_out(options, dir)?;
    let (bundle, _, report) = build(options)?;
    let tiled = cut(&bundle, km * 1000.0)?;
    write_dir(dir, &tiled)?;
    print_build_summary(out, dir, &bundle, &report)?;
    print_tiles_summary(out, dir, &tiled)
}

fn print_tiles_summary(
    out: &mut dyn Write,
    dir: &Path,
    tiled: &TiledDataset,
) -> anyhow::Result<()> {
    let m = &tiled.manifest;
    let sizes: Vec<usize> = tiled.tiles.iter().map(Vec::len).collect();
    let total: usize = sizes.iter().sum();
    writeln!(
        out,
        "  tiles:      {} of about {} km ({} × {} cells), {} bytes in all, the largest {} bytes",
        m.tiles.len(),
        f64::from(m.tile_m) / 1000.0,
        m.grid.cols,
        m.grid.rows,
        total,
        sizes.iter().max().copied().unwrap_or(0)
    )?;
    writeln!(
        out,
        "  manifest:   {} ({} bytes); entry point {}",
        tiled.manifest_name(),
        tiled.manifest_bytes.len(),
        dir.join(linli_core::tiles::INDEX_FILE).display()
    )?;
    let stale = stale_files(dir, tiled);
    if !stale.is_empty() {
        writeln!(
            out,
            "  {} file(s) of earlier builds are still in the folder (pages that loaded an earlier manifest may use them; delete them later)",
            stale.len()
        )?;
    }
    Ok(())
}

/// Which places `nearest` lists.
struct Only<'a> {
    /// Only this kind.
    kind: Option<Kind>,
    /// Only those open at this time (Beijing), as given.
    at: Option<&'a str>,
}

fn nearest(
    out: &mut dyn Write,
    data: &mut Data,
    origin: LngLat,
    mode: Mode,
    only: Only,
    limit: Option<usize>,
    json: bool,
) -> anyhow::Result<()> {
    let at = only.at.map(answer::parse_beijing_time).transpose()?;
    // Open or not comes from the compiled hours, which a tiled dataset's manifest holds for
    // every place: the filter needs no tile.
    let open: Option<Vec<bool>> = at.map(|t| {
        let hours = &data.finder().bundle().hours;
        (0..data.finder().services().len())
            .map(|i| hours.hours(i).status(t).state.is_open())
            .collect()
    });
    let include = |i: usize, s: &linli_core::Service| {
        only.kind.is_none_or(|k| s.kind == k) && open.as_ref().is_none_or(|o| o[i])
    };
    let reaches = data.nearest(origin, mode, include, limit)?;
    // Every field of a row is in a tiled dataset's manifest: no place record is needed.
    let items = answer::nearest_items(data.finder(), &reaches, limit);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        return Ok(());
    }
    for (i, it) in items.iter().enumerate() {
        let route = it.route_m.map_or_else(
            || "unreachable".to_string(),
            |m| format!("{m:.0} m, {:.0} min", it.time_s.unwrap_or(0.0) / 60.0),
        );
        writeln!(
            out,
            "{:>3}. {} [{}] {} (straight {:.0} m)",
            i + 1,
            it.name,
            it.kind,
            route,
            it.straight_m
        )?;
    }
    Ok(())
}

fn search(
    out: &mut dyn Write,
    data: &mut Data,
    q: &str,
    near: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<()> {
    let near = near
        .map(found::parse_near)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    // Streets are found in the loaded tiles: load them all, to answer as the bundle does.
    data.load_all()?;
    let items = found::search(data.finder(), q, near, limit);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        return Ok(());
    }
    if items.is_empty() {
        writeln!(out, "nothing found for '{q}'")?;
    }
    for (i, it) in items.iter().enumerate() {
        writeln!(
            out,
            "{:>3}. {} [{}] {:.6},{:.6} ({:.0} m away; {} match on {})",
            i + 1,
            it.name,
            it.kind,
            it.lat,
            it.lng,
            it.distance_m,
            it.class,
            it.service.unwrap_or(it.matched)
        )?;
    }
    Ok(())
}

fn coverage(
    out: &mut dyn Write,
    data: &mut Data,
    kind: Kind,
    mode: Mode,
    at: Option<&str>,
    geojson: Option<PathBuf>,
    json: bool,
) -> anyhow::Result<()> {
    let at = at.map(answer::parse_beijing_time).transpose()?;
    // Whether a place is open comes from the compiled hours, which a tiled dataset's manifest
    // holds for every place: no tile is read for them.
    let services = linli_core::circle::services_of(data.finder(), kind, at);
    let cov = data.coverage(mode, &services, &linli_core::circle::CIRCLE_MINUTES)?;
    let finder = data.finder();
    let summary = answer::coverage_summary(finder, kind, at, services.len(), &cov);
    if let Some(path) = geojson {
        let doc = answer::coverage_geojson(finder, &cov);
        std::fs::write(&path, serde_json::to_string(&doc)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} services of kind {kind} ({mode}): {:.0} m of streets; within 5 min {:.1} %, 10 min {:.1} %, 15 min {:.1} %; longest {} min",
        summary.services,
        summary.street_m,
        summary.share_5 * 100.0,
        summary.share_10 * 100.0,
        summary.share_15 * 100.0,
        summary
            .max_minutes
            .map_or_else(|| "-".to_string(), |m| format!("{m:.1}"))
    )?;
    Ok(())
}

fn isochrone(
    out: &mut dyn Write,
    data: &mut Data,
    origin: LngLat,
    mode: Mode,
    minutes: &[f64],
    geojson: &Path,
) -> anyhow::Result<()> {
    if minutes.is_empty() || minutes.iter().any(|m| !m.is_finite() || *m <= 0.0) {
        anyhow::bail!("--minutes must be positive numbers, e.g. 5,10,15");
    }
    let iso = data.isochrone(origin, mode, minutes)?;
    let largest = minutes.iter().copied().fold(0.0, f64::max);
    let reaches = data.nearest_within(origin, mode, largest * 60.0)?;
    let (doc, summary) = answer::isochrone_geojson(data.finder(), &iso, &reaches);
    std::fs::write(geojson, serde_json::to_string(&doc)?)
        .with_context(|| format!("cannot write {}", geojson.display()))?;
    writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
    Ok(())
}

fn hours(
    out: &mut dyn Write,
    data: &Data,
    at: &str,
    id: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let at = answer::parse_beijing_time(at)?;
    // The compiled hours of every place are in a tiled dataset's manifest: no tile is read.
    let items = answer::hours(data.finder(), at, id)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        return Ok(());
    }
    for it in &items {
        writeln!(
            out,
            "{} [{}] {} {}",
            it.name,
            it.state.as_str(),
            it.next_change
                .as_deref()
                .map_or_else(String::new, |t| format!("until {t}")),
            it.note.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}
