//! Dijkstra's algorithm over one mode's arcs, from several seeds at once. One [`Router`] owns
//! its buffers and resets only what the last search touched, so repeated queries allocate
//! nothing.
//!
//! A search can be paused and resumed: [`Router::start`] seeds it, [`Router::resume`] runs it
//! until it is done, a visitor asks it to stop, a work budget runs out, or it meets a node whose
//! tile is not loaded (a *frontier*). Every node settled before that has its exact shortest
//! cost, and every node not settled costs at least the frontier's cost. After the caller loads
//! the tile, `resume` continues where it stopped: ids are global, so nothing already computed
//! changes.

use crate::graph::NodeId;
use crate::network::{Adjacency, ArcView, NodeArcs};
use crate::sort::SortDyn;
use crate::tiles::TileId;
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

/// Where arcs come from: a single graph's [`Adjacency`], or the loaded tiles of a network
/// ([`ArcView`]).
pub trait ArcSource {
    /// The arcs leaving `node`, or that its tile is not loaded.
    fn arcs_of(&self, node: NodeId) -> NodeArcs<'_>;
}

impl ArcSource for Adjacency {
    fn arcs_of(&self, node: NodeId) -> NodeArcs<'_> {
        NodeArcs::Loaded(self.out(node))
    }
}

impl ArcSource for ArcView<'_> {
    fn arcs_of(&self, node: NodeId) -> NodeArcs<'_> {
        self.out(node)
    }
}

/// What to do with a node whose tile is not loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unloaded {
    /// Stop there ([`Halt::Frontier`]): exact answers need the tile.
    Halt,
    /// Leave it unsettled and go on with the rest: an answer over what is loaded.
    Skip,
}

/// What the visitor of [`Router::resume`] says about the node about to be settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    /// Settle it and go on.
    Settle,
    /// Stop before settling it ([`Halt::Stopped`]); a later `resume` visits it again.
    Stop,
}

/// Why [`Router::resume`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// Nothing left within the cost limit.
    Done,
    /// The next node to settle has no loaded tile.
    Frontier {
        /// The node.
        node: NodeId,
        /// Its cost: every node not settled costs at least this.
        cost_cm: u32,
        /// Its tile, when known.
        tile: Option<TileId>,
    },
    /// The visitor asked to stop.
    Stopped,
    /// The work budget ran out.
    OutOfWork,
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
    settled: usize,
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
        self.settled = 0;
    }

    /// Clears the last search and seeds a new one over a graph of `node_count` nodes.
    pub fn start(&mut self, node_count: usize, seeds: &[Seed]) {
        self.ensure(node_count);
        self.reset();
        for s in seeds {
            let v = s.node.index();
            if v >= self.dist.len() {
                self.ensure(v + 1);
            }
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
    }

    /// Continues the search: settles nodes in order of cost until nothing within
    /// `max_cost_cm` is left, `visit` says stop, `work` (nodes settled) runs out, or a node's
    /// tile is not loaded and `unloaded` is [`Unloaded::Halt`]. `visit` is called for each
    /// node about to be settled, with its (exact) cost and the tag of the seed it is reached
    /// from.
    pub fn resume(
        &mut self,
        arcs: &impl ArcSource,
        max_cost_cm: u32,
        unloaded: Unloaded,
        work: &mut usize,
        mut visit: impl FnMut(NodeId, u32, usize) -> Visit,
    ) -> Halt {
        while let Some(Reverse((d, v))) = self.heap.pop() {
            let vi = v as usize;
            if d > self.dist[vi] {
                continue; // stale entry
            }
            if d > max_cost_cm {
                self.heap.push(Reverse((d, v)));
                return Halt::Done;
            }
            let out = match arcs.arcs_of(NodeId(v)) {
                NodeArcs::Loaded(out) => out,
                NodeArcs::Unloaded(tile) => match unloaded {
                    Unloaded::Skip => continue,
                    Unloaded::Halt => {
                        self.heap.push(Reverse((d, v)));
                        return Halt::Frontier {
                            node: NodeId(v),
                            cost_cm: d,
                            tile,
                        };
                    }
                },
            };
            if *work == 0 {
                self.heap.push(Reverse((d, v)));
                return Halt::OutOfWork;
            }
            if visit(NodeId(v), d, self.origin_tag[vi]) == Visit::Stop {
                self.heap.push(Reverse((d, v)));
                return Halt::Stopped;
            }
            *work -= 1;
            self.settled += 1;
            for arc in out {
                let nd = d.saturating_add(arc.cost_cm);
                let h = arc.head.index();
                if h >= self.dist.len() {
                    // A tile loaded since the search started brought higher ids.
                    self.ensure(h + 1);
                }
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
        Halt::Done
    }

    /// Runs Dijkstra from `seeds` over `adj` (a graph of `node_count` nodes). Stops when all
    /// `targets` are settled, or when the next node is farther than `max_cost_cm`; with no
    /// targets, settles everything within `max_cost_cm`. Afterwards [`Router::cost_cm`] holds
    /// the exact shortest cost of every settled node.
    pub fn run(
        &mut self,
        adj: &impl ArcSource,
        node_count: usize,
        seeds: &[Seed],
        targets: &[NodeId],
        max_cost_cm: u32,
    ) {
        self.start(node_count, seeds);
        let mut remaining = 0usize;
        for t in targets {
            if let Some(slot) = self.target.get_mut(t.index()) {
                if !*slot {
                    *slot = true;
                    remaining += 1;
                }
            }
        }
        let stop_early = !targets.is_empty();
        let mut target = std::mem::take(&mut self.target);
        let mut work = usize::MAX;
        // Stop once the last target has been settled: visit the next node, then stop.
        let mut all_done = false;
        self.resume(adj, max_cost_cm, Unloaded::Skip, &mut work, |v, _, _| {
            if all_done {
                return Visit::Stop;
            }
            if let Some(slot) = target.get_mut(v.index()) {
                if *slot {
                    *slot = false;
                    remaining -= 1;
                    if stop_early && remaining == 0 {
                        all_done = true;
                    }
                }
            }
            Visit::Settle
        });
        // Clear target marks of targets never settled, ready for the next run.
        for t in targets {
            if let Some(slot) = target.get_mut(t.index()) {
                *slot = false;
            }
        }
        self.target = target;
    }

    /// The cost of the next node to settle (`None` when the search is exhausted).
    pub fn next_cost(&mut self) -> Option<u32> {
        while let Some(&Reverse((d, v))) = self.heap.peek() {
            if d > self.dist[v as usize] {
                self.heap.pop();
                continue;
            }
            return Some(d);
        }
        None
    }

    /// The tiles of the nodes waiting to be settled whose tiles are not loaded, each with the
    /// lowest cost of its waiting nodes, cheapest first: what a search will need next.
    pub fn waiting_tiles(&self, arcs: &impl ArcSource) -> Vec<(u32, TileId)> {
        let mut found: Vec<(u32, TileId)> = Vec::new();
        for &Reverse((d, v)) in self.heap.iter() {
            if d > self.dist[v as usize] {
                continue;
            }
            if let NodeArcs::Unloaded(Some(t)) = arcs.arcs_of(NodeId(v)) {
                found.push((d, t));
            }
        }
        found.sort_unstable_by_key_dyn(|&(d, t)| (t, d));
        found.dedup_by_key(|x| x.1);
        found.sort_unstable_by_dyn(Ord::cmp);
        found
    }

    /// Nodes settled by the current search.
    pub fn settled_count(&self) -> usize {
        self.settled
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
