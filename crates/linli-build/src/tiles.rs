//! Cutting a bundle into a tiled dataset (`linli build --tiles-km`), writing it to a folder,
//! and reading it back tile by tile (the CLI and the tests load tiles on demand through the
//! same loop as the page).
//!
//! The layout of the files and the rules (who owns which node and edge, where the joins and
//! the place records go) are documented in `linli_core::tiles`; this module only applies them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linli_core::finder::place_joins_of;
use linli_core::geom::BBox;
use linli_core::graph::{Edge, EdgeId, NodeId, ShapeRange, StreetGraph};
use linli_core::hash::content_hash;
use linli_core::tiles::{
    index_text, parse_index, Manifest, PlaceJoin, PlaceSummary, Tile, TileEntry, TileError,
    TileGrid, TileId, INDEX_FILE, TILE_M_RANGE,
};
use linli_core::{Bundle, EncodeError, Finder, LngLat, Network};

use crate::output::write_atomically;
use crate::BuildError;

/// A tiled dataset ready to be written: the manifest and every tile, encoded.
#[derive(Debug, Clone)]
pub struct TiledDataset {
    /// The manifest.
    pub manifest: Manifest,
    /// Its bytes.
    pub manifest_bytes: Vec<u8>,
    /// Every tile's bytes, in the manifest's order.
    pub tiles: Vec<Vec<u8>>,
}

impl TiledDataset {
    /// The manifest's file name (with its hash).
    pub fn manifest_name(&self) -> String {
        Manifest::file_name(content_hash(&self.manifest_bytes))
    }

    /// Decodes tile `id` from the bytes held here (as a reader would from the folder).
    pub fn tile(&self, id: TileId) -> Result<Tile, TileError> {
        let bytes = self.tiles.get(id.index()).ok_or(TileError::NoSuchTile {
            tile: id.0,
            tiles: self.tiles.len(),
        })?;
        Tile::decode(bytes, &self.manifest, id)
    }
}

/// Why a bundle could not be cut into tiles.
#[derive(Debug, thiserror::Error)]
pub enum TileBuildError {
    /// The tile size is out of range.
    #[error("--tiles-km {km}: tiles must be between {} and {} km", TILE_M_RANGE.0 / 1000.0, TILE_M_RANGE.1 / 1000.0)]
    BadTileSize {
        /// The size asked for, km.
        km: f64,
    },
    /// A tile or the manifest could not be encoded.
    #[error("cannot encode the tiles: {0}")]
    Encode(#[from] EncodeError),
    /// More tiles, nodes or edges than 32-bit indices hold.
    #[error("too many {0} for a tiled dataset")]
    TooMany(&'static str),
}

fn u32_of(n: usize, what: &'static str) -> Result<u32, TileBuildError> {
    u32::try_from(n).map_err(|_| TileBuildError::TooMany(what))
}

/// Who owns what: tile of every node, owner tile of every edge, tile of every place record.
struct Owners {
    grid: TileGrid,
    /// The non-empty cells, ascending (row-major): tile `i` is `cells[i]`.
    cells: Vec<(u32, u32)>,
    node_tile: Vec<u32>,
    place_tile: Vec<u32>,
    /// Per tile, ascending: its nodes, its edges, the edges owned elsewhere ending at its
    /// nodes, its places.
    nodes_of: Vec<Vec<u32>>,
    edges_of: Vec<Vec<u32>>,
    others_of: Vec<Vec<u32>>,
    places_of: Vec<Vec<u32>>,
}

impl Owners {
    fn of(bundle: &Bundle, tile_m: f64) -> Result<Owners, TileBuildError> {
        let grid = TileGrid::for_area(&bundle.bbox, tile_m);
        let g = &bundle.graph;
        let node_cell: Vec<(u32, u32)> = g.nodes.iter().map(|p| grid.cell_of(*p)).collect();
        let place_cell: Vec<(u32, u32)> = bundle
            .services
            .iter()
            .map(|s| grid.cell_of(s.location.to_e6()))
            .collect();
        let key = |c: &(u32, u32)| grid.cell_index(c.0, c.1);
        let mut cells: Vec<(u32, u32)> = node_cell.iter().chain(&place_cell).copied().collect();
        cells.sort_by_key(key);
        cells.dedup();
        let tile_of = |c: &(u32, u32)| -> Result<u32, TileBuildError> {
            let i = cells
                .binary_search_by_key(&key(c), key)
                .map_err(|_| TileBuildError::TooMany("cells"))?;
            u32_of(i, "tiles")
        };
        let node_tile = node_cell
            .iter()
            .map(tile_of)
            .collect::<Result<Vec<_>, _>>()?;
        let place_tile = place_cell
            .iter()
            .map(tile_of)
            .collect::<Result<Vec<_>, _>>()?;
        let edge_tile: Vec<u32> = g.edges.iter().map(|e| node_tile[e.from.index()]).collect();
        let n = cells.len();
        let (mut nodes_of, mut edges_of) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        let (mut others_of, mut places_of) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for (v, &t) in node_tile.iter().enumerate() {
            nodes_of[t as usize].push(u32_of(v, "nodes")?);
        }
        for (e, &t) in edge_tile.iter().enumerate() {
            let e32 = u32_of(e, "edges")?;
            edges_of[t as usize].push(e32);
            let to_tile = node_tile[g.edges[e].to.index()];
            if to_tile != t {
                others_of[to_tile as usize].push(e32);
            }
        }
        for (p, &t) in place_tile.iter().enumerate() {
            places_of[t as usize].push(u32_of(p, "places")?);
        }
        Ok(Owners {
            grid,
            cells,
            node_tile,
            place_tile,
            nodes_of,
            edges_of,
            others_of,
            places_of,
        })
    }
}

/// Cuts `bundle` into tiles of about `tile_m` metres: every node to the tile of its cell, every
/// edge to the tile of its first node and stored with both ends, every place's candidate streets
/// computed once on the whole network by the core's joining rule.
pub fn cut(bundle: &Bundle, tile_m: f64) -> Result<TiledDataset, TileBuildError> {
    if !(TILE_M_RANGE.0..=TILE_M_RANGE.1).contains(&tile_m) {
        return Err(TileBuildError::BadTileSize {
            km: tile_m / 1000.0,
        });
    }
    let owners = Owners::of(bundle, tile_m)?;
    let network = Network::try_new(bundle.graph.clone())
        .map_err(|e| TileBuildError::Encode(EncodeError::InvalidGraph(e.to_string())))?;
    let joins = place_joins_of(&network, &bundle.services);
    let mut joins_by_edge: BTreeMap<u32, Vec<(u32, u8)>> = BTreeMap::new();
    let mut joined = vec![0u8; bundle.services.len()];
    for j in &joins {
        joins_by_edge
            .entry(j.edge)
            .or_default()
            .push((j.place, j.modes));
        joined[j.place as usize] |= j.modes;
    }
    let tile_count = owners.cells.len();
    let mut tiles = Vec::with_capacity(tile_count);
    let mut entries = Vec::with_capacity(tile_count);
    for t in 0..tile_count {
        let id = TileId(u32_of(t, "tiles")?);
        let (tile, extent) = one_tile(bundle, &owners, id, &joins_by_edge)?;
        let bytes = tile.encode(&bundle.bbox)?;
        let (col, row) = owners.cells[t];
        entries.push(TileEntry {
            col,
            row,
            hash: content_hash(&bytes),
            bytes: u32_of(bytes.len(), "bytes in a tile")?,
            nodes: tile.owned_nodes,
            edges: tile.owned_edges,
            places: u32_of(tile.records.len(), "places in a tile")?,
            extent_e6: extent,
        });
        tiles.push(bytes);
    }
    let node_bbox = BBox::around(bundle.graph.nodes.iter().map(|p| LngLat::from_e6(*p)));
    let manifest = Manifest {
        name: bundle.name.clone(),
        build_date: bundle.build_date.clone(),
        attribution: bundle.attribution.clone(),
        bbox: bundle.bbox,
        // In range: checked above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        tile_m: tile_m.round() as u32,
        grid: owners.grid,
        node_bbox_e6: node_bbox.map(|b| {
            let (a, c) = (b.min.to_e6(), b.max.to_e6());
            [a[0], a[1], c[0], c[1]]
        }),
        node_count: u32_of(bundle.graph.nodes.len(), "nodes")?,
        edge_count: u32_of(bundle.graph.edges.len(), "edges")?,
        tiles: entries,
        places: bundle
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| PlaceSummary {
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind,
                location: s.location,
                amenities: s.amenities,
                tile: TileId(owners.place_tile[i]),
                joined: joined[i],
            })
            .collect(),
        hours: bundle.hours.clone(),
        readings: bundle.readings.clone(),
    };
    let manifest_bytes = manifest.encode()?;
    Ok(TiledDataset {
        manifest,
        manifest_bytes,
        tiles,
    })
}

/// Tile `id`: its owned nodes and edges, the edges owned elsewhere that reach its nodes, their
/// far ends (ghosts), names, joins and place records; and the extent of what it owns.
fn one_tile(
    bundle: &Bundle,
    owners: &Owners,
    id: TileId,
    joins_by_edge: &BTreeMap<u32, Vec<(u32, u8)>>,
) -> Result<(Tile, Option<[i32; 4]>), TileBuildError> {
    let g = &bundle.graph;
    let t = id.0;
    let owned_nodes = &owners.nodes_of[id.index()];
    let owned_edges = &owners.edges_of[id.index()];
    let other_edges = &owners.others_of[id.index()];
    let mut ghosts: Vec<u32> = owned_edges
        .iter()
        .chain(other_edges)
        .flat_map(|&e| {
            let edge = &g.edges[e as usize];
            [edge.from.0, edge.to.0]
        })
        .filter(|&v| owners.node_tile[v as usize] != t)
        .collect();
    ghosts.sort_unstable();
    ghosts.dedup();
    let nodes: Vec<u32> = owned_nodes.iter().chain(&ghosts).copied().collect();
    let local_node = |v: NodeId| -> u32 {
        // Every end of a stored edge is owned or a ghost.
        let (own, gh) = (owned_nodes.binary_search(&v.0), ghosts.binary_search(&v.0));
        match (own, gh) {
            (Ok(i), _) => i as u32,
            (_, Ok(i)) => (owned_nodes.len() + i) as u32,
            _ => u32::MAX,
        }
    };
    let edges: Vec<u32> = owned_edges.iter().chain(other_edges).copied().collect();
    let mut names: Vec<u32> = edges
        .iter()
        .filter_map(|&e| g.edges[e as usize].name)
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut graph = StreetGraph {
        nodes: nodes.iter().map(|&v| g.nodes[v as usize]).collect(),
        edges: Vec::with_capacity(edges.len()),
        shape_points: Vec::new(),
        names: names.iter().map(|&n| g.names[n as usize].clone()).collect(),
    };
    let mut joins = Vec::new();
    for (local, &e) in edges.iter().enumerate() {
        let edge = &g.edges[e as usize];
        let start = u32_of(graph.shape_points.len(), "shape points")?;
        graph
            .shape_points
            .extend_from_slice(&g.shape_points[edge.shape.range()]);
        graph.edges.push(Edge {
            from: NodeId(local_node(edge.from)),
            to: NodeId(local_node(edge.to)),
            shape: ShapeRange {
                start,
                end: u32_of(graph.shape_points.len(), "shape points")?,
            },
            name: edge
                .name
                .and_then(|n| names.binary_search(&n).ok())
                .map(|i| i as u32),
            ..*edge
        });
        for &(place, modes) in joins_by_edge.get(&e).map_or(&[][..], Vec::as_slice) {
            joins.push(PlaceJoin {
                edge: local as u32,
                place,
                modes,
            });
        }
    }
    joins.sort();
    let records: Vec<(u32, linli_core::Service)> = owners.places_of[id.index()]
        .iter()
        .map(|&i| (i, bundle.services[i as usize].clone()))
        .collect();
    let points = owned_nodes.iter().map(|&v| g.nodes[v as usize]).chain(
        owned_edges
            .iter()
            .flat_map(|&e| g.edge_points(EdgeId(e)).collect::<Vec<_>>()),
    );
    let extent = points.fold(None, |acc: Option<[i32; 4]>, p| {
        Some(match acc {
            None => [p[0], p[1], p[0], p[1]],
            Some([a, b, c, d]) => [a.min(p[0]), b.min(p[1]), c.max(p[0]), d.max(p[1])],
        })
    });
    let tile = Tile {
        id,
        nodes: nodes.into_iter().map(NodeId).collect(),
        owned_nodes: u32_of(owned_nodes.len(), "nodes")?,
        ghost_owners: ghosts
            .iter()
            .map(|&v| TileId(owners.node_tile[v as usize]))
            .collect(),
        edges: edges.into_iter().map(EdgeId).collect(),
        owned_edges: u32_of(owned_edges.len(), "edges")?,
        names,
        graph,
        joins,
        records,
    };
    Ok((tile, extent))
}

/// Writes a tiled dataset into `dir` (created if needed): the tiles under `t/`, the manifest,
/// and last `index.txt`, each atomically. Files of earlier builds are left in place, so a page
/// that loaded the previous manifest can still fetch its tiles; [`stale_files`] lists them.
pub fn write_dir(dir: &Path, tiled: &TiledDataset) -> Result<(), BuildError> {
    let err = |file: PathBuf| {
        move |error: std::io::Error| BuildError::Write {
            file: file.clone(),
            error,
        }
    };
    if dir.is_file() {
        return Err(err(dir.to_path_buf())(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it is a file; a tiled dataset is written into a folder",
        )));
    }
    let tiles_dir = dir.join("t");
    std::fs::create_dir_all(&tiles_dir).map_err(err(tiles_dir.clone()))?;
    for (entry, bytes) in tiled.manifest.tiles.iter().zip(&tiled.tiles) {
        write_atomically(&dir.join(entry.file_name()), bytes)?;
    }
    write_atomically(&dir.join(tiled.manifest_name()), &tiled.manifest_bytes)?;
    let hash = content_hash(&tiled.manifest_bytes);
    write_atomically(&dir.join(INDEX_FILE), index_text(hash).as_bytes())
}

/// Files in `dir` (the manifest and tiles of earlier builds) that the current `index.txt` does
/// not use, for the publisher to delete once no page can still be using them.
pub fn stale_files(dir: &Path, tiled: &TiledDataset) -> Vec<PathBuf> {
    let mut used: Vec<PathBuf> = tiled
        .manifest
        .tiles
        .iter()
        .map(|t| dir.join(t.file_name()))
        .collect();
    used.push(dir.join(tiled.manifest_name()));
    used.push(dir.join(INDEX_FILE));
    let mut stale = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("t")] {
        let Ok(list) = std::fs::read_dir(&sub) else {
            continue;
        };
        for entry in list.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            let ours = name.ends_with(".linli") && (name.starts_with("m.") || sub.ends_with("t"));
            if path.is_file() && ours && !used.contains(&path) {
                stale.push(path);
            }
        }
    }
    stale.sort();
    stale
}

/// Why a tiled dataset's folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TileDirError {
    /// A file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A file is not what the dataset needs.
    #[error("{}: {error}", dir.display())]
    Tile {
        /// The dataset's folder.
        dir: PathBuf,
        /// Why.
        error: TileError,
    },
}

/// A tiled dataset's folder, opened: its manifest read and checked, tiles read on demand.
#[derive(Debug, Clone)]
pub struct TileDir {
    dir: PathBuf,
    manifest: Manifest,
}

impl TileDir {
    /// Reads `index.txt` and the manifest it names (checking the manifest's hash).
    pub fn open(dir: &Path) -> Result<TileDir, TileDirError> {
        let tile_err = |error| TileDirError::Tile {
            dir: dir.to_path_buf(),
            error,
        };
        let index_path = dir.join(INDEX_FILE);
        let text = read(&index_path)?;
        let text = String::from_utf8(text).map_err(|_| {
            tile_err(TileError::BadIndex {
                line: 1,
                what: "not UTF-8 text".into(),
            })
        })?;
        let (name, hash) = parse_index(&text).map_err(tile_err)?;
        let bytes = read(&dir.join(&name))?;
        let manifest = Manifest::decode(&bytes, Some(hash)).map_err(tile_err)?;
        Ok(TileDir {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// A finder over this dataset with no tile loaded.
    pub fn finder(&self) -> Finder {
        Finder::tiled(self.manifest.clone())
    }

    /// Reads and checks tile `id`.
    pub fn read_tile(&self, id: TileId) -> Result<Tile, TileDirError> {
        let entry = self.manifest.tile(id).map_err(|error| TileDirError::Tile {
            dir: self.dir.clone(),
            error,
        })?;
        let bytes = read(&self.dir.join(entry.file_name()))?;
        Tile::decode(&bytes, &self.manifest, id).map_err(|error| TileDirError::Tile {
            dir: self.dir.clone(),
            error,
        })
    }

    /// Loads into `finder` those of `tiles` it does not have; returns how many were read.
    pub fn load(&self, finder: &mut Finder, tiles: &[TileId]) -> Result<usize, TileDirError> {
        let mut n = 0;
        for &id in tiles {
            if finder.network().is_loaded(id) {
                continue;
            }
            let tile = self.read_tile(id)?;
            finder.add_tile(tile).map_err(|error| TileDirError::Tile {
                dir: self.dir.clone(),
                error,
            })?;
            n += 1;
        }
        Ok(n)
    }

    /// Loads every tile.
    pub fn load_all(&self, finder: &mut Finder) -> Result<usize, TileDirError> {
        self.load(finder, &finder.missing_tiles())
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TileDirError> {
    std::fs::read(path).map_err(|error| TileDirError::Io {
        path: path.to_path_buf(),
        error,
    })
}
