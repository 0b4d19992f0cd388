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

use crate::bundle::Bundle;
use crate::geom::LngLat;
use crate::graph::{EdgeId, GraphError, NodeId};
use crate::join::{Gait, Stretch, MAX_ORIGIN_JOIN_M, MAX_PLACE_JOIN_M};
use crate::network::{Network, Snap};
use crate::profile::Mode;
use crate::router::{Router, Seed, NO_PRED, UNREACHED};
use crate::service::Service;

/// How far from a street a place may be and still be routed to, in metres (the builder warns
/// about places farther than this).
pub use crate::join::MAX_PLACE_JOIN_M as MAX_SERVICE_SNAP_M;

/// Why a query could not be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The starting point is not a position on Earth.
    #[error("the starting point ({lng}, {lat}) is not a valid longitude/latitude")]
    InvalidOrigin {
        /// Longitude given.
        lng: f64,
        /// Latitude given.
        lat: f64,
    },
    /// No street usable in this mode is near the starting point.
    #[error("no street usable by {mode} within {max_m} m of the starting point")]
    NoStreetNearby {
        /// The mode asked for.
        mode: Mode,
        /// The search radius in metres.
        max_m: f64,
    },
    /// The service index is beyond the bundle's services.
    #[error("there is no service number {0} in this bundle")]
    NoSuchService(usize),
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

/// The candidates of every place in one mode, flattened.
#[derive(Debug, Clone, Default)]
struct PlaceJoins {
    /// `joins[start[i]..start[i + 1]]` are place `i`'s candidates.
    start: Vec<usize>,
    joins: Vec<Snap>,
}

impl PlaceJoins {
    fn of(&self, i: usize) -> &[Snap] {
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.joins[a..b],
            _ => &[],
        }
    }
}

/// A bundle made ready for queries: the network derived, every place joined for every mode.
#[derive(Debug, Clone)]
pub struct Finder {
    bundle: Bundle,
    network: Network,
    places: [PlaceJoins; 3],
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
    /// Index into the place's candidates.
    place_join: usize,
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
    bundle: Bundle,
    network: Network,
    places: [PlaceJoins; 3],
    /// Places joined so far (in every mode).
    next: usize,
}

impl FinderPrep {
    /// Derives the network; no place is joined yet.
    pub fn new(bundle: Bundle) -> Result<FinderPrep, GraphError> {
        let network = Network::try_new(bundle.graph.clone())?;
        let mut places: [PlaceJoins; 3] = Default::default();
        for joins in &mut places {
            joins.start.reserve(bundle.services.len() + 1);
        }
        Ok(FinderPrep {
            bundle,
            network,
            places,
            next: 0,
        })
    }

    /// Joins the next `max_places` places to the streets in every mode; true once every
    /// place is joined.
    pub fn step(&mut self, max_places: usize) -> bool {
        let end = self
            .next
            .saturating_add(max_places)
            .min(self.bundle.services.len());
        for s in &self.bundle.services[self.next..end] {
            for mode in Mode::ALL {
                let joins = &mut self.places[mode.index()];
                joins.start.push(joins.joins.len());
                if s.location.is_valid() {
                    joins
                        .joins
                        .extend(self.network.join(s.location, mode, MAX_PLACE_JOIN_M));
                }
            }
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
        for joins in &mut self.places {
            joins.start.push(joins.joins.len());
        }
        Finder {
            bundle: self.bundle,
            network: self.network,
            places: self.places,
        }
    }
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

    /// The bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The routable network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The services.
    pub fn services(&self) -> &[Service] {
        &self.bundle.services
    }

    /// Where service `i` joins the streets in `mode` (nearest candidate first); empty when no
    /// usable street is within [`MAX_PLACE_JOIN_M`].
    pub fn place_joins(&self, i: usize, mode: Mode) -> &[Snap] {
        self.places[mode.index()].of(i)
    }

    /// A fresh router sized for this network.
    pub fn router(&self) -> Router {
        Router::new(self.network.node_count())
    }

    /// Where a starting point joins the streets in `mode` (nearest candidate first).
    pub fn join_origin(&self, origin: LngLat, mode: Mode) -> Result<Vec<Snap>, QueryError> {
        if !origin.is_valid() {
            return Err(QueryError::InvalidOrigin {
                lng: origin.lng,
                lat: origin.lat,
            });
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
            let edge = &self.network.graph().edges[oj.edge.index()];
            let len = self.network.edge_length_m(oj.edge);
            let leg = Stretch::leg(mode, oj.distance_m);
            for (node, forward, along_m) in [
                (edge.to, true, len - oj.offset_m),
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

    /// Runs the search from `start` until every node of `targets` is settled (or the network
    /// is exhausted).
    fn search(&self, router: &mut Router, start: &Start, mode: Mode, targets: &[NodeId]) {
        router.run(
            self.network.adjacency(mode),
            self.network.node_count(),
            &start.seeds(),
            targets,
            UNREACHED - 1,
        );
    }

    /// Both ends of every candidate street of the places in `places`.
    fn targets(&self, places: &[usize], mode: Mode) -> Vec<NodeId> {
        let mut targets = Vec::new();
        for &i in places {
            for pj in self.place_joins(i, mode) {
                let e = &self.network.graph().edges[pj.edge.index()];
                targets.push(e.from);
                targets.push(e.to);
            }
        }
        targets
    }

    /// The distance from `origin` to every service that `include` accepts, quickest first;
    /// unreachable services come last, ordered by straight-line distance. One search serves
    /// all services.
    pub fn nearest(
        &self,
        router: &mut Router,
        origin: LngLat,
        mode: Mode,
        include: impl Fn(&Service) -> bool,
    ) -> Result<Vec<Reach>, QueryError> {
        let start = self.start(origin, mode)?;
        let chosen: Vec<usize> = (0..self.bundle.services.len())
            .filter(|i| include(&self.bundle.services[*i]))
            .collect();
        self.search(router, &start, mode, &self.targets(&chosen, mode));
        let mut out: Vec<Reach> = chosen
            .into_iter()
            .map(|i| self.reach(router, &start, mode, i))
            .collect();
        sort_reaches(&mut out);
        Ok(out)
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
        if service >= self.bundle.services.len() {
            return Err(QueryError::NoSuchService(service));
        }
        let start = self.start(origin, mode)?;
        self.search(router, &start, mode, &self.targets(&[service], mode));
        let Some(best) = self.best(router, &start, mode, service) else {
            return Ok(None);
        };
        let reach = self.reach_from(&start, mode, service, Some(best));
        let (points, stretches) = self.route_line(router, &start, service, mode, &best);
        Ok(Some(Route {
            service,
            points,
            stretches,
            route_m: reach.route_m.unwrap_or_default(),
            time_s: reach.time_s.unwrap_or_default(),
            push_start_m: reach.push_start_m,
            push_end_m: reach.push_end_m,
        }))
    }

    fn reach(&self, router: &Router, start: &Start, mode: Mode, i: usize) -> Reach {
        self.reach_from(start, mode, i, self.best(router, start, mode, i))
    }

    fn reach_from(&self, start: &Start, mode: Mode, i: usize, best: Option<Best>) -> Reach {
        let straight_m = start.origin.distance_m(self.bundle.services[i].location);
        Reach {
            service: i,
            route_m: best.map(|b| cm_to_m(b.total.metres_cm)),
            time_s: best.map(|b| cm_to_m(b.total.cost) / mode.speed_mps()),
            straight_m,
            push_start_m: best.map_or(0.0, |b| cm_to_m(b.push_start_cm)),
            push_end_m: best.map_or(0.0, |b| cm_to_m(b.push_end_cm)),
        }
    }

    /// The quickest way to place `i` after a search from `start` that settled the ends of its
    /// candidate streets: over its candidates, directly along a shared street or through either
    /// end of the candidate's street.
    fn best(&self, router: &Router, start: &Start, mode: Mode, i: usize) -> Option<Best> {
        let mut best: Option<Best> = None;
        let mut consider = |b: Best| {
            let better = best.is_none_or(|o| {
                (b.total.cost, b.total.metres_cm) < (o.total.cost, o.total.metres_cm)
            });
            if better {
                best = Some(b);
            }
        };
        for (k, pj) in self.place_joins(i, mode).iter().enumerate() {
            let edge = &self.network.graph().edges[pj.edge.index()];
            let len = self.network.edge_length_m(pj.edge);
            let leg = Stretch::leg(mode, pj.distance_m);
            for (j, oj) in start.joins.iter().enumerate() {
                if oj.edge != pj.edge {
                    continue;
                }
                let forward = pj.offset_m >= oj.offset_m;
                let along_m = (pj.offset_m - oj.offset_m).abs();
                if let Some(gait) = Gait::along(edge.access, mode, forward, along_m) {
                    let along = Stretch::along(mode, gait, along_m);
                    consider(Best {
                        place_join: k,
                        via: Via::Direct { join: j },
                        total: Stretch::leg(mode, oj.distance_m).then(along).then(leg),
                        push_start_cm: 0,
                        push_end_cm: along.pushed_cm,
                    });
                }
            }
            for (node, forward, along_m) in [
                (edge.from, true, pj.offset_m),
                (edge.to, false, len - pj.offset_m),
            ] {
                let cost = router.cost_cm(node);
                let Some(gait) = Gait::along(edge.access, mode, forward, along_m) else {
                    continue;
                };
                let Some(departure) = start.departures.get(router.seed_of(node)) else {
                    continue;
                };
                if cost == UNREACHED {
                    continue;
                }
                // Between the seed and `node` everything is ridden: cost = length.
                let ridden = cost.saturating_sub(departure.stretch.cost);
                let network = Stretch {
                    cost: ridden,
                    metres_cm: ridden,
                    pushed_cm: 0,
                };
                let arrive = Stretch::along(mode, gait, along_m);
                consider(Best {
                    place_join: k,
                    via: Via::Node {
                        node,
                        forward,
                        departure: router.seed_of(node),
                    },
                    total: departure.stretch.then(network).then(arrive).then(leg),
                    push_start_cm: departure.stretch.pushed_cm,
                    push_end_cm: arrive.pushed_cm,
                });
            }
        }
        best
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
            let edge = &self.network.graph().edges[e.index()];
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
        mode: Mode,
        best: &Best,
    ) -> (Vec<LngLat>, Vec<RouteStretch>) {
        let net = &self.network;
        let pj = self.place_joins(service, mode)[best.place_join];
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
            .extend([pj.point, self.bundle.services[service].location]);
        line.points.dedup();
        (line.points, line.stretches)
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
    reaches.sort_by(|a, b| match (a.time_s, b.time_s) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.service.cmp(&b.service)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a
            .straight_m
            .total_cmp(&b.straight_m)
            .then(a.service.cmp(&b.service)),
    });
}
