//! The routable network derived from a [`StreetGraph`] on load: edge lengths, per-mode
//! adjacency in compressed sparse rows, and a sparse grid over edge segments for joining points
//! to the streets ([`crate::join`]).

use crate::geom::{BBox, LngLat, LocalProjection};
use crate::graph::{EdgeId, GraphError, NodeId, StreetGraph};
use crate::grid::{SegmentGrid, SegmentHit, SegmentRef, Segments};
use crate::join::{cm_ceil, join_radius_m};
use crate::profile::Mode;

/// An arc of the per-mode adjacency: travel along `edge` to `head`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// The node reached.
    pub head: NodeId,
    /// The edge travelled, with its direction in the lowest bit (0 = as drawn, 1 = reversed).
    pub edge_dir: u32,
    /// Length in whole centimetres, rounded up (arcs are always ridden or walked at the mode's
    /// own speed, so this is also their routing cost).
    pub cost_cm: u32,
}

/// Outgoing arcs of every node for one mode.
#[derive(Debug, Clone, Default)]
pub struct Adjacency {
    first_out: Vec<u32>,
    arcs: Vec<Arc>,
}

impl Adjacency {
    /// The arcs leaving `node`.
    pub fn out(&self, node: NodeId) -> &[Arc] {
        let i = node.index();
        &self.arcs[self.first_out[i] as usize..self.first_out[i + 1] as usize]
    }

    /// Number of arcs.
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }
}

/// Where a point joins one street: the point of that edge nearest to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The edge it joins.
    pub edge: EdgeId,
    /// Distance along the edge from its first node to the joining point, metres.
    pub offset_m: f64,
    /// The joining point.
    pub point: LngLat,
    /// Length of the straight leg from the point to the joining point, metres (great-circle).
    pub distance_m: f64,
}

/// The street graph with everything routing needs, derived on load.
#[derive(Debug, Clone)]
pub struct Network {
    graph: StreetGraph,
    proj: LocalProjection,
    edge_count: u32,
    /// Per edge: index of its first polyline vertex in `vertex_xy` / `vertex_along_m`.
    vertex_start: Vec<u32>,
    /// Polyline vertices of all edges in local metres.
    vertex_xy: Vec<[f64; 2]>,
    /// Distance of each polyline vertex from its edge's first node, metres (great-circle).
    vertex_along_m: Vec<f64>,
    adjacency: [Adjacency; 3],
    /// The same arcs reversed (head = where the arc came from), for searches towards targets.
    reverse: [Adjacency; 3],
    grid: SegmentGrid,
    bbox: Option<BBox>,
}

/// The polyline vertices of the network, for the grid.
struct Vertices<'a> {
    start: &'a [u32],
    xy: &'a [[f64; 2]],
}

impl Segments for Vertices<'_> {
    fn ends(&self, at: SegmentRef) -> ([f64; 2], [f64; 2]) {
        let v = self.start[at.edge.index()] as usize + at.segment as usize;
        (self.xy[v], self.xy[v + 1])
    }
}

fn to_u32(what: &'static str, count: usize) -> Result<u32, GraphError> {
    u32::try_from(count).map_err(|_| GraphError::TooLarge { what, count })
}

impl Network {
    /// Derives lengths, adjacency and the snapping index, after checking the graph
    /// ([`StreetGraph::validate`]).
    pub fn try_new(graph: StreetGraph) -> Result<Network, GraphError> {
        graph.validate()?;
        let edge_count = to_u32("edges", graph.edges.len())?;
        let bbox = BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p)));
        let proj = LocalProjection::new(bbox.map(|b| b.center()).unwrap_or_default());

        let mut vertex_start = Vec::with_capacity(graph.edges.len() + 1);
        let mut vertex_xy = Vec::with_capacity(graph.edges.len() * 2 + graph.shape_points.len());
        let mut vertex_along_m = Vec::with_capacity(vertex_xy.capacity());
        for e in (0..edge_count).map(EdgeId) {
            vertex_start.push(to_u32("polyline vertices", vertex_xy.len())?);
            let mut along = 0.0;
            let mut prev: Option<LngLat> = None;
            for p in graph.edge_lnglats(e) {
                if let Some(q) = prev {
                    along += q.distance_m(p);
                }
                prev = Some(p);
                vertex_xy.push(proj.project(p));
                vertex_along_m.push(along);
            }
        }
        vertex_start.push(to_u32("polyline vertices", vertex_xy.len())?);

        let mut net = Network {
            grid: SegmentGrid::default(),
            adjacency: Default::default(),
            reverse: Default::default(),
            graph,
            proj,
            edge_count,
            vertex_start,
            vertex_xy,
            vertex_along_m,
            bbox,
        };
        for mode in Mode::ALL {
            net.adjacency[mode.index()] = net.build_adjacency(mode, false)?;
            net.reverse[mode.index()] = net.build_adjacency(mode, true)?;
        }
        let segments = net.edge_ids().flat_map(|edge| {
            let count = net.vertex_start[edge.index() + 1] - net.vertex_start[edge.index()];
            (0..count.saturating_sub(1)).map(move |segment| SegmentRef { edge, segment })
        });
        net.grid = SegmentGrid::build(&net.vertices(), segments);
        Ok(net)
    }

    /// [`Network::try_new`] for a graph known to be valid, such as one from
    /// [`crate::Bundle::decode`] (which validates it).
    ///
    /// # Panics
    /// With the [`GraphError`] when the graph is not valid.
    pub fn new(graph: StreetGraph) -> Network {
        match Network::try_new(graph) {
            Ok(net) => net,
            Err(e) => panic!("invalid street graph: {e}"),
        }
    }

    fn vertices(&self) -> Vertices<'_> {
        Vertices {
            start: &self.vertex_start,
            xy: &self.vertex_xy,
        }
    }

    /// The stored graph.
    pub fn graph(&self) -> &StreetGraph {
        &self.graph
    }

    /// Every edge id, in order.
    pub fn edge_ids(&self) -> impl Iterator<Item = EdgeId> {
        (0..self.edge_count).map(EdgeId)
    }

    /// Number of (cell, segment) entries in the snapping index: at most four per segment,
    /// whatever the map's extent (for tests and benchmarks).
    pub fn index_entry_count(&self) -> usize {
        self.grid.entry_count()
    }

    /// The bounding box of all nodes (`None` for an empty graph).
    pub fn bbox(&self) -> Option<BBox> {
        self.bbox
    }

    /// The adjacency of one mode.
    pub fn adjacency(&self, mode: Mode) -> &Adjacency {
        &self.adjacency[mode.index()]
    }

    /// The adjacency of one mode with every arc reversed: searching it from a set of places
    /// gives the distance from each node *to* the nearest of them.
    pub fn reverse_adjacency(&self, mode: Mode) -> &Adjacency {
        &self.reverse[mode.index()]
    }

    /// Number of junction nodes.
    pub fn node_count(&self) -> usize {
        self.graph.nodes.len()
    }

    /// Length of an edge in metres.
    pub fn edge_length_m(&self, e: EdgeId) -> f64 {
        let end = self.vertex_start[e.index() + 1] as usize;
        self.vertex_along_m[end - 1]
    }

    /// Length of an edge in whole centimetres, rounded up: the cost of an arc.
    pub fn edge_cost_cm(&self, e: EdgeId) -> u32 {
        cm_ceil(self.edge_length_m(e))
    }

    fn build_adjacency(&self, mode: Mode, reversed: bool) -> Result<Adjacency, GraphError> {
        let n = self.graph.nodes.len();
        // Reversed, an edge travelled forward becomes an arc from its last node to its first.
        let dirs = |e: &crate::graph::Edge| -> (bool, bool) {
            if reversed {
                (e.access.backward(mode), e.access.forward(mode))
            } else {
                (e.access.forward(mode), e.access.backward(mode))
            }
        };
        let mut degree = vec![0usize; n + 1];
        for e in &self.graph.edges {
            let (f, b) = dirs(e);
            // At most two arcs per edge; the running total is checked against 32 bits below.
            if f {
                degree[e.from.index()] += 1;
            }
            if b {
                degree[e.to.index()] += 1;
            }
        }
        let mut first_out = Vec::with_capacity(n + 1);
        let mut sum = 0usize;
        for d in &degree[..n] {
            first_out.push(to_u32("arcs", sum)?);
            sum += *d;
        }
        first_out.push(to_u32("arcs", sum)?);
        let mut fill = first_out.clone();
        let mut arcs = vec![
            Arc {
                head: NodeId(0),
                edge_dir: 0,
                cost_cm: 0
            };
            sum
        ];
        for id in self.edge_ids() {
            let e = &self.graph.edges[id.index()];
            let edge_dir = id.0.checked_mul(2).ok_or(GraphError::TooLarge {
                what: "edges (two directions each)",
                count: self.graph.edges.len(),
            })?;
            let cost_cm = self.edge_cost_cm(id);
            let (f, b) = dirs(e);
            if f {
                let slot = &mut fill[e.from.index()];
                arcs[*slot as usize] = Arc {
                    head: e.to,
                    edge_dir,
                    cost_cm,
                };
                *slot += 1;
            }
            if b {
                let slot = &mut fill[e.to.index()];
                arcs[*slot as usize] = Arc {
                    head: e.from,
                    edge_dir: edge_dir | 1,
                    cost_cm,
                };
                *slot += 1;
            }
        }
        Ok(Adjacency { first_out, arcs })
    }

    fn snap_of(&self, p: LngLat, hit: SegmentHit) -> Snap {
        let v = self.vertex_start[hit.at.edge.index()] as usize + hit.at.segment as usize;
        let along0 = self.vertex_along_m[v];
        let along1 = self.vertex_along_m[v + 1];
        let a = self.vertex_xy[v];
        let b = self.vertex_xy[v + 1];
        let t = hit.t;
        let point = self
            .proj
            .unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
        Snap {
            edge: hit.at.edge,
            offset_m: along0 + t * (along1 - along0),
            point,
            distance_m: p.distance_m(point),
        }
    }

    /// The point of the nearest street that `mode` may use, found by projecting onto every
    /// edge segment within `max_m` metres (not merely the nearest node). `None` if no usable
    /// street is that close. Routing joins points by [`Network::join`]; this is its first
    /// candidate.
    pub fn snap(&self, p: LngLat, mode: Mode, max_m: f64) -> Option<Snap> {
        let xy = self.proj.project(p);
        let hit = self.grid.nearest(&self.vertices(), xy, max_m, |e| {
            self.graph.edges[e.index()].access.any(mode)
        })?;
        Some(self.snap_of(p, hit))
    }

    /// Every way point `p` joins the streets `mode` may use, by the rule of [`crate::join`]:
    /// the nearest usable street within `max_m`, and every other usable street that comes
    /// within [`join_radius_m`] of `p`, each at its own nearest point. Nearest first (ties by
    /// edge); empty when no usable street is within `max_m`.
    pub fn join(&self, p: LngLat, mode: Mode, max_m: f64) -> Vec<Snap> {
        let xy = self.proj.project(p);
        let usable = |e: EdgeId| self.graph.edges[e.index()].access.any(mode);
        let Some(nearest) = self.grid.nearest(&self.vertices(), xy, max_m, usable) else {
            return Vec::new();
        };
        let radius = join_radius_m(nearest.distance_m);
        let mut hits: Vec<SegmentHit> = vec![nearest];
        self.grid
            .within(&self.vertices(), xy, radius, usable, |h| hits.push(h));
        // One candidate per edge: its nearest point (ties to the lower segment).
        hits.sort_by(|a, b| {
            a.at.edge
                .cmp(&b.at.edge)
                .then(a.distance_m.total_cmp(&b.distance_m))
                .then(a.at.segment.cmp(&b.at.segment))
        });
        hits.dedup_by_key(|h| h.at.edge);
        hits.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.at.edge.cmp(&b.at.edge))
        });
        hits.into_iter().map(|h| self.snap_of(p, h)).collect()
    }

    /// The point at `offset_m` metres along an edge from its first node.
    pub fn point_at(&self, e: EdgeId, offset_m: f64) -> LngLat {
        let start = self.vertex_start[e.index()] as usize;
        let end = self.vertex_start[e.index() + 1] as usize;
        let along = &self.vertex_along_m[start..end];
        let xy = &self.vertex_xy[start..end];
        let i = along
            .partition_point(|a| *a <= offset_m)
            .clamp(1, along.len() - 1);
        let span = along[i] - along[i - 1];
        let t = if span > 0.0 {
            ((offset_m - along[i - 1]) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (a, b) = (xy[i - 1], xy[i]);
        self.proj
            .unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
    }

    /// The part of an edge's polyline between two offsets (metres from its first node), in
    /// travel order: reversed when `from_m > to_m`.
    pub fn edge_slice(&self, e: EdgeId, from_m: f64, to_m: f64) -> Vec<LngLat> {
        let (lo, hi, reverse) = if from_m <= to_m {
            (from_m, to_m, false)
        } else {
            (to_m, from_m, true)
        };
        let start = self.vertex_start[e.index()] as usize;
        let end = self.vertex_start[e.index() + 1] as usize;
        let mut points = vec![self.point_at(e, lo)];
        for v in start..end {
            let a = self.vertex_along_m[v];
            if a > lo && a < hi {
                points.push(self.proj.unproject(self.vertex_xy[v]));
            }
        }
        points.push(self.point_at(e, hi));
        if reverse {
            points.reverse();
        }
        points
    }
}

#[cfg(test)]
mod tests {
    //! Issue 14: the snapping index follows the size of the input, not its extent.
    use super::*;
    use crate::graph::{Edge, RoadClass, ShapeRange};
    use crate::profile::Access;
    use crate::{Bundle, Finder, QueryError};

    fn two_way() -> Access {
        Mode::ALL
            .into_iter()
            .fold(Access::NONE, |a, m| a.with(m, true, true))
    }

    /// Streets between the given pairs of points (degrees), each one edge.
    fn streets(pairs: &[(LngLat, LngLat)]) -> Finder {
        let mut graph = StreetGraph::default();
        for (a, b) in pairs {
            let from = NodeId(u32::try_from(graph.nodes.len()).expect("small"));
            graph.nodes.push(a.to_e6());
            graph.nodes.push(b.to_e6());
            graph.edges.push(Edge {
                from,
                to: NodeId(from.0 + 1),
                shape: ShapeRange::default(),
                access: two_way(),
                class: RoadClass::Minor,
                name: None,
            });
        }
        let bbox = BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p))).expect("nodes");
        let bundle = Bundle {
            name: "far".into(),
            build_date: "2026-01-01".into(),
            attribution: String::new(),
            bbox,
            services: Vec::new(),
            graph,
            readings: Default::default(),
            hours: Default::default(),
        };
        // Directly, not through the file format: the decoder refuses areas this large
        // (`DecodeError::ExtentTooLarge`), and the grid must stay small even without that check.
        Finder::new(bundle)
    }

    fn walk_from(f: &Finder, p: LngLat) -> Result<Vec<Snap>, QueryError> {
        f.join_origin(p, Mode::Walk)
    }

    #[test]
    fn two_streets_ten_thousand_km_apart() {
        // Shenzhen and about 10,000 km east along the equator's latitude band.
        let f = streets(&[
            (LngLat::new(114.0, 22.5), LngLat::new(114.001, 22.5)),
            (LngLat::new(-150.0, 22.5), LngLat::new(-149.999, 22.5)),
        ]);
        assert!(f.network().index_entry_count() <= 8);
        let joins = walk_from(&f, LngLat::new(114.0005, 22.5001)).expect("near the first");
        assert_eq!(joins.len(), 1);
        assert_eq!(joins[0].edge, EdgeId(0));
        assert!((joins[0].distance_m - 11.1).abs() < 0.5);
        assert!(matches!(
            walk_from(&f, LngLat::new(0.0, 0.0)),
            Err(QueryError::NoStreetNearby { .. })
        ));
    }

    #[test]
    fn streets_at_the_corners_of_the_world() {
        let f = streets(&[
            (LngLat::new(-180.0, -85.0), LngLat::new(-179.999, -85.0)),
            (LngLat::new(179.999, 85.0), LngLat::new(180.0, 85.0)),
            (LngLat::new(-180.0, 85.0), LngLat::new(-179.999, 85.0)),
            (LngLat::new(179.999, -85.0), LngLat::new(180.0, -85.0)),
        ]);
        assert!(f.network().index_entry_count() <= 16);
        let joins = walk_from(&f, LngLat::new(179.9995, 85.0)).expect("on the second");
        assert_eq!(joins[0].edge, EdgeId(1));
        assert!(joins[0].distance_m < 1.0);
        let mut router = f.router();
        assert!(f
            .nearest(
                &mut router,
                LngLat::new(-179.9995, -85.0),
                Mode::Ebike,
                |_| true
            )
            .expect("answers")
            .is_empty());
        assert!(walk_from(&f, LngLat::new(0.0, 0.0)).is_err());
    }

    #[test]
    fn one_segment_across_the_world() {
        let f = streets(&[
            (LngLat::new(114.0, 22.5), LngLat::new(114.001, 22.5)),
            (LngLat::new(-170.0, -80.0), LngLat::new(170.0, 80.0)),
        ]);
        assert!(f.network().index_entry_count() <= 8);
        let joins = walk_from(&f, LngLat::new(114.0005, 22.5001)).expect("near the short one");
        assert_eq!(joins[0].edge, EdgeId(0));
        // Far from the short street, the long one is found (or nothing within 1 km), fast.
        for lng in [-100.0, -10.0, 0.0, 10.0, 100.0] {
            let _ = walk_from(&f, LngLat::new(lng, 0.0));
        }
    }
}
