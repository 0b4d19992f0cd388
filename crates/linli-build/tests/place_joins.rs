//! Joining every place in all three modes at once (what a bundle does on load, and what
//! `linli build` stores in tiles: `place_joins_of`) gives exactly the streets the joining rule
//! gives mode by mode (`Network::join`, the origin's rule), on the real extracts, for places
//! on streets, beside them, in the middle of blocks and far from any street. Prints its seed.

use std::path::{Path, PathBuf};

use linli_build::{build, BuildOptions};
use linli_core::finder::place_joins_of;
use linli_core::geom::LocalProjection;
use linli_core::join::MAX_PLACE_JOIN_M;
use linli_core::tiles::mode_bit;
use linli_core::{Bundle, Crs, EdgeId, LngLat, Mode, Network, Service};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn streets(osm: &str) -> Bundle {
    let (bundle, _, _) = build(&BuildOptions {
        osm: root().join("data/osm").join(osm),
        services: root().join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: None,
        build_date: "2026-11-22".into(),
        skip_invalid: true,
    })
    .expect("extract builds");
    bundle
}

/// SplitMix64.
fn next(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// `n` places: a fifth exactly on a junction or a street, the rest 0–700 m from one.
fn places(seed: u64, net: &Network, n: usize) -> Vec<Service> {
    let mut s = seed;
    let g = net.graph();
    let template = Service {
        id: String::new(),
        name: String::new(),
        kind: linli_core::Kind::ALL[0],
        location: LngLat::default(),
        address: String::new(),
        opening_hours: String::new(),
        amenities: linli_core::Amenities::EMPTY,
        phone: String::new(),
        floor: None,
        notes: String::new(),
        price: String::new(),
    };
    (0..n)
        .map(|i| {
            let pick = |s: &mut u64, len: usize| ((next(s) * len as f64) as usize).min(len - 1);
            let on = if i % 10 == 0 {
                LngLat::from_e6(g.nodes[pick(&mut s, g.nodes.len())])
            } else {
                let e = EdgeId(pick(&mut s, g.edges.len()) as u32);
                net.point_at(e, next(&mut s) * net.edge_length_m(e))
            };
            let off = if i % 5 == 0 {
                0.0
            } else {
                next(&mut s).powi(2) * 700.0
            };
            let a = next(&mut s) * std::f64::consts::TAU;
            let at = LocalProjection::new(on).unproject([off * a.cos(), off * a.sin()]);
            Service {
                id: format!("p{i}"),
                location: LngLat::from_e6(at.to_e6()),
                ..template.clone()
            }
        })
        .collect()
}

fn check(osm: &str, seed: u64) {
    println!("{osm}: seed {seed}");
    let bundle = streets(osm);
    let net = Network::new(bundle.graph.clone());
    let places = places(seed, &net, 3_000);
    let got = place_joins_of(&net, &places);
    let mut expected: Vec<(u32, u32, u8)> = Vec::new();
    for (i, p) in places.iter().enumerate() {
        for mode in Mode::ALL {
            for s in net.join(p.location, mode, MAX_PLACE_JOIN_M) {
                expected.push((s.edge.0, i as u32, mode_bit(mode)));
            }
        }
    }
    expected.sort_unstable();
    let mut merged: Vec<(u32, u32, u8)> = Vec::new();
    for (e, p, m) in expected {
        match merged.last_mut() {
            Some(last) if (last.0, last.1) == (e, p) => last.2 |= m,
            _ => merged.push((e, p, m)),
        }
    }
    let got: Vec<(u32, u32, u8)> = got.iter().map(|j| (j.edge, j.place, j.modes)).collect();
    assert_eq!(got.len(), merged.len(), "{osm}");
    for (g, m) in got.iter().zip(&merged) {
        assert_eq!(g, m, "{osm}: edge {} place {}", m.0, m.1);
    }
    // The cases are there: places joined to several streets, and places joined in no mode.
    let joined: std::collections::BTreeSet<u32> = got.iter().map(|j| j.1).collect();
    assert!(got.len() > places.len() * 2, "{osm}: {} joins", got.len());
    assert!(joined.len() < places.len(), "{osm}: every place joined");
}

#[test]
fn joining_all_modes_at_once_matches_each_mode_on_futian() {
    check("shenzhen-futian.osm.pbf", 20_261_122);
}

#[test]
fn joining_all_modes_at_once_matches_each_mode_on_helsinki() {
    check("helsinki.osm.pbf", 20_261_123);
}
