//! Markers that do not hide each other: places closer on screen than a marker's size are
//! grouped under one numbered marker (a tap zooms in), and at the deepest zoom, where zooming
//! cannot separate them, they are spread on a small circle.
//!
//! Pure geometry on Web-Mercator pixels (the projection Leaflet uses), so it is tested natively.

use linli_core::LngLat;

/// Web-Mercator pixel coordinates of `p` at `zoom` (256-pixel tiles), like Leaflet's
/// `map.project`.
pub fn project(p: LngLat, zoom: f64) -> [f64; 2] {
    let scale = 256.0 * zoom.exp2();
    let lat = p.lat.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (p.lng + 180.0) / 360.0 * scale;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * scale;
    [x, y]
}

/// The inverse of [`project`].
pub fn unproject(xy: [f64; 2], zoom: f64) -> LngLat {
    let scale = 256.0 * zoom.exp2();
    let lng = xy[0] / scale * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * xy[1] / scale);
    let lat = n.sinh().atan().to_degrees();
    LngLat::new(lng, lat)
}

/// Markers drawn at one place: one member, or a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Indices into the input, in input order; the first is the anchor.
    pub members: Vec<usize>,
    /// Where the marker stands, pixels (the anchor's position).
    pub at: [f64; 2],
}

/// Groups points (pixels, in priority order: the first is never hidden) so that no two
/// markers of `size` pixels overlap: a point joins the first group whose anchor is less than
/// `size` away on both axes, else it anchors a new group. Anchors are therefore at least
/// `size` apart on one axis, and the first point always stands alone at its own position.
///
/// Anchors are filed in cells of `size` pixels, so a point looks only at the anchors of the
/// 3 × 3 cells around it: linear in the number of points (100,000 places stay fast).
pub fn group(points: &[[f64; 2]], size: f64) -> Vec<Group> {
    let near = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).abs() < size && (a[1] - b[1]).abs() < size;
    // Pixel coordinates are finite and far below 2^53; `as` saturates otherwise.
    #[allow(clippy::cast_possible_truncation)]
    let cell = |p: [f64; 2]| ((p[0] / size).floor() as i64, (p[1] / size).floor() as i64);
    let mut groups: Vec<Group> = Vec::new();
    // Anchors of the groups after the first, by cell, in creation order.
    let mut cells: std::collections::HashMap<(i64, i64), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, p) in points.iter().enumerate() {
        let Some(top) = groups.first().map(|g| g.at) else {
            // The first point stays alone at its own position: the top result is always seen.
            groups.push(Group {
                members: vec![i],
                at: *p,
            });
            continue;
        };
        // Too close to the top result: stand just beside it instead.
        let spot = if near(top, *p) {
            nudge(top, *p, size)
        } else {
            *p
        };
        let (cx, cy) = cell(spot);
        let mut first: Option<usize> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                let Some(list) = cells.get(&(cx.saturating_add(dx), cy.saturating_add(dy))) else {
                    continue;
                };
                // Lists are in creation order: the first near one is the cell's earliest.
                if let Some(&g) = list.iter().find(|&&g| near(groups[g].at, spot)) {
                    first = Some(first.map_or(g, |f| f.min(g)));
                }
            }
        }
        match first {
            Some(g) => groups[g].members.push(i),
            None => {
                cells.entry((cx, cy)).or_default().push(groups.len());
                groups.push(Group {
                    members: vec![i],
                    at: spot,
                });
            }
        }
    }
    groups
}

/// `p` moved straight away from `anchor` until it is `size` away on one axis.
fn nudge(anchor: [f64; 2], p: [f64; 2], size: f64) -> [f64; 2] {
    let (dx, dy) = (p[0] - anchor[0], p[1] - anchor[1]);
    let (dx, dy) = if dx == 0.0 && dy == 0.0 {
        (0.0, -1.0)
    } else {
        (dx, dy)
    };
    let k = size / dx.abs().max(dy.abs());
    [anchor[0] + dx * k, anchor[1] + dy * k]
}

/// Offsets (pixels) that spread `n` markers of `size` pixels around a point without overlap:
/// the first stays in the middle, the others on a circle.
pub fn spread(n: usize, size: f64) -> Vec<[f64; 2]> {
    if n <= 1 {
        return vec![[0.0, 0.0]; n];
    }
    let ring = n - 1;
    // Neighbours on the ring at least `size` apart (chord), and the ring `size` from the middle.
    #[allow(clippy::cast_precision_loss)]
    let step = std::f64::consts::TAU / ring as f64;
    let radius = if ring == 1 {
        size
    } else {
        (size / (2.0 * (step / 2.0).sin())).max(size) * std::f64::consts::SQRT_2
    };
    std::iter::once([0.0, 0.0])
        .chain((0..ring).map(|i| {
            #[allow(clippy::cast_precision_loss)]
            let a = step * i as f64 - std::f64::consts::FRAC_PI_2;
            [radius * a.cos(), radius * a.sin()]
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlap(a: [f64; 2], b: [f64; 2], size: f64) -> bool {
        (a[0] - b[0]).abs() < size - 1e-9 && (a[1] - b[1]).abs() < size - 1e-9
    }

    /// A seeded pseudo-random sequence (xorshift), so failures can be replayed.
    fn points(seed: u64, n: usize, extent: f64) -> Vec<[f64; 2]> {
        let mut x = seed;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            #[allow(clippy::cast_precision_loss)]
            let v = (x % 10_000) as f64 / 10_000.0;
            v * extent
        };
        (0..n).map(|_| [next(), next()]).collect()
    }

    #[test]
    fn no_two_markers_overlap_and_every_point_is_somewhere() {
        for seed in 1..=200_u64 {
            let pts = points(seed, 45, 360.0);
            let groups = group(&pts, 44.0);
            for (i, a) in groups.iter().enumerate() {
                for b in &groups[i + 1..] {
                    assert!(
                        !overlap(a.at, b.at, 44.0),
                        "seed {seed}: markers at {:?} and {:?} overlap",
                        a.at,
                        b.at
                    );
                }
            }
            let mut all: Vec<usize> = groups.iter().flat_map(|g| g.members.clone()).collect();
            all.sort_unstable();
            assert_eq!(all, (0..45).collect::<Vec<_>>(), "seed {seed}");
            assert_eq!(
                groups[0].members,
                [0],
                "seed {seed}: the top result stands alone"
            );
            assert_eq!(groups[0].at, pts[0], "seed {seed}: at its own position");
        }
    }

    /// The definition, checked against every group in turn.
    fn group_naive(points: &[[f64; 2]], size: f64) -> Vec<Group> {
        let near =
            |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).abs() < size && (a[1] - b[1]).abs() < size;
        let mut groups: Vec<Group> = Vec::new();
        for (i, p) in points.iter().enumerate() {
            let Some(top) = groups.first().map(|g| g.at) else {
                groups.push(Group {
                    members: vec![i],
                    at: *p,
                });
                continue;
            };
            let spot = if near(top, *p) {
                nudge(top, *p, size)
            } else {
                *p
            };
            match groups.iter_mut().skip(1).find(|g| near(g.at, spot)) {
                Some(g) => g.members.push(i),
                None => groups.push(Group {
                    members: vec![i],
                    at: spot,
                }),
            }
        }
        groups
    }

    #[test]
    fn grouping_by_cells_equals_the_definition() {
        for seed in 1..=300_u64 {
            let n = 5 + (seed as usize % 7) * 60;
            let pts = points(seed, n, 200.0 + (seed % 5) as f64 * 300.0);
            assert_eq!(group(&pts, 44.0), group_naive(&pts, 44.0), "seed {seed}");
        }
        // Points exactly on cell borders and at negative coordinates.
        let pts: Vec<[f64; 2]> = (0..200)
            .map(|i| {
                [
                    f64::from(i % 20) * 22.0 - 200.0,
                    f64::from(i / 20) * 44.0 - 100.0,
                ]
            })
            .collect();
        assert_eq!(group(&pts, 44.0), group_naive(&pts, 44.0));
    }

    #[test]
    fn far_apart_points_stay_single() {
        let pts = [[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]];
        let groups = group(&pts, 44.0);
        assert_eq!(groups.len(), 3);
        assert!(groups.iter().all(|g| g.members.len() == 1));
    }

    #[test]
    fn spread_markers_do_not_overlap() {
        for n in 1..12 {
            let offsets = spread(n, 44.0);
            assert_eq!(offsets.len(), n);
            for (i, a) in offsets.iter().enumerate() {
                for b in &offsets[i + 1..] {
                    assert!(!overlap(*a, *b, 44.0), "n={n}: {a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn projection_round_trips_and_matches_leaflet() {
        let p = LngLat::new(114.02, 22.535);
        let xy = project(p, 15.0);
        // Leaflet: map.project([22.535, 114.02], 15) = {x: 6851162.57, y: 3655113.85}
        assert!(
            (xy[0] - 6_851_162.57).abs() < 0.01 && (xy[1] - 3_655_113.85).abs() < 0.01,
            "{xy:?}"
        );
        let back = unproject(xy, 15.0);
        assert!((back.lng - p.lng).abs() < 1e-9 && (back.lat - p.lat).abs() < 1e-9);
    }
}
