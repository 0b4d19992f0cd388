//! The snapping index: a sparse grid over the segments of every edge polyline, in several
//! levels of cell size, so that memory and time follow the number of segments, never the
//! extent of the map.
//!
//! A segment is filed at the finest level whose cells (100 m, 200 m, 400 m, …) are at least as
//! large as the segment's bounding box, so it touches at most 2 × 2 cells there. Only occupied
//! cells are stored, as sorted keys (no hashing, so no hash flooding by crafted input). A query
//! visits, per occupied level, either the cells around the point (bounded by the search radius)
//! or, when there are fewer, every occupied cell of that level; so a point far from everything,
//! or a map with one segment across the world, costs a few dozen cell visits.
//!
//! # Units
//! Positions are local metres ([`crate::geom::LocalProjection`]).

use crate::geom::project_onto_segment;
use crate::graph::EdgeId;
use crate::sort::SortDyn;

/// Cell size of the finest level, metres.
const BASE_CELL_M: f64 = 100.0;
/// Levels 0..MAX_LEVELS double the cell size each time; the last is larger than the Earth.
const MAX_LEVELS: u8 = 48;
/// Cell coordinates are clamped to ±2^40 (far beyond any position on Earth), so that
/// arithmetic on them never overflows.
const CELL_LIMIT: i64 = 1 << 40;

/// One straight segment of an edge's polyline: between vertices `segment` and `segment + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SegmentRef {
    /// The edge.
    pub edge: EdgeId,
    /// Index of the segment within the edge, from its first node.
    pub segment: u32,
}

/// A segment near a query point, and where on it the nearest point lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentHit {
    /// The segment.
    pub at: SegmentRef,
    /// Fraction 0..=1 along the segment of the point nearest to the query.
    pub t: f64,
    /// Distance from the query point to that point, local metres.
    pub distance_m: f64,
}

/// Where the segments' end points are: the grid needs nothing else.
pub trait Segments {
    /// The two ends of a segment in local metres.
    fn ends(&self, at: SegmentRef) -> ([f64; 2], [f64; 2]);
}

/// The occupied cells of one level.
#[derive(Debug, Clone, Default)]
struct Level {
    cell_m: f64,
    /// Occupied cells, sorted.
    keys: Vec<(i64, i64)>,
    /// `items[starts[i]..starts[i + 1]]` are the segments touching cell `keys[i]`.
    starts: Vec<usize>,
    items: Vec<SegmentRef>,
}

/// The sparse multi-level grid.
#[derive(Debug, Clone, Default)]
pub struct SegmentGrid {
    levels: Vec<Level>,
}

fn cell_size(level: u8) -> f64 {
    BASE_CELL_M * 2f64.powi(i32::from(level))
}

/// The cell coordinate of `v` at cell size `size`, clamped to ±[`CELL_LIMIT`].
fn cell_of(v: f64, size: f64) -> i64 {
    let c = (v / size).floor();
    if c.is_nan() {
        0
    } else {
        // In range after the clamp, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let c = c.clamp(-(CELL_LIMIT as f64), CELL_LIMIT as f64) as i64;
        c
    }
}

/// The finest level whose cells are at least `extent_m` wide.
fn level_for(extent_m: f64) -> u8 {
    let mut level = 0;
    while level + 1 < MAX_LEVELS && cell_size(level) < extent_m {
        level += 1;
    }
    level
}

impl SegmentGrid {
    /// Files every segment. Memory: at most four entries per segment.
    pub fn build(segments: &impl Segments, all: impl Iterator<Item = SegmentRef>) -> SegmentGrid {
        let mut entries: Vec<(u8, i64, i64, SegmentRef)> = Vec::new();
        for at in all {
            let (a, b) = segments.ends(at);
            let extent = (a[0] - b[0]).abs().max((a[1] - b[1]).abs());
            let level = level_for(extent);
            let size = cell_size(level);
            let (c0, c1) = ordered(cell_of(a[0], size), cell_of(b[0], size));
            let (r0, r1) = ordered(cell_of(a[1], size), cell_of(b[1], size));
            // At this level the box spans at most two cells each way; the bound keeps a
            // malformed coordinate from ever making it more.
            for c in c0..=c1.min(c0 + 1) {
                for r in r0..=r1.min(r0 + 1) {
                    entries.push((level, c, r, at));
                }
            }
        }
        entries.sort_unstable();
        entries.dedup();
        let mut levels: Vec<Level> = Vec::new();
        for (level, c, r, at) in entries {
            let size = cell_size(level);
            if levels.last().is_none_or(|l| l.cell_m != size) {
                levels.push(Level {
                    cell_m: size,
                    ..Level::default()
                });
            }
            let Some(l) = levels.last_mut() else { continue };
            if l.keys.last() != Some(&(c, r)) {
                l.keys.push((c, r));
                l.starts.push(l.items.len());
            }
            l.items.push(at);
        }
        for l in &mut levels {
            l.starts.push(l.items.len());
        }
        SegmentGrid { levels }
    }

    /// The nearest segment to `p` that `usable` accepts, within `max_m`. Ties go to the lower
    /// (edge, segment), so the answer does not depend on the order cells are visited in.
    pub fn nearest(
        &self,
        segments: &impl Segments,
        p: [f64; 2],
        max_m: f64,
        usable: impl Fn(EdgeId) -> bool,
    ) -> Option<SegmentHit> {
        // Shared by the cell filter (which tightens as the best improves) and the visitor.
        let best: std::cell::Cell<Option<SegmentHit>> = std::cell::Cell::new(None);
        let bound = || best.get().map_or(max_m, |b| b.distance_m.min(max_m));
        for level in &self.levels {
            level.visit_near(
                p,
                max_m,
                |gap| gap <= bound(),
                |cell| {
                    for &at in level.cell_items(cell) {
                        if !usable(at.edge) {
                            continue;
                        }
                        let hit = hit_on(segments, at, p);
                        let better = best.get().is_none_or(|b| {
                            hit.distance_m < b.distance_m
                                || (hit.distance_m == b.distance_m && hit.at < b.at)
                        });
                        if better {
                            best.set(Some(hit));
                        }
                    }
                },
            );
        }
        let best = best.get();
        best.filter(|b| b.distance_m <= max_m)
    }

    /// Every segment `usable` accepts with a point within `radius_m` of `p` (a segment may be
    /// reported more than once).
    pub fn within(
        &self,
        segments: &impl Segments,
        p: [f64; 2],
        radius_m: f64,
        usable: impl Fn(EdgeId) -> bool,
        mut found: impl FnMut(SegmentHit),
    ) {
        for level in &self.levels {
            level.visit_near(
                p,
                radius_m,
                |gap| gap <= radius_m,
                |cell| {
                    for &at in level.cell_items(cell) {
                        if usable(at.edge) {
                            let hit = hit_on(segments, at, p);
                            if hit.distance_m <= radius_m {
                                found(hit);
                            }
                        }
                    }
                },
            );
        }
    }

    /// Every segment `usable` accepts in the cells within `radius_m` of `p` whose distance
    /// from `p` passes `keep`, with its hit. `keep` is asked again before each cell, so a
    /// caller may tighten it as it goes (cells nearer `p` come first within a level); a segment
    /// may be reported more than once. [`SegmentGrid::nearest`] and [`SegmentGrid::within`]
    /// are special cases.
    pub fn visit(
        &self,
        segments: &impl Segments,
        p: [f64; 2],
        radius_m: f64,
        keep: impl Fn(f64) -> bool,
        usable: impl Fn(EdgeId) -> bool,
        mut found: impl FnMut(SegmentHit),
    ) {
        for level in &self.levels {
            level.visit_near(p, radius_m, &keep, |cell| {
                for &at in level.cell_items(cell) {
                    if usable(at.edge) {
                        found(hit_on(segments, at, p));
                    }
                }
            });
        }
    }

    /// Number of (cell, segment) entries, all levels together.
    pub fn entry_count(&self) -> usize {
        self.levels.iter().map(|l| l.items.len()).sum()
    }
}

fn ordered(a: i64, b: i64) -> (i64, i64) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

pub(crate) fn hit_on(segments: &impl Segments, at: SegmentRef, p: [f64; 2]) -> SegmentHit {
    let (a, b) = segments.ends(at);
    let (t, d2) = project_onto_segment(p, a, b);
    SegmentHit {
        at,
        t,
        distance_m: d2.sqrt(),
    }
}

impl Level {
    fn cell_items(&self, i: usize) -> &[SegmentRef] {
        &self.items[self.starts[i]..self.starts[i + 1]]
    }

    fn find(&self, key: (i64, i64)) -> Option<usize> {
        self.keys.binary_search(&key).ok()
    }

    /// Distance from `p` to the nearest point of cell `key`, metres.
    fn gap(&self, p: [f64; 2], key: (i64, i64)) -> f64 {
        let axis = |v: f64, c: i64| {
            // Cell coordinates are at most 2^40, exact in f64.
            #[allow(clippy::cast_precision_loss)]
            let lo = c as f64 * self.cell_m;
            let hi = lo + self.cell_m;
            (lo - v).max(v - hi).max(0.0)
        };
        // Not `hypot`: as exact here, and much cheaper (a library call in wasm).
        let (dx, dy) = (axis(p[0], key.0), axis(p[1], key.1));
        (dx * dx + dy * dy).sqrt()
    }

    /// Calls `visit` with the index of every occupied cell within `radius_m` of `p` whose
    /// distance passes `keep` (checked again before each cell, so a caller may tighten it as it
    /// goes). Cells are visited ring by ring outwards, or, when the rings would hold more cells
    /// than are occupied, by going through the occupied cells.
    fn visit_near(
        &self,
        p: [f64; 2],
        radius_m: f64,
        keep: impl Fn(f64) -> bool,
        mut visit: impl FnMut(usize),
    ) {
        if self.keys.is_empty() || !radius_m.is_finite() || radius_m < 0.0 {
            return;
        }
        let (cx, cy) = (cell_of(p[0], self.cell_m), cell_of(p[1], self.cell_m));
        // Rings 0..=rings cover the disc of `radius_m` around p.
        let rings = cell_of(radius_m, self.cell_m)
            .saturating_add(1)
            .min(CELL_LIMIT);
        let side = u128::try_from(rings).unwrap_or(0) * 2 + 1;
        if side.saturating_mul(side) > self.keys.len() as u128 {
            let mut order: Vec<(f64, usize)> = (0..self.keys.len())
                .map(|i| (self.gap(p, self.keys[i]), i))
                .filter(|(g, _)| *g <= radius_m)
                .collect();
            order.sort_by_dyn(|a, b| a.0.total_cmp(&b.0));
            for (g, i) in order {
                if !keep(g) {
                    break;
                }
                visit(i);
            }
            return;
        }
        for ring in 0..=rings {
            // Every cell of this ring is at least this far from p.
            let ring_gap = if ring == 0 {
                0.0
            } else {
                #[allow(clippy::cast_precision_loss)]
                let inner = (ring - 1) as f64;
                let lo_x = (cx as f64 - inner) * self.cell_m;
                let hi_x = (cx as f64 + inner + 1.0) * self.cell_m;
                let lo_y = (cy as f64 - inner) * self.cell_m;
                let hi_y = (cy as f64 + inner + 1.0) * self.cell_m;
                (p[0] - lo_x)
                    .min(hi_x - p[0])
                    .min(p[1] - lo_y)
                    .min(hi_y - p[1])
                    .max(0.0)
            };
            if ring_gap > radius_m || !keep(ring_gap) {
                break;
            }
            for_ring(cx, cy, ring, |key| {
                if let Some(i) = self.find(key) {
                    let g = self.gap(p, key);
                    if g <= radius_m && keep(g) {
                        visit(i);
                    }
                }
            });
        }
    }
}

/// The cells on the square ring at Chebyshev distance `ring` around (cx, cy).
fn for_ring(cx: i64, cy: i64, ring: i64, mut f: impl FnMut((i64, i64))) {
    if ring == 0 {
        f((cx, cy));
        return;
    }
    for d in -ring..=ring {
        f((cx + d, cy - ring));
        f((cx + d, cy + ring));
    }
    for d in (1 - ring)..ring {
        f((cx - ring, cy + d));
        f((cx + ring, cy + d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lines(Vec<([f64; 2], [f64; 2])>);

    impl Segments for Lines {
        fn ends(&self, at: SegmentRef) -> ([f64; 2], [f64; 2]) {
            self.0[at.edge.index()]
        }
    }

    fn refs(n: usize) -> impl Iterator<Item = SegmentRef> {
        (0..u32::try_from(n).unwrap_or(0)).map(|e| SegmentRef {
            edge: EdgeId(e),
            segment: 0,
        })
    }

    #[test]
    fn entries_follow_the_segments_not_the_extent() {
        // Two short streets 10,000 km apart, and one street across 20,000 km.
        let lines = Lines(vec![
            ([0.0, 0.0], [80.0, 0.0]),
            ([1.0e7, 0.0], [1.0e7 + 80.0, 0.0]),
            ([-1.0e7, -1.0e7], [1.0e7, 1.0e7]),
        ]);
        let grid = SegmentGrid::build(&lines, refs(3));
        assert!(grid.entry_count() <= 12, "{}", grid.entry_count());
        let hit = grid
            .nearest(&lines, [40.0, -30.0], 1000.0, |_| true)
            .expect("near the first street");
        assert_eq!(hit.at.edge, EdgeId(0));
        assert!((hit.distance_m - 30.0).abs() < 1e-9);
        // Far from everything: nothing within the radius, found quickly.
        assert!(grid
            .nearest(&lines, [5.0e6, -3.0e6], 1000.0, |_| true)
            .is_none());
        // The long diagonal is found from anywhere near it.
        let hit = grid
            .nearest(&lines, [5.0e6, 5.0e6 + 10.0], 1000.0, |_| true)
            .expect("the diagonal");
        assert_eq!(hit.at.edge, EdgeId(2));
    }

    #[test]
    fn nearest_and_within_agree_with_brute_force() {
        // A deterministic scatter of segments of many lengths.
        let mut lines = Vec::new();
        let mut x = 12_345u64;
        let mut next = || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            #[allow(clippy::cast_precision_loss)]
            let v = (x >> 11) as f64 / (1u64 << 53) as f64;
            v
        };
        for _ in 0..400 {
            let a = [next() * 5000.0, next() * 5000.0];
            let len = 10.0 * 2f64.powf(next() * 9.0);
            let ang = next() * std::f64::consts::TAU;
            lines.push((a, [a[0] + len * ang.cos(), a[1] + len * ang.sin()]));
        }
        let lines = Lines(lines);
        let grid = SegmentGrid::build(&lines, refs(lines.0.len()));
        for _ in 0..300 {
            let p = [next() * 6000.0 - 500.0, next() * 6000.0 - 500.0];
            let usable = |e: EdgeId| !e.0.is_multiple_of(5);
            let brute: Vec<(f64, EdgeId)> = (0..lines.0.len())
                .map(|i| {
                    let (a, b) = lines.0[i];
                    (project_onto_segment(p, a, b).1.sqrt(), EdgeId(i as u32))
                })
                .filter(|(_, e)| usable(*e))
                .collect();
            let best = brute
                .iter()
                .copied()
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let got = grid.nearest(&lines, p, 300.0, usable);
            match best.filter(|b| b.0 <= 300.0) {
                Some((d, e)) => {
                    let got = got.expect("found");
                    assert_eq!(got.at.edge, e);
                    assert!((got.distance_m - d).abs() < 1e-9);
                }
                None => assert!(got.is_none()),
            }
            let mut within = Vec::new();
            grid.within(&lines, p, 150.0, usable, |h| within.push(h.at.edge));
            within.sort();
            within.dedup();
            let mut expected: Vec<EdgeId> = brute
                .iter()
                .filter(|(d, _)| *d <= 150.0)
                .map(|(_, e)| *e)
                .collect();
            expected.sort();
            assert_eq!(within, expected);
        }
    }
}
