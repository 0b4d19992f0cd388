//! "Which service is nearest to me?": the queries the app and the CLI both answer, through the
//! same functions.
//!
//! A query snaps the origin onto the nearest street the mode may use, runs one bounded
//! Dijkstra search from both ends of that edge, and reads every service's distance off the
//! two ends of the edge the service is snapped to.
//!
//! # Units
//! Route and straight-line distances are metres; times are seconds at the mode's speed
//! ([`Mode::speed_mps`]). A route's length includes the straight legs from the origin to its
//! street and from the street to the service.

use crate::bundle::Bundle;
use crate::geom::LngLat;
use crate::graph::{EdgeId, NodeId};
use crate::network::{meters_to_cm, Network, Snap};
use crate::profile::Mode;
use crate::router::{Router, Seed, NO_PRED, UNREACHED};
use crate::service::Service;

/// How far from a street a starting point may be, in metres.
pub const MAX_ORIGIN_SNAP_M: f64 = 1_000.0;
/// How far from a street a service may be and still be routed to, in metres.
pub const MAX_SERVICE_SNAP_M: f64 = 500.0;

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
    /// Route length in metres, `None` when the service cannot be reached in this mode.
    pub route_m: Option<f64>,
    /// Travel time in seconds at the mode's speed, `None` when unreachable.
    pub time_s: Option<f64>,
    /// Great-circle distance in metres.
    pub straight_m: f64,
}

/// A route to one service, for drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Index of the service.
    pub service: usize,
    /// The line from the origin to the service, in travel order.
    pub points: Vec<LngLat>,
    /// Route length in metres (equal to the [`Reach::route_m`] of the same query).
    pub route_m: f64,
    /// Travel time in seconds.
    pub time_s: f64,
}

/// A bundle made ready for queries: the network derived, every service snapped for every mode.
#[derive(Debug, Clone)]
pub struct Finder {
    bundle: Bundle,
    network: Network,
    service_snaps: [Vec<Option<Snap>>; 3],
}

impl Finder {
    /// Derives the network and snaps the services.
    pub fn new(bundle: Bundle) -> Finder {
        let network = Network::new(bundle.graph.clone());
        let service_snaps = Mode::ALL.map(|mode| {
            bundle
                .services
                .iter()
                .map(|s| network.snap(s.location, mode, MAX_SERVICE_SNAP_M))
                .collect()
        });
        Finder {
            bundle,
            network,
            service_snaps,
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

    /// Where service `i` joins the network in `mode`, if it is near a usable street.
    pub fn service_snap(&self, i: usize, mode: Mode) -> Option<Snap> {
        self.service_snaps[mode.index()].get(i).copied().flatten()
    }

    /// A fresh router sized for this network.
    pub fn router(&self) -> Router {
        Router::new(self.network.node_count())
    }

    /// Snaps a starting point for `mode`.
    pub fn snap_origin(&self, origin: LngLat, mode: Mode) -> Result<Snap, QueryError> {
        if !origin.is_valid() {
            return Err(QueryError::InvalidOrigin {
                lng: origin.lng,
                lat: origin.lat,
            });
        }
        self.network
            .snap(origin, mode, MAX_ORIGIN_SNAP_M)
            .ok_or(QueryError::NoStreetNearby {
                mode,
                max_m: MAX_ORIGIN_SNAP_M,
            })
    }

    /// The distance from `origin` to every service that `include` accepts, nearest first by
    /// route length; unreachable services come last, ordered by straight-line distance.
    /// One search serves all services.
    pub fn nearest(
        &self,
        router: &mut Router,
        origin: LngLat,
        mode: Mode,
        include: impl Fn(&Service) -> bool,
    ) -> Result<Vec<Reach>, QueryError> {
        let snap = self.snap_origin(origin, mode)?;
        let chosen: Vec<usize> = (0..self.bundle.services.len())
            .filter(|i| include(&self.bundle.services[*i]))
            .collect();
        let mut targets = Vec::with_capacity(chosen.len() * 2);
        for &i in &chosen {
            if let Some(s) = self.service_snap(i, mode) {
                let e = &self.network.graph().edges[s.edge.index()];
                targets.push(e.from);
                targets.push(e.to);
            }
        }
        self.search(router, &snap, mode, &targets);
        let mut out: Vec<Reach> = chosen
            .into_iter()
            .map(|i| self.reach(router, origin, &snap, mode, i))
            .collect();
        sort_reaches(&mut out);
        Ok(out)
    }

    /// The route from `origin` to service `service` in `mode`, or `None` if unreachable.
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
        let snap = self.snap_origin(origin, mode)?;
        let Some(target) = self.service_snap(service, mode) else {
            return Ok(None);
        };
        let te = self.network.graph().edges[target.edge.index()];
        self.search(router, &snap, mode, &[te.from, te.to]);
        let reach = self.reach(router, origin, &snap, mode, service);
        let (Some(route_m), Some(time_s)) = (reach.route_m, reach.time_s) else {
            return Ok(None);
        };
        let Some(via) = self.best_entry(router, &snap, &target, mode) else {
            return Ok(None);
        };
        let location = self.bundle.services[service].location;
        let mut points = vec![origin, snap.point];
        match via {
            Entry::SameEdge => {
                points.extend(
                    self.network
                        .edge_slice(snap.edge, snap.offset_m, target.offset_m),
                );
            }
            Entry::FromNode(node) => {
                let mut edges = Vec::new();
                let mut v = node;
                loop {
                    let p = router.pred(v);
                    if p == NO_PRED {
                        break;
                    }
                    let e = EdgeId(p >> 1);
                    let reversed = p & 1 == 1;
                    edges.push((e, reversed));
                    let edge = &self.network.graph().edges[e.index()];
                    v = if reversed { edge.to } else { edge.from };
                }
                edges.reverse();
                // The first leg: from the origin's landing point to the seed node `v`.
                let origin_edge = &self.network.graph().edges[snap.edge.index()];
                let end = if v == origin_edge.from {
                    0.0
                } else {
                    self.network.edge_length_m(snap.edge)
                };
                points.extend(self.network.edge_slice(snap.edge, snap.offset_m, end));
                for (e, reversed) in edges {
                    let len = self.network.edge_length_m(e);
                    let (a, b) = if reversed { (len, 0.0) } else { (0.0, len) };
                    points.extend(self.network.edge_slice(e, a, b));
                }
                let target_edge = &self.network.graph().edges[target.edge.index()];
                let start = if node == target_edge.from {
                    0.0
                } else {
                    self.network.edge_length_m(target.edge)
                };
                points.extend(self.network.edge_slice(target.edge, start, target.offset_m));
            }
        }
        points.push(target.point);
        points.push(location);
        points.dedup();
        Ok(Some(Route {
            service,
            points,
            route_m,
            time_s,
        }))
    }

    /// Seeds the search at both ends of the origin's edge, as far as the mode may travel.
    fn search(&self, router: &mut Router, snap: &Snap, mode: Mode, targets: &[NodeId]) {
        let edge = &self.network.graph().edges[snap.edge.index()];
        let len = self.network.edge_length_m(snap.edge);
        let mut seeds = Vec::with_capacity(2);
        if edge.access.backward(mode) {
            seeds.push(Seed {
                node: edge.from,
                cost_cm: meters_to_cm(snap.offset_m),
                tag: 0,
            });
        }
        if edge.access.forward(mode) {
            seeds.push(Seed {
                node: edge.to,
                cost_cm: meters_to_cm(len - snap.offset_m),
                tag: 0,
            });
        }
        router.run(
            self.network.adjacency(mode),
            self.network.node_count(),
            &seeds,
            targets,
            UNREACHED - 1,
        );
    }

    /// The network cost (centimetres) from the origin's landing point to the service's landing
    /// point, and how the best path enters the service's edge.
    fn best_entry_cost(
        &self,
        router: &Router,
        origin: &Snap,
        target: &Snap,
        mode: Mode,
    ) -> Option<(u32, Entry)> {
        let edge = &self.network.graph().edges[target.edge.index()];
        let len = self.network.edge_length_m(target.edge);
        let mut best: Option<(u32, Entry)> = None;
        let mut consider = |cost: u32, entry: Entry| {
            if cost != UNREACHED && best.is_none_or(|(b, _)| cost < b) {
                best = Some((cost, entry));
            }
        };
        if target.edge == origin.edge {
            let forward_ok = edge.access.forward(mode) && target.offset_m >= origin.offset_m;
            let backward_ok = edge.access.backward(mode) && target.offset_m <= origin.offset_m;
            if forward_ok || backward_ok {
                consider(
                    meters_to_cm((target.offset_m - origin.offset_m).abs()),
                    Entry::SameEdge,
                );
            }
        }
        if edge.access.forward(mode) {
            let d = router.cost_cm(edge.from);
            if d != UNREACHED {
                consider(
                    d.saturating_add(meters_to_cm(target.offset_m)),
                    Entry::FromNode(edge.from),
                );
            }
        }
        if edge.access.backward(mode) {
            let d = router.cost_cm(edge.to);
            if d != UNREACHED {
                consider(
                    d.saturating_add(meters_to_cm(len - target.offset_m)),
                    Entry::FromNode(edge.to),
                );
            }
        }
        best
    }

    fn best_entry(
        &self,
        router: &Router,
        origin: &Snap,
        target: &Snap,
        mode: Mode,
    ) -> Option<Entry> {
        self.best_entry_cost(router, origin, target, mode)
            .map(|(_, e)| e)
    }

    fn reach(&self, router: &Router, origin: LngLat, snap: &Snap, mode: Mode, i: usize) -> Reach {
        let service = &self.bundle.services[i];
        let straight_m = origin.distance_m(service.location);
        let route_m = self.service_snap(i, mode).and_then(|target| {
            self.best_entry_cost(router, snap, &target, mode)
                .map(|(cm, _)| snap.distance_m + f64::from(cm) / 100.0 + target.distance_m)
        });
        Reach {
            service: i,
            route_m,
            time_s: route_m.map(|m| m / mode.speed_mps()),
            straight_m,
        }
    }
}

/// How the best path reaches a service's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// Along the origin's own edge.
    SameEdge,
    /// Through this end node of the service's edge.
    FromNode(NodeId),
}

/// Nearest first by route; unreachable last by straight line; ties by service index.
pub fn sort_reaches(reaches: &mut [Reach]) {
    reaches.sort_by(|a, b| match (a.route_m, b.route_m) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.service.cmp(&b.service)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a
            .straight_m
            .total_cmp(&b.straight_m)
            .then(a.service.cmp(&b.service)),
    });
}
