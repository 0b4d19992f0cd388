//! The routable network derived from the street graph on load: edge lengths, per-mode
//! adjacency in compressed sparse rows, and a sparse grid over edge segments for joining points
//! to the streets ([`crate::join`]).
//!
//! A network is made of *parts*: one for a single-file bundle, one per loaded tile for a tiled
//! dataset ([`crate::tiles`]). Node and edge ids are global (the bundle's), so a search runs
//! over the parts as over one graph; a node whose tile is not loaded has no known arcs yet, and
//! the router reports it ([`crate::router::Halt::Frontier`]) instead of guessing.

use crate::geom::{BBox, LngLat, LocalProjection};
use crate::graph::{EdgeId, GraphError, NodeId, RoadClass, StreetGraph};
use crate::grid::{SegmentGrid, SegmentHit, SegmentRef, Segments};
use crate::join::{cm_ceil, join_radius_m};
use crate::profile::{Access, Mode};
use crate::sort::SortDyn;
use crate::tiles::{mode_bit, TileId};

/// The modes that may use a street with `access` ([`mode_bit`]s).
fn usable_modes(access: Access) -> u8 {
    Mode::ALL
        .into_iter()
        .filter(|m| access.any(*m))
        .fold(0, |bits, m| bits | mode_bit(m))
}

/// An arc of the per-mode adjacency: travel along `edge` to `head`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// The node reached (global id).
    pub head: NodeId,
    /// The edge travelled (global id), with its direction in the lowest bit (0 = as drawn, 1 =
    /// reversed).
    pub edge_dir: u32,
    /// Length in whole centimetres, rounded up (arcs are always ridden or walked at the mode's
    /// own speed, so this is also their routing cost).
    pub cost_cm: u32,
}

/// Outgoing arcs of every node (of one part) for one mode.
#[derive(Debug, Clone, Default)]
pub struct Adjacency {
    first_out: Vec<u32>,
    arcs: Vec<Arc>,
}

impl Adjacency {
    /// The arcs leaving `node` (a local node index of the part; for a single-file bundle the
    /// node's id). Empty for a node beyond the part.
    pub fn out(&self, node: NodeId) -> &[Arc] {
        let i = node.index();
        match (self.first_out.get(i), self.first_out.get(i + 1)) {
            (Some(&a), Some(&b)) => self.arcs.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
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

/// One edge as the network knows it (global node ids).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeView {
    /// First node.
    pub from: NodeId,
    /// Last node.
    pub to: NodeId,
    /// Who may use it, in which direction.
    pub access: Access,
    /// Road class.
    pub class: RoadClass,
    /// Length, metres.
    pub length_m: f64,
}

/// The part of a network one tile (or a single-file bundle) brings: its streets with local
/// indices, the global ids they stand for, and everything routing derives from them.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) tile: TileId,
    pub(crate) graph: StreetGraph,
    /// Global id of each local node: owned first, then ghosts.
    pub(crate) node_ids: Vec<NodeId>,
    pub(crate) owned_nodes: usize,
    ghost_owners: Vec<TileId>,
    /// Global id of each local edge: owned first (ascending), then the others (ascending).
    pub(crate) edge_ids: Vec<EdgeId>,
    pub(crate) owned_edges: usize,
    /// Global index of each local street name.
    pub(crate) name_ids: Vec<u32>,
    /// Per local edge: index of its first polyline vertex in `vertex_xy` / `vertex_along_m`.
    vertex_start: Vec<u32>,
    /// Polyline vertices of all edges in local metres.
    vertex_xy: Vec<[f64; 2]>,
    /// Distance of each polyline vertex from its edge's first node, metres (great-circle).
    vertex_along_m: Vec<f64>,
    /// Arcs leaving the owned nodes, per mode.
    adjacency: [Adjacency; 3],
    /// The same arcs reversed (head = where the arc came from), for searches towards targets.
    reverse: [Adjacency; 3],
    /// The owned edges' segments.
    grid: SegmentGrid,
}

/// The polyline vertices of a part, for the grid.
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

/// What a part is made of, before anything is derived.
pub(crate) struct PartSource {
    pub tile: TileId,
    pub graph: StreetGraph,
    pub node_ids: Vec<NodeId>,
    pub owned_nodes: usize,
    pub ghost_owners: Vec<TileId>,
    pub edge_ids: Vec<EdgeId>,
    pub owned_edges: usize,
    pub name_ids: Vec<u32>,
}

impl PartSource {
    /// A whole single-file graph: every node and edge owned, ids as they are.
    pub fn whole(graph: StreetGraph) -> Result<PartSource, GraphError> {
        let n = to_u32("nodes", graph.nodes.len())?;
        let e = to_u32("edges", graph.edges.len())?;
        let names = to_u32("street names", graph.names.len())?;
        Ok(PartSource {
            tile: TileId(0),
            node_ids: (0..n).map(NodeId).collect(),
            owned_nodes: n as usize,
            ghost_owners: Vec::new(),
            edge_ids: (0..e).map(EdgeId).collect(),
            owned_edges: e as usize,
            name_ids: (0..names).collect(),
            graph,
        })
    }
}

impl Part {
    /// Derives lengths, adjacency and the snapping grid, after checking the graph.
    pub(crate) fn new(src: PartSource, proj: &LocalProjection) -> Result<Part, GraphError> {
        let graph = src.graph;
        graph.validate()?;
        let edge_count = to_u32("edges", graph.edges.len())?;
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
        let mut part = Part {
            tile: src.tile,
            graph,
            node_ids: src.node_ids,
            owned_nodes: src.owned_nodes,
            ghost_owners: src.ghost_owners,
            edge_ids: src.edge_ids,
            owned_edges: src.owned_edges,
            name_ids: src.name_ids,
            vertex_start,
            vertex_xy,
            vertex_along_m,
            adjacency: Default::default(),
            reverse: Default::default(),
            grid: SegmentGrid::default(),
        };
        if part.node_ids.len() != part.graph.nodes.len()
            || part.edge_ids.len() != part.graph.edges.len()
            || part.owned_nodes > part.node_ids.len()
            || part.owned_edges > part.edge_ids.len()
        {
            return Err(GraphError::TooLarge {
                what: "ids (they do not match the graph)",
                count: part.node_ids.len(),
            });
        }
        // Arcs in global edge order, as in the single-file bundle, so that ties are broken
        // the same way whichever tiles hold the edges.
        let mut order: Vec<u32> = (0..edge_count).collect();
        order.sort_by_key(|&i| part.edge_ids[i as usize]);
        for mode in Mode::ALL {
            part.adjacency[mode.index()] = part.build_adjacency(mode, false, &order)?;
            part.reverse[mode.index()] = part.build_adjacency(mode, true, &order)?;
        }
        let owned = part.owned_edges;
        let segments = (0..owned).flat_map(|i| {
            let edge = EdgeId(i as u32);
            let count = part.vertex_start[i + 1] - part.vertex_start[i];
            (0..count.saturating_sub(1)).map(move |segment| SegmentRef { edge, segment })
        });
        part.grid = SegmentGrid::build(&part.vertices(), segments);
        Ok(part)
    }

    fn vertices(&self) -> Vertices<'_> {
        Vertices {
            start: &self.vertex_start,
            xy: &self.vertex_xy,
        }
    }

    /// Length of local edge `i` in metres.
    pub(crate) fn length_m(&self, i: usize) -> f64 {
        let end = self.vertex_start[i + 1] as usize;
        self.vertex_along_m[end - 1]
    }

    fn build_adjacency(
        &self,
        mode: Mode,
        reversed: bool,
        order: &[u32],
    ) -> Result<Adjacency, GraphError> {
        let n = self.owned_nodes;
        // Reversed, an edge travelled forward becomes an arc from its last node to its first.
        let dirs = |e: &crate::graph::Edge| -> (bool, bool) {
            let (f, b) = if reversed {
                (e.access.backward(mode), e.access.forward(mode))
            } else {
                (e.access.forward(mode), e.access.backward(mode))
            };
            (f && e.from.index() < n, b && e.to.index() < n)
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
        for &i in order {
            let i = i as usize;
            let e = &self.graph.edges[i];
            let id = self.edge_ids[i];
            let edge_dir = id.0.checked_mul(2).ok_or(GraphError::TooLarge {
                what: "edges (two directions each)",
                count: id.index(),
            })?;
            let cost_cm = cm_ceil(self.length_m(i));
            let (f, b) = dirs(e);
            if f {
                let slot = &mut fill[e.from.index()];
                arcs[*slot as usize] = Arc {
                    head: self.node_ids[e.to.index()],
                    edge_dir,
                    cost_cm,
                };
                *slot += 1;
            }
            if b {
                let slot = &mut fill[e.to.index()];
                arcs[*slot as usize] = Arc {
                    head: self.node_ids[e.from.index()],
                    edge_dir: edge_dir | 1,
                    cost_cm,
                };
                *slot += 1;
            }
        }
        Ok(Adjacency { first_out, arcs })
    }

    fn snap_of(&self, proj: &LocalProjection, p: LngLat, hit: SegmentHit) -> Snap {
        let v = self.vertex_start[hit.at.edge.index()] as usize + hit.at.segment as usize;
        let along0 = self.vertex_along_m[v];
        let along1 = self.vertex_along_m[v + 1];
        let a = self.vertex_xy[v];
        let b = self.vertex_xy[v + 1];
        let t = hit.t;
        let point = proj.unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
        Snap {
            edge: self.edge_ids[hit.at.edge.index()],
            offset_m: along0 + t * (along1 - along0),
            point,
            distance_m: p.distance_m(point),
        }
    }

    /// The nearest point of local edge `i` to `p`: the segment nearest to it (ties to the
    /// lower segment), exactly as the grid finds it.
    fn nearest_on_edge(&self, proj: &LocalProjection, p: LngLat, i: usize) -> Snap {
        let xy = proj.project(p);
        let vertices = self.vertices();
        let count = self.vertex_start[i + 1] - self.vertex_start[i];
        let edge = EdgeId(i as u32);
        let mut best: Option<SegmentHit> = None;
        for segment in 0..count.saturating_sub(1) {
            let hit = crate::grid::hit_on(&vertices, SegmentRef { edge, segment }, xy);
            if best.is_none_or(|b| hit.distance_m < b.distance_m) {
                best = Some(hit);
            }
        }
        let hit = best.unwrap_or(SegmentHit {
            at: SegmentRef { edge, segment: 0 },
            t: 0.0,
            distance_m: 0.0,
        });
        self.snap_of(proj, p, hit)
    }

    fn point_at(&self, proj: &LocalProjection, i: usize, offset_m: f64) -> LngLat {
        let start = self.vertex_start[i] as usize;
        let end = self.vertex_start[i + 1] as usize;
        let along = &self.vertex_along_m[start..end];
        let xy = &self.vertex_xy[start..end];
        let k = along
            .partition_point(|a| *a <= offset_m)
            .clamp(1, along.len() - 1);
        let span = along[k] - along[k - 1];
        let t = if span > 0.0 {
            ((offset_m - along[k - 1]) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (a, b) = (xy[k - 1], xy[k]);
        proj.unproject([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
    }

    fn edge_slice(&self, proj: &LocalProjection, i: usize, from_m: f64, to_m: f64) -> Vec<LngLat> {
        let (lo, hi, reverse) = if from_m <= to_m {
            (from_m, to_m, false)
        } else {
            (to_m, from_m, true)
        };
        let start = self.vertex_start[i] as usize;
        let end = self.vertex_start[i + 1] as usize;
        let mut points = vec![self.point_at(proj, i, lo)];
        for v in start..end {
            let a = self.vertex_along_m[v];
            if a > lo && a < hi {
                points.push(proj.unproject(self.vertex_xy[v]));
            }
        }
        points.push(self.point_at(proj, i, hi));
        if reverse {
            points.reverse();
        }
        points
    }

    /// The local index of global edge `e`, if this part stores it.
    fn local_edge(&self, e: EdgeId) -> Option<usize> {
        let (own, other) = self.edge_ids.split_at(self.owned_edges);
        own.binary_search(&e)
            .ok()
            .or_else(|| other.binary_search(&e).ok().map(|i| i + self.owned_edges))
    }
}

/// Where a global node or edge is: a loaded part and its local index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    part: u32,
    /// The local index when `part` is a part; for a node not loaded, the tile that owns it
    /// when known (else [`NONE`]).
    local: u32,
}

const NONE: u32 = u32::MAX;
const EMPTY: Slot = Slot {
    part: NONE,
    local: NONE,
};

/// The street network: its loaded parts, with global ids.
#[derive(Debug, Clone)]
pub struct Network {
    proj: LocalProjection,
    bbox: Option<BBox>,
    /// Shared, so that a copy of the network (a page adding tiles to a copy while the old one
    /// is still read) copies the id tables, not every loaded street.
    parts: Vec<Option<std::sync::Arc<Part>>>,
    node_at: Vec<Slot>,
    edge_at: Vec<Slot>,
    /// Set for a single-file bundle (one part that is the whole graph).
    single: bool,
    empty_graph: StreetGraph,
    empty_adjacency: Adjacency,
}

/// How a node looks to a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeArcs<'a> {
    /// Its tile is loaded: these are all its arcs.
    Loaded(&'a [Arc]),
    /// Its tile is not loaded: the tile, when known.
    Unloaded(Option<TileId>),
}

/// One mode's arcs over the whole network, for [`crate::Router`].
#[derive(Debug, Clone, Copy)]
pub struct ArcView<'a> {
    net: &'a Network,
    mode: Mode,
    reversed: bool,
}

impl<'a> ArcView<'a> {
    /// The arcs leaving `node`, or the tile to load to know them.
    pub fn out(&self, node: NodeId) -> NodeArcs<'a> {
        let Some(slot) = self.net.node_at.get(node.index()) else {
            return NodeArcs::Unloaded(None);
        };
        match self.net.part(slot.part) {
            Some(p) => {
                let adj = if self.reversed {
                    &p.reverse[self.mode.index()]
                } else {
                    &p.adjacency[self.mode.index()]
                };
                NodeArcs::Loaded(adj.out(NodeId(slot.local)))
            }
            None => NodeArcs::Unloaded((slot.local != NONE).then_some(TileId(slot.local))),
        }
    }

    /// Nodes in the whole network.
    pub fn node_count(&self) -> usize {
        self.net.node_count()
    }
}

impl Network {
    /// The network of a single-file bundle: derives lengths, adjacency and the snapping index,
    /// after checking the graph ([`StreetGraph::validate`]).
    pub fn try_new(graph: StreetGraph) -> Result<Network, GraphError> {
        let bbox = BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p)));
        let mut net = Network::empty(bbox);
        net.single = true;
        let part = Part::new(PartSource::whole(graph)?, &net.proj)?;
        net.insert(part);
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

    /// A network with no parts yet, its projection centred on `bbox` (the box around every
    /// node) as the single bundle's is. Its tables grow with the ids of the parts added, so
    /// memory follows what is loaded, not what a manifest claims.
    pub(crate) fn empty(bbox: Option<BBox>) -> Network {
        Network {
            proj: LocalProjection::new(bbox.map(|b| b.center()).unwrap_or_default()),
            bbox,
            parts: Vec::new(),
            node_at: Vec::new(),
            edge_at: Vec::new(),
            single: false,
            empty_graph: StreetGraph::default(),
            empty_adjacency: Adjacency::default(),
        }
    }

    /// The routing projection.
    pub fn projection(&self) -> &LocalProjection {
        &self.proj
    }

    fn part(&self, i: u32) -> Option<&Part> {
        self.parts.get(i as usize).and_then(Option::as_deref)
    }

    /// Adds a part (replacing one of the same tile). The caller checked its ids are in range.
    pub(crate) fn insert(&mut self, part: Part) {
        let i = part.tile.0;
        self.remove(part.tile);
        let grow = |v: &mut Vec<Slot>, max: Option<usize>| {
            if let Some(m) = max {
                if v.len() <= m {
                    v.resize(m + 1, EMPTY);
                }
            }
        };
        grow(
            &mut self.node_at,
            part.node_ids.iter().map(|n| n.index()).max(),
        );
        grow(
            &mut self.edge_at,
            part.edge_ids.iter().map(|e| e.index()).max(),
        );
        for (k, n) in part.node_ids.iter().enumerate() {
            let Some(slot) = self.node_at.get_mut(n.index()) else {
                continue;
            };
            if k < part.owned_nodes {
                *slot = Slot {
                    part: i,
                    local: k as u32,
                };
            } else if slot.part == NONE {
                slot.local = part.ghost_owners[k - part.owned_nodes].0;
            }
        }
        for (k, e) in part.edge_ids.iter().enumerate() {
            let Some(slot) = self.edge_at.get_mut(e.index()) else {
                continue;
            };
            if k < part.owned_edges || slot.part == NONE {
                *slot = Slot {
                    part: i,
                    local: k as u32,
                };
            }
        }
        let at = i as usize;
        if self.parts.len() <= at {
            self.parts.resize_with(at + 1, || None);
        }
        self.parts[at] = Some(std::sync::Arc::new(part));
    }

    /// Drops the part of `tile`, if loaded. Its nodes become unloaded (owned by `tile`); its
    /// edges stay known when another loaded part stores them too.
    pub(crate) fn remove(&mut self, tile: TileId) -> Option<std::sync::Arc<Part>> {
        let part = self.parts.get_mut(tile.index())?.take()?;
        for (k, n) in part.node_ids.iter().enumerate().take(part.owned_nodes) {
            let _ = k;
            if let Some(slot) = self.node_at.get_mut(n.index()) {
                *slot = Slot {
                    part: NONE,
                    local: tile.0,
                };
            }
        }
        for (k, e) in part.edge_ids.iter().enumerate() {
            let homed_here = self
                .edge_at
                .get(e.index())
                .is_some_and(|s| s.part == tile.0);
            if !homed_here {
                continue;
            }
            // The other end's part may store it too.
            let edge = &part.graph.edges[k];
            let other = if k < part.owned_edges {
                edge.to
            } else {
                edge.from
            };
            let other = part.node_ids[other.index()];
            let elsewhere = self
                .node_at
                .get(other.index())
                .and_then(|s| self.part(s.part).map(|p| (s.part, p)))
                .and_then(|(pi, p)| p.local_edge(*e).map(|l| (pi, l)));
            self.edge_at[e.index()] = match elsewhere {
                Some((pi, l)) => Slot {
                    part: pi,
                    local: l as u32,
                },
                None => EMPTY,
            };
        }
        Some(part)
    }

    /// The loaded parts.
    pub(crate) fn parts(&self) -> impl Iterator<Item = &Part> {
        self.parts.iter().flatten().map(|p| &**p)
    }

    /// The loaded part of a tile.
    pub(crate) fn part_of(&self, tile: TileId) -> Option<&Part> {
        self.part(tile.0)
    }

    /// Is this tile loaded?
    pub fn is_loaded(&self, tile: TileId) -> bool {
        self.part(tile.0).is_some()
    }

    /// The tiles loaded.
    pub fn loaded_tiles(&self) -> impl Iterator<Item = TileId> + '_ {
        self.parts().map(|p| p.tile)
    }

    /// The streets of a loaded tile, for drawing: its graph (local indices), the global id of
    /// each local edge, and how many of them (the first ones) it owns. Draw the owned edges of
    /// every loaded tile to draw each street once.
    pub fn tile_streets(&self, tile: TileId) -> Option<(&StreetGraph, &[EdgeId], usize)> {
        self.part(tile.0)
            .map(|p| (&p.graph, p.edge_ids.as_slice(), p.owned_edges))
    }

    /// Where global edge `e` is stored: a loaded part and its local index.
    pub(crate) fn locate(&self, e: EdgeId) -> Option<(&Part, usize)> {
        let slot = self.edge_at.get(e.index())?;
        self.part(slot.part).map(|p| (p, slot.local as usize))
    }

    /// The loaded part owning node `n`, and its local index.
    pub(crate) fn locate_node(&self, n: NodeId) -> Option<(&Part, usize)> {
        let slot = self.node_at.get(n.index())?;
        self.part(slot.part).map(|p| (p, slot.local as usize))
    }

    /// Is node `n`'s tile loaded?
    pub fn node_loaded(&self, n: NodeId) -> bool {
        self.locate_node(n).is_some()
    }

    /// The whole street graph of a single-file bundle. A tiled dataset has no single graph:
    /// this is then empty, and [`Network::tile_streets`] gives each loaded tile's.
    pub fn graph(&self) -> &StreetGraph {
        match (self.single, self.part(0)) {
            (true, Some(p)) => &p.graph,
            _ => &self.empty_graph,
        }
    }

    /// Every loaded edge id, in order (every edge of a single-file bundle).
    pub fn edge_ids(&self) -> impl Iterator<Item = EdgeId> + '_ {
        self.edge_at
            .iter()
            .enumerate()
            .filter(|(_, s)| s.part != NONE)
            .map(|(i, _)| EdgeId(i as u32))
    }

    /// Number of (cell, segment) entries in the snapping index: at most four per segment,
    /// whatever the map's extent (for tests and benchmarks).
    pub fn index_entry_count(&self) -> usize {
        self.parts().map(|p| p.grid.entry_count()).sum()
    }

    /// The bounding box of all nodes (`None` for an empty graph).
    pub fn bbox(&self) -> Option<BBox> {
        self.bbox
    }

    /// The adjacency of one mode of a single-file bundle (empty for a tiled dataset: searches
    /// use [`Network::arcs`]).
    pub fn adjacency(&self, mode: Mode) -> &Adjacency {
        match (self.single, self.part(0)) {
            (true, Some(p)) => &p.adjacency[mode.index()],
            _ => &self.empty_adjacency,
        }
    }

    /// The reversed adjacency of one mode of a single-file bundle (see [`Network::adjacency`]):
    /// searching it from a set of places gives the distance from each node *to* the nearest of
    /// them.
    pub fn reverse_adjacency(&self, mode: Mode) -> &Adjacency {
        match (self.single, self.part(0)) {
            (true, Some(p)) => &p.reverse[mode.index()],
            _ => &self.empty_adjacency,
        }
    }

    /// One mode's arcs over every loaded part, `reversed` for searches towards places.
    pub fn arcs(&self, mode: Mode, reversed: bool) -> ArcView<'_> {
        ArcView {
            net: self,
            mode,
            reversed,
        }
    }

    /// Number of junction nodes of a single-file bundle; for a tiled dataset, the node ids
    /// known so far (one more than the largest id of a loaded tile), which bounds every id a
    /// search can meet.
    pub fn node_count(&self) -> usize {
        self.node_at.len()
    }

    /// Number of edges of a single-file bundle; for a tiled dataset, the edge ids known so far.
    pub fn edge_count(&self) -> usize {
        self.edge_at.len()
    }

    /// A loaded edge's ends (global ids), access, class and length.
    pub fn edge(&self, e: EdgeId) -> Option<EdgeView> {
        let (p, i) = self.locate(e)?;
        let edge = &p.graph.edges[i];
        Some(EdgeView {
            from: p.node_ids[edge.from.index()],
            to: p.node_ids[edge.to.index()],
            access: edge.access,
            class: edge.class,
            length_m: p.length_m(i),
        })
    }

    /// The street name of a loaded edge, if any.
    pub fn edge_name(&self, e: EdgeId) -> Option<&str> {
        let (p, i) = self.locate(e)?;
        p.graph.edge_name(EdgeId(i as u32))
    }

    /// The polyline of a loaded edge in degrees (empty when not loaded).
    pub fn edge_lnglats(&self, e: EdgeId) -> Vec<LngLat> {
        self.locate(e)
            .map(|(p, i)| p.graph.edge_lnglats(EdgeId(i as u32)).collect())
            .unwrap_or_default()
    }

    /// Length of a loaded edge in metres (0 when not loaded).
    pub fn edge_length_m(&self, e: EdgeId) -> f64 {
        self.locate(e).map_or(0.0, |(p, i)| p.length_m(i))
    }

    /// Length of an edge in whole centimetres, rounded up: the cost of an arc.
    pub fn edge_cost_cm(&self, e: EdgeId) -> u32 {
        cm_ceil(self.edge_length_m(e))
    }

    /// The nearest usable hit of every loaded part, as (hit, part): the lowest by distance,
    /// then global edge, then segment.
    fn nearest_hit(&self, xy: [f64; 2], mode: Mode, max_m: f64) -> Option<(SegmentHit, &Part)> {
        let mut best: Option<(SegmentHit, &Part)> = None;
        for p in self.parts() {
            let usable = |e: EdgeId| p.graph.edges[e.index()].access.any(mode);
            let Some(hit) = p.grid.nearest(&p.vertices(), xy, max_m, usable) else {
                continue;
            };
            let key = |h: &SegmentHit, p: &Part| {
                (h.distance_m, p.edge_ids[h.at.edge.index()], h.at.segment)
            };
            let better = best.is_none_or(|(b, bp)| {
                let (a, b) = (key(&hit, p), key(&b, bp));
                a.0 < b.0 || (a.0 == b.0 && (a.1, a.2) < (b.1, b.2))
            });
            if better {
                best = Some((hit, p));
            }
        }
        best
    }

    /// The point of the nearest street that `mode` may use, found by projecting onto every
    /// loaded edge segment within `max_m` metres (not merely the nearest node). `None` if no
    /// usable street is that close. Routing joins points by [`Network::join`]; this is its
    /// first candidate.
    pub fn snap(&self, p: LngLat, mode: Mode, max_m: f64) -> Option<Snap> {
        let xy = self.proj.project(p);
        let (hit, part) = self.nearest_hit(xy, mode, max_m)?;
        Some(part.snap_of(&self.proj, p, hit))
    }

    /// The distance to the nearest loaded street `mode` may use, within `max_m`.
    pub(crate) fn nearest_distance_m(&self, p: LngLat, mode: Mode, max_m: f64) -> Option<f64> {
        let xy = self.proj.project(p);
        self.nearest_hit(xy, mode, max_m).map(|(h, _)| h.distance_m)
    }

    /// Every way point `p` joins the streets `mode` may use, by the rule of [`crate::join`]:
    /// the nearest usable street within `max_m`, and every other usable street that comes
    /// within [`join_radius_m`] of `p`, each at its own nearest point. Nearest first (ties by
    /// edge); empty when no usable street is within `max_m`. Only loaded streets are seen:
    /// [`crate::Finder::join_origin`] first makes sure every tile that matters is loaded.
    pub fn join(&self, p: LngLat, mode: Mode, max_m: f64) -> Vec<Snap> {
        let xy = self.proj.project(p);
        let Some((nearest, _)) = self.nearest_hit(xy, mode, max_m) else {
            return Vec::new();
        };
        let radius = join_radius_m(nearest.distance_m);
        // (global edge, distance, segment, part index, hit)
        let mut hits: Vec<(EdgeId, f64, u32, SegmentHit, &Part)> = Vec::new();
        for part in self.parts() {
            let usable = |e: EdgeId| part.graph.edges[e.index()].access.any(mode);
            part.grid.within(&part.vertices(), xy, radius, usable, |h| {
                hits.push((
                    part.edge_ids[h.at.edge.index()],
                    h.distance_m,
                    h.at.segment,
                    h,
                    part,
                ));
            });
        }
        // One candidate per edge: its nearest point (ties to the lower segment). The nearest
        // street is within the radius, so `within` reports it too.
        hits.sort_by_dyn(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        hits.dedup_by_key(|h| h.0);
        hits.sort_by_dyn(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        hits.into_iter()
            .map(|(_, _, _, h, part)| part.snap_of(&self.proj, p, h))
            .collect()
    }

    /// The streets point `p` joins in every mode at once: each edge with the modes
    /// ([`crate::tiles::mode_bit`]) in which [`Network::join`] lists it, in no particular order.
    /// The same edges as three calls of [`Network::join`] (tested), from one pass over the
    /// snapping grid instead of six. `scratch` is reused between calls.
    ///
    /// Why one pass is enough: a mode's candidates are the usable streets within
    /// `join_radius_m(d)` of `p`, `d` being the distance to its nearest usable street (at most
    /// `max_m`). `join_radius_m` never decreases as `d` grows and is at least `d`. While the
    /// pass runs, each mode's nearest so far (capped at `max_m`) is at least its `d`, so
    /// `join_radius_m` of it is at least `join_radius_m(d)`, which is at least `d`: keeping
    /// every cell and every hit within the largest of these over the modes keeps each mode's
    /// nearest street and all its candidates, and the bound tightens as nearer streets are met.
    pub(crate) fn join_modes(
        &self,
        p: LngLat,
        max_m: f64,
        scratch: &mut Vec<(EdgeId, f64, u8)>,
        mut found: impl FnMut(EdgeId, u8),
    ) {
        scratch.clear();
        let xy = self.proj.project(p);
        // Per mode (by index), the distance to its nearest usable street so far; and the
        // bound: the largest `join_radius_m` of these, capped at `max_m`.
        let state = std::cell::Cell::new(([f64::INFINITY; 3], join_radius_m(max_m)));
        for part in self.parts() {
            let access = |e: EdgeId| part.graph.edges[e.index()].access;
            part.grid.visit(
                &part.vertices(),
                xy,
                join_radius_m(max_m),
                |gap| gap <= state.get().1,
                |e| access(e).is_usable(),
                |h| {
                    let (mut nearest, bound) = state.get();
                    // Also refuses NaN.
                    if h.distance_m.is_nan() || h.distance_m > bound {
                        return;
                    }
                    let usable = usable_modes(access(h.at.edge));
                    let mut closer = false;
                    for m in Mode::ALL {
                        let d = &mut nearest[m.index()];
                        if usable & mode_bit(m) != 0 && h.distance_m < *d {
                            *d = h.distance_m;
                            closer = true;
                        }
                    }
                    if closer {
                        let bound = nearest
                            .iter()
                            .map(|d| join_radius_m(d.min(max_m)))
                            .fold(f64::NEG_INFINITY, f64::max);
                        state.set((nearest, bound));
                    }
                    scratch.push((part.edge_ids[h.at.edge.index()], h.distance_m, usable));
                },
            );
        }
        let (nearest, bound) = state.get();
        // Hits kept before the bound tightened are mostly beyond it now.
        scratch.retain(|h| h.1 <= bound);
        let radius = nearest.map(|d| {
            if d <= max_m {
                join_radius_m(d)
            } else {
                f64::NAN
            }
        });
        // Per edge, its nearest point.
        scratch.sort_unstable_by_dyn(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        scratch.dedup_by_key(|h| h.0);
        for &(edge, distance_m, usable) in scratch.iter() {
            let modes = Mode::ALL
                .into_iter()
                .filter(|m| usable & mode_bit(*m) != 0 && distance_m <= radius[m.index()])
                .fold(0, |bits, m| bits | mode_bit(m));
            if modes != 0 {
                found(edge, modes);
            }
        }
    }

    /// The nearest point of loaded edge `e` to `p` (a place's candidate on it, recomputed
    /// exactly as [`Network::join`] finds it).
    pub fn snap_to_edge(&self, p: LngLat, e: EdgeId) -> Option<Snap> {
        let (part, i) = self.locate(e)?;
        Some(part.nearest_on_edge(&self.proj, p, i))
    }

    /// The point at `offset_m` metres along a loaded edge from its first node (the origin of
    /// the projection when not loaded).
    pub fn point_at(&self, e: EdgeId, offset_m: f64) -> LngLat {
        self.locate(e).map_or_else(
            || self.proj.unproject([0.0, 0.0]),
            |(p, i)| p.point_at(&self.proj, i, offset_m),
        )
    }

    /// The part of a loaded edge's polyline between two offsets (metres from its first node),
    /// in travel order: reversed when `from_m > to_m`. Empty when not loaded.
    pub fn edge_slice(&self, e: EdgeId, from_m: f64, to_m: f64) -> Vec<LngLat> {
        self.locate(e)
            .map(|(p, i)| p.edge_slice(&self.proj, i, from_m, to_m))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    //! Issue 14: the snapping index follows the size of the input, not its extent.
    use super::*;
    use crate::graph::{Edge, RoadClass, ShapeRange};
    use crate::join::MAX_PLACE_JOIN_M;
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

    /// [`Network::join_modes`] against its definition: [`Network::join`] once per mode.
    fn assert_join_modes_match(net: &Network, p: LngLat, max_m: f64, label: &str) {
        let mut expected: Vec<(EdgeId, u8)> = Vec::new();
        for mode in Mode::ALL {
            for s in net.join(p, mode, max_m) {
                expected.push((s.edge, mode_bit(mode)));
            }
        }
        let mut got: Vec<(EdgeId, u8)> = Vec::new();
        net.join_modes(p, max_m, &mut Vec::new(), |e, m| got.push((e, m)));
        let merge = |mut v: Vec<(EdgeId, u8)>| {
            v.sort_unstable();
            let mut out: Vec<(EdgeId, u8)> = Vec::new();
            for (e, m) in v {
                match out.last_mut() {
                    Some(last) if last.0 == e => last.1 |= m,
                    _ => out.push((e, m)),
                }
            }
            out
        };
        assert_eq!(merge(got), merge(expected), "{label}");
    }

    #[test]
    fn joining_every_mode_at_once_is_joining_each() {
        // A seeded scatter of streets (one to five segments, 5 m to 600 m long) over 3 km, with
        // every kind of access: some for walkers only, one-way or no e-bikes, no step-free way.
        // Points near and far (beyond 500 m from some modes' streets), some on a junction.
        let seed = 0x5eed_1014_u64;
        println!("seed {seed:#x}");
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            #[allow(clippy::cast_precision_loss)]
            let v = (x >> 11) as f64 / (1u64 << 53) as f64;
            v
        };
        let proj = LocalProjection::new(LngLat::new(114.02, 22.53));
        let mut graph = StreetGraph::default();
        for e in 0..300u32 {
            let mut at = [next() * 3000.0, next() * 3000.0];
            let from = NodeId(u32::try_from(graph.nodes.len()).expect("small"));
            graph.nodes.push(proj.unproject(at).to_e6());
            let start = u32::try_from(graph.shape_points.len()).expect("small");
            let bends = (next() * 5.0) as usize;
            let len = 5.0 * 120f64.powf(next());
            let ang = next() * std::f64::consts::TAU;
            for _ in 0..bends {
                at = [at[0] + len * ang.cos(), at[1] + len * ang.sin()];
                graph.shape_points.push(proj.unproject(at).to_e6());
            }
            at = [at[0] + len * ang.cos(), at[1] + len * ang.sin()];
            graph.nodes.push(proj.unproject(at).to_e6());
            let end = u32::try_from(graph.shape_points.len()).expect("small");
            let mut access = Access::NONE;
            for mode in Mode::ALL {
                let r = next();
                if r < 0.6 {
                    access = access.with(mode, true, true);
                } else if r < 0.8 {
                    access = access.with(mode, true, false);
                }
            }
            if e % 10 == 0 {
                access = Access::NONE.with(Mode::Walk, true, true);
            }
            graph.edges.push(Edge {
                from,
                to: NodeId(from.0 + 1),
                shape: ShapeRange { start, end },
                access,
                class: RoadClass::Minor,
                name: None,
            });
        }
        let net = Network::new(graph.clone());
        for i in 0..2_000 {
            let p = if i % 10 == 0 {
                LngLat::from_e6(graph.nodes[(next() * graph.nodes.len() as f64) as usize])
            } else {
                proj.unproject([next() * 4000.0 - 500.0, next() * 4000.0 - 500.0])
            };
            for max_m in [MAX_PLACE_JOIN_M, 30.0, 60.0] {
                assert_join_modes_match(
                    &net,
                    p,
                    max_m,
                    &format!("point {i} at {p:?}, max {max_m} m"),
                );
            }
        }
    }
}
