//! The joining rule and the e-bike's pushed metres on small hand-made streets with known
//! answers. Positions are given in metres east/north of a point in Futian and converted with the
//! local projection, so the expected lengths can be read off the drawing below.
//!
//! ```text
//!   D (0,300) ───────── C (200,300)        D–C, A–D, A–B: two-way residential
//!   │                   │                  C→B: one-way (oneway=yes, drawn from C to B)
//!   │                   ↓
//!   A (0,0) ─────────── B (200,0)
//! ```

use crate::bundle::Bundle;
use crate::finder::{Finder, Reach};
use crate::geom::{BBox, LngLat, LocalProjection};
use crate::graph::{Edge, EdgeId, NodeId, RoadClass, ShapeRange, StreetGraph};
use crate::profile::{Access, Mode};
use crate::service::{Amenities, Kind, Service};

const CENTRE: LngLat = LngLat::new(114.02, 22.53);

fn at(x: f64, y: f64) -> LngLat {
    let p = LocalProjection::new(CENTRE).unproject([x, y]);
    LngLat::from_e6(p.to_e6())
}

fn two_way() -> Access {
    Mode::ALL
        .into_iter()
        .fold(Access::NONE, |a, m| a.with(m, true, true))
}

/// Walkers both ways, e-bikes only as drawn.
fn one_way() -> Access {
    two_way().with(Mode::Ebike, true, false)
}

fn place(id: &str, location: LngLat) -> Service {
    Service {
        id: id.into(),
        name: id.into(),
        kind: Kind::RestStop,
        location,
        address: String::new(),
        opening_hours: String::new(),
        amenities: Amenities::EMPTY,
        phone: String::new(),
        floor: None,
        notes: String::new(),
        price: String::new(),
    }
}

/// The block in the drawing, with `places`.
fn block(places: Vec<Service>) -> Finder {
    let nodes = [
        at(0.0, 0.0),
        at(200.0, 0.0),
        at(200.0, 300.0),
        at(0.0, 300.0),
    ];
    let edge = |from: u32, to: u32, access: Access| Edge {
        from: NodeId(from),
        to: NodeId(to),
        shape: ShapeRange::default(),
        access,
        class: RoadClass::Minor,
        name: None,
    };
    let graph = StreetGraph {
        nodes: nodes.iter().map(|p| p.to_e6()).collect(),
        // A–B, C→B, D–C, A–D
        edges: vec![
            edge(0, 1, two_way()),
            edge(2, 1, one_way()),
            edge(3, 2, two_way()),
            edge(0, 3, two_way()),
        ],
        shape_points: Vec::new(),
        names: Vec::new(),
    };
    let bbox = BBox::around(nodes).expect("nodes");
    Finder::new(Bundle {
        name: "block".into(),
        build_date: "2026-01-01".into(),
        attribution: String::new(),
        bbox,
        hours: crate::Timetable::without_hours(places.len()),
        services: places,
        graph,
        readings: Default::default(),
    })
}

fn reach(finder: &Finder, origin: LngLat, mode: Mode, id: &str) -> Reach {
    let mut router = finder.router();
    let i = finder
        .services()
        .iter()
        .position(|s| s.id == id)
        .expect("place");
    let r = finder
        .nearest(&mut router, origin, mode, |_| true)
        .expect("origin joins")
        .into_iter()
        .find(|r| r.service == i)
        .expect("listed");
    // The drawn route is the reported one.
    if r.route_m.is_some() {
        let route = finder
            .route(&mut router, origin, mode, i)
            .expect("query")
            .expect("reachable");
        assert_eq!(Some(route.route_m), r.route_m);
        assert_eq!(Some(route.time_s), r.time_s);
        assert_eq!(
            (route.push_start_m, route.push_end_m),
            (r.push_start_m, r.push_end_m)
        );
        crate::oracle_tests::check_route_line(&route, origin, finder.services()[i].location);
    }
    r
}

fn near(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn corner_place_is_reached_by_either_street() {
    // 6 m from the one-way C→B, 10 m from the two-way A–B: the bug report's rest stop at the
    // corner, which the e-bike used to reach round the block (A, D, C, then down C→B).
    let f = block(vec![place("corner", at(194.0, 10.0))]);
    let joins = f.place_joins(0, Mode::Ebike);
    assert_eq!(
        joins.iter().map(|j| j.edge).collect::<Vec<_>>(),
        vec![EdgeId(1), EdgeId(0)],
        "both streets at the corner are candidates, nearest first"
    );
    // From the two-way street's west end: along A–B, then 10 m on foot.
    let r = reach(&f, at(50.0, -2.0), Mode::Ebike, "corner");
    let m = r.route_m.expect("reachable");
    assert!(near(m, 2.0 + 144.0 + 10.0, 0.2), "{m}");
    let ride_and_walk_s = 144.0 / Mode::Ebike.speed_mps() + 12.0 / Mode::Ebike.foot_speed_mps();
    assert!(near(r.time_s.expect("time"), ride_and_walk_s, 0.1));
    assert_eq!((r.push_start_m, r.push_end_m), (0.0, 0.0));
    // From up the one-way street: down it, 6 m on foot.
    let r = reach(&f, at(203.0, 200.0), Mode::Ebike, "corner");
    let m = r.route_m.expect("reachable");
    assert!(near(m, 3.0 + 190.0 + 6.0, 0.2), "{m}");
}

#[test]
fn the_last_metres_against_a_one_way_street_are_pushed() {
    // 8 m east of C→B, 30 m up from B; the two-way A–B is 30 m away, not a candidate.
    let f = block(vec![place("up-the-one-way", at(208.0, 30.0))]);
    assert_eq!(f.place_joins(0, Mode::Ebike).len(), 1);
    let r = reach(&f, at(50.0, -2.0), Mode::Ebike, "up-the-one-way");
    assert!(near(r.push_end_m, 30.0, 0.1), "{r:?}");
    assert_eq!(r.push_start_m, 0.0);
    let m = r.route_m.expect("reachable");
    assert!(near(m, 2.0 + 150.0 + 30.0 + 8.0, 0.2), "{m}");
    let t = 150.0 / Mode::Ebike.speed_mps() + (2.0 + 30.0 + 8.0) / Mode::Ebike.foot_speed_mps();
    assert!(near(r.time_s.expect("time"), t, 0.1), "{r:?}");
    // Walkers are not bound by the one-way: nothing is "pushed".
    let r = reach(&f, at(50.0, -2.0), Mode::Walk, "up-the-one-way");
    assert_eq!((r.push_start_m, r.push_end_m), (0.0, 0.0));
    // 60 m up is too far to push: round the block (A, D, C, then down), not along A–B.
    let f = block(vec![place("far-up", at(208.0, 60.0))]);
    let r = reach(&f, at(50.0, -2.0), Mode::Ebike, "far-up");
    assert_eq!(r.push_end_m, 0.0);
    assert!(near(
        r.route_m.expect("reachable"),
        2.0 + 50.0 + 300.0 + 200.0 + 240.0 + 8.0,
        0.3
    ));
}

#[test]
fn the_first_metres_against_a_one_way_street_are_pushed() {
    // Start 5 m west of C→B, 40 m below C; the place is near D.
    let f = block(vec![place("near-d", at(10.0, 305.0))]);
    let r = reach(&f, at(195.0, 260.0), Mode::Ebike, "near-d");
    assert!(near(r.push_start_m, 40.0, 0.1), "{r:?}");
    assert!(near(
        r.route_m.expect("reachable"),
        5.0 + 40.0 + 190.0 + 5.0,
        0.2
    ));
}

#[test]
fn origin_and_place_on_one_street_push_between_them() {
    // Both by C→B, the place 30 m upstream of the start.
    let f = block(vec![place("upstream", at(204.0, 130.0))]);
    let r = reach(&f, at(196.0, 100.0), Mode::Ebike, "upstream");
    assert!(near(r.push_end_m, 30.0, 0.1), "{r:?}");
    assert!(near(r.route_m.expect("reachable"), 4.0 + 30.0 + 4.0, 0.2));
}

#[test]
fn a_point_on_a_junction_joins_every_street_there() {
    // Exactly on A: A–B and A–D meet there.
    let f = block(vec![place("at-a", at(0.0, 0.0))]);
    let joins = f.place_joins(0, Mode::Walk);
    let mut edges: Vec<EdgeId> = joins.iter().map(|j| j.edge).collect();
    edges.sort();
    assert_eq!(edges, vec![EdgeId(0), EdgeId(3)]);
    assert!(joins
        .iter()
        .all(|j| j.distance_m < 0.01 && j.offset_m < 0.01));
    // Exactly on B: A–B and C→B meet there; the e-bike may use both.
    let origin_joins = f.join_origin(at(200.0, 0.0), Mode::Ebike).expect("joins");
    let mut edges: Vec<EdgeId> = origin_joins.iter().map(|j| j.edge).collect();
    edges.sort();
    assert_eq!(edges, vec![EdgeId(0), EdgeId(1)]);
    // From B to A by e-bike: straight along A–B, 200 m.
    let r = reach(&f, at(200.0, 0.0), Mode::Ebike, "at-a");
    assert!(near(r.route_m.expect("reachable"), 200.0, 0.2), "{r:?}");
}

#[test]
fn candidates_follow_the_slack_and_the_cap() {
    // 30 m below A–B: A–D comes within 46 m (at A), inside both 30 + 20 and 50 m, so both
    // join; C→B is far.
    let f = block(vec![
        place("below", at(35.0, -30.0)),
        place("farther", at(60.0, -45.0)),
    ]);
    let below: Vec<EdgeId> = f
        .place_joins(0, Mode::Walk)
        .iter()
        .map(|j| j.edge)
        .collect();
    assert_eq!(below, vec![EdgeId(0), EdgeId(3)]);
    // 45 m below A–B and 75 m from A: A–D is beyond the 50 m cap.
    let farther: Vec<EdgeId> = f
        .place_joins(1, Mode::Walk)
        .iter()
        .map(|j| j.edge)
        .collect();
    assert_eq!(farther, vec![EdgeId(0)]);
}
