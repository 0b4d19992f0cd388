//! The bundle: one versioned binary file holding everything the app needs.
//!
//! # Layout (format version 1)
//! All integers little-endian. `varint` is unsigned LEB128; `zigzag` maps signed to unsigned
//! (0, -1, 1, -2 → 0, 1, 2, 3) before LEB128. `str` is a varint byte length and UTF-8 bytes.
//!
//! ```text
//! magic        8 bytes  "LINLI\0BN"
//! version      u16      1
//! header       name: str, build_date: str (YYYY-MM-DD), attribution: str,
//!              bbox: 4 × zigzag (min lng, min lat, max lng, max lat; micro-degrees)
//! names        count: varint, then count × str           (street names)
//! nodes        count: varint, then count × (Δlng, Δlat)  (zigzag, micro-degrees, Δ from the
//!                                                          previous node; the first from 0)
//! edges        count: varint, then per edge:
//!                from: zigzag Δ from the previous edge's `from`, to: zigzag Δ from `from`,
//!                access: u8 (six bits, see profile::Access), class: u8 (graph::RoadClass),
//!                name: varint (0 = none, else index + 1),
//!                shape count: varint, then count × (Δlng, Δlat) zigzag, each from the previous
//!                point of the polyline (the first from the `from` node)
//! services     count: varint, then per service:
//!                id, name: str; kind: u8; Δlng, Δlat: zigzag from the previous service;
//!                address, opening_hours: str; amenities: varint (bit set); floor: zigzag
//!                (0 = unknown, else floor value ≥ 1 or ≤ -1 as is); phone, notes, price: str
//! checksum     u32      CRC-32 (IEEE) of every byte before it
//! ```
//! Edge lengths, adjacency and the snapping index are not stored: [`crate::Network::new`]
//! derives them on load.

use crate::geom::{BBox, LngLat};
use crate::graph::{Edge, NodeId, RoadClass, ShapeRange, StreetGraph};
use crate::network::index_u32;
use crate::profile::Access;
use crate::service::{Amenities, Kind, Service};

/// The first eight bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"LINLI\0BN";
/// The format version this code writes and reads.
pub const FORMAT_VERSION: u16 = 1;

/// Everything the app loads: metadata, services and the street graph.
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
}

/// Why bytes could not be decoded as a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file does not start with the bundle's magic bytes.
    #[error("not a Linli bundle (the file does not start with the Linli signature)")]
    NotABundle,
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
    /// Bytes remain after the checksum.
    #[error("the bundle has {0} unexpected bytes after its end")]
    TrailingBytes(usize),
}

impl Bundle {
    /// Serialises the bundle.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes(&MAGIC);
        w.bytes(&FORMAT_VERSION.to_le_bytes());
        w.str(&self.name);
        w.str(&self.build_date);
        w.str(&self.attribution);
        for p in [self.bbox.min.to_e6(), self.bbox.max.to_e6()] {
            w.zigzag(i64::from(p[0]));
            w.zigzag(i64::from(p[1]));
        }

        let g = &self.graph;
        w.varint(g.names.len() as u64);
        for n in &g.names {
            w.str(n);
        }
        w.varint(g.nodes.len() as u64);
        let mut prev = [0i32; 2];
        for p in &g.nodes {
            w.delta(&mut prev, *p);
        }
        w.varint(g.edges.len() as u64);
        let mut prev_from = 0i64;
        for e in &g.edges {
            let from = i64::from(e.from.0);
            w.zigzag(from - prev_from);
            prev_from = from;
            w.zigzag(i64::from(e.to.0) - from);
            w.byte(e.access.bits());
            w.byte(e.class.to_byte());
            w.varint(e.name.map_or(0, |i| u64::from(i) + 1));
            w.varint(u64::from(e.shape.len()));
            let mut prev = g.nodes[e.from.index()];
            for p in &g.shape_points[e.shape.range()] {
                w.delta(&mut prev, *p);
            }
        }

        w.varint(self.services.len() as u64);
        let mut prev = [0i32; 2];
        for s in &self.services {
            w.str(&s.id);
            w.str(&s.name);
            w.byte(s.kind.to_byte());
            w.delta(&mut prev, s.location.to_e6());
            w.str(&s.address);
            w.str(&s.opening_hours);
            w.varint(u64::from(s.amenities.bits()));
            w.zigzag(s.floor.map_or(0, i64::from));
            w.str(&s.phone);
            w.str(&s.notes);
            w.str(&s.price);
        }
        let crc = crc32fast::hash(&w.buf);
        w.bytes(&crc.to_le_bytes());
        w.buf
    }

    /// Reads a bundle, checking the signature, version, checksum and every index.
    /// Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Bundle, DecodeError> {
        if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
            return Err(DecodeError::NotABundle);
        }
        let mut r = Reader {
            buf: bytes,
            pos: MAGIC.len(),
            section: "header",
        };
        let version = u16::from_le_bytes(r.array::<2>()?);
        if version != FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        if bytes.len() < MAGIC.len() + 2 + 4 {
            return Err(DecodeError::Truncated {
                section: "checksum",
                offset: bytes.len(),
            });
        }
        let body_end = bytes.len() - 4;
        let mut crc_bytes = [0u8; 4];
        crc_bytes.copy_from_slice(&bytes[body_end..]);
        let expected = u32::from_le_bytes(crc_bytes);
        let found = crc32fast::hash(&bytes[..body_end]);
        if found != expected {
            // A file cut short also fails here; tell the two apart when we can.
            let mut probe = Reader {
                buf: &bytes[..body_end],
                pos: r.pos,
                section: "header",
            };
            return Err(match probe.body() {
                Err(e @ DecodeError::Truncated { .. }) => e,
                _ => DecodeError::Corrupted { found, expected },
            });
        }
        r.buf = &bytes[..body_end];
        let bundle = r.body()?;
        if r.pos != body_end {
            return Err(DecodeError::TrailingBytes(body_end - r.pos));
        }
        Ok(bundle)
    }
}

#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    fn varint(&mut self, mut v: u64) {
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
    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
    fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.bytes(s.as_bytes());
    }
    fn delta(&mut self, prev: &mut [i32; 2], p: [i32; 2]) {
        self.zigzag(i64::from(p[0]) - i64::from(prev[0]));
        self.zigzag(i64::from(p[1]) - i64::from(prev[1]));
        *prev = p;
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    section: &'static str,
}

impl Reader<'_> {
    fn truncated(&self) -> DecodeError {
        DecodeError::Truncated {
            section: self.section,
            offset: self.pos,
        }
    }

    fn invalid(&self, what: impl Into<String>) -> DecodeError {
        DecodeError::Invalid {
            section: self.section,
            offset: self.pos,
            what: what.into(),
        }
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self.buf.get(self.pos).ok_or_else(|| self.truncated())?;
        self.pos += 1;
        Ok(b)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let slice = self
            .buf
            .get(self.pos..self.pos + N)
            .ok_or_else(|| self.truncated())?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        self.pos += N;
        Ok(out)
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
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

    fn zigzag(&mut self) -> Result<i64, DecodeError> {
        let v = self.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// A count of items that each take at least `min_bytes`, checked against what is left so a
    /// corrupt count cannot make us allocate gigabytes.
    fn count(&mut self, min_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.varint()?;
        let left = (self.buf.len() - self.pos) as u64;
        if n > u64::from(u32::MAX) || n.saturating_mul(min_bytes as u64) > left {
            return Err(self.truncated());
        }
        Ok(n as usize)
    }

    fn str(&mut self) -> Result<String, DecodeError> {
        let n = self.count(1)?;
        let bytes = &self.buf[self.pos..self.pos + n];
        let s = std::str::from_utf8(bytes)
            .map_err(|e| self.invalid(format!("text is not UTF-8: {e}")))?;
        self.pos += n;
        Ok(s.to_string())
    }

    fn coord(&mut self, prev: &mut [i32; 2]) -> Result<[i32; 2], DecodeError> {
        let mut out = [0i32; 2];
        for k in 0..2 {
            let v = i64::from(prev[k]) + self.zigzag()?;
            let limit = if k == 0 { 180_000_000 } else { 90_000_000 };
            if !(-limit..=limit).contains(&v) {
                return Err(self.invalid(format!("coordinate {v} micro-degrees is out of range")));
            }
            out[k] = i32::try_from(v).map_err(|_| self.invalid("coordinate out of range"))?;
        }
        *prev = out;
        Ok(out)
    }

    fn body(&mut self) -> Result<Bundle, DecodeError> {
        self.section = "header";
        let name = self.str()?;
        let build_date = self.str()?;
        let attribution = self.str()?;
        let mut zero = [0i32; 2];
        let min = self.coord(&mut zero)?;
        let mut zero = [0i32; 2];
        let max = self.coord(&mut zero)?;
        let bbox = BBox {
            min: LngLat::from_e6(min),
            max: LngLat::from_e6(max),
        };

        self.section = "street names";
        let n = self.count(1)?;
        let mut names = Vec::with_capacity(n);
        for _ in 0..n {
            names.push(self.str()?);
        }

        self.section = "nodes";
        let n = self.count(2)?;
        let mut nodes = Vec::with_capacity(n);
        let mut prev = [0i32; 2];
        for _ in 0..n {
            nodes.push(self.coord(&mut prev)?);
        }

        self.section = "edges";
        let n = self.count(6)?;
        let mut edges = Vec::with_capacity(n);
        let mut shape_points = Vec::new();
        let mut prev_from = 0i64;
        for _ in 0..n {
            let from = prev_from + self.zigzag()?;
            let to = from + self.zigzag()?;
            prev_from = from;
            let node = |v: i64, r: &Self| -> Result<NodeId, DecodeError> {
                u32::try_from(v)
                    .ok()
                    .filter(|v| (*v as usize) < nodes.len())
                    .map(NodeId)
                    .ok_or_else(|| r.invalid(format!("node {v} does not exist")))
            };
            let (from, to) = (node(from, self)?, node(to, self)?);
            let access = Access::from_bits(self.byte()?)
                .ok_or_else(|| self.invalid("unknown access bits"))?;
            let class = RoadClass::from_byte(self.byte()?)
                .ok_or_else(|| self.invalid("unknown road class"))?;
            let name = match self.varint()? {
                0 => None,
                i if i <= names.len() as u64 => Some((i - 1) as u32),
                i => return Err(self.invalid(format!("street name {} does not exist", i - 1))),
            };
            let count = self.count(2)?;
            let start = index_u32(shape_points.len());
            let mut prev = nodes[from.index()];
            for _ in 0..count {
                shape_points.push(self.coord(&mut prev)?);
            }
            edges.push(Edge {
                from,
                to,
                shape: ShapeRange {
                    start,
                    end: index_u32(shape_points.len()),
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
        graph.validate().map_err(|what| self.invalid(what))?;

        self.section = "services";
        let n = self.count(10)?;
        let mut services = Vec::with_capacity(n);
        let mut prev = [0i32; 2];
        for _ in 0..n {
            let id = self.str()?;
            let name = self.str()?;
            let kind = Kind::from_byte(self.byte()?)
                .ok_or_else(|| self.invalid(format!("service '{id}' has an unknown kind")))?;
            let location = LngLat::from_e6(self.coord(&mut prev)?);
            let address = self.str()?;
            let opening_hours = self.str()?;
            let bits = u32::try_from(self.varint()?)
                .ok()
                .and_then(Amenities::from_bits)
                .ok_or_else(|| self.invalid(format!("service '{id}' has unknown service codes")))?;
            let floor = match self.zigzag()? {
                0 => None,
                f => Some(
                    i8::try_from(f)
                        .map_err(|_| self.invalid(format!("service '{id}' has floor {f}")))?,
                ),
            };
            services.push(Service {
                id,
                name,
                kind,
                location,
                address,
                opening_hours,
                amenities: bits,
                phone: self.str()?,
                floor,
                notes: self.str()?,
                price: self.str()?,
            });
        }
        Ok(Bundle {
            name,
            build_date,
            attribution,
            bbox,
            services,
            graph,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle_tests::{random_bundle, Rng};
    use crate::service::Amenity;

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
        b
    }

    #[test]
    fn round_trip_is_exact() {
        let b = sample();
        let bytes = b.encode();
        assert_eq!(&bytes[..8], &MAGIC);
        assert_eq!(Bundle::decode(&bytes), Ok(b));
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = sample().encode();
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
        let bytes = sample().encode();
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
        let mut bytes = sample().encode();
        bytes[8] = 9;
        assert_eq!(
            Bundle::decode(&bytes),
            Err(DecodeError::UnsupportedVersion {
                found: 9,
                supported: FORMAT_VERSION
            })
        );
        assert_eq!(
            Bundle::decode(b"<html><body>404</body></html>"),
            Err(DecodeError::NotABundle)
        );
        let mut trailing = sample().encode();
        trailing.extend_from_slice(&[0, 0, 0, 0]);
        assert!(Bundle::decode(&trailing).is_err());
    }

    #[test]
    fn garbage_with_a_valid_checksum_never_panics() {
        // Random bodies behind a valid header and checksum exercise every structural check.
        let mut rng = Rng::new(99);
        for _ in 0..2000 {
            let mut bytes = MAGIC.to_vec();
            bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            for _ in 0..rng.below(200) {
                bytes.push(rng.below(256) as u8);
            }
            let crc = crc32fast::hash(&bytes);
            bytes.extend_from_slice(&crc.to_le_bytes());
            let _ = Bundle::decode(&bytes);
        }
    }
}
