//! A tiled dataset's files on disk: written, read back, and every way they can be missing,
//! damaged, stale or foreign gives a typed error naming the file, never a panic. The manifest
//! and tile decoders are fuzzed like the bundle's (`linli-core/tests/fuzz_bundle.rs`):
//! arbitrary bytes, mutations of valid files (checksum and hash fixed up so the structural
//! checks are reached), exact round trips; whatever decodes can be loaded and searched.
//!
//! `PROPTEST_CASES=100000 cargo test -p linli-build --release --test tile_files fuzz_` runs
//! longer.

use std::path::{Path, PathBuf};

use linli_build::tiles::{cut, write_dir, TileDir, TileDirError, TiledDataset};
use linli_build::{build, BuildOptions};
use linli_core::hash::content_hash;
use linli_core::tiles::{parse_index, Manifest, Tile, TileError, TileId, INDEX_FILE};
use linli_core::{Bundle, Crs, DecodeError, FileKind, Finder, LngLat, Mode, NearestSearch, Step};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Tiny town (the hand-made fixture) cut into 100 m tiles: a dozen small files.
fn tiny() -> (Bundle, TiledDataset) {
    let (bundle, _, _) = build(&BuildOptions {
        osm: fixture("tiny-town.osm"),
        services: fixture("tiny-town-services.csv"),
        services_crs: Crs::Wgs84,
        name: None,
        build_date: "2026-11-22".into(),
        skip_invalid: false,
    })
    .expect("fixture builds");
    let tiled = cut(&bundle, 100.0).expect("cuts");
    (bundle, tiled)
}

fn written() -> (tempfile::TempDir, TiledDataset) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, tiled) = tiny();
    write_dir(dir.path(), &tiled).expect("writes");
    (dir, tiled)
}

fn tile_path(dir: &Path, tiled: &TiledDataset, i: usize) -> PathBuf {
    dir.join(tiled.manifest.tiles[i].file_name())
}

#[test]
fn a_written_folder_reads_back_whole() {
    let (dir, tiled) = written();
    assert!(tiled.tiles.len() >= 6, "{} tiles", tiled.tiles.len());
    let index = std::fs::read_to_string(dir.path().join(INDEX_FILE)).expect("index");
    let (name, hash) = parse_index(&index).expect("parses");
    assert_eq!(name, tiled.manifest_name());
    assert_eq!(hash, content_hash(&tiled.manifest_bytes));
    let td = TileDir::open(dir.path()).expect("opens");
    assert_eq!(td.manifest(), &tiled.manifest);
    let mut f = td.finder();
    assert_eq!(td.load_all(&mut f).expect("loads"), tiled.tiles.len());
    assert!(f.is_complete());
    // Every file is named by its content's hash.
    for (i, t) in tiled.manifest.tiles.iter().enumerate() {
        let bytes = std::fs::read(tile_path(dir.path(), &tiled, i)).expect("tile");
        assert_eq!(content_hash(&bytes), t.hash);
        assert!(t.file_name().contains(&linli_core::hash::hex(t.hash)));
    }
}

#[test]
fn round_trips_are_exact() {
    let (_, tiled) = tiny();
    let m = Manifest::decode(&tiled.manifest_bytes, None).expect("decodes");
    assert_eq!(m, tiled.manifest);
    assert_eq!(m.encode().expect("encodes"), tiled.manifest_bytes);
    for (i, bytes) in tiled.tiles.iter().enumerate() {
        let t = Tile::decode(bytes, &m, TileId(i as u32)).expect("decodes");
        assert_eq!(&t.encode(&m.bbox).expect("encodes"), bytes);
    }
}

/// Rules with dates, comments and no hours at all: the manifest's `HOUR` section decodes to
/// the bundle's timetable, and a tiled finder answers as the bundle inside the dated window and
/// outside it ("needs updating"). A manifest whose hours do not match its places is refused.
#[test]
fn dated_hours_and_comments_travel_in_the_manifest() {
    use chrono::NaiveDate;
    use linli_build::timetable::compile_timetable;
    use linli_core::hours::{DayNote, OpenState};
    let (mut bundle, _) = tiny();
    let rules = [
        "Jun-Aug Mo-Fr 08:00-12:00; Sep-May Mo-Fr 09:00-17:00",
        "Mo-Su 09:00-18:00; Dec 24-Jan 02 off",
        "Mo-Fr 09:00-17:00 \"appointments by phone\"",
        "",
    ];
    assert_eq!(bundle.services.len(), rules.len());
    let built = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    bundle.hours = compile_timetable(rules, built).expect("compiles");
    let tiled = cut(&bundle, 100.0).expect("cuts");
    let m = Manifest::decode(&tiled.manifest_bytes, None).expect("decodes");
    assert_eq!(m.hours, bundle.hours);
    let single = Finder::new(Bundle::decode(&bundle.encode().expect("encodes")).expect("decodes"));
    let f = Finder::tiled(m.clone());
    let at = |y, mo, d, h| {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("time")
    };
    let instants = [
        at(2026, 7, 1, 10),
        at(2026, 11, 24, 10),
        at(2026, 12, 25, 10),
        at(2031, 7, 1, 10),
    ];
    for t in instants {
        for i in 0..rules.len() {
            let want = single.bundle().hours.hours(i).status(t);
            assert_eq!(f.bundle().hours.hours(i).status(t), want, "{i} {t}");
        }
    }
    let summer = f.bundle().hours.hours(0).status(instants[0]);
    assert_eq!(summer.state, OpenState::Open);
    let christmas = f.bundle().hours.hours(1).status(instants[2]);
    assert_eq!(christmas.state, OpenState::Closed);
    let comment = f.bundle().hours.hours(2).status(instants[1]);
    assert_eq!(comment.comment.as_deref(), Some("appointments by phone"));
    let beyond = f.bundle().hours.hours(0).status(instants[3]);
    assert_eq!(
        (beyond.state, beyond.note),
        (OpenState::Unknown, Some(DayNote::OutsideSchedule))
    );
    assert!(!f.bundle().hours.hours(3).is_known());
    let mut wrong = m;
    wrong.hours = linli_core::Timetable::without_hours(rules.len() + 1);
    assert!(matches!(
        wrong.encode(),
        Err(linli_core::EncodeError::HoursMismatch {
            places: 5,
            services: 4
        })
    ));
}

#[test]
fn a_missing_tile_is_named() {
    let (dir, tiled) = written();
    let path = tile_path(dir.path(), &tiled, 2);
    std::fs::remove_file(&path).expect("remove");
    let td = TileDir::open(dir.path()).expect("opens");
    let err = td.read_tile(TileId(2)).expect_err("missing");
    match &err {
        TileDirError::Io { path: p, error } => {
            assert_eq!(p, &path);
            assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains(&tiled.manifest.tiles[2].file_name()),
        "{err}"
    );
}

#[test]
fn a_damaged_or_swapped_tile_fails_its_hash() {
    let (dir, tiled) = written();
    let td = TileDir::open(dir.path()).expect("opens");
    // One byte changed.
    let path = tile_path(dir.path(), &tiled, 1);
    let mut bytes = std::fs::read(&path).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&path, &bytes).expect("write");
    let err = td.read_tile(TileId(1)).expect_err("damaged");
    assert!(
        matches!(&err, TileDirError::Tile { error: TileError::WrongHash { expected, .. }, .. } if *expected == tiled.manifest.tiles[1].hash),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("stale, swapped or damaged"),
        "{err}"
    );
    // Another tile's file under this one's name (a stale cache, a bad upload).
    std::fs::write(&path, &tiled.tiles[0]).expect("write");
    let err = td.read_tile(TileId(1)).expect_err("swapped");
    assert!(
        matches!(
            err,
            TileDirError::Tile {
                error: TileError::WrongHash { .. },
                ..
            }
        ),
        "{err:?}"
    );
    // Truncated.
    std::fs::write(&path, &tiled.tiles[1][..20]).expect("write");
    assert!(td.read_tile(TileId(1)).is_err());
}

#[test]
fn a_tile_that_is_not_the_one_asked_for_is_inconsistent() {
    let (_, tiled) = tiny();
    // A manifest that (wrongly) names tile 3's bytes as tile 4.
    let mut m = tiled.manifest.clone();
    m.tiles[4].hash = content_hash(&tiled.tiles[3]);
    let err = Tile::decode(&tiled.tiles[3], &m, TileId(4)).expect_err("inconsistent");
    assert!(
        matches!(&err, TileError::Inconsistent { what, .. } if what.contains("tile 3")),
        "{err:?}"
    );
    // And a tile index beyond the manifest.
    assert!(matches!(
        Tile::decode(&tiled.tiles[0], &m, TileId(999)),
        Err(TileError::NoSuchTile { tile: 999, .. })
    ));
}

#[test]
fn a_bad_entry_point_or_manifest_is_reported() {
    let (dir, tiled) = written();
    let index = dir.path().join(INDEX_FILE);
    std::fs::write(&index, "hello\n").expect("write");
    let err = TileDir::open(dir.path()).expect_err("bad index");
    assert!(err.to_string().contains("index.txt line 1"), "{err}");
    std::fs::write(&index, "linli-tiles 3\nmanifest m.0000000000000000.linli\n").expect("write");
    let err = TileDir::open(dir.path()).expect_err("newer");
    assert!(
        err.to_string()
            .contains("this version of Linli reads 'linli-tiles 2'"),
        "{err}"
    );
    std::fs::write(&index, "linli-tiles 2\nmanifest m.0000000000000000.linli\n").expect("write");
    assert!(matches!(
        TileDir::open(dir.path()),
        Err(TileDirError::Io { .. })
    ));
    // The manifest damaged under its name.
    std::fs::write(
        &index,
        linli_core::tiles::index_text(content_hash(&tiled.manifest_bytes)),
    )
    .expect("write");
    let mpath = dir.path().join(tiled.manifest_name());
    let mut bytes = tiled.manifest_bytes.clone();
    bytes[12] ^= 1;
    std::fs::write(&mpath, &bytes).expect("write");
    assert!(matches!(
        TileDir::open(dir.path()),
        Err(TileDirError::Tile {
            error: TileError::WrongHash { .. },
            ..
        })
    ));
}

#[test]
fn each_kind_of_file_is_refused_where_another_is_expected() {
    let (bundle, tiled) = tiny();
    assert_eq!(
        Bundle::decode(&tiled.tiles[0]),
        Err(DecodeError::WrongKind {
            expected: FileKind::Bundle,
            found: FileKind::Tile
        })
    );
    let msg = Bundle::decode(&tiled.manifest_bytes)
        .expect_err("manifest")
        .to_string();
    assert!(
        msg.contains("this is a Linli tile manifest, not a bundle")
            && msg.contains("give the folder"),
        "{msg}"
    );
    let bytes = bundle.encode().expect("encodes");
    assert!(matches!(
        Manifest::decode(&bytes, None),
        Err(TileError::Decode {
            error: DecodeError::WrongKind {
                expected: FileKind::Manifest,
                found: FileKind::Bundle
            },
            ..
        })
    ));
}

#[test]
fn a_tile_cannot_be_loaded_twice_by_two_owners_or_into_a_bundle() {
    let (bundle, tiled) = tiny();
    let mut single = Finder::new(bundle);
    let t = tiled.tile(TileId(0)).expect("decodes");
    assert_eq!(single.add_tile(t.clone()), Err(TileError::NotTiled));
    let mut f = Finder::tiled(tiled.manifest.clone());
    f.add_tile(t.clone()).expect("loads");
    // Loading it again replaces it.
    f.add_tile(t).expect("reloads");
    assert_eq!(f.network().loaded_tiles().count(), 1);
}

// ---- fuzzing ----

/// Puts a valid CRC on `bytes` (the last four).
fn fix_crc(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() >= 4 {
        let end = bytes.len() - 4;
        let crc = crc32fast_hash(&bytes[..end]);
        bytes[end..].copy_from_slice(&crc.to_le_bytes());
    }
    bytes
}

/// CRC-32 (IEEE), bitwise: the test's own, so it does not lean on the decoder's.
fn crc32fast_hash(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let head = 10; // magic and version, so the structural checks are reached
    let span = bytes.len().saturating_sub(head).max(1);
    match m {
        Mutation::Flip(i, b) => {
            if let Some(x) = bytes.get_mut(head + i % span) {
                *x ^= b;
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

/// Whatever manifest decodes re-encodes to itself and can be searched.
fn check_manifest(bytes: &[u8]) {
    let Ok(m) = Manifest::decode(bytes, None) else {
        return;
    };
    let again = m.encode().expect("a decoded manifest re-encodes");
    assert_eq!(Manifest::decode(&again, None).as_ref(), Ok(&m));
    let f = Finder::tiled(m);
    let here = f.bundle().bbox.center();
    let _ = f.origin_tiles(here, Mode::Walk);
    let mut s = NearestSearch::new(&f, f.router(), here, Mode::Walk, |_| true);
    let _ = s.advance(&f);
    let _ = linli_core::search::SearchIndex::for_finder(&f)
        .search(&linli_core::search::SearchQuery::new("a", here));
}

/// Whatever tile decodes (its hash accepted) can be loaded and routed on.
fn check_tile(manifest: &Manifest, id: TileId, bytes: &[u8]) {
    let mut m = manifest.clone();
    m.tiles[id.index()].hash = content_hash(bytes);
    let Ok(tile) = Tile::decode(bytes, &m, id) else {
        return;
    };
    let again = tile.encode(&m.bbox).expect("a decoded tile re-encodes");
    m.tiles[id.index()].hash = content_hash(&again);
    assert_eq!(Tile::decode(&again, &m, id).as_ref(), Ok(&tile));
    let mut f = Finder::tiled(m);
    if f.add_tile(tile).is_err() {
        return;
    }
    let here = f.bundle().bbox.center();
    for mode in Mode::ALL {
        let mut s = NearestSearch::new(&f, f.router(), here, mode, |_| true);
        for _ in 0..3 {
            match s.advance(&f) {
                Ok(Step::NeedTiles(_)) => {}
                _ => break,
            }
        }
        let _ = s.results(&f);
    }
    let _ = linli_core::circle::coverage(&f, &mut f.router(), Mode::Walk, &[0], &[5.0]);
}

proptest! {
    #[test]
    fn fuzz_arbitrary_manifests_and_tiles_never_panic(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let (_, tiled) = tiny();
        for kind in [FileKind::Manifest, FileKind::Tile] {
            let mut bytes = kind.magic().to_vec();
            bytes.extend_from_slice(&2u16.to_le_bytes());
            bytes.extend_from_slice(&body);
            bytes.extend_from_slice(&[0; 4]);
            let fixed = fix_crc(bytes.clone());
            check_manifest(&fixed);
            check_manifest(&bytes);
            check_tile(&tiled.manifest, TileId(0), &fixed);
            check_tile(&tiled.manifest, TileId(0), &bytes);
        }
    }

    #[test]
    fn fuzz_mutated_manifests_never_panic(
        mutations in prop::collection::vec(mutation(), 1..5),
        fix in any::<bool>(),
    ) {
        let (_, tiled) = tiny();
        let mut bytes = tiled.manifest_bytes.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if fix {
            bytes = fix_crc(bytes);
        }
        check_manifest(&bytes);
    }

    #[test]
    fn fuzz_mutated_tiles_never_panic(
        which in 0usize..64,
        mutations in prop::collection::vec(mutation(), 1..5),
        fix in any::<bool>(),
    ) {
        let (_, tiled) = tiny();
        let id = which % tiled.tiles.len();
        let mut bytes = tiled.tiles[id].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if fix {
            bytes = fix_crc(bytes);
        }
        check_tile(&tiled.manifest, TileId(id as u32), &bytes);
    }
}

#[test]
fn crc_helper_matches_the_format() {
    let (_, tiled) = tiny();
    assert_eq!(fix_crc(tiled.tiles[0].clone()), tiled.tiles[0]);
    let _ = LngLat::default();
}
