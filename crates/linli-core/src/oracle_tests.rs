//! The fast paths against slow, obviously-correct references on seeded random graphs.
//! Each test prints its seeds; a failure names the seed to replay.

use crate::bundle::Bundle;
use crate::finder::Finder;
use crate::geom::{project_onto_segment, BBox, LngLat, LocalProjection};
use crate::graph::{Edge, EdgeId, NodeId, RoadClass, ShapeRange, StreetGraph};
use crate::network::Network;
use crate::profile::{Access, Mode};
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
    let services = (0..services)
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
        services,
        graph,
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
                    tag: k,
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

/// The reference for `Finder::nearest`: split every edge at the origin's and the services'
/// landing points, add them as real vertices, and run the naive Dijkstra.
fn reference_nearest(finder: &Finder, origin: LngLat, mode: Mode) -> Vec<Option<f64>> {
    let snap = finder.snap_origin(origin, mode).expect("origin snaps");
    let snaps: Vec<_> = (0..finder.services().len())
        .map(|i| finder.service_snap(i, mode))
        .collect();
    let mut cuts = vec![(snap.edge, snap.offset_m)];
    cuts.extend(snaps.iter().flatten().map(|s| (s.edge, s.offset_m)));
    let (n, arcs, vertex) = split_at(finder, mode, &cuts);
    let dist = naive_dijkstra(n, &arcs, &[(vertex[0], 0.0)]);
    let mut next = vertex[1..].iter();
    snaps
        .iter()
        .map(|s| {
            s.and_then(|s| {
                let v = *next.next().expect("one vertex per snapped service");
                dist[v]
                    .is_finite()
                    .then(|| snap.distance_m + dist[v] + s.distance_m)
            })
        })
        .collect()
}

#[test]
fn nearest_matches_reference_on_random_graphs() {
    let mut reachable = 0;
    let mut unreachable = 0;
    for seed in 0..25u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(1000 + seed);
        let finder = Finder::new(random_bundle(&mut rng, 9, 25));
        let mut router = finder.router();
        let bbox = finder.bundle().bbox;
        for _ in 0..6 {
            let origin = LngLat::new(
                bbox.min.lng + rng.unit() * (bbox.max.lng - bbox.min.lng),
                bbox.min.lat + rng.unit() * (bbox.max.lat - bbox.min.lat),
            );
            for mode in Mode::ALL {
                let expected = reference_nearest(&finder, origin, mode);
                let got = finder
                    .nearest(&mut router, origin, mode, |_| true)
                    .expect("query");
                assert_eq!(got.len(), expected.len());
                for r in &got {
                    match (r.route_m, expected[r.service]) {
                        (Some(a), Some(b)) => {
                            reachable += 1;
                            // Centimetre rounding per edge, a few dozen edges at most.
                            assert!(
                                (a - b).abs() < 0.5,
                                "seed {seed} {mode} service {}: {a} vs {b}",
                                r.service
                            );
                            assert!(
                                a + 1e-6 >= r.straight_m * 0.999,
                                "route shorter than straight line"
                            );
                        }
                        (None, None) => unreachable += 1,
                        (a, b) => panic!(
                            "seed {seed} {mode} service {}: {a:?} vs reference {b:?}",
                            r.service
                        ),
                    }
                }
                // Ordered: reachable ascending, then unreachable.
                let routes: Vec<_> = got.iter().map(|r| r.route_m).collect();
                let first_none = routes
                    .iter()
                    .position(Option::is_none)
                    .unwrap_or(routes.len());
                assert!(routes[first_none..].iter().all(Option::is_none));
                assert!(routes[..first_none].windows(2).all(|w| w[0] <= w[1]));

                // The drawn route has the reported length and joins origin to service.
                if let Some(first) = got.first().filter(|r| r.route_m.is_some()) {
                    let route = finder
                        .route(&mut router, origin, mode, first.service)
                        .expect("query")
                        .expect("reachable");
                    assert_eq!(Some(route.route_m), first.route_m);
                    let drawn: f64 = route.points.windows(2).map(|w| w[0].distance_m(w[1])).sum();
                    assert!(
                        (drawn - route.route_m).abs() < 1.0 + route.route_m * 0.002,
                        "seed {seed} {mode}: drawn {drawn} vs {}",
                        route.route_m
                    );
                    assert_eq!(route.points.first(), Some(&origin));
                    assert_eq!(
                        route.points.last(),
                        Some(&finder.services()[first.service].location)
                    );
                }
            }
        }
    }
    println!("{reachable} reachable and {unreachable} unreachable pairs compared");
    assert!(
        reachable > 1000 && unreachable > 10,
        "the random graphs should exercise both cases"
    );
}

/// The street graph split at the given (edge, offset) points, as an arc list for
/// `naive_dijkstra`; returns the vertex of each cut point.
fn split_at(
    finder: &Finder,
    mode: Mode,
    cuts: &[(EdgeId, f64)],
) -> (usize, Vec<(usize, usize, f64)>, Vec<usize>) {
    let net = finder.network();
    let g = net.graph();
    let mut n = g.nodes.len();
    let mut per_edge: Vec<Vec<(f64, usize)>> = vec![Vec::new(); g.edges.len()];
    let mut vertex = Vec::new();
    for &(e, off) in cuts {
        per_edge[e.index()].push((off, n));
        vertex.push(n);
        n += 1;
    }
    let mut arcs = Vec::new();
    for (i, e) in g.edges.iter().enumerate() {
        let len = net.edge_length_m(EdgeId(i as u32));
        let mut points = vec![(0.0, e.from.index())];
        let mut c = per_edge[i].clone();
        c.sort_by(|a, b| a.0.total_cmp(&b.0));
        points.extend(c);
        points.push((len, e.to.index()));
        for w in points.windows(2) {
            let ((oa, va), (ob, vb)) = (w[0], w[1]);
            if e.access.forward(mode) {
                arcs.push((va, vb, ob - oa));
            }
            if e.access.backward(mode) {
                arcs.push((vb, va, ob - oa));
            }
        }
    }
    (n, arcs, vertex)
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
            let p = *net.edge_slice(e, off, off).first()?;
            return Some((e, off, p));
        }
    }
    None
}

#[test]
fn coverage_matches_one_search_per_service() {
    use crate::circle::{coverage, search_to_services};
    for seed in 0..12u64 {
        println!("seed {seed}");
        let mut rng = Rng::new(5000 + seed);
        let finder = Finder::new(random_bundle(&mut rng, 9, 12));
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
            // Points on streets: minutes to the nearest service equal the naive reference.
            let cov = coverage(&finder, &mut multi, mode, &services, &[5.0, 10.0, 15.0]);
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
            let snaps: Vec<_> = services
                .iter()
                .filter_map(|&s| finder.service_snap(s, mode).map(|sn| (s, sn)))
                .collect();
            for _ in 0..15 {
                let Some((e, off, p)) = random_point_on_edge(&finder, &mut rng, mode) else {
                    continue;
                };
                let mut cuts = vec![(e, off)];
                cuts.extend(snaps.iter().map(|(_, sn)| (sn.edge, sn.offset_m)));
                let (nv, arcs, vertex) = split_at(&finder, mode, &cuts);
                let dist = naive_dijkstra(nv, &arcs, &[(vertex[0], 0.0)]);
                let reference = snaps
                    .iter()
                    .enumerate()
                    .map(|(k, (_, sn))| dist[vertex[k + 1]] + sn.distance_m)
                    .fold(f64::INFINITY, f64::min);
                let got = crate::circle::minutes_at(&finder, &multi, mode, &services, p);
                match got {
                    Some((minutes, _)) => {
                        let metres = minutes * 60.0 * mode.speed_mps();
                        assert!(
                            reference.is_finite(),
                            "seed {seed} {mode}: reachable by coverage only"
                        );
                        // The point is re-snapped (it may land on a neighbouring edge at a
                        // junction); centimetre rounding per edge.
                        assert!(
                            (metres - reference).abs() < 0.6,
                            "seed {seed} {mode}: {metres} vs {reference}"
                        );
                    }
                    None => assert!(
                        !reference.is_finite(),
                        "seed {seed} {mode}: reference {reference}, coverage none"
                    ),
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
        let mut router = finder.router();
        let bbox = finder.bundle().bbox;
        let origin = LngLat::new(
            bbox.min.lng + rng.unit() * (bbox.max.lng - bbox.min.lng),
            bbox.min.lat + rng.unit() * (bbox.max.lat - bbox.min.lat),
        );
        for mode in Mode::ALL {
            let iso = isochrone(&finder, &mut router, origin, mode, &limits).expect("origin snaps");
            let snap = finder.snap_origin(origin, mode).expect("snaps");
            let speed = mode.speed_mps() * 60.0;
            for _ in 0..40 {
                let Some((e, off, _)) = random_point_on_edge(&finder, &mut rng, mode) else {
                    continue;
                };
                let (nv, arcs, vertex) =
                    split_at(&finder, mode, &[(snap.edge, snap.offset_m), (e, off)]);
                let reference =
                    naive_dijkstra(nv, &arcs, &[(vertex[0], snap.distance_m)])[vertex[1]];
                let band = iso
                    .parts
                    .iter()
                    .find(|p| p.edge == e && p.from_m - 1e-6 <= off && off <= p.to_m + 1e-6)
                    .map(|p| p.band);
                let tol = 0.6;
                match band {
                    Some(b) => {
                        inside += 1;
                        assert!(
                            reference <= limits[b] * speed + tol,
                            "seed {seed} {mode}: band {b} but {reference} m"
                        );
                        if b > 0 {
                            assert!(
                                reference >= limits[b - 1] * speed - tol,
                                "seed {seed} {mode}: band {b} but {reference} m"
                            );
                        }
                    }
                    None => {
                        outside += 1;
                        assert!(
                            reference >= limits[2] * speed - tol,
                            "seed {seed} {mode}: outside but {reference} m"
                        );
                    }
                }
            }
        }
    }
    println!("{inside} points inside, {outside} outside");
    assert!(inside > 100 && outside > 100, "both cases exercised");
}
