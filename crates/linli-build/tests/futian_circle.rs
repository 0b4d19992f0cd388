//! The service circle on the real Futian extract: the one multi-source coverage search equals
//! one search per service (brute force), and isochrone bands nest.

use std::path::Path;

use linli_build::{build, BuildOptions};
use linli_core::circle::{coverage, isochrone, search_to_services, services_of};
use linli_core::{Crs, Finder, Kind, LngLat, Mode, NodeId};

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

#[test]
fn coverage_equals_one_search_per_service_on_futian() {
    let finder = futian();
    let n = finder.network().node_count();
    let mut multi = finder.router();
    let mut single = finder.router();
    for mode in Mode::ALL {
        for kind in Kind::ALL {
            let services = services_of(&finder, kind, None);
            assert!(!services.is_empty());
            search_to_services(&finder, &mut multi, mode, &services);
            let mut best = vec![u32::MAX; n];
            for &s in &services {
                search_to_services(&finder, &mut single, mode, &[s]);
                for (v, b) in best.iter_mut().enumerate() {
                    *b = (*b).min(single.cost_cm(NodeId(v as u32)));
                }
            }
            for (v, b) in best.iter().enumerate() {
                assert_eq!(
                    multi.cost_cm(NodeId(v as u32)),
                    *b,
                    "{mode} {kind} node {v}"
                );
            }
            let cov = coverage(&finder, &mut multi, mode, &services, &[5.0, 10.0, 15.0]);
            assert!(
                cov.share(0) <= cov.share(1) && cov.share(1) <= cov.share(2) && cov.share(2) <= 1.0
            );
            // The longest time bounds the shares: if every reachable point is within 15
            // minutes, all but the unreachable length counts as within 15.
            let max = cov.max_minutes.expect("some street reaches a service");
            let reachable = 1.0 - cov.unreachable_m / cov.street_m;
            if max <= 15.0 {
                assert!((cov.share(2) - reachable).abs() < 1e-9, "{mode} {kind}");
            } else {
                assert!(cov.share(2) < reachable, "{mode} {kind}");
            }
        }
    }
}

#[test]
fn isochrone_bands_nest_on_futian() {
    let finder = futian();
    let mut router = finder.router();
    for mode in Mode::ALL {
        let iso = isochrone(
            &finder,
            &mut router,
            LngLat::new(114.02, 22.535),
            mode,
            &[5.0, 10.0, 15.0],
        )
        .expect("origin snaps");
        let lengths: Vec<f64> = (0..3).map(|b| iso.band_length_m(b)).collect();
        assert!(lengths.iter().all(|l| *l > 0.0), "{mode}: {lengths:?}");
        // Reachable street length grows roughly with the square of the time, never shrinks.
        let cumulative: Vec<f64> = (0..3).map(|b| lengths[..=b].iter().sum()).collect();
        assert!(
            cumulative[0] < cumulative[1] && cumulative[1] < cumulative[2],
            "{mode}"
        );
    }
}

/// `worst_served` takes the worst segments from a heap; the oracle sorts them all (worst first,
/// ties to the lower edge id) and keeps the first of each street name.
#[test]
fn worst_served_equals_a_full_sort_on_futian() {
    let finder = futian();
    let net = finder.network();
    let mut router = finder.router();
    for mode in Mode::ALL {
        for kind in Kind::ALL {
            let services = services_of(&finder, kind, None);
            let cov = coverage(&finder, &mut router, mode, &services, &[5.0, 10.0, 15.0]);
            let mut sorted: Vec<_> = cov.edges.iter().filter(|e| e.length_m >= 20.0).collect();
            sorted.sort_by(|a, b| {
                let key =
                    |e: &&linli_core::circle::EdgeCoverage| e.max_minutes.unwrap_or(f64::INFINITY);
                key(b).total_cmp(&key(a)).then(a.edge.cmp(&b.edge))
            });
            let mut seen = std::collections::HashSet::new();
            let oracle: Vec<_> = sorted
                .into_iter()
                .filter(|e| {
                    net.edge_name(e.edge)
                        .is_none_or(|s| seen.insert(s.to_string()))
                })
                .take(10)
                .map(|e| (e.edge, e.max_minutes))
                .collect();
            let got: Vec<_> = cov
                .worst_served(net, 10)
                .into_iter()
                .map(|w| (w.edge, w.minutes))
                .collect();
            assert_eq!(got, oracle, "{mode} {kind}");
            assert_eq!(got.len(), 10, "{mode} {kind}");
        }
    }
}
