//! Issue 13's "done when": a tiled dataset gives exactly the single bundle's answers (nearest
//! distances, isochrone bands, coverage shares, routes, search), on the Futian sample and on a
//! generated larger city (`scale::tile`), tiles of 0.5 and 2 km, for seeded random starting
//! points near and across tile borders, with tiles loaded on demand through the frontier loop
//! (starting with only the origin's tile loaded).

// Only some of the generators are used here.
#[allow(dead_code)]
#[path = "../benches/common/scale.rs"]
mod scale;

use std::path::Path;

use linli_build::tiles::{cut, TiledDataset};
use linli_build::{build, BuildOptions};
use linli_core::circle::{
    coverage, services_of, CoverageRun, CoverageStep, IsochroneSearch, CIRCLE_MINUTES,
};
use linli_core::search::{SearchIndex, SearchQuery};
use linli_core::{
    Bundle, Crs, Finder, Kind, LngLat, Mode, NearestSearch, QueryError, Reach, Step, Tile, TileId,
};

fn futian() -> Bundle {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    build(&BuildOptions {
        osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
        services: root.join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: None,
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    })
    .expect("sample builds")
    .0
}

/// A seeded generator (xorshift); each test prints its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A tiled dataset with its tiles decoded once (each test loads clones of them).
struct Tiled {
    data: TiledDataset,
    tiles: Vec<Tile>,
}

impl Tiled {
    fn cut(bundle: &Bundle, km: f64) -> Tiled {
        let data = cut(bundle, km * 1000.0).expect("cuts");
        let tiles = (0..data.tiles.len())
            .map(|i| data.tile(TileId(i as u32)).expect("tile decodes"))
            .collect();
        Tiled { data, tiles }
    }

    /// A finder with only the tile holding `origin` loaded.
    fn fresh(&self, origin: LngLat) -> Finder {
        let mut f = Finder::tiled(self.data.manifest.clone());
        if let Some(t) = self.data.manifest.tile_at(origin) {
            self.load(&mut f, &[t]);
        }
        f
    }

    /// Loads the first of `tiles` (the one the search waits for): the fewest tiles and the
    /// most rounds of the loop.
    fn load(&self, f: &mut Finder, tiles: &[TileId]) {
        let t = tiles.first().expect("a search that needs tiles names them");
        f.add_tile(self.tiles[t.index()].clone())
            .expect("tile loads");
    }
}

/// Starting points: half on a tile border (then up to 60 m across it), half anywhere in the
/// area.
fn origins(tiled: &Tiled, bundle: &Bundle, n: usize, rng: &mut Rng) -> Vec<LngLat> {
    let g = tiled.data.manifest.grid;
    let b = bundle.bbox;
    let mut out = Vec::new();
    for k in 0..n {
        let mut p = LngLat::new(
            b.min.lng + rng.unit() * (b.max.lng - b.min.lng),
            b.min.lat + rng.unit() * (b.max.lat - b.min.lat),
        );
        if k % 2 == 0 {
            let off_m = (rng.unit() - 0.5) * 120.0;
            if rng.next().is_multiple_of(2) && g.cols > 1 {
                let c = 1 + rng.next() % u64::from(g.cols - 1);
                let x = (f64::from(g.origin_e6[0]) + c as f64 * f64::from(g.cell_e6[0])) / 1e6;
                p.lng = x + off_m / 111_195.0 / p.lat.to_radians().cos();
            } else if g.rows > 1 {
                let r = 1 + rng.next() % u64::from(g.rows - 1);
                let y = (f64::from(g.origin_e6[1]) + r as f64 * f64::from(g.cell_e6[1])) / 1e6;
                p.lat = y + off_m / 111_195.0;
            }
        }
        out.push(p);
    }
    out
}

/// Nearest on the tiled dataset through the frontier loop; also how many tiles it loaded.
fn nearest_tiled(
    tiled: &Tiled,
    origin: LngLat,
    mode: Mode,
    want: usize,
) -> (Result<Vec<Reach>, QueryError>, usize) {
    let mut f = tiled.fresh(origin);
    let mut s = NearestSearch::new(&f, f.router(), origin, mode, |_| true);
    s.want(want);
    loop {
        let loaded = f.network().loaded_tiles().count();
        match s.advance(&f) {
            Err(e) => return (Err(e), loaded),
            Ok(Step::Done) => return (Ok(s.results(&f)), loaded),
            Ok(Step::NeedTiles(t)) => tiled.load(&mut f, &t),
        }
    }
}

/// Every place from every origin, in every mode: the same list, numbers and order.
fn check_nearest_all(bundle: &Bundle, tiled: &Tiled, seed: u64, n: usize) {
    println!("seed {seed}");
    let single = Finder::new(bundle.clone());
    let mut router = single.router();
    let mut rng = Rng(seed);
    for origin in origins(tiled, bundle, n, &mut rng) {
        for mode in Mode::ALL {
            let want = single.nearest(&mut router, origin, mode, |_| true);
            let (got, _) = nearest_tiled(tiled, origin, mode, usize::MAX);
            assert_eq!(want, got, "seed {seed} {origin:?} {mode}");
        }
    }
}

/// The first `k` places: exact, and only part of the city loaded.
fn check_nearest_first(bundle: &Bundle, tiled: &Tiled, seed: u64, n: usize, k: usize) -> usize {
    println!("seed {seed}");
    let single = Finder::new(bundle.clone());
    let mut router = single.router();
    let mut rng = Rng(seed);
    let mut loaded_total = 0;
    let mut answered = 0;
    for origin in origins(tiled, bundle, n, &mut rng) {
        for mode in Mode::ALL {
            let want = single.nearest(&mut router, origin, mode, |_| true);
            let (got, loaded) = nearest_tiled(tiled, origin, mode, k);
            match (want, got) {
                (Ok(w), Ok(g)) => {
                    assert!(g.len() >= k.min(w.len()), "seed {seed} {origin:?} {mode}");
                    // Every listed place is exact, and they are the quickest ones.
                    assert_eq!(&w[..g.len()], &g[..], "seed {seed} {origin:?} {mode}");
                    loaded_total += loaded;
                    answered += 1;
                }
                (w, g) => assert_eq!(w.map(|_| ()), g.map(|_| ()), "{origin:?} {mode}"),
            }
        }
    }
    loaded_total / answered.max(1)
}

#[test]
fn futian_nearest_equals_the_single_bundle() {
    let bundle = futian();
    for (km, seed) in [(0.5, 13), (2.0, 14)] {
        let tiled = Tiled::cut(&bundle, km);
        assert!(tiled.tiles.len() > 1, "{km} km: several tiles");
        check_nearest_all(&bundle, &tiled, seed, 10);
        let mean = check_nearest_first(&bundle, &tiled, seed + 100, 10, 5);
        println!(
            "{km} km: {} tiles, {mean} loaded on average for the first 5",
            tiled.tiles.len()
        );
    }
}

#[test]
fn a_larger_city_nearest_equals_the_single_bundle() {
    let city = scale::tile(&futian(), 3);
    for (km, seed) in [(0.5, 21), (2.0, 22)] {
        let tiled = Tiled::cut(&city, km);
        let mean = check_nearest_first(&city, &tiled, seed, 8, 8);
        println!(
            "{km} km: {} tiles, {mean} loaded on average for the first 8",
            tiled.tiles.len()
        );
        assert!(
            mean < tiled.tiles.len() / 2,
            "the first results need a part of the city"
        );
        check_nearest_all(&city, &tiled, seed + 100, 2);
    }
}

#[test]
fn routes_equal_the_single_bundle() {
    let bundle = futian();
    let single = Finder::new(bundle.clone());
    let mut router = single.router();
    let tiled = Tiled::cut(&bundle, 0.5);
    let mut rng = Rng(31);
    for origin in origins(&tiled, &bundle, 6, &mut rng) {
        for mode in Mode::ALL {
            for service in [0, 7, 30] {
                let want = single.route(&mut router, origin, mode, service);
                let mut f = tiled.fresh(origin);
                let mut s = NearestSearch::only(&f, f.router(), origin, mode, service);
                let got = loop {
                    match s.advance(&f) {
                        Err(e) => break Err(e),
                        Ok(Step::Done) => break Ok(s.route(&f, service)),
                        Ok(Step::NeedTiles(t)) => tiled.load(&mut f, &t),
                    }
                };
                assert_eq!(want, got, "{origin:?} {mode} {service}");
            }
        }
    }
}

fn isochrone_tiled(
    tiled: &Tiled,
    origin: LngLat,
    mode: Mode,
) -> Option<linli_core::circle::Isochrone> {
    let mut f = tiled.fresh(origin);
    let mut s = IsochroneSearch::new(f.router(), origin, mode, &CIRCLE_MINUTES);
    loop {
        match s.advance(&f) {
            Err(_) => return None,
            Ok(Step::Done) => return s.result(&f),
            Ok(Step::NeedTiles(t)) => {
                // Part of the answer is already there, exact up to its limit.
                let partial = s.result(&f);
                if let Some(p) = partial {
                    assert!(!p.missing_tiles.is_empty());
                    assert!(p.exact_minutes <= 15.0);
                }
                tiled.load(&mut f, &t);
            }
        }
    }
}

#[test]
fn isochrone_bands_equal_the_single_bundle() {
    let futian = futian();
    let city = scale::tile(&futian, 3);
    for (bundle, km, seed, n) in [
        (&futian, 0.5, 41, 6),
        (&futian, 2.0, 42, 6),
        (&city, 0.5, 43, 3),
        (&city, 2.0, 44, 3),
    ] {
        println!("seed {seed}");
        let single = Finder::new(bundle.clone());
        let mut router = single.router();
        let tiled = Tiled::cut(bundle, km);
        let mut rng = Rng(seed);
        for origin in origins(&tiled, bundle, n, &mut rng) {
            for mode in [Mode::Walk, Mode::Ebike] {
                let want = linli_core::circle::isochrone(
                    &single,
                    &mut router,
                    origin,
                    mode,
                    &CIRCLE_MINUTES,
                )
                .ok();
                let got = isochrone_tiled(&tiled, origin, mode);
                assert_eq!(want, got, "seed {seed} {origin:?} {mode}");
            }
        }
    }
}

#[test]
fn coverage_shares_equal_the_single_bundle() {
    let futian = futian();
    let city = scale::tile(&futian, 3);
    for (bundle, km) in [(&futian, 0.5), (&futian, 2.0), (&city, 2.0)] {
        let single = Finder::new(bundle.clone());
        let mut router = single.router();
        let tiled = Tiled::cut(bundle, km);
        for (kind, mode) in [(Kind::Centre, Mode::Walk), (Kind::RestStop, Mode::Ebike)] {
            let services = services_of(&single, kind, None);
            let want = coverage(&single, &mut router, mode, &services, &CIRCLE_MINUTES);
            // Start from one tile: the run asks for the rest, then works in steps.
            let origin = bundle.bbox.center();
            let mut f = tiled.fresh(origin);
            let mut run = CoverageRun::new(f.router(), mode, &services, &CIRCLE_MINUTES);
            let mut steps = 0;
            let mut last = 0.0;
            loop {
                match run.step(&f, 500) {
                    CoverageStep::NeedTiles(t) => {
                        assert_eq!(t, f.missing_tiles());
                        for id in t {
                            f.add_tile(tiled.tiles[id.index()].clone()).expect("loads");
                        }
                    }
                    CoverageStep::Working { done } => {
                        assert!(done >= last && done < 1.0, "{done} after {last}");
                        last = done;
                        steps += 1;
                    }
                    CoverageStep::Done => break,
                }
            }
            assert!(steps > 2, "the work was split into steps ({steps})");
            let (got, _) = run.finish(&f);
            assert_eq!(want, got, "{km} km {kind} {mode}");
            for i in 0..3 {
                assert_eq!(want.share(i).to_bits(), got.share(i).to_bits());
            }
        }
    }
}

#[test]
fn what_is_not_loaded_is_said_not_guessed() {
    let bundle = futian();
    let tiled = Tiled::cut(&bundle, 0.5);
    let origin = LngLat::new(114.02, 22.535);
    let mut f = tiled.fresh(origin);
    // The tiles within the joining radius of the starting point.
    for t in f.origin_tiles(origin, Mode::Ebike).expect("valid") {
        f.add_tile(tiled.tiles[t.index()].clone()).expect("loads");
    }
    assert!(f
        .origin_tiles(origin, Mode::Ebike)
        .expect("valid")
        .is_empty());
    assert!(f.missing_tiles().len() > tiled.tiles.len() / 2);
    // Coverage over what is loaded says so.
    let centres = services_of(&f, Kind::Centre, None);
    let mut router = f.router();
    let cov = coverage(&f, &mut router, Mode::Walk, &centres, &CIRCLE_MINUTES);
    assert_eq!(cov.missing_tiles, f.missing_tiles());
    // The all-at-once queries name the tiles they need instead of answering wrongly.
    match f.nearest(&mut router, origin, Mode::Walk, |_| true) {
        Err(QueryError::TilesNeeded { tiles }) => assert!(!tiles.is_empty()),
        other => panic!("expected TilesNeeded, got {other:?}"),
    }
    // The isochrone is exact up to the frontier and names the tiles beyond.
    let iso = linli_core::circle::isochrone(&f, &mut router, origin, Mode::Ebike, &CIRCLE_MINUTES)
        .expect("the origin joins within its tile");
    assert!(!iso.missing_tiles.is_empty() && iso.exact_minutes < 15.0);
    // Places beyond are known from the manifest: name, kind and compiled hours, not yet the
    // rest of their record (address, the raw opening_hours text…).
    let far = (0..f.services().len())
        .find(|&i| !f.has_record(i) && bundle.hours.has_hours(i))
        .expect("a place elsewhere with hours");
    assert!(!f.services()[far].name.is_empty() && f.services()[far].opening_hours.is_empty());
    assert!(f.bundle().hours.hours(far).is_known());
}

#[test]
fn a_copy_of_a_finder_keeps_its_own_tiles() {
    // The page adds tiles to a copy of the finder while views still read the old one; the
    // copy shares the loaded streets (`Network` parts are shared), so each must still see
    // only its own tiles, and answer as if it had been built alone.
    let bundle = futian();
    let tiled = Tiled::cut(&bundle, 0.5);
    let origin = LngLat::new(114.02, 22.535);
    let mut old = tiled.fresh(origin);
    for t in old.origin_tiles(origin, Mode::Walk).expect("valid") {
        old.add_tile(tiled.tiles[t.index()].clone()).expect("loads");
    }
    let before = old.missing_tiles();
    let mut copy = old.clone();
    let all: Vec<TileId> = copy.missing_tiles();
    for t in &all {
        copy.add_tile(tiled.tiles[t.index()].clone())
            .expect("loads");
    }
    assert_eq!(old.missing_tiles(), before, "the original gained tiles");
    assert!(copy.missing_tiles().is_empty());
    // The copy's answers are the single bundle's; the original's, those of a finder rebuilt
    // with its tiles.
    let centres = services_of(&copy, Kind::Centre, None);
    let mut router = copy.router();
    let whole = coverage(&copy, &mut router, Mode::Walk, &centres, &CIRCLE_MINUTES);
    let single = Finder::new(bundle.clone());
    let mut r = single.router();
    let expect = coverage(&single, &mut r, Mode::Walk, &centres, &CIRCLE_MINUTES);
    for i in 0..CIRCLE_MINUTES.len() {
        assert!((whole.share(i) - expect.share(i)).abs() < 1e-9, "band {i}");
    }
    let mut rebuilt = Finder::tiled(tiled.data.manifest.clone());
    for t in old.network().loaded_tiles().collect::<Vec<_>>() {
        rebuilt
            .add_tile(tiled.tiles[t.index()].clone())
            .expect("loads");
    }
    let mut r1 = old.router();
    let mut r2 = rebuilt.router();
    let a = coverage(&old, &mut r1, Mode::Walk, &centres, &CIRCLE_MINUTES);
    let b = coverage(&rebuilt, &mut r2, Mode::Walk, &centres, &CIRCLE_MINUTES);
    assert_eq!(a.within_m, b.within_m);
    assert_eq!(a.street_m, b.street_m);
    // Removing from the copy leaves the original's tile in place.
    let first = old.network().loaded_tiles().next().expect("a tile");
    copy.remove_tile(first);
    assert!(old.network().is_loaded(first) && !copy.network().is_loaded(first));
}

/// Instants that exercise the hours: every 20 minutes through an ordinary week, National Day
/// and the days after it, a make-up working Sunday, the Spring Festival, New Year's Eve across
/// midnight, and a year whose holidays are unknown.
fn hour_instants() -> Vec<chrono::NaiveDateTime> {
    use chrono::{Duration, NaiveDate};
    let days: Vec<NaiveDate> = [
        (2026, 11, 23),
        (2026, 11, 24),
        (2026, 11, 25),
        (2026, 11, 26),
        (2026, 11, 27),
        (2026, 11, 28),
        (2026, 11, 29),
        (2026, 10, 1),
        (2026, 10, 7),
        (2026, 10, 8),
        (2026, 9, 20),
        (2026, 2, 17),
        (2025, 12, 31),
        (2026, 1, 1),
        (2030, 6, 12),
    ]
    .iter()
    .map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("date"))
    .collect();
    days.iter()
        .flat_map(|d| {
            (0..72).map(move |k| d.and_hms_opt(0, 0, 0).expect("t") + Duration::minutes(20 * k))
        })
        .collect()
}

/// Issue 13 after issue 10: the compiled hours travel in the manifest (the bundle's `HOUR`
/// section), so every place's status, next change, comment, note and day spans are the
/// bundle's, from the decoded manifest alone, with every tile loaded, and after a tile is
/// removed again.
#[test]
fn every_futian_place_has_the_bundles_hours_from_a_tiled_folder() {
    use linli_core::hours::OpenState;
    use linli_core::Manifest;
    let bundle = futian();
    let single = Finder::new(Bundle::decode(&bundle.encode().expect("encodes")).expect("decodes"));
    for km in [0.5, 2.0] {
        let tiled = Tiled::cut(&bundle, km);
        let hash = linli_core::hash::content_hash(&tiled.data.manifest_bytes);
        let manifest =
            Manifest::decode(&tiled.data.manifest_bytes, Some(hash)).expect("manifest decodes");
        assert_eq!(manifest.hours, bundle.hours);
        let none = Finder::tiled(manifest.clone());
        let mut all = Finder::tiled(manifest);
        for t in all.missing_tiles() {
            all.add_tile(tiled.tiles[t.index()].clone()).expect("loads");
        }
        let mut some = all.clone();
        some.remove_tile(TileId(0));
        let mut seen = std::collections::BTreeSet::new();
        let mut compared = 0;
        for at in hour_instants() {
            for i in 0..bundle.services.len() {
                let want = single.bundle().hours.hours(i);
                let status = want.status(at);
                seen.insert(status.state.as_str());
                for f in [&none, &all, &some] {
                    let got = f.bundle().hours.hours(i);
                    assert_eq!(got.status(at), status, "{km} km, place {i}, {at}");
                    assert_eq!(got.day_spans(at.date()), want.day_spans(at.date()));
                    assert_eq!(got.is_known(), want.is_known());
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 3 * 45 * 15 * 72);
        // Not a vacuous comparison: the instants reach every state.
        for state in [
            OpenState::Open,
            OpenState::Closing,
            OpenState::Closed,
            OpenState::Holiday,
            OpenState::Unknown,
        ] {
            assert!(seen.contains(state.as_str()), "{km} km: never {state:?}");
        }
    }
}

/// "Open now" in a nearest search: the filter reads the manifest's hours, so on a tiled
/// dataset loaded through the frontier loop the open places and their order are the bundle's,
/// at night, on a holiday and at noon.
#[test]
fn open_now_nearest_equals_the_single_bundle() {
    let bundle = futian();
    let single = Finder::new(bundle.clone());
    let tiled = Tiled::cut(&bundle, 0.5);
    let seed = 1013;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let instants = ["2026-11-24T23:30", "2026-10-01T10:00", "2026-11-25T12:10"]
        .map(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").expect("time"));
    let mut listed = 0;
    for at in instants {
        let open = |f: &Finder| -> Vec<bool> {
            (0..f.services().len())
                .map(|i| f.bundle().hours.hours(i).status(at).state.is_open())
                .collect()
        };
        let open_single = open(&single);
        assert!(open_single.iter().any(|o| *o) && !open_single.iter().all(|o| *o));
        for origin in origins(&tiled, &bundle, 6, &mut rng) {
            for mode in [Mode::Walk, Mode::Ebike] {
                let mut router = single.router();
                let want = single
                    .nearest(&mut router, origin, mode, |_| true)
                    .map(|r| {
                        r.into_iter()
                            .filter(|r| open_single[r.service])
                            .collect::<Vec<_>>()
                    });
                let mut f = tiled.fresh(origin);
                let open_tiled = open(&f);
                assert_eq!(open_tiled, open_single, "before any tile but the origin's");
                let mut s =
                    NearestSearch::among(&f, f.router(), origin, mode, |i, _| open_tiled[i]);
                let got = loop {
                    match s.advance(&f) {
                        Ok(Step::Done) => break Ok(s.results(&f)),
                        Ok(Step::NeedTiles(t)) => tiled.load(&mut f, &t),
                        Err(e) => break Err(e),
                    }
                };
                assert_eq!(want, got, "{origin:?} {mode} {at}");
                listed += got.map_or(0, |g| g.len());
            }
        }
    }
    assert!(listed > 0);
}

#[test]
fn search_on_every_tile_equals_the_bundle_and_finds_places_before() {
    let bundle = futian();
    let tiled = Tiled::cut(&bundle, 2.0);
    let single = SearchIndex::new(&bundle);
    let mut f = Finder::tiled(tiled.data.manifest.clone());
    let here = LngLat::new(114.02, 22.535);
    // Before any tile: places by name and service, city-wide; no streets yet.
    let before = SearchIndex::for_finder(&f).search(&SearchQuery::new("zzst", here));
    assert!(!before.is_empty());
    assert!(before.iter().all(|h| h.target.kind_code() != "street"));
    for t in f.missing_tiles() {
        f.add_tile(tiled.tiles[t.index()].clone()).expect("loads");
    }
    let all = SearchIndex::for_finder(&f);
    for q in [
        "cgm",
        "车公庙",
        "红荔",
        "toilet",
        "zzst",
        "农园路",
        "c",
        "xyz",
    ] {
        let query = SearchQuery::new(q, here);
        assert_eq!(single.search(&query), all.search(&query), "{q}");
    }
    assert_eq!(f.services(), &bundle.services[..]);
}

#[test]
fn removing_a_tile_restarts_a_search_and_stays_exact() {
    let bundle = futian();
    let tiled = Tiled::cut(&bundle, 0.5);
    let single = Finder::new(bundle.clone());
    let mut router = single.router();
    let origin = LngLat::new(114.0235, 22.5405);
    let want = single.nearest(&mut router, origin, Mode::Walk, |_| true);
    let mut f = tiled.fresh(origin);
    let mut s = NearestSearch::new(&f, f.router(), origin, Mode::Walk, |_| true);
    let mut rounds = 0;
    let got = loop {
        match s.advance(&f).expect("answers") {
            Step::Done => break s.results(&f),
            Step::NeedTiles(t) => {
                rounds += 1;
                if rounds == 5 {
                    // Evict the origin's tile: the search starts again and asks for it.
                    let first = tiled.data.manifest.tile_at(origin).expect("tile");
                    f.remove_tile(first);
                    assert!(!f.network().is_loaded(first));
                }
                tiled.load(&mut f, &t);
            }
        }
    };
    assert_eq!(want.expect("answers"), got);
}

/// Gives every place a new name of the same length from the characters of all names (a copied
/// city repeats its names, which brotli would compress away).
fn distinct_names(mut b: Bundle) -> Bundle {
    let mut chars: Vec<char> = b.services.iter().flat_map(|s| s.name.chars()).collect();
    chars.sort_unstable();
    chars.dedup();
    let mut rng = Rng(7);
    for s in &mut b.services {
        let n = s.name.chars().count();
        s.name = (0..n)
            .map(|_| chars[(rng.next() % chars.len() as u64) as usize])
            .collect();
    }
    b
}

fn brotli_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).expect("compress");
    }
    out.len()
}

/// Issue 13's budget: on a city-sized graph (Futian × 64, ~110k junctions, 2,880 places with
/// distinct names), the manifest and the tiles loaded before the first result are at most
/// 150 KB brotli, from starting points spread over the city. Sizes are deterministic.
#[test]
fn the_first_result_needs_at_most_150_kb() {
    let city = distinct_names(scale::tile(&futian(), 8));
    let single = Finder::new(city.clone());
    for km in [0.5, 2.0] {
        let data = cut(&city, km * 1000.0).expect("cuts");
        let manifest = brotli_len(&data.manifest_bytes);
        let mut rng = Rng(150);
        let mut worst = 0;
        let mut tried = 0;
        while tried < 6 {
            let b = city.bbox;
            let p = LngLat::new(
                b.min.lng + rng.unit() * (b.max.lng - b.min.lng),
                b.min.lat + rng.unit() * (b.max.lat - b.min.lat),
            );
            if single.network().snap(p, Mode::Walk, 100.0).is_none() {
                continue;
            }
            tried += 1;
            let mut f = Finder::tiled(data.manifest.clone());
            let mut bytes = manifest;
            let mut load = |f: &mut Finder, t: TileId| {
                if !f.network().is_loaded(t) {
                    bytes += brotli_len(&data.tiles[t.index()]);
                    f.add_tile(data.tile(t).expect("decodes")).expect("loads");
                }
            };
            if let Some(t) = data.manifest.tile_at(p) {
                load(&mut f, t);
            }
            let mut s = NearestSearch::new(&f, f.router(), p, Mode::Walk, |_| true);
            s.want(1);
            while let Step::NeedTiles(t) = s.advance(&f).expect("answers") {
                load(&mut f, t[0]);
            }
            assert!(!s.results(&f).is_empty());
            worst = worst.max(bytes);
        }
        println!("{km} km: manifest {manifest} B brotli, worst first result {worst} B");
        assert!(
            worst <= 150_000,
            "{km} km: {worst} bytes before the first result"
        );
    }
}
