//! A slow, independent reference for routing with the joining rule of `linli_core::join`, for
//! tests only: candidates found by brute force over every segment (no grid), and a plain
//! Dijkstra over an explicit graph in which every street is split at the candidate points,
//! with arcs for the legs and for the pushed stretches. Floating-point metres throughout (the
//! fast path rounds every stretch up to the centimetre).
//!
//! Shared by the core's oracle tests and `linli-build`'s property test over real extracts
//! (`#[path]`-included there), so it only uses the public API through `linli_core::`.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use linli_core::geom::{project_onto_segment, BBox, LngLat, LocalProjection};
use linli_core::join::{join_radius_m, MAX_ORIGIN_JOIN_M, MAX_PLACE_JOIN_M, PUSH_MAX_M};
use linli_core::{EdgeId, Mode, StreetGraph};

/// One candidate street of a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefJoin {
    /// Edge index.
    pub edge: usize,
    /// Offset of the joining point from the edge's first node, metres.
    pub offset_m: f64,
    /// Straight leg, metres (great-circle).
    pub leg_m: f64,
}

/// The reference's answer for one place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefAnswer {
    /// Travel time, seconds.
    pub time_s: f64,
    /// Length, metres.
    pub metres: f64,
    /// Arcs on the path (each rounded once by the fast path).
    pub hops: usize,
}

struct EdgeShape {
    xy: Vec<[f64; 2]>,
    along: Vec<f64>,
}

/// The street graph with plain per-edge geometry.
pub struct Reference<'a> {
    graph: &'a StreetGraph,
    proj: LocalProjection,
    shapes: Vec<EdgeShape>,
}

#[derive(Clone, Copy)]
struct RefArc {
    to: usize,
    cost: f64,
    metres: f64,
}

#[derive(PartialEq)]
struct Label(f64, usize);
impl Eq for Label {}
impl PartialOrd for Label {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Label {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
    }
}

impl<'a> Reference<'a> {
    /// Prepares the geometry of every edge.
    pub fn new(graph: &'a StreetGraph) -> Reference<'a> {
        let centre = BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p)))
            .map(|b| b.center())
            .unwrap_or_default();
        let proj = LocalProjection::new(centre);
        let shapes = (0..graph.edges.len())
            .map(|e| {
                let pts: Vec<LngLat> = graph.edge_lnglats(EdgeId(e as u32)).collect();
                let mut along = vec![0.0];
                for w in pts.windows(2) {
                    along.push(along.last().copied().unwrap_or(0.0) + w[0].distance_m(w[1]));
                }
                EdgeShape {
                    xy: pts.iter().map(|p| proj.project(*p)).collect(),
                    along,
                }
            })
            .collect();
        Reference {
            graph,
            proj,
            shapes,
        }
    }

    fn len(&self, e: usize) -> f64 {
        self.shapes[e].along.last().copied().unwrap_or(0.0)
    }

    /// The candidates of `p` by brute force over every segment of every usable edge.
    pub fn joins(&self, p: LngLat, mode: Mode, max_m: f64) -> Vec<RefJoin> {
        let q = self.proj.project(p);
        // Per usable edge: its nearest point (flat distance, segment, fraction).
        let mut nearest: Vec<(usize, f64, usize, f64)> = Vec::new();
        for (e, edge) in self.graph.edges.iter().enumerate() {
            if !edge.access.any(mode) {
                continue;
            }
            let xy = &self.shapes[e].xy;
            let mut best = (f64::INFINITY, 0, 0.0);
            for s in 0..xy.len() - 1 {
                let (t, d2) = project_onto_segment(q, xy[s], xy[s + 1]);
                if d2.sqrt() < best.0 {
                    best = (d2.sqrt(), s, t);
                }
            }
            nearest.push((e, best.0, best.1, best.2));
        }
        let d0 = nearest.iter().map(|n| n.1).fold(f64::INFINITY, f64::min);
        if d0 > max_m {
            return Vec::new();
        }
        let radius = join_radius_m(d0);
        nearest
            .into_iter()
            .filter(|n| n.1 <= radius + 1e-9)
            .map(|(e, _, s, t)| {
                let sh = &self.shapes[e];
                let (a, b) = (sh.xy[s], sh.xy[s + 1]);
                let point = self
                    .proj
                    .unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
                RefJoin {
                    edge: e,
                    offset_m: sh.along[s] + t * (sh.along[s + 1] - sh.along[s]),
                    leg_m: p.distance_m(point),
                }
            })
            .collect()
    }

    /// Time and length from `origin` to each of `places` in `mode`, `None` when unreachable
    /// (or when the origin joins no street).
    pub fn nearest(&self, origin: LngLat, places: &[LngLat], mode: Mode) -> Vec<Option<RefAnswer>> {
        let origin_joins = self.joins(origin, mode, MAX_ORIGIN_JOIN_M);
        let place_joins: Vec<Vec<RefJoin>> = places
            .iter()
            .map(|p| self.joins(*p, mode, MAX_PLACE_JOIN_M))
            .collect();
        self.times(&origin_joins, &place_joins, mode)
    }

    /// A point on a street, joined to that street alone with no leg (as coverage and the
    /// isochrone measure street points).
    pub fn on_street(&self, edge: usize, offset_m: f64) -> Vec<RefJoin> {
        vec![RefJoin {
            edge,
            offset_m,
            leg_m: 0.0,
        }]
    }

    /// Time and length from a point joined by `origin_joins` to each place joined by
    /// `place_joins`.
    pub fn times(
        &self,
        origin_joins: &[RefJoin],
        place_joins: &[Vec<RefJoin>],
        mode: Mode,
    ) -> Vec<Option<RefAnswer>> {
        let f = f64::from(mode.foot_factor());
        let n_nodes = self.graph.nodes.len();
        // Vertices: nodes, then per candidate a cut vertex on its street and an end vertex (the
        // origin's "start" or the place's "arrived"), then the origin, then one per place.
        let mut next = n_nodes;
        let mut alloc = || {
            next += 1;
            next - 1
        };
        let mut cuts: Vec<Vec<(f64, usize)>> = vec![Vec::new(); self.graph.edges.len()];
        let mut arcs: Vec<Vec<RefArc>> = Vec::new();
        let add = |arcs: &mut Vec<Vec<RefArc>>, a: usize, b: usize, cost: f64, metres: f64| {
            if arcs.len() <= a.max(b) {
                arcs.resize(a.max(b) + 1, Vec::new());
            }
            arcs[a].push(RefArc {
                to: b,
                cost,
                metres,
            });
        };
        let o = alloc();
        let pushable = |e: usize, forward: bool| {
            let a = self.graph.edges[e].access;
            let allowed = if forward {
                a.forward(mode)
            } else {
                a.backward(mode)
            };
            !allowed && mode.may_push() && a.any(mode)
        };
        let mut origin_start = Vec::new();
        for j in origin_joins {
            let (cut, start) = (alloc(), alloc());
            cuts[j.edge].push((j.offset_m, cut));
            add(&mut arcs, o, start, f * j.leg_m, j.leg_m);
            add(&mut arcs, start, cut, 0.0, 0.0);
            let e = &self.graph.edges[j.edge];
            let len = self.len(j.edge);
            if pushable(j.edge, false) && j.offset_m <= PUSH_MAX_M {
                add(&mut arcs, start, e.from.index(), f * j.offset_m, j.offset_m);
            }
            if pushable(j.edge, true) && len - j.offset_m <= PUSH_MAX_M {
                add(
                    &mut arcs,
                    start,
                    e.to.index(),
                    f * (len - j.offset_m),
                    len - j.offset_m,
                );
            }
            origin_start.push(start);
        }
        let mut place_vertex = Vec::new();
        for pjs in place_joins {
            let target = alloc();
            for j in pjs {
                let (cut, arrived) = (alloc(), alloc());
                cuts[j.edge].push((j.offset_m, cut));
                add(&mut arcs, cut, arrived, 0.0, 0.0);
                add(&mut arcs, arrived, target, f * j.leg_m, j.leg_m);
                let e = &self.graph.edges[j.edge];
                let len = self.len(j.edge);
                if pushable(j.edge, true) && j.offset_m <= PUSH_MAX_M {
                    add(
                        &mut arcs,
                        e.from.index(),
                        arrived,
                        f * j.offset_m,
                        j.offset_m,
                    );
                }
                if pushable(j.edge, false) && len - j.offset_m <= PUSH_MAX_M {
                    add(
                        &mut arcs,
                        e.to.index(),
                        arrived,
                        f * (len - j.offset_m),
                        len - j.offset_m,
                    );
                }
                // Pushed straight from an origin candidate on the same street.
                for (oj, &start) in origin_joins.iter().zip(&origin_start) {
                    let d = (j.offset_m - oj.offset_m).abs();
                    if oj.edge == j.edge
                        && pushable(j.edge, j.offset_m >= oj.offset_m)
                        && d <= PUSH_MAX_M
                    {
                        add(&mut arcs, start, arrived, f * d, d);
                    }
                }
            }
            place_vertex.push(target);
        }
        // Every street split at its cut points, ridden where the mode may.
        for (e, edge) in self.graph.edges.iter().enumerate() {
            let mut points = vec![(0.0, edge.from.index())];
            let mut c = cuts[e].clone();
            c.sort_by(|a, b| a.0.total_cmp(&b.0));
            points.extend(c);
            points.push((self.len(e), edge.to.index()));
            for w in points.windows(2) {
                let ((oa, va), (ob, vb)) = (w[0], w[1]);
                let d = ob - oa;
                if edge.access.forward(mode) {
                    add(&mut arcs, va, vb, d, d);
                }
                if edge.access.backward(mode) {
                    add(&mut arcs, vb, va, d, d);
                }
            }
        }
        let n = next.max(arcs.len());
        arcs.resize(n, Vec::new());
        let (cost, metres, hops) = dijkstra(&arcs, o);
        place_vertex
            .iter()
            .map(|&v| {
                cost[v].is_finite().then(|| RefAnswer {
                    time_s: cost[v] / mode.speed_mps(),
                    metres: metres[v],
                    hops: hops[v],
                })
            })
            .collect()
    }
}

/// Plain Dijkstra with a binary heap: cost, length and arc count of the cheapest path to
/// every vertex.
fn dijkstra(arcs: &[Vec<RefArc>], source: usize) -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    let n = arcs.len();
    let mut cost = vec![f64::INFINITY; n];
    let mut metres = vec![0.0; n];
    let mut hops = vec![0; n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    cost[source] = 0.0;
    heap.push(Reverse(Label(0.0, source)));
    while let Some(Reverse(Label(c, v))) = heap.pop() {
        if done[v] {
            continue;
        }
        done[v] = true;
        for a in &arcs[v] {
            let nc = c + a.cost;
            if nc < cost[a.to] {
                cost[a.to] = nc;
                metres[a.to] = metres[v] + a.metres;
                hops[a.to] = hops[v] + 1;
                heap.push(Reverse(Label(nc, a.to)));
            }
        }
    }
    (cost, metres, hops)
}
