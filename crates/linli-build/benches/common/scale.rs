//! Larger bundles for benchmarks: a real bundle tiled k × k (with its services), neighbouring
//! tiles stitched together by short two-way streets between their facing border nodes, and a
//! generated grid city of any size.

use linli_core::geom::{BBox, LngLat};
use linli_core::graph::{Edge, NodeId, RoadClass, ShapeRange, StreetGraph};
use linli_core::profile::{Access, Mode};
use linli_core::Bundle;

/// Nodes within this distance of a tile's east or north border are stitched, micro-degrees
/// (about 150 m).
const BORDER_E6: i32 = 1_500;

fn two_way() -> Access {
    Mode::ALL
        .into_iter()
        .fold(Access::NONE, |a, m| a.with(m, true, true))
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).expect("benchmark graphs stay below 2^32 nodes and points")
}

/// `base` repeated on a `k × k` grid of tiles. Each tile's services are copied with ids
/// suffixed `@row,col`. Facing border nodes of neighbouring tiles are joined by two-way
/// residential streets, so the result is one connected city (where the base is).
pub fn tile(base: &Bundle, k: u32) -> Bundle {
    let g = &base.graph;
    let [min_x, min_y] = base.bbox.min.to_e6();
    let [max_x, max_y] = base.bbox.max.to_e6();
    let (w, h) = (max_x - min_x, max_y - min_y);
    let east: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes[i][0] >= max_x - BORDER_E6)
        .collect();
    let west: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes[i][0] <= min_x + BORDER_E6)
        .collect();
    let north: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes[i][1] >= max_y - BORDER_E6)
        .collect();
    let south: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes[i][1] <= min_y + BORDER_E6)
        .collect();
    // Pair each east node with the west node nearest in latitude (and north with south).
    let pair = |from: &[usize], to: &[usize], axis: usize| -> Vec<(usize, usize)> {
        from.iter()
            .filter_map(|&a| {
                to.iter()
                    .min_by_key(|&&b| (g.nodes[a][axis] - g.nodes[b][axis]).abs())
                    .map(|&b| (a, b))
            })
            .collect()
    };
    let east_west = pair(&east, &west, 1);
    let north_south = pair(&north, &south, 0);

    let n = g.nodes.len();
    let mut out = StreetGraph {
        names: g.names.clone(),
        ..StreetGraph::default()
    };
    let mut services = Vec::new();
    let tiles = (k * k) as usize;
    for t in 0..tiles {
        let (row, col) = (u32_of(t) / k, u32_of(t) % k);
        let (dx, dy) = (w * col as i32, h * row as i32);
        let shift = |p: [i32; 2]| [p[0] + dx, p[1] + dy];
        let base_node = u32_of(t * n);
        out.nodes.extend(g.nodes.iter().map(|p| shift(*p)));
        for e in &g.edges {
            let start = u32_of(out.shape_points.len());
            out.shape_points
                .extend(g.shape_points[e.shape.range()].iter().map(|p| shift(*p)));
            out.edges.push(Edge {
                from: NodeId(e.from.0 + base_node),
                to: NodeId(e.to.0 + base_node),
                shape: ShapeRange {
                    start,
                    end: u32_of(out.shape_points.len()),
                },
                ..*e
            });
        }
        for s in &base.services {
            let mut s = s.clone();
            let [x, y] = s.location.to_e6();
            s.location = LngLat::from_e6([x + dx, y + dy]);
            s.id = format!("{}@{row},{col}", s.id);
            services.push(s);
        }
    }
    let link = |out: &mut StreetGraph, a: usize, b: usize| {
        let s = u32_of(out.shape_points.len());
        out.edges.push(Edge {
            from: NodeId(u32_of(a)),
            to: NodeId(u32_of(b)),
            shape: ShapeRange { start: s, end: s },
            access: two_way(),
            class: RoadClass::Minor,
            name: None,
        });
    };
    for row in 0..k as usize {
        for col in 0..k as usize {
            let t = row * k as usize + col;
            if col + 1 < k as usize {
                for &(a, b) in &east_west {
                    link(&mut out, t * n + a, (t + 1) * n + b);
                }
            }
            if row + 1 < k as usize {
                for &(a, b) in &north_south {
                    link(&mut out, t * n + a, (t + k as usize) * n + b);
                }
            }
        }
    }
    let bbox = BBox::around(out.nodes.iter().map(|p| LngLat::from_e6(*p))).unwrap_or(base.bbox);
    Bundle {
        name: format!("{} × {tiles}", base.name),
        build_date: base.build_date.clone(),
        attribution: base.attribution.clone(),
        bbox,
        // Each tile's places keep the base's compiled hours.
        hours: linli_core::Timetable::new(
            base.hours.comments().to_vec(),
            base.hours.days().to_vec(),
            base.hours
                .plans()
                .iter()
                .cycle()
                .take(services.len())
                .cloned()
                .collect(),
        )
        .expect("the base's plans fit every tile"),
        services,
        graph: out,
        readings: base.readings.clone(),
    }
}

/// A generated grid city of `side × side` junctions 100 m apart, all streets two-way for every
/// mode, with one service every `every` junctions (placed 15 m off the street).
pub fn grid_city(side: u32, every: u32, template: &linli_core::Service) -> Bundle {
    let step_lat = 900; // micro-degrees, ~100 m
    let step_lng = 975; // ~100 m at 22.5° N
    let mut g = StreetGraph::default();
    for r in 0..side as i32 {
        for c in 0..side as i32 {
            g.nodes
                .push([113_000_000 + c * step_lng, 22_000_000 + r * step_lat]);
        }
    }
    for r in 0..side {
        for c in 0..side {
            let v = r * side + c;
            let mut add = |w: u32| {
                g.edges.push(Edge {
                    from: NodeId(v),
                    to: NodeId(w),
                    shape: ShapeRange::default(),
                    access: two_way(),
                    class: RoadClass::Minor,
                    name: None,
                });
            };
            if c + 1 < side {
                add(v + 1);
            }
            if r + 1 < side {
                add(v + side);
            }
        }
    }
    let services: Vec<linli_core::Service> = (0..side * side)
        .step_by(every.max(1) as usize)
        .map(|v| {
            let [x, y] = g.nodes[v as usize];
            linli_core::Service {
                id: format!("g{v}"),
                location: LngLat::from_e6([x + 300, y + 135]),
                ..template.clone()
            }
        })
        .collect();
    let bbox = BBox::around(g.nodes.iter().map(|p| LngLat::from_e6(*p))).unwrap_or(BBox {
        min: LngLat::default(),
        max: LngLat::default(),
    });
    Bundle {
        name: format!("grid {side}×{side}"),
        build_date: "2026-01-01".into(),
        attribution: String::new(),
        bbox,
        hours: linli_core::Timetable::without_hours(services.len()),
        services,
        graph: g,
        readings: Default::default(),
    }
}

/// One straight 3 km street (two-way, a shape point every 100 m) with `places` services beside
/// it, 5–17 m off, spread evenly along it: issue 14's "many places on one street" for coverage.
pub fn one_street(places: u32, template: &linli_core::Service) -> Bundle {
    let step_lng = 975; // ~100 m at 22.5° N
    let mut g = StreetGraph::default();
    g.nodes.push([113_000_000, 22_000_000]);
    g.nodes.push([113_000_000 + 30 * step_lng, 22_000_000]);
    for k in 1..30 {
        g.shape_points
            .push([113_000_000 + k * step_lng, 22_000_000]);
    }
    g.edges.push(Edge {
        from: NodeId(0),
        to: NodeId(1),
        shape: ShapeRange {
            start: 0,
            end: u32_of(g.shape_points.len()),
        },
        access: two_way(),
        class: RoadClass::Minor,
        name: None,
    });
    let services: Vec<linli_core::Service> = (0..places)
        .map(|i| {
            let along = i64::from(i) * 30 * i64::from(step_lng) / i64::from(places.max(1));
            let off = 45 + i64::from(i % 7) * 18; // micro-degrees north or south, 5–17 m
            let side = if i % 2 == 0 { 1 } else { -1 };
            let x = i32::try_from(113_000_000 + along).unwrap_or(i32::MAX);
            let y = i32::try_from(22_000_000 + side * off).unwrap_or(i32::MAX);
            linli_core::Service {
                id: format!("s{i}"),
                location: LngLat::from_e6([x, y]),
                ..template.clone()
            }
        })
        .collect();
    let bbox = BBox::around(g.nodes.iter().map(|p| LngLat::from_e6(*p))).unwrap_or(BBox {
        min: LngLat::default(),
        max: LngLat::default(),
    });
    Bundle {
        name: format!("one street, {places} places"),
        build_date: "2026-11-22".into(),
        attribution: String::new(),
        bbox,
        hours: linli_core::Timetable::without_hours(services.len()),
        services,
        graph: g,
        readings: Default::default(),
    }
}

/// The seeded generator of tests/e2e/bundles.mjs (mulberry32), step for step, so that
/// [`many_places`] moves the copies exactly as the browser benchmark's bundles do.
struct Mulberry32(u32);

impl Mulberry32 {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
}

/// `base` with `n` places, as `manyPlaces(n)` of tests/e2e/bundles.mjs makes them for the
/// browser's "Large bundles" table: the base's places, then copies (ids `<id>~<copy>`, names
/// `<name> <copy>`) each moved up to 0.003° (about 300 m) by the same seeded offsets, each with
/// its original's compiled hours.
pub fn many_places(base: &Bundle, n: u32) -> Bundle {
    const SCATTER_DEG: f64 = 0.003;
    let mut random = Mulberry32(n);
    let mut moved = |v_e6: i32| {
        let v = f64::from(v_e6) / 1e6 + (random.next() * 2.0 - 1.0) * SCATTER_DEG;
        // Written to the CSV with 6 decimals; in range, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let e6 = (v * 1e6).round() as i32;
        e6
    };
    let k = base.services.len();
    let mut services = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        let p = &base.services[i % k];
        let copy = i / k;
        if copy == 0 {
            services.push(p.clone());
            continue;
        }
        let [x, y] = p.location.to_e6();
        let (x, y) = (moved(x), moved(y));
        services.push(linli_core::Service {
            id: format!("{}~{copy}", p.id),
            name: format!("{} {copy}", p.name),
            location: LngLat::from_e6([x, y]),
            ..p.clone()
        });
    }
    Bundle {
        name: format!("{} with {n} places", base.name),
        hours: linli_core::Timetable::new(
            base.hours.comments().to_vec(),
            base.hours.days().to_vec(),
            base.hours
                .plans()
                .iter()
                .cycle()
                .take(services.len())
                .cloned()
                .collect(),
        )
        .expect("the base's plans fit the copies"),
        services,
        ..base.clone()
    }
}
