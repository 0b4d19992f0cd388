//! The benchmark graph generator (`benches/common/scale.rs`): its tiled and grid cities are
//! connected and have the sizes the benchmarks report, and its many-places bundle is the one
//! the browser benchmark builds.

#[path = "../benches/common/scale.rs"]
mod scale;

use linli_core::{Finder, Kind, LngLat, Mode};
use scale::{grid_city, many_places, one_street, tile};

fn template() -> linli_core::Service {
    linli_core::Service {
        id: String::new(),
        name: "s".into(),
        kind: Kind::Centre,
        location: LngLat::default(),
        address: String::new(),
        opening_hours: String::new(),
        amenities: linli_core::Amenities::EMPTY,
        phone: String::new(),
        floor: None,
        notes: String::new(),
        price: String::new(),
    }
}

#[test]
fn grid_city_distances_are_manhattan() {
    let b = grid_city(10, 7, &template());
    assert_eq!(b.graph.nodes.len(), 100);
    assert_eq!(b.graph.edges.len(), 2 * 10 * 9);
    let f = Finder::new(b);
    let mut r = f.router();
    let origin = LngLat::from_e6([113_000_000, 22_000_000]);
    let res = f
        .nearest(&mut r, origin, Mode::Walk, |_| true)
        .expect("query");
    assert!(
        res.iter().all(|x| x.route_m.is_some()),
        "one connected city"
    );
}

#[test]
fn tiles_are_stitched_into_one_city() {
    let one = grid_city(6, 5, &template());
    let four = tile(&one, 2);
    assert_eq!(four.graph.nodes.len(), 4 * 36);
    assert_eq!(four.services.len(), 4 * one.services.len());
    assert!(four.graph.validate().is_ok());
    let f = Finder::new(four);
    let mut r = f.router();
    let res = f
        .nearest(
            &mut r,
            LngLat::from_e6([113_000_000, 22_000_000]),
            Mode::Walk,
            |_| true,
        )
        .expect("query");
    assert!(
        res.iter().all(|x| x.route_m.is_some()),
        "every tile reachable"
    );
}

#[test]
fn one_street_has_its_places_beside_it() {
    let b = one_street(1_000, &template());
    assert_eq!((b.graph.nodes.len(), b.graph.edges.len()), (2, 1));
    assert!(b.graph.validate().is_ok());
    let f = Finder::new(b);
    // Every place joins the one street, within 20 m.
    for i in 0..f.services().len() {
        let joins = f.place_joins(i, Mode::Walk);
        assert_eq!(joins.len(), 1);
        assert!(joins[0].distance_m < 20.0);
    }
}

#[test]
fn many_places_moves_the_copies_as_the_browser_benchmark_does() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (futian, _, _) = linli_build::build(&linli_build::BuildOptions {
        osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
        services: root.join("data/sample/futian-services.csv"),
        services_crs: linli_core::Crs::Wgs84,
        name: None,
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    })
    .expect("sample builds");
    let b = many_places(&futian, 10_000);
    assert_eq!(b.services.len(), 10_000);
    assert_eq!(b.hours.plans().len(), 10_000);
    // As `manyPlaces(10000)` in tests/e2e/bundles.mjs writes them (printed by node).
    for (i, id, lng, lat) in [
        (0, "xmh-centre", 114_014_849, 22_544_222),
        (45, "xmh-centre~1", 114_014_822, 22_543_373),
        (46, "shatou-centre~1", 114_030_978, 22_524_261),
        (9999, "xiangmi-centre~222", 114_029_301, 22_546_372),
    ] {
        assert_eq!(b.services[i].id, id);
        assert_eq!(b.services[i].location.to_e6(), [lng, lat], "{id}");
    }
}
