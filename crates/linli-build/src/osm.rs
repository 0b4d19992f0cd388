//! Reading OpenStreetMap street data from PBF or XML into plain nodes and ways.
//!
//! Only ways with a `highway` tag are kept, and only the nodes they use. The format is told by
//! the file's content, not its name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use linli_core::geom::LngLat;

use crate::warnings::shorten;

/// An OpenStreetMap way with its node references and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    /// OSM way id.
    pub id: i64,
    /// Node ids in order.
    pub nodes: Vec<i64>,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

/// The street-related content of an extract.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmStreets {
    /// Positions of the nodes used by `ways`, micro-degrees.
    pub nodes: HashMap<i64, [i32; 2]>,
    /// Ways with a `highway` tag.
    pub ways: Vec<OsmWay>,
    /// Which encoding the file was in.
    pub format: OsmFormat,
}

/// The two encodings Linli reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OsmFormat {
    /// OSM XML (`.osm`).
    #[default]
    Xml,
    /// Protocol buffer binary format (`.osm.pbf`).
    Pbf,
}

/// Why an OSM file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read the file: {error}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause (in the message, not repeated as a source).
        error: std::io::Error,
    },
    /// A folder was given instead of a file.
    #[error("{file}: is a folder, not an OpenStreetMap file; give the path of the .osm.pbf or .osm file")]
    Folder {
        /// The folder.
        file: PathBuf,
    },
    /// Neither OSM XML nor PBF.
    #[error("{file}: not an OpenStreetMap file: {why}")]
    NotOsm {
        /// The file.
        file: PathBuf,
        /// What was found instead.
        why: String,
    },
    /// Malformed XML.
    #[error("{file}: invalid OSM XML at byte {position}: {message}")]
    Xml {
        /// The file.
        file: PathBuf,
        /// Byte offset.
        position: u64,
        /// The parser's message.
        message: String,
    },
    /// A node or attribute has a bad value.
    #[error("{file}: {element}: {message}")]
    BadElement {
        /// The file.
        file: PathBuf,
        /// e.g. "node 123".
        element: String,
        /// What is wrong.
        message: String,
    },
    /// Malformed PBF.
    #[error("{file}: invalid OSM PBF: {message}")]
    Pbf {
        /// The file.
        file: PathBuf,
        /// The decoder's message.
        message: String,
    },
}

/// Reads the streets of an OSM file in either format.
pub fn read_osm(path: &Path) -> Result<OsmStreets, OsmError> {
    if path.is_dir() {
        return Err(OsmError::Folder {
            file: path.to_path_buf(),
        });
    }
    let io = |error| OsmError::Io {
        file: path.to_path_buf(),
        error,
    };
    let bytes = std::fs::read(path).map_err(io)?;
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_string();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("<?xml") || trimmed.starts_with("<osm") {
        read_xml(path, &bytes[..])
    } else if bytes.len() > 8 && head.contains("OSMHeader") {
        read_pbf(path, &bytes)
    } else {
        let why = if trimmed.starts_with('<') {
            "it is XML or HTML without an <osm> root element".to_string()
        } else if trimmed.starts_with('{') {
            "it looks like JSON; export OSM XML or PBF instead".to_string()
        } else {
            "it starts neither with an <osm> XML element nor with a PBF OSMHeader block".to_string()
        };
        Err(OsmError::NotOsm {
            file: path.to_path_buf(),
            why,
        })
    }
}

fn keep_highways(mut streets: OsmStreets) -> OsmStreets {
    streets
        .ways
        .retain(|w| w.tags.iter().any(|(k, _)| k == "highway"));
    let used: std::collections::HashSet<i64> = streets
        .ways
        .iter()
        .flat_map(|w| w.nodes.iter().copied())
        .collect();
    streets.nodes.retain(|id, _| used.contains(id));
    streets
}

fn checked_position(path: &Path, id: i64, lng: f64, lat: f64) -> Result<[i32; 2], OsmError> {
    let p = LngLat::new(lng, lat);
    if !p.is_valid() {
        return Err(OsmError::BadElement {
            file: path.to_path_buf(),
            element: format!("node {id}"),
            message: format!("lon {lng} / lat {lat} is not a valid position"),
        });
    }
    Ok(p.to_e6())
}

fn read_pbf(path: &Path, bytes: &[u8]) -> Result<OsmStreets, OsmError> {
    use osmpbf::{Element, ElementReader};
    let pbf_err = |e: osmpbf::Error| OsmError::Pbf {
        file: path.to_path_buf(),
        message: e.to_string(),
    };
    let reader = ElementReader::new(std::io::Cursor::new(bytes));
    let mut out = OsmStreets {
        format: OsmFormat::Pbf,
        ..OsmStreets::default()
    };
    let mut bad: Option<OsmError> = None;
    reader
        .for_each(|element| {
            if bad.is_some() {
                return;
            }
            let node = match element {
                Element::Node(n) => Some((n.id(), n.lon(), n.lat())),
                Element::DenseNode(n) => Some((n.id(), n.lon(), n.lat())),
                Element::Way(w) => {
                    out.ways.push(OsmWay {
                        id: w.id(),
                        nodes: w.refs().collect(),
                        tags: w
                            .tags()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    });
                    None
                }
                Element::Relation(_) => None,
            };
            if let Some((id, lng, lat)) = node {
                match checked_position(path, id, lng, lat) {
                    Ok(p) => {
                        out.nodes.insert(id, p);
                    }
                    Err(e) => bad = Some(e),
                }
            }
        })
        .map_err(pbf_err)?;
    if let Some(e) = bad {
        return Err(e);
    }
    Ok(keep_highways(out))
}

type XmlReader<'a> = quick_xml::Reader<std::io::BufReader<&'a [u8]>>;

/// Reads OSM XML: the `<osm>` root, then nodes, ways with their `nd` and `tag` children.
fn read_xml(path: &Path, bytes: &[u8]) -> Result<OsmStreets, OsmError> {
    use quick_xml::events::Event;
    let mut xml = XmlFile {
        path,
        reader: quick_xml::Reader::from_reader(std::io::BufReader::new(bytes)),
        out: OsmStreets::default(),
        current: None,
        saw_root: false,
    };
    let mut buf = Vec::new();
    loop {
        let event = xml
            .reader
            .read_event_into(&mut buf)
            .map_err(|e| xml.error(e.to_string()))?;
        match event {
            Event::Start(e) => xml.element(&e, false)?,
            Event::Empty(e) => xml.element(&e, true)?,
            Event::End(e) if e.name().as_ref() == b"way" => xml.end_way(),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !xml.saw_root {
        return Err(OsmError::NotOsm {
            file: path.to_path_buf(),
            why: "the file has no <osm> element".into(),
        });
    }
    Ok(keep_highways(xml.out))
}

/// The state of reading one OSM XML file.
struct XmlFile<'a> {
    path: &'a Path,
    reader: XmlReader<'a>,
    out: OsmStreets,
    current: Option<OsmWay>,
    saw_root: bool,
}

impl XmlFile<'_> {
    fn error(&self, message: String) -> OsmError {
        OsmError::Xml {
            file: self.path.to_path_buf(),
            position: self.reader.buffer_position(),
            message: shorten(&message),
        }
    }

    fn bad(&self, element: String, message: String) -> OsmError {
        OsmError::BadElement {
            file: self.path.to_path_buf(),
            element,
            message,
        }
    }

    fn attributes(
        &self,
        e: &quick_xml::events::BytesStart,
    ) -> Result<HashMap<String, String>, OsmError> {
        let mut map = HashMap::new();
        for a in e.attributes() {
            let a = a.map_err(|err| self.error(err.to_string()))?;
            let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
            let value = a
                .unescape_value()
                .map_err(|err| self.error(err.to_string()))?
                .to_string();
            map.insert(key, value);
        }
        Ok(map)
    }

    fn id(&self, map: &HashMap<String, String>, what: &str) -> Result<i64, OsmError> {
        let raw = map
            .get("id")
            .or_else(|| map.get("ref"))
            .map_or("", String::as_str);
        raw.parse::<i64>().map_err(|_| {
            self.bad(
                what.to_string(),
                format!("id '{}' is not an integer", shorten(raw)),
            )
        })
    }

    /// One start or empty element.
    fn element(
        &mut self,
        e: &quick_xml::events::BytesStart,
        is_empty: bool,
    ) -> Result<(), OsmError> {
        let name = e.name().as_ref().to_vec();
        if !self.saw_root {
            if name != b"osm" {
                return Err(OsmError::NotOsm {
                    file: self.path.to_path_buf(),
                    why: format!(
                        "the root element is <{}>, not <osm>",
                        shorten(&String::from_utf8_lossy(&name))
                    ),
                });
            }
            self.saw_root = true;
            return Ok(());
        }
        match name.as_slice() {
            b"node" => self.node(e),
            b"way" => self.way(e, is_empty),
            b"nd" if self.current.is_some() => self.nd(e),
            b"tag" if self.current.is_some() => self.tag(e),
            _ => Ok(()),
        }
    }

    fn node(&mut self, e: &quick_xml::events::BytesStart) -> Result<(), OsmError> {
        let map = self.attributes(e)?;
        let id = self.id(&map, "node")?;
        let coord = |k: &str| -> Result<f64, OsmError> {
            map.get(k)
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or_else(|| self.bad(format!("node {id}"), format!("missing or invalid '{k}'")))
        };
        let p = checked_position(self.path, id, coord("lon")?, coord("lat")?)?;
        self.out.nodes.insert(id, p);
        Ok(())
    }

    fn way(&mut self, e: &quick_xml::events::BytesStart, is_empty: bool) -> Result<(), OsmError> {
        let map = self.attributes(e)?;
        let way = OsmWay {
            id: self.id(&map, "way")?,
            nodes: Vec::new(),
            tags: Vec::new(),
        };
        if is_empty {
            self.out.ways.push(way);
        } else {
            self.current = Some(way);
        }
        Ok(())
    }

    fn nd(&mut self, e: &quick_xml::events::BytesStart) -> Result<(), OsmError> {
        let map = self.attributes(e)?;
        let way = self.current.as_ref().map_or(0, |w| w.id);
        let r = self.id(&map, &format!("way {way}"))?;
        if let Some(w) = self.current.as_mut() {
            w.nodes.push(r);
        }
        Ok(())
    }

    fn tag(&mut self, e: &quick_xml::events::BytesStart) -> Result<(), OsmError> {
        let mut map = self.attributes(e)?;
        if let (Some(k), Some(v), Some(w)) =
            (map.remove("k"), map.remove("v"), self.current.as_mut())
        {
            w.tags.push((k, v));
        }
        Ok(())
    }

    fn end_way(&mut self) {
        if let Some(w) = self.current.take() {
            self.out.ways.push(w);
        }
    }
}

/// Reads OSM XML held in memory; `name` stands for the file in messages (used by tests).
pub fn read_osm_xml_str(name: &str, xml: &str) -> Result<OsmStreets, OsmError> {
    read_xml(Path::new(name), xml.as_bytes())
}
