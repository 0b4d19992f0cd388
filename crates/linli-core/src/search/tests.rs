//! Search on a small hand-made town (the Futian sample is tested in
//! `crates/linli-build/tests/search.rs`, where the real readings are built):
//!
//! ```text
//!  一号路 (west part)        一号路 (east part, 3 km away)
//!  A ── B ── C              G ── H
//!  农园路 (two carriageways 30 m apart, joined by nothing):  D ── E  and  D' ── E'
//! ```

use super::*;
use crate::geom::BBox;
use crate::graph::StreetGraph;
use crate::graph::{Edge, NodeId, RoadClass, ShapeRange};
use crate::pinyin::{CharReadings, PhraseReadings, Readings};
use crate::profile::Access;
use crate::service::Service;

const LAT: f64 = 22.54;

/// Metres east and north of (114.0, 22.54) as micro-degrees.
fn at(east_m: f64, north_m: f64) -> [i32; 2] {
    let dlat = north_m / METERS_PER_DEGREE;
    let dlng = east_m / (METERS_PER_DEGREE * LAT.to_radians().cos());
    LngLat::new(114.0 + dlng, LAT + dlat).to_e6()
}

fn lnglat(east_m: f64, north_m: f64) -> LngLat {
    LngLat::from_e6(at(east_m, north_m))
}

fn readings() -> Readings {
    let syllables: Vec<String> = [
        "yi", "hao", "lu", "nong", "yuan", "xiang", "mi", "hu", "zhang", "chang", "zhe", "shi",
        "tang", "si",
    ]
    .map(String::from)
    .to_vec();
    let id = |s: &str| syllables.iter().position(|x| x == s).expect("syllable") as u16;
    let mut chars: Vec<CharReadings> = [
        ('一', vec![id("yi")]),
        ('号', vec![id("hao")]),
        ('路', vec![id("lu")]),
        ('农', vec![id("nong")]),
        ('园', vec![id("yuan")]),
        ('香', vec![id("xiang")]),
        ('蜜', vec![id("mi")]),
        ('湖', vec![id("hu")]),
        ('长', vec![id("zhang"), id("chang")]),
        ('者', vec![id("zhe")]),
        ('食', vec![id("shi"), id("si")]),
        ('堂', vec![id("tang")]),
    ]
    .into_iter()
    .map(|(ch, syllables)| CharReadings { ch, syllables })
    .collect();
    chars.sort_by_key(|c| c.ch);
    let phrases = vec![PhraseReadings {
        text: "长者".into(),
        syllables: vec![vec![id("zhang")], vec![id("zhe")]],
    }];
    Readings {
        syllables,
        chars,
        phrases,
    }
}

fn edge(from: u32, to: u32, name: u32) -> Edge {
    Edge {
        from: NodeId(from),
        to: NodeId(to),
        shape: ShapeRange::default(),
        access: Access::from_bits(0b11_1111).expect("bits"),
        class: RoadClass::Minor,
        name: Some(name),
    }
}

fn place(id: &str, name: &str, kind: Kind, east_m: f64, amenities: &[Amenity]) -> Service {
    Service {
        id: id.into(),
        name: name.into(),
        kind,
        location: lnglat(east_m, 20.0),
        address: "深圳市福田区农园路1号".into(),
        opening_hours: String::new(),
        amenities: amenities.iter().copied().collect(),
        phone: String::new(),
        floor: None,
        notes: String::new(),
        price: String::new(),
    }
}

fn town() -> Bundle {
    let nodes = vec![
        at(0.0, 0.0),       // 0 A
        at(100.0, 0.0),     // 1 B
        at(300.0, 0.0),     // 2 C
        at(3000.0, 0.0),    // 3 G
        at(3100.0, 0.0),    // 4 H
        at(0.0, 500.0),     // 5 D
        at(200.0, 500.0),   // 6 E
        at(0.0, 530.0),     // 7 D'
        at(200.0, 530.0),   // 8 E'
        at(1000.0, 1000.0), // 9 an unnamed street
        at(1100.0, 1000.0), // 10
    ];
    let mut edges = vec![
        edge(0, 1, 0),
        edge(1, 2, 0),
        edge(3, 4, 0),
        edge(5, 6, 1),
        edge(8, 7, 1),
        edge(9, 10, 0),
    ];
    edges[5].name = None;
    let graph = StreetGraph {
        nodes,
        edges,
        shape_points: Vec::new(),
        names: vec!["一号路".into(), "农园路".into(), "未用路".into()],
    };
    let services = vec![
        place(
            "a",
            "香蜜湖长者食堂",
            Kind::Canteen,
            50.0,
            &[Amenity::Meals],
        ),
        place(
            "b",
            "农园路驿站",
            Kind::RestStop,
            900.0,
            &[Amenity::Toilet, Amenity::Charging],
        ),
        place(
            "c",
            "香蜜湖服务站",
            Kind::Centre,
            2500.0,
            &[Amenity::Toilet, Amenity::Microwave],
        ),
    ];
    Bundle {
        name: "town".into(),
        build_date: "2026-01-01".into(),
        attribution: String::new(),
        bbox: BBox::around(graph.nodes.iter().map(|p| LngLat::from_e6(*p))).expect("nodes"),
        hours: crate::Timetable::without_hours(services.len()),
        services,
        graph,
        readings: readings(),
    }
}

fn search(index: &SearchIndex, text: &str, from: LngLat) -> Vec<Hit> {
    index.search(&SearchQuery::new(text, from))
}

fn names(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.name.as_str()).collect()
}

#[test]
fn a_street_point_is_its_middle_and_the_part_nearest_the_centre() {
    let index = SearchIndex::new(&town());
    // West part A–B–C is 300 m long: its middle is 150 m east of A.
    let middles = index.street_middles(0);
    assert_eq!(middles.len(), 2, "two separate parts");
    assert!(
        middles[0].distance_m(lnglat(150.0, 0.0)) < 0.5,
        "{middles:?}"
    );
    assert!(
        middles[1].distance_m(lnglat(3050.0, 0.0)) < 0.5,
        "{middles:?}"
    );

    let near_west = search(&index, "一号路", lnglat(0.0, 100.0));
    assert_eq!(near_west[0].target, Target::Street { name: 0 });
    assert!(near_west[0].location.distance_m(lnglat(150.0, 0.0)) < 0.5);
    let near_east = search(&index, "yihaolu", lnglat(3200.0, 100.0));
    assert!(near_east[0].location.distance_m(lnglat(3050.0, 0.0)) < 0.5);
    assert_eq!(near_east[0].class, MatchClass::Exact);
    // The map centre picks the part; the starting point only ranks.
    let q = SearchQuery {
        text: "yhl",
        from: lnglat(0.0, 0.0),
        centre: lnglat(3100.0, 0.0),
        limit: 8,
    };
    let hit = &index.search(&q)[0];
    assert!(hit.location.distance_m(lnglat(3050.0, 0.0)) < 0.5);
    assert!((hit.distance_m - 3050.0).abs() < 2.0, "{}", hit.distance_m);
}

#[test]
fn two_carriageways_close_together_are_one_street() {
    let index = SearchIndex::new(&town());
    let middles = index.street_middles(1);
    assert_eq!(middles.len(), 1, "{middles:?}");
    // Between... on one of the carriageways, halfway along.
    let m = middles[0];
    assert!(
        m.distance_m(lnglat(100.0, 500.0)) < 1.0 || m.distance_m(lnglat(100.0, 530.0)) < 1.0,
        "{m:?}"
    );
    // A name no edge uses is not offered.
    assert!(search(&index, "未用路", lnglat(0.0, 0.0)).is_empty());
}

#[test]
fn exact_then_prefix_then_inside_then_by_distance() {
    let index = SearchIndex::new(&town());
    // 农园路: the street (exact), the rest stop whose name starts with it (prefix), and every
    // place whose address contains it (inside).
    let hits = search(&index, "nyl", lnglat(0.0, 0.0));
    assert_eq!(
        names(&hits),
        ["农园路", "农园路驿站", "香蜜湖长者食堂", "香蜜湖服务站"]
    );
    assert_eq!(
        hits.iter().map(|h| h.class).collect::<Vec<_>>(),
        [
            MatchClass::Exact,
            MatchClass::Prefix,
            MatchClass::Inside,
            MatchClass::Inside
        ]
    );
    assert_eq!(hits[1].matched, Matched::Name);
    assert_eq!(hits[2].matched, Matched::Address);
    // Two prefix matches: the nearer first, whichever way the user stands.
    let west = search(&index, "xmh", lnglat(0.0, 0.0));
    assert_eq!(names(&west), ["香蜜湖长者食堂", "香蜜湖服务站"]);
    let east = search(&index, "xmh", lnglat(3000.0, 0.0));
    assert_eq!(names(&east), ["香蜜湖服务站", "香蜜湖长者食堂"]);
    // The limit.
    let q = SearchQuery {
        limit: 2,
        ..SearchQuery::new("nyl", lnglat(0.0, 0.0))
    };
    assert_eq!(names(&index.search(&q)), ["农园路", "农园路驿站"]);
}

#[test]
fn service_and_kind_words_in_chinese_and_english() {
    let index = SearchIndex::new(&town());
    let here = lnglat(0.0, 0.0);
    let toilet = search(&index, "toilet", here);
    assert_eq!(names(&toilet), ["农园路驿站", "香蜜湖服务站"]);
    assert_eq!(toilet[0].matched, Matched::Service(Amenity::Toilet));
    assert_eq!(toilet[0].class, MatchClass::Exact);
    assert_eq!(
        names(&search(&index, "厕所", here)),
        ["农园路驿站", "香蜜湖服务站"]
    );
    assert_eq!(names(&search(&index, "微波炉", here)), ["香蜜湖服务站"]);
    assert_eq!(names(&search(&index, "Microwave", here)), ["香蜜湖服务站"]);
    assert_eq!(names(&search(&index, "充电", here)), ["农园路驿站"]);
    let canteen = search(&index, "canteen", here);
    assert_eq!(names(&canteen), ["香蜜湖长者食堂"]);
    assert_eq!(canteen[0].matched, Matched::Kind);
    assert_eq!(canteen[0].target.kind_code(), "canteen");
}

#[test]
fn polyphones_follow_the_word_and_nothing_matches_nothing() {
    let index = SearchIndex::new(&town());
    let here = lnglat(0.0, 0.0);
    for q in ["zhangzhe", "zzst", "长者", "长zst", "zhangzheshitang"] {
        assert_eq!(
            names(&search(&index, q, here)).first(),
            Some(&"香蜜湖长者食堂"),
            "{q}"
        );
    }
    assert!(search(&index, "changzhe", here).is_empty());
    assert!(search(&index, "qqqq", here).is_empty());
    assert!(search(&index, "", here).is_empty());
    assert!(search(&index, " ,。", here).is_empty());
    assert!(search(&index, "🙂", here).is_empty());
    let q = SearchQuery {
        limit: 0,
        ..SearchQuery::new("nyl", here)
    };
    assert!(index.search(&q).is_empty());
}

#[test]
fn a_bundle_without_readings_still_finds_characters_and_latin() {
    let mut b = town();
    b.readings = Readings::default();
    let index = SearchIndex::new(&b);
    let here = lnglat(0.0, 0.0);
    assert_eq!(
        names(&search(&index, "香蜜湖服务站", here)),
        ["香蜜湖服务站"]
    );
    assert!(search(&index, "xmhfwz", here).is_empty());
    assert!(!search(&index, "toilet", here).is_empty());
}

#[test]
fn vocabulary_lists_every_label_and_word() {
    let words: Vec<&str> = vocabulary().collect();
    for w in [
        "微波炉",
        "Microwave",
        "microwave",
        "厕所",
        "canteen",
        "驿站",
        "长者食堂",
    ] {
        assert!(words.contains(&w), "{w}");
    }
    let b = town();
    let texts: Vec<&str> = searchable_texts(&b).collect();
    assert!(texts.contains(&"一号路") && texts.contains(&"香蜜湖长者食堂"));
    assert!(texts.contains(&"深圳市福田区农园路1号"));
}

#[test]
fn an_index_built_in_steps_answers_as_one_built_at_once() {
    let bundle = town();
    let whole = SearchIndex::new(&bundle);
    let mut prep = SearchIndexPrep::new(&bundle);
    let mut steps = 1;
    while !prep.step(1) {
        steps += 1;
    }
    assert_eq!(steps, bundle.services.len());
    let stepped = prep.finish();
    let from = lnglat(0.0, 0.0);
    for q in [
        "yhl",
        "一号路",
        "长者食堂",
        "zhangzhe",
        "toilet",
        "农园",
        "xmh",
        "食",
        "nothing",
    ] {
        assert_eq!(search(&stepped, q, from), search(&whole, q, from), "{q}");
    }
}
