//! Fuzzing the bundle decoder (and what runs on a decoded bundle: the finder and search) with
//! proptest, plus the crafted regression files in `tests/fixtures/bundles/` (see its README).
//!
//! In CI every property runs a bounded number of cases (proptest's default, 256). A longer run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p linli-core --release fuzz_
//! ```
//!
//! Properties: decoding arbitrary bytes, and mutations of a valid bundle with the checksum
//! fixed up so the structural checks are reached, never panics; whatever decodes re-encodes
//! and decodes to the same bundle; a decoded bundle can be prepared, routed on and searched.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use linli_core::graph::{Edge, NodeId, RoadClass, ShapeRange, StreetGraph};
use linli_core::pinyin::{CharReadings, PhraseReadings, Readings};
use linli_core::search::{SearchIndex, SearchQuery};
use linli_core::service::{Amenity, Kind, Service};
use linli_core::{Access, BBox, Bundle, DecodeError, Finder, LngLat, Mode, FORMAT_VERSION, MAGIC};
use proptest::prelude::*;

// The builder's opening-hours compiler, so the base bundle carries real compiled hours.
#[path = "../../linli-build/src/timetable.rs"]
#[allow(dead_code)]
mod compile_hours;

/// The compiled hours of the services' `opening_hours`, as `linli build` makes them (cached:
/// every case uses the same few rules).
fn compiled_hours(services: &[Service]) -> linli_core::Timetable {
    static CACHE: Mutex<Vec<(Vec<String>, linli_core::Timetable)>> = Mutex::new(Vec::new());
    let rules: Vec<String> = services.iter().map(|s| s.opening_hours.clone()).collect();
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, t)) = cache.iter().find(|(r, _)| *r == rules) {
        return t.clone();
    }
    let built = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let t = compile_hours::compile_timetable(rules.iter().map(String::as_str), built)
        .expect("rules compile");
    cache.push((rules, t.clone()));
    t
}

/// A small valid bundle: a 3 × 3 grid of streets in Futian, two places, readings.
fn base() -> Bundle {
    let mut nodes = Vec::new();
    for r in 0..3 {
        for c in 0..3 {
            nodes.push(
                LngLat::new(114.02 + 0.001 * f64::from(c), 22.53 + 0.001 * f64::from(r)).to_e6(),
            );
        }
    }
    let all = Access::from_bits(0b11_1111).expect("bits");
    let mut edges = Vec::new();
    let mut shape_points = Vec::new();
    for r in 0..3u32 {
        for c in 0..3u32 {
            let v = r * 3 + c;
            for (to, ok) in [(v + 1, c < 2), (v + 3, r < 2)] {
                if ok {
                    let s = shape_points.len() as u32;
                    let (a, b) = (nodes[v as usize], nodes[to as usize]);
                    shape_points.push([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 30]);
                    edges.push(Edge {
                        from: NodeId(v),
                        to: NodeId(to),
                        shape: ShapeRange {
                            start: s,
                            end: s + 1,
                        },
                        access: all,
                        class: RoadClass::Minor,
                        name: Some(v % 2),
                    });
                }
            }
        }
    }
    let graph = StreetGraph {
        nodes,
        edges,
        shape_points,
        names: vec!["农园路".into(), "香梅路".into()],
    };
    let bbox = BBox::around(
        graph
            .nodes
            .iter()
            .chain(&graph.shape_points)
            .map(|p| LngLat::from_e6(*p)),
    )
    .expect("points");
    let service = |id: &str, name: &str, lng: f64, hours: &str| Service {
        id: id.into(),
        name: name.into(),
        kind: Kind::Canteen,
        location: LngLat::from_e6(LngLat::new(lng, 22.5305).to_e6()),
        address: "深圳市福田区农园路1号".into(),
        opening_hours: hours.into(),
        amenities: [Amenity::Toilet].into_iter().collect(),
        phone: String::new(),
        floor: Some(2),
        notes: String::new(),
        price: String::new(),
    };
    // One weekly rule with holidays and a comment, one with dates (stored over a window).
    let services = vec![
        service(
            "a",
            "农园长者食堂",
            114.0205,
            r#"Mo-Fr 09:00-18:00; PH off; Sa 10:00-12:00 "by appointment""#,
        ),
        service(
            "b",
            "香梅驿站",
            114.0215,
            "Jun-Aug Mo-Fr 08:00-12:00; Mo[1] 14:00-16:00",
        ),
    ];
    Bundle {
        name: "fuzz".into(),
        build_date: "2026-11-22".into(),
        attribution: "© OpenStreetMap contributors".into(),
        bbox,
        hours: compiled_hours(&services),
        services,
        graph,
        readings: Readings {
            syllables: vec!["nong".into(), "yuan".into(), "zhang".into(), "chang".into()],
            chars: vec![
                CharReadings {
                    ch: '农',
                    syllables: vec![0],
                },
                CharReadings {
                    ch: '园',
                    syllables: vec![1],
                },
                CharReadings {
                    ch: '长',
                    syllables: vec![2, 3],
                },
            ],
            phrases: vec![PhraseReadings {
                text: "农园".into(),
                syllables: vec![vec![0], vec![1]],
            }],
        },
    }
}

/// Puts a valid checksum on `bytes` (replacing the last four).
fn fix_crc(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() >= 4 {
        let end = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..end]);
        bytes[end..].copy_from_slice(&crc.to_le_bytes());
    }
    bytes
}

/// Everything that must hold for any input: no panic, and a decoded bundle round-trips and
/// can be used.
fn check(bytes: &[u8]) {
    let Ok(bundle) = Bundle::decode(bytes) else {
        return;
    };
    let again = bundle.encode().expect("a decoded bundle re-encodes");
    assert_eq!(Bundle::decode(&again).as_ref(), Ok(&bundle));
    let index = SearchIndex::new(&bundle);
    let centre = bundle.bbox.center();
    let _ = index.search(&SearchQuery::new("ny", centre));
    let finder = Finder::new(bundle);
    let mut router = finder.router();
    let _ = finder.nearest(&mut router, centre, Mode::Walk, |_| true);
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    // Keep the magic and version, so the structural checks are reached.
    let head = MAGIC.len() + 2;
    let span = bytes.len().saturating_sub(head).max(1);
    match m {
        Mutation::Flip(i, b) => {
            let i = head + i % span;
            if let Some(x) = bytes.get_mut(i) {
                *x ^= b;
            }
        }
        Mutation::Set(i, b) => {
            let i = head + i % span;
            if let Some(x) = bytes.get_mut(i) {
                *x = *b;
            }
        }
        Mutation::Insert(i, b) => {
            let i = (head + i % span).min(bytes.len());
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Remove(i, n) => {
            let i = (head + i % span).min(bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Truncate(i) => bytes.truncate(head + i % span),
    }
}

proptest! {
    #[test]
    fn fuzz_arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&body);
        bytes.extend_from_slice(&[0; 4]);
        check(&fix_crc(bytes.clone()));
        check(&bytes);
    }

    #[test]
    fn fuzz_mutated_bundles_never_panic_and_round_trip(
        mutations in prop::collection::vec(mutation(), 1..6),
        fix in any::<bool>(),
    ) {
        let mut bytes = base().encode().expect("base encodes");
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if fix {
            bytes = fix_crc(bytes);
        }
        check(&bytes);
    }

    #[test]
    fn fuzz_valid_bundles_round_trip_exactly(seed in any::<u64>()) {
        // Vary the base: drop places, move a node within the area, change texts.
        let mut b = base();
        let n = b.graph.nodes.len();
        let i = (seed % n as u64) as usize;
        b.graph.nodes[i][0] += (seed % 997) as i32;
        b.services.truncate((seed % 3) as usize);
        b.hours = compiled_hours(&b.services);
        b.name = format!("区{seed}");
        b.bbox = BBox::around(
            b.graph.nodes.iter().chain(&b.graph.shape_points).map(|p| LngLat::from_e6(*p))
                .chain(b.services.iter().map(|s| s.location)),
        ).expect("points");
        let bytes = b.encode().expect("encodes");
        prop_assert_eq!(Bundle::decode(&bytes), Ok(b));
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundles")
}

/// The crafted regression bundles and what decoding each must say (README.md in the folder).
fn expected(name: &str) -> fn(&DecodeError) -> bool {
    match name {
        "world-corners.linli" => |e| matches!(e, DecodeError::ExtentTooLarge { .. }),
        "point-outside-bbox.linli" => |e| matches!(e, DecodeError::OutsideExtent { .. }),
        "huge-count.linli" => |e| matches!(e, DecodeError::Truncated { .. }),
        "huge-delta.linli" => |e| matches!(e, DecodeError::Invalid { .. }),
        "unknown-required-section.linli" => {
            |e| matches!(e, DecodeError::UnknownRequiredSection { .. })
        }
        "missing-services.linli" => |e| matches!(e, DecodeError::MissingSection { .. }),
        "edge-to-missing-node.linli" => |e| matches!(e, DecodeError::Invalid { .. }),
        "version-1.linli" => |e| matches!(e, DecodeError::UnsupportedVersion { found: 1, .. }),
        _ => |_| false,
    }
}

#[test]
fn fuzz_regression_files_give_typed_errors() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures()).expect("fixtures folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        if !name.ends_with(".linli") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let err = Bundle::decode(&bytes).expect_err(&name);
        assert!(expected(&name)(&err), "{name}: unexpected {err:?}");
        check(&bytes);
        seen += 1;
    }
    assert_eq!(seen, 8, "every regression file is listed in expected()");
    // The world-corners bundle is the 171-byte case of issue 14, in format 2.
    let corners = std::fs::read(fixtures().join("world-corners.linli")).expect("read");
    assert!(corners.len() < 200, "{}", corners.len());
}

/// Writes the regression files. Run after a format change:
/// `cargo test -p linli-core --test fuzz_bundle -- --ignored regenerate`
#[test]
#[ignore]
fn regenerate_regression_files() {
    let dir = fixtures();
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, bytes) in craft::all() {
        std::fs::write(dir.join(name), bytes).expect("write");
    }
}

/// Hand-framed bundles the encoder refuses to write.
mod craft {
    use super::*;

    fn varint(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(low);
                return;
            }
            out.push(low | 0x80);
        }
    }

    fn zigzag(out: &mut Vec<u8>, v: i64) {
        varint(out, (v.wrapping_shl(1) ^ (v >> 63)) as u64);
    }

    fn file(version: u16, sections: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut buf = MAGIC.to_vec();
        buf.extend_from_slice(&version.to_le_bytes());
        for (tag, payload) in sections {
            buf.extend_from_slice(*tag);
            buf.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            buf.extend_from_slice(payload);
        }
        buf.extend_from_slice(&[0; 4]);
        fix_crc(buf)
    }

    fn header(min: [i64; 2], max: [i64; 2]) -> Vec<u8> {
        let mut p = Vec::new();
        for s in ["x", "2026-01-01", ""] {
            varint(&mut p, s.len() as u64);
            p.extend_from_slice(s.as_bytes());
        }
        for v in [min[0], min[1], max[0], max[1]] {
            zigzag(&mut p, v);
        }
        p
    }

    const SMALL: ([i64; 2], [i64; 2]) = ([114_000_000, 22_500_000], [114_010_000, 22_510_000]);

    /// Nodes as absolute micro-degree points, then edges (from, to) with no shape.
    fn graph(nodes: &[[i64; 2]], edges: &[(i64, i64)]) -> Vec<u8> {
        let mut p = Vec::new();
        varint(&mut p, nodes.len() as u64);
        let mut prev = [0i64; 2];
        for n in nodes {
            zigzag(&mut p, n[0] - prev[0]);
            zigzag(&mut p, n[1] - prev[1]);
            prev = *n;
        }
        varint(&mut p, edges.len() as u64);
        let mut prev_from = 0;
        for &(from, to) in edges {
            zigzag(&mut p, from - prev_from);
            zigzag(&mut p, to - from);
            prev_from = from;
            p.extend_from_slice(&[0b11_1111, 4]);
            varint(&mut p, 0);
            varint(&mut p, 0);
        }
        p
    }

    fn empty() -> Vec<u8> {
        vec![0]
    }

    pub fn all() -> Vec<(&'static str, Vec<u8>)> {
        let small = |graph: Vec<u8>| {
            file(
                2,
                &[
                    (b"HEAD", header(SMALL.0, SMALL.1)),
                    (b"NAME", empty()),
                    (b"GRPH", graph),
                    (b"SERV", empty()),
                ],
            )
        };
        let a = [114_000_000, 22_500_000];
        let b = [114_001_000, 22_500_000];
        let mut huge_delta = Vec::new();
        varint(&mut huge_delta, 2);
        zigzag(&mut huge_delta, a[0]);
        zigzag(&mut huge_delta, a[1]);
        zigzag(&mut huge_delta, i64::MAX);
        zigzag(&mut huge_delta, i64::MIN);
        let mut huge_count = Vec::new();
        varint(&mut huge_count, u64::from(u32::MAX));
        vec![
            (
                "world-corners.linli",
                file(
                    2,
                    &[
                        (
                            b"HEAD",
                            header([-179_000_000, -89_000_000], [179_000_000, 89_000_000]),
                        ),
                        (b"NAME", empty()),
                        (
                            b"GRPH",
                            graph(
                                &[
                                    [-179_000_000, -89_000_000],
                                    [-178_999_000, -89_000_000],
                                    [179_000_000, 89_000_000],
                                    [178_999_000, 89_000_000],
                                ],
                                &[(0, 1), (2, 3)],
                            ),
                        ),
                        (b"SERV", empty()),
                    ],
                ),
            ),
            (
                "point-outside-bbox.linli",
                small(graph(&[a, [124_000_000, 22_500_000]], &[(0, 1)])),
            ),
            ("huge-count.linli", small(huge_count)),
            ("huge-delta.linli", small(huge_delta)),
            (
                "edge-to-missing-node.linli",
                small(graph(&[a, b], &[(0, 7)])),
            ),
            (
                "unknown-required-section.linli",
                file(
                    2,
                    &[
                        (b"HEAD", header(SMALL.0, SMALL.1)),
                        (b"NAME", empty()),
                        (b"GRPH", graph(&[a, b], &[(0, 1)])),
                        (b"SERV", empty()),
                        (b"HOUR", vec![0, 0, 0]),
                        (b"TILE", vec![1, 2, 3]),
                    ],
                ),
            ),
            (
                "missing-services.linli",
                file(
                    2,
                    &[
                        (b"HEAD", header(SMALL.0, SMALL.1)),
                        (b"NAME", empty()),
                        (b"GRPH", graph(&[a, b], &[(0, 1)])),
                    ],
                ),
            ),
            (
                "version-1.linli",
                file(1, &[(b"HEAD", header(SMALL.0, SMALL.1))]),
            ),
        ]
    }
}
