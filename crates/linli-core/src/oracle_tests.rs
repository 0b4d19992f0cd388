//! The fast paths against slow, obviously-correct references on seeded random graphs.
//! Each test prints its seeds; a failure names the seed to replay.

use crate::bundle::Bundle;
use crate::finder::Finder;
use crate::geom::{project_onto_segment, BBox, LngLat, LocalProjection};
use crate::graph::{Edge, EdgeId, NodeId, RoadClass, ShapeRange, StreetGraph};
use crate::join::MAX_PLACE_JOIN_M;
use crate::network::Network;
use crate::profile::{Access, Mode};
use crate::reference::{RefJoin, Reference};
use crate::router::{Router, Seed, UNREACHED};
use crate::service::{Amenities, Kind, Service};

/// SplitMix64: tiny, seeded, good enough for test graphs.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// A jittered grid of `side × side` junctions about 80 m apart near Futian, neighbours joined
/// with probability 0.8, random per-mode access (mostly two-way walking, some one-way e-bike
/// streets, some steps), some edges with shape points, and a few isolated nodes.
pub(crate) fn random_graph(rng: &mut Rng, side: u32) -> StreetGraph {
    let step = 0.0008;
    let mut nodes = Vec::new();
    for r in 0..side {
        for c in 0..side {
            let lng = 114.0 + f64::from(c) * step + (rng.unit() - 0.5) * step * 0.4;
            let lat = 22.52 + f64::from(r) * step + (rng.unit() - 0.5) * step * 0.4;
            nodes.push(LngLat::new(lng, lat).to_e6());
        }
    }
    let mut edges = Vec::new();
    let mut shape_points = Vec::new();
    for r in 0..side {
        for c in 0..side {
            let v = r * side + c;
            let mut neighbours = Vec::new();
            if c + 1 < side {
                neighbours.push(v + 1);
            }
            if r + 1 < side {
                neighbours.push(v + side);
            }
            if c + 1 < side && r + 1 < side && rng.chance(0.1) {
                neighbours.push(v + side + 1);
            }
            for w in neighbours {
                if !rng.chance(0.8) {
                    continue;
                }
                let (from, to) = if rng.chance(0.5) { (v, w) } else { (w, v) };
                let steps = rng.chance(0.1);
                let walk = !rng.chance(0.05);
                let mut access = Access::NONE.with(Mode::Walk, walk, walk);
                access = access.with(Mode::StepFree, walk && !steps, walk && !steps);
                if !steps && rng.chance(0.8) {
                    match rng.below(3) {
                        0 => access = access.with(Mode::Ebike, true, false),
                        1 => access = access.with(Mode::Ebike, false, true),
                        _ => access = access.with(Mode::Ebike, true, true),
                    }
                }
                let start = shape_points.len() as u32;
                let a = LngLat::from_e6(nodes[from as usize]);
                let b = LngLat::from_e6(nodes[to as usize]);
                for k in 1..=rng.below(3) {
                    let t = k as f64 / 4.0;
                    let bend = (rng.unit() - 0.5) * step * 0.3;
                    shape_points.push(
                        LngLat::new(
                            a.lng + t * (b.lng - a.lng) + bend,
                            a.lat + t * (b.lat - a.lat) - bend,
                        )
                        .to_e6(),
                    );
                }
                edges.push(Edge {
                    from: NodeId(from),
                    to: NodeId(to),
                    shape: ShapeRange {
                        start,
                        end: shape_points.len() as u32,
                    },
                    access,
                    class: if steps {
                        RoadClass::Steps
                    } else {
                        RoadClass::Minor
                    },
                    name: None,
                });
            }
        }
    }
    StreetGraph {
        nodes,
        edges,
        shape_points,
        names: Vec::new(),
    }
}

pub(crate) fn random_bundle(rng: &mut Rng, side: u32, services: usize) -> Bundle {
    let graph = random_graph(rng, side);
    let bbox = BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p))).expect("nodes");
    let services: Vec<Service> = (0..services)
        .map(|i| {
            let location = LngLat::new(
                bbox.min.lng + rng.unit() * (bbox.max.lng - bbox.min.lng),
                bbox.min.lat + rng.unit() * (bbox.max.lat - bbox.min.lat),
            );
            Service {
                id: format!("s{i}"),
                name: format!("Service {i}"),
                kind: Kind::ALL[i % 3],
                location: LngLat::from_e6(location.to_e6()),
                address: String::new(),
                opening_hours: String::new(),
                amenities: Amenities::EMPTY,
                phone: String::new(),
                floor: None,
                notes: String::new(),
                price: String::new(),
            }
        })
        .collect();
    Bundle {
        name: "random".into(),
        build_date: "2026-01-01".into(),
        attribution: String::new(),
        bbox,
        hours: crate::Timetable::without_hours(services.len()),
        services,
        graph,
        readings: Default::default(),
    }
}

/// Plain O(V²) Dijkstra over an explicit arc list, in f64 metres.
fn naive_dijkstra(n: usize, arcs: &[(usize, usize, f64)], sources: &[(usize, f64)]) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    for &(s, d) in sources {
        dist[s] = dist[s].min(d);
    }
    loop {
        let mut best = None;
        for v in 0..n {
            if !done[v] && dist[v].is_finite() && best.is_none_or(|b: usize| dist[v] < dist[b]) {
                best = Some(v);
            }
        }
        let Some(v) = best else { break };
        done[v] = true;
        for &(a, b, w) in arcs {
            if a == v && dist[v] + w < dist[b] {
                dist[b] = dist[v] + w;
            }
        }
    }
    dist
}

#[test]
fn router_matches_naive_dijkstra_on_random_graphs() {
    for seed in 0..30u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(seed);
        let net = Network::new(random_graph(&mut rng, 12));
        let n = net.node_count();
        let mut router = Router::new(n);
        for mode in Mode::ALL {
            let adj = net.adjacency(mode);
            let mut arcs = Vec::new();
            for v in 0..n {
                for a in adj.out(NodeId(v as u32)) {
                    arcs.push((v, a.head.index(), f64::from(a.cost_cm)));
                }
            }
            let sources: Vec<Seed> = (0..2)
                .map(|k| Seed {
                    node: NodeId(rng.below(n as u64) as u32),
                    cost_cm: rng.below(5000) as u32,
                    tag: k as usize,
                })
                .collect();
            router.run(adj, n, &sources, &[], UNREACHED - 1);
            let expected = naive_dijkstra(
                n,
                &arcs,
                &sources
                    .iter()
                    .map(|s| (s.node.index(), f64::from(s.cost_cm)))
                    .collect::<Vec<_>>(),
            );
            for (v, want) in expected.iter().enumerate() {
                let got = router.cost_cm(NodeId(v as u32));
                if want.is_finite() {
                    assert_eq!(f64::from(got), *want, "seed {seed} {mode} node {v}");
                } else {
                    assert_eq!(got, UNREACHED, "seed {seed} {mode} node {v}");
                }
            }
        }
    }
}

#[test]
fn snapping_matches_brute_force_projection() {
    for seed in 0..20u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(seed);
        let graph = random_graph(&mut rng, 10);
        let net = Network::new(graph.clone());
        let bbox = net.bbox().expect("bbox");
        let proj = LocalProjection::new(bbox.center());
        for _ in 0..40 {
            let p = LngLat::new(
                bbox.min.lng - 0.002 + rng.unit() * (bbox.max.lng - bbox.min.lng + 0.004),
                bbox.min.lat - 0.002 + rng.unit() * (bbox.max.lat - bbox.min.lat + 0.004),
            );
            for mode in Mode::ALL {
                let mut best = f64::INFINITY;
                for (i, e) in graph.edges.iter().enumerate() {
                    if !e.access.any(mode) {
                        continue;
                    }
                    let pts: Vec<_> = graph
                        .edge_lnglats(EdgeId(i as u32))
                        .map(|q| proj.project(q))
                        .collect();
                    for w in pts.windows(2) {
                        let (_, d2) = project_onto_segment(proj.project(p), w[0], w[1]);
                        best = best.min(d2.sqrt());
                    }
                }
                let snap = net.snap(p, mode, 400.0);
                if best <= 399.0 {
                    let snap =
                        snap.unwrap_or_else(|| panic!("seed {seed}: no snap, brute force {best}"));
                    let [x, y] = proj.project(snap.point);
                    let [px, py] = proj.project(p);
                    let d = ((x - px).powi(2) + (y - py).powi(2)).sqrt();
                    assert!(
                        (d - best).abs() < 0.01,
                        "seed {seed} {mode}: {d} vs brute force {best}"
                    );
                } else if best > 401.0 {
                    assert!(snap.is_none(), "seed {seed}: snapped beyond the limit");
                }
            }
        }
    }
}

/// Tolerance for comparing a fast-path length with the reference's: every stretch is rounded
/// up to the centimetre once.
fn tolerance_m(hops: usize) -> f64 {
    0.01 * (hops as f64 + 1.0) + 1e-6
}

#[test]
fn nearest_matches_reference_on_random_graphs() {
    let mut reachable = 0;
    let mut unreachable = 0;
    let mut pushed = 0;
    for seed in 0..25u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(1000 + seed);
        let finder = Finder::new(random_bundle(&mut rng, 9, 25));
        let reference = Reference::new(finder.network().graph());
        let places: Vec<LngLat> = finder.services().iter().map(|s| s.location).collect();
        let mut router = finder.router();
        let bbox = finder.bundle().bbox;
        for _ in 0..6 {
            let origin = LngLat::new(
                bbox.min.lng + rng.unit() * (bbox.max.lng - bbox.min.lng),
                bbox.min.lat + rng.unit() * (bbox.max.lat - bbox.min.lat),
            );
            for mode in Mode::ALL {
                let expected = reference.nearest(origin, &places, mode);
                let got = finder
                    .nearest(&mut router, origin, mode, |_| true)
                    .expect("query");
                assert_eq!(got.len(), expected.len());
                for r in &got {
                    match (r.route_m.zip(r.time_s), expected[r.service]) {
                        (Some((m, t)), Some(want)) => {
                            reachable += 1;
                            let tol = tolerance_m(want.hops);
                            let tol_s = tol * f64::from(mode.foot_factor()) / mode.speed_mps();
                            assert!(
                                (t - want.time_s).abs() <= tol_s && t + 1e-9 >= want.time_s,
                                "seed {seed} {mode} service {}: {t} s vs reference {} s",
                                r.service,
                                want.time_s
                            );
                            assert!(
                                (m - want.metres).abs() <= tol * 3.0,
                                "seed {seed} {mode} service {}: {m} m vs reference {} m",
                                r.service,
                                want.metres
                            );
                            assert!(m + 0.01 >= r.straight_m, "route shorter than straight line");
                            if r.push_start_m > 0.0 || r.push_end_m > 0.0 {
                                pushed += 1;
                                assert_eq!(mode, Mode::Ebike);
                            }
                            assert!(r.push_start_m <= 50.01 && r.push_end_m <= 50.01);
                        }
                        (None, None) => unreachable += 1,
                        (a, b) => panic!(
                            "seed {seed} {mode} service {}: {a:?} vs reference {b:?}",
                            r.service
                        ),
                    }
                }
                // Ordered: reachable by time, then unreachable.
                let times: Vec<_> = got.iter().map(|r| r.time_s).collect();
                let first_none = times
                    .iter()
                    .position(Option::is_none)
                    .unwrap_or(times.len());
                assert!(times[first_none..].iter().all(Option::is_none));
                assert!(times[..first_none].windows(2).all(|w| w[0] <= w[1]));
                // The drawn route is the reported one: same numbers, its line as long as its
                // length, no street twice, from the origin to the place.
                for r in got.iter().filter(|r| r.route_m.is_some()).take(3) {
                    let route = finder
                        .route(&mut router, origin, mode, r.service)
                        .expect("query")
                        .expect("reachable");
                    assert_eq!(Some(route.route_m), r.route_m);
                    assert_eq!(Some(route.time_s), r.time_s);
                    assert_eq!(route.push_end_m, r.push_end_m);
                    check_route_line(&route, origin, finder.services()[r.service].location);
                }
            }
        }
    }
    println!("{reachable} reachable ({pushed} with a push) and {unreachable} unreachable pairs");
    assert!(
        reachable > 1000 && unreachable > 10 && pushed > 10,
        "the random graphs should exercise every case"
    );
}

/// A route's line: from `origin` to `place`, as long as the route (within rounding), no part
/// of a street travelled twice, pushed metres as reported.
pub(crate) fn check_route_line(route: &crate::Route, origin: LngLat, place: LngLat) {
    let drawn: f64 = route.points.windows(2).map(|w| w[0].distance_m(w[1])).sum();
    assert!(
        (drawn - route.route_m).abs() < 0.05 + route.route_m * 0.002,
        "drawn {drawn} vs {}",
        route.route_m
    );
    assert_eq!(route.points.first(), Some(&origin));
    assert_eq!(route.points.last(), Some(&place));
    assert!(no_stretch_twice(&route.stretches), "{:?}", route.stretches);
    let pushed: f64 = route
        .stretches
        .iter()
        .filter(|s| s.pushed)
        .map(|s| s.length_m())
        .sum();
    assert!(
        (pushed - route.push_start_m - route.push_end_m).abs() < 0.03,
        "pushed {pushed} vs {} + {}",
        route.push_start_m,
        route.push_end_m
    );
}

/// No two stretches of a route overlap on the same street.
pub(crate) fn no_stretch_twice(stretches: &[crate::RouteStretch]) -> bool {
    stretches.iter().enumerate().all(|(i, a)| {
        stretches[i + 1..].iter().all(|b| {
            let (a0, a1) = (a.from_m.min(a.to_m), a.from_m.max(a.to_m));
            let (b0, b1) = (b.from_m.min(b.to_m), b.from_m.max(b.to_m));
            a.edge != b.edge || a1.min(b1) - a0.max(b0) <= 1e-6
        })
    })
}

fn random_point_on_edge(
    finder: &Finder,
    rng: &mut Rng,
    mode: Mode,
) -> Option<(EdgeId, f64, LngLat)> {
    let net = finder.network();
    let edges = &net.graph().edges;
    for _ in 0..50 {
        let e = EdgeId(rng.below(edges.len() as u64) as u32);
        if edges[e.index()].access.any(mode) {
            let len = net.edge_length_m(e);
            let off = rng.unit() * len;
            return Some((e, off, net.point_at(e, off)));
        }
    }
    None
}

/// Whether `time_s` fits band `band` of `limits` (minutes), within `tol_s`.
fn in_band(time_s: f64, band: usize, limits: &[f64], tol_s: f64) -> bool {
    let upper = limits.get(band).map_or(f64::INFINITY, |l| l * 60.0);
    let lower = if band == 0 {
        0.0
    } else {
        limits[band - 1] * 60.0
    };
    time_s <= upper + tol_s && time_s >= lower - tol_s
}

#[test]
fn coverage_matches_one_search_per_service() {
    use crate::circle::{coverage, minutes_at, search_to_services};
    let limits = [2.0, 4.0, 6.0];
    for seed in 0..12u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(5000 + seed);
        let finder = Finder::new(random_bundle(&mut rng, 9, 12));
        let reference = Reference::new(finder.network().graph());
        let mut multi = finder.router();
        let mut single = finder.router();
        let services: Vec<usize> = (0..finder.services().len())
            .filter(|i| i % 2 == 0)
            .collect();
        for mode in Mode::ALL {
            search_to_services(&finder, &mut multi, mode, &services);
            let n = finder.network().node_count();
            let mut best = vec![UNREACHED; n];
            for &s in &services {
                search_to_services(&finder, &mut single, mode, &[s]);
                for (v, b) in best.iter_mut().enumerate() {
                    *b = (*b).min(single.cost_cm(NodeId(v as u32)));
                }
            }
            for (v, b) in best.iter().enumerate() {
                assert_eq!(
                    multi.cost_cm(NodeId(v as u32)),
                    *b,
                    "seed {seed} {mode} node {v}"
                );
            }
            let cov = coverage(&finder, &mut multi, mode, &services, &limits);
            assert!(cov.within_m.windows(2).all(|w| w[0] <= w[1] + 1e-9));
            assert!(cov.within_m[2] <= cov.street_m + 1e-6);
            // The drawn band parts add up to the measured lengths, and cover every street.
            for k in 0..3 {
                let drawn: f64 = cov
                    .parts
                    .iter()
                    .filter(|p| p.band <= k)
                    .map(|p| p.to_m - p.from_m)
                    .sum();
                assert!(
                    (drawn - cov.within_m[k]).abs() < 1e-6,
                    "seed {seed} {mode} band {k}"
                );
            }
            let all: f64 = cov.parts.iter().map(|p| p.to_m - p.from_m).sum();
            assert!(
                (all - cov.street_m).abs() < 1e-6,
                "seed {seed} {mode}: parts cover the streets"
            );
            let place_joins: Vec<Vec<RefJoin>> = services
                .iter()
                .map(|&s| reference.joins(finder.services()[s].location, mode, MAX_PLACE_JOIN_M))
                .collect();
            let tol_s = 0.05 * f64::from(mode.foot_factor()) / mode.speed_mps();
            for _ in 0..15 {
                let Some((e, off, p)) = random_point_on_edge(&finder, &mut rng, mode) else {
                    continue;
                };
                // A street point joins its own street: its band is the reference's time from
                // there to the nearest service.
                let from_street =
                    reference.times(&reference.on_street(e.index(), off), &place_joins, mode);
                let quickest = from_street
                    .iter()
                    .flatten()
                    .map(|a| a.time_s)
                    .fold(f64::INFINITY, f64::min);
                let band = cov
                    .parts
                    .iter()
                    .find(|q| q.edge == e && q.from_m - 1e-6 <= off && off <= q.to_m + 1e-6)
                    .map(|q| q.band)
                    .expect("every street point is in a band");
                assert!(
                    in_band(quickest, band, &limits, tol_s),
                    "seed {seed} {mode}: band {band} but {quickest} s"
                );
                // A tap joins by the starting point's rule: the minutes are nearest's.
                let tap = minutes_at(&finder, &multi, mode, &services, p);
                let ranked = finder
                    .nearest(&mut single, p, mode, |s| {
                        services.iter().any(|&i| finder.services()[i].id == s.id)
                    })
                    .expect("query");
                match (tap, ranked.first().and_then(|r| r.time_s)) {
                    (Some(t), Some(time_s)) => assert!(
                        (t.minutes * 60.0 - time_s).abs() < tol_s,
                        "seed {seed} {mode}: tap {} min vs nearest {time_s} s",
                        t.minutes
                    ),
                    (None, None) => {}
                    (a, b) => panic!("seed {seed} {mode}: tap {a:?} vs nearest {b:?}"),
                }
            }
        }
    }
}

#[test]
fn isochrone_matches_one_to_one_queries() {
    use crate::circle::isochrone;
    let limits = [2.0, 4.0, 6.0];
    let mut inside = 0;
    let mut outside = 0;
    for seed in 0..12u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(7000 + seed);
        let finder = Finder::new(random_bundle(&mut rng, 10, 3));
        let reference = Reference::new(finder.network().graph());
        let mut router = finder.router();
        let bbox = finder.bundle().bbox;
        let origin = LngLat::new(
            bbox.min.lng + rng.unit() * (bbox.max.lng - bbox.min.lng),
            bbox.min.lat + rng.unit() * (bbox.max.lat - bbox.min.lat),
        );
        for mode in Mode::ALL {
            let iso = isochrone(&finder, &mut router, origin, mode, &limits).expect("origin joins");
            let origin_joins = reference.joins(origin, mode, crate::join::MAX_ORIGIN_JOIN_M);
            let tol_s = 0.05 * f64::from(mode.foot_factor()) / mode.speed_mps();
            for _ in 0..40 {
                let Some((e, off, _)) = random_point_on_edge(&finder, &mut rng, mode) else {
                    continue;
                };
                let time_s =
                    reference.times(&origin_joins, &[reference.on_street(e.index(), off)], mode)[0]
                        .map_or(f64::INFINITY, |a| a.time_s);
                let band = iso
                    .parts
                    .iter()
                    .find(|p| p.edge == e && p.from_m - 1e-6 <= off && off <= p.to_m + 1e-6)
                    .map_or(limits.len(), |p| p.band);
                if band < limits.len() {
                    inside += 1;
                } else {
                    outside += 1;
                }
                assert!(
                    in_band(time_s, band, &limits, tol_s),
                    "seed {seed} {mode}: band {band} but {time_s} s"
                );
            }
        }
    }
    println!("{inside} points inside, {outside} outside");
    assert!(inside > 100 && outside > 100, "both cases exercised");
}

/// A 3 km main street (one-way for e-bikes, with a bend every 100 m) crossed by a two-way
/// street in its middle, with `places` places beside the main street, 2–15 m off it.
fn main_street(rng: &mut Rng, places: usize) -> Bundle {
    let proj = LocalProjection::new(LngLat::new(114.02, 22.53));
    let at = |x: f64, y: f64| LngLat::from_e6(proj.unproject([x, y]).to_e6());
    let nodes = vec![
        at(0.0, 0.0),
        at(1500.0, 0.0),
        at(3000.0, 0.0),
        at(1500.0, -500.0),
        at(1500.0, 500.0),
    ];
    let two_way = Mode::ALL
        .into_iter()
        .fold(Access::NONE, |a, m| a.with(m, true, true));
    let one_way = two_way.with(Mode::Ebike, true, false);
    let mut shape_points = Vec::new();
    let mut edges = Vec::new();
    for (from, to, x0, access) in [(0u32, 1u32, 0.0, one_way), (1, 2, 1500.0, one_way)] {
        let start = shape_points.len() as u32;
        for k in 1..15 {
            let wiggle = if k % 2 == 0 { 3.0 } else { -3.0 };
            shape_points.push(at(x0 + 100.0 * f64::from(k), wiggle).to_e6());
        }
        edges.push(Edge {
            from: NodeId(from),
            to: NodeId(to),
            shape: ShapeRange {
                start,
                end: shape_points.len() as u32,
            },
            access,
            class: RoadClass::Primary,
            name: None,
        });
    }
    for (from, to) in [(3u32, 1u32), (1, 4)] {
        let s = shape_points.len() as u32;
        edges.push(Edge {
            from: NodeId(from),
            to: NodeId(to),
            shape: ShapeRange { start: s, end: s },
            access: two_way,
            class: RoadClass::Minor,
            name: None,
        });
    }
    let graph = StreetGraph {
        nodes: nodes.iter().map(|p| p.to_e6()).collect(),
        edges,
        shape_points,
        names: Vec::new(),
    };
    let mut bundle = random_bundle(rng, 2, 0);
    bundle.bbox = BBox::around(nodes).expect("nodes");
    bundle.graph = graph;
    bundle.services = (0..places)
        .map(|i| {
            let side = if rng.chance(0.5) { 1.0 } else { -1.0 };
            let mut s = random_bundle_service(i);
            s.location = at(rng.unit() * 3000.0, side * (5.0 + rng.unit() * 12.0));
            s
        })
        .collect();
    bundle
}

fn random_bundle_service(i: usize) -> Service {
    Service {
        id: format!("p{i}"),
        name: format!("Place {i}"),
        kind: Kind::Canteen,
        location: LngLat::default(),
        address: String::new(),
        opening_hours: String::new(),
        amenities: Amenities::EMPTY,
        phone: String::new(),
        floor: None,
        notes: String::new(),
        price: String::new(),
    }
}

/// Coverage on one street against the reference at sampled points: the band of every sample,
/// the time at the middle of each edge, and the worst time of the edge (which no sample may
/// exceed, and some sample comes within its slope × spacing of).
fn check_coverage_on_main_street(finder: &Finder, samples: usize, seed: u64) {
    use crate::circle::coverage;
    let reference = Reference::new(finder.network().graph());
    let limits = [0.5, 1.0, 2.0];
    let services: Vec<usize> = (0..finder.services().len()).collect();
    let mut router = finder.router();
    for mode in Mode::ALL {
        let cov = coverage(finder, &mut router, mode, &services, &limits);
        let all: f64 = cov.parts.iter().map(|p| p.to_m - p.from_m).sum();
        assert!((all - cov.street_m).abs() < 1e-6, "seed {seed} {mode}");
        let place_joins: Vec<Vec<RefJoin>> = finder
            .services()
            .iter()
            .map(|s| reference.joins(s.location, mode, MAX_PLACE_JOIN_M))
            .collect();
        let f = f64::from(mode.foot_factor());
        let tol_s = 0.05 * f / mode.speed_mps();
        for ec in cov.edges.iter().filter(|e| e.edge.index() < 2) {
            let len = ec.length_m;
            let time_at = |off: f64| {
                reference
                    .times(
                        &reference.on_street(ec.edge.index(), off),
                        &place_joins,
                        mode,
                    )
                    .iter()
                    .flatten()
                    .map(|a| a.time_s)
                    .fold(f64::INFINITY, f64::min)
            };
            let mid = ec.mid_minutes.map_or(f64::INFINITY, |m| m * 60.0);
            let want = time_at(len / 2.0);
            assert!(
                (mid.is_infinite() && want.is_infinite()) || (mid - want).abs() < tol_s,
                "seed {seed} {mode}: mid"
            );
            // `None` when part of the edge reaches nothing (downstream of the last place on the
            // one-way street, for the e-bike): those samples must be unreachable.
            let worst = ec.max_minutes.map_or(f64::INFINITY, |m| m * 60.0);
            let mut sampled_worst: f64 = 0.0;
            for k in 0..=samples {
                let off = len * k as f64 / samples as f64;
                let t = time_at(off);
                sampled_worst = sampled_worst.max(t);
                assert!(
                    t <= worst + tol_s,
                    "seed {seed} {mode}: {t} s above the worst {worst}"
                );
                let band = cov
                    .parts
                    .iter()
                    .find(|p| p.edge == ec.edge && p.from_m - 1e-6 <= off && off <= p.to_m + 1e-6)
                    .map(|p| p.band)
                    .expect("in a band");
                assert!(
                    in_band(t, band, &limits, tol_s),
                    "seed {seed} {mode}: band {band}, {t} s"
                );
            }
            let spacing_s = len / samples as f64 * f / mode.speed_mps();
            assert!(
                worst.is_finite() || sampled_worst.is_infinite(),
                "seed {seed} {mode}: no worst but every sample served"
            );
            assert!(
                worst.is_infinite() || worst <= sampled_worst + spacing_s + tol_s,
                "seed {seed} {mode}: worst {worst} vs sampled {sampled_worst}"
            );
        }
    }
}

#[test]
fn coverage_with_many_places_on_one_street_matches_the_reference() {
    for seed in 0..3u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(9000 + seed);
        let finder = Finder::new(main_street(&mut rng, 40));
        check_coverage_on_main_street(&finder, 300, seed);
    }
}

/// Issue 14: a thousand places on one street made coverage take 14 s (cubic). The sweep is
/// O(k log k): this runs the big case (no timing asserted) and checks it at sampled points.
#[test]
fn coverage_with_a_thousand_places_on_one_street() {
    let mut rng = Rng::new(9100);
    let finder = Finder::new(main_street(&mut rng, 1_200));
    check_coverage_on_main_street(&finder, 40, 9100);
}
