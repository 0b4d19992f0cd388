//! A tiled dataset: a small manifest and one file per tile, so that a page downloads the streets
//! around its user first and the rest only when a search reaches them.
//!
//! # Files
//! A tiled dataset is a folder (on disk, or a prefix on a static host):
//!
//! ```text
//! index.txt                         the entry point: names the current manifest (revalidated)
//! m.<hash>.linli                    the manifest (immutable)
//! t/<col>-<row>.<hash>.linli        one file per non-empty tile (immutable)
//! ```
//!
//! `<hash>` is the 64-bit FNV-1a hash of the whole file ([`crate::hash`]), as 16 hex digits.
//! `index.txt` is two lines of text:
//!
//! ```text
//! linli-tiles 2
//! manifest m.0123456789abcdef.linli
//! ```
//!
//! Manifest and tiles use the bundle's framing ([`crate::bundle`]: magic, u16 version, tagged
//! length-prefixed sections, CRC-32), with their own magic (`LINLI\0MF`, `LINLI\0TL`) so that
//! one given where another is expected is a clear error ([`crate::DecodeError::WrongKind`]).
//!
//! # Global ids
//! Nodes, edges, street names and places keep the ids they have in the single-file bundle the
//! dataset was cut from, so both give the same answers in the same order, ties included.
//! Each tile *owns* the nodes that lie in its grid cell and the edges whose first node it owns,
//! and stores every edge incident to a node it owns: an edge crossing a tile border is stored
//! in both tiles, under the same id. A node's whole adjacency is therefore known as soon as its
//! owner tile is loaded. The far end of a crossing edge is a *ghost* node of the tile, stored
//! with its coordinates and the tile that owns it.
//!
//! # Manifest layout (format version 2)
//! | tag | required | payload |
//! |---|---|---|
//! | `HEAD` | yes | as in a bundle: name, build date, attribution, bbox |
//! | `TGRD` | yes | the tile grid and the table of tiles, see below |
//! | `PIDX` | yes | the place index, see below |
//! | `HOUR` | yes | the compiled opening hours of every place, in the place index's order (as in a bundle, [`crate::timetable`]) |
//! | `pnyn` | no | pinyin readings of every searchable text of the dataset (as in a bundle) |
//!
//! ```text
//! TGRD  grid      origin: 2 × zigzag (min lng, min lat, micro-degrees), cell: 2 × varint
//!                 (width, height, micro-degrees), cols: varint, rows: varint,
//!                 tile_m: varint (the asked tile size, metres)
//!       network   node bbox: u8 (0 = no nodes, 1 = 4 × zigzag follow: min lng, min lat, max lng,
//!                 max lat), nodes: varint, edges: varint (totals)
//!       tiles     count: varint, then per tile, by cell (row-major, strictly increasing):
//!                   cell: varint Δ from the previous tile's cell + 1 (the first: the cell),
//!                   hash: u64 (8 bytes), bytes: varint (file size),
//!                   nodes, edges, places: varint (owned nodes, owned edges, place records),
//!                   extent: u8 (0 = owns no street, 1 = 4 × zigzag follow: the bbox of every
//!                   point of its owned nodes and edges, as min lng − cell's min lng, min lat −
//!                   cell's min lat, max lng − cell's max lng, max lat − cell's max lat)
//! PIDX  count: varint, then per place, in the bundle's order:
//!         tile: varint (index in the tile table; the tile whose cell holds the place),
//!         Δlng, Δlat: zigzag from the previous place (the first from 0),
//!         kind: u8 (low nibble; high nibble: the modes in which the place joins a street,
//!         bit 0 walk, 1 e-bike, 2 step-free), amenities: varint, id: str, name: str
//! ```
//!
//! The opening hours are in the manifest, not in the tiles, for the same reason as a place's
//! kind and services: "open now" is a filter. With them, every place's state and next change
//! are known (and are the single bundle's, byte for byte the same section) before any tile is
//! loaded, so a search filtered to open places needs no tile beyond the streets it crosses.
//!
//! # Tile layout
//! | tag | required | payload |
//! |---|---|---|
//! | `TILE` | yes | the tile's index and the global ids of its parts, see below |
//! | `NAME` | yes | the street names its edges use (as in a bundle; local indices) |
//! | `GRPH` | yes | its street graph with local indices (as in a bundle): nodes are the owned nodes then the ghosts, edges the owned edges then the crossing ones owned elsewhere |
//! | `JOIN` | yes | the places joined to its edges, see below |
//! | `RECS` | yes | the full records of the places whose tile it is, see below |
//!
//! ```text
//! TILE  tile: varint (its index in the manifest's table)
//!       owned nodes   count: varint, then global ids, ascending: the first as is, then Δ − 1
//!       ghost nodes   count: varint, then per ghost, ascending: global id (as above), owner
//!                     tile: varint
//!       owned edges   count, ascending ids as for nodes
//!       other edges   count, ascending ids as for nodes (edges stored here, owned elsewhere)
//!       names         count: varint (= NAME's count), then the global index of each name
//! JOIN  count: varint, then per entry, by (local edge, place): local edge: varint Δ from the
//!       previous entry's, place: varint (global index), modes: u8 (1–7, bits as in PIDX)
//! RECS  count: varint, then per record, by place: place: varint (global index; the first as
//!       is, then Δ − 1), then the service as in a bundle's SERV (location Δ-coded record to
//!       record)
//! ```
//!
//! # Joins
//! The builder joins every place to the streets of the whole dataset with the core's own rule
//! ([`crate::Network::join`]) and stores, with every edge, the places that have a candidate on it
//! and in which modes (`JOIN`, in every tile that stores the edge). The joining point, the leg
//! and the offset are recomputed from the edge when it is loaded, by the same code as for a
//! single bundle, so the numbers cannot differ. A search reaches a place through an end of one
//! of its candidate streets; that end's owner tile stores the street and its joins, so a place
//! becomes known exactly when it can be reached.

use std::fmt;

use crate::bundle::{
    decode_header, decode_readings, decode_service, encode_header, encode_readings, encode_service,
    open_framed, write_framed, DecodeError, EncodeError, Extent, FileKind, Header, Reader,
    SectionTable, Tag, Writer, FORMAT_VERSION,
};
use crate::geom::{BBox, LngLat, LocalProjection, METERS_PER_DEGREE};
use crate::graph::{EdgeId, NodeId, StreetGraph};
use crate::pinyin::Readings;
use crate::profile::Mode;
use crate::service::{Amenities, Kind, Service};
use crate::sort::SortDyn;
use crate::timetable::Timetable;

/// The index of a tile in the manifest's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId(pub u32);

impl TileId {
    /// As a `usize` index.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tile {}", self.0)
    }
}

/// The name of the entry point in a tiled dataset's folder.
pub const INDEX_FILE: &str = "index.txt";
/// The first line of the entry point.
const INDEX_HEADER: &str = "linli-tiles 2";
/// The smallest and largest tile sizes `linli build` accepts, metres.
pub const TILE_M_RANGE: (f64, f64) = (100.0, 50_000.0);

/// The grid tiles are cut on: cells of equal size in degrees, from the south-west corner of the
/// dataset's bbox; a point outside the grid belongs to the nearest cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileGrid {
    /// South-west corner, micro-degrees (lng, lat).
    pub origin_e6: [i32; 2],
    /// Width and height of a cell, micro-degrees (lng, lat).
    pub cell_e6: [i32; 2],
    /// Cells west to east.
    pub cols: u32,
    /// Cells south to north.
    pub rows: u32,
}

impl TileGrid {
    /// Square cells of about `tile_m` metres (at the bbox's middle latitude) over `bbox`.
    pub fn for_area(bbox: &BBox, tile_m: f64) -> TileGrid {
        let [x0, y0] = bbox.min.to_e6();
        let [x1, y1] = bbox.max.to_e6();
        let height = (tile_m / METERS_PER_DEGREE * 1e6).round().clamp(1.0, 1e9);
        let coslat = bbox.center().lat.to_radians().cos().max(0.01);
        let width = (height / coslat).round().clamp(1.0, 1e9);
        // In range after the clamps.
        #[allow(clippy::cast_possible_truncation)]
        let cell_e6 = [width as i32, height as i32];
        let count = |lo: i32, hi: i32, size: i32| {
            let span = i64::from(hi) - i64::from(lo);
            u32::try_from(span.max(0) / i64::from(size) + 1).unwrap_or(u32::MAX)
        };
        TileGrid {
            origin_e6: [x0, y0],
            cell_e6,
            cols: count(x0, x1, cell_e6[0]),
            rows: count(y0, y1, cell_e6[1]),
        }
    }

    /// The cell (col, row) holding `p` (micro-degrees), clamped to the grid.
    pub fn cell_of(&self, p: [i32; 2]) -> (u32, u32) {
        let axis = |v: i32, k: usize, n: u32| {
            let c = (i64::from(v) - i64::from(self.origin_e6[k]))
                .div_euclid(i64::from(self.cell_e6[k].max(1)));
            u32::try_from(c.clamp(0, i64::from(n.max(1)) - 1)).unwrap_or(0)
        };
        (axis(p[0], 0, self.cols), axis(p[1], 1, self.rows))
    }

    /// The row-major number of a cell.
    pub fn cell_index(&self, col: u32, row: u32) -> u64 {
        u64::from(row) * u64::from(self.cols) + u64::from(col)
    }

    /// The cell's south-west corner, micro-degrees.
    pub fn cell_min_e6(&self, col: u32, row: u32) -> [i64; 2] {
        [
            i64::from(self.origin_e6[0]) + i64::from(col) * i64::from(self.cell_e6[0]),
            i64::from(self.origin_e6[1]) + i64::from(row) * i64::from(self.cell_e6[1]),
        ]
    }

    /// The cell's bounds.
    pub fn cell_bounds(&self, col: u32, row: u32) -> BBox {
        let [x, y] = self.cell_min_e6(col, row);
        let deg = |v: i64| v as f64 / 1e6;
        BBox {
            min: LngLat::new(deg(x), deg(y)),
            max: LngLat::new(
                deg(x + i64::from(self.cell_e6[0])),
                deg(y + i64::from(self.cell_e6[1])),
            ),
        }
    }
}

/// One tile in the manifest's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileEntry {
    /// Its cell's column.
    pub col: u32,
    /// Its cell's row.
    pub row: u32,
    /// The content hash of its file.
    pub hash: u64,
    /// Its file's size in bytes.
    pub bytes: u32,
    /// Nodes it owns.
    pub nodes: u32,
    /// Edges it owns.
    pub edges: u32,
    /// Place records it holds.
    pub places: u32,
    /// The box around every point of its owned nodes and edges, micro-degrees (min lng, min
    /// lat, max lng, max lat); `None` when it owns no street. A point is joined to streets
    /// within some metres: every tile whose extent comes that close must be loaded.
    pub extent_e6: Option<[i32; 4]>,
}

impl TileEntry {
    /// Its file's path in the dataset's folder: `t/<col>-<row>.<hash>.linli`.
    pub fn file_name(&self) -> String {
        format!(
            "t/{}-{}.{}.linli",
            self.col,
            self.row,
            crate::hash::hex(self.hash)
        )
    }
}

/// What the manifest says of a place: enough to filter, rank by straight line, show on a map and
/// find by name before its tile is loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceSummary {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
    /// Where it is.
    pub location: LngLat,
    /// What it offers.
    pub amenities: Amenities,
    /// The tile holding its full record.
    pub tile: TileId,
    /// The modes in which it joins a street (bit 0 walk, 1 e-bike, 2 step-free): in the others
    /// it is unreachable, known without loading anything.
    pub joined: u8,
}

impl PlaceSummary {
    /// The place as a service record with only the manifest's fields (no address, raw
    /// `opening_hours` text, phone…), until its tile brings the full record. Its compiled hours
    /// are in [`Manifest::hours`] all along.
    pub fn to_service(&self) -> Service {
        Service {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            location: self.location,
            address: String::new(),
            opening_hours: String::new(),
            amenities: self.amenities,
            phone: String::new(),
            floor: None,
            notes: String::new(),
            price: String::new(),
        }
    }
}

/// The bit of `mode` in [`PlaceSummary::joined`] and [`PlaceJoin::modes`].
pub const fn mode_bit(mode: Mode) -> u8 {
    1 << mode.index()
}

/// A tiled dataset's manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Area name.
    pub name: String,
    /// Build date, `YYYY-MM-DD`.
    pub build_date: String,
    /// Attribution that must be shown with the data.
    pub attribution: String,
    /// The area covered (every street point).
    pub bbox: BBox,
    /// The tile size asked for, metres.
    pub tile_m: u32,
    /// The grid.
    pub grid: TileGrid,
    /// The box around every node, micro-degrees (min lng, min lat, max lng, max lat): the
    /// routing projection is centred on it, as for the single bundle.
    pub node_bbox_e6: Option<[i32; 4]>,
    /// Nodes in the whole dataset.
    pub node_count: u32,
    /// Edges in the whole dataset.
    pub edge_count: u32,
    /// The non-empty tiles, by cell.
    pub tiles: Vec<TileEntry>,
    /// Every place, in the bundle's order.
    pub places: Vec<PlaceSummary>,
    /// The compiled opening hours of every place (same order), as in the single bundle.
    pub hours: Timetable,
    /// Pinyin readings of every searchable text of the dataset.
    pub readings: Readings,
}

/// Why a tiled dataset's file could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TileError {
    /// The manifest has no tile with this index.
    #[error("there is no tile {tile} in this dataset (it has {tiles})")]
    NoSuchTile {
        /// The index asked for.
        tile: u32,
        /// How many tiles there are.
        tiles: usize,
    },
    /// The file's content hash is not the one its name and the manifest give: a stale, swapped
    /// or damaged file.
    #[error("{file}: the content does not match its hash (expected {}, found {}): the file is stale, swapped or damaged; publish the dataset again", crate::hash::hex(*expected), crate::hash::hex(*found))]
    WrongHash {
        /// The file.
        file: String,
        /// The hash the manifest gives.
        expected: u64,
        /// The hash of the bytes received.
        found: u64,
    },
    /// The file could not be decoded.
    #[error("{file}: {error}")]
    Decode {
        /// The file.
        file: String,
        /// Why.
        error: DecodeError,
    },
    /// The tile contradicts the manifest or a tile already loaded.
    #[error("{file}: does not agree with the manifest: {what}")]
    Inconsistent {
        /// The file.
        file: String,
        /// What disagrees.
        what: String,
    },
    /// The entry point (`index.txt`) is not what `linli build` writes.
    #[error("index.txt line {line}: {what}")]
    BadIndex {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// A tile was given to a dataset that is one single-file bundle.
    #[error("this dataset is a single-file bundle; it has no tiles to load")]
    NotTiled,
}

/// The text of `index.txt` for a manifest with this hash.
pub fn index_text(manifest_hash: u64) -> String {
    format!(
        "{INDEX_HEADER}\nmanifest {}\n",
        Manifest::file_name(manifest_hash)
    )
}

/// Reads `index.txt`: the manifest's file name and its hash.
pub fn parse_index(text: &str) -> Result<(String, u64), TileError> {
    let bad = |line: usize, what: String| TileError::BadIndex { line, what };
    let mut lines = text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty());
    match lines.next() {
        Some((_, l)) if l == INDEX_HEADER => {}
        Some((i, l)) if l.starts_with("linli-tiles ") => {
            return Err(bad(
                i + 1,
                format!("'{l}': this version of Linli reads '{INDEX_HEADER}' (format version {FORMAT_VERSION})"),
            ))
        }
        Some((i, l)) => {
            return Err(bad(
                i + 1,
                format!("'{}' is not '{INDEX_HEADER}': not a Linli tiled dataset", clip(l)),
            ))
        }
        None => return Err(bad(1, "the file is empty".into())),
    }
    for (i, l) in lines {
        if let Some(name) = l.strip_prefix("manifest ") {
            let name = name.trim();
            let hash = name
                .strip_prefix("m.")
                .and_then(|n| n.strip_suffix(".linli"))
                .and_then(crate::hash::parse_hex)
                .ok_or_else(|| {
                    bad(
                        i + 1,
                        format!(
                            "'{}' is not a manifest name like m.0123456789abcdef.linli",
                            clip(name)
                        ),
                    )
                })?;
            return Ok((name.to_string(), hash));
        }
    }
    Err(bad(2, "no 'manifest' line".into()))
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

impl Manifest {
    /// The manifest's file name for its hash: `m.<hash>.linli`.
    pub fn file_name(hash: u64) -> String {
        format!("m.{}.linli", crate::hash::hex(hash))
    }

    /// The tile whose cell holds `p`, if that cell has a tile.
    pub fn tile_at(&self, p: LngLat) -> Option<TileId> {
        let (col, row) = self.grid.cell_of(p.to_e6());
        self.tile_in_cell(col, row)
    }

    /// The tile of a cell, if the cell is not empty.
    pub fn tile_in_cell(&self, col: u32, row: u32) -> Option<TileId> {
        let key = self.grid.cell_index(col, row);
        self.tiles
            .binary_search_by_key(&key, |t| self.grid.cell_index(t.col, t.row))
            .ok()
            .and_then(|i| u32::try_from(i).ok())
            .map(TileId)
    }

    /// The entry of a tile.
    pub fn tile(&self, id: TileId) -> Result<&TileEntry, TileError> {
        self.tiles.get(id.index()).ok_or(TileError::NoSuchTile {
            tile: id.0,
            tiles: self.tiles.len(),
        })
    }

    /// Every tile whose owned streets come within `radius_m` of `p`, measured in `proj`'s local
    /// metres (the routing projection), nearest first.
    pub fn tiles_near(&self, proj: &LocalProjection, p: LngLat, radius_m: f64) -> Vec<TileId> {
        let xy = proj.project(p);
        let mut found: Vec<(f64, TileId)> = Vec::new();
        for (i, t) in self.tiles.iter().enumerate() {
            let Some([x0, y0, x1, y1]) = t.extent_e6 else {
                continue;
            };
            let a = proj.project(LngLat::from_e6([x0, y0]));
            let b = proj.project(LngLat::from_e6([x1, y1]));
            let dx = (a[0] - xy[0]).max(xy[0] - b[0]).max(0.0);
            let dy = (a[1] - xy[1]).max(xy[1] - b[1]).max(0.0);
            let d = dx.hypot(dy);
            // A centimetre of slack: the extent's corners are rounded to micro-degrees.
            if d <= radius_m + 0.01 {
                if let Ok(i) = u32::try_from(i) {
                    found.push((d, TileId(i)));
                }
            }
        }
        found.sort_by_dyn(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        found.into_iter().map(|(_, t)| t).collect()
    }

    fn head(&self) -> Header {
        Header {
            name: self.name.clone(),
            build_date: self.build_date.clone(),
            attribution: self.attribution.clone(),
            bbox: self.bbox,
        }
    }

    /// Serialises the manifest (checking what the decoder checks).
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        crate::bundle::extent_of(&self.bbox)?;
        self.readings
            .validate()
            .map_err(EncodeError::InvalidReadings)?;
        if self.hours.len() != self.places.len() {
            return Err(EncodeError::HoursMismatch {
                places: self.hours.len(),
                services: self.places.len(),
            });
        }
        write_framed(FileKind::Manifest, |w| {
            w.section(Tag::HEADER, |s| encode_header(&self.head(), s))?;
            w.section(Tag::TILE_TABLE, |s| self.encode_table(s))?;
            w.section(Tag::PLACE_INDEX, |s| self.encode_places(s))?;
            w.section(Tag::HOURS, |s| {
                crate::bundle::hours::encode_timetable(&self.hours, s)
            })?;
            if self.readings != Readings::default() {
                w.section(Tag::READINGS, |s| encode_readings(&self.readings, s))?;
            }
            Ok(())
        })
    }

    fn encode_table(&self, w: &mut Writer) -> Result<(), EncodeError> {
        let g = &self.grid;
        w.zigzag(i64::from(g.origin_e6[0]));
        w.zigzag(i64::from(g.origin_e6[1]));
        for v in [g.cell_e6[0], g.cell_e6[1]] {
            w.varint(u64::try_from(v).unwrap_or(0));
        }
        w.varint(u64::from(g.cols));
        w.varint(u64::from(g.rows));
        w.varint(u64::from(self.tile_m));
        write_box(w, self.node_bbox_e6);
        w.varint(u64::from(self.node_count));
        w.varint(u64::from(self.edge_count));
        w.count(self.tiles.len(), "tiles")?;
        let mut prev: Option<u64> = None;
        for t in &self.tiles {
            let cell = g.cell_index(t.col, t.row);
            let delta = match prev {
                None => cell,
                Some(p) if cell > p => cell - p - 1,
                Some(_) => {
                    return Err(EncodeError::InvalidGraph(
                        "tiles are not in cell order".into(),
                    ))
                }
            };
            prev = Some(cell);
            w.varint(delta);
            w.bytes(&t.hash.to_le_bytes());
            w.varint(u64::from(t.bytes));
            w.varint(u64::from(t.nodes));
            w.varint(u64::from(t.edges));
            w.varint(u64::from(t.places));
            let min = g.cell_min_e6(t.col, t.row);
            let rel = t.extent_e6.map(|[x0, y0, x1, y1]| {
                let max = [
                    min[0] + i64::from(g.cell_e6[0]),
                    min[1] + i64::from(g.cell_e6[1]),
                ];
                [
                    i64::from(x0) - min[0],
                    i64::from(y0) - min[1],
                    i64::from(x1) - max[0],
                    i64::from(y1) - max[1],
                ]
            });
            match rel {
                None => w.byte(0),
                Some(r) => {
                    w.byte(1);
                    for v in r {
                        w.zigzag(v);
                    }
                }
            }
        }
        Ok(())
    }

    fn encode_places(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.count(self.places.len(), "places")?;
        let mut prev = [0i32; 2];
        for p in &self.places {
            w.varint(u64::from(p.tile.0));
            w.delta(&mut prev, p.location.to_e6());
            w.byte(p.kind.to_byte() | (p.joined & 0x7) << 4);
            w.varint(u64::from(p.amenities.bits()));
            w.str(&p.id)?;
            w.str(&p.name)?;
        }
        Ok(())
    }

    /// Reads a manifest, checking its hash first when `expected_hash` is given (the hash in
    /// its file name). Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8], expected_hash: Option<u64>) -> Result<Manifest, TileError> {
        let file = || match expected_hash {
            Some(h) => Manifest::file_name(h),
            None => "the manifest".to_string(),
        };
        if let Some(expected) = expected_hash {
            let found = crate::hash::content_hash(bytes);
            if found != expected {
                return Err(TileError::WrongHash {
                    file: file(),
                    expected,
                    found,
                });
            }
        }
        Manifest::decode_unchecked(bytes).map_err(|error| TileError::Decode {
            file: file(),
            error,
        })
    }

    fn decode_unchecked(bytes: &[u8]) -> Result<Manifest, DecodeError> {
        let structure = |b: &[u8], s: usize, e: usize| decode_manifest(b, s, e).map(|_| ());
        let (start, end) = open_framed(bytes, FileKind::Manifest, structure)?;
        decode_manifest(bytes, start, end)
    }
}

fn write_box(w: &mut Writer, b: Option<[i32; 4]>) {
    match b {
        None => w.byte(0),
        Some(b) => {
            w.byte(1);
            for v in b {
                w.zigzag(i64::from(v));
            }
        }
    }
}

fn read_i32(r: &Reader, v: i64) -> Result<i32, DecodeError> {
    i32::try_from(v).map_err(|_| r.invalid(format!("{v} is out of range")))
}

fn read_u32(r: &mut Reader) -> Result<u32, DecodeError> {
    let v = r.varint()?;
    u32::try_from(v).map_err(|_| r.invalid(format!("{v} is more than 32 bits")))
}

/// A box of four zigzag values, checked against the extent.
fn read_box(r: &mut Reader, extent: &Extent) -> Result<Option<[i32; 4]>, DecodeError> {
    match r.byte()? {
        0 => Ok(None),
        1 => {
            let at = r.pos;
            let mut v = [0i32; 4];
            for x in &mut v {
                let z = r.zigzag()?;
                *x = read_i32(r, z)?;
            }
            checked_box(r, at, v, extent).map(Some)
        }
        b => Err(r.invalid(format!("box flag {b} is not 0 or 1"))),
    }
}

fn checked_box(
    r: &Reader,
    at: usize,
    v: [i32; 4],
    extent: &Extent,
) -> Result<[i32; 4], DecodeError> {
    let wide = |x: i32, y: i32| [i64::from(x), i64::from(y)];
    if v[0] > v[2] || v[1] > v[3] {
        return Err(r.invalid_at(at, "a box's minimum is beyond its maximum"));
    }
    for p in [wide(v[0], v[1]), wide(v[2], v[3])] {
        if !extent.contains(p) {
            return Err(DecodeError::OutsideExtent {
                section: Tag::TILE_TABLE.section_name(),
                offset: at,
                lng_e6: p[0],
                lat_e6: p[1],
            });
        }
    }
    Ok(v)
}

/// The manifest's network totals and grid, as decoded.
struct Table {
    tile_m: u32,
    grid: TileGrid,
    node_bbox_e6: Option<[i32; 4]>,
    node_count: u32,
    edge_count: u32,
    tiles: Vec<TileEntry>,
}

fn decode_grid(r: &mut Reader, extent: &Extent) -> Result<TileGrid, DecodeError> {
    let at = r.pos;
    let (x, y) = (r.zigzag()?, r.zigzag()?);
    if !extent.contains([x, y]) {
        return Err(DecodeError::OutsideExtent {
            section: Tag::TILE_TABLE.section_name(),
            offset: at,
            lng_e6: x,
            lat_e6: y,
        });
    }
    let mut cell = [0i32; 2];
    for c in &mut cell {
        let v = r.varint()?;
        *c = i32::try_from(v)
            .ok()
            .filter(|v| (1..=4_000_000).contains(v))
            .ok_or_else(|| r.invalid(format!("a cell of {v} micro-degrees")))?;
    }
    let cols = read_u32(r)?;
    let rows = read_u32(r)?;
    if cols == 0 || rows == 0 || u64::from(cols) * u64::from(rows) > u64::from(u32::MAX) {
        return Err(r.invalid(format!("a grid of {cols} × {rows} cells")));
    }
    Ok(TileGrid {
        origin_e6: [read_i32(r, x)?, read_i32(r, y)?],
        cell_e6: cell,
        cols,
        rows,
    })
}

fn decode_tile_entry(
    r: &mut Reader,
    grid: &TileGrid,
    prev: &mut Option<u64>,
    extent: &Extent,
) -> Result<TileEntry, DecodeError> {
    let delta = r.varint()?;
    let cell = match *prev {
        None => Some(delta),
        Some(p) => p.checked_add(delta).and_then(|c| c.checked_add(1)),
    }
    .filter(|c| *c < u64::from(grid.cols) * u64::from(grid.rows))
    .ok_or_else(|| r.invalid("a tile beyond the grid"))?;
    *prev = Some(cell);
    let cols = u64::from(grid.cols);
    // Below cols × rows, which fits in 32 bits.
    let (col, row) = ((cell % cols) as u32, (cell / cols) as u32);
    let hash = u64::from_le_bytes(r.array::<8>()?);
    let bytes = read_u32(r)?;
    let nodes = read_u32(r)?;
    let edges = read_u32(r)?;
    let places = read_u32(r)?;
    let extent_e6 = match r.byte()? {
        0 => None,
        1 => {
            let at = r.pos;
            let min = grid.cell_min_e6(col, row);
            let max = [
                min[0] + i64::from(grid.cell_e6[0]),
                min[1] + i64::from(grid.cell_e6[1]),
            ];
            let base = [min[0], min[1], max[0], max[1]];
            let mut v = [0i32; 4];
            for (k, x) in v.iter_mut().enumerate() {
                let z = r.zigzag()?;
                let abs = r.add(base[k], z)?;
                *x = read_i32(r, abs)?;
            }
            Some(checked_box(r, at, v, extent)?)
        }
        b => return Err(r.invalid(format!("extent flag {b} is not 0 or 1"))),
    };
    Ok(TileEntry {
        col,
        row,
        hash,
        bytes,
        nodes,
        edges,
        places,
        extent_e6,
    })
}

fn decode_table(r: &mut Reader, extent: &Extent) -> Result<Table, DecodeError> {
    let grid = decode_grid(r, extent)?;
    let tile_m = read_u32(r)?;
    let node_bbox_e6 = read_box(r, extent)?;
    let node_count = read_u32(r)?;
    let edge_count = read_u32(r)?;
    let n = r.count(13)?;
    let mut tiles = Vec::new();
    let mut prev = None;
    let (mut nodes, mut edges) = (0u64, 0u64);
    for _ in 0..n {
        let t = decode_tile_entry(r, &grid, &mut prev, extent)?;
        nodes += u64::from(t.nodes);
        edges += u64::from(t.edges);
        tiles.push(t);
    }
    if nodes != u64::from(node_count) || edges != u64::from(edge_count) {
        return Err(r.invalid(format!(
            "the tiles own {nodes} nodes and {edges} edges, the dataset has {node_count} and {edge_count}"
        )));
    }
    Ok(Table {
        tile_m,
        grid,
        node_bbox_e6,
        node_count,
        edge_count,
        tiles,
    })
}

fn decode_places(
    r: &mut Reader,
    tiles: &[TileEntry],
    extent: &Extent,
) -> Result<Vec<PlaceSummary>, DecodeError> {
    let n = r.count(6)?;
    let mut places = Vec::new();
    let mut prev = [0i32; 2];
    let mut per_tile = vec![0u32; tiles.len()];
    for _ in 0..n {
        let tile = r.varint()?;
        let tile = usize::try_from(tile)
            .ok()
            .filter(|t| *t < tiles.len())
            .ok_or_else(|| r.invalid(format!("place in tile {tile}, which does not exist")))?;
        per_tile[tile] += 1;
        let location = LngLat::from_e6(r.coord(&mut prev, extent)?);
        let b = r.byte()?;
        let kind = Kind::from_byte(b & 0x0f).ok_or_else(|| r.invalid("unknown place kind"))?;
        if b >> 4 > 7 {
            return Err(r.invalid("unknown mode bits"));
        }
        let amenities = u32::try_from(r.varint()?)
            .ok()
            .and_then(Amenities::from_bits)
            .ok_or_else(|| r.invalid("unknown service codes"))?;
        places.push(PlaceSummary {
            id: r.str()?,
            name: r.str()?,
            kind,
            location,
            amenities,
            tile: TileId(u32::try_from(tile).unwrap_or(u32::MAX)),
            joined: b >> 4,
        });
    }
    if let Some((i, t)) = tiles
        .iter()
        .enumerate()
        .find(|(i, t)| t.places != per_tile[*i])
    {
        return Err(r.invalid(format!(
            "tile {i} holds {} places, the place index puts {} in it",
            t.places, per_tile[i]
        )));
    }
    Ok(places)
}

fn decode_manifest(bytes: &[u8], start: usize, end: usize) -> Result<Manifest, DecodeError> {
    let table = SectionTable::read(bytes, start, end, FileKind::Manifest)?;
    let (header, extent) = table.required(bytes, Tag::HEADER)?.whole(decode_header)?;
    let t = table
        .required(bytes, Tag::TILE_TABLE)?
        .whole(|r| decode_table(r, &extent))?;
    let places = table
        .required(bytes, Tag::PLACE_INDEX)?
        .whole(|r| decode_places(r, &t.tiles, &extent))?;
    let hours = table
        .required(bytes, Tag::HOURS)?
        .whole(|r| crate::bundle::hours::decode_timetable(r, places.len()))?;
    let readings = match table.optional(bytes, Tag::READINGS) {
        Some(r) => r.whole(decode_readings)?,
        None => Readings::default(),
    };
    Ok(Manifest {
        name: header.name,
        build_date: header.build_date,
        attribution: header.attribution,
        bbox: header.bbox,
        tile_m: t.tile_m,
        grid: t.grid,
        node_bbox_e6: t.node_bbox_e6,
        node_count: t.node_count,
        edge_count: t.edge_count,
        tiles: t.tiles,
        places,
        hours,
        readings,
    })
}

/// A place's candidate on one of a tile's edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlaceJoin {
    /// The edge, as a local index into the tile's graph.
    pub edge: u32,
    /// The place (global index).
    pub place: u32,
    /// The modes in which the edge is a candidate (bits as in [`mode_bit`]).
    pub modes: u8,
}

/// One decoded tile: its streets with local indices and the global ids they stand for.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// Which tile.
    pub id: TileId,
    /// The global id of each local node: the owned nodes (ascending), then the ghosts
    /// (ascending).
    pub nodes: Vec<NodeId>,
    /// How many of `nodes` the tile owns.
    pub owned_nodes: u32,
    /// The owner of each ghost node (`nodes[owned_nodes + i]`).
    pub ghost_owners: Vec<TileId>,
    /// The global id of each local edge: the owned edges (ascending), then the others
    /// (ascending).
    pub edges: Vec<EdgeId>,
    /// How many of `edges` the tile owns.
    pub owned_edges: u32,
    /// The global index of each local street name.
    pub names: Vec<u32>,
    /// The streets, with local indices.
    pub graph: StreetGraph,
    /// The places joined to its edges, by (edge, place).
    pub joins: Vec<PlaceJoin>,
    /// The full records of its places, by global index.
    pub records: Vec<(u32, Service)>,
}

fn write_ascending(w: &mut Writer, ids: &[u32], what: &'static str) -> Result<(), EncodeError> {
    let mut prev: Option<u32> = None;
    for &id in ids {
        let v = match prev {
            None => u64::from(id),
            Some(p) if id > p => u64::from(id - p - 1),
            Some(_) => {
                return Err(EncodeError::InvalidGraph(format!(
                    "{what} are not ascending"
                )))
            }
        };
        w.varint(v);
        prev = Some(id);
    }
    Ok(())
}

fn read_ascending(r: &mut Reader, prev: &mut Option<u32>, below: u32) -> Result<u32, DecodeError> {
    let v = r.varint()?;
    let id = match *prev {
        None => Some(v),
        Some(p) => u64::from(p).checked_add(v).and_then(|x| x.checked_add(1)),
    }
    .and_then(|x| u32::try_from(x).ok())
    .filter(|x| *x < below)
    .ok_or_else(|| r.invalid(format!("id beyond the dataset's {below}")))?;
    *prev = Some(id);
    Ok(id)
}

impl Tile {
    /// Serialises the tile; `bbox` is the dataset's (every coordinate must lie within it, plus
    /// the margin).
    pub fn encode(&self, bbox: &BBox) -> Result<Vec<u8>, EncodeError> {
        self.graph
            .validate()
            .map_err(|e| EncodeError::InvalidGraph(e.to_string()))?;
        let extent = crate::bundle::extent_of(bbox)?;
        let outside = self
            .graph
            .nodes
            .iter()
            .chain(&self.graph.shape_points)
            .copied()
            .chain(self.records.iter().map(|(_, s)| s.location.to_e6()))
            .find(|p| !extent.contains(crate::bundle::wide(*p)));
        if let Some(p) = outside {
            return Err(EncodeError::OutsideExtent {
                what: format!("a point of {}", self.id),
                lng_e6: i64::from(p[0]),
                lat_e6: i64::from(p[1]),
            });
        }
        if self.nodes.len() != self.graph.nodes.len() || self.edges.len() != self.graph.edges.len()
        {
            return Err(EncodeError::InvalidGraph(
                "the tile's ids do not match its graph".into(),
            ));
        }
        write_framed(FileKind::Tile, |w| {
            w.section(Tag::TILE_IDS, |s| self.encode_ids(s))?;
            w.section(Tag::STREET_NAMES, |s| {
                crate::bundle::encode_names(&self.graph, s)
            })?;
            w.section(Tag::STREET_GRAPH, |s| {
                crate::bundle::encode_graph(&self.graph, s)
            })?;
            w.section(Tag::PLACE_JOINS, |s| self.encode_joins(s))?;
            w.section(Tag::PLACE_RECORDS, |s| self.encode_records(s))?;
            Ok(())
        })
    }

    fn encode_ids(&self, w: &mut Writer) -> Result<(), EncodeError> {
        let owned = self.owned_nodes as usize;
        let (own, ghosts) = self.nodes.split_at(owned.min(self.nodes.len()));
        if ghosts.len() != self.ghost_owners.len() {
            return Err(EncodeError::InvalidGraph(
                "a ghost node without its owner".into(),
            ));
        }
        w.varint(u64::from(self.id.0));
        let ids = |v: &[NodeId]| v.iter().map(|n| n.0).collect::<Vec<u32>>();
        w.count(own.len(), "owned nodes")?;
        write_ascending(w, &ids(own), "owned nodes")?;
        w.count(ghosts.len(), "ghost nodes")?;
        let mut prev = None;
        for (g, owner) in ghosts.iter().zip(&self.ghost_owners) {
            let v = match prev {
                None => u64::from(g.0),
                Some(p) if g.0 > p => u64::from(g.0 - p - 1),
                Some(_) => {
                    return Err(EncodeError::InvalidGraph(
                        "ghost nodes are not ascending".into(),
                    ))
                }
            };
            prev = Some(g.0);
            w.varint(v);
            w.varint(u64::from(owner.0));
        }
        let owned = self.owned_edges as usize;
        let (own, other) = self.edges.split_at(owned.min(self.edges.len()));
        let ids = |v: &[EdgeId]| v.iter().map(|e| e.0).collect::<Vec<u32>>();
        w.count(own.len(), "owned edges")?;
        write_ascending(w, &ids(own), "owned edges")?;
        w.count(other.len(), "other edges")?;
        write_ascending(w, &ids(other), "other edges")?;
        w.count(self.names.len(), "street names")?;
        for n in &self.names {
            w.varint(u64::from(*n));
        }
        Ok(())
    }

    fn encode_joins(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.count(self.joins.len(), "place joins")?;
        let mut prev = 0u32;
        for j in &self.joins {
            if j.edge < prev {
                return Err(EncodeError::InvalidGraph(
                    "place joins are not by edge".into(),
                ));
            }
            w.varint(u64::from(j.edge - prev));
            prev = j.edge;
            w.varint(u64::from(j.place));
            w.byte(j.modes);
        }
        Ok(())
    }

    fn encode_records(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.count(self.records.len(), "place records")?;
        let mut prev_place: Option<u32> = None;
        let mut prev = [0i32; 2];
        for (i, s) in &self.records {
            let v = match prev_place {
                None => u64::from(*i),
                Some(p) if *i > p => u64::from(*i - p - 1),
                Some(_) => {
                    return Err(EncodeError::InvalidGraph(
                        "place records are not ascending".into(),
                    ))
                }
            };
            prev_place = Some(*i);
            w.varint(v);
            encode_service(s, &mut prev, w)?;
        }
        Ok(())
    }

    /// Reads tile `id` of `manifest`: checks the content hash first, then the framing and every
    /// index, and that the tile agrees with its manifest entry (its cell, counts, ids in range,
    /// nodes inside its cell, place records matching the place index). Never panics.
    pub fn decode(bytes: &[u8], manifest: &Manifest, id: TileId) -> Result<Tile, TileError> {
        let entry = manifest.tile(id)?;
        let file = entry.file_name();
        let found = crate::hash::content_hash(bytes);
        if found != entry.hash {
            return Err(TileError::WrongHash {
                file,
                expected: entry.hash,
                found,
            });
        }
        let extent =
            crate::bundle::extent_of(&manifest.bbox).map_err(|e| TileError::Inconsistent {
                file: file.clone(),
                what: e.to_string(),
            })?;
        let structure =
            |b: &[u8], s: usize, e: usize| decode_tile(b, s, e, manifest, &extent).map(|_| ());
        let decoded = open_framed(bytes, FileKind::Tile, structure)
            .and_then(|(s, e)| decode_tile(bytes, s, e, manifest, &extent))
            .map_err(|error| TileError::Decode {
                file: file.clone(),
                error,
            })?;
        decoded
            .check(manifest, id)
            .map_err(|what| TileError::Inconsistent { file, what })?;
        Ok(decoded)
    }

    /// Does the tile agree with the manifest?
    fn check(&self, m: &Manifest, id: TileId) -> Result<(), String> {
        let entry = m.tile(id).map_err(|e| e.to_string())?;
        if self.id != id {
            return Err(format!(
                "it says it is tile {}, the manifest's tile {} was asked for",
                self.id.0, id.0
            ));
        }
        if self.owned_nodes != entry.nodes || self.owned_edges != entry.edges {
            return Err(format!(
                "it owns {} nodes and {} edges, the manifest says {} and {}",
                self.owned_nodes, self.owned_edges, entry.nodes, entry.edges
            ));
        }
        for (k, p) in self.graph.nodes[..self.owned_nodes as usize]
            .iter()
            .enumerate()
        {
            if m.grid.cell_of(*p) != (entry.col, entry.row) {
                return Err(format!(
                    "its node {} lies outside its cell",
                    self.nodes[k].0
                ));
            }
        }
        if let Some(o) = self
            .ghost_owners
            .iter()
            .find(|o| o.index() >= m.tiles.len() || **o == id)
        {
            return Err(format!("a ghost node is owned by tile {}", o.0));
        }
        let owned = self.owned_nodes;
        for (k, e) in self.graph.edges.iter().enumerate() {
            let ok = if k < self.owned_edges as usize {
                e.from.0 < owned
            } else {
                e.from.0 >= owned && e.to.0 < owned
            };
            if !ok {
                return Err(format!(
                    "edge {} is stored in a tile that does not own its first node (or, for an edge owned elsewhere, its last)",
                    self.edges[k].0
                ));
            }
        }
        if self.records.len() != entry.places as usize {
            return Err(format!(
                "it holds {} place records, the manifest says {}",
                self.records.len(),
                entry.places
            ));
        }
        for (i, s) in &self.records {
            let Some(p) = m.places.get(*i as usize) else {
                return Err(format!("place {i} is not in the place index"));
            };
            if p.tile != id
                || p.id != s.id
                || p.name != s.name
                || p.kind != s.kind
                || p.location != s.location
                || p.amenities != s.amenities
            {
                return Err(format!(
                    "place {i} ('{}') differs from the place index",
                    s.id
                ));
            }
        }
        if let Some(j) = self
            .joins
            .iter()
            .find(|j| j.place as usize >= m.places.len())
        {
            return Err(format!(
                "a join names place {}, which does not exist",
                j.place
            ));
        }
        Ok(())
    }
}

fn decode_ids(r: &mut Reader, m: &Manifest) -> Result<(Tile, usize), DecodeError> {
    let id = read_u32(r)?;
    if id as usize >= m.tiles.len() {
        return Err(r.invalid(format!("tile {id} does not exist")));
    }
    let mut nodes = Vec::new();
    let n = r.count(1)?;
    let mut prev = None;
    for _ in 0..n {
        nodes.push(NodeId(read_ascending(r, &mut prev, m.node_count)?));
    }
    let owned_nodes = u32::try_from(n).unwrap_or(u32::MAX);
    let n = r.count(2)?;
    let mut prev = None;
    let mut ghost_owners = Vec::new();
    for _ in 0..n {
        let g = read_ascending(r, &mut prev, m.node_count)?;
        if nodes[..owned_nodes as usize]
            .binary_search(&NodeId(g))
            .is_ok()
        {
            return Err(r.invalid(format!("node {g} is both owned and a ghost")));
        }
        nodes.push(NodeId(g));
        ghost_owners.push(TileId(read_u32(r)?));
    }
    let mut edges = Vec::new();
    let n = r.count(1)?;
    let mut prev = None;
    for _ in 0..n {
        edges.push(EdgeId(read_ascending(r, &mut prev, m.edge_count)?));
    }
    let owned_edges = u32::try_from(n).unwrap_or(u32::MAX);
    let n = r.count(1)?;
    let mut prev = None;
    for _ in 0..n {
        let e = read_ascending(r, &mut prev, m.edge_count)?;
        if edges[..owned_edges as usize]
            .binary_search(&EdgeId(e))
            .is_ok()
        {
            return Err(r.invalid(format!("edge {e} is both owned and not")));
        }
        edges.push(EdgeId(e));
    }
    let n = r.count(1)?;
    let mut names = Vec::new();
    for _ in 0..n {
        names.push(read_u32(r)?);
    }
    let tile = Tile {
        id: TileId(id),
        nodes,
        owned_nodes,
        ghost_owners,
        edges,
        owned_edges,
        names,
        graph: StreetGraph::default(),
        joins: Vec::new(),
        records: Vec::new(),
    };
    Ok((tile, n))
}

fn decode_joins(r: &mut Reader, edges: usize) -> Result<Vec<PlaceJoin>, DecodeError> {
    let n = r.count(3)?;
    let mut joins = Vec::new();
    let mut prev = 0u64;
    for _ in 0..n {
        let edge = prev
            .checked_add(r.varint()?)
            .filter(|e| *e < edges as u64)
            .ok_or_else(|| r.invalid("a join on an edge the tile does not have"))?;
        prev = edge;
        let place = read_u32(r)?;
        let modes = r.byte()?;
        if !(1..=7).contains(&modes) {
            return Err(r.invalid(format!("join modes {modes}")));
        }
        // Below the edge count, which fits in 32 bits.
        joins.push(PlaceJoin {
            edge: edge as u32,
            place,
            modes,
        });
    }
    Ok(joins)
}

fn decode_records(
    r: &mut Reader,
    places: usize,
    extent: &Extent,
) -> Result<Vec<(u32, Service)>, DecodeError> {
    let n = r.count(11)?;
    let mut out = Vec::new();
    let mut prev_place = None;
    let mut prev = [0i32; 2];
    let below = u32::try_from(places).unwrap_or(u32::MAX);
    for _ in 0..n {
        let i = read_ascending(r, &mut prev_place, below)?;
        out.push((i, decode_service(r, &mut prev, extent)?));
    }
    Ok(out)
}

fn decode_tile(
    bytes: &[u8],
    start: usize,
    end: usize,
    m: &Manifest,
    extent: &Extent,
) -> Result<Tile, DecodeError> {
    let table = SectionTable::read(bytes, start, end, FileKind::Tile)?;
    let (mut tile, name_count) = table
        .required(bytes, Tag::TILE_IDS)?
        .whole(|r| decode_ids(r, m))?;
    let names = table
        .required(bytes, Tag::STREET_NAMES)?
        .whole(crate::bundle::decode_names)?;
    if names.len() != name_count {
        return Err(DecodeError::Invalid {
            section: Tag::STREET_NAMES.section_name(),
            offset: start,
            what: format!("{} names, the tile's ids give {name_count}", names.len()),
        });
    }
    let graph = table.required(bytes, Tag::STREET_GRAPH)?.whole(|r| {
        let at = r.pos;
        let g = crate::bundle::decode_graph(r, names, extent)?;
        if g.nodes.len() != tile.nodes.len() || g.edges.len() != tile.edges.len() {
            return Err(r.invalid_at(
                at,
                format!(
                    "{} nodes and {} edges, the tile's ids give {} and {}",
                    g.nodes.len(),
                    g.edges.len(),
                    tile.nodes.len(),
                    tile.edges.len()
                ),
            ));
        }
        Ok(g)
    })?;
    tile.joins = table
        .required(bytes, Tag::PLACE_JOINS)?
        .whole(|r| decode_joins(r, graph.edges.len()))?;
    tile.records = table
        .required(bytes, Tag::PLACE_RECORDS)?
        .whole(|r| decode_records(r, m.places.len(), extent))?;
    tile.graph = graph;
    Ok(tile)
}
