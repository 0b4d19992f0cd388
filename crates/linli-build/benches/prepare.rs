//! Criterion benchmarks of making a bundle with many places ready for queries (issue 14's
//! "a 10k-place bundle answers the first result in under 2 s"): the Futian streets with 10,000
//! and 100,000 places, generated exactly as the browser's "Large bundles" table generates them
//! (`scale::many_places`, the seeded copies of tests/e2e/bundles.mjs).
//!
//! Run: `cargo bench -p linli-build --bench prepare` (results in docs/BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use linli_core::{Bundle, FinderPrep, LngLat, Mode};

// Only `many_places` is used here.
#[allow(dead_code)]
#[path = "common/scale.rs"]
mod scale;

#[path = "common/sample.rs"]
mod sample;
use sample::futian;

/// Where the browser benchmark starts (`?lat=22.535&lng=114.02`, Chegongmiao).
const ORIGIN: LngLat = LngLat::new(114.02, 22.535);

fn bench_prepare(c: &mut Criterion) {
    let base = futian();
    let mut g = c.benchmark_group("prepare");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    for n in [10_000u32, 100_000] {
        let bundle = scale::many_places(&base, n);
        assert_eq!(bundle.services.len(), n as usize);
        let bytes = bundle.encode().expect("encodes");
        g.bench_with_input(BenchmarkId::new("decode", n), &bytes, |b, bytes| {
            b.iter(|| Bundle::decode(black_box(bytes)).expect("decode"))
        });
        g.bench_with_input(BenchmarkId::new("network", n), &bundle, |b, bundle| {
            b.iter_batched(
                || bundle.clone(),
                |bundle| FinderPrep::new(bundle).expect("valid"),
                BatchSize::LargeInput,
            )
        });
        let prep = FinderPrep::new(bundle.clone()).expect("valid");
        g.bench_with_input(BenchmarkId::new("join_places", n), &prep, |b, prep| {
            b.iter_batched(|| prep.clone(), FinderPrep::finish, BatchSize::LargeInput)
        });
        let finder = prep.clone().finish();
        let mut router = finder.router();
        let all = finder
            .nearest(&mut router, ORIGIN, Mode::Walk, |_| true)
            .expect("query");
        assert_eq!(all.len(), n as usize);
        g.bench_with_input(BenchmarkId::new("nearest_walk", n), &finder, |b, f| {
            b.iter(|| f.nearest(&mut router, ORIGIN, Mode::Walk, |_| true))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_prepare);
criterion_main!(benches);
