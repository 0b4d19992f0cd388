//! The service circle: which streets are within 5, 10, 15 minutes of a starting point
//! ([`isochrone`]), and how far every street is from the nearest service of a kind
//! ([`coverage`]), each from one search.
//!
//! Along an edge, the travel cost of a point at offset `x` metres is the minimum of a few
//! linear pieces (leave by one end, leave by the other, or reach a place on the same edge),
//! each with slope ±1. So "the part of this street within the limit" is a union of intervals,
//! computed exactly: a street partly within the limit counts for its reachable part.
//!
//! # Units
//! Lengths in metres, times in minutes at the mode's speed ([`Mode::speed_mps`]).

use crate::finder::Finder;
use crate::geom::LngLat;
use crate::graph::{EdgeId, NodeId};
use crate::network::{meters_to_cm, Network};
use crate::profile::Mode;
use crate::router::{Router, Seed, NO_PRED, UNREACHED};
use crate::QueryError;

/// `cost(x) = at0 + slope * x` metres for `x` in `lo..=hi`, reached via `tag` (a service index
/// for coverage).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    at0: f64,
    slope: f64,
    lo: f64,
    hi: f64,
    tag: u32,
}

impl Piece {
    fn cost(&self, x: f64) -> Option<f64> {
        (x >= self.lo - 1e-9 && x <= self.hi + 1e-9).then_some(self.at0 + self.slope * x)
    }

    /// The offsets where the cost is at most `limit`, as an interval.
    fn within(&self, limit: f64) -> Option<(f64, f64)> {
        let (a, b) = if self.slope > 0.0 {
            (self.lo, self.hi.min(limit - self.at0))
        } else {
            (self.lo.max(self.at0 - limit), self.hi)
        };
        (b >= a).then_some((a, b))
    }
}

/// Merged, sorted union of intervals.
fn union(mut intervals: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(intervals.len());
    for (a, b) in intervals {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn measure(intervals: &[(f64, f64)]) -> f64 {
    intervals.iter().map(|(a, b)| b - a).sum()
}

/// `a` minus `b`, both merged and sorted.
fn difference(a: &[(f64, f64)], b: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &(mut lo, hi) in a {
        for &(blo, bhi) in b {
            if bhi <= lo || blo >= hi {
                continue;
            }
            if blo > lo {
                out.push((lo, blo));
            }
            lo = lo.max(bhi);
        }
        if hi > lo {
            out.push((lo, hi));
        }
    }
    out.retain(|(x, y)| y - x > 1e-6);
    out
}

/// The lowest cost along the edge and where, the highest of the lower envelope, and the
/// length not covered by any piece.
fn envelope(pieces: &[Piece], len: f64) -> (Option<(f64, u32)>, Option<f64>, f64) {
    if pieces.is_empty() {
        return (None, None, len);
    }
    let mut candidates = vec![0.0, len, len / 2.0];
    for p in pieces {
        candidates.push(p.lo);
        candidates.push(p.hi);
        for q in pieces {
            if p.slope > 0.0 && q.slope < 0.0 {
                candidates.push((q.at0 - p.at0) / 2.0);
            }
        }
    }
    let at = |x: f64| -> Option<(f64, u32)> {
        pieces
            .iter()
            .filter_map(|p| p.cost(x).map(|c| (c, p.tag)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    };
    let covered = measure(&union(
        pieces
            .iter()
            .map(|p| (p.lo.max(0.0), p.hi.min(len)))
            .collect(),
    ));
    let mut best: Option<(f64, u32)> = None;
    let mut worst: Option<f64> = None;
    for x in candidates.into_iter().filter(|x| (0.0..=len).contains(x)) {
        if let Some((c, tag)) = at(x) {
            if best.is_none_or(|(b, _)| c < b) {
                best = Some((c, tag));
            }
            worst = Some(worst.map_or(c, |w: f64| w.max(c)));
        }
    }
    (best, worst, (len - covered).max(0.0))
}

/// How one street segment is served.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeCoverage {
    /// The edge.
    pub edge: EdgeId,
    /// Its length in metres.
    pub length_m: f64,
    /// Minutes from its best-served point to the nearest service.
    pub min_minutes: Option<f64>,
    /// Minutes from its worst-served point (`None` if part of it cannot reach any service).
    pub max_minutes: Option<f64>,
    /// Minutes from its midpoint.
    pub mid_minutes: Option<f64>,
    /// The service nearest to its midpoint (index into the bundle's services).
    pub nearest: Option<usize>,
}

/// A part of an edge in one coverage band: band `i` is "within limit `i`", and
/// `limits.len()` is "beyond the last limit, or no service reachable".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPart {
    /// The edge.
    pub edge: EdgeId,
    /// Start offset, metres.
    pub from_m: f64,
    /// End offset, metres.
    pub to_m: f64,
    /// The band.
    pub band: usize,
}

/// Streets by minutes to the nearest service.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The mode.
    pub mode: Mode,
    /// The limits asked for, minutes.
    pub limits_minutes: Vec<f64>,
    /// Total length of the streets the mode may use, metres.
    pub street_m: f64,
    /// Length within each limit, metres (same order as `limits_minutes`).
    pub within_m: Vec<f64>,
    /// Length from which no service can be reached, metres.
    pub unreachable_m: f64,
    /// The longest minutes to the nearest service from any reachable point.
    pub max_minutes: Option<f64>,
    /// Every usable edge.
    pub edges: Vec<EdgeCoverage>,
    /// Every usable edge cut into band parts, for drawing.
    pub parts: Vec<BandPart>,
}

impl Coverage {
    /// The share (0–1) of street length within limit number `i`.
    pub fn share(&self, i: usize) -> f64 {
        if self.street_m > 0.0 {
            self.within_m.get(i).copied().unwrap_or(0.0) / self.street_m
        } else {
            0.0
        }
    }
}

fn minutes(m: f64, mode: Mode) -> f64 {
    m / mode.speed_mps() / 60.0
}

/// The services of `kind`, or only those open at `at` (Beijing time) when given.
pub fn services_of(
    finder: &Finder,
    kind: crate::Kind,
    at: Option<chrono::NaiveDateTime>,
) -> Vec<usize> {
    finder
        .services()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == kind)
        .filter(|(_, s)| {
            at.is_none_or(|t| {
                crate::hours::Hours::parse(&s.opening_hours)
                    .status(t)
                    .state
                    .is_open()
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// The distance from every node to the nearest of `services` in `mode`: one search on the
/// reversed graph, seeded where each service joins the street. Node costs are read from the
/// router afterwards (`cost_cm`, `seed_of` = service index).
pub fn search_to_services(finder: &Finder, router: &mut Router, mode: Mode, services: &[usize]) {
    let net = finder.network();
    let mut seeds = Vec::new();
    for &i in services {
        let Some(s) = finder.service_snap(i, mode) else {
            continue;
        };
        let e = net.graph().edges[s.edge.index()];
        let len = net.edge_length_m(s.edge);
        let tag = u32::try_from(i).unwrap_or(NO_PRED);
        // From the first node, forward along the edge to the service.
        if e.access.forward(mode) {
            seeds.push(Seed {
                node: e.from,
                cost_cm: meters_to_cm(s.offset_m + s.distance_m),
                tag,
            });
        }
        if e.access.backward(mode) {
            seeds.push(Seed {
                node: e.to,
                cost_cm: meters_to_cm(len - s.offset_m + s.distance_m),
                tag,
            });
        }
    }
    router.run(
        net.reverse_adjacency(mode),
        net.node_count(),
        &seeds,
        &[],
        UNREACHED - 1,
    );
}

fn node_m(router: &Router, n: NodeId) -> Option<(f64, u32)> {
    let c = router.cost_cm(n);
    (c != UNREACHED).then(|| (f64::from(c) / 100.0, router.seed_of(n)))
}

/// The cost pieces of edge `e` towards the nearest service, after [`search_to_services`].
fn coverage_pieces(
    finder: &Finder,
    router: &Router,
    mode: Mode,
    e: EdgeId,
    on_edge: &[(usize, f64, f64)],
) -> Vec<Piece> {
    let net = finder.network();
    let edge = net.graph().edges[e.index()];
    let len = net.edge_length_m(e);
    let mut pieces = Vec::new();
    // Leave backwards through the first node, or forwards through the last.
    if edge.access.backward(mode) {
        if let Some((d, tag)) = node_m(router, edge.from) {
            pieces.push(Piece {
                at0: d,
                slope: 1.0,
                lo: 0.0,
                hi: len,
                tag,
            });
        }
    }
    if edge.access.forward(mode) {
        if let Some((d, tag)) = node_m(router, edge.to) {
            pieces.push(Piece {
                at0: len + d,
                slope: -1.0,
                lo: 0.0,
                hi: len,
                tag,
            });
        }
    }
    for &(i, s, snap) in on_edge {
        let tag = u32::try_from(i).unwrap_or(NO_PRED);
        if edge.access.forward(mode) {
            pieces.push(Piece {
                at0: s + snap,
                slope: -1.0,
                lo: 0.0,
                hi: s,
                tag,
            });
        }
        if edge.access.backward(mode) {
            pieces.push(Piece {
                at0: snap - s,
                slope: 1.0,
                lo: s,
                hi: len,
                tag,
            });
        }
    }
    pieces
}

/// Services snapped onto each edge in `mode`: edge → (service, offset, snap distance).
fn services_by_edge(
    finder: &Finder,
    mode: Mode,
    services: &[usize],
) -> Vec<Vec<(usize, f64, f64)>> {
    let mut by_edge = vec![Vec::new(); finder.network().graph().edges.len()];
    for &i in services {
        if let Some(s) = finder.service_snap(i, mode) {
            by_edge[s.edge.index()].push((i, s.offset_m, s.distance_m));
        }
    }
    by_edge
}

/// Every street the mode may use, by minutes to the nearest of `services` (indices into the
/// bundle's services), with the length within each of `limits_minutes`.
pub fn coverage(
    finder: &Finder,
    router: &mut Router,
    mode: Mode,
    services: &[usize],
    limits_minutes: &[f64],
) -> Coverage {
    search_to_services(finder, router, mode, services);
    let net = finder.network();
    let by_edge = services_by_edge(finder, mode, services);
    let speed_m_per_min = mode.speed_mps() * 60.0;
    let mut out = Coverage {
        mode,
        limits_minutes: limits_minutes.to_vec(),
        street_m: 0.0,
        within_m: vec![0.0; limits_minutes.len()],
        unreachable_m: 0.0,
        max_minutes: None,
        edges: Vec::new(),
        parts: Vec::new(),
    };
    for (i, edge) in net.graph().edges.iter().enumerate() {
        if !edge.access.any(mode) {
            continue;
        }
        let e = EdgeId(crate::network::index_u32(i));
        let len = net.edge_length_m(e);
        let pieces = coverage_pieces(finder, router, mode, e, &by_edge[i]);
        out.street_m += len;
        let mut inner: Vec<(f64, f64)> = Vec::new();
        for (k, limit) in limits_minutes.iter().enumerate() {
            let limit_m = limit * speed_m_per_min;
            let reach = union(pieces.iter().filter_map(|p| p.within(limit_m)).collect());
            out.within_m[k] += measure(&reach);
            for (a, b) in difference(&reach, &inner) {
                out.parts.push(BandPart {
                    edge: e,
                    from_m: a,
                    to_m: b,
                    band: k,
                });
            }
            inner = reach;
        }
        for (a, b) in difference(&[(0.0, len)], &inner) {
            out.parts.push(BandPart {
                edge: e,
                from_m: a,
                to_m: b,
                band: limits_minutes.len(),
            });
        }
        let (best, worst, uncovered) = envelope(&pieces, len);
        out.unreachable_m += uncovered;
        let worst = if uncovered > 1e-6 { None } else { worst };
        if let Some(w) = worst {
            let w = minutes(w, mode);
            out.max_minutes = Some(out.max_minutes.map_or(w, |m: f64| m.max(w)));
        }
        let mid = pieces
            .iter()
            .filter_map(|p| p.cost(len / 2.0).map(|c| (c, p.tag)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        out.edges.push(EdgeCoverage {
            edge: e,
            length_m: len,
            min_minutes: best.map(|(c, _)| minutes(c, mode)),
            max_minutes: worst.map(|c| minutes(c, mode)),
            mid_minutes: mid.map(|(c, _)| minutes(c, mode)),
            nearest: mid.map(|(_, t)| t as usize),
        });
    }
    out
}

/// A part of an edge inside band `band` (the smallest limit that contains it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IsoPart {
    /// The edge.
    pub edge: EdgeId,
    /// Start offset along the edge, metres.
    pub from_m: f64,
    /// End offset along the edge, metres.
    pub to_m: f64,
    /// Index into the limits.
    pub band: usize,
}

/// What can be reached from a starting point within each limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Isochrone {
    /// The mode.
    pub mode: Mode,
    /// The limits, minutes, ascending.
    pub limits_minutes: Vec<f64>,
    /// The reachable street parts, each in its band.
    pub parts: Vec<IsoPart>,
}

impl Isochrone {
    /// The drawn line of a part.
    pub fn part_line(&self, net: &Network, part: &IsoPart) -> Vec<LngLat> {
        net.edge_slice(part.edge, part.from_m, part.to_m)
    }

    /// Street length in band `band`, metres.
    pub fn band_length_m(&self, band: usize) -> f64 {
        self.parts
            .iter()
            .filter(|p| p.band == band)
            .map(|p| p.to_m - p.from_m)
            .sum()
    }
}

/// The streets reachable from `origin` in `mode` within each of `limits_minutes` (one search,
/// bounded by the largest limit).
pub fn isochrone(
    finder: &Finder,
    router: &mut Router,
    origin: LngLat,
    mode: Mode,
    limits_minutes: &[f64],
) -> Result<Isochrone, QueryError> {
    let mut limits = limits_minutes.to_vec();
    limits.sort_by(f64::total_cmp);
    let snap = finder.snap_origin(origin, mode)?;
    let net = finder.network();
    let speed_m_per_min = mode.speed_mps() * 60.0;
    let max_m = limits.last().copied().unwrap_or(0.0) * speed_m_per_min;
    let start = net.graph().edges[snap.edge.index()];
    let start_len = net.edge_length_m(snap.edge);
    let mut seeds = Vec::new();
    if start.access.backward(mode) {
        seeds.push(Seed {
            node: start.from,
            cost_cm: meters_to_cm(snap.distance_m + snap.offset_m),
            tag: 0,
        });
    }
    if start.access.forward(mode) {
        seeds.push(Seed {
            node: start.to,
            cost_cm: meters_to_cm(snap.distance_m + start_len - snap.offset_m),
            tag: 0,
        });
    }
    router.run(
        net.adjacency(mode),
        net.node_count(),
        &seeds,
        &[],
        meters_to_cm(max_m).saturating_add(1),
    );
    let settled = |n: NodeId| -> Option<f64> {
        let c = router.cost_cm(n);
        (c != UNREACHED && f64::from(c) / 100.0 <= max_m).then(|| f64::from(c) / 100.0)
    };
    let mut parts = Vec::new();
    for (i, edge) in net.graph().edges.iter().enumerate() {
        if !edge.access.any(mode) {
            continue;
        }
        let e = EdgeId(crate::network::index_u32(i));
        let len = net.edge_length_m(e);
        let mut pieces = Vec::new();
        if edge.access.forward(mode) {
            if let Some(d) = settled(edge.from) {
                pieces.push(Piece {
                    at0: d,
                    slope: 1.0,
                    lo: 0.0,
                    hi: len,
                    tag: 0,
                });
            }
        }
        if edge.access.backward(mode) {
            if let Some(d) = settled(edge.to) {
                pieces.push(Piece {
                    at0: d + len,
                    slope: -1.0,
                    lo: 0.0,
                    hi: len,
                    tag: 0,
                });
            }
        }
        if e == snap.edge {
            let (o, s0) = (snap.offset_m, snap.distance_m);
            if edge.access.forward(mode) {
                pieces.push(Piece {
                    at0: s0 - o,
                    slope: 1.0,
                    lo: o,
                    hi: len,
                    tag: 0,
                });
            }
            if edge.access.backward(mode) {
                pieces.push(Piece {
                    at0: s0 + o,
                    slope: -1.0,
                    lo: 0.0,
                    hi: o,
                    tag: 0,
                });
            }
        }
        if pieces.is_empty() {
            continue;
        }
        let mut inner: Vec<(f64, f64)> = Vec::new();
        for (band, limit) in limits.iter().enumerate() {
            let reach = union(
                pieces
                    .iter()
                    .filter_map(|p| p.within(limit * speed_m_per_min))
                    .collect(),
            );
            for (a, b) in difference(&reach, &inner) {
                parts.push(IsoPart {
                    edge: e,
                    from_m: a,
                    to_m: b,
                    band,
                });
            }
            inner = reach;
        }
    }
    Ok(Isochrone {
        mode,
        limits_minutes: limits,
        parts,
    })
}

/// The minutes from a point on the street to the nearest service (after [`coverage`] has run
/// its search on this router): for "tap a street to see which service is nearest".
pub fn minutes_at(
    finder: &Finder,
    router: &Router,
    mode: Mode,
    services: &[usize],
    at: LngLat,
) -> Option<(f64, usize)> {
    let snap = finder.network().snap(at, mode, 200.0)?;
    let by_edge = services_by_edge(finder, mode, services);
    let pieces = coverage_pieces(finder, router, mode, snap.edge, &by_edge[snap.edge.index()]);
    pieces
        .iter()
        .filter_map(|p| p.cost(snap.offset_m).map(|c| (c, p.tag)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(c, t)| (minutes(c + snap.distance_m, mode), t as usize))
}

/// A badly served street, for the "where are the gaps" list.
#[derive(Debug, Clone, PartialEq)]
pub struct WorstPlace {
    /// The street's name, if it has one.
    pub street: Option<String>,
    /// Minutes from its worst point to the nearest service (`None`: cannot reach any).
    pub minutes: Option<f64>,
    /// The middle of the segment, to show it on the map.
    pub point: LngLat,
    /// The edge.
    pub edge: EdgeId,
}

impl Coverage {
    /// The `n` worst-served street segments, at most one per street name, worst first
    /// (segments that reach no service at all come first).
    pub fn worst_served(&self, net: &Network, n: usize) -> Vec<WorstPlace> {
        let mut edges: Vec<&EdgeCoverage> =
            self.edges.iter().filter(|e| e.length_m >= 20.0).collect();
        edges.sort_by(|a, b| {
            let key = |e: &EdgeCoverage| e.max_minutes.unwrap_or(f64::INFINITY);
            key(b).total_cmp(&key(a)).then(a.edge.cmp(&b.edge))
        });
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for e in edges {
            let street = net.graph().edge_name(e.edge).map(str::to_string);
            if let Some(name) = &street {
                if !seen.insert(name.clone()) {
                    continue;
                }
            }
            let len = e.length_m;
            let point = net
                .edge_slice(e.edge, len / 2.0, len / 2.0)
                .first()
                .copied()
                .unwrap_or_default();
            out.push(WorstPlace {
                street,
                minutes: e.max_minutes,
                point,
                edge: e.edge,
            });
            if out.len() == n {
                break;
            }
        }
        out
    }
}
