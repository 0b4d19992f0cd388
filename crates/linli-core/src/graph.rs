//! The street graph as the bundle stores it: junction nodes, edges between them with their
//! shape points, per-mode access and a road class, and street names.
//!
//! Nothing derived is stored: lengths, adjacency and the snapping index are computed on load by
//! [`crate::Network::new`].

use crate::geom::LngLat;
use crate::profile::Access;

/// Index of a junction node in [`StreetGraph::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// Index of an edge in [`StreetGraph::edges`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeId(pub u32);

impl NodeId {
    /// As a `usize` index.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl EdgeId {
    /// As a `usize` index.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a street is, coarsely: enough to draw it (width, colour) and to name it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoadClass {
    /// `trunk`, `motorway` and their links.
    Trunk,
    /// `primary` and `primary_link`.
    Primary,
    /// `secondary` and `secondary_link`.
    Secondary,
    /// `tertiary` and `tertiary_link`.
    Tertiary,
    /// `residential`, `unclassified`, `living_street`, `road`.
    Minor,
    /// `service`, `track`.
    Service,
    /// `footway`, `pedestrian`, `path`, `corridor`, `platform`, `bridleway`, `elevator`.
    Footway,
    /// `cycleway`.
    Cycleway,
    /// `steps`.
    Steps,
}

impl RoadClass {
    /// The class of an OpenStreetMap `highway` value.
    pub fn from_highway(highway: &str) -> RoadClass {
        match highway.trim_end_matches("_link") {
            "motorway" | "trunk" => RoadClass::Trunk,
            "primary" => RoadClass::Primary,
            "secondary" => RoadClass::Secondary,
            "tertiary" => RoadClass::Tertiary,
            "service" | "track" => RoadClass::Service,
            "footway" | "pedestrian" | "path" | "corridor" | "platform" | "bridleway"
            | "elevator" => RoadClass::Footway,
            "cycleway" => RoadClass::Cycleway,
            "steps" => RoadClass::Steps,
            _ => RoadClass::Minor,
        }
    }

    /// The byte stored in the bundle.
    pub const fn to_byte(self) -> u8 {
        match self {
            RoadClass::Trunk => 0,
            RoadClass::Primary => 1,
            RoadClass::Secondary => 2,
            RoadClass::Tertiary => 3,
            RoadClass::Minor => 4,
            RoadClass::Service => 5,
            RoadClass::Footway => 6,
            RoadClass::Cycleway => 7,
            RoadClass::Steps => 8,
        }
    }

    /// From the stored byte.
    pub const fn from_byte(b: u8) -> Option<RoadClass> {
        Some(match b {
            0 => RoadClass::Trunk,
            1 => RoadClass::Primary,
            2 => RoadClass::Secondary,
            3 => RoadClass::Tertiary,
            4 => RoadClass::Minor,
            5 => RoadClass::Service,
            6 => RoadClass::Footway,
            7 => RoadClass::Cycleway,
            8 => RoadClass::Steps,
            _ => return None,
        })
    }
}

/// Where an edge's shape points lie in [`StreetGraph::shape_points`]: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShapeRange {
    /// Index of the first shape point.
    pub start: u32,
    /// One past the last shape point.
    pub end: u32,
}

impl ShapeRange {
    /// As a `usize` range, for slicing.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Number of shape points (0 when the range is reversed, which validation rejects).
    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Has the edge no shape points?
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Why a street graph cannot be used: a reference out of range, or more parts than 32-bit
/// indices can name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// More nodes, edges, shape points or polyline vertices than fit in 32 bits.
    #[error(
        "the street graph has {count} {what}, more than the {} that 32-bit indices allow",
        u32::MAX
    )]
    TooLarge {
        /// What there are too many of.
        what: &'static str,
        /// How many there are.
        count: usize,
    },
    /// An edge names a node that does not exist.
    #[error("edge {edge} refers to a node beyond the {nodes} nodes")]
    NodeOutOfRange {
        /// The edge's index.
        edge: usize,
        /// The number of nodes.
        nodes: usize,
    },
    /// An edge's shape range does not follow the previous edge's.
    #[error("edge {edge} has a shape range out of order")]
    ShapeOutOfOrder {
        /// The edge's index.
        edge: usize,
    },
    /// An edge names a street name that does not exist.
    #[error("edge {edge} refers to a name beyond the names table")]
    NameOutOfRange {
        /// The edge's index.
        edge: usize,
    },
    /// The shape ranges do not cover the shape points exactly.
    #[error("shape ranges cover {covered} points but there are {points}")]
    ShapeCount {
        /// Points covered by the ranges.
        covered: u32,
        /// Shape points stored.
        points: usize,
    },
}

/// The decoder reports graph errors as text inside its own error.
impl From<GraphError> for String {
    fn from(e: GraphError) -> String {
        e.to_string()
    }
}

/// One street segment between two junctions (or dead ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// First node.
    pub from: NodeId,
    /// Last node.
    pub to: NodeId,
    /// Shape points strictly between `from` and `to`.
    pub shape: ShapeRange,
    /// Who may use it, in which direction.
    pub access: Access,
    /// Road class, for drawing.
    pub class: RoadClass,
    /// Index into [`StreetGraph::names`], if the street has a name.
    pub name: Option<u32>,
}

/// The stored street graph. Coordinates are WGS-84 micro-degrees (see [`crate::geom::E6`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StreetGraph {
    /// Junctions and dead ends.
    pub nodes: Vec<[i32; 2]>,
    /// Street segments.
    pub edges: Vec<Edge>,
    /// Shape points of all edges, edge after edge.
    pub shape_points: Vec<[i32; 2]>,
    /// Street names, each once.
    pub names: Vec<String>,
}

impl StreetGraph {
    /// The polyline of an edge, from its first node to its last, in micro-degrees.
    pub fn edge_points(&self, e: EdgeId) -> impl Iterator<Item = [i32; 2]> + '_ {
        let edge = &self.edges[e.index()];
        std::iter::once(self.nodes[edge.from.index()])
            .chain(self.shape_points[edge.shape.range()].iter().copied())
            .chain(std::iter::once(self.nodes[edge.to.index()]))
    }

    /// The polyline of an edge in degrees.
    pub fn edge_lnglats(&self, e: EdgeId) -> impl Iterator<Item = LngLat> + '_ {
        self.edge_points(e).map(LngLat::from_e6)
    }

    /// The street name of an edge, if any.
    pub fn edge_name(&self, e: EdgeId) -> Option<&str> {
        self.edges[e.index()]
            .name
            .and_then(|i| self.names.get(i as usize))
            .map(String::as_str)
    }

    /// Checks the references between the parts (node and name indices in range, shape ranges
    /// ordered, in range and not overlapping) and that every count, including the polyline
    /// vertices the network derives (two ends per edge plus the shape points), fits in 32 bits.
    /// The decoder calls it so that a bundle that decodes never panics later, and
    /// [`crate::Network::try_new`] calls it before deriving anything.
    pub fn validate(&self) -> Result<(), GraphError> {
        let n = self.nodes.len();
        let fits = |what: &'static str, count: usize| {
            if u32::try_from(count).is_ok() {
                Ok(())
            } else {
                Err(GraphError::TooLarge { what, count })
            }
        };
        fits("nodes", n)?;
        fits("edges", self.edges.len())?;
        fits("shape points", self.shape_points.len())?;
        fits(
            "polyline vertices",
            self.edges
                .len()
                .saturating_mul(2)
                .saturating_add(self.shape_points.len()),
        )?;
        let mut next_shape = 0u32;
        for (i, e) in self.edges.iter().enumerate() {
            if e.from.index() >= n || e.to.index() >= n {
                return Err(GraphError::NodeOutOfRange { edge: i, nodes: n });
            }
            if e.shape.start != next_shape || e.shape.end < e.shape.start {
                return Err(GraphError::ShapeOutOfOrder { edge: i });
            }
            next_shape = e.shape.end;
            if let Some(name) = e.name {
                if name as usize >= self.names.len() {
                    return Err(GraphError::NameOutOfRange { edge: i });
                }
            }
        }
        if next_shape as usize != self.shape_points.len() {
            return Err(GraphError::ShapeCount {
                covered: next_shape,
                points: self.shape_points.len(),
            });
        }
        Ok(())
    }
}
