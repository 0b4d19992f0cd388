//! Route sanity on the three OpenStreetMap extracts in data/osm (copied from the shared data) (issue 8), in all three modes:
//! for seeded random starting points and places, (a) a route is never shorter than the
//! straight line, and (b) an independent reference (candidates by brute force over every
//! segment, plain Dijkstra over a graph split at the candidate points with leg and push arcs,
//! `linli-core/src/reference.rs`) gives the same time and length, within the rounding of
//! each stretch to the centimetre. The drawn route of some pairs is checked too.
//!
//! Futian uses the sample places; Nanshan and Helsinki get seeded random places near their
//! streets (some exactly on a junction). Each test prints its seed.

#[path = "../../linli-core/src/reference.rs"]
#[allow(dead_code)]
mod reference;

use std::path::{Path, PathBuf};

use linli_build::{build, BuildOptions};
use linli_core::join::{MAX_ORIGIN_JOIN_M, MAX_PLACE_JOIN_M, PUSH_MAX_M};
use linli_core::{Bundle, Crs, EdgeId, Finder, LngLat, Mode, QueryError, Service};
use reference::{RefJoin, Reference};

/// SplitMix64: tiny and seeded.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn extract(name: &str) -> PathBuf {
    root().join("data/osm").join(name)
}

/// The street graph of `osm` (places from the sample file, kept only where they fall in the
/// area; the caller may replace them).
fn bundle(osm: PathBuf) -> Bundle {
    let (bundle, _, _) = build(&BuildOptions {
        osm,
        services: root().join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: None,
        build_date: "2026-11-22".into(),
        skip_invalid: true,
    })
    .expect("extract builds");
    bundle
}

/// A point `m` metres from `p` in a random direction.
fn jitter(rng: &mut Rng, p: LngLat, m: f64) -> LngLat {
    let proj = linli_core::geom::LocalProjection::new(p);
    let a = rng.unit() * std::f64::consts::TAU;
    proj.unproject([m * a.cos(), m * a.sin()])
}

/// A random point on a random street (one in ten exactly on a junction).
fn on_a_street(rng: &mut Rng, finder: &Finder) -> LngLat {
    let net = finder.network();
    let g = net.graph();
    if rng.unit() < 0.1 {
        return LngLat::from_e6(g.nodes[rng.below(g.nodes.len())]);
    }
    let e = EdgeId(rng.below(g.edges.len()) as u32);
    net.point_at(e, rng.unit() * net.edge_length_m(e))
}

fn random_places(rng: &mut Rng, finder: &Finder, n: usize) -> Vec<Service> {
    (0..n)
        .map(|i| {
            let on = on_a_street(rng, finder);
            let off = if rng.unit() < 0.2 {
                0.0
            } else {
                rng.unit() * 40.0
            };
            let location = LngLat::from_e6(jitter(rng, on, off).to_e6());
            Service {
                id: format!("p{i}"),
                name: format!("place {i}"),
                kind: linli_core::Kind::ALL[i % 3],
                location,
                address: String::new(),
                opening_hours: String::new(),
                amenities: linli_core::Amenities::EMPTY,
                phone: String::new(),
                floor: None,
                notes: String::new(),
                price: String::new(),
            }
        })
        .collect()
}

#[derive(Default, Debug)]
struct Tally {
    pairs: usize,
    reachable: usize,
    pushed: usize,
    routes: usize,
    /// E-bike pairs where another path is as quick within rounding but of another length.
    near_ties: usize,
}

/// Compares every place from `origins` in every mode; returns the counts.
fn check(name: &str, finder: &Finder, origins: &[LngLat], route_checks: usize) -> Tally {
    let reference = Reference::new(finder.network().graph());
    let mut router = finder.router();
    let mut tally = Tally::default();
    for mode in Mode::ALL {
        let place_joins: Vec<Vec<RefJoin>> = finder
            .services()
            .iter()
            .map(|s| reference.joins(s.location, mode, MAX_PLACE_JOIN_M))
            .collect();
        let f = f64::from(mode.foot_factor());
        for (k, &origin) in origins.iter().enumerate() {
            let origin_joins = reference.joins(origin, mode, MAX_ORIGIN_JOIN_M);
            let got = match finder.nearest(&mut router, origin, mode, |_| true) {
                Ok(got) => got,
                Err(QueryError::NoStreetNearby { .. }) => {
                    assert!(
                        origin_joins.is_empty(),
                        "{name} {mode} origin {k}: reference joins"
                    );
                    continue;
                }
                Err(e) => panic!("{name} {mode} origin {k}: {e}"),
            };
            let want = reference.times(&origin_joins, &place_joins, mode);
            for r in &got {
                tally.pairs += 1;
                let label = format!("{name} {mode} origin {k} ({origin:?}) place {}", r.service);
                match (r.route_m.zip(r.time_s), want[r.service]) {
                    (Some((m, t)), Some(w)) => {
                        tally.reachable += 1;
                        // (a) never shorter than the straight line (a centimetre of rounding).
                        assert!(
                            m >= r.straight_m - 0.01,
                            "{label}: {m} m < straight {}",
                            r.straight_m
                        );
                        // (b) the reference's time and length; every stretch is rounded up to
                        // the centimetre once by the fast path.
                        let tol_m = 0.01 * (w.hops as f64 + 1.0) + 1e-6;
                        let tol_s = tol_m * f / mode.speed_mps();
                        assert!(
                            t >= w.time_s - 1e-9 && t <= w.time_s + tol_s,
                            "{label}: {t} s vs reference {} s",
                            w.time_s
                        );
                        // Walking and step-free: metres follow from time. By e-bike two paths
                        // can be as quick within the rounding and differ in length (walk 10 m
                        // more, ride 30 m less): then the reported length must be that of the
                        // reported path, which is checked on its drawn line.
                        if (m - w.metres).abs() > tol_m * f {
                            assert_eq!(
                                mode,
                                Mode::Ebike,
                                "{label}: {m} m vs reference {} m",
                                w.metres
                            );
                            tally.near_ties += 1;
                            let route = finder
                                .route(&mut router, origin, mode, r.service)
                                .expect("query")
                                .expect("reachable");
                            check_route(&route, &label);
                        }
                        assert!(
                            r.push_start_m <= PUSH_MAX_M + 0.01
                                && r.push_end_m <= PUSH_MAX_M + 0.01
                        );
                        if r.push_start_m > 0.0 || r.push_end_m > 0.0 {
                            assert_eq!(mode, Mode::Ebike, "{label}: only e-bikes push");
                            tally.pushed += 1;
                        }
                    }
                    (None, None) => {}
                    (a, b) => panic!("{label}: {a:?} vs reference {b:?}"),
                }
            }
            for r in got
                .iter()
                .filter(|r| r.route_m.is_some())
                .take(route_checks)
            {
                let route = finder
                    .route(&mut router, origin, mode, r.service)
                    .expect("query")
                    .expect("reachable");
                assert_eq!(
                    (Some(route.route_m), Some(route.time_s)),
                    (r.route_m, r.time_s)
                );
                check_route(
                    &route,
                    &format!("{name} {mode} origin {k} place {}", r.service),
                );
                tally.routes += 1;
            }
        }
    }
    println!("{name}: {tally:?}");
    tally
}

/// A drawn route: as long as its reported length, no part of a street twice, its pushed
/// stretches as long as the reported pushes.
fn check_route(route: &linli_core::Route, label: &str) {
    let drawn: f64 = route.points.windows(2).map(|w| w[0].distance_m(w[1])).sum();
    assert!(
        (drawn - route.route_m).abs() < 0.05 + route.route_m * 0.002,
        "{label}: drawn {drawn} vs {}",
        route.route_m
    );
    for (i, a) in route.stretches.iter().enumerate() {
        for b in &route.stretches[i + 1..] {
            let overlap = a.from_m.max(a.to_m).min(b.from_m.max(b.to_m))
                - a.from_m.min(a.to_m).max(b.from_m.min(b.to_m));
            assert!(
                a.edge != b.edge || overlap <= 1e-6,
                "{label}: street travelled twice"
            );
        }
    }
    let pushed: f64 = route
        .stretches
        .iter()
        .filter(|s| s.pushed)
        .map(|s| s.length_m())
        .sum();
    assert!(
        (pushed - route.push_start_m - route.push_end_m).abs() < 0.03,
        "{label}: pushed {pushed}"
    );
}

/// Starting points: half anywhere in the area, half within 300 m of a street.
fn origins(rng: &mut Rng, finder: &Finder, n: usize) -> Vec<LngLat> {
    let b = finder.bundle().bbox;
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                LngLat::new(
                    b.min.lng + rng.unit() * (b.max.lng - b.min.lng),
                    b.min.lat + rng.unit() * (b.max.lat - b.min.lat),
                )
            } else {
                let on = on_a_street(rng, finder);
                let d = rng.unit() * 300.0;
                jitter(rng, on, d)
            }
        })
        .collect()
}

fn seed() -> u64 {
    std::env::var("LINLI_PROPERTY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_122)
}

#[test]
fn routes_on_futian_match_the_reference() {
    let seed = seed();
    println!("seed {seed} (set LINLI_PROPERTY_SEED to replay another)");
    let mut rng = Rng(seed);
    let finder = Finder::new(bundle(root().join("data/osm/shenzhen-futian.osm.pbf")));
    assert_eq!(finder.services().len(), 45);
    let origins = origins(&mut rng, &finder, 40);
    let t = check("futian", &finder, &origins, 4);
    assert!(t.reachable > 4_000 && t.pushed > 0, "{t:?}");
}

#[test]
fn routes_on_nanshan_match_the_reference() {
    let seed = seed() + 1;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let mut b = bundle(extract("shenzhen-nanshan.osm"));
    let streets = Finder::new(b.clone());
    b.services = random_places(&mut rng, &streets, 60);
    let finder = Finder::new(b);
    let origins = origins(&mut rng, &finder, 40);
    let t = check("nanshan", &finder, &origins, 3);
    assert!(t.reachable > 3_500, "{t:?}");
}

#[test]
fn routes_on_helsinki_match_the_reference() {
    let seed = seed() + 2;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let mut b = bundle(extract("helsinki.osm.pbf"));
    let streets = Finder::new(b.clone());
    b.services = random_places(&mut rng, &streets, 60);
    let finder = Finder::new(b);
    let origins = origins(&mut rng, &finder, 40);
    let t = check("helsinki", &finder, &origins, 3);
    assert!(t.reachable > 3_500, "{t:?}");
}
