//! The lower envelope of linear cost pieces along one street, by a sweep.
//!
//! Along an edge, the cost of the point at offset `x` is the minimum of a few kinds of linear
//! pieces: leave (or arrive) by one end, by the other, or reach a place (or the origin) on the
//! same edge, each ridden (slope ±1) or, for an e-bike against a one-way street, pushed over at
//! most [`crate::join::PUSH_MAX_M`] (slope ±[`crate::Mode::foot_factor`]). [`Envelope::lower`]
//! computes their minimum exactly, as disjoint linear pieces, in O(k log k) for k pieces: the
//! pieces are grouped by slope, each group swept left to right with a heap of the pieces that
//! cover the current interval (the 1-D distance transform), and the groups' few lines are
//! merged on each interval between consecutive piece ends. A street with a thousand places is
//! therefore as cheap as a thousand streets with one place each.
//!
//! # Units
//! Offsets in metres along the edge; costs in metres at the mode's speed.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::sort::SortDyn;

/// Pieces shorter than this (metres) are dropped: they change the cost of no stretch of street.
const MIN_PIECE_M: f64 = 1e-9;
/// Up to this many pieces, the envelope is found without a heap or allocation.
const SMALL: usize = 8;

/// `cost(x) = at0 + slope * x` for `x` in `lo..=hi`, reached via `tag` (a service index for
/// coverage).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Piece {
    pub at0: f64,
    pub slope: f64,
    pub lo: f64,
    pub hi: f64,
    pub tag: usize,
}

impl Piece {
    const NONE: Piece = Piece {
        at0: 0.0,
        slope: 0.0,
        lo: 0.0,
        hi: 0.0,
        tag: 0,
    };

    /// A cost that grows away from offset `at` (where it is `cost`) at `slope` per metre,
    /// towards the right (`x >= at`) when `rightwards`, else towards the left, over at most
    /// `reach_m` metres, within the edge `0..=len`.
    pub fn cone(
        at: f64,
        cost: f64,
        slope: f64,
        rightwards: bool,
        reach_m: f64,
        len: f64,
        tag: usize,
    ) -> Piece {
        if rightwards {
            Piece {
                at0: cost - slope * at,
                slope,
                lo: at,
                hi: (at + reach_m).min(len),
                tag,
            }
        } else {
            Piece {
                at0: cost + slope * at,
                slope: -slope,
                lo: (at - reach_m).max(0.0),
                hi: at,
                tag,
            }
        }
    }

    pub fn cost(&self, x: f64) -> f64 {
        self.at0 + self.slope * x
    }

    fn contains(&self, x: f64) -> bool {
        x >= self.lo - 1e-9 && x <= self.hi + 1e-9
    }
}

/// The pointwise minimum of some pieces over an edge `0..=len`: disjoint pieces in order;
/// where none is, the cost is infinite (the stretch reaches nothing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Envelope {
    len: f64,
    pieces: Vec<Piece>,
}

/// An `f64` key ordered by `total_cmp`, for the heaps.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key(f64, usize, usize);

impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .total_cmp(&other.0)
            .then(self.1.cmp(&other.1))
            .then(self.2.cmp(&other.2))
    }
}

/// The pieces of one slope, swept: a heap of started pieces by intercept.
struct Group {
    slope: f64,
    /// Indices into the pieces, by `lo`.
    order: Vec<usize>,
    next: usize,
    heap: BinaryHeap<Reverse<Key>>,
}

impl Group {
    /// The lowest piece covering `[x0, x1]`, where no piece starts or ends strictly inside.
    fn lowest(&mut self, pieces: &[Piece], x0: f64, x1: f64) -> Option<Piece> {
        while let Some(&i) = self.order.get(self.next) {
            if pieces[i].lo > x0 {
                break;
            }
            self.heap
                .push(Reverse(Key(pieces[i].at0, pieces[i].tag, i)));
            self.next += 1;
        }
        while let Some(Reverse(Key(_, _, i))) = self.heap.peek() {
            if pieces[*i].hi >= x1 {
                return Some(pieces[*i]);
            }
            self.heap.pop();
        }
        None
    }
}

impl Envelope {
    /// The lower envelope of `input` over `0..=len`.
    pub fn lower(input: &[Piece], len: f64) -> Envelope {
        let clip = |p: &Piece| {
            let q = Piece {
                lo: p.lo.max(0.0),
                hi: p.hi.min(len),
                ..*p
            };
            (q.hi - q.lo >= MIN_PIECE_M && q.at0.is_finite() && q.slope.is_finite()).then_some(q)
        };
        if input.len() <= SMALL {
            let mut pieces = [Piece::NONE; SMALL];
            let mut n = 0;
            for q in input.iter().filter_map(clip) {
                pieces[n] = q;
                n += 1;
            }
            return Envelope::lower_small(&pieces[..n], len);
        }
        let pieces: Vec<Piece> = input.iter().filter_map(clip).collect();
        Envelope::lower_swept(&pieces, len)
    }

    /// A few pieces (the usual street: both ends and a place or two): every elementary
    /// interval checks every piece, without allocating.
    fn lower_small(pieces: &[Piece], len: f64) -> Envelope {
        let mut cuts = [0.0; 2 * SMALL];
        for (k, p) in pieces.iter().enumerate() {
            cuts[2 * k] = p.lo;
            cuts[2 * k + 1] = p.hi;
        }
        let cuts = &mut cuts[..2 * pieces.len()];
        cuts.sort_unstable_by_dyn(f64::total_cmp);
        let mut out = Envelope {
            len,
            pieces: Vec::with_capacity(pieces.len()),
        };
        let mut lines = [Piece::NONE; SMALL];
        for w in cuts.windows(2) {
            let (x0, x1) = (w[0], w[1]);
            if x1 <= x0 {
                continue;
            }
            // The lowest covering piece of each slope.
            let mut n = 0;
            for p in pieces.iter().filter(|p| p.lo <= x0 && p.hi >= x1) {
                match lines[..n].iter_mut().find(|l| l.slope == p.slope) {
                    Some(l) if (p.at0, p.tag) < (l.at0, l.tag) => *l = *p,
                    Some(_) => {}
                    None => {
                        lines[n] = *p;
                        n += 1;
                    }
                }
            }
            out.push_min_of(&lines[..n], x0, x1);
        }
        out
    }

    /// Many pieces: per slope, a sweep with a heap of the pieces covering the current interval.
    fn lower_swept(pieces: &[Piece], len: f64) -> Envelope {
        let mut groups: Vec<Group> = Vec::new();
        for (i, p) in pieces.iter().enumerate() {
            match groups.iter_mut().find(|g| g.slope == p.slope) {
                Some(g) => g.order.push(i),
                None => groups.push(Group {
                    slope: p.slope,
                    order: vec![i],
                    next: 0,
                    heap: BinaryHeap::new(),
                }),
            }
        }
        for g in &mut groups {
            g.order
                .sort_by_dyn(|a, b| pieces[*a].lo.total_cmp(&pieces[*b].lo));
        }
        let mut cuts: Vec<f64> = pieces.iter().flat_map(|p| [p.lo, p.hi]).collect();
        cuts.sort_by_dyn(f64::total_cmp);
        cuts.dedup();
        let mut out = Envelope {
            len,
            pieces: Vec::new(),
        };
        let mut lines = Vec::with_capacity(groups.len());
        for w in cuts.windows(2) {
            let (x0, x1) = (w[0], w[1]);
            lines.clear();
            for g in &mut groups {
                if let Some(p) = g.lowest(pieces, x0, x1) {
                    lines.push(p);
                }
            }
            out.push_min_of(&lines, x0, x1);
        }
        out
    }

    /// Appends the minimum of a few lines over `[x0, x1]`: start with the lowest at `x0` and
    /// switch to a line of smaller slope wherever it crosses below.
    fn push_min_of(&mut self, lines: &[Piece], x0: f64, x1: f64) {
        let lowest_at = |x: f64| {
            lines.iter().copied().min_by(|a, b| {
                a.cost(x)
                    .total_cmp(&b.cost(x))
                    .then(a.slope.total_cmp(&b.slope))
                    .then(a.tag.cmp(&b.tag))
            })
        };
        let mut x = x0;
        let Some(mut current) = lowest_at(x0) else {
            return;
        };
        // Each switch goes to a strictly smaller slope, so there are fewer than lines.len().
        for _ in 0..=lines.len() {
            let next = lines
                .iter()
                .filter(|l| l.slope < current.slope)
                .map(|l| ((l.at0 - current.at0) / (current.slope - l.slope), *l))
                .filter(|(cx, _)| *cx > x && *cx < x1)
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.slope.total_cmp(&b.1.slope)));
            match next {
                Some((cx, line)) => {
                    self.push(current, x, cx);
                    x = cx;
                    current = line;
                }
                None => break,
            }
        }
        self.push(current, x, x1);
    }

    fn push(&mut self, line: Piece, lo: f64, hi: f64) {
        if hi <= lo {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            let same = last.at0 == line.at0 && last.slope == line.slope && last.tag == line.tag;
            if same && (last.hi - lo).abs() <= MIN_PIECE_M {
                last.hi = hi;
                return;
            }
        }
        self.pieces.push(Piece { lo, hi, ..line });
    }

    /// The lowest cost along the edge, and its tag.
    pub fn min(&self) -> Option<(f64, usize)> {
        self.pieces
            .iter()
            .map(|p| (p.cost(p.lo).min(p.cost(p.hi)), p.tag))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// The highest cost along the covered parts.
    pub fn max(&self) -> Option<f64> {
        self.pieces
            .iter()
            .map(|p| p.cost(p.lo).max(p.cost(p.hi)))
            .max_by(f64::total_cmp)
    }

    /// The cost at offset `x` and its tag, `None` where nothing is reached.
    pub fn at(&self, x: f64) -> Option<(f64, usize)> {
        let i = self.pieces.partition_point(|p| p.hi < x - 1e-9);
        self.pieces[i..]
            .iter()
            .take_while(|p| p.lo <= x + 1e-9)
            .filter(|p| p.contains(x))
            .map(|p| (p.cost(x), p.tag))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// Length from which nothing is reached, metres.
    pub fn uncovered_m(&self) -> f64 {
        let covered: f64 = self.pieces.iter().map(|p| p.hi - p.lo).sum();
        (self.len - covered).max(0.0)
    }

    /// The edge cut into stretches by band: band `k` is "cost within `limits[k]`" (and not
    /// within `limits[k - 1]`), band `limits.len()` is "beyond the last limit, or nothing
    /// reached". `limits` ascending. Adjacent stretches of one band are merged.
    pub fn bands(&self, limits: &[f64]) -> Vec<(f64, f64, usize)> {
        let beyond = limits.len();
        let mut out: Vec<(f64, f64, usize)> = Vec::with_capacity(self.pieces.len() + 2);
        let mut push = |lo: f64, hi: f64, band: usize| {
            if hi - lo < MIN_PIECE_M {
                return;
            }
            match out.last_mut() {
                Some(last) if last.2 == band && (lo - last.1).abs() <= MIN_PIECE_M => last.1 = hi,
                _ => out.push((lo, hi, band)),
            }
        };
        let band_of = |cost: f64| limits.iter().position(|l| cost <= *l).unwrap_or(beyond);
        let mut x = 0.0;
        for p in &self.pieces {
            push(x, p.lo, beyond);
            // Along a rising piece the limits are crossed in ascending order, along a falling
            // one in descending order: cut at each crossing inside the piece.
            let crossing = |k: usize| (limits[k] - p.at0) / p.slope;
            let mut from = p.lo;
            let mut cut_at = |c: f64, push: &mut dyn FnMut(f64, f64, usize)| {
                if c > from && c < p.hi {
                    push(from, c, band_of(p.cost((from + c) / 2.0)));
                    from = c;
                }
            };
            if p.slope > 0.0 {
                (0..limits.len()).for_each(|k| cut_at(crossing(k), &mut push));
            } else if p.slope < 0.0 {
                (0..limits.len())
                    .rev()
                    .for_each(|k| cut_at(crossing(k), &mut push));
            }
            push(from, p.hi, band_of(p.cost((from + p.hi) / 2.0)));
            x = p.hi;
        }
        push(x, self.len, beyond);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The minimum of the pieces at `x`, the slow way.
    fn brute(pieces: &[Piece], x: f64) -> Option<f64> {
        pieces
            .iter()
            .filter(|p| p.hi - p.lo >= MIN_PIECE_M && p.contains(x))
            .map(|p| p.cost(x))
            .min_by(f64::total_cmp)
    }

    fn random_pieces(seed: u64, n: usize, len: f64) -> Vec<Piece> {
        let mut x = seed;
        let mut next = move || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            #[allow(clippy::cast_precision_loss)]
            let v = (x >> 11) as f64 / (1u64 << 53) as f64;
            v
        };
        (0..n)
            .map(|i| {
                let at = next() * len;
                let cost = next() * 500.0;
                let slope = if next() < 0.5 { 1.0 } else { 3.0 };
                let reach = if slope > 1.0 { 50.0 } else { len };
                Piece::cone(at, cost, slope, next() < 0.5, reach, len, i)
            })
            .collect()
    }

    #[test]
    fn sweep_equals_brute_force_minimum() {
        for seed in 0..50u64 {
            let len = 300.0;
            let pieces = random_pieces(seed, 1 + (seed as usize * 7) % 60, len);
            let env = Envelope::lower(&pieces, len);
            // Disjoint and in order.
            assert!(
                env.pieces.windows(2).all(|w| w[0].hi <= w[1].lo + 1e-9),
                "seed {seed}"
            );
            for k in 0..=600 {
                let x = len * f64::from(k) / 600.0;
                let want = brute(&pieces, x);
                let got = env.at(x).map(|(c, _)| c);
                match (want, got) {
                    (Some(a), Some(b)) => {
                        assert!((a - b).abs() < 1e-6, "seed {seed} x {x}: {a} vs {b}")
                    }
                    (None, None) => {}
                    // At the very end of a piece the sweep may leave a point of zero length.
                    (a, b) => assert!(
                        pieces
                            .iter()
                            .any(|p| (p.lo - x).abs() < 1e-6 || (p.hi - x).abs() < 1e-6),
                        "seed {seed} x {x}: {a:?} vs {b:?}"
                    ),
                }
            }
            let bands = env.bands(&[100.0, 200.0, 300.0]);
            let total: f64 = bands.iter().map(|b| b.1 - b.0).sum();
            assert!(
                (total - len).abs() < 1e-6,
                "seed {seed}: bands cover the edge"
            );
        }
    }

    #[test]
    fn a_thousand_places_on_one_street() {
        let len = 2_000.0;
        let pieces = random_pieces(7, 4_000, len);
        let env = Envelope::lower(&pieces, len);
        for k in 0..=200 {
            let x = len * f64::from(k) / 200.0;
            if let (Some(a), Some((b, _))) = (brute(&pieces, x), env.at(x)) {
                assert!((a - b).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn cones_meet_in_the_middle() {
        // Places at both ends of a 100 m street, ridden both ways: worst point in the middle.
        let pieces = vec![
            Piece::cone(0.0, 0.0, 1.0, true, 100.0, 100.0, 0),
            Piece::cone(100.0, 0.0, 1.0, false, 100.0, 100.0, 1),
        ];
        let env = Envelope::lower(&pieces, 100.0);
        assert_eq!(env.max(), Some(50.0));
        assert_eq!(env.min(), Some((0.0, 0)));
        assert_eq!(env.at(80.0), Some((20.0, 1)));
        assert_eq!(env.uncovered_m(), 0.0);
        assert_eq!(
            env.bands(&[10.0, 40.0]),
            vec![
                (0.0, 10.0, 0),
                (10.0, 40.0, 1),
                (40.0, 60.0, 2),
                (60.0, 90.0, 1),
                (90.0, 100.0, 0)
            ]
        );
    }
}
