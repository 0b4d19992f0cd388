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

/// More nodes, edges, names or shape points than the bundle's 32-bit indices hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the extract has more {what} than a bundle can index (at most {})",
    u32::MAX
)]
pub struct TooManyError {
    /// What overflowed.
    pub what: &'static str,
}

fn index_u32(i: usize, what: &'static str) -> Result<u32, TooManyError> {
    u32::try_from(i).map_err(|_| TooManyError { what })
}

/// An edge before its shape points are placed, with them.
type PendingEdge = (Edge, Vec<[i32; 2]>);

/// A usable way cut to a run of consecutive known nodes: (way index, OSM node ids).
type Run = (usize, Vec<i64>);

/// Builds the street graph in four steps: usable runs of known nodes, junctions, edges split
/// at junctions, and edges sorted by first node. Nodes are numbered in the order the ways first
/// reach them, so neighbours in the file are neighbours in the graph (smaller deltas in the
/// bundle).
pub fn build_street_graph(osm: &OsmStreets) -> Result<(StreetGraph, StreetStats), TooManyError> {
    let mut stats = StreetStats {
        highway_ways: osm.ways.len(),
        ..StreetStats::default()
    };
    let runs = usable_runs(osm, &mut stats);
    let uses = junction_uses(&runs);
    let mut graph = StreetGraph::default();
    let edges = split_at_junctions(osm, &runs, &uses, &mut graph)?;
    add_sorted_edges(&mut graph, edges)?;
    Ok((graph, stats))
}

/// Usable ways, cut into runs of known nodes, consecutive duplicates removed; counts the
/// unusable ways and the missing nodes.
fn usable_runs(osm: &OsmStreets, stats: &mut StreetStats) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
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
    runs
}

/// How often each node is used; a node is a junction when used more than once or at the end
/// of a run (ends count twice).
fn junction_uses(runs: &[Run]) -> HashMap<i64, u32> {
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for (_, run) in runs {
        for (i, id) in run.iter().enumerate() {
            let weight = if i == 0 || i + 1 == run.len() { 2 } else { 1 };
            let n = uses.entry(*id).or_default();
            *n = n.saturating_add(weight);
        }
    }
    uses
}

/// Splits every run at its junctions into edges with their shape points, adding the junction
/// nodes and street names to `graph`.
fn split_at_junctions(
    osm: &OsmStreets,
    runs: &[Run],
    uses: &HashMap<i64, u32>,
    graph: &mut StreetGraph,
) -> Result<Vec<PendingEdge>, TooManyError> {
    let mut node_index: HashMap<i64, NodeId> = HashMap::new();
    let mut name_index: HashMap<String, u32> = HashMap::new();
    let mut edges: Vec<PendingEdge> = Vec::new();
    let position = |id: &i64| osm.nodes.get(id).copied().unwrap_or_default();
    for (wi, run) in runs {
        let tags = osm.ways[*wi].tags.as_slice();
        let access = access_from_tags(tags);
        let class = RoadClass::from_highway(tags.tag("highway").unwrap_or(""));
        let name = match tags.tag("name").filter(|n| !n.trim().is_empty()) {
            Some(n) => Some(intern(n, &mut name_index, &mut graph.names)?),
            None => None,
        };
        let mut start = 0;
        for i in 1..run.len() {
            if uses.get(&run[i]).copied().unwrap_or(0) < 2 {
                continue;
            }
            let mut node = |id: i64| -> Result<NodeId, TooManyError> {
                if let Some(n) = node_index.get(&id) {
                    return Ok(*n);
                }
                let n = NodeId(index_u32(graph.nodes.len(), "junctions")?);
                graph.nodes.push(position(&id));
                node_index.insert(id, n);
                Ok(n)
            };
            let from = node(run[start])?;
            let to = node(run[i])?;
            let shape: Vec<[i32; 2]> = run[start + 1..i].iter().map(position).collect();
            // A zero-length edge (same node, no shape) carries nothing.
            if from != to || !shape.is_empty() {
                let edge = Edge {
                    from,
                    to,
                    shape: ShapeRange::default(),
                    access,
                    class,
                    name,
                };
                edges.push((edge, shape));
            }
            start = i;
        }
    }
    Ok(edges)
}

/// The index of street name `n`, adding it the first time.
fn intern(
    n: &str,
    index: &mut HashMap<String, u32>,
    names: &mut Vec<String>,
) -> Result<u32, TooManyError> {
    if let Some(i) = index.get(n) {
        return Ok(*i);
    }
    let i = index_u32(names.len(), "street names")?;
    names.push(n.to_string());
    index.insert(n.to_string(), i);
    Ok(i)
}

/// Sorts the edges by first node (small delta-coded node references) and stores their shape
/// points in that order.
fn add_sorted_edges(
    graph: &mut StreetGraph,
    mut edges: Vec<PendingEdge>,
) -> Result<(), TooManyError> {
    edges.sort_by_key(|(e, _)| (e.from, e.to));
    index_u32(edges.len(), "edges")?;
    for (mut e, shape) in edges {
        let s = index_u32(graph.shape_points.len(), "shape points")?;
        graph.shape_points.extend(shape);
        e.shape = ShapeRange {
            start: s,
            end: index_u32(graph.shape_points.len(), "shape points")?,
        };
        graph.edges.push(e);
    }
    Ok(())
}
