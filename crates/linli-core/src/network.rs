//! The routable network derived from a [`StreetGraph`] on load: edge lengths, per-mode
//! adjacency in compressed sparse rows, and a uniform grid over edge segments for snapping.

use crate::geom::{project_onto_segment, BBox, LngLat, LocalProjection};
use crate::graph::{EdgeId, NodeId, StreetGraph};
use crate::profile::Mode;

/// Grid cell size for the snapping index, in metres.
const CELL_M: f64 = 100.0;

/// An arc of the per-mode adjacency: travel along `edge` to `head`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// The node reached.
    pub head: NodeId,
    /// The edge travelled, with its direction in the lowest bit (0 = as drawn, 1 = reversed).
    pub edge_dir: u32,
    /// Length in centimetres.
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

/// Where a point lands on the street network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The edge it lands on.
    pub edge: EdgeId,
    /// Distance along the edge from its first node to the landing point, metres.
    pub offset_m: f64,
    /// The landing point.
    pub point: LngLat,
    /// Straight-line distance from the query point to the landing point, metres.
    pub distance_m: f64,
}

/// The street graph with everything routing needs, derived on load.
#[derive(Debug, Clone)]
pub struct Network {
    graph: StreetGraph,
    proj: LocalProjection,
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

impl Network {
    /// Derives lengths, adjacency and the snapping index. The graph must be valid
    /// ([`StreetGraph::validate`]); bundles are validated when decoded.
    pub fn new(graph: StreetGraph) -> Network {
        let bbox = BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p)));
        let proj = LocalProjection::new(bbox.map(|b| b.center()).unwrap_or_default());

        let mut vertex_start = Vec::with_capacity(graph.edges.len() + 1);
        let mut vertex_xy = Vec::with_capacity(graph.nodes.len() * 2 + graph.shape_points.len());
        let mut vertex_along_m = Vec::with_capacity(vertex_xy.capacity());
        for e in 0..graph.edges.len() {
            vertex_start.push(index_u32(vertex_xy.len()));
            let mut along = 0.0;
            let mut prev: Option<LngLat> = None;
            for p in graph.edge_lnglats(EdgeId(index_u32(e))) {
                if let Some(q) = prev {
                    along += q.distance_m(p);
                }
                prev = Some(p);
                vertex_xy.push(proj.project(p));
                vertex_along_m.push(along);
            }
        }
        vertex_start.push(index_u32(vertex_xy.len()));

        let mut net = Network {
            grid: SegmentGrid::default(),
            adjacency: Default::default(),
            reverse: Default::default(),
            graph,
            proj,
            vertex_start,
            vertex_xy,
            vertex_along_m,
            bbox,
        };
        net.adjacency = Mode::ALL.map(|m| net.build_adjacency(m, false));
        net.reverse = Mode::ALL.map(|m| net.build_adjacency(m, true));
        net.grid = SegmentGrid::build(&net);
        net
    }

    /// The stored graph.
    pub fn graph(&self) -> &StreetGraph {
        &self.graph
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

    /// Length of an edge in whole centimetres, the routing cost unit.
    pub fn edge_cost_cm(&self, e: EdgeId) -> u32 {
        meters_to_cm(self.edge_length_m(e))
    }

    fn build_adjacency(&self, mode: Mode, reversed: bool) -> Adjacency {
        let n = self.graph.nodes.len();
        // Reversed, an edge travelled forward becomes an arc from its last node to its first.
        let fwd = |e: &crate::graph::Edge| -> (bool, bool) {
            if reversed {
                (e.access.backward(mode), e.access.forward(mode))
            } else {
                (e.access.forward(mode), e.access.backward(mode))
            }
        };
        let mut degree = vec![0u32; n + 1];
        for e in &self.graph.edges {
            let (f, b) = fwd(e);
            if f {
                degree[e.from.index()] += 1;
            }
            if b {
                degree[e.to.index()] += 1;
            }
        }
        let mut first_out = Vec::with_capacity(n + 1);
        let mut sum = 0u32;
        for d in &degree[..n] {
            first_out.push(sum);
            sum += d;
        }
        first_out.push(sum);
        let mut fill = first_out.clone();
        let mut arcs = vec![
            Arc {
                head: NodeId(0),
                edge_dir: 0,
                cost_cm: 0
            };
            sum as usize
        ];
        for (i, e) in self.graph.edges.iter().enumerate() {
            let id = EdgeId(index_u32(i));
            let cost_cm = self.edge_cost_cm(id);
            let (f, b) = fwd(e);
            if f {
                let slot = &mut fill[e.from.index()];
                arcs[*slot as usize] = Arc {
                    head: e.to,
                    edge_dir: id.0 << 1,
                    cost_cm,
                };
                *slot += 1;
            }
            if b {
                let slot = &mut fill[e.to.index()];
                arcs[*slot as usize] = Arc {
                    head: e.from,
                    edge_dir: (id.0 << 1) | 1,
                    cost_cm,
                };
                *slot += 1;
            }
        }
        Adjacency { first_out, arcs }
    }

    /// The point of the nearest street that `mode` may use, found by projecting onto every
    /// edge segment within `max_m` metres (not merely the nearest node). `None` if no usable
    /// street is that close.
    pub fn snap(&self, p: LngLat, mode: Mode, max_m: f64) -> Option<Snap> {
        let xy = self.proj.project(p);
        let (e, seg, t) = self.grid.nearest(self, xy, max_m, |e| {
            self.graph.edges[e.index()].access.any(mode)
        })?;
        let v = self.vertex_start[e.index()] as usize + seg;
        let along0 = self.vertex_along_m[v];
        let along1 = self.vertex_along_m[v + 1];
        let a = self.vertex_xy[v];
        let b = self.vertex_xy[v + 1];
        let point = self
            .proj
            .unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
        Some(Snap {
            edge: e,
            offset_m: along0 + t * (along1 - along0),
            point,
            distance_m: p.distance_m(point),
        })
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
        let along = &self.vertex_along_m[start..end];
        let xy = &self.vertex_xy[start..end];
        let at = |d: f64| -> LngLat {
            let i = along.partition_point(|a| *a <= d).clamp(1, along.len() - 1);
            let span = along[i] - along[i - 1];
            let t = if span > 0.0 {
                ((d - along[i - 1]) / span).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (a, b) = (xy[i - 1], xy[i]);
            self.proj
                .unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
        };
        let mut points = vec![at(lo)];
        for (i, a) in along.iter().enumerate() {
            if *a > lo && *a < hi {
                points.push(self.proj.unproject(xy[i]));
            }
        }
        points.push(at(hi));
        if reverse {
            points.reverse();
        }
        points
    }
}

/// Metres to whole centimetres, saturating.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn meters_to_cm(m: f64) -> u32 {
    (m * 100.0).round().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// A count or index that the bundle format limits to 32 bits.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn index_u32(i: usize) -> u32 {
    debug_assert!(u32::try_from(i).is_ok());
    i as u32
}

/// A uniform grid over the network's bounding box; each cell lists the edge segments whose
/// bounding boxes touch it.
#[derive(Debug, Clone, Default)]
struct SegmentGrid {
    origin: [f64; 2],
    cols: usize,
    rows: usize,
    cell_start: Vec<u32>,
    /// (edge, segment index within the edge)
    items: Vec<(EdgeId, u32)>,
}

impl SegmentGrid {
    fn build(net: &Network) -> SegmentGrid {
        let xy = &net.vertex_xy;
        if xy.is_empty() {
            return SegmentGrid::default();
        }
        let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in xy {
            for k in 0..2 {
                min[k] = min[k].min(p[k]);
                max[k] = max[k].max(p[k]);
            }
        }
        let cols = cells_for(max[0] - min[0]);
        let rows = cells_for(max[1] - min[1]);
        let mut grid = SegmentGrid {
            origin: min,
            cols,
            rows,
            cell_start: Vec::new(),
            items: Vec::new(),
        };
        let mut pairs: Vec<(u32, EdgeId, u32)> = Vec::with_capacity(xy.len() * 2);
        for e in 0..net.graph.edges.len() {
            let start = net.vertex_start[e] as usize;
            let end = net.vertex_start[e + 1] as usize;
            for v in start..end - 1 {
                let (a, b) = (xy[v], xy[v + 1]);
                let (c0, r0) = grid.cell_of([a[0].min(b[0]), a[1].min(b[1])]);
                let (c1, r1) = grid.cell_of([a[0].max(b[0]), a[1].max(b[1])]);
                for r in r0..=r1 {
                    for c in c0..=c1 {
                        pairs.push((
                            index_u32(r * cols + c),
                            EdgeId(index_u32(e)),
                            index_u32(v - start),
                        ));
                    }
                }
            }
        }
        pairs.sort_unstable_by_key(|p| p.0);
        let mut cell_start = Vec::with_capacity(cols * rows + 1);
        let mut k = 0;
        for cell in 0..cols * rows {
            cell_start.push(index_u32(k));
            while k < pairs.len() && pairs[k].0 as usize == cell {
                k += 1;
            }
        }
        cell_start.push(index_u32(k));
        grid.cell_start = cell_start;
        grid.items = pairs.into_iter().map(|(_, e, s)| (e, s)).collect();
        grid
    }

    fn cell_of(&self, p: [f64; 2]) -> (usize, usize) {
        (
            cell_index(p[0] - self.origin[0], self.cols),
            cell_index(p[1] - self.origin[1], self.rows),
        )
    }

    /// The nearest usable segment to `p` within `max_m`: (edge, segment, fraction along it).
    /// Searches rings of cells outwards and stops once no unvisited cell can hold anything
    /// nearer than the best so far.
    fn nearest(
        &self,
        net: &Network,
        p: [f64; 2],
        max_m: f64,
        usable: impl Fn(EdgeId) -> bool,
    ) -> Option<(EdgeId, usize, f64)> {
        if self.cols == 0 {
            return None;
        }
        let cx = ((p[0] - self.origin[0]) / CELL_M).floor();
        let cy = ((p[1] - self.origin[1]) / CELL_M).floor();
        let mut best: Option<(f64, EdgeId, usize, f64)> = None;
        let max_ring = (max_m / CELL_M).ceil() + 1.0;
        let mut ring = 0.0;
        while ring <= max_ring {
            // Every segment within `ring * CELL_M` of p touches a cell within `ring` rings.
            if let Some((d2, ..)) = best {
                if d2.sqrt() <= (ring - 1.0).max(0.0) * CELL_M {
                    break;
                }
            }
            for (c, r) in ring_cells(cx, cy, ring) {
                if c < 0.0 || r < 0.0 || c >= self.cols as f64 || r >= self.rows as f64 {
                    continue;
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let cell = r as usize * self.cols + c as usize;
                let items =
                    &self.items[self.cell_start[cell] as usize..self.cell_start[cell + 1] as usize];
                for &(e, seg) in items {
                    if !usable(e) {
                        continue;
                    }
                    let v = net.vertex_start[e.index()] as usize + seg as usize;
                    let (t, d2) = project_onto_segment(p, net.vertex_xy[v], net.vertex_xy[v + 1]);
                    let better = match best {
                        None => true,
                        // Ties go to the lower edge id, so results do not depend on cell order.
                        Some((bd2, be, bs, _)) => {
                            d2 < bd2 || (d2 == bd2 && (e, seg as usize) < (be, bs))
                        }
                    };
                    if better {
                        best = Some((d2, e, seg as usize, t));
                    }
                }
            }
            ring += 1.0;
        }
        let (d2, e, seg, t) = best?;
        (d2.sqrt() <= max_m).then_some((e, seg, t))
    }
}

fn cells_for(extent_m: f64) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (extent_m / CELL_M).floor() as usize + 1;
    n
}

fn cell_index(offset_m: f64, count: usize) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = (offset_m / CELL_M).floor().max(0.0) as usize;
    i.min(count - 1)
}

/// The cells on the square ring at Chebyshev distance `ring` around (cx, cy).
fn ring_cells(cx: f64, cy: f64, ring: f64) -> Vec<(f64, f64)> {
    if ring == 0.0 {
        return vec![(cx, cy)];
    }
    let mut cells = Vec::new();
    let mut d = -ring;
    while d <= ring {
        cells.push((cx + d, cy - ring));
        cells.push((cx + d, cy + ring));
        if d > -ring && d < ring {
            cells.push((cx - ring, cy + d));
            cells.push((cx + ring, cy + d));
        }
        d += 1.0;
    }
    cells
}
