//! Tests of the bundle format: exact round trips, every truncation and flipped byte, section
//! framing (unknown, missing, duplicate, reordered), the extent limit and the encoder's checks.

use super::craft::{self, Raw};
use super::*;
use crate::oracle_tests::{random_bundle, Rng};
use crate::pinyin::{CharReadings, PhraseReadings};
use crate::service::Amenity;
use crate::timetable::Plan;

fn readings() -> Readings {
    Readings {
        syllables: vec!["nong".into(), "yuan".into(), "lu".into(), "zhang".into()],
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
                ch: '路',
                syllables: vec![2],
            },
        ],
        phrases: vec![PhraseReadings {
            text: "农园".into(),
            syllables: vec![vec![0], vec![1, 3]],
        }],
    }
}

fn sample() -> Bundle {
    let mut b = random_bundle(&mut Rng::new(7), 6, 5);
    b.graph.names = vec!["农园路".into(), "香梅路".into()];
    b.graph.edges[0].name = Some(1);
    let s = &mut b.services[0];
    s.name = "香蜜湖街道党群服务中心".into();
    s.opening_hours = "Mo-Fr 09:00-12:00,14:00-18:00; PH off".into();
    s.amenities = [Amenity::Toilet, Amenity::StepFree].into_iter().collect();
    s.floor = Some(-1);
    s.price = "60岁以上10元/餐".into();
    b.services[1].floor = Some(3);
    b.services[2].opening_hours = r#"Mo-Su 18:00-02:00 "night shift"; PH 10:00-14:00"#.into();
    b.services[3].opening_hours = "Jun-Aug Mo-Fr 08:00-12:00; Mo[1] 14:00-16:00".into();
    b.hours = compiled_hours(&b.services);
    b.readings = readings();
    b
}

/// The services' hours compiled as `linli build` does.
fn compiled_hours(services: &[Service]) -> Timetable {
    let built = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    crate::compile_hours::compile_timetable(
        services.iter().map(|s| s.opening_hours.as_str()),
        built,
    )
    .expect("rules compile")
}

fn encode(b: &Bundle) -> Vec<u8> {
    b.encode().expect("encodes")
}

#[test]
fn round_trip_is_exact() {
    let b = sample();
    let bytes = encode(&b);
    assert_eq!(&bytes[..8], &MAGIC);
    assert_eq!(&bytes[8..10], &2u16.to_le_bytes());
    assert_eq!(&bytes[10..14], b"HEAD");
    assert_eq!(Bundle::decode(&bytes), Ok(b));
}

#[test]
fn a_bundle_without_readings_round_trips_and_has_no_readings_section() {
    let mut b = sample();
    b.readings = Readings::default();
    let bytes = encode(&b);
    assert!(!bytes.windows(4).any(|w| w == b"pnyn"));
    assert_eq!(Bundle::decode(&bytes), Ok(b));
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = encode(&sample());
    for len in 0..bytes.len() {
        let err = Bundle::decode(&bytes[..len]).expect_err("truncated");
        assert!(
            matches!(
                err,
                DecodeError::NotABundle
                    | DecodeError::Truncated { .. }
                    | DecodeError::Corrupted { .. }
            ),
            "length {len}: {err}"
        );
    }
    // Cut anywhere past the header, it says truncated.
    assert!(matches!(
        Bundle::decode(&bytes[..bytes.len() / 2]),
        Err(DecodeError::Truncated { .. })
    ));
}

#[test]
fn every_flipped_byte_is_detected() {
    let bytes = encode(&sample());
    let mut rng = Rng::new(42);
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 1 << rng.below(8);
        assert!(
            Bundle::decode(&bad).is_err(),
            "flip at byte {i} went unnoticed"
        );
    }
}

#[test]
fn wrong_version_and_foreign_files_are_named() {
    let mut bytes = encode(&sample());
    bytes[8] = 9;
    assert_eq!(
        Bundle::decode(&bytes),
        Err(DecodeError::UnsupportedVersion {
            found: 9,
            supported: FORMAT_VERSION
        })
    );
    bytes[8] = 1;
    assert!(matches!(
        Bundle::decode(&bytes),
        Err(DecodeError::UnsupportedVersion { found: 1, .. })
    ));
    assert_eq!(
        Bundle::decode(b"<html><body>404</body></html>"),
        Err(DecodeError::NotABundle)
    );
    let mut trailing = encode(&sample());
    trailing.extend_from_slice(&[0, 0, 0, 0]);
    assert!(Bundle::decode(&trailing).is_err());
}

#[test]
fn garbage_with_a_valid_checksum_never_panics() {
    // Random bodies behind a valid header and checksum exercise every structural check: raw
    // bytes, and random payloads inside well-formed section frames.
    let mut rng = Rng::new(99);
    let tags = [
        *b"HEAD", *b"NAME", *b"GRPH", *b"SERV", *b"HOUR", *b"pnyn", *b"xtra",
    ];
    for round in 0..3000 {
        let bytes = if round % 2 == 0 {
            let mut bytes = MAGIC.to_vec();
            bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            for _ in 0..rng.below(200) {
                bytes.push(rng.below(256) as u8);
            }
            let crc = crc32fast::hash(&bytes);
            bytes.extend_from_slice(&crc.to_le_bytes());
            bytes
        } else {
            let sections: Vec<Raw> = (0..rng.below(7))
                .map(|_| {
                    let payload = (0..rng.below(40)).map(|_| rng.below(256) as u8).collect();
                    Raw(tags[rng.below(tags.len() as u64) as usize], payload)
                })
                .collect();
            craft::file(&sections)
        };
        let _ = Bundle::decode(&bytes);
    }
}

#[test]
fn sections_may_come_in_any_order_and_unknown_optional_ones_are_skipped() {
    let b = sample();
    let mut sections = craft::sections(&b);
    sections.reverse();
    sections.insert(2, Raw(*b"tile", vec![1, 2, 3, 4, 5]));
    assert_eq!(Bundle::decode(&craft::file(&sections)), Ok(b));
}

#[test]
fn unknown_required_missing_and_duplicate_sections_are_named() {
    let b = sample();
    let mut sections = craft::sections(&b);
    sections.push(Raw(*b"TILE", vec![0]));
    let err = Bundle::decode(&craft::file(&sections)).expect_err("unknown required");
    assert_eq!(
        err,
        DecodeError::UnknownRequiredSection { tag: "TILE".into() }
    );
    assert!(err.to_string().contains("newer version"), "{err}");

    let sections: Vec<Raw> = craft::sections(&b)
        .into_iter()
        .filter(|s| &s.0 != b"SERV")
        .collect();
    assert_eq!(
        Bundle::decode(&craft::file(&sections)),
        Err(DecodeError::MissingSection {
            tag: "SERV".into(),
            section: "services"
        })
    );

    let mut sections = craft::sections(&b);
    let copy = Raw(sections[1].0, sections[1].1.clone());
    sections.push(copy);
    let err = Bundle::decode(&craft::file(&sections)).expect_err("duplicate");
    assert!(err.to_string().contains("appears twice"), "{err}");

    let mut sections = craft::sections(&b);
    sections.push(Raw(*b"a b\0", vec![]));
    let err = Bundle::decode(&craft::file(&sections)).expect_err("bad tag");
    assert!(err.to_string().contains("is not a section tag"), "{err}");
}

#[test]
fn bytes_left_inside_a_known_section_are_an_error() {
    let b = sample();
    let mut sections = craft::sections(&b);
    sections[0].1.push(0);
    let err = Bundle::decode(&craft::file(&sections)).expect_err("extra byte");
    assert!(
        err.to_string().contains("header section at byte")
            && err.to_string().contains("1 unexpected bytes"),
        "{err}"
    );
}

/// A header payload with the given bbox corners.
fn header(min: [i64; 2], max: [i64; 2]) -> Vec<u8> {
    craft::payload(|w| {
        w.str("x");
        w.str("2026-01-01");
        w.str("");
        for v in [min[0], min[1], max[0], max[1]] {
            w.zigzag(v);
        }
    })
}

/// Two streets at opposite corners of the world: the bundle that used to make the snapping
/// grid ask for gigabytes.
pub(crate) fn world_corners() -> Vec<u8> {
    let names = craft::payload(|w| w.varint(0));
    let graph = craft::payload(|w| {
        w.varint(4);
        for (dx, dy) in [
            (-179_000_000, -89_000_000),
            (1_000, 0),
            (358_000_000, 178_000_000),
            (-1_000, 0),
        ] {
            w.zigzag(dx);
            w.zigzag(dy);
        }
        w.varint(2);
        for (from, to) in [(0, 1), (2, 1)] {
            w.zigzag(from);
            w.zigzag(to);
            w.byte(0b11_1111);
            w.byte(4);
            w.varint(0);
            w.varint(0);
        }
    });
    let services = craft::payload(|w| w.varint(0));
    craft::file(&[
        Raw(
            *b"HEAD",
            header([-179_000_000, -89_000_000], [179_000_000, 89_000_000]),
        ),
        Raw(*b"NAME", names),
        Raw(*b"GRPH", graph),
        Raw(*b"SERV", services),
    ])
}

#[test]
fn streets_at_opposite_corners_of_the_world_are_refused() {
    let bytes = world_corners();
    assert!(bytes.len() < 200, "{} bytes", bytes.len());
    let err = Bundle::decode(&bytes).expect_err("too large");
    assert_eq!(
        err,
        DecodeError::ExtentTooLarge {
            width_e6: 358_000_000,
            height_e6: 178_000_000
        }
    );
    assert_eq!(
        err.to_string(),
        "the bundle covers 358 × 178 degrees, more than the 2 × 2 degrees a bundle may cover"
    );
}

#[test]
fn a_point_outside_a_small_bbox_is_refused() {
    // A small bbox in the header, but a node 10 degrees away.
    let names = craft::payload(|w| w.varint(0));
    let graph = craft::payload(|w| {
        w.varint(1);
        w.zigzag(124_000_000);
        w.zigzag(22_500_000);
        w.varint(0);
    });
    let bytes = craft::file(&[
        Raw(
            *b"HEAD",
            header([114_000_000, 22_500_000], [114_010_000, 22_510_000]),
        ),
        Raw(*b"NAME", names),
        Raw(*b"GRPH", graph),
        Raw(*b"SERV", craft::payload(|w| w.varint(0))),
    ]);
    let err = Bundle::decode(&bytes).expect_err("outside");
    assert!(
        matches!(
            err,
            DecodeError::OutsideExtent {
                section: "street graph",
                lng_e6: 124_000_000,
                lat_e6: 22_500_000,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("(124, 22.5) lies outside"),
        "{err}"
    );
}

#[test]
fn huge_deltas_are_errors_not_overflows() {
    // Deltas near i64::MAX / MIN: checked arithmetic, in debug builds too.
    let graph = craft::payload(|w| {
        w.varint(2);
        w.zigzag(114_000_000);
        w.zigzag(22_500_000);
        w.zigzag(i64::MAX);
        w.zigzag(i64::MIN);
    });
    let bytes = craft::file(&[
        Raw(
            *b"HEAD",
            header([114_000_000, 22_500_000], [114_010_000, 22_510_000]),
        ),
        Raw(*b"NAME", craft::payload(|w| w.varint(0))),
        Raw(*b"GRPH", graph),
        Raw(*b"SERV", craft::payload(|w| w.varint(0))),
    ]);
    assert!(Bundle::decode(&bytes).is_err());
    let edges = craft::payload(|w| {
        w.varint(1);
        w.zigzag(114_000_000);
        w.zigzag(22_500_000);
        w.varint(1);
        w.zigzag(i64::MAX);
        w.zigzag(i64::MAX);
    });
    let bytes = craft::file(&[
        Raw(
            *b"HEAD",
            header([114_000_000, 22_500_000], [114_010_000, 22_510_000]),
        ),
        Raw(*b"NAME", craft::payload(|w| w.varint(0))),
        Raw(*b"GRPH", edges),
        Raw(*b"SERV", craft::payload(|w| w.varint(0))),
    ]);
    let err = Bundle::decode(&bytes).expect_err("overflow");
    assert!(err.to_string().contains("overflows"), "{err}");
}

#[test]
fn a_count_larger_than_the_file_is_truncation_without_allocating() {
    let graph = craft::payload(|w| w.varint(u64::from(u32::MAX)));
    let bytes = craft::file(&[
        Raw(
            *b"HEAD",
            header([114_000_000, 22_500_000], [114_010_000, 22_510_000]),
        ),
        Raw(*b"NAME", craft::payload(|w| w.varint(0))),
        Raw(*b"GRPH", graph),
        Raw(*b"SERV", craft::payload(|w| w.varint(0))),
    ]);
    assert!(matches!(
        Bundle::decode(&bytes),
        Err(DecodeError::Truncated {
            section: "street graph",
            ..
        })
    ));
}

#[test]
fn the_encoder_refuses_what_the_decoder_would() {
    let mut b = sample();
    b.graph.edges[0].from = NodeId(10_000);
    assert!(matches!(b.encode(), Err(EncodeError::InvalidGraph(_))));

    let mut b = sample();
    b.graph.edges[0].shape = ShapeRange { start: 3, end: 1 };
    assert!(matches!(b.encode(), Err(EncodeError::InvalidGraph(_))));

    let mut b = sample();
    b.bbox.max = LngLat::new(b.bbox.min.lng + 3.0, b.bbox.max.lat);
    assert!(matches!(
        b.encode(),
        Err(EncodeError::ExtentTooLarge { .. })
    ));

    let mut b = sample();
    b.services[0].location = LngLat::new(0.0, 0.0);
    let err = b.encode().expect_err("outside");
    assert!(
        err.to_string().starts_with("service 's0' at (0, 0)"),
        "{err}"
    );

    let mut b = sample();
    b.services[0].location = LngLat::new(f64::NAN, 22.5);
    assert!(matches!(b.encode(), Err(EncodeError::OutsideExtent { .. })));

    let mut b = sample();
    b.readings.chars[0].syllables = vec![77];
    assert!(matches!(b.encode(), Err(EncodeError::InvalidReadings(_))));

    let mut b = sample();
    b.services.pop();
    assert_eq!(
        b.encode(),
        Err(EncodeError::HoursMismatch {
            places: 5,
            services: 4
        })
    );
}

#[test]
fn the_hours_section_holds_weekly_and_dated_plans_and_is_required() {
    let b = sample();
    let plans = b.hours.plans();
    assert!(matches!(plans[0], Plan::Weekly(_)));
    assert!(matches!(plans[3], Plan::Dated(_)));
    assert!(matches!(plans[4], Plan::None));
    assert_eq!(b.hours.comments(), ["night shift"]);
    let sections: Vec<Raw> = craft::sections(&b)
        .into_iter()
        .filter(|s| &s.0 != b"HOUR")
        .collect();
    let err = Bundle::decode(&craft::file(&sections)).expect_err("no hours");
    assert_eq!(
        err.to_string(),
        "the bundle has no opening hours section ('HOUR')"
    );
}

/// The sample's sections with the `HOUR` payload replaced.
fn with_hours_payload(payload: Vec<u8>) -> Vec<u8> {
    let sections: Vec<Raw> = craft::sections(&sample())
        .into_iter()
        .map(|s| {
            if &s.0 == b"HOUR" {
                Raw(s.0, payload.clone())
            } else {
                s
            }
        })
        .collect();
    craft::file(&sections)
}

#[test]
fn broken_hours_are_named_errors() {
    // No comments; day plans as (minutes, state) pieces; then `places` places, the last with `plan`, the others without hours.
    let hours = |days: &[&[(u64, u64)]], places: u64, plan: &[u8]| {
        craft::payload(|w| {
            w.varint(0);
            w.varint(days.len() as u64);
            for day in days {
                w.varint(day.len() as u64);
                for (minutes, state) in *day {
                    w.varint(*minutes);
                    w.varint(*state);
                }
            }
            w.varint(places);
            for _ in 1..places {
                w.byte(0);
            }
            for b in plan {
                w.byte(*b);
            }
        })
    };
    let whole: &[(u64, u64)] = &[(1440, 0)];
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            hours(&[&[(600, 0), (600, 1)]], 5, &[0]),
            "do not add up to 24 hours",
        ),
        (
            hours(&[&[(1000, 0), (1000, 1)]], 5, &[0]),
            "do not fit in 24 hours",
        ),
        (
            hours(&[&[(0, 0), (1440, 1)]], 5, &[0]),
            "do not fit in 24 hours",
        ),
        (hours(&[&[(1440, 3)]], 5, &[0]), "unknown kind of piece"),
        (hours(&[&[(1440, 4)]], 5, &[0]), "comment 0 does not exist"),
        (
            hours(&[whole], 4, &[0]),
            "hours for 4 places, but there are 5 services",
        ),
        (hours(&[whole], 5, &[7]), "unknown form of hours 7"),
        (
            hours(&[whole], 5, &[1, 0, 0, 0, 0, 0, 0, 9, 0]),
            "day plan 9 does not exist",
        ),
        // Overrides must be holiday keys in increasing order.
        (
            hours(&[whole], 5, &[1, 0, 0, 0, 0, 0, 0, 0, 1, 4, 0]),
            "out of order",
        ),
        (
            hours(&[whole], 5, &[1, 0, 0, 0, 0, 0, 0, 0, 2, 6, 0, 5, 0]),
            "out of order",
        ),
        // A dated window of 0 days.
        (
            hours(
                &[whole],
                5,
                &[2, 0xb8, 0x8e, 0x2d, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ),
            "the window is empty",
        ),
    ];
    for (payload, message) in cases {
        let err = Bundle::decode(&with_hours_payload(payload)).expect_err(message);
        assert!(
            matches!(
                err,
                DecodeError::Invalid {
                    section: "opening hours",
                    ..
                }
            ) && err.to_string().contains(message),
            "{message}: {err}"
        );
    }
    // A count beyond the bytes is truncation, not an allocation.
    let err = Bundle::decode(&with_hours_payload(craft::payload(|w| {
        w.varint(0);
        w.varint(u64::from(u32::MAX));
    })))
    .expect_err("huge count");
    assert!(matches!(
        err,
        DecodeError::Truncated {
            section: "opening hours",
            ..
        }
    ));
}

#[test]
fn extent_and_degrees_are_documented_numbers() {
    assert_eq!(MAX_EXTENT_E6 as f64, MAX_EXTENT_DEG * 1e6);
    assert_eq!(EXTENT_MARGIN_E6 as f64, EXTENT_MARGIN_DEG * 1e6);
    assert_eq!(degrees(-1_500_000), "-1.5");
    assert_eq!(degrees(114_020_300), "114.0203");
    assert_eq!(degrees(0), "0");
}
