//! The service circle: which streets are within 5, 10, 15 minutes of a starting point
//! ([`isochrone`]), and how far every street is from the nearest service of a kind
//! ([`coverage`]), each from one search.
//!
//! Both measure points *on* the streets: such a point joins its own street with no leg (see
//! [`crate::join`]); the starting point of the isochrone, a place, and a tap on the coverage map
//! ([`minutes_at`]) join by the full rule. Along an edge, the cost of the point at offset `x` is
//! the minimum of a few linear pieces (leave or arrive by either end, or reach a place or the
//! origin on the same edge; ridden, or pushed against a one-way street), computed exactly by
//! [`crate::envelope`]: a street partly within a limit counts for its reachable part.
//!
//! # Units
//! Lengths in metres, times in minutes (the cost "metres at the mode's speed" divided by
//! [`Mode::speed_mps`]).

use crate::envelope::{Envelope, Piece};
use crate::finder::{Finder, Start, Step};
use crate::geom::LngLat;
use crate::graph::{EdgeId, NodeId};
use crate::join::{cm_ceil, Gait, Stretch, PUSH_MAX_M};
use crate::network::{EdgeView, Network, Snap};
use crate::profile::{Access, Mode};
use crate::router::{Halt, Router, Seed, Unloaded, Visit, UNREACHED};
use crate::sort::SortDyn;
use crate::tiles::TileId;
use crate::QueryError;

/// The limits of the service circle and of coverage, minutes: the app's rings and the CLI's
/// default.
pub const CIRCLE_MINUTES: [f64; 3] = [5.0, 10.0, 15.0];

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

/// A stretch of an edge in one band: band `i` is "within limit `i`" (and not within limit
/// `i - 1`); band `limits.len()` (coverage only) is "beyond the last limit, or nothing
/// reachable".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPart {
    /// The edge.
    pub edge: EdgeId,
    /// Start offset along the edge, metres.
    pub from_m: f64,
    /// End offset along the edge, metres.
    pub to_m: f64,
    /// The band.
    pub band: usize,
}

/// Streets by minutes to the nearest service.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The mode.
    pub mode: Mode,
    /// The limits, minutes, ascending.
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
    /// The tiles of the dataset that were not loaded (empty for a single-file bundle, or when
    /// everything was): then only the loaded streets and the places joined to them were
    /// counted, and the minutes near the unloaded part may be too high. Run a
    /// [`CoverageRun`] for the whole area.
    pub missing_tiles: Vec<TileId>,
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

/// What can be reached from a starting point within each limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Isochrone {
    /// The mode.
    pub mode: Mode,
    /// The limits, minutes, ascending.
    pub limits_minutes: Vec<f64>,
    /// The reachable street parts, each in its band (never the "beyond" band).
    pub parts: Vec<BandPart>,
    /// Up to which minutes the parts are complete and exact: the largest limit, or less when
    /// the search reached tiles that are not loaded (`missing_tiles`).
    pub exact_minutes: f64,
    /// The tiles the search needs to go further (empty when complete).
    pub missing_tiles: Vec<TileId>,
}

impl Isochrone {
    /// The drawn line of a part.
    pub fn part_line(&self, net: &Network, part: &BandPart) -> Vec<LngLat> {
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

/// The nearest service to a tapped point, and the minutes to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearestService {
    /// Index into the bundle's services.
    pub service: usize,
    /// Minutes, as [`Finder::nearest`] would give from the same point.
    pub minutes: f64,
}

fn minutes(cost_m: f64, mode: Mode) -> f64 {
    cost_m / mode.speed_mps() / 60.0
}

fn cost_limit_m(minutes: f64, mode: Mode) -> f64 {
    minutes * 60.0 * mode.speed_mps()
}

fn sorted(limits: &[f64]) -> Vec<f64> {
    let mut limits = limits.to_vec();
    limits.sort_by_dyn(f64::total_cmp);
    limits
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
        .filter(|(i, _)| {
            at.is_none_or(|t| finder.bundle().hours.hours(*i).status(t).state.is_open())
        })
        .map(|(i, _)| i)
        .collect()
}

/// One edge as a mode travels it, for making cost pieces.
#[derive(Debug, Clone, Copy)]
struct EdgeTravel {
    access: Access,
    mode: Mode,
    len: f64,
}

impl EdgeTravel {
    fn of(edge: &EdgeView, mode: Mode) -> EdgeTravel {
        EdgeTravel {
            access: edge.access,
            mode,
            len: edge.length_m,
        }
    }

    /// The cost piece of travelling away from offset `at` (where the cost is `cost`), towards
    /// higher offsets when `rightwards`: ridden if the mode may travel that way (`forward` =
    /// as drawn), else pushed for at most [`PUSH_MAX_M`] if it may push.
    fn piece(
        self,
        forward: bool,
        at: f64,
        cost: f64,
        rightwards: bool,
        tag: usize,
    ) -> Option<Piece> {
        let (slope, reach) = match Gait::along(self.access, self.mode, forward, 0.0)? {
            Gait::Ride => (1.0, self.len),
            Gait::Push => (f64::from(self.mode.foot_factor()), PUSH_MAX_M),
        };
        Some(Piece::cone(
            at, cost, slope, rightwards, reach, self.len, tag,
        ))
    }
}

fn cm_to_m(cm: u32) -> f64 {
    f64::from(cm) / 100.0
}

/// The candidates of `services` on the loaded streets, in the order of `services`, each
/// service's nearest first (ties by edge).
fn service_joins(finder: &Finder, mode: Mode, services: &[usize]) -> Vec<(usize, Snap)> {
    let mut by_place: Vec<Vec<Snap>> = vec![Vec::new(); finder.services().len()];
    for (i, snap) in finder.candidates(mode) {
        if let Some(list) = by_place.get_mut(i) {
            list.push(snap);
        }
    }
    let mut out = Vec::new();
    for &i in services {
        let Some(list) = by_place.get_mut(i) else {
            continue;
        };
        list.sort_by_dyn(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.edge.cmp(&b.edge))
        });
        out.extend(list.iter().map(|s| (i, *s)));
    }
    out
}

/// The seeds of the search towards `services`: both ends of every candidate street of every
/// service (leg and arrival included), tagged with the service.
fn service_seeds(finder: &Finder, mode: Mode, services: &[usize]) -> Vec<Seed> {
    let net = finder.network();
    let mut seeds = Vec::new();
    for (i, pj) in service_joins(finder, mode, services) {
        let Some(e) = net.edge(pj.edge) else {
            continue;
        };
        let leg = Stretch::leg(mode, pj.distance_m);
        // From the first node forward to the place, or from the last node backward.
        for (node, forward, along_m) in [
            (e.from, true, pj.offset_m),
            (e.to, false, e.length_m - pj.offset_m),
        ] {
            if let Some(gait) = Gait::along(e.access, mode, forward, along_m) {
                seeds.push(Seed {
                    node,
                    cost_cm: leg.then(Stretch::along(mode, gait, along_m)).cost,
                    tag: i,
                });
            }
        }
    }
    seeds
}

/// The distance from every node to the nearest of `services` in `mode`: one search on the
/// reversed graph, seeded at both ends of every candidate street of every service (leg and
/// arrival included). Node costs are read from the router afterwards (`cost_cm`, `seed_of` =
/// service index). On a tiled dataset, over the loaded tiles only.
pub fn search_to_services(finder: &Finder, router: &mut Router, mode: Mode, services: &[usize]) {
    let net = finder.network();
    router.start(net.node_count(), &service_seeds(finder, mode, services));
    let mut work = usize::MAX;
    router.resume(
        &net.arcs(mode, true),
        UNREACHED - 1,
        Unloaded::Skip,
        &mut work,
        |_, _, _| Visit::Settle,
    );
}

fn node_cost_m(router: &Router, n: NodeId) -> Option<(f64, usize)> {
    let c = router.cost_cm(n);
    (c != UNREACHED).then(|| (cm_to_m(c), router.seed_of(n)))
}

/// A place on an edge, for coverage: its offset, the cost of its leg, its service index.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlaceOnEdge {
    edge: EdgeId,
    offset_m: f64,
    leg_m: f64,
    service: usize,
}

/// Every candidate of every service in `services`, sorted by edge.
fn places_by_edge(finder: &Finder, mode: Mode, services: &[usize]) -> Vec<PlaceOnEdge> {
    let mut out: Vec<PlaceOnEdge> = service_joins(finder, mode, services)
        .into_iter()
        .map(|(i, pj)| PlaceOnEdge {
            edge: pj.edge,
            offset_m: pj.offset_m,
            leg_m: cm_to_m(Stretch::leg(mode, pj.distance_m).cost),
            service: i,
        })
        .collect();
    out.sort_by_key_dyn(|p| p.edge);
    out
}

/// The cost pieces (into `pieces`), from points of edge `e` to the nearest service, after
/// [`search_to_services`]: leave by either end, or go along to a place on the edge.
fn coverage_pieces(
    router: &Router,
    mode: Mode,
    edge: &EdgeView,
    on_edge: &[PlaceOnEdge],
    pieces: &mut Vec<Piece>,
) {
    let t = EdgeTravel::of(edge, mode);
    pieces.clear();
    // Towards the first node is travelling backward; towards the last, forward.
    if let Some((d, tag)) = node_cost_m(router, edge.from) {
        pieces.extend(t.piece(false, 0.0, d, true, tag));
    }
    if let Some((d, tag)) = node_cost_m(router, edge.to) {
        pieces.extend(t.piece(true, t.len, d, false, tag));
    }
    for p in on_edge {
        let (s, c) = (p.offset_m, p.leg_m);
        pieces.extend(t.piece(true, s, c, false, p.service));
        pieces.extend(t.piece(false, s, c, true, p.service));
    }
}

/// The band parts of an envelope on edge `e`, appended to `parts`; returns the length in each
/// band (`limits.len() + 1` bands).
fn push_bands(
    env: &Envelope,
    e: EdgeId,
    limits_m: &[f64],
    keep_beyond: bool,
    parts: &mut Vec<BandPart>,
) -> Vec<f64> {
    let mut lengths = vec![0.0; limits_m.len() + 1];
    for (lo, hi, band) in env.bands(limits_m) {
        lengths[band] += hi - lo;
        if keep_beyond || band < limits_m.len() {
            parts.push(BandPart {
                edge: e,
                from_m: lo,
                to_m: hi,
                band,
            });
        }
    }
    lengths
}

/// Every street the mode may use, by minutes to the nearest of `services` (indices into the
/// bundle's services), with the length within each of `limits_minutes` (sorted ascending).
/// On a tiled dataset, over what is loaded ([`Coverage::missing_tiles`] says what is not);
/// [`CoverageRun`] covers the whole area step by step.
pub fn coverage(
    finder: &Finder,
    router: &mut Router,
    mode: Mode,
    services: &[usize],
    limits_minutes: &[f64],
) -> Coverage {
    let mut run = CoverageRun::over_loaded(std::mem::take(router), mode, services, limits_minutes);
    while run.step(finder, usize::MAX) != CoverageStep::Done {}
    let (cov, r) = run.finish(finder);
    *router = r;
    cov
}

/// What [`CoverageRun::step`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum CoverageStep {
    /// Load these tiles (every tile not loaded yet) and step again.
    NeedTiles(Vec<TileId>),
    /// Some work was done; step again. `done` is the share of the work done, 0–1.
    Working {
        /// Share done, 0–1.
        done: f64,
    },
    /// Finished: take the result with [`CoverageRun::finish`].
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Load,
    Search,
    Edges { next: usize },
    Done,
}

/// Coverage in steps of bounded work, so that a page can run it for a whole city in a Web
/// Worker or between frames, with a progress bar: first every tile (for [`CoverageRun::new`]),
/// then the multi-source search, then the streets, a few thousand at a time.
///
/// ```
/// use linli_core::circle::{CoverageRun, CoverageStep, CIRCLE_MINUTES};
/// use linli_core::{Finder, Mode};
/// # fn demo(finder: &Finder, centres: &[usize]) {
/// let mut run = CoverageRun::new(finder.router(), Mode::Walk, centres, &CIRCLE_MINUTES);
/// loop {
///     match run.step(finder, 20_000) {
///         CoverageStep::NeedTiles(_tiles) => { /* load them, then step again */ break }
///         CoverageStep::Working { done } => { /* show done × 100 % and yield */ let _ = done; }
///         CoverageStep::Done => break,
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CoverageRun {
    mode: Mode,
    services: Vec<usize>,
    limits_m: Vec<f64>,
    require_all: bool,
    router: Router,
    phase: Phase,
    places: Vec<PlaceOnEdge>,
    next_place: usize,
    pieces: Vec<Piece>,
    out: Coverage,
    generation: u64,
}

impl CoverageRun {
    /// Coverage of the whole dataset: asks for every tile first.
    pub fn new(router: Router, mode: Mode, services: &[usize], limits_minutes: &[f64]) -> Self {
        let mut run = CoverageRun::over_loaded(router, mode, services, limits_minutes);
        run.require_all = true;
        run
    }

    /// Coverage of what is loaded now.
    pub fn over_loaded(
        router: Router,
        mode: Mode,
        services: &[usize],
        limits_minutes: &[f64],
    ) -> Self {
        let limits = sorted(limits_minutes);
        let limits_m: Vec<f64> = limits.iter().map(|l| cost_limit_m(*l, mode)).collect();
        CoverageRun {
            mode,
            services: services.to_vec(),
            out: Coverage {
                mode,
                limits_minutes: limits,
                street_m: 0.0,
                within_m: vec![0.0; limits_m.len()],
                unreachable_m: 0.0,
                max_minutes: None,
                edges: Vec::new(),
                parts: Vec::new(),
                missing_tiles: Vec::new(),
            },
            limits_m,
            require_all: false,
            router,
            phase: Phase::Load,
            places: Vec::new(),
            next_place: 0,
            pieces: Vec::new(),
            generation: 0,
        }
    }

    /// Does about `work` units (nodes settled or streets measured) and says what is next.
    /// Loading or unloading tiles between steps starts the work again.
    pub fn step(&mut self, finder: &Finder, work: usize) -> CoverageStep {
        if self.phase != Phase::Load && self.generation != finder.generation() {
            self.phase = Phase::Load;
        }
        let mut work = work.max(1);
        loop {
            match self.phase {
                Phase::Load => {
                    let missing = finder.missing_tiles();
                    if self.require_all && !missing.is_empty() {
                        return CoverageStep::NeedTiles(missing);
                    }
                    self.begin(finder, missing);
                }
                Phase::Search => {
                    let net = finder.network();
                    let halt = self.router.resume(
                        &net.arcs(self.mode, true),
                        UNREACHED - 1,
                        Unloaded::Skip,
                        &mut work,
                        |_, _, _| Visit::Settle,
                    );
                    if halt == Halt::OutOfWork {
                        return self.working(finder);
                    }
                    self.phase = Phase::Edges { next: 0 };
                }
                Phase::Edges { next } => {
                    let net = finder.network();
                    let total = net.edge_count();
                    let mut e = next;
                    while e < total && work > 0 {
                        let id = EdgeId(u32::try_from(e).unwrap_or(u32::MAX));
                        if let Some(edge) = net.edge(id) {
                            self.measure(id, &edge);
                            work -= 1;
                        }
                        e += 1;
                    }
                    if e < total {
                        self.phase = Phase::Edges { next: e };
                        return self.working(finder);
                    }
                    self.phase = Phase::Done;
                }
                Phase::Done => return CoverageStep::Done,
            }
        }
    }

    fn working(&self, finder: &Finder) -> CoverageStep {
        CoverageStep::Working {
            done: self.progress(finder),
        }
    }

    /// The share of the work done, 0–1 (loading the tiles counts for the first half when the
    /// whole area is asked for).
    pub fn progress(&self, finder: &Finder) -> f64 {
        let loaded = match finder.manifest() {
            Some(m) if self.require_all && !m.tiles.is_empty() => {
                let missing = finder.missing_tiles().len() as f64;
                1.0 - missing / m.tiles.len() as f64
            }
            _ => 1.0,
        };
        let net = finder.network();
        let (nodes, edges) = match finder.manifest() {
            Some(m) => (m.node_count as usize, m.edge_count as usize),
            None => (net.node_count(), net.edge_count()),
        };
        let (nodes, edges) = (nodes.max(1) as f64, edges.max(1) as f64);
        let rest = match self.phase {
            Phase::Load => 0.0,
            Phase::Search => 0.5 * (self.router.settled_count() as f64 / nodes).min(1.0),
            Phase::Edges { next } => 0.5 + 0.5 * (next as f64 / edges),
            Phase::Done => 1.0,
        };
        if self.require_all {
            0.5 * loaded + 0.5 * rest
        } else {
            rest
        }
    }

    fn begin(&mut self, finder: &Finder, missing: Vec<TileId>) {
        let net = finder.network();
        self.generation = finder.generation();
        self.router.start(
            net.node_count(),
            &service_seeds(finder, self.mode, &self.services),
        );
        self.places = places_by_edge(finder, self.mode, &self.services);
        self.next_place = 0;
        let n = self.limits_m.len();
        self.out = Coverage {
            mode: self.mode,
            limits_minutes: std::mem::take(&mut self.out.limits_minutes),
            street_m: 0.0,
            within_m: vec![0.0; n],
            unreachable_m: 0.0,
            max_minutes: None,
            edges: Vec::new(),
            parts: Vec::new(),
            missing_tiles: missing,
        };
        self.phase = Phase::Search;
    }

    /// Measures loaded edge `e` (edges come in ascending order).
    fn measure(&mut self, e: EdgeId, edge: &EdgeView) {
        let mode = self.mode;
        let start = self.next_place;
        while self
            .places
            .get(self.next_place)
            .is_some_and(|p| p.edge <= e)
        {
            self.next_place += 1;
        }
        let lo = start + self.places[start..self.next_place].partition_point(|p| p.edge < e);
        if !edge.access.any(mode) {
            return;
        }
        let len = edge.length_m;
        let mut pieces = std::mem::take(&mut self.pieces);
        coverage_pieces(
            &self.router,
            mode,
            edge,
            &self.places[lo..self.next_place],
            &mut pieces,
        );
        let env = Envelope::lower(&pieces, len);
        self.pieces = pieces;
        let out = &mut self.out;
        out.street_m += len;
        let lengths = push_bands(&env, e, &self.limits_m, true, &mut out.parts);
        for k in 0..self.limits_m.len() {
            out.within_m[k] += lengths[..=k].iter().sum::<f64>();
        }
        let uncovered = env.uncovered_m();
        out.unreachable_m += uncovered;
        let worst = if uncovered > 1e-6 { None } else { env.max() };
        if let Some(w) = worst {
            let w = minutes(w, mode);
            out.max_minutes = Some(out.max_minutes.map_or(w, |m: f64| m.max(w)));
        }
        let mid = env.at(len / 2.0);
        out.edges.push(EdgeCoverage {
            edge: e,
            length_m: len,
            min_minutes: env.min().map(|(c, _)| minutes(c, mode)),
            max_minutes: worst.map(|c| minutes(c, mode)),
            mid_minutes: mid.map(|(c, _)| minutes(c, mode)),
            nearest: mid.map(|(_, t)| t),
        });
    }

    /// The result (complete once [`CoverageStep::Done`] was returned) and the router, whose
    /// costs serve [`minutes_at`].
    pub fn finish(self, finder: &Finder) -> (Coverage, Router) {
        let _ = finder;
        (self.out, self.router)
    }
}

/// The cost pieces (into `pieces`) from the origin to points of edge `e`, after the search
/// from `start`, from the nodes whose cost is at most `max_m`: arrive from either end, or
/// straight from an origin candidate on the edge.
fn isochrone_pieces(
    router: &Router,
    start: &Start,
    (mode, max_m): (Mode, f64),
    (e, edge): (EdgeId, &EdgeView),
    pieces: &mut Vec<Piece>,
) {
    pieces.clear();
    let t = EdgeTravel::of(edge, mode);
    let settled = |n: NodeId| node_cost_m(router, n).filter(|(d, _)| *d <= max_m);
    if let Some((d, _)) = settled(edge.from) {
        pieces.extend(t.piece(true, 0.0, d, true, 0));
    }
    if let Some((d, _)) = settled(edge.to) {
        pieces.extend(t.piece(false, t.len, d, false, 0));
    }
    for oj in start.joins.iter().filter(|j| j.edge == e) {
        let c = cm_to_m(Stretch::leg(mode, oj.distance_m).cost);
        let o = oj.offset_m;
        pieces.extend(t.piece(true, o, c, true, 0));
        pieces.extend(t.piece(false, o, c, false, 0));
    }
}

/// The streets reachable from `origin` in `mode` within each of `limits_minutes` (one search,
/// bounded by the largest limit). On a tiled dataset: [`QueryError::TilesNeeded`] while the
/// tiles around the starting point are not loaded, and an isochrone that is exact up to
/// [`Isochrone::exact_minutes`] when the search reaches tiles that are not
/// ([`IsochroneSearch`] loads them step by step).
pub fn isochrone(
    finder: &Finder,
    router: &mut Router,
    origin: LngLat,
    mode: Mode,
    limits_minutes: &[f64],
) -> Result<Isochrone, QueryError> {
    let mut search = IsochroneSearch::new(std::mem::take(router), origin, mode, limits_minutes);
    let step = search.advance(finder);
    let iso = search.result(finder);
    *router = search.into_router();
    match step? {
        Step::NeedTiles(tiles) if iso.is_none() => Err(QueryError::TilesNeeded { tiles }),
        _ => iso.ok_or(QueryError::TilesNeeded { tiles: Vec::new() }),
    }
}

/// The isochrone step by step, like [`crate::NearestSearch`]: [`IsochroneSearch::advance`]
/// until [`Step::Done`], loading the tiles it asks for; [`IsochroneSearch::result`] at any
/// point gives what is exact so far.
#[derive(Debug, Clone)]
pub struct IsochroneSearch {
    origin: LngLat,
    mode: Mode,
    limits_minutes: Vec<f64>,
    limits_m: Vec<f64>,
    router: Router,
    start: Option<Start>,
    /// The cost of the node the search waits at (cm), when it waits for a tile.
    frontier: Option<u32>,
    missing: Vec<TileId>,
    removals: u64,
}

impl IsochroneSearch {
    /// The streets within `limits_minutes` of `origin` in `mode`.
    pub fn new(router: Router, origin: LngLat, mode: Mode, limits_minutes: &[f64]) -> Self {
        let limits = sorted(limits_minutes);
        let limits_m = limits.iter().map(|l| cost_limit_m(*l, mode)).collect();
        IsochroneSearch {
            origin,
            mode,
            limits_minutes: limits,
            limits_m,
            router,
            start: None,
            frontier: None,
            missing: Vec::new(),
            removals: 0,
        }
    }

    fn max_m(&self) -> f64 {
        self.limits_m.last().copied().unwrap_or(0.0)
    }

    /// Runs the search until it is done or needs tiles.
    pub fn advance(&mut self, finder: &Finder) -> Result<Step, QueryError> {
        if self.start.is_some() && self.removals != finder.removals() {
            self.start = None;
        }
        if self.start.is_none() {
            let tiles = finder.origin_tiles(self.origin, self.mode)?;
            if !tiles.is_empty() {
                self.missing.clone_from(&tiles);
                return Ok(Step::NeedTiles(tiles));
            }
            let start = finder.start(self.origin, self.mode)?;
            self.router
                .start(finder.network().node_count(), &start.seeds());
            self.start = Some(start);
            self.removals = finder.removals();
        }
        let net = finder.network();
        let arcs = net.arcs(self.mode, false);
        let max_cm = cm_ceil(self.max_m()).saturating_add(1);
        let mut work = usize::MAX;
        match self
            .router
            .resume(&arcs, max_cm, Unloaded::Halt, &mut work, |_, _, _| {
                Visit::Settle
            }) {
            Halt::Frontier { cost_cm, tile, .. } => {
                self.frontier = Some(cost_cm);
                let mut tiles: Vec<TileId> = tile.into_iter().collect();
                for (d, t) in self.router.waiting_tiles(&arcs) {
                    if d <= max_cm && !tiles.contains(&t) {
                        tiles.push(t);
                    }
                }
                self.missing.clone_from(&tiles);
                Ok(Step::NeedTiles(tiles))
            }
            _ => {
                self.frontier = None;
                self.missing.clear();
                Ok(Step::Done)
            }
        }
    }

    /// The router, back for another search.
    pub fn into_router(self) -> Router {
        self.router
    }

    /// The isochrone as far as it is exact (`None` before the starting point could be
    /// joined).
    pub fn result(&self, finder: &Finder) -> Option<Isochrone> {
        let start = self.start.as_ref()?;
        let max_m = self.max_m();
        // Every node costing at most the frontier's cost has its exact cost (see the router).
        let cap_m = self.frontier.map_or(max_m, |c| cm_to_m(c).min(max_m));
        let limits_m: Vec<f64> = self.limits_m.iter().map(|l| l.min(cap_m)).collect();
        let net = finder.network();
        let mut parts = Vec::new();
        let mut pieces = Vec::new();
        for e in net.edge_ids() {
            let Some(edge) = net.edge(e).filter(|x| x.access.any(self.mode)) else {
                continue;
            };
            isochrone_pieces(
                &self.router,
                start,
                (self.mode, cap_m),
                (e, &edge),
                &mut pieces,
            );
            if pieces.is_empty() {
                continue;
            }
            let env = Envelope::lower(&pieces, edge.length_m);
            push_bands(&env, e, &limits_m, false, &mut parts);
        }
        Some(Isochrone {
            mode: self.mode,
            limits_minutes: self.limits_minutes.clone(),
            parts,
            exact_minutes: minutes(cap_m, self.mode),
            missing_tiles: self.missing.clone(),
        })
    }
}

/// The nearest of `services` to a tapped point, and the minutes to it, after
/// [`search_to_services`] has run on this router with the same `mode` and `services`. The
/// point joins the streets by the starting point's rule, so the minutes equal those of
/// [`Finder::nearest`] from the same point. `None` when the point is far from any street or
/// no service can be reached.
pub fn minutes_at(
    finder: &Finder,
    router: &Router,
    mode: Mode,
    services: &[usize],
    at: LngLat,
) -> Option<NearestService> {
    let joins: Vec<Snap> = finder.join_origin(at, mode).ok()?;
    let places = places_by_edge(finder, mode, services);
    let mut best: Option<(f64, usize)> = None;
    for oj in &joins {
        let lo = places.partition_point(|p| p.edge < oj.edge);
        let hi = places.partition_point(|p| p.edge <= oj.edge);
        let leg = cm_to_m(Stretch::leg(mode, oj.distance_m).cost);
        let mut pieces = Vec::new();
        let edge = finder.network().edge(oj.edge)?;
        coverage_pieces(router, mode, &edge, &places[lo..hi], &mut pieces);
        let here = pieces
            .iter()
            .filter(|p| p.lo - 1e-9 <= oj.offset_m && oj.offset_m <= p.hi + 1e-9)
            .map(|p| (leg + p.cost(oj.offset_m), p.tag))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(h) = here {
            if best.is_none_or(|b| h.0 < b.0) {
                best = Some(h);
            }
        }
    }
    best.map(|(c, service)| NearestService {
        service,
        minutes: minutes(c, mode),
    })
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
        // A heap, not a sort: a city has hundreds of thousands of segments and only the first
        // few (up to `n` street names) are wanted, so they are taken from the top one by one
        // (O(E + k log E) instead of O(E log E); one task on a phone showing a city's coverage).
        // The order is total (segments are unique), so the answer is the sorted one.
        let mut edges: std::collections::BinaryHeap<Worse<'_>> = self
            .edges
            .iter()
            .filter(|e| e.length_m >= 20.0)
            .map(Worse)
            .collect();
        let edges = std::iter::from_fn(move || edges.pop().map(|w| w.0));
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for e in edges {
            let street = net.edge_name(e.edge).map(str::to_string);
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

/// A segment ordered by how badly it is served: the greatest is the worst (cannot reach any
/// service, then the most minutes from its worst point), ties to the lower edge id.
struct Worse<'a>(&'a EdgeCoverage);

impl Worse<'_> {
    fn key(&self) -> f64 {
        self.0.max_minutes.unwrap_or(f64::INFINITY)
    }
}

impl Ord for Worse<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key()
            .total_cmp(&other.key())
            .then(other.0.edge.cmp(&self.0.edge))
    }
}

impl PartialOrd for Worse<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Worse<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Worse<'_> {}
