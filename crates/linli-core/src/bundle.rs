//! The bundle: one versioned binary file holding everything the app needs.
//!
//! # Layout (format version 2)
//! All fixed-size integers are little-endian. `varint` is unsigned LEB128; `zigzag` maps signed
//! to unsigned (0, -1, 1, -2 → 0, 1, 2, 3) before LEB128. `str` is a varint byte length and
//! UTF-8 bytes. Coordinates are WGS-84 micro-degrees (`[lng, lat]`).
//!
//! ```text
//! magic      8 bytes  "LINLI\0BN"
//! version    u16      2
//! sections   one after another, until the checksum:
//!              tag      4 ASCII letters or digits; an upper-case first letter marks a section
//!                       a reader must understand, a lower-case one a section it may skip
//!              length   u32, bytes of the payload
//!              payload  `length` bytes
//! checksum   u32      CRC-32 (IEEE) of every byte before it
//! ```
//!
//! A tiled dataset's manifest and tiles ([`crate::tiles`]) use the same framing with their own
//! magic (`LINLI\0MF`, `LINLI\0TL`, see [`FileKind`]): a file of one kind given where another
//! is expected is [`DecodeError::WrongKind`].
//!
//! Sections may come in any order (this code writes them in the order below), each at most
//! once. A reader skips optional sections it does not know and refuses a bundle with a required
//! section it does not know ([`DecodeError::UnknownRequiredSection`]), so optional parts can be
//! added without a new version; a new version is only needed when a known section changes.
//! Every known section must be read to its last byte.
//!
//! | tag | required | payload |
//! |---|---|---|
//! | `HEAD` | yes | name: str, build_date: str (YYYY-MM-DD), attribution: str, bbox: 4 × zigzag (min lng, min lat, max lng, max lat) |
//! | `NAME` | yes | street names: count: varint, then count × str |
//! | `GRPH` | yes | the street graph, see below |
//! | `SERV` | yes | the services, see below |
//! | `HOUR` | yes | the opening hours compiled by `linli build` ([`crate::timetable`]), see below |
//! | `pnyn` | no | pinyin readings for search ([`crate::pinyin::Readings`]), see below |
//!
//! ```text
//! GRPH  nodes  count: varint, then count × (Δlng, Δlat) zigzag, Δ from the previous node
//!              (the first from 0)
//!       edges  count: varint, then per edge:
//!                from: zigzag Δ from the previous edge's `from`, to: zigzag Δ from `from`,
//!                access: u8 (six bits, see profile::Access), class: u8 (graph::RoadClass),
//!                name: varint (0 = none, else index into NAME + 1),
//!                shape count: varint, then count × (Δlng, Δlat) zigzag, each from the previous
//!                point of the polyline (the first from the `from` node)
//! SERV  count: varint, then per service:
//!         id, name: str; kind: u8; Δlng, Δlat: zigzag from the previous service (the first
//!         from 0); address, opening_hours: str; amenities: varint (bit set); floor: zigzag
//!         (0 = unknown, else the floor, ≥ 1 or ≤ -1); phone, notes, price: str
//! HOUR  comments   count: varint, then count × str (not empty)
//!       days       distinct day plans: count: varint, then per day: pieces: count: varint (≥ 1),
//!                  then per piece: minutes: varint (its length, ≥ 1; a day's add up to 1440),
//!                  state: varint (low two bits the kind: 0 open, 1 closed, 2 unknown; above
//!                  them 0 = no comment, else the comment's index + 1)
//!       places     count: varint (= the number of services, same order), then per place a form
//!                  byte and its data:
//!                  0  no opening hours
//!                  1  weekly: 7 × day: varint, the plans of ordinary Monday … Sunday; then the
//!                     holiday keys that differ from their weekday's ordinary plan: count:
//!                     varint, count × (key: u8 = 4 × weekday + 2 × holiday + day after a
//!                     holiday, in increasing order; day: varint)
//!                  2  dated: from: varint (days since 0001-01-01 CE), length: varint (days of
//!                     the window), periods: count: varint (≥ 1), per period: start: varint
//!                     (days after the previous period's start; the first after `from`, 0),
//!                     7 × day: varint (Monday … Sunday); exceptions: count: varint, per
//!                     exception: date: varint (days after the previous exception, the first
//!                     after `from`), day: varint
//! pnyn  syllables  count: varint, then count × str (lower-case ASCII)
//!       chars      count: varint, then per character: code point as varint Δ from the
//!                  previous character's (the first from 0; strictly increasing), then
//!                  readings: count: varint, count × syllable index: varint
//!       phrases    count: varint, then per word: text: str, then per character of the word
//!                  its readings as in `chars`
//! ```
//!
//! # Extent
//! A bundle covers at most [`MAX_EXTENT_DEG`] degrees of longitude and of latitude (its bbox),
//! and every coordinate in it lies within the bbox grown by [`EXTENT_MARGIN_DEG`]. Memory and
//! time spent on a bundle are then bounded by its size, never by the area its points span
//! (a bundle with streets at opposite corners of the world is refused,
//! [`DecodeError::ExtentTooLarge`] and [`DecodeError::OutsideExtent`]). `linli build` checks the
//! same limit. Larger areas will be served as tiles.
//!
//! # Safety of decoding
//! Decoding never panics and allocates at most in proportion to the bytes given: every count
//! is checked against the bytes left before anything is read, vectors grow as items are read
//! (never reserved from a stored count), and all offset and coordinate arithmetic is checked.
//! Edge lengths, adjacency and the snapping index are not stored: [`crate::Network::new`]
//! derives them on load.

use std::collections::HashMap;
use std::fmt;

use crate::decimal::Trimmed;
use crate::geom::{BBox, LngLat};
use crate::graph::{Edge, NodeId, RoadClass, ShapeRange, StreetGraph};
use crate::pinyin::{CharReadings, PhraseReadings, Readings, SyllableId};
use crate::profile::Access;
use crate::service::{Amenities, Kind, Service};
use crate::timetable::Timetable;

/// The first eight bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"LINLI\0BN";
/// The format version this code writes and reads.
pub const FORMAT_VERSION: u16 = 2;
/// The most a bundle may span, in degrees of longitude and of latitude (about 220 km north to
/// south). A district or a whole city fits; larger areas are for tiles.
pub const MAX_EXTENT_DEG: f64 = 2.0;
/// How far outside its bbox a coordinate may lie, in degrees (about 5 km; services may stand up
/// to 1 km beyond the last street).
pub const EXTENT_MARGIN_DEG: f64 = 0.05;

const MAX_EXTENT_E6: i64 = 2_000_000;
const EXTENT_MARGIN_E6: i64 = 50_000;
const WORLD_E6: [i64; 2] = [180_000_000, 90_000_000];

/// A section's four-byte tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(pub [u8; 4]);

impl Tag {
    /// Name, build date, attribution and bbox.
    pub const HEADER: Tag = Tag(*b"HEAD");
    /// Street names.
    pub const STREET_NAMES: Tag = Tag(*b"NAME");
    /// Nodes and edges.
    pub const STREET_GRAPH: Tag = Tag(*b"GRPH");
    /// The places.
    pub const SERVICES: Tag = Tag(*b"SERV");
    /// Pinyin readings for search (optional).
    pub const READINGS: Tag = Tag(*b"pnyn");
    /// The compiled opening hours.
    pub const HOURS: Tag = Tag(*b"HOUR");
    /// A tiled dataset's manifest: the tile grid and the table of tiles ([`crate::tiles`]).
    pub const TILE_TABLE: Tag = Tag(*b"TGRD");
    /// A tiled dataset's manifest: the compact index of every place.
    pub const PLACE_INDEX: Tag = Tag(*b"PIDX");
    /// A tile: which tile it is, and the global ids of its nodes, edges and street names.
    pub const TILE_IDS: Tag = Tag(*b"TILE");
    /// A tile: the places joined to its streets (their candidate streets, per mode).
    pub const PLACE_JOINS: Tag = Tag(*b"JOIN");
    /// A tile: the full records of the places that stand in it.
    pub const PLACE_RECORDS: Tag = Tag(*b"RECS");

    /// Must a reader understand this section to use the bundle?
    pub const fn is_required(self) -> bool {
        self.0[0].is_ascii_uppercase()
    }

    /// What the section holds, for messages.
    pub fn section_name(self) -> &'static str {
        match self {
            Tag::HEADER => "header",
            Tag::STREET_NAMES => "street names",
            Tag::STREET_GRAPH => "street graph",
            Tag::SERVICES => "services",
            Tag::READINGS => "pinyin readings",
            Tag::HOURS => "opening hours",
            Tag::TILE_TABLE => "tile table",
            Tag::PLACE_INDEX => "place index",
            Tag::TILE_IDS => "tile ids",
            Tag::PLACE_JOINS => "place joins",
            Tag::PLACE_RECORDS => "place records",
            _ => "unknown",
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            if b.is_ascii_graphic() {
                write!(f, "{}", char::from(b))?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// Everything the app loads: metadata, services, the street graph and the search readings.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// Area name shown to users, e.g. "深圳福田 香蜜湖–车公庙".
    pub name: String,
    /// The day the bundle was built, `YYYY-MM-DD`.
    pub build_date: String,
    /// Attribution that must be shown with the data.
    pub attribution: String,
    /// The area covered.
    pub bbox: BBox,
    /// The services, in the order of the source file.
    pub services: Vec<Service>,
    /// The streets.
    pub graph: StreetGraph,
    /// Pinyin readings of the characters in names, for search; empty when the bundle has none
    /// (search then matches characters and latin letters only).
    pub readings: Readings,
    /// The opening hours of every service (same order), compiled from their `opening_hours`
    /// by `linli build`.
    pub hours: Timetable,
}

/// Why bytes could not be decoded as a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file does not start with the bundle's magic bytes.
    #[error("not a Linli bundle (the file does not start with the Linli signature)")]
    NotABundle,
    /// Another kind of Linli file than the one expected (a tile or a manifest given where a
    /// bundle is expected, or the other way round).
    #[error("this is a Linli {found}, not a {expected}{}", if *found == FileKind::Bundle || *expected == FileKind::Bundle { " (a tiled dataset is a folder: give the folder, not one of its files)" } else { "" })]
    WrongKind {
        /// What was expected.
        expected: FileKind,
        /// What the file is.
        found: FileKind,
    },
    /// Written by a different format version.
    #[error("bundle format version {found} is not supported (this version reads {supported})")]
    UnsupportedVersion {
        /// Version in the file.
        found: u16,
        /// Version this code reads.
        supported: u16,
    },
    /// The file ends before the structure does.
    #[error("the bundle is truncated: it ends in the {section} section at byte {offset}")]
    Truncated {
        /// Section being read.
        section: &'static str,
        /// Byte offset where data ran out.
        offset: usize,
    },
    /// The checksum does not match: the file was damaged.
    #[error("the bundle is corrupted (checksum {found:08x}, expected {expected:08x})")]
    Corrupted {
        /// Checksum computed over the content.
        found: u32,
        /// Checksum stored in the file.
        expected: u32,
    },
    /// A value is out of range or inconsistent.
    #[error("the bundle is invalid in the {section} section at byte {offset}: {what}")]
    Invalid {
        /// Section being read.
        section: &'static str,
        /// Byte offset of the bad value.
        offset: usize,
        /// What is wrong.
        what: String,
    },
    /// A section every bundle has is missing.
    #[error("the bundle has no {section} section ('{tag}')")]
    MissingSection {
        /// The section's tag.
        tag: String,
        /// What it holds.
        section: &'static str,
    },
    /// A section this version must understand but does not know: written by a newer Linli.
    #[error("the bundle has a required section '{tag}' that this version of Linli does not know; it was written by a newer version")]
    UnknownRequiredSection {
        /// The section's tag.
        tag: String,
    },
    /// The bbox spans more than [`MAX_EXTENT_DEG`].
    #[error("the bundle covers {} × {} degrees, more than the {} × {} degrees a bundle may cover", degrees(*width_e6), degrees(*height_e6), Trimmed(MAX_EXTENT_DEG), Trimmed(MAX_EXTENT_DEG))]
    ExtentTooLarge {
        /// Width of the bbox, micro-degrees of longitude.
        width_e6: i64,
        /// Height of the bbox, micro-degrees of latitude.
        height_e6: i64,
    },
    /// A coordinate lies outside the bbox grown by [`EXTENT_MARGIN_DEG`].
    #[error("the bundle is invalid in the {section} section at byte {offset}: the point ({}, {}) lies outside the bundle's area", degrees(*lng_e6), degrees(*lat_e6))]
    OutsideExtent {
        /// Section being read.
        section: &'static str,
        /// Byte offset of the point.
        offset: usize,
        /// Longitude, micro-degrees.
        lng_e6: i64,
        /// Latitude, micro-degrees.
        lat_e6: i64,
    },
}

/// Why a bundle could not be encoded. [`Bundle::encode`] only writes what
/// [`Bundle::decode`] reads back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// More items than the format's 32-bit counts hold.
    #[error("too many {what} for a bundle: {count} (at most {})", u32::MAX)]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// How many there are.
        count: usize,
    },
    /// A section larger than its 32-bit length holds.
    #[error(
        "the {section} section is {bytes} bytes, more than a bundle section may hold ({})",
        u32::MAX
    )]
    SectionTooLarge {
        /// The section.
        section: &'static str,
        /// Its size.
        bytes: usize,
    },
    /// The street graph refers to nodes, names or shape points that do not exist.
    #[error("the street graph is inconsistent: {0}")]
    InvalidGraph(String),
    /// The pinyin readings are inconsistent.
    #[error("the pinyin readings are inconsistent: {0}")]
    InvalidReadings(String),
    /// The opening hours do not match the services.
    #[error("the opening hours are for {places} places, but there are {services} services")]
    HoursMismatch {
        /// Places in the timetable.
        places: usize,
        /// Services in the bundle.
        services: usize,
    },
    /// The bbox spans more than [`MAX_EXTENT_DEG`].
    #[error("the area covers {} × {} degrees, more than the {} × {} degrees a bundle may cover", degrees(*width_e6), degrees(*height_e6), Trimmed(MAX_EXTENT_DEG), Trimmed(MAX_EXTENT_DEG))]
    ExtentTooLarge {
        /// Width, micro-degrees of longitude.
        width_e6: i64,
        /// Height, micro-degrees of latitude.
        height_e6: i64,
    },
    /// A point lies outside the bbox grown by [`EXTENT_MARGIN_DEG`].
    #[error("{what} at ({}, {}) lies outside the bundle's area", degrees(*lng_e6), degrees(*lat_e6))]
    OutsideExtent {
        /// Which point.
        what: String,
        /// Longitude, micro-degrees.
        lng_e6: i64,
        /// Latitude, micro-degrees.
        lat_e6: i64,
    },
}

fn degrees(e6: i64) -> String {
    let sign = if e6 < 0 { "-" } else { "" };
    let a = e6.unsigned_abs();
    let whole = a / 1_000_000;
    let frac = a % 1_000_000;
    format!("{sign}{whole}.{frac:06}")
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// The box every coordinate must lie in: the bbox grown by the margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extent {
    min: [i64; 2],
    max: [i64; 2],
}

/// Why an extent is unacceptable, before it is turned into a decode or encode error.
enum ExtentProblem {
    TooLarge { width_e6: i64, height_e6: i64 },
    Inverted,
    OffTheWorld,
}

impl Extent {
    /// The allowed box for a bbox given in micro-degrees.
    fn of_bbox(min: [i64; 2], max: [i64; 2]) -> Result<Extent, ExtentProblem> {
        for k in 0..2 {
            if min[k].abs() > WORLD_E6[k] || max[k].abs() > WORLD_E6[k] {
                return Err(ExtentProblem::OffTheWorld);
            }
            if min[k] > max[k] {
                return Err(ExtentProblem::Inverted);
            }
        }
        // Both spans are at most 360° in micro-degrees: no overflow.
        let (width_e6, height_e6) = (max[0] - min[0], max[1] - min[1]);
        if width_e6 > MAX_EXTENT_E6 || height_e6 > MAX_EXTENT_E6 {
            return Err(ExtentProblem::TooLarge {
                width_e6,
                height_e6,
            });
        }
        let grow = |k: usize| {
            (
                (min[k] - EXTENT_MARGIN_E6).max(-WORLD_E6[k]),
                (max[k] + EXTENT_MARGIN_E6).min(WORLD_E6[k]),
            )
        };
        let ((x0, x1), (y0, y1)) = (grow(0), grow(1));
        Ok(Extent {
            min: [x0, y0],
            max: [x1, y1],
        })
    }

    pub(crate) fn contains(&self, p: [i64; 2]) -> bool {
        (0..2).all(|k| (self.min[k]..=self.max[k]).contains(&p[k]))
    }
}

/// The bbox in micro-degrees, as stored.
pub(crate) fn bbox_e6(bbox: &BBox) -> ([i64; 2], [i64; 2]) {
    let (min, max) = (bbox.min.to_e6(), bbox.max.to_e6());
    (
        [i64::from(min[0]), i64::from(min[1])],
        [i64::from(max[0]), i64::from(max[1])],
    )
}

pub(crate) fn wide(p: [i32; 2]) -> [i64; 2] {
    [i64::from(p[0]), i64::from(p[1])]
}

/// Checks that `bbox` spans at most [`MAX_EXTENT_DEG`] in longitude and latitude (the limit
/// the decoder applies), for `linli build` to refuse an oversized area before any work.
pub fn check_area(bbox: &BBox) -> Result<(), EncodeError> {
    extent_of(bbox).map(|_| ())
}

pub(crate) fn extent_of(bbox: &BBox) -> Result<Extent, EncodeError> {
    let (min, max) = bbox_e6(bbox);
    match Extent::of_bbox(min, max) {
        Ok(e) => Ok(e),
        Err(ExtentProblem::TooLarge {
            width_e6,
            height_e6,
        }) => Err(EncodeError::ExtentTooLarge {
            width_e6,
            height_e6,
        }),
        Err(ExtentProblem::Inverted | ExtentProblem::OffTheWorld) => {
            Err(EncodeError::OutsideExtent {
                what: "the bbox corner".into(),
                lng_e6: min[0],
                lat_e6: min[1],
            })
        }
    }
}

impl Bundle {
    /// Checks that the area fits [`MAX_EXTENT_DEG`] and every point lies within it; `linli
    /// build` and [`Bundle::encode`] call it.
    pub fn check_extent(&self) -> Result<(), EncodeError> {
        let extent = extent_of(&self.bbox)?;
        let outside = |what: String, p: [i64; 2]| EncodeError::OutsideExtent {
            what,
            lng_e6: p[0],
            lat_e6: p[1],
        };
        let g = &self.graph;
        if let Some((i, p)) = g
            .nodes
            .iter()
            .enumerate()
            .find(|(_, p)| !extent.contains(wide(**p)))
        {
            return Err(outside(format!("street node {i}"), wide(*p)));
        }
        if let Some((i, p)) = g
            .shape_points
            .iter()
            .enumerate()
            .find(|(_, p)| !extent.contains(wide(**p)))
        {
            return Err(outside(format!("street shape point {i}"), wide(*p)));
        }
        for s in &self.services {
            let p = wide(s.location.to_e6());
            if !s.location.is_valid() || !extent.contains(p) {
                return Err(outside(format!("service '{}'", s.id), p));
            }
        }
        Ok(())
    }

    /// Serialises the bundle. Fails, rather than writing a file that would not decode, when a
    /// count does not fit the format, the graph or readings are inconsistent, or the area is too
    /// large.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        self.graph
            .validate()
            .map_err(|e| EncodeError::InvalidGraph(e.to_string()))?;
        self.readings
            .validate()
            .map_err(EncodeError::InvalidReadings)?;
        self.check_extent()?;
        if self.hours.len() != self.services.len() {
            return Err(EncodeError::HoursMismatch {
                places: self.hours.len(),
                services: self.services.len(),
            });
        }
        write_framed(FileKind::Bundle, |w| {
            w.section(Tag::HEADER, |s| encode_header(&self.head(), s))?;
            w.section(Tag::STREET_NAMES, |s| encode_names(&self.graph, s))?;
            w.section(Tag::STREET_GRAPH, |s| encode_graph(&self.graph, s))?;
            w.section(Tag::SERVICES, |s| encode_services(&self.services, s))?;
            w.section(Tag::HOURS, |s| hours::encode_timetable(&self.hours, s))?;
            if self.readings != Readings::default() {
                w.section(Tag::READINGS, |s| encode_readings(&self.readings, s))?;
            }
            Ok(())
        })
    }

    /// Reads a bundle, checking the signature, version, checksum, sections, extent and every
    /// index. Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Bundle, DecodeError> {
        let (start, end) = open_framed(bytes, FileKind::Bundle, |b, s, e| {
            decode_sections(b, s, e).map(|_| ())
        })?;
        decode_sections(bytes, start, end)
    }
}

/// Which kind of Linli file: the last two bytes of the magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A single-file bundle (`LINLI\0BN`).
    Bundle,
    /// A tiled dataset's manifest (`LINLI\0MF`).
    Manifest,
    /// One tile of a tiled dataset (`LINLI\0TL`).
    Tile,
}

impl FileKind {
    /// The eight magic bytes this kind of file starts with.
    pub const fn magic(self) -> [u8; 8] {
        match self {
            FileKind::Bundle => MAGIC,
            FileKind::Manifest => *b"LINLI\0MF",
            FileKind::Tile => *b"LINLI\0TL",
        }
    }

    /// Its name in messages.
    pub const fn name(self) -> &'static str {
        match self {
            FileKind::Bundle => "bundle",
            FileKind::Manifest => "tile manifest",
            FileKind::Tile => "tile",
        }
    }

    fn of_magic(m: &[u8]) -> Option<FileKind> {
        [FileKind::Bundle, FileKind::Manifest, FileKind::Tile]
            .into_iter()
            .find(|k| k.magic() == m)
    }

    /// The sections a reader of this kind of file knows.
    fn known(self) -> &'static [Tag] {
        match self {
            FileKind::Bundle => &[
                Tag::HEADER,
                Tag::STREET_NAMES,
                Tag::STREET_GRAPH,
                Tag::SERVICES,
                Tag::HOURS,
                Tag::READINGS,
            ],
            FileKind::Manifest => &[
                Tag::HEADER,
                Tag::TILE_TABLE,
                Tag::PLACE_INDEX,
                Tag::HOURS,
                Tag::READINGS,
            ],
            FileKind::Tile => &[
                Tag::TILE_IDS,
                Tag::STREET_NAMES,
                Tag::STREET_GRAPH,
                Tag::PLACE_JOINS,
                Tag::PLACE_RECORDS,
            ],
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Checks the magic (of `kind`), the version and the checksum of a framed file; returns where
/// its sections start and end. `structure` reads the sections as they are, to tell a file cut
/// short (a truncation error) from a damaged one when the checksum does not match.
pub(crate) fn open_framed(
    bytes: &[u8],
    kind: FileKind,
    structure: impl Fn(&[u8], usize, usize) -> Result<(), DecodeError>,
) -> Result<(usize, usize), DecodeError> {
    let magic = MAGIC.len();
    if bytes.len() < magic || bytes[..magic - 2] != MAGIC[..magic - 2] {
        return Err(DecodeError::NotABundle);
    }
    if bytes[..magic] != kind.magic() {
        return Err(match FileKind::of_magic(&bytes[..magic]) {
            Some(found) => DecodeError::WrongKind {
                expected: kind,
                found,
            },
            None => DecodeError::NotABundle,
        });
    }
    let mut r = Reader::new(bytes, magic, bytes.len(), "header");
    let version = u16::from_le_bytes(r.array::<2>()?);
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let body_end = verify_checksum(bytes, r.pos, structure)?;
    Ok((r.pos, body_end))
}

/// Writes a framed file of `kind`: magic, version, the sections `body` writes, checksum.
pub(crate) fn write_framed(
    kind: FileKind,
    body: impl FnOnce(&mut Writer) -> Result<(), EncodeError>,
) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::default();
    w.bytes(&kind.magic());
    w.bytes(&FORMAT_VERSION.to_le_bytes());
    body(&mut w)?;
    let crc = crc32fast::hash(&w.buf);
    w.bytes(&crc.to_le_bytes());
    Ok(w.buf)
}

/// Checks the CRC and returns where the sections end. A file cut short also fails the CRC;
/// tell the two apart by reading the sections as they are.
fn verify_checksum(
    bytes: &[u8],
    sections_start: usize,
    structure: impl Fn(&[u8], usize, usize) -> Result<(), DecodeError>,
) -> Result<usize, DecodeError> {
    let Some(body_end) = bytes
        .len()
        .checked_sub(4)
        .filter(|end| *end >= sections_start)
    else {
        return Err(DecodeError::Truncated {
            section: "checksum",
            offset: bytes.len(),
        });
    };
    let mut crc_bytes = [0u8; 4];
    crc_bytes.copy_from_slice(&bytes[body_end..]);
    let expected = u32::from_le_bytes(crc_bytes);
    let found = crc32fast::hash(&bytes[..body_end]);
    if found == expected {
        return Ok(body_end);
    }
    Err(match structure(bytes, sections_start, body_end) {
        Err(e @ DecodeError::Truncated { .. }) => e,
        _ => DecodeError::Corrupted { found, expected },
    })
}

/// Where each section's payload is: `(tag, start, end)` byte offsets in the file.
pub(crate) struct SectionTable {
    sections: HashMap<Tag, (usize, usize)>,
}

impl SectionTable {
    /// Reads the framing of every section between `start` and `end`.
    pub(crate) fn read(
        bytes: &[u8],
        start: usize,
        end: usize,
        kind: FileKind,
    ) -> Result<SectionTable, DecodeError> {
        let mut r = Reader::new(bytes, start, end, "section table");
        let mut sections = HashMap::new();
        while r.pos < end {
            let at = r.pos;
            let tag = Tag(r.array::<4>()?);
            if !tag.0.iter().all(u8::is_ascii_alphanumeric) {
                return Err(r.invalid_at(at, format!("'{tag}' is not a section tag")));
            }
            let len = u32::from_le_bytes(r.array::<4>()?);
            let payload_start = r.pos;
            let payload_end = r.skip(len as usize)?;
            if sections.insert(tag, (payload_start, payload_end)).is_some() {
                return Err(r.invalid_at(at, format!("section '{tag}' appears twice")));
            }
            if !tag.is_required() || kind.known().contains(&tag) {
                continue;
            }
            return Err(DecodeError::UnknownRequiredSection {
                tag: tag.to_string(),
            });
        }
        Ok(SectionTable { sections })
    }

    /// A reader over a section every bundle has.
    pub(crate) fn required<'a>(
        &self,
        bytes: &'a [u8],
        tag: Tag,
    ) -> Result<Reader<'a>, DecodeError> {
        self.optional(bytes, tag)
            .ok_or_else(|| DecodeError::MissingSection {
                tag: tag.to_string(),
                section: tag.section_name(),
            })
    }

    /// A reader over a section, if present.
    pub(crate) fn optional<'a>(&self, bytes: &'a [u8], tag: Tag) -> Option<Reader<'a>> {
        let &(start, end) = self.sections.get(&tag)?;
        Some(Reader::new(bytes, start, end, tag.section_name()))
    }
}

/// Decodes every known section, in dependency order.
fn decode_sections(bytes: &[u8], start: usize, end: usize) -> Result<Bundle, DecodeError> {
    let table = SectionTable::read(bytes, start, end, FileKind::Bundle)?;
    let (header, extent) = table.required(bytes, Tag::HEADER)?.whole(decode_header)?;
    let names = table
        .required(bytes, Tag::STREET_NAMES)?
        .whole(decode_names)?;
    let graph = table
        .required(bytes, Tag::STREET_GRAPH)?
        .whole(|r| decode_graph(r, names, &extent))?;
    let services = table
        .required(bytes, Tag::SERVICES)?
        .whole(|r| decode_services(r, &extent))?;
    let hours = table
        .required(bytes, Tag::HOURS)?
        .whole(|r| hours::decode_timetable(r, services.len()))?;
    let readings = match table.optional(bytes, Tag::READINGS) {
        Some(r) => r.whole(decode_readings)?,
        None => Readings::default(),
    };
    Ok(Bundle {
        name: header.name,
        build_date: header.build_date,
        attribution: header.attribution,
        bbox: header.bbox,
        services,
        graph,
        readings,
        hours,
    })
}

/// The `HEAD` section of a bundle or a manifest.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub(crate) name: String,
    pub(crate) build_date: String,
    pub(crate) attribution: String,
    pub(crate) bbox: BBox,
}

impl Bundle {
    fn head(&self) -> Header {
        Header {
            name: self.name.clone(),
            build_date: self.build_date.clone(),
            attribution: self.attribution.clone(),
            bbox: self.bbox,
        }
    }
}

pub(crate) fn encode_header(b: &Header, w: &mut Writer) -> Result<(), EncodeError> {
    w.str(&b.name)?;
    w.str(&b.build_date)?;
    w.str(&b.attribution)?;
    let (min, max) = bbox_e6(&b.bbox);
    for p in [min, max] {
        w.zigzag(p[0]);
        w.zigzag(p[1]);
    }
    Ok(())
}

pub(crate) fn decode_header(r: &mut Reader) -> Result<(Header, Extent), DecodeError> {
    let name = r.str()?;
    let build_date = r.str()?;
    let attribution = r.str()?;
    let at = r.pos;
    let min = [r.zigzag()?, r.zigzag()?];
    let max = [r.zigzag()?, r.zigzag()?];
    let extent = match Extent::of_bbox(min, max) {
        Ok(e) => e,
        Err(ExtentProblem::TooLarge {
            width_e6,
            height_e6,
        }) => {
            return Err(DecodeError::ExtentTooLarge {
                width_e6,
                height_e6,
            })
        }
        Err(ExtentProblem::Inverted) => {
            return Err(r.invalid_at(at, "the bbox's minimum is beyond its maximum"))
        }
        Err(ExtentProblem::OffTheWorld) => return Err(r.invalid_at(at, "the bbox is not on Earth")),
    };
    let corner = |p: [i64; 2]| LngLat::from_e6([p[0] as i32, p[1] as i32]);
    let bbox = BBox {
        min: corner(min),
        max: corner(max),
    };
    Ok((
        Header {
            name,
            build_date,
            attribution,
            bbox,
        },
        extent,
    ))
}

pub(crate) fn encode_names(g: &StreetGraph, w: &mut Writer) -> Result<(), EncodeError> {
    w.count(g.names.len(), "street names")?;
    for n in &g.names {
        w.str(n)?;
    }
    Ok(())
}

pub(crate) fn decode_names(r: &mut Reader) -> Result<Vec<String>, DecodeError> {
    let n = r.count(1)?;
    let mut names = Vec::new();
    for _ in 0..n {
        names.push(r.str()?);
    }
    Ok(names)
}

pub(crate) fn encode_graph(g: &StreetGraph, w: &mut Writer) -> Result<(), EncodeError> {
    w.count(g.nodes.len(), "street nodes")?;
    let mut prev = [0i32; 2];
    for p in &g.nodes {
        w.delta(&mut prev, *p);
    }
    w.count(g.edges.len(), "street edges")?;
    let mut prev_from = 0i64;
    for (i, e) in g.edges.iter().enumerate() {
        let from = i64::from(e.from.0);
        w.zigzag(from - prev_from);
        prev_from = from;
        w.zigzag(i64::from(e.to.0) - from);
        w.byte(e.access.bits());
        w.byte(e.class.to_byte());
        w.varint(e.name.map_or(0, |i| u64::from(i) + 1));
        let (Some(shape), Some(&start)) = (
            g.shape_points.get(e.shape.range()),
            g.nodes.get(e.from.index()),
        ) else {
            return Err(EncodeError::InvalidGraph(format!(
                "edge {i} refers to shape points or nodes that do not exist"
            )));
        };
        w.count(shape.len(), "shape points of one edge")?;
        let mut prev = start;
        for p in shape {
            w.delta(&mut prev, *p);
        }
    }
    Ok(())
}

/// The edges' `from` and `to`, checked against the node count.
fn read_edge_ends(
    r: &mut Reader,
    prev_from: &mut i64,
    nodes: usize,
) -> Result<(NodeId, NodeId), DecodeError> {
    let delta = r.zigzag()?;
    let from = r.add(*prev_from, delta)?;
    let delta = r.zigzag()?;
    let to = r.add(from, delta)?;
    *prev_from = from;
    let node = |v: i64, r: &Reader| {
        u32::try_from(v)
            .ok()
            .filter(|v| (*v as usize) < nodes)
            .map(NodeId)
            .ok_or_else(|| r.invalid(format!("node {v} does not exist")))
    };
    Ok((node(from, r)?, node(to, r)?))
}

pub(crate) fn decode_graph(
    r: &mut Reader,
    names: Vec<String>,
    extent: &Extent,
) -> Result<StreetGraph, DecodeError> {
    let n = r.count(2)?;
    let mut nodes = Vec::new();
    let mut prev = [0i32; 2];
    for _ in 0..n {
        nodes.push(r.coord(&mut prev, extent)?);
    }
    let n = r.count(6)?;
    let mut edges = Vec::new();
    let mut shape_points = Vec::new();
    let mut prev_from = 0i64;
    for _ in 0..n {
        let (from, to) = read_edge_ends(r, &mut prev_from, nodes.len())?;
        let access =
            Access::from_bits(r.byte()?).ok_or_else(|| r.invalid("unknown access bits"))?;
        let class =
            RoadClass::from_byte(r.byte()?).ok_or_else(|| r.invalid("unknown road class"))?;
        let name = match r.varint()? {
            0 => None,
            i if i <= names.len() as u64 => Some(r.index_u32((i - 1) as usize)?),
            i => return Err(r.invalid(format!("street name {} does not exist", i - 1))),
        };
        let count = r.count(2)?;
        let start = r.index_u32(shape_points.len())?;
        let mut prev = nodes[from.index()];
        for _ in 0..count {
            shape_points.push(r.coord(&mut prev, extent)?);
        }
        edges.push(Edge {
            from,
            to,
            shape: ShapeRange {
                start,
                end: r.index_u32(shape_points.len())?,
            },
            access,
            class,
            name,
        });
    }
    let graph = StreetGraph {
        nodes,
        edges,
        shape_points,
        names,
    };
    graph.validate().map_err(|e| r.invalid(e.to_string()))?;
    Ok(graph)
}

pub(crate) fn encode_services(services: &[Service], w: &mut Writer) -> Result<(), EncodeError> {
    w.count(services.len(), "services")?;
    let mut prev = [0i32; 2];
    for s in services {
        encode_service(s, &mut prev, w)?;
    }
    Ok(())
}

/// One service record, its location delta-coded from `prev`.
pub(crate) fn encode_service(
    s: &Service,
    prev: &mut [i32; 2],
    w: &mut Writer,
) -> Result<(), EncodeError> {
    w.str(&s.id)?;
    w.str(&s.name)?;
    w.byte(s.kind.to_byte());
    w.delta(prev, s.location.to_e6());
    w.str(&s.address)?;
    w.str(&s.opening_hours)?;
    w.varint(u64::from(s.amenities.bits()));
    w.zigzag(s.floor.map_or(0, i64::from));
    w.str(&s.phone)?;
    w.str(&s.notes)?;
    w.str(&s.price)?;
    Ok(())
}

pub(crate) fn decode_service(
    r: &mut Reader,
    prev: &mut [i32; 2],
    extent: &Extent,
) -> Result<Service, DecodeError> {
    let id = r.str()?;
    let name = r.str()?;
    let kind = Kind::from_byte(r.byte()?)
        .ok_or_else(|| r.invalid(format!("service '{id}' has an unknown kind")))?;
    let location = LngLat::from_e6(r.coord(prev, extent)?);
    let address = r.str()?;
    let opening_hours = r.str()?;
    let amenities = u32::try_from(r.varint()?)
        .ok()
        .and_then(Amenities::from_bits)
        .ok_or_else(|| r.invalid(format!("service '{id}' has unknown service codes")))?;
    let floor = match r.zigzag()? {
        0 => None,
        f => Some(i8::try_from(f).map_err(|_| r.invalid(format!("service '{id}' has floor {f}")))?),
    };
    Ok(Service {
        id,
        name,
        kind,
        location,
        address,
        opening_hours,
        amenities,
        phone: r.str()?,
        floor,
        notes: r.str()?,
        price: r.str()?,
    })
}

pub(crate) fn decode_services(
    r: &mut Reader,
    extent: &Extent,
) -> Result<Vec<Service>, DecodeError> {
    let n = r.count(10)?;
    let mut services = Vec::new();
    let mut prev = [0i32; 2];
    for _ in 0..n {
        services.push(decode_service(r, &mut prev, extent)?);
    }
    Ok(services)
}

fn encode_ids(ids: &[SyllableId], w: &mut Writer) -> Result<(), EncodeError> {
    w.count(ids.len(), "readings of one character")?;
    for id in ids {
        w.varint(u64::from(*id));
    }
    Ok(())
}

pub(crate) fn encode_readings(readings: &Readings, w: &mut Writer) -> Result<(), EncodeError> {
    w.count(readings.syllables.len(), "pinyin syllables")?;
    for s in &readings.syllables {
        w.str(s)?;
    }
    w.count(readings.chars.len(), "characters with readings")?;
    let mut prev = 0u32;
    for c in &readings.chars {
        // Validated: strictly increasing.
        w.varint(u64::from(u32::from(c.ch).saturating_sub(prev)));
        prev = u32::from(c.ch);
        encode_ids(&c.syllables, w)?;
    }
    w.count(readings.phrases.len(), "words with readings")?;
    for p in &readings.phrases {
        w.str(&p.text)?;
        for ids in &p.syllables {
            encode_ids(ids, w)?;
        }
    }
    Ok(())
}

fn decode_ids(r: &mut Reader) -> Result<Vec<SyllableId>, DecodeError> {
    let n = r.count(1)?;
    let mut ids = Vec::new();
    for _ in 0..n {
        let v = r.varint()?;
        ids.push(SyllableId::try_from(v).map_err(|_| r.invalid(format!("syllable {v}")))?);
    }
    Ok(ids)
}

pub(crate) fn decode_readings(r: &mut Reader) -> Result<Readings, DecodeError> {
    let n = r.count(1)?;
    let mut syllables = Vec::new();
    for _ in 0..n {
        syllables.push(r.str()?);
    }
    let n = r.count(2)?;
    let mut chars = Vec::new();
    let mut prev = 0u32;
    for _ in 0..n {
        let delta = r.varint()?;
        let code = u32::try_from(delta)
            .ok()
            .and_then(|d| prev.checked_add(d))
            .ok_or_else(|| r.invalid("character code out of range"))?;
        let ch = char::from_u32(code)
            .ok_or_else(|| r.invalid(format!("{code:#x} is not a character")))?;
        prev = code;
        chars.push(CharReadings {
            ch,
            syllables: decode_ids(r)?,
        });
    }
    let n = r.count(2)?;
    let mut phrases = Vec::new();
    for _ in 0..n {
        let text = r.str()?;
        let mut syllables = Vec::new();
        for _ in text.chars() {
            syllables.push(decode_ids(r)?);
        }
        phrases.push(PhraseReadings { text, syllables });
    }
    let readings = Readings {
        syllables,
        chars,
        phrases,
    };
    readings.validate().map_err(|what| r.invalid(what))?;
    Ok(readings)
}

#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    pub(crate) fn varint(&mut self, mut v: u64) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(low);
                return;
            }
            self.buf.push(low | 0x80);
        }
    }
    pub(crate) fn zigzag(&mut self, v: i64) {
        // `wrapping_shl` states that the top bit is meant to fall off: zigzag is a bijection.
        self.varint((v.wrapping_shl(1) ^ (v >> 63)) as u64);
    }
    /// A count the reader accepts (at most `u32::MAX`).
    pub(crate) fn count(&mut self, n: usize, what: &'static str) -> Result<(), EncodeError> {
        let n = u32::try_from(n).map_err(|_| EncodeError::TooMany { what, count: n })?;
        self.varint(u64::from(n));
        Ok(())
    }
    pub(crate) fn str(&mut self, s: &str) -> Result<(), EncodeError> {
        self.count(s.len(), "bytes in one text")?;
        self.bytes(s.as_bytes());
        Ok(())
    }
    pub(crate) fn delta(&mut self, prev: &mut [i32; 2], p: [i32; 2]) {
        self.zigzag(i64::from(p[0]) - i64::from(prev[0]));
        self.zigzag(i64::from(p[1]) - i64::from(prev[1]));
        *prev = p;
    }
    /// Writes a tagged, length-prefixed section whose payload `body` writes.
    pub(crate) fn section(
        &mut self,
        tag: Tag,
        body: impl FnOnce(&mut Writer) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        let mut payload = Writer::default();
        body(&mut payload)?;
        let len = u32::try_from(payload.buf.len()).map_err(|_| EncodeError::SectionTooLarge {
            section: tag.section_name(),
            bytes: payload.buf.len(),
        })?;
        self.bytes(&tag.0);
        self.bytes(&len.to_le_bytes());
        self.bytes(&payload.buf);
        Ok(())
    }
}

/// Reads one section: `buf[pos..end]`, offsets in errors counted from the file's start.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pub(crate) pos: usize,
    end: usize,
    section: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], pos: usize, end: usize, section: &'static str) -> Reader<'a> {
        Reader {
            buf,
            pos,
            end: end.min(buf.len()),
            section,
        }
    }

    /// Runs `read` over the section and checks it used every byte.
    pub(crate) fn whole<T>(
        mut self,
        read: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        let value = read(&mut self)?;
        if self.pos != self.end {
            return Err(self.invalid(format!(
                "{} unexpected bytes at the end of the section",
                self.end.saturating_sub(self.pos)
            )));
        }
        Ok(value)
    }

    pub(crate) fn truncated(&self) -> DecodeError {
        DecodeError::Truncated {
            section: self.section,
            offset: self.pos,
        }
    }

    pub(crate) fn invalid(&self, what: impl Into<String>) -> DecodeError {
        self.invalid_at(self.pos, what)
    }

    pub(crate) fn invalid_at(&self, offset: usize, what: impl Into<String>) -> DecodeError {
        DecodeError::Invalid {
            section: self.section,
            offset,
            what: what.into(),
        }
    }

    pub(crate) fn left(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// Moves past `n` bytes and returns the new position.
    pub(crate) fn skip(&mut self, n: usize) -> Result<usize, DecodeError> {
        if n > self.left() {
            return Err(self.truncated());
        }
        self.pos += n;
        Ok(self.pos)
    }

    pub(crate) fn byte(&mut self) -> Result<u8, DecodeError> {
        if self.left() == 0 {
            return Err(self.truncated());
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let start = self.pos;
        self.skip(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&self.buf[start..self.pos]);
        Ok(out)
    }

    pub(crate) fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.invalid("a number is longer than 64 bits"))
    }

    pub(crate) fn zigzag(&mut self) -> Result<i64, DecodeError> {
        let v = self.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// `a + b`, or an error instead of overflowing.
    pub(crate) fn add(&self, a: i64, b: i64) -> Result<i64, DecodeError> {
        a.checked_add(b)
            .ok_or_else(|| self.invalid("a value overflows"))
    }

    pub(crate) fn index_u32(&self, i: usize) -> Result<u32, DecodeError> {
        u32::try_from(i).map_err(|_| self.invalid("more than 2^32 items"))
    }

    /// A count of items that each take at least `min_bytes`, checked against what is left so a
    /// corrupt count cannot make us loop or allocate beyond the input's size.
    pub(crate) fn count(&mut self, min_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.varint()?;
        let fits = u32::try_from(n).ok().and_then(|n| {
            let bytes = (n as usize).checked_mul(min_bytes)?;
            (bytes <= self.left()).then_some(n as usize)
        });
        fits.ok_or_else(|| self.truncated())
    }

    pub(crate) fn str(&mut self) -> Result<String, DecodeError> {
        let n = self.count(1)?;
        let start = self.pos;
        self.skip(n)?;
        let s = std::str::from_utf8(&self.buf[start..self.pos])
            .map_err(|e| self.invalid_at(start, format!("text is not UTF-8: {e}")))?;
        Ok(s.to_string())
    }

    /// The next point of a delta-coded run, within the bundle's extent.
    pub(crate) fn coord(
        &mut self,
        prev: &mut [i32; 2],
        extent: &Extent,
    ) -> Result<[i32; 2], DecodeError> {
        let at = self.pos;
        let (dx, dy) = (self.zigzag()?, self.zigzag()?);
        let p = [
            self.add(i64::from(prev[0]), dx)?,
            self.add(i64::from(prev[1]), dy)?,
        ];
        if !extent.contains(p) {
            return Err(DecodeError::OutsideExtent {
                section: self.section,
                offset: at,
                lng_e6: p[0],
                lat_e6: p[1],
            });
        }
        // Inside the extent, which lies within ±180.05°: fits in i32.
        let out = [
            i32::try_from(p[0]).map_err(|_| self.invalid("coordinate out of range"))?,
            i32::try_from(p[1]).map_err(|_| self.invalid("coordinate out of range"))?,
        ];
        *prev = out;
        Ok(out)
    }
}

/// Builds bundle bytes section by section, for tests that craft files the encoder refuses to
/// write (foreign sections, oversized areas).
#[cfg(test)]
pub(crate) mod craft {
    use super::*;

    /// A raw section: tag and payload.
    pub struct Raw(pub [u8; 4], pub Vec<u8>);

    /// Magic, version, the sections as given and a valid checksum.
    pub fn file(sections: &[Raw]) -> Vec<u8> {
        let mut buf = MAGIC.to_vec();
        buf.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        for Raw(tag, payload) in sections {
            buf.extend_from_slice(tag);
            buf.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            buf.extend_from_slice(payload);
        }
        let crc = crc32fast::hash(&buf);
        buf.extend_from_slice(&crc.to_le_bytes());
        buf
    }

    /// The sections of a bundle the encoder accepts.
    pub fn sections(b: &Bundle) -> Vec<Raw> {
        let bytes = b.encode().expect("encodes");
        let end = bytes.len() - 4;
        let mut pos = MAGIC.len() + 2;
        let mut out = Vec::new();
        while pos < end {
            let mut tag = [0u8; 4];
            tag.copy_from_slice(&bytes[pos..pos + 4]);
            let mut len = [0u8; 4];
            len.copy_from_slice(&bytes[pos + 4..pos + 8]);
            let len = u32::from_le_bytes(len) as usize;
            out.push(Raw(tag, bytes[pos + 8..pos + 8 + len].to_vec()));
            pos += 8 + len;
        }
        out
    }

    /// A payload written with the bundle's own primitives.
    pub fn payload(write: impl FnOnce(&mut PayloadWriter)) -> Vec<u8> {
        let mut w = PayloadWriter(Writer::default());
        write(&mut w);
        w.0.buf
    }

    /// Exposes the writer's primitives to tests.
    pub struct PayloadWriter(Writer);

    impl PayloadWriter {
        pub fn varint(&mut self, v: u64) {
            self.0.varint(v);
        }
        pub fn zigzag(&mut self, v: i64) {
            self.0.zigzag(v);
        }
        pub fn byte(&mut self, b: u8) {
            self.0.byte(b);
        }
        pub fn str(&mut self, s: &str) {
            self.0.str(s).expect("short text");
        }
    }
}

pub(crate) mod hours;
#[cfg(test)]
mod tests;
