//! Dijkstra's algorithm over one mode's [`Adjacency`], from several seeds at once, stopping when
//! every target node is settled. One [`Router`] owns its buffers and resets only what the last
//! search touched, so repeated queries allocate nothing.

use crate::graph::NodeId;
use crate::network::Adjacency;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Cost of a node not reached.
pub const UNREACHED: u32 = u32::MAX;
/// Predecessor of a seed (and of a node not reached).
pub const NO_PRED: u32 = u32::MAX;
/// Seed tag of a node not reached.
pub const NO_TAG: usize = usize::MAX;

/// A starting node with its initial cost. Costs are whole centimetres at the mode's speed
/// (see [`crate::join`]): arcs add their length, seeds may include walked or pushed metres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed {
    /// The node.
    pub node: NodeId,
    /// Initial cost.
    pub cost_cm: u32,
    /// A tag the caller gets back from [`Router::seed_of`] (e.g. which candidate or which
    /// place the seed stands for).
    pub tag: usize,
}

/// Reusable buffers for one-to-many searches.
#[derive(Debug, Clone, Default)]
pub struct Router {
    dist: Vec<u32>,
    pred: Vec<u32>,
    origin_tag: Vec<usize>,
    target: Vec<bool>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
}

impl Router {
    /// A router for graphs of up to `node_count` nodes (it grows when given a larger one).
    pub fn new(node_count: usize) -> Router {
        let mut r = Router::default();
        r.ensure(node_count);
        r
    }

    fn ensure(&mut self, n: usize) {
        if self.dist.len() < n {
            self.dist.resize(n, UNREACHED);
            self.pred.resize(n, NO_PRED);
            self.origin_tag.resize(n, NO_TAG);
            self.target.resize(n, false);
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            let v = v as usize;
            self.dist[v] = UNREACHED;
            self.pred[v] = NO_PRED;
            self.origin_tag[v] = NO_TAG;
        }
        self.touched.clear();
        self.heap.clear();
    }

    /// Runs Dijkstra from `seeds` over `adj` (a graph of `node_count` nodes). Stops when all
    /// `targets` are settled, or when the next node is farther than `max_cost_cm`; with no
    /// targets, settles everything within `max_cost_cm`. Afterwards [`Router::cost_cm`] holds
    /// the exact shortest cost of every settled node.
    pub fn run(
        &mut self,
        adj: &Adjacency,
        node_count: usize,
        seeds: &[Seed],
        targets: &[NodeId],
        max_cost_cm: u32,
    ) {
        self.ensure(node_count);
        self.reset();
        let mut remaining = 0usize;
        for t in targets {
            let slot = &mut self.target[t.index()];
            if !*slot {
                *slot = true;
                remaining += 1;
            }
        }
        for s in seeds {
            let v = s.node.index();
            if s.cost_cm < self.dist[v] {
                if self.dist[v] == UNREACHED {
                    self.touched.push(s.node.0);
                }
                self.dist[v] = s.cost_cm;
                self.pred[v] = NO_PRED;
                self.origin_tag[v] = s.tag;
                self.heap.push(Reverse((s.cost_cm, s.node.0)));
            }
        }
        let stop_early = !targets.is_empty();
        while let Some(Reverse((d, v))) = self.heap.pop() {
            let vi = v as usize;
            if d > self.dist[vi] {
                continue; // stale entry
            }
            if d > max_cost_cm {
                break;
            }
            if self.target[vi] {
                self.target[vi] = false;
                remaining -= 1;
                if stop_early && remaining == 0 {
                    break;
                }
            }
            for arc in adj.out(NodeId(v)) {
                let nd = d.saturating_add(arc.cost_cm);
                let h = arc.head.index();
                if nd < self.dist[h] {
                    if self.dist[h] == UNREACHED {
                        self.touched.push(arc.head.0);
                    }
                    self.dist[h] = nd;
                    self.pred[h] = arc.edge_dir;
                    self.origin_tag[h] = self.origin_tag[vi];
                    self.heap.push(Reverse((nd, arc.head.0)));
                }
            }
        }
        // Clear target marks of targets never settled, ready for the next run.
        for t in targets {
            self.target[t.index()] = false;
        }
    }

    /// The cost of `node` found by the last run, in centimetres, or [`UNREACHED`]. A node
    /// settled before the run stopped has its exact shortest cost; one seen but not settled an
    /// upper bound; callers only read settled nodes (targets, or within `max_cost_cm`).
    pub fn cost_cm(&self, node: NodeId) -> u32 {
        self.dist.get(node.index()).copied().unwrap_or(UNREACHED)
    }

    /// The arc (`edge_dir`) by which `node` was reached, or [`NO_PRED`] for a seed.
    pub fn pred(&self, node: NodeId) -> u32 {
        self.pred.get(node.index()).copied().unwrap_or(NO_PRED)
    }

    /// The tag of the seed whose shortest path reaches `node`, or [`NO_TAG`].
    pub fn seed_of(&self, node: NodeId) -> usize {
        self.origin_tag.get(node.index()).copied().unwrap_or(NO_TAG)
    }
}
