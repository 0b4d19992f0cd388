//! Criterion benchmarks of search on the Futian sample: one keystroke's query (as typed, prefix
//! by prefix), typical queries, and preparing the index after decoding.
//!
//! Run: `cargo bench -p linli-build --bench search` (results in docs/BENCHMARKS.md).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use linli_core::search::{SearchIndex, SearchQuery};
use linli_core::LngLat;

#[path = "common/sample.rs"]
mod sample;
use sample::futian;

/// Chegongmiao, in the middle of the extract.
const HERE: LngLat = LngLat::new(114.02, 22.535);

/// Every prefix of what a user types, one query per keystroke.
fn keystrokes(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    (1..=chars.len())
        .map(|n| chars[..n].iter().collect())
        .collect()
}

fn bench_search(c: &mut Criterion) {
    let bundle = futian();
    let index = SearchIndex::new(&bundle);
    // The counts are part of the benchmark: the work is real.
    assert_eq!(index.search(&SearchQuery::new("cgm", HERE)).len(), 2);
    assert_eq!(index.search(&SearchQuery::new("充电", HERE)).len(), 8);

    let mut g = c.benchmark_group("search_futian");
    g.bench_function("prepare_index", |b| {
        b.iter(|| SearchIndex::new(black_box(&bundle)))
    });
    for text in ["chegongmiao", "车公庙", "zhangzheshitang", "toilet"] {
        let typed = keystrokes(text);
        g.bench_function(format!("typing_{text}_{}_keystrokes", typed.len()), |b| {
            b.iter(|| {
                for q in &typed {
                    black_box(index.search(&SearchQuery::new(black_box(q), HERE)));
                }
            })
        });
    }
    for q in [
        "c",
        "cgm",
        "车gm",
        "zzst",
        "充电",
        "toilet",
        "红荔西路",
        "xyzxyz",
    ] {
        g.bench_function(format!("query_{q}"), |b| {
            b.iter(|| index.search(&SearchQuery::new(black_box(q), HERE)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
