//! Named regressions from issue 8 on the Futian sample (`data/osm/shenzhen-futian.osm.pbf` +
//! `data/sample/futian-services.csv`).

#[path = "../../linli-core/src/reference.rs"]
#[allow(dead_code)]
mod reference;

use std::path::Path;

use linli_build::{build, BuildOptions};
use linli_core::join::{MAX_ORIGIN_JOIN_M, MAX_PLACE_JOIN_M};
use linli_core::{Crs, Finder, LngLat, Mode};

fn futian() -> Finder {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (bundle, _, _) = build(&BuildOptions {
        osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
        services: root.join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: None,
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    })
    .expect("sample builds");
    Finder::new(bundle)
}

/// Issue 8: from 22.5405 N, 114.0235 E the Donghai canteen (97 m away in a straight line) was
/// 622 m on foot, drawn with two loops through the interchange, because the canteen was joined
/// only to the carriageway 16.5 m away. Joined to every street within 20 m of the nearest, the
/// canteen is reached along 香蜜湖路辅路 (the frontage road). The issue estimated 175–200 m
/// with the starting point joined to its nearest street only (190 m by the reference); the
/// starting point, 19.9 m from the same frontage road, joins it too, so the walk is 128.5 m:
/// 20 m across to the frontage road, 88.6 m along it, 20 m to the canteen.
#[test]
fn donghai_canteen_is_reached_along_the_frontage_road() {
    let finder = futian();
    let origin = LngLat::new(114.0235, 22.5405);
    let i = finder
        .services()
        .iter()
        .position(|s| s.id == "donghai-canteen")
        .expect("in the sample");
    let mut router = finder.router();
    let reach = finder
        .nearest(&mut router, origin, Mode::Walk, |_| true)
        .expect("origin joins")
        .into_iter()
        .find(|r| r.service == i)
        .expect("listed");
    let route_m = reach.route_m.expect("reachable");
    assert!(
        (120.0..=200.0).contains(&route_m),
        "{route_m} m (was 622 m)"
    );
    assert!(route_m >= reach.straight_m);

    // The independent reference agrees.
    let reference = reference::Reference::new(finder.network().graph());
    let want = reference.times(
        &reference.joins(origin, Mode::Walk, MAX_ORIGIN_JOIN_M),
        &[reference.joins(finder.services()[i].location, Mode::Walk, MAX_PLACE_JOIN_M)],
        Mode::Walk,
    )[0]
    .expect("reachable");
    assert!(
        (route_m - want.metres).abs() < 0.1,
        "{route_m} vs reference {}",
        want.metres
    );

    // The drawn line is that route: as long, no loop, no street twice, by the frontage road.
    let route = finder
        .route(&mut router, origin, Mode::Walk, i)
        .expect("query")
        .expect("reachable");
    assert_eq!(route.route_m, route_m);
    let drawn: f64 = route.points.windows(2).map(|w| w[0].distance_m(w[1])).sum();
    assert!((drawn - route_m).abs() < 0.3, "drawn {drawn} vs {route_m}");
    let mut vertices: Vec<[i64; 2]> = route
        .points
        .iter()
        .map(|p| [(p.lng * 1e7).round() as i64, (p.lat * 1e7).round() as i64])
        .collect();
    vertices.sort_unstable();
    let n = vertices.len();
    vertices.dedup();
    assert_eq!(vertices.len(), n, "a vertex repeated: {:?}", route.points);
    let mut edges: Vec<_> = route.stretches.iter().map(|s| s.edge).collect();
    edges.sort();
    edges.dedup();
    assert_eq!(edges.len(), route.stretches.len(), "a street twice");
    let graph = finder.network().graph();
    assert!(route
        .stretches
        .iter()
        .all(|s| graph.edge_name(s.edge) == Some("香蜜湖路辅路")));
}
