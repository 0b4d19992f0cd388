//! Turning OpenStreetMap ways into Linli's street graph: keep what some mode may use, split at
//! junctions, store per-mode access, intern street names.

use std::collections::{BTreeMap, HashMap};

use linli_core::graph::{Edge, NodeId, RoadClass, ShapeRange, StreetGraph};
use linli_core::profile::{access_from_tags, Tags};

use crate::osm::OsmStreets;

/// What the conversion kept and left out, for the build summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreetStats {
    /// Ways with a `highway` tag in the input.
    pub highway_ways: usize,
    /// Ways used.
    pub used_ways: usize,
    /// Ways no mode may use, by `highway` value (e.g. motorway: 12).
    pub unusable_ways: BTreeMap<String, usize>,
    /// Ways that refer to nodes missing from the extract (cut at the extract's edge); the parts
    /// with known nodes are kept.
    pub ways_with_missing_nodes: usize,
    /// Node references to missing nodes.
    pub missing_node_refs: usize,
}

/// Builds the street graph. Nodes are numbered in the order the ways first reach them, so
/// neighbours in the file are neighbours in the graph (smaller deltas in the bundle).
pub fn build_street_graph(osm: &OsmStreets) -> (StreetGraph, StreetStats) {
    let mut stats = StreetStats {
        highway_ways: osm.ways.len(),
        ..StreetStats::default()
    };

    // Usable ways, cut into runs of known nodes, consecutive duplicates removed.
    let mut runs: Vec<(usize, Vec<i64>)> = Vec::new();
    for (wi, w) in osm.ways.iter().enumerate() {
        let access = access_from_tags(w.tags.as_slice());
        if !access.is_usable() {
            let highway = w.tags.as_slice().tag("highway").unwrap_or("?").to_string();
            *stats.unusable_ways.entry(highway).or_default() += 1;
            continue;
        }
        stats.used_ways += 1;
        let mut run: Vec<i64> = Vec::new();
        let mut missing = 0;
        for id in &w.nodes {
            if osm.nodes.contains_key(id) {
                if run.last() != Some(id) {
                    run.push(*id);
                }
            } else {
                missing += 1;
                if run.len() >= 2 {
                    runs.push((wi, std::mem::take(&mut run)));
                }
                run.clear();
            }
        }
        if run.len() >= 2 {
            runs.push((wi, run));
        }
        if missing > 0 {
            stats.ways_with_missing_nodes += 1;
            stats.missing_node_refs += missing;
        }
    }

    // A node is a junction when used more than once or at the end of a run.
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for (_, run) in &runs {
        for (i, id) in run.iter().enumerate() {
            let weight = if i == 0 || i + 1 == run.len() { 2 } else { 1 };
            *uses.entry(*id).or_default() += weight;
        }
    }

    let mut graph = StreetGraph::default();
    let mut node_index: HashMap<i64, NodeId> = HashMap::new();
    let mut name_index: HashMap<String, u32> = HashMap::new();
    let mut edges: Vec<(Edge, Vec<[i32; 2]>)> = Vec::new();
    for (wi, run) in &runs {
        let w = &osm.ways[*wi];
        let tags = w.tags.as_slice();
        let access = access_from_tags(tags);
        let class = RoadClass::from_highway(tags.tag("highway").unwrap_or(""));
        let name = tags.tag("name").filter(|n| !n.trim().is_empty()).map(|n| {
            let next = u32::try_from(graph.names.len()).unwrap_or(u32::MAX);
            *name_index.entry(n.to_string()).or_insert_with(|| {
                graph.names.push(n.to_string());
                next
            })
        });
        let mut start = 0;
        for i in 1..run.len() {
            if uses.get(&run[i]).copied().unwrap_or(0) >= 2 {
                let mut node = |id: i64| {
                    let next = NodeId(u32::try_from(graph.nodes.len()).unwrap_or(u32::MAX));
                    *node_index.entry(id).or_insert_with(|| {
                        graph.nodes.push(osm.nodes[&id]);
                        next
                    })
                };
                let from = node(run[start]);
                let to = node(run[i]);
                let shape: Vec<[i32; 2]> =
                    run[start + 1..i].iter().map(|id| osm.nodes[id]).collect();
                // A zero-length edge (same node, no shape) carries nothing.
                if from != to || !shape.is_empty() {
                    edges.push((
                        Edge {
                            from,
                            to,
                            shape: ShapeRange::default(),
                            access,
                            class,
                            name,
                        },
                        shape,
                    ));
                }
                start = i;
            }
        }
    }
    // Sorting by first node makes the delta-coded node references small.
    edges.sort_by_key(|(e, _)| (e.from, e.to));
    for (mut e, shape) in edges {
        let s = u32::try_from(graph.shape_points.len()).unwrap_or(u32::MAX);
        graph.shape_points.extend(shape);
        e.shape = ShapeRange {
            start: s,
            end: u32::try_from(graph.shape_points.len()).unwrap_or(u32::MAX),
        };
        graph.edges.push(e);
    }
    (graph, stats)
}
