//! Search over the Futian sample, built from `data/osm/shenzhen-futian.osm.pbf` and
//! `data/sample/futian-services.csv` with the real pinyin readings: characters, full pinyin,
//! initials, mixed input, service words in Chinese and English, repeated street names,
//! polyphones and no match. Queries are real names from the sample (车公庙, 长者食堂, 文狮巷,
//! 红荔西路).

use std::path::Path;
use std::sync::OnceLock;

use linli_build::{build, BuildOptions};
use linli_core::pinyin::MatchClass;
use linli_core::search::{Hit, Matched, SearchIndex, SearchQuery, Target};
use linli_core::{Amenity, Bundle, Crs, LngLat};

/// Chegongmiao, the sample's centre.
const HERE: LngLat = LngLat::new(114.02, 22.535);

fn futian() -> &'static (Bundle, SearchIndex) {
    static CELL: OnceLock<(Bundle, SearchIndex)> = OnceLock::new();
    CELL.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let (bundle, bytes, _) = build(&BuildOptions {
            osm: root.join("data/osm/shenzhen-futian.osm.pbf"),
            services: root.join("data/sample/futian-services.csv"),
            services_crs: Crs::Wgs84,
            name: None,
            build_date: "2026-11-22".into(),
            skip_invalid: false,
        })
        .expect("sample builds");
        // Search runs on what the app decodes, not on the builder's copy.
        let decoded = Bundle::decode(&bytes).expect("decodes");
        assert_eq!(decoded, bundle);
        let index = SearchIndex::new(&decoded);
        (decoded, index)
    })
}

fn search_near(q: &str, near: LngLat) -> Vec<Hit> {
    futian().1.search(&SearchQuery::new(q, near))
}

fn search(q: &str) -> Vec<Hit> {
    search_near(q, HERE)
}

fn names(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.name.as_str()).collect()
}

fn assert_ranked(hits: &[Hit]) {
    for w in hits.windows(2) {
        assert!(
            (w[0].class, w[0].distance_m) <= (w[1].class, w[1].distance_m),
            "{} before {}",
            w[0].name,
            w[1].name
        );
    }
}

#[test]
fn characters_full_pinyin_initials_and_mixed_find_chegongmiao() {
    let by_chars = search("车公庙");
    assert_eq!(names(&by_chars), ["车公庙骑士驿站", "车公庙立交"]);
    assert_eq!(by_chars[0].class, MatchClass::Prefix);
    assert_eq!(by_chars[1].target.kind_code(), "street");
    for q in [
        "chegongmiao",
        "cgm",
        "车gm",
        "chegongm",
        "CGM",
        "che gong miao",
        "车公m",
    ] {
        assert_eq!(search(q), by_chars, "{q}");
    }
}

#[test]
fn places_and_streets_come_with_kind_and_coordinates() {
    let hits = search("cgm");
    let Target::Place { service, .. } = hits[0].target else {
        panic!("a place first")
    };
    let place = &futian().0.services[service];
    assert_eq!(place.id, "cgm-rest-1");
    assert_eq!(hits[0].location, place.location);
    assert_eq!(hits[0].target.kind_code(), "rest_stop");
    // The interchange's point lies on it, within the sample's area.
    assert!(futian().0.bbox.contains_with_margin(hits[1].location, 0.0));
}

#[test]
fn elderly_canteens_by_the_reading_of_zhang_in_zhangzhe() {
    for q in ["长者食堂", "zhangzhe", "zzst", "zhangzheshitang", "长者st"] {
        let hits = search(q);
        assert_eq!(hits.len(), 8, "{q}");
        assert_ranked(&hits);
        assert!(
            hits.iter().any(|h| h.name.contains("长者食堂")),
            "{q}: {:?}",
            names(&hits)
        );
        // Everything offered has elderly meals (the name or the service word matched).
        for h in &hits {
            let Target::Place { service, .. } = h.target else {
                panic!("{q}: a street")
            };
            let s = &futian().0.services[service];
            assert!(
                s.name.contains("长者") || s.amenities.contains(Amenity::ElderlyMeals),
                "{q}: {}",
                s.name
            );
        }
    }
    // 长 in 长者 is zhǎng: the other reading does not find them (documented decision).
    assert!(search("changzhe").is_empty());
    // The names themselves, by initials: 香岭社区长者食堂.
    assert_eq!(names(&search("xlsqzzst")), ["香岭社区长者食堂"]);
    assert_eq!(search("xlsqzzst")[0].class, MatchClass::Exact);
}

#[test]
fn service_words_in_chinese_and_english() {
    let services = |hits: &[Hit]| -> Vec<linli_core::Service> {
        hits.iter()
            .map(|h| match h.target {
                Target::Place { service, .. } => futian().0.services[service].clone(),
                Target::Street { .. } => panic!("{} is a street", h.name),
            })
            .collect()
    };
    let charging = search("充电");
    assert_eq!(charging.len(), 8);
    assert_ranked(&charging);
    for s in services(&charging) {
        assert!(
            s.amenities.contains(Amenity::Charging) || s.amenities.contains(Amenity::EbikeCharging),
            "{}",
            s.name
        );
    }
    // The nearest place with charging from Chegongmiao comes first.
    let nearest_charging = futian()
        .0
        .services
        .iter()
        .filter(|s| s.amenities.contains(Amenity::Charging))
        .map(|s| s.location.distance_m(HERE))
        .fold(f64::INFINITY, f64::min);
    assert!((charging[0].distance_m - nearest_charging).abs() < 1e-6);

    for (q, a) in [
        ("微波炉", Amenity::Microwave),
        ("weibolu", Amenity::Microwave),
        ("microwave", Amenity::Microwave),
        ("toilet", Amenity::Toilet),
        ("厕所", Amenity::Toilet),
        ("Wi-Fi", Amenity::Wifi),
        ("wifi", Amenity::Wifi),
    ] {
        let hits = search(q);
        assert!(!hits.is_empty(), "{q}");
        assert_ranked(&hits);
        for h in &hits {
            assert_eq!(h.matched, Matched::Service(a), "{q}: {}", h.name);
            assert_eq!(h.class, MatchClass::Exact, "{q}");
        }
    }
}

#[test]
fn streets_by_name_in_every_form() {
    for q in ["文狮巷", "wenshixiang", "wsx", "文sx"] {
        let hits = search(q);
        assert_eq!(hits[0].name, "文狮巷", "{q}");
        assert_eq!(hits[0].class, MatchClass::Exact, "{q}");
        assert_eq!(hits[0].matched, Matched::Name);
    }
    // An address: the centre on 农轩路 28.
    let hits = search("农轩路28号");
    assert_eq!(names(&hits), ["香蜜湖街道党群服务中心"]);
    assert_eq!(hits[0].matched, Matched::Address);
}

#[test]
fn a_repeated_street_name_gives_the_part_near_the_map_centre() {
    // 红荔西路 has a western part (near Antuoshan) and an eastern one (near Xiangmihu), 1.7 km
    // apart; 竹子林六路 two parts 260 m apart.
    let west = LngLat::new(114.001, 22.540);
    let east = LngLat::new(114.018, 22.544);
    let a = &search_near("红荔西路", west)[0];
    let b = &search_near("hlxl", east)[0];
    assert_eq!((a.name.as_str(), b.name.as_str()), ("红荔西路", "红荔西路"));
    assert!(a.location.distance_m(west) < 200.0, "{:?}", a.location);
    assert!(b.location.distance_m(east) < 200.0, "{:?}", b.location);
    assert!(a.location.distance_m(b.location) > 1000.0);
    let Target::Street { name } = a.target else {
        panic!("a street")
    };
    assert_eq!(futian().1.street_middles(name).len(), 2);
    // Most names are one street even when their carriageways are separate ways.
    let names = &futian().0.graph.names;
    let single = (0..names.len() as u32)
        .filter(|i| futian().1.street_middles(*i).len() == 1)
        .count();
    assert!(single * 10 > names.len() * 9, "{single} of {}", names.len());
}

#[test]
fn no_match_is_empty_and_odd_input_is_harmless() {
    for q in [
        "xyzxyz",
        "",
        "   ",
        "？！",
        "🙂🙂",
        "北京天安门",
        &"长".repeat(1000),
    ] {
        assert!(search(q).is_empty(), "{q}");
    }
    // A limit of one and a far-away starting point still answer.
    let q = SearchQuery {
        limit: 1,
        ..SearchQuery::new("cgm", LngLat::new(-70.0, -40.0))
    };
    assert_eq!(futian().1.search(&q).len(), 1);
}

#[test]
fn the_readings_keep_both_readings_of_polyphones_outside_words() {
    let (bundle, index) = futian();
    let r = &bundle.readings;
    assert!(r.chars.len() > 200, "{}", r.chars.len());
    // 长 alone keeps both readings; 长者 is a word.
    let long: Vec<&str> = r
        .of_char('长')
        .expect("长")
        .iter()
        .map(|i| r.syllable(*i))
        .collect();
    assert_eq!(long, ["zhang", "chang"]);
    assert!(r.phrases.iter().any(|p| p.text == "长者"));
    // 东涌路 (Dongchong Road): 涌 as chōng, or yǒng for those who read it so.
    assert_eq!(names(&search("dongchonglu")), ["东涌路"]);
    assert_eq!(names(&search("dongyonglu")), ["东涌路"]);
    let _ = index;
}
