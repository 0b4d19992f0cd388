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
        let mut g = SplitGraph::new(self, mode);
        let origin = g.vertex();
        let starts: Vec<usize> = origin_joins
            .iter()
            .map(|j| g.add_origin_join(origin, j))
            .collect();
        let targets: Vec<usize> = place_joins
            .iter()
            .map(|joins| g.add_place(joins, origin_joins, &starts))
            .collect();
        g.add_streets();
        let (cost, metres, hops) = dijkstra(&g.arcs, origin);
        targets
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

/// The street graph split at candidate points, as explicit arcs. Vertices: the junction
/// nodes, then per origin candidate a cut vertex on its street and a "start" vertex (after the
/// leg, before any push), per place candidate a cut vertex and an "arrived" vertex (after any
/// push, before the leg), the origin, and one target per place.
struct SplitGraph<'r, 'g> {
    reference: &'r Reference<'g>,
    mode: Mode,
    /// Cost of a metre on foot.
    foot: f64,
    arcs: Vec<Vec<RefArc>>,
    /// Per edge: (offset, vertex) of the points it is cut at.
    cuts: Vec<Vec<(f64, usize)>>,
}

impl SplitGraph<'_, '_> {
    fn new<'r, 'g>(reference: &'r Reference<'g>, mode: Mode) -> SplitGraph<'r, 'g> {
        SplitGraph {
            reference,
            mode,
            foot: f64::from(mode.foot_factor()),
            arcs: vec![Vec::new(); reference.graph.nodes.len()],
            cuts: vec![Vec::new(); reference.graph.edges.len()],
        }
    }

    fn vertex(&mut self) -> usize {
        self.arcs.push(Vec::new());
        self.arcs.len() - 1
    }

    fn arc(&mut self, from: usize, to: usize, cost: f64, metres: f64) {
        self.arcs[from].push(RefArc { to, cost, metres });
    }

    /// A stretch on foot.
    fn walk(&mut self, from: usize, to: usize, metres: f64) {
        self.arc(from, to, self.foot * metres, metres);
    }

    /// May the mode push along edge `e` in this direction (it may not ride it)?
    fn pushable(&self, e: usize, forward: bool) -> bool {
        let a = self.reference.graph.edges[e].access;
        let allowed = if forward {
            a.forward(self.mode)
        } else {
            a.backward(self.mode)
        };
        !allowed && self.mode.may_push() && a.any(self.mode)
    }

    /// The leg to an origin candidate, and the pushes from there to either end of its street;
    /// returns the candidate's start vertex.
    fn add_origin_join(&mut self, origin: usize, j: &RefJoin) -> usize {
        let (cut, start) = (self.vertex(), self.vertex());
        self.cuts[j.edge].push((j.offset_m, cut));
        self.walk(origin, start, j.leg_m);
        self.arc(start, cut, 0.0, 0.0);
        let e = self.reference.graph.edges[j.edge];
        let to_end = self.reference.len(j.edge) - j.offset_m;
        if self.pushable(j.edge, false) && j.offset_m <= PUSH_MAX_M {
            self.walk(start, e.from.index(), j.offset_m);
        }
        if self.pushable(j.edge, true) && to_end <= PUSH_MAX_M {
            self.walk(start, e.to.index(), to_end);
        }
        start
    }

    /// A place's candidates: arrival by riding to the cut or pushing from either end (or
    /// straight from an origin candidate on the same street), then the leg; returns its target.
    fn add_place(
        &mut self,
        joins: &[RefJoin],
        origin_joins: &[RefJoin],
        starts: &[usize],
    ) -> usize {
        let target = self.vertex();
        for j in joins {
            let (cut, arrived) = (self.vertex(), self.vertex());
            self.cuts[j.edge].push((j.offset_m, cut));
            self.arc(cut, arrived, 0.0, 0.0);
            self.walk(arrived, target, j.leg_m);
            let e = self.reference.graph.edges[j.edge];
            let from_end = self.reference.len(j.edge) - j.offset_m;
            if self.pushable(j.edge, true) && j.offset_m <= PUSH_MAX_M {
                self.walk(e.from.index(), arrived, j.offset_m);
            }
            if self.pushable(j.edge, false) && from_end <= PUSH_MAX_M {
                self.walk(e.to.index(), arrived, from_end);
            }
            for (oj, &start) in origin_joins.iter().zip(starts) {
                let d = (j.offset_m - oj.offset_m).abs();
                if oj.edge == j.edge
                    && self.pushable(j.edge, j.offset_m >= oj.offset_m)
                    && d <= PUSH_MAX_M
                {
                    self.walk(start, arrived, d);
                }
            }
        }
        target
    }

    /// Every street split at its cut points, ridden where the mode may.
    fn add_streets(&mut self) {
        let graph = self.reference.graph;
        for (e, edge) in graph.edges.iter().enumerate() {
            let mut points = vec![(0.0, edge.from.index())];
            let mut c = self.cuts[e].clone();
            c.sort_by(|a, b| a.0.total_cmp(&b.0));
            points.extend(c);
            points.push((self.reference.len(e), edge.to.index()));
            for w in points.windows(2) {
                let ((oa, va), (ob, vb)) = (w[0], w[1]);
                if edge.access.forward(self.mode) {
                    self.arc(va, vb, ob - oa, ob - oa);
                }
                if edge.access.backward(self.mode) {
                    self.arc(vb, va, ob - oa, ob - oa);
                }
            }
        }
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
