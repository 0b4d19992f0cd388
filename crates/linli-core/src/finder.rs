//! "Which service is nearest to me?": the queries the app and the CLI both answer, through the
//! same functions.
//!
//! A query joins the starting point to the streets by the rule of [`crate::join`] (every
//! candidate street, each with its walked leg and, for an e-bike, a short push against a
//! one-way street), runs one Dijkstra search seeded at both ends of every candidate street, and
//! reads every place's time off the ends of its own candidate streets. Ranking is by time.
//!
//! # Units
//! Route and straight-line distances are metres; times are seconds (ridden metres at
//! [`Mode::speed_mps`], legs and pushed metres at [`Mode::foot_speed_mps`]). A route's length
//! includes the straight legs from the origin to its street and from the street to the place.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::bundle::Bundle;
use crate::decimal::Trimmed;
use crate::geom::{BBox, LngLat};
use crate::graph::{EdgeId, GraphError, NodeId, StreetGraph};
use crate::join::{join_radius_m, Gait, Stretch, MAX_ORIGIN_JOIN_M, MAX_PLACE_JOIN_M};
use crate::network::{Network, Part, PartSource, Snap};
use crate::profile::Mode;
use crate::router::{Halt, Router, Seed, Unloaded, Visit, NO_PRED, UNREACHED};
use crate::service::Service;
use crate::sort::SortDyn;
use crate::tiles::{mode_bit, Manifest, PlaceJoin, Tile, TileError, TileId};

/// How far from a street a place may be and still be routed to, in metres (the builder warns
/// about places farther than this).
pub use crate::join::MAX_PLACE_JOIN_M as MAX_SERVICE_SNAP_M;

/// Why a query could not be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The starting point is not a position on Earth.
    #[error("the starting point ({}, {}) is not a valid longitude/latitude", Trimmed(*lng), Trimmed(*lat))]
    InvalidOrigin {
        /// Longitude given.
        lng: f64,
        /// Latitude given.
        lat: f64,
    },
    /// No street usable in this mode is near the starting point.
    #[error("no street usable by {mode} within {} m of the starting point", Trimmed(*max_m))]
    NoStreetNearby {
        /// The mode asked for.
        mode: Mode,
        /// The search radius in metres.
        max_m: f64,
    },
    /// The service index is beyond the bundle's services.
    #[error("there is no service number {0} in this bundle")]
    NoSuchService(usize),
    /// Part of the answer lies in tiles that are not loaded (a tiled dataset): load them and
    /// ask again, or use the step-by-step searches ([`NearestSearch`]).
    #[error("the answer needs {} more tile(s) of the dataset", tiles.len())]
    TilesNeeded {
        /// The tiles to load, the most urgent first.
        tiles: Vec<TileId>,
    },
}

/// One service's distance from the origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reach {
    /// Index of the service in [`Bundle::services`].
    pub service: usize,
    /// Route length in metres (legs, pushed and ridden stretches), `None` when the service
    /// cannot be reached in this mode.
    pub route_m: Option<f64>,
    /// Travel time in seconds, `None` when unreachable. Results are ranked by it.
    pub time_s: Option<f64>,
    /// Great-circle distance in metres.
    pub straight_m: f64,
    /// Metres the e-bike is pushed against a one-way street at the start of the route (0 when
    /// none, and in the other modes). Part of `route_m`; the legs are not counted here.
    pub push_start_m: f64,
    /// Metres the e-bike is pushed against a one-way street at the end of the route, for "最后
    /// 30 米推行" (0 when none). When the origin and the place are on the same street and the
    /// whole way between them is pushed, it is counted here.
    pub push_end_m: f64,
}

/// A route to one service, for drawing: exactly the path whose time [`Finder::nearest`]
/// reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Index of the service.
    pub service: usize,
    /// The line from the origin to the service, in travel order: the leg to the street, along
    /// the streets, the leg to the place.
    pub points: Vec<LngLat>,
    /// The stretches of street travelled, in order: along the origin's candidate street, every
    /// whole street, along the place's candidate street (stretches of zero length are left
    /// out). No part of a street is travelled twice; the first and the last stretch may be on
    /// the same street (round the block on a one-way street).
    pub stretches: Vec<RouteStretch>,
    /// Route length in metres (equal to the [`Reach::route_m`] of the same query).
    pub route_m: f64,
    /// Travel time in seconds (equal to [`Reach::time_s`]).
    pub time_s: f64,
    /// As [`Reach::push_start_m`].
    pub push_start_m: f64,
    /// As [`Reach::push_end_m`].
    pub push_end_m: f64,
}

/// Part of a route along one street.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteStretch {
    /// The street (edge).
    pub edge: EdgeId,
    /// Where the stretch starts, metres from the edge's first node.
    pub from_m: f64,
    /// Where it ends (less than `from_m` when travelled against the drawing direction).
    pub to_m: f64,
    /// Pushed on foot against a one-way street (e-bike) rather than ridden or walked.
    pub pushed: bool,
}

impl RouteStretch {
    /// Its length in metres.
    pub fn length_m(&self) -> f64 {
        (self.to_m - self.from_m).abs()
    }
}

/// A place's candidate on one edge of a part, with its joining point recomputed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cand {
    /// Local edge in the part.
    pub local: u32,
    /// The place.
    pub place: u32,
    /// Modes in which it is a candidate ([`mode_bit`]).
    pub modes: u8,
    /// The joining point.
    pub snap: Snap,
}

/// Reaching a place from an end of one of its candidate streets.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Arrival {
    place: u32,
    /// The candidate.
    snap: Snap,
    /// Travelling as drawn (from the edge's first node) to the place's joining point.
    forward: bool,
    /// Along the street to the joining point.
    arrive: Stretch,
    /// The leg to the place.
    leg: Stretch,
}

/// The places joined to one part's streets.
#[derive(Debug, Clone, Default)]
struct PartJoins {
    /// By (local edge, place).
    cands: Vec<Cand>,
    /// Per mode, the arrivals at each owned node: `arrivals[m][first[m][n]..first[m][n + 1]]`.
    first: [Vec<u32>; 3],
    arrivals: [Vec<Arrival>; 3],
}

impl PartJoins {
    fn new(part: &Part, net: &Network, joins: &[PlaceJoin], places: &[Service]) -> PartJoins {
        let mut cands: Vec<Cand> = joins
            .iter()
            .filter_map(|j| {
                let place = places.get(j.place as usize)?;
                let edge = *part.edge_ids.get(j.edge as usize)?;
                Some(Cand {
                    local: j.edge,
                    place: j.place,
                    modes: j.modes,
                    snap: net.snap_to_edge(place.location, edge)?,
                })
            })
            .collect();
        // Joins come sorted by (edge, place) (`merge_joins`), so this is usually no work.
        if !cands.is_sorted_by_key(|c| (c.local, c.place)) {
            cands.sort_by_key_dyn(|c| (c.local, c.place));
        }
        let mut out = PartJoins {
            cands,
            ..PartJoins::default()
        };
        for mode in Mode::ALL {
            let (first, arrivals) = out.arrivals_of(part, mode);
            out.first[mode.index()] = first;
            out.arrivals[mode.index()] = arrivals;
        }
        out
    }

    /// Every way to arrive at a candidate from an owned end of its street, per owned node:
    /// at each node, by (global edge, place, travelling as drawn first).
    fn arrivals_of(&self, part: &Part, mode: Mode) -> (Vec<u32>, Vec<Arrival>) {
        let owned = part.owned_nodes;
        // The candidates in global edge order (for a single-file bundle, the order they are
        // in), so that a counting sort by node gives each node's arrivals in that order.
        let mut order: Vec<u32> = (0..u32::try_from(self.cands.len()).unwrap_or(u32::MAX))
            .filter(|&k| self.cands[k as usize].modes & mode_bit(mode) != 0)
            .collect();
        let key = |k: &u32| {
            let c = &self.cands[*k as usize];
            (c.snap.edge, c.place)
        };
        if !order.is_sorted_by_key(key) {
            order.sort_by_key_dyn(key);
        }
        // Arriving at candidate `k` from its street's first node (`forward`) or last node.
        let arrival = |k: u32, forward: bool| -> Option<(usize, Arrival)> {
            let c = &self.cands[k as usize];
            let i = c.local as usize;
            let edge = &part.graph.edges[i];
            let (node, along_m) = if forward {
                (edge.from, c.snap.offset_m)
            } else {
                (edge.to, part.length_m(i) - c.snap.offset_m)
            };
            if node.index() >= owned {
                return None;
            }
            let gait = Gait::along(edge.access, mode, forward, along_m)?;
            Some((
                node.index(),
                Arrival {
                    place: c.place,
                    snap: c.snap,
                    forward,
                    arrive: Stretch::along(mode, gait, along_m),
                    leg: Stretch::leg(mode, c.snap.distance_m),
                },
            ))
        };
        // Which arrivals there are, each with its node, in that order (small records: the
        // arrivals themselves are made once, in their final place).
        let mut found: Vec<(u32, u32, bool)> = Vec::with_capacity(order.len() * 2);
        for &k in &order {
            for forward in [true, false] {
                if let Some((n, _)) = arrival(k, forward) {
                    found.push((n as u32, k, forward));
                }
            }
        }
        // A counting sort by node: stable, so each node keeps the order above.
        let mut first = vec![0u32; owned + 1];
        for (n, _, _) in &found {
            first[*n as usize + 1] += 1;
        }
        for k in 0..owned {
            first[k + 1] += first[k];
        }
        let mut fill = first.clone();
        let mut sorted = vec![(0u32, false); found.len()];
        for (n, k, forward) in found {
            let slot = &mut fill[n as usize];
            sorted[*slot as usize] = (k, forward);
            *slot += 1;
        }
        let arrivals = sorted
            .into_iter()
            .filter_map(|(k, forward)| arrival(k, forward).map(|(_, a)| a))
            .collect();
        (first, arrivals)
    }

    fn at(&self, mode: Mode, local_node: usize) -> &[Arrival] {
        let f = &self.first[mode.index()];
        match (f.get(local_node), f.get(local_node + 1)) {
            (Some(&a), Some(&b)) => &self.arrivals[mode.index()][a as usize..b as usize],
            _ => &[],
        }
    }

    /// The candidates on local edge `i`.
    fn on_edge(&self, i: usize) -> &[Cand] {
        let lo = self.cands.partition_point(|c| (c.local as usize) < i);
        let hi = self.cands.partition_point(|c| (c.local as usize) <= i);
        &self.cands[lo..hi]
    }
}

/// A dataset made ready for queries: a single-file bundle, or a tiled dataset with the tiles
/// loaded so far. The queries are the same for both; on a tiled dataset they say which tiles
/// they need ([`QueryError::TilesNeeded`], [`Step::NeedTiles`]).
#[derive(Debug, Clone)]
pub struct Finder {
    /// Name, date, attribution, bbox, places (full records, or the manifest's summary until the
    /// tile is loaded) and readings; the streets are in `network`.
    meta: Bundle,
    manifest: Option<Manifest>,
    network: Network,
    has_record: Vec<bool>,
    /// Per place, the modes in which it joins a street.
    joined: Vec<u8>,
    /// Per part (tile index).
    joins: Vec<Option<PartJoins>>,
    /// Bumped whenever a tile is removed: searches in progress start again.
    removals: u64,
    /// Bumped whenever a tile is added or removed.
    generation: u64,
}

/// One way to leave the starting point: its leg to candidate `join`, then along that street to
/// its end `node` (ridden, or pushed against a one-way street).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Departure {
    /// Index into [`Start::joins`].
    pub join: usize,
    /// The end of the candidate's street reached.
    pub node: NodeId,
    /// Whether that end is the street's last node (travelling as drawn).
    pub forward: bool,
    /// Leg plus the stretch along the street.
    pub stretch: Stretch,
}

/// The starting point joined to the streets, and the seeds of the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Start {
    pub origin: LngLat,
    pub joins: Vec<Snap>,
    pub departures: Vec<Departure>,
}

impl Start {
    /// The search seeds, tagged with their index in `departures`.
    pub fn seeds(&self) -> Vec<Seed> {
        self.departures
            .iter()
            .enumerate()
            .map(|(tag, d)| Seed {
                node: d.node,
                cost_cm: d.stretch.cost,
                tag,
            })
            .collect()
    }
}

/// How the quickest path reaches a place candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Via {
    /// Along the street both the origin candidate `join` and the place candidate are on.
    Direct { join: usize },
    /// Through `node`, an end of the place candidate's street (its first node when `forward`),
    /// reached by the search from `departure`.
    Node {
        node: NodeId,
        forward: bool,
        departure: usize,
    },
}

/// The quickest way to one place.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Best {
    /// The place's candidate.
    pj: Snap,
    via: Via,
    total: Stretch,
    push_start_cm: u32,
    push_end_cm: u32,
}

fn cm_to_m(cm: u32) -> f64 {
    f64::from(cm) / 100.0
}

/// A [`Finder`] being prepared a few places at a time, so that a page can let the browser
/// paint and handle input between steps (joining 100,000 places takes seconds on a phone).
/// [`Finder::try_new`] is this, all in one step.
#[derive(Debug, Clone)]
pub struct FinderPrep {
    /// The bundle without its graph (which became the network).
    bundle: Bundle,
    network: Network,
    joins: Vec<PlaceJoin>,
    /// Places joined so far (in every mode).
    next: usize,
    /// Reused by every place's join.
    scratch: Vec<(EdgeId, f64, u8)>,
}

impl FinderPrep {
    /// Derives the network; no place is joined yet.
    pub fn new(mut bundle: Bundle) -> Result<FinderPrep, GraphError> {
        let graph = std::mem::take(&mut bundle.graph);
        let network = Network::try_new(graph)?;
        Ok(FinderPrep {
            bundle,
            network,
            joins: Vec::new(),
            next: 0,
            scratch: Vec::new(),
        })
    }

    /// Joins the next `max_places` places to the streets in every mode; true once every
    /// place is joined.
    pub fn step(&mut self, max_places: usize) -> bool {
        let end = self
            .next
            .saturating_add(max_places)
            .min(self.bundle.services.len());
        for i in self.next..end {
            join_place(
                &self.network,
                i,
                &self.bundle.services[i],
                &mut self.scratch,
                &mut self.joins,
            );
        }
        self.next = end;
        self.is_done()
    }

    /// Has every place been joined?
    pub fn is_done(&self) -> bool {
        self.next >= self.bundle.services.len()
    }

    /// Places joined so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.bundle.services.len())
    }

    /// The finder, after joining whatever places are left.
    pub fn finish(mut self) -> Finder {
        self.step(usize::MAX);
        let FinderPrep {
            bundle,
            network,
            joins,
            ..
        } = self;
        let joins = merge_joins(joins);
        let mut joined = vec![0u8; bundle.services.len()];
        for j in &joins {
            joined[j.place as usize] |= j.modes;
        }
        let mut finder = Finder {
            has_record: vec![true; bundle.services.len()],
            joined,
            meta: bundle,
            manifest: None,
            network,
            joins: Vec::new(),
            removals: 0,
            generation: 0,
        };
        finder.attach_joins(TileId(0), &joins);
        finder
    }
}

/// What a step-by-step search needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The search is finished: its answers are exact.
    Done,
    /// Load these tiles and call again; the first is the one the search is waiting for, the
    /// rest are the tiles it will reach next, cheapest first. The answers so far are exact.
    NeedTiles(Vec<TileId>),
}

impl Finder {
    /// Derives the network and joins every place to the streets, for every mode.
    pub fn try_new(bundle: Bundle) -> Result<Finder, GraphError> {
        FinderPrep::new(bundle).map(FinderPrep::finish)
    }

    /// [`Finder::try_new`] for a bundle whose graph is known to be valid, such as one from
    /// [`Bundle::decode`].
    ///
    /// # Panics
    /// With the [`GraphError`] when the graph is not valid.
    pub fn new(bundle: Bundle) -> Finder {
        match Finder::try_new(bundle) {
            Ok(f) => f,
            Err(e) => panic!("invalid street graph: {e}"),
        }
    }

    /// A tiled dataset with no tile loaded yet: every place is known from the manifest (id,
    /// name, kind, location, services, and its compiled opening hours, so "open now" answers
    /// at once); streets and full records come with [`Finder::add_tile`].
    pub fn tiled(manifest: Manifest) -> Finder {
        let node_bbox = manifest.node_bbox_e6.map(|[x0, y0, x1, y1]| BBox {
            min: LngLat::from_e6([x0, y0]),
            max: LngLat::from_e6([x1, y1]),
        });
        let network = Network::empty(node_bbox);
        let services: Vec<Service> = manifest.places.iter().map(|p| p.to_service()).collect();
        Finder {
            has_record: vec![false; services.len()],
            joined: manifest.places.iter().map(|p| p.joined).collect(),
            meta: Bundle {
                name: manifest.name.clone(),
                build_date: manifest.build_date.clone(),
                attribution: manifest.attribution.clone(),
                bbox: manifest.bbox,
                services,
                graph: StreetGraph::default(),
                readings: manifest.readings.clone(),
                hours: manifest.hours.clone(),
            },
            manifest: Some(manifest),
            network,
            joins: Vec::new(),
            removals: 0,
            generation: 0,
        }
    }

    fn attach_joins(&mut self, tile: TileId, joins: &[PlaceJoin]) {
        let Some(part) = self.network.part_of(tile) else {
            return;
        };
        let pj = PartJoins::new(part, &self.network, joins, &self.meta.services);
        let i = tile.index();
        if self.joins.len() <= i {
            self.joins.resize_with(i + 1, || None);
        }
        self.joins[i] = Some(pj);
    }

    /// Loads a decoded tile ([`Tile::decode`] checked it against the manifest): its streets
    /// join the network, its places' full records replace their summaries. Loading a tile
    /// again replaces it. Searches in progress continue with it ([`NearestSearch::advance`]).
    pub fn add_tile(&mut self, tile: Tile) -> Result<(), TileError> {
        let Some(manifest) = &self.manifest else {
            return Err(TileError::NotTiled);
        };
        let entry = manifest.tile(tile.id)?;
        let inconsistent = |what: String| TileError::Inconsistent {
            file: entry.file_name(),
            what,
        };
        let owned = tile.owned_nodes as usize;
        if let Some(n) = tile.nodes.iter().take(owned).find(|n| {
            self.network
                .locate_node(**n)
                .is_some_and(|(p, _)| p.tile != tile.id)
        }) {
            return Err(inconsistent(format!(
                "node {} is owned by another loaded tile",
                n.0
            )));
        }
        let Tile {
            id,
            nodes,
            owned_nodes,
            ghost_owners,
            edges,
            owned_edges,
            names,
            graph,
            joins,
            records,
        } = tile;
        let src = PartSource {
            tile: id,
            graph,
            node_ids: nodes,
            owned_nodes: owned_nodes as usize,
            ghost_owners,
            edge_ids: edges,
            owned_edges: owned_edges as usize,
            name_ids: names,
        };
        let part =
            Part::new(src, self.network.projection()).map_err(|e| inconsistent(e.to_string()))?;
        self.network.insert(part);
        for (i, s) in records {
            if let Some(slot) = self.meta.services.get_mut(i as usize) {
                *slot = s;
                self.has_record[i as usize] = true;
            }
        }
        self.attach_joins(id, &joins);
        self.generation += 1;
        Ok(())
    }

    /// Unloads a tile (to bound memory): its streets leave the network, its places go back to
    /// their summaries. Searches in progress start again at their next step.
    pub fn remove_tile(&mut self, id: TileId) {
        if self.network.remove(id).is_none() {
            return;
        }
        if let Some(slot) = self.joins.get_mut(id.index()) {
            *slot = None;
        }
        if let Some(m) = &self.manifest {
            for (i, p) in m.places.iter().enumerate() {
                if p.tile == id {
                    self.meta.services[i] = p.to_service();
                    self.has_record[i] = false;
                }
            }
        }
        self.removals += 1;
        self.generation += 1;
    }

    /// Changes whenever a tile is added or removed (for work that depends on the loaded set).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Changes whenever a tile is removed.
    pub(crate) fn removals(&self) -> u64 {
        self.removals
    }

    /// The manifest of a tiled dataset (`None` for a single-file bundle).
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    /// The tiles not loaded yet (none for a single-file bundle).
    pub fn missing_tiles(&self) -> Vec<TileId> {
        let Some(m) = &self.manifest else {
            return Vec::new();
        };
        (0..m.tiles.len())
            .filter_map(|i| u32::try_from(i).ok().map(TileId))
            .filter(|t| !self.network.is_loaded(*t))
            .collect()
    }

    /// Is every tile loaded (always, for a single-file bundle)?
    pub fn is_complete(&self) -> bool {
        self.missing_tiles().is_empty()
    }

    /// Has place `i` its full record (address, raw `opening_hours` text, phone…)? Always for a
    /// single-file bundle; for a tiled dataset once its tile
    /// ([`crate::tiles::PlaceSummary::tile`]) is loaded.
    pub fn has_record(&self, i: usize) -> bool {
        self.has_record.get(i).copied().unwrap_or(false)
    }

    /// The dataset's name, build date, attribution, bbox, places, compiled opening hours (of
    /// every place, loaded or not) and search readings. Its `graph` is empty: the streets are in
    /// [`Finder::network`].
    pub fn bundle(&self) -> &Bundle {
        &self.meta
    }

    /// The routable network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The services: full records, or for a tiled dataset the manifest's summary (id, name,
    /// kind, location, services) until the place's tile is loaded ([`Finder::has_record`]).
    pub fn services(&self) -> &[Service] {
        &self.meta.services
    }

    /// The candidates of the loaded streets, each once: (part's joins, candidate).
    fn loaded_cands(&self) -> impl Iterator<Item = &Cand> + '_ {
        self.network.parts().flat_map(move |part| {
            let joins = self.joins.get(part.tile.index()).and_then(Option::as_ref);
            joins.into_iter().flat_map(move |j| {
                j.cands.iter().filter(move |c| {
                    // A crossing street is in two parts: count it in the part that serves it.
                    self.network
                        .locate(c.snap.edge)
                        .is_some_and(|(home, _)| home.tile == part.tile)
                })
            })
        })
    }

    /// Every candidate of the loaded streets in `mode`, each once: (place, joining point).
    pub(crate) fn candidates(&self, mode: Mode) -> impl Iterator<Item = (usize, Snap)> + '_ {
        self.loaded_cands()
            .filter(move |c| c.modes & mode_bit(mode) != 0)
            .map(|c| (c.place as usize, c.snap))
    }

    /// The candidates of the places on loaded edge `e` in `mode`.
    fn cands_on_edge(&self, e: EdgeId) -> &[Cand] {
        let Some((part, i)) = self.network.locate(e) else {
            return &[];
        };
        self.joins
            .get(part.tile.index())
            .and_then(Option::as_ref)
            .map_or(&[], |j| j.on_edge(i))
    }

    /// Where service `i` joins the loaded streets in `mode` (nearest candidate first, ties by
    /// edge); empty when no usable street is within [`MAX_PLACE_JOIN_M`] (or, for a tiled
    /// dataset, none of its candidate streets is loaded yet).
    pub fn place_joins(&self, i: usize, mode: Mode) -> Vec<Snap> {
        let mut out: Vec<Snap> = self
            .candidates(mode)
            .filter(|(p, _)| *p == i)
            .map(|(_, s)| s)
            .collect();
        out.sort_by_dyn(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.edge.cmp(&b.edge))
        });
        out
    }

    /// The modes in which place `i` joins a street (bits as in [`mode_bit`]).
    pub fn joined_modes(&self, i: usize) -> u8 {
        self.joined.get(i).copied().unwrap_or(0)
    }

    /// A fresh router sized for this network.
    pub fn router(&self) -> Router {
        Router::new(self.network.node_count())
    }

    /// The tiles that must be loaded before `origin` can be joined to the streets in `mode`
    /// exactly: every tile whose streets come within the joining radius (empty for a
    /// single-file bundle, or when they are all loaded).
    pub fn origin_tiles(&self, origin: LngLat, mode: Mode) -> Result<Vec<TileId>, QueryError> {
        if !origin.is_valid() {
            return Err(QueryError::InvalidOrigin {
                lng: origin.lng,
                lat: origin.lat,
            });
        }
        let Some(m) = &self.manifest else {
            return Ok(Vec::new());
        };
        let radius = self
            .network
            .nearest_distance_m(origin, mode, MAX_ORIGIN_JOIN_M)
            .map_or(MAX_ORIGIN_JOIN_M, join_radius_m);
        Ok(m.tiles_near(self.network.projection(), origin, radius)
            .into_iter()
            .filter(|t| !self.network.is_loaded(*t))
            .collect())
    }

    /// Where a starting point joins the streets in `mode` (nearest candidate first). On a
    /// tiled dataset, [`QueryError::TilesNeeded`] until the tiles around it are loaded.
    pub fn join_origin(&self, origin: LngLat, mode: Mode) -> Result<Vec<Snap>, QueryError> {
        let tiles = self.origin_tiles(origin, mode)?;
        if !tiles.is_empty() {
            return Err(QueryError::TilesNeeded { tiles });
        }
        let joins = self.network.join(origin, mode, MAX_ORIGIN_JOIN_M);
        if joins.is_empty() {
            return Err(QueryError::NoStreetNearby {
                mode,
                max_m: MAX_ORIGIN_JOIN_M,
            });
        }
        Ok(joins)
    }

    /// The starting point's candidates and every way to leave them along their streets.
    pub(crate) fn start(&self, origin: LngLat, mode: Mode) -> Result<Start, QueryError> {
        let joins = self.join_origin(origin, mode)?;
        let mut departures = Vec::with_capacity(joins.len() * 2);
        for (j, oj) in joins.iter().enumerate() {
            let Some(edge) = self.network.edge(oj.edge) else {
                continue;
            };
            let leg = Stretch::leg(mode, oj.distance_m);
            for (node, forward, along_m) in [
                (edge.to, true, edge.length_m - oj.offset_m),
                (edge.from, false, oj.offset_m),
            ] {
                if let Some(gait) = Gait::along(edge.access, mode, forward, along_m) {
                    departures.push(Departure {
                        join: j,
                        node,
                        forward,
                        stretch: leg.then(Stretch::along(mode, gait, along_m)),
                    });
                }
            }
        }
        Ok(Start {
            origin,
            joins,
            departures,
        })
    }

    /// The distance from `origin` to every service that `include` accepts, quickest first;
    /// unreachable services come last, ordered by straight-line distance. One search serves
    /// all services. On a tiled dataset, [`QueryError::TilesNeeded`] when the answer needs
    /// tiles not loaded ([`NearestSearch`] answers step by step).
    pub fn nearest(
        &self,
        router: &mut Router,
        origin: LngLat,
        mode: Mode,
        include: impl Fn(&Service) -> bool,
    ) -> Result<Vec<Reach>, QueryError> {
        let mut search = NearestSearch::new(self, std::mem::take(router), origin, mode, include);
        let step = search.advance(self);
        let out = search.results(self);
        *router = search.into_router();
        match step? {
            Step::Done => Ok(out),
            Step::NeedTiles(tiles) => Err(QueryError::TilesNeeded { tiles }),
        }
    }

    /// The route from `origin` to service `service` in `mode`, or `None` if unreachable: the
    /// same candidates, the same entry and the same streets as the time [`Finder::nearest`]
    /// reports.
    pub fn route(
        &self,
        router: &mut Router,
        origin: LngLat,
        mode: Mode,
        service: usize,
    ) -> Result<Option<Route>, QueryError> {
        if service >= self.meta.services.len() {
            return Err(QueryError::NoSuchService(service));
        }
        let mut search = NearestSearch::only(self, std::mem::take(router), origin, mode, service);
        let step = search.advance(self);
        let route = search.route(self, service);
        *router = search.into_router();
        match step? {
            Step::Done => Ok(route),
            Step::NeedTiles(tiles) => Err(QueryError::TilesNeeded { tiles }),
        }
    }

    fn reach_from(&self, origin: LngLat, mode: Mode, i: usize, best: Option<&Best>) -> Reach {
        let straight_m = origin.distance_m(self.meta.services[i].location);
        Reach {
            service: i,
            route_m: best.map(|b| cm_to_m(b.total.metres_cm)),
            time_s: best.map(|b| cm_to_m(b.total.cost) / mode.speed_mps()),
            straight_m,
            push_start_m: best.map_or(0.0, |b| cm_to_m(b.push_start_cm)),
            push_end_m: best.map_or(0.0, |b| cm_to_m(b.push_end_cm)),
        }
    }

    /// The streets from the seed of the search to `node`, in travel order: (edge, reversed).
    fn path_to(&self, router: &Router, node: NodeId) -> Vec<(EdgeId, bool)> {
        let mut edges = Vec::new();
        let mut v = node;
        // A shortest-path tree has no cycles; the bound only guards against misuse.
        for _ in 0..=self.network.node_count() {
            let p = router.pred(v);
            if p == NO_PRED {
                break;
            }
            let (e, reversed) = (EdgeId(p >> 1), p & 1 == 1);
            edges.push((e, reversed));
            let Some(edge) = self.network.edge(e) else {
                break;
            };
            v = if reversed { edge.to } else { edge.from };
        }
        edges.reverse();
        edges
    }

    /// The drawn line and the street stretches of the path `best`.
    fn route_line(
        &self,
        router: &Router,
        start: &Start,
        service: usize,
        best: &Best,
    ) -> (Vec<LngLat>, Vec<RouteStretch>) {
        let net = &self.network;
        let pj = best.pj;
        let mut line = RouteLine::default();
        match best.via {
            Via::Direct { join } => {
                let oj = start.joins[join];
                line.points.extend([start.origin, oj.point]);
                line.add(net, oj.edge, oj.offset_m, pj.offset_m, best.push_end_cm > 0);
            }
            Via::Node {
                node,
                forward,
                departure,
            } => {
                let d = start.departures[departure];
                let oj = start.joins[d.join];
                line.points.extend([start.origin, oj.point]);
                let end = if d.forward {
                    net.edge_length_m(oj.edge)
                } else {
                    0.0
                };
                line.add(net, oj.edge, oj.offset_m, end, best.push_start_cm > 0);
                for (e, reversed) in self.path_to(router, node) {
                    let len = net.edge_length_m(e);
                    let (a, b) = if reversed { (len, 0.0) } else { (0.0, len) };
                    line.add(net, e, a, b, false);
                }
                let entry = if forward {
                    0.0
                } else {
                    net.edge_length_m(pj.edge)
                };
                line.add(net, pj.edge, entry, pj.offset_m, best.push_end_cm > 0);
            }
        }
        line.points
            .extend([pj.point, self.meta.services[service].location]);
        line.points.dedup();
        (line.points, line.stretches)
    }
}

/// Every place's candidates on a whole network (a single-file bundle's), by the joining rule of
/// [`crate::join`]: (edge, place, modes), by (edge, place). `linli build` stores them in the
/// tiles of a tiled dataset; a single bundle computes them on load, with this same function.
pub fn place_joins_of(network: &Network, services: &[Service]) -> Vec<PlaceJoin> {
    let mut joins: Vec<PlaceJoin> = Vec::new();
    let mut scratch = Vec::new();
    for (i, s) in services.iter().enumerate() {
        join_place(network, i, s, &mut scratch, &mut joins);
    }
    merge_joins(joins)
}

/// Appends place `i`'s joins in every mode (none for a place without a valid location).
fn join_place(
    network: &Network,
    i: usize,
    s: &Service,
    scratch: &mut Vec<(EdgeId, f64, u8)>,
    joins: &mut Vec<PlaceJoin>,
) {
    if !s.location.is_valid() {
        return;
    }
    let Ok(place) = u32::try_from(i) else {
        return;
    };
    network.join_modes(s.location, MAX_PLACE_JOIN_M, scratch, |edge, modes| {
        joins.push(PlaceJoin {
            edge: edge.0,
            place,
            modes,
        });
    });
}

/// Sorts joins by (edge, place) and merges the modes of equal pairs.
pub fn merge_joins(mut joins: Vec<PlaceJoin>) -> Vec<PlaceJoin> {
    // Equal keys are merged, so their order does not matter.
    joins.sort_unstable_by_key(|j| (j.edge, j.place));
    let mut out: Vec<PlaceJoin> = Vec::with_capacity(joins.len());
    for j in joins {
        match out.last_mut() {
            Some(last) if last.edge == j.edge && last.place == j.place => last.modes |= j.modes,
            _ => out.push(j),
        }
    }
    out
}

/// "Which places are nearest?", step by step: a search that a page can run while it fetches
/// tiles, and that gives exact answers as soon as they are settled.
///
/// Call [`NearestSearch::advance`] until it returns [`Step::Done`]; each
/// [`Step::NeedTiles`] asks for tiles to load into the finder ([`Finder::add_tile`]) before
/// the next call. After any step, [`NearestSearch::results`] lists the places whose answer is
/// exact: every place whose time is below the cost of the first node not yet settled. Others
/// are not listed yet; none of them can be quicker than the last one listed.
///
/// ```
/// use linli_core::{Bundle, Finder, LngLat, Mode};
/// use linli_core::finder::{NearestSearch, Step};
/// # fn demo(bundle: Bundle) -> Result<(), Box<dyn std::error::Error>> {
/// let finder = Finder::new(bundle);
/// let mut search = NearestSearch::new(&finder, finder.router(), LngLat::new(114.02, 22.53),
///     Mode::Walk, |_| true);
/// search.want(5); // stop once the 5 nearest are known
/// while let Step::NeedTiles(tiles) = search.advance(&finder)? {
///     // fetch and add the tiles (never needed for a single-file bundle)
/// #   let _ = tiles; break;
/// }
/// for r in search.results(&finder) {
///     println!("{} {:?}", finder.services()[r.service].name, r.route_m);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct NearestSearch {
    origin: LngLat,
    mode: Mode,
    chosen: Vec<bool>,
    chosen_count: usize,
    want: usize,
    /// Stop once every place within this cost is exact.
    max_cost_cm: u32,
    router: Router,
    start: Option<Start>,
    best: Vec<Option<Best>>,
    resolved: Vec<bool>,
    resolved_count: usize,
    pending: BinaryHeap<Reverse<(u32, u32, u32)>>,
    removals: u64,
}

impl NearestSearch {
    /// A search from `origin` in `mode` to every place that `include` accepts (given the
    /// record the finder has now: for a tiled dataset, the summary until its tile is loaded).
    pub fn new(
        finder: &Finder,
        router: Router,
        origin: LngLat,
        mode: Mode,
        include: impl Fn(&Service) -> bool,
    ) -> NearestSearch {
        let chosen: Vec<bool> = finder.services().iter().map(include).collect();
        NearestSearch::with(finder, router, origin, mode, chosen)
    }

    /// A search to every place that `include` accepts, given its index and record: for filters
    /// that look beyond the record, such as "open now" from the compiled hours, which a tiled
    /// dataset knows for every place before its tile is loaded:
    ///
    /// ```
    /// use linli_core::{Finder, LngLat, Mode, NearestSearch, Service};
    /// # fn demo(finder: &Finder, now: chrono::NaiveDateTime) {
    /// let hours = &finder.bundle().hours;
    /// let open = |i: usize, _: &Service| hours.hours(i).status(now).state.is_open();
    /// let origin = LngLat::new(114.02, 22.53);
    /// let search = NearestSearch::among(finder, finder.router(), origin, Mode::Walk, open);
    /// # let _ = search;
    /// # }
    /// ```
    pub fn among(
        finder: &Finder,
        router: Router,
        origin: LngLat,
        mode: Mode,
        include: impl Fn(usize, &Service) -> bool,
    ) -> NearestSearch {
        let chosen: Vec<bool> = finder
            .services()
            .iter()
            .enumerate()
            .map(|(i, s)| include(i, s))
            .collect();
        NearestSearch::with(finder, router, origin, mode, chosen)
    }

    /// A search for one place.
    pub fn only(
        finder: &Finder,
        router: Router,
        origin: LngLat,
        mode: Mode,
        service: usize,
    ) -> NearestSearch {
        let chosen = (0..finder.services().len()).map(|i| i == service).collect();
        NearestSearch::with(finder, router, origin, mode, chosen)
    }

    fn with(
        finder: &Finder,
        router: Router,
        origin: LngLat,
        mode: Mode,
        chosen: Vec<bool>,
    ) -> NearestSearch {
        let n = chosen.len();
        let chosen_count = chosen.iter().filter(|c| **c).count();
        NearestSearch {
            origin,
            mode,
            chosen,
            chosen_count,
            want: usize::MAX,
            max_cost_cm: UNREACHED - 1,
            router,
            start: None,
            best: vec![None; n],
            resolved: vec![false; n],
            resolved_count: 0,
            pending: BinaryHeap::new(),
            removals: finder.removals,
        }
    }

    /// Stop once `n` of the chosen places are exact (all of them by default). May be raised
    /// later to continue the same search.
    pub fn want(&mut self, n: usize) {
        self.want = n;
    }

    /// Stop once every place within `seconds` is exact (places farther are then not listed).
    pub fn within_seconds(&mut self, seconds: f64) {
        let cm = (seconds * self.mode.speed_mps() * 100.0).ceil();
        // Clamped, so the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let cm = cm.clamp(0.0, f64::from(UNREACHED - 1)) as u32;
        self.max_cost_cm = cm;
    }

    /// The router, back for another search.
    pub fn into_router(self) -> Router {
        self.router
    }

    /// How many chosen places have an exact answer, and how many were chosen.
    pub fn progress(&self) -> (usize, usize) {
        (self.resolved_count, self.chosen_count)
    }

    fn done(&self) -> bool {
        self.resolved_count >= self.want.min(self.chosen_count)
    }

    fn restart(&mut self, finder: &Finder) {
        let chosen = std::mem::take(&mut self.chosen);
        let (want, max) = (self.want, self.max_cost_cm);
        let router = std::mem::take(&mut self.router);
        *self = NearestSearch::with(finder, router, self.origin, self.mode, chosen);
        self.want = want;
        self.max_cost_cm = max;
    }

    /// Runs the search until it is done or needs tiles.
    pub fn advance(&mut self, finder: &Finder) -> Result<Step, QueryError> {
        if self.removals != finder.removals {
            self.restart(finder);
        }
        if self.start.is_none() {
            let tiles = finder.origin_tiles(self.origin, self.mode)?;
            if !tiles.is_empty() {
                return Ok(Step::NeedTiles(tiles));
            }
            let start = finder.start(self.origin, self.mode)?;
            self.router
                .start(finder.network.node_count(), &start.seeds());
            self.begin(finder, &start);
            self.start = Some(start);
        }
        if self.done() {
            return Ok(Step::Done);
        }
        let arcs = finder.network.arcs(self.mode, false);
        let mut work = usize::MAX;
        let halt = {
            let NearestSearch {
                router,
                start,
                best,
                resolved,
                resolved_count,
                pending,
                chosen,
                chosen_count,
                want,
                mode,
                max_cost_cm,
                ..
            } = self;
            let Some(start) = start.as_ref() else {
                return Ok(Step::Done);
            };
            let target = (*want).min(*chosen_count);
            let mut found = Vec::new();
            router.resume(
                &arcs,
                *max_cost_cm,
                Unloaded::Halt,
                &mut work,
                |v, d, tag| {
                    resolve(pending, best, resolved, resolved_count, Some(d));
                    if *resolved_count >= target {
                        return Visit::Stop;
                    }
                    found.clear();
                    arrivals_at(finder, *mode, v, &mut found);
                    let Some(departure) = start.departures.get(tag) else {
                        return Visit::Settle;
                    };
                    for a in &found {
                        let i = a.place as usize;
                        if !chosen[i] || resolved[i] {
                            continue;
                        }
                        // Between the seed and `v` everything is ridden: cost = length.
                        let ridden = d.saturating_sub(departure.stretch.cost);
                        let network = Stretch {
                            cost: ridden,
                            metres_cm: ridden,
                            pushed_cm: 0,
                        };
                        consider(
                            best,
                            pending,
                            i,
                            Best {
                                pj: a.snap,
                                via: Via::Node {
                                    node: v,
                                    forward: a.forward,
                                    departure: tag,
                                },
                                total: departure.stretch.then(network).then(a.arrive).then(a.leg),
                                push_start_cm: departure.stretch.pushed_cm,
                                push_end_cm: a.arrive.pushed_cm,
                            },
                        );
                    }
                    Visit::Settle
                },
            )
        };
        self.after(finder, halt)
    }

    /// What to report after the router stopped.
    fn after(&mut self, finder: &Finder, halt: Halt) -> Result<Step, QueryError> {
        match halt {
            Halt::Stopped | Halt::OutOfWork => Ok(Step::Done),
            Halt::Done => {
                if let Some(next) = self.router.next_cost() {
                    // Beyond the cost limit: what is below the next node is exact.
                    resolve(
                        &mut self.pending,
                        &self.best,
                        &mut self.resolved,
                        &mut self.resolved_count,
                        Some(next),
                    );
                    return Ok(Step::Done);
                }
                // Exhausted: every place reached is exact, the others unreachable.
                resolve(
                    &mut self.pending,
                    &self.best,
                    &mut self.resolved,
                    &mut self.resolved_count,
                    None,
                );
                for i in 0..self.chosen.len() {
                    if self.chosen[i] && !self.resolved[i] {
                        self.resolved[i] = true;
                        self.resolved_count += 1;
                    }
                }
                Ok(Step::Done)
            }
            Halt::Frontier { cost_cm, tile, .. } => {
                resolve(
                    &mut self.pending,
                    &self.best,
                    &mut self.resolved,
                    &mut self.resolved_count,
                    Some(cost_cm),
                );
                if self.done() {
                    return Ok(Step::Done);
                }
                let arcs = finder.network.arcs(self.mode, false);
                let mut tiles: Vec<TileId> = tile.into_iter().collect();
                for (_, t) in self.router.waiting_tiles(&arcs) {
                    if !tiles.contains(&t) {
                        tiles.push(t);
                    }
                }
                Ok(Step::NeedTiles(tiles))
            }
        }
    }

    /// Before the search: places known to be unreachable (no street in this mode), and places
    /// on a street of the starting point (straight along it).
    fn begin(&mut self, finder: &Finder, start: &Start) {
        let bit = mode_bit(self.mode);
        for i in 0..self.chosen.len() {
            if self.chosen[i] && finder.joined_modes(i) & bit == 0 {
                self.resolved[i] = true;
                self.resolved_count += 1;
            }
        }
        for (j, oj) in start.joins.iter().enumerate() {
            let Some(edge) = finder.network.edge(oj.edge) else {
                continue;
            };
            for c in finder.cands_on_edge(oj.edge) {
                let i = c.place as usize;
                if c.modes & bit == 0 || !self.chosen[i] || self.resolved[i] {
                    continue;
                }
                let pj = c.snap;
                let forward = pj.offset_m >= oj.offset_m;
                let along_m = (pj.offset_m - oj.offset_m).abs();
                if let Some(gait) = Gait::along(edge.access, self.mode, forward, along_m) {
                    let along = Stretch::along(self.mode, gait, along_m);
                    let leg = Stretch::leg(self.mode, pj.distance_m);
                    consider(
                        &mut self.best,
                        &mut self.pending,
                        i,
                        Best {
                            pj,
                            via: Via::Direct { join: j },
                            total: Stretch::leg(self.mode, oj.distance_m).then(along).then(leg),
                            push_start_cm: 0,
                            push_end_cm: along.pushed_cm,
                        },
                    );
                }
            }
        }
    }

    /// The places whose answer is exact so far, quickest first; unreachable places (once
    /// known) last, by straight line.
    pub fn results(&self, finder: &Finder) -> Vec<Reach> {
        if self.start.is_none() {
            return Vec::new();
        }
        let mut out: Vec<Reach> = (0..self.chosen.len())
            .filter(|&i| self.chosen[i] && self.resolved[i])
            .map(|i| finder.reach_from(self.origin, self.mode, i, self.best[i].as_ref()))
            .collect();
        sort_reaches(&mut out);
        out
    }

    /// Is place `i`'s answer exact yet?
    pub fn is_exact(&self, i: usize) -> bool {
        self.resolved.get(i).copied().unwrap_or(false)
    }

    /// The route to place `service`, once its answer is exact and it is reachable: the same
    /// candidates, the same entry and the same streets as its [`Reach`].
    pub fn route(&self, finder: &Finder, service: usize) -> Option<Route> {
        let start = self.start.as_ref()?;
        if !self.is_exact(service) {
            return None;
        }
        let best = self.best.get(service)?.as_ref()?;
        let reach = finder.reach_from(self.origin, self.mode, service, Some(best));
        let (points, stretches) = finder.route_line(&self.router, start, service, best);
        Some(Route {
            service,
            points,
            stretches,
            route_m: reach.route_m.unwrap_or_default(),
            time_s: reach.time_s.unwrap_or_default(),
            push_start_m: reach.push_start_m,
            push_end_m: reach.push_end_m,
        })
    }
}

/// The arrivals at node `v` (settled, so its tile is loaded) in `mode`, into `out`.
fn arrivals_at(finder: &Finder, mode: Mode, v: NodeId, out: &mut Vec<Arrival>) {
    let Some((part, local)) = finder.network.locate_node(v) else {
        return;
    };
    if let Some(j) = finder.joins.get(part.tile.index()).and_then(Option::as_ref) {
        out.extend_from_slice(j.at(mode, local));
    }
}

/// Records `b` for place `i` when it is quicker (then shorter) than what was known.
fn consider(
    best: &mut [Option<Best>],
    pending: &mut BinaryHeap<Reverse<(u32, u32, u32)>>,
    i: usize,
    b: Best,
) {
    let better = best[i]
        .is_none_or(|o| (b.total.cost, b.total.metres_cm) < (o.total.cost, o.total.metres_cm));
    if better {
        best[i] = Some(b);
        pending.push(Reverse((b.total.cost, b.total.metres_cm, i as u32)));
    }
}

/// Marks exact every place whose best cost is below `bound` (every place when `None`).
fn resolve(
    pending: &mut BinaryHeap<Reverse<(u32, u32, u32)>>,
    best: &[Option<Best>],
    resolved: &mut [bool],
    resolved_count: &mut usize,
    bound: Option<u32>,
) {
    while let Some(&Reverse((cost, metres, i))) = pending.peek() {
        if bound.is_some_and(|b| cost >= b) {
            break;
        }
        pending.pop();
        let i = i as usize;
        let current = best[i].map(|b| (b.total.cost, b.total.metres_cm));
        if current != Some((cost, metres)) || resolved[i] {
            continue; // superseded, or already done
        }
        resolved[i] = true;
        *resolved_count += 1;
    }
}

/// A route line being drawn.
#[derive(Debug, Default)]
struct RouteLine {
    points: Vec<LngLat>,
    stretches: Vec<RouteStretch>,
}

impl RouteLine {
    /// Appends the stretch of edge `e` from offset `a` to `b` (nothing for zero length).
    fn add(&mut self, net: &Network, e: EdgeId, a: f64, b: f64, pushed: bool) {
        if a != b {
            self.points.extend(net.edge_slice(e, a, b));
            self.stretches.push(RouteStretch {
                edge: e,
                from_m: a,
                to_m: b,
                pushed,
            });
        }
    }
}

/// Quickest first; unreachable last by straight line; ties by service index.
fn sort_reaches(reaches: &mut [Reach]) {
    reaches.sort_by_dyn(|a, b| match (a.time_s, b.time_s) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.service.cmp(&b.service)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a
            .straight_m
            .total_cmp(&b.straight_m)
            .then(a.service.cmp(&b.service)),
    });
}
