//! Criterion benchmarks of the builder and the routing core, on Futian and on larger graphs,
//! with petgraph's Dijkstra and fast_paths (contraction hierarchies) on the same graphs.
//!
//! Run: `cargo bench -p linli-build --bench routing` (results in docs/BENCHMARKS.md).
//! `LINLI_BENCH_MAX_TILES` caps the tiled sizes (default 256 tiles, ~440k nodes).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use linli_build::{build, BuildOptions};

// `many_places` is for the prepare bench.
#[allow(dead_code)]
#[path = "common/scale.rs"]
mod scale;
use linli_core::circle::CIRCLE_MINUTES;
use linli_core::{Bundle, Crs, Finder, LngLat, Mode, NodeId, Snap};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn options(osm: &str) -> BuildOptions {
    BuildOptions {
        osm: root().join("data/osm").join(osm),
        services: root().join("data/sample/futian-services.csv"),
        services_crs: Crs::Wgs84,
        name: Some("Futian".into()),
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    }
}

fn futian() -> (Bundle, Vec<u8>) {
    let (bundle, bytes, _) = build(&options("shenzhen-futian.osm.pbf")).expect("sample builds");
    (bundle, bytes)
}

/// Chegongmiao, in the middle of the extract.
const ORIGIN: LngLat = LngLat::new(114.02, 22.535);

fn bench_futian(c: &mut Criterion) {
    let (bundle, bytes) = futian();
    let mut g = c.benchmark_group("futian");
    g.bench_function("build_from_pbf", |b| {
        b.iter(|| build(black_box(&options("shenzhen-futian.osm.pbf"))).expect("build"))
    });
    g.bench_function("build_from_xml", |b| {
        b.iter(|| build(black_box(&options("shenzhen-futian.osm"))).expect("build"))
    });
    g.bench_function("decode", |b| {
        b.iter(|| Bundle::decode(black_box(&bytes)).expect("decode"))
    });
    g.bench_function("prepare_finder", |b| {
        b.iter(|| Finder::new(black_box(bundle.clone())))
    });
    let finder = Finder::new(bundle);
    let bbox = finder.bundle().bbox;
    let points: Vec<LngLat> = (0..64)
        .map(|i| {
            let t = f64::from(i) / 64.0;
            LngLat::new(
                bbox.min.lng + (bbox.max.lng - bbox.min.lng) * ((t * 7.3) % 1.0),
                bbox.min.lat + (bbox.max.lat - bbox.min.lat) * ((t * 3.7) % 1.0),
            )
        })
        .collect();
    g.bench_function("join_64_points", |b| {
        b.iter(|| {
            for p in &points {
                black_box(finder.join_origin(*p, Mode::Walk).ok());
            }
        })
    });
    let mut router = finder.router();
    for mode in Mode::ALL {
        let n = finder
            .nearest(&mut router, ORIGIN, mode, |_| true)
            .expect("query")
            .len();
        assert_eq!(n, 45, "the bench answers over all 45 services");
        g.bench_function(BenchmarkId::new("nearest_all_services", mode), |b| {
            b.iter(|| {
                finder
                    .nearest(&mut router, black_box(ORIGIN), mode, |_| true)
                    .expect("query")
            })
        });
    }
    for mode in [Mode::Walk, Mode::Ebike] {
        g.bench_function(BenchmarkId::new("isochrone_5_10_15", mode), |b| {
            b.iter(|| {
                linli_core::circle::isochrone(
                    &finder,
                    &mut router,
                    black_box(ORIGIN),
                    mode,
                    &CIRCLE_MINUTES,
                )
                .expect("isochrone")
            })
        });
        let centres = linli_core::circle::services_of(&finder, linli_core::Kind::Centre, None);
        g.bench_function(BenchmarkId::new("coverage_centres", mode), |b| {
            b.iter(|| {
                linli_core::circle::coverage(
                    &finder,
                    &mut router,
                    mode,
                    black_box(&centres),
                    &CIRCLE_MINUTES,
                )
            })
        });
    }
    g.bench_function("route_to_nearest", |b| {
        let first = finder
            .nearest(&mut router, ORIGIN, Mode::Walk, |_| true)
            .expect("q")[0]
            .service;
        b.iter(|| {
            finder
                .route(&mut router, ORIGIN, Mode::Walk, first)
                .expect("route")
        })
    });
    g.finish();
}

/// (node id, initial weight in cm), as fast_paths takes sources and targets.
type Weighted = Vec<(usize, usize)>;

/// Sources (the ends of the origin's nearest street) and targets (the ends of every service's
/// candidate streets) as node ids with offsets in cm, ridden only, for the libraries that take
/// plain graphs (the comparison is of the graph search, not of the joining rule).
fn endpoints(finder: &Finder, origin: &Snap, mode: Mode) -> (Weighted, Weighted) {
    let net = finder.network();
    let edge = net.graph().edges[origin.edge.index()];
    let len = net.edge_length_m(origin.edge);
    let cm = |m: f64| (m * 100.0).round() as usize;
    let mut sources = Vec::new();
    if edge.access.backward(mode) {
        sources.push((edge.from.index(), cm(origin.offset_m)));
    }
    if edge.access.forward(mode) {
        sources.push((edge.to.index(), cm(len - origin.offset_m)));
    }
    let mut targets = Vec::new();
    for i in 0..finder.services().len() {
        for s in finder.place_joins(i, mode) {
            let e = net.graph().edges[s.edge.index()];
            let l = net.edge_length_m(s.edge);
            if e.access.forward(mode) {
                targets.push((e.from.index(), cm(s.offset_m)));
            }
            if e.access.backward(mode) {
                targets.push((e.to.index(), cm(l - s.offset_m)));
            }
        }
    }
    (sources, targets)
}

fn bench_scaled(c: &mut Criterion) {
    let (base, _) = futian();
    let max_tiles: u32 = std::env::var("LINLI_BENCH_MAX_TILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let mode = Mode::Walk;
    let mut sizes: Vec<(String, Bundle)> = [1u32, 2, 4, 8, 16]
        .into_iter()
        .filter(|k| k * k <= max_tiles)
        .map(|k| (format!("futian_x{}", k * k), scale::tile(&base, k)))
        .collect();
    if max_tiles >= 256 {
        sizes.push((
            "grid_1000x1000".into(),
            scale::grid_city(1000, 997, &base.services[0]),
        ));
    }
    let mut g = c.benchmark_group("scaled");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    for (name, bundle) in sizes {
        let finder = Finder::new(bundle);
        let net = finder.network();
        let n = net.node_count();
        let origin = finder.bundle().bbox.center();
        let snap = finder.join_origin(origin, mode).expect("centre joins")[0];
        let mut router = finder.router();
        let label = format!("{name}_{n}_nodes");
        eprintln!(
            "{label}: {} edges, {} services",
            net.graph().edges.len(),
            finder.services().len()
        );
        g.bench_function(
            BenchmarkId::new("linli_nearest_all_services", &label),
            |b| {
                b.iter(|| {
                    finder
                        .nearest(&mut router, black_box(origin), mode, |_| true)
                        .expect("q")
                })
            },
        );

        g.bench_function(BenchmarkId::new("linli_isochrone_5_10_15", &label), |b| {
            b.iter(|| {
                linli_core::circle::isochrone(
                    &finder,
                    &mut router,
                    black_box(origin),
                    mode,
                    &CIRCLE_MINUTES,
                )
                .expect("isochrone")
            })
        });
        let centres = linli_core::circle::services_of(&finder, linli_core::Kind::Centre, None);
        g.bench_function(BenchmarkId::new("linli_coverage_centres", &label), |b| {
            b.iter(|| {
                linli_core::circle::coverage(
                    &finder,
                    &mut router,
                    mode,
                    black_box(&centres),
                    &CIRCLE_MINUTES,
                )
            })
        });

        // The same graph in petgraph: full single-source Dijkstra from the origin's edge end.
        let adj = net.adjacency(mode);
        let mut pg = petgraph::Graph::<(), u32>::with_capacity(n, adj.arc_count());
        for _ in 0..n {
            pg.add_node(());
        }
        for v in 0..n {
            for a in adj.out(NodeId(v as u32)) {
                pg.add_edge(
                    petgraph::graph::NodeIndex::new(v),
                    petgraph::graph::NodeIndex::new(a.head.index()),
                    a.cost_cm,
                );
            }
        }
        let (sources, targets) = endpoints(&finder, &snap, mode);
        let start = petgraph::graph::NodeIndex::new(sources[0].0);
        g.bench_function(BenchmarkId::new("petgraph_dijkstra_full", &label), |b| {
            b.iter(|| petgraph::algo::dijkstra(&pg, black_box(start), None, |e| *e.weight()))
        });
        g.bench_function(BenchmarkId::new("linli_router_full", &label), |b| {
            let seeds = [linli_core::router::Seed {
                node: NodeId(sources[0].0 as u32),
                cost_cm: 0,
                tag: 0,
            }];
            b.iter(|| router.run(adj, n, black_box(&seeds), &[], u32::MAX - 1))
        });

        // fast_paths: preparation once (timed by hand, it is minutes on big graphs), then the
        // nearest-service query as one multi-target search, and all services one by one.
        if n <= 120_000 {
            let mut input = fast_paths::InputGraph::new();
            for v in 0..n {
                for a in adj.out(NodeId(v as u32)) {
                    input.add_edge(v, a.head.index(), a.cost_cm as usize);
                }
            }
            input.freeze();
            let t = Instant::now();
            let fg = fast_paths::prepare(&input);
            eprintln!(
                "{label}: fast_paths::prepare took {:.2} s",
                t.elapsed().as_secs_f64()
            );
            let mut calc = fast_paths::create_calculator(&fg);
            g.bench_function(BenchmarkId::new("fast_paths_nearest_one", &label), |b| {
                b.iter(|| {
                    calc.calc_path_multiple_sources_and_targets(
                        &fg,
                        sources.clone(),
                        targets.clone(),
                    )
                })
            });
            g.bench_function(BenchmarkId::new("fast_paths_each_service", &label), |b| {
                b.iter(|| {
                    for t in &targets {
                        black_box(calc.calc_path_multiple_sources_and_targets(
                            &fg,
                            sources.clone(),
                            vec![*t],
                        ));
                    }
                })
            });
        }
    }
    g.finish();
}

/// Issue 14: coverage with many places on one street (the per-street envelope was cubic in
/// places per street; now a sort and a sweep).
fn bench_one_street(c: &mut Criterion) {
    let (base, _) = futian();
    let mut g = c.benchmark_group("one_street");
    g.sample_size(10);
    for places in [300u32, 1_000, 3_000] {
        let finder = Finder::new(scale::one_street(places, &base.services[0]));
        let all: Vec<usize> = (0..finder.services().len()).collect();
        let mut router = finder.router();
        let cov =
            linli_core::circle::coverage(&finder, &mut router, Mode::Walk, &all, &CIRCLE_MINUTES);
        assert_eq!(cov.edges.len(), 1, "one street");
        g.bench_function(BenchmarkId::new("coverage_walk", places), |b| {
            b.iter(|| {
                linli_core::circle::coverage(
                    &finder,
                    &mut router,
                    Mode::Walk,
                    black_box(&all),
                    &CIRCLE_MINUTES,
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_futian, bench_one_street, bench_scaled);
criterion_main!(benches);
