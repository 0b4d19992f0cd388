//! Finding places and streets by what people type: names, addresses and service words, in
//! Chinese characters, pinyin (full, initials, mixed) or English, with no network and no
//! dictionary (the readings come from the bundle, see [`crate::pinyin`]).
//!
//! # What is searched
//! - every place by its name and address, and by the words of the services it offers and of
//!   its kind ([`Amenity::search_words`], the labels and codes; [`Kind::search_words`]);
//! - every named street, once per name. A street's point is the middle, by length, of the named
//!   street; when the name is used by separate parts (further than [`PART_GAP_M`] apart), the
//!   part nearest the map centre is chosen.
//!
//! # Ranking
//! Exact matches (the query covers the whole name or word) first, then prefix matches, then
//! matches inside; within each class by straight-line distance from the starting point; a place
//! matched in several ways counts its best. At most [`SearchQuery::limit`] hits.
//!
//! ```
//! # use linli_core::{Bundle, LngLat};
//! # use linli_core::search::{SearchIndex, SearchQuery};
//! # fn demo(bundle: &Bundle) {
//! let index = SearchIndex::new(bundle);
//! let here = LngLat::new(114.02, 22.535);
//! for hit in index.search(&SearchQuery::new("cgm", here)) {
//!     println!("{} [{}] {:.0} m", hit.name, hit.target.kind_code(), hit.distance_m);
//! }
//! # }
//! ```

use crate::bundle::Bundle;
use crate::geom::LngLat;
use crate::pinyin::{MatchClass, Matcher, Query, TextId};
use crate::service::{Amenities, Amenity, Kind};
use crate::sort::SortDyn;

/// Parts of a street with the same name closer than this (metres, between the ends of their
/// segments) are one street: the two carriageways of a divided road, a street crossed by a
/// square.
pub const PART_GAP_M: f64 = 80.0;

/// How many hits a query returns unless told otherwise: a phone screenful.
pub const DEFAULT_LIMIT: usize = 8;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A place: index into the bundle's services.
    Place {
        /// Index into [`Bundle::services`].
        service: usize,
        /// Its kind.
        kind: Kind,
    },
    /// A street: index into the bundle's street names.
    Street {
        /// Index into [`StreetGraph::names`].
        name: u32,
    },
}

impl Target {
    /// `centre`, `rest_stop`, `canteen` or `street`: the kind shown with the hit.
    pub const fn kind_code(self) -> &'static str {
        match self {
            Target::Place { kind, .. } => kind.code(),
            Target::Street { .. } => "street",
        }
    }
}

/// Which text of the hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Matched {
    /// The place's or street's name.
    Name,
    /// The place's address.
    Address,
    /// A word for a service the place offers.
    Service(Amenity),
    /// A word for the place's kind.
    Kind,
}

impl Matched {
    /// `name`, `address`, `service` or `kind`.
    pub const fn code(self) -> &'static str {
        match self {
            Matched::Name => "name",
            Matched::Address => "address",
            Matched::Service(_) => "service",
            Matched::Kind => "kind",
        }
    }

    fn rank(self) -> u8 {
        match self {
            Matched::Name => 0,
            Matched::Address => 1,
            Matched::Service(_) => 2,
            Matched::Kind => 3,
        }
    }
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The place or street.
    pub target: Target,
    /// Its name.
    pub name: String,
    /// Where to put the starting point or the map: the place, or the street's middle.
    pub location: LngLat,
    /// Straight-line distance from the query's starting point, metres.
    pub distance_m: f64,
    /// How well it matched.
    pub class: MatchClass,
    /// What matched.
    pub matched: Matched,
}

/// A search request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchQuery<'a> {
    /// What was typed.
    pub text: &'a str,
    /// The current starting point: hits of one class are ranked by distance from it.
    pub from: LngLat,
    /// The map centre: of a street whose name is used by separate parts, the part nearest it is
    /// chosen.
    pub centre: LngLat,
    /// At most this many hits.
    pub limit: usize,
}

impl<'a> SearchQuery<'a> {
    /// `text` from `near` (as starting point and map centre), at most [`DEFAULT_LIMIT`] hits.
    pub const fn new(text: &'a str, near: LngLat) -> SearchQuery<'a> {
        SearchQuery {
            text,
            from: near,
            centre: near,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// Every word of the service vocabulary that search matches (labels, codes and extra words of
/// every service and kind). `linli build` stores the readings of their characters too.
pub fn vocabulary() -> impl Iterator<Item = &'static str> {
    let amenities = Amenity::ALL.iter().flat_map(|a| {
        [a.label_zh(), a.label_en(), a.code()]
            .into_iter()
            .chain(a.search_words().iter().copied())
    });
    let kinds = Kind::ALL
        .iter()
        .flat_map(|k| std::iter::once(k.code()).chain(k.search_words().iter().copied()));
    amenities.chain(kinds)
}

/// Every text of a bundle that search matches, vocabulary included: what `linli build` needs
/// readings for.
pub fn searchable_texts<'a>(bundle: &'a Bundle) -> impl Iterator<Item = &'a str> + 'a {
    bundle
        .graph
        .names
        .iter()
        .map(String::as_str)
        .chain(
            bundle
                .services
                .iter()
                .flat_map(|s| [s.name.as_str(), s.address.as_str()]),
        )
        .chain(vocabulary().map(|w| -> &'a str { w }))
}

#[derive(Debug, Clone)]
struct PlaceEntry {
    name: TextId,
    address: TextId,
    label: String,
    location: LngLat,
    kind: Kind,
    amenities: Amenities,
}

/// What a vocabulary word stands for.
#[derive(Debug, Clone, Copy)]
enum Term {
    Amenity(Amenity),
    Kind(Kind),
}

/// One connected part of a named street.
#[derive(Debug, Clone)]
struct StreetPart {
    middle: LngLat,
    /// Segments `[a, b]` of the part, for its distance to the map centre.
    segments: Vec<[LngLat; 2]>,
}

#[derive(Debug, Clone)]
struct StreetEntry {
    name: u32,
    text: TextId,
    label: String,
    parts: Vec<StreetPart>,
}

/// The search index of one bundle: its texts prepared for matching, and every named street's
/// parts and middles. Built once after decoding (a few milliseconds for a district).
#[derive(Debug, Clone)]
pub struct SearchIndex {
    matcher: Matcher,
    places: Vec<PlaceEntry>,
    streets: Vec<StreetEntry>,
    vocabulary: Vec<(TextId, Term)>,
}

/// A candidate before ranking.
struct Candidate {
    class: MatchClass,
    matched: Matched,
    distance_m: f64,
    target: Target,
    location: LngLat,
    order: usize,
}

/// A named edge, for grouping streets: its global name index, its ends and its polyline.
#[derive(Debug, Clone)]
struct NamedEdge {
    name: u32,
    ends: [LngLat; 2],
    points: Vec<LngLat>,
}

/// A [`SearchIndex`] being built a few places at a time, so that a page can let the browser
/// paint and handle input between steps (100,000 places take a second on a phone).
/// [`SearchIndex::new`] and [`SearchIndex::for_finder`] are this, all in one step.
#[derive(Debug, Clone)]
pub struct SearchIndexPrep<'a> {
    bundle: &'a Bundle,
    matcher: Matcher,
    places: Vec<PlaceEntry>,
    /// Street names by global name index (`None`: not in a loaded part).
    names: Vec<Option<&'a str>>,
    edges: Vec<NamedEdge>,
}

impl<'a> SearchIndexPrep<'a> {
    /// Starts an index of `bundle` (its places and all its streets); no place is prepared yet.
    pub fn new(bundle: &'a Bundle) -> SearchIndexPrep<'a> {
        let g = &bundle.graph;
        let edges = (0..g.edges.len())
            .filter_map(|i| {
                let e = &g.edges[i];
                let name = e.name?;
                let id = crate::graph::EdgeId(u32::try_from(i).ok()?);
                Some(NamedEdge {
                    name,
                    ends: [
                        LngLat::from_e6(*g.nodes.get(e.from.index())?),
                        LngLat::from_e6(*g.nodes.get(e.to.index())?),
                    ],
                    points: g.edge_lnglats(id).collect(),
                })
            })
            .collect();
        let names = g.names.iter().map(|n| Some(n.as_str())).collect();
        SearchIndexPrep::with_streets(bundle, names, edges)
    }

    /// Starts an index of a finder: for a tiled dataset, every place (by its name and services
    /// from the manifest, and by its address once its tile is loaded) and the streets of the
    /// loaded tiles. With every tile loaded it finds what [`SearchIndexPrep::new`] finds in
    /// the single-file bundle.
    pub fn for_finder(finder: &'a crate::Finder) -> SearchIndexPrep<'a> {
        let net = finder.network();
        let mut names: Vec<Option<&str>> = Vec::new();
        let mut edges = Vec::new();
        for e in net.edge_ids() {
            let Some((part, i)) = net.locate(e) else {
                continue;
            };
            let edge = &part.graph.edges[i];
            let Some(local) = edge.name else {
                continue;
            };
            let (Some(&name), Some(text)) = (
                part.name_ids.get(local as usize),
                part.graph.names.get(local as usize),
            ) else {
                continue;
            };
            let k = name as usize;
            if names.len() <= k {
                names.resize(k + 1, None);
            }
            names[k] = Some(text.as_str());
            let Ok(id) = u32::try_from(i) else {
                continue;
            };
            let points: Vec<LngLat> = part.graph.edge_lnglats(crate::graph::EdgeId(id)).collect();
            let (Some(&a), Some(&b)) = (points.first(), points.last()) else {
                continue;
            };
            edges.push(NamedEdge {
                name,
                ends: [a, b],
                points,
            });
        }
        SearchIndexPrep::with_streets(finder.bundle(), names, edges)
    }

    fn with_streets(
        bundle: &'a Bundle,
        names: Vec<Option<&'a str>>,
        edges: Vec<NamedEdge>,
    ) -> SearchIndexPrep<'a> {
        SearchIndexPrep {
            bundle,
            matcher: Matcher::new(bundle.readings.clone()),
            places: Vec::new(),
            names,
            edges,
        }
    }

    /// Prepares the next `max_places` places' texts; true once every place is prepared.
    pub fn step(&mut self, max_places: usize) -> bool {
        let services = &self.bundle.services;
        let start = self.places.len();
        let end = start.saturating_add(max_places).min(services.len());
        for s in &services[start..end] {
            self.places.push(PlaceEntry {
                name: self.matcher.add(&s.name),
                address: self.matcher.add(&s.address),
                label: s.name.clone(),
                location: s.location,
                kind: s.kind,
                amenities: s.amenities,
            });
        }
        self.is_done()
    }

    /// Has every place been prepared?
    pub fn is_done(&self) -> bool {
        self.places.len() >= self.bundle.services.len()
    }

    /// The index, after preparing whatever places are left, the service vocabulary and the
    /// streets.
    pub fn finish(mut self) -> SearchIndex {
        self.step(usize::MAX);
        let SearchIndexPrep {
            mut matcher,
            places,
            names,
            edges,
            ..
        } = self;
        let mut vocabulary = Vec::new();
        for a in Amenity::ALL {
            for word in [a.label_zh(), a.label_en(), a.code()]
                .into_iter()
                .chain(a.search_words().iter().copied())
            {
                vocabulary.push((matcher.add(word), Term::Amenity(*a)));
            }
        }
        for k in Kind::ALL {
            for word in std::iter::once(k.code()).chain(k.search_words().iter().copied()) {
                vocabulary.push((matcher.add(word), Term::Kind(k)));
            }
        }
        let streets = street_parts(names.len(), &edges)
            .into_iter()
            .enumerate()
            .filter(|(_, parts)| !parts.is_empty())
            .filter_map(|(i, parts)| {
                let label = names.get(i).copied().flatten()?.to_string();
                Some(StreetEntry {
                    name: u32::try_from(i).unwrap_or(u32::MAX),
                    text: matcher.add(&label),
                    label,
                    parts,
                })
            })
            .collect();
        SearchIndex {
            matcher,
            places,
            streets,
            vocabulary,
        }
    }
}

impl SearchIndex {
    /// Prepares the bundle's texts and streets.
    pub fn new(bundle: &Bundle) -> SearchIndex {
        SearchIndexPrep::new(bundle).finish()
    }

    /// Prepares the texts and streets of a finder (see [`SearchIndexPrep::for_finder`]).
    pub fn for_finder(finder: &crate::Finder) -> SearchIndex {
        SearchIndexPrep::for_finder(finder).finish()
    }

    /// The hits for `query`, best first; empty when nothing matches or the query has no
    /// letters, digits or characters.
    pub fn search(&self, query: &SearchQuery) -> Vec<Hit> {
        let q = Query::new(query.text);
        if q.is_empty() || query.limit == 0 {
            return Vec::new();
        }
        let mut candidates = self.place_candidates(&q, query.from);
        candidates.extend(self.street_candidates(&q, query));
        let key = |c: &Candidate| (c.class, c.distance_m, c.matched.rank(), c.order);
        let by_rank = |a: &Candidate, b: &Candidate| {
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0)
                .then(ka.1.total_cmp(&kb.1))
                .then(ka.2.cmp(&kb.2))
                .then(ka.3.cmp(&kb.3))
        };
        if candidates.len() > query.limit {
            candidates.select_nth_unstable_by(query.limit, by_rank);
            candidates.truncate(query.limit);
        }
        candidates.sort_by_dyn(by_rank);
        candidates
            .into_iter()
            .map(|c| Hit {
                name: match c.target {
                    Target::Place { service, .. } => self.places[service].label.clone(),
                    Target::Street { .. } => {
                        self.streets[c.order - self.places.len()].label.clone()
                    }
                },
                target: c.target,
                location: c.location,
                distance_m: c.distance_m,
                class: c.class,
                matched: c.matched,
            })
            .collect()
    }

    /// Each place's best match over its name, address and the words of its services and kind.
    fn place_candidates(&self, q: &Query, from: LngLat) -> Vec<Candidate> {
        let mut best: Vec<Option<(MatchClass, Matched)>> = self
            .places
            .iter()
            .map(|p| {
                let name = self.matcher.matches(p.name, q).map(|c| (c, Matched::Name));
                let address = self
                    .matcher
                    .matches(p.address, q)
                    .map(|c| (c, Matched::Address));
                better(name, address)
            })
            .collect();
        for &(text, term) in &self.vocabulary {
            let Some(class) = self.matcher.matches(text, q) else {
                continue;
            };
            for (i, p) in self.places.iter().enumerate() {
                let found = match term {
                    Term::Amenity(a) if p.amenities.contains(a) => (class, Matched::Service(a)),
                    Term::Kind(k) if p.kind == k => (class, Matched::Kind),
                    _ => continue,
                };
                best[i] = better(best[i], Some(found));
            }
        }
        best.into_iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let (class, matched) = m?;
                let p = &self.places[i];
                Some(Candidate {
                    class,
                    matched,
                    distance_m: from.distance_m(p.location),
                    target: Target::Place {
                        service: i,
                        kind: p.kind,
                    },
                    location: p.location,
                    order: i,
                })
            })
            .collect()
    }

    fn street_candidates<'a>(
        &'a self,
        q: &'a Query,
        query: &'a SearchQuery,
    ) -> impl Iterator<Item = Candidate> + 'a {
        self.streets.iter().enumerate().filter_map(move |(i, s)| {
            let class = self.matcher.matches(s.text, q)?;
            let part = nearest_part(&s.parts, query.centre)?;
            Some(Candidate {
                class,
                matched: Matched::Name,
                distance_m: query.from.distance_m(part.middle),
                target: Target::Street { name: s.name },
                location: part.middle,
                order: self.places.len() + i,
            })
        })
    }

    /// The matcher, with the readings in use (for tests and diagnostics).
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// The middle of every part of the street named `names[name]`.
    pub fn street_middles(&self, name: u32) -> Vec<LngLat> {
        self.streets
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.parts.iter().map(|p| p.middle).collect())
            .unwrap_or_default()
    }
}

fn better(
    a: Option<(MatchClass, Matched)>,
    b: Option<(MatchClass, Matched)>,
) -> Option<(MatchClass, Matched)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if (y.0, y.1.rank()) < (x.0, x.1.rank()) {
            y
        } else {
            x
        }),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The part whose segments come nearest `centre`.
fn nearest_part(parts: &[StreetPart], centre: LngLat) -> Option<&StreetPart> {
    let flat = Flat::new(centre);
    let distance = |part: &StreetPart| {
        part.segments
            .iter()
            .map(|[a, b]| nearest_on_segment([0.0, 0.0], flat.xy(*a), flat.xy(*b)).1)
            .fold(f64::INFINITY, f64::min)
    };
    parts
        .iter()
        .map(|p| (distance(p), p))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p)
}

/// For every street name, its parts: the edges of that name grouped when they share a node or
/// their ends lie within [`PART_GAP_M`], each with its middle.
fn street_parts(names: usize, edges: &[NamedEdge]) -> Vec<Vec<StreetPart>> {
    let mut by_name: Vec<Vec<usize>> = vec![Vec::new(); names];
    for (i, e) in edges.iter().enumerate() {
        if let Some(list) = by_name.get_mut(e.name as usize) {
            list.push(i);
        }
    }
    by_name
        .iter()
        .map(|list| {
            group_edges(edges, list)
                .into_iter()
                .filter_map(|group| part_of(edges, &group))
                .collect()
        })
        .collect()
}

/// Groups `list` (edges of one name) into parts with a union-find: a shared node, or ends
/// within [`PART_GAP_M`] (found by a sweep over the ends sorted by latitude).
fn group_edges(edges: &[NamedEdge], list: &[usize]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..list.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    // Ends: (position, local edge index).
    let mut ends: Vec<(LngLat, usize)> = Vec::new();
    for (k, &e) in list.iter().enumerate() {
        for p in edges[e].ends {
            ends.push((p, k));
        }
    }
    ends.sort_by_dyn(|a, b| a.0.lat.total_cmp(&b.0.lat));
    let gap_deg = PART_GAP_M / METERS_PER_DEGREE;
    let gap_lng = ends
        .first()
        .map_or(gap_deg, |e| gap_deg / e.0.lat.to_radians().cos().max(0.01));
    for i in 0..ends.len() {
        for j in i + 1..ends.len() {
            if ends[j].0.lat - ends[i].0.lat > gap_deg {
                break;
            }
            // Cheap rejection before the great-circle distance.
            if (ends[j].0.lng - ends[i].0.lng).abs() > gap_lng * 1.01 {
                continue;
            }
            if ends[i].0.distance_m(ends[j].0) <= PART_GAP_M {
                let (a, b) = (root(&mut parent, ends[i].1), root(&mut parent, ends[j].1));
                parent[a] = b;
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); list.len()];
    for (k, &e) in list.iter().enumerate() {
        let r = root(&mut parent, k);
        groups[r].push(e);
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// A part's segments and its middle: the point of the part nearest its length-weighted centre
/// (for a straight street, the middle by length).
fn part_of(edges: &[NamedEdge], group: &[usize]) -> Option<StreetPart> {
    let mut segments = Vec::new();
    for &e in group {
        let points = &edges[e].points;
        segments.extend(points.windows(2).map(|w| [w[0], w[1]]));
    }
    let first = segments.first()?[0];
    let proj = Flat::new(first);
    let (mut sum, mut total) = ([0.0f64; 2], 0.0f64);
    for [a, b] in &segments {
        let (pa, pb) = (proj.xy(*a), proj.xy(*b));
        let len = (pb[0] - pa[0]).hypot(pb[1] - pa[1]);
        sum[0] += len * (pa[0] + pb[0]) / 2.0;
        sum[1] += len * (pa[1] + pb[1]) / 2.0;
        total += len;
    }
    if total <= 0.0 {
        return Some(StreetPart {
            middle: first,
            segments,
        });
    }
    let centre = [sum[0] / total, sum[1] / total];
    let mut best = (f64::INFINITY, first);
    for [a, b] in &segments {
        let (p, d) = nearest_on_segment(centre, proj.xy(*a), proj.xy(*b));
        if d < best.0 {
            best = (d, proj.lnglat(p));
        }
    }
    Some(StreetPart {
        middle: best.1,
        segments,
    })
}

/// Metres per degree of latitude (mean Earth radius 6,371,008.8 m).
const METERS_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// A flat (equirectangular) view around a point, in metres: exact enough over a street.
struct Flat {
    origin: LngLat,
    x_per_degree: f64,
}

impl Flat {
    fn new(origin: LngLat) -> Flat {
        Flat {
            origin,
            x_per_degree: METERS_PER_DEGREE * origin.lat.to_radians().cos(),
        }
    }
    fn xy(&self, p: LngLat) -> [f64; 2] {
        [
            (p.lng - self.origin.lng) * self.x_per_degree,
            (p.lat - self.origin.lat) * METERS_PER_DEGREE,
        ]
    }
    fn lnglat(&self, xy: [f64; 2]) -> LngLat {
        LngLat::new(
            self.origin.lng + xy[0] / self.x_per_degree,
            self.origin.lat + xy[1] / METERS_PER_DEGREE,
        )
    }
}

/// The point of segment `a`–`b` nearest `p`, and its distance, in flat metres.
fn nearest_on_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> ([f64; 2], f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = [a[0] + t * dx, a[1] + t * dy];
    (q, (q[0] - p[0]).hypot(q[1] - p[1]))
}

#[cfg(test)]
mod tests;
