//! Reading the services file (CSV or GeoJSON) into validated [`Service`] records.
//!
//! Both formats are first turned into the same raw records (field name → text), then checked by
//! one validator, so they give the same messages. Every problem names the file, the row (CSV,
//! counting the header as row 1, as a spreadsheet does) or feature (GeoJSON, from 1), the field
//! and what was expected. Problems are collected for all rows, not just the first.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use linli_core::crs::{to_wgs84, Crs};
use linli_core::geom::LngLat;
use linli_core::service::{Amenities, Amenity, Kind, Service};

/// The columns Linli knows.
pub const KNOWN_FIELDS: &[&str] = &[
    "id",
    "name",
    "kind",
    "lng",
    "lat",
    "address",
    "opening_hours",
    "services",
    "phone",
    "floor",
    "notes",
    "price",
];
/// The columns that must be present and non-empty.
pub const REQUIRED_FIELDS: &[&str] = &["id", "name", "kind", "lng", "lat"];

/// Where in the services file a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// The file as a whole (e.g. a missing column).
    File,
    /// CSV row, 1 = header.
    Row(u64),
    /// GeoJSON feature, from 1.
    Feature(usize),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => Ok(()),
            Place::Row(r) => write!(f, " row {r}"),
            Place::Feature(i) => write!(f, " feature {i}"),
        }
    }
}

/// One problem in the services file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file's name as given.
    pub file: String,
    /// Row or feature.
    pub place: Place,
    /// The record's id, when it has one.
    pub id: Option<String>,
    /// The field, when the problem is in one field.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.file, self.place)?;
        if let Some(id) = &self.id {
            write!(f, " (id '{id}')")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why the services file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ServicesError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file's structure is wrong (not CSV/GeoJSON, missing columns).
    #[error("{0}")]
    Format(Problem),
    /// Some records are invalid (all of them listed).
    #[error("{} invalid record(s) in the services file:\n{}", .0.len(), list(.0))]
    Invalid(Vec<Problem>),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What reading the services file produced.
#[derive(Debug, Clone, Default)]
pub struct ServicesRead {
    /// The valid services, in file order.
    pub services: Vec<Service>,
    /// Problems that do not stop the build (unknown columns, far from streets, …).
    pub warnings: Vec<Problem>,
    /// Records left out because of errors (only with `skip_invalid`), one problem each or more.
    pub skipped: Vec<Problem>,
}

/// How to read the services file.
#[derive(Debug, Clone, Copy)]
pub struct ServicesOptions {
    /// The coordinate system of `lng`/`lat`.
    pub crs: Crs,
    /// Leave out invalid records (each reported) instead of failing.
    pub skip_invalid: bool,
}

/// A record before validation: field → text, with where it came from.
#[derive(Debug, Clone)]
struct RawRecord {
    place: Place,
    fields: HashMap<String, String>,
}

/// Reads and validates a services file. `inside` tells whether a WGS-84 position is within the
/// street data's area.
pub fn read_services(
    path: &Path,
    options: ServicesOptions,
    inside: &dyn Fn(LngLat) -> bool,
) -> Result<ServicesRead, ServicesError> {
    let text = std::fs::read(path).map_err(|source| ServicesError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let text = String::from_utf8(text).map_err(|e| {
        ServicesError::Format(file_problem(
            &file,
            format!(
                "the file is not UTF-8 text (invalid byte at offset {}); save the spreadsheet as \"CSV UTF-8\"",
                e.utf8_error().valid_up_to()
            ),
        ))
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let is_geojson = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    let mut warnings = Vec::new();
    let records = if is_geojson {
        geojson_records(&file, text, &mut warnings)?
    } else {
        csv_records(&file, text, &mut warnings)?
    };
    validate(&file, records, options, inside, warnings)
}

fn file_problem(file: &str, message: String) -> Problem {
    Problem {
        file: file.to_string(),
        place: Place::File,
        id: None,
        field: None,
        message,
    }
}

fn csv_records(
    file: &str,
    text: &str,
    warnings: &mut Vec<Problem>,
) -> Result<Vec<RawRecord>, ServicesError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            ServicesError::Format(file_problem(
                file,
                format!("cannot read the header row: {e}"),
            ))
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    check_columns(file, &headers, warnings)?;
    let mut records = Vec::new();
    let mut bad_rows = Vec::new();
    for result in reader.records() {
        match result {
            Ok(rec) => {
                let row = rec.position().map_or(0, |p| p.line());
                let fields = headers
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(|v| v.trim().to_string()))
                    .collect();
                records.push(RawRecord {
                    place: Place::Row(row),
                    fields,
                });
            }
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("has {len} fields but the header has {expected_len}"),
                    _ => e.to_string(),
                };
                bad_rows.push(Problem {
                    file: file.to_string(),
                    place: Place::Row(row),
                    id: None,
                    field: None,
                    message,
                });
            }
        }
    }
    if !bad_rows.is_empty() {
        return Err(ServicesError::Invalid(bad_rows));
    }
    Ok(records)
}

fn check_columns(
    file: &str,
    headers: &[String],
    warnings: &mut Vec<Problem>,
) -> Result<(), ServicesError> {
    let missing: Vec<&str> = REQUIRED_FIELDS
        .iter()
        .copied()
        .filter(|f| !headers.iter().any(|h| h == f))
        .collect();
    if !missing.is_empty() {
        return Err(ServicesError::Format(file_problem(
            file,
            format!(
                "missing required column(s) {}; the header row must name at least {}",
                missing.join(", "),
                REQUIRED_FIELDS.join(", ")
            ),
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for h in headers {
        if !seen.insert(h) {
            return Err(ServicesError::Format(file_problem(
                file,
                format!("column '{h}' appears twice in the header row"),
            )));
        }
        if !KNOWN_FIELDS.contains(&h.as_str()) {
            warnings.push(Problem {
                field: Some(h.clone()),
                ..file_problem(
                    file,
                    format!(
                        "unknown column '{h}' is ignored (known columns: {})",
                        KNOWN_FIELDS.join(", ")
                    ),
                )
            });
        }
    }
    Ok(())
}

fn geojson_records(
    file: &str,
    text: &str,
    warnings: &mut Vec<Problem>,
) -> Result<Vec<RawRecord>, ServicesError> {
    use serde_json::Value;
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        ServicesError::Format(file_problem(
            file,
            format!(
                "not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        ))
    })?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(ServicesError::Format(file_problem(
            file,
            "expected a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\")".into(),
        )));
    }
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ServicesError::Format(file_problem(
                file,
                "the FeatureCollection has no \"features\" array".into(),
            ))
        })?;
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    for (i, feature) in features.iter().enumerate() {
        let place = Place::Feature(i + 1);
        let problem = |field: Option<&str>, message: String| Problem {
            file: file.to_string(),
            place,
            id: None,
            field: field.map(str::to_string),
            message,
        };
        let mut fields = HashMap::new();
        let props = match feature.get("properties") {
            Some(Value::Object(m)) => m.clone(),
            Some(Value::Null) | None => serde_json::Map::new(),
            Some(_) => {
                problems.push(problem(Some("properties"), "expected an object".into()));
                continue;
            }
        };
        for (k, v) in &props {
            if !KNOWN_FIELDS.contains(&k.as_str()) || k == "lng" || k == "lat" {
                *unknown.entry(k.clone()).or_default() += 1;
                continue;
            }
            let text = match (k.as_str(), v) {
                (_, Value::Null) => String::new(),
                ("services", Value::Array(items)) => {
                    let mut codes = Vec::new();
                    for item in items {
                        match item.as_str() {
                            Some(s) if !s.contains(';') => codes.push(s.trim().to_string()),
                            _ => problems.push(problem(
                                Some("services"),
                                format!("every item must be a service code string, found {item}"),
                            )),
                        }
                    }
                    codes.join(";")
                }
                ("services", other) => {
                    problems.push(problem(
                        Some("services"),
                        format!("expected an array of service codes, found {other}"),
                    ));
                    continue;
                }
                (_, Value::String(s)) => s.trim().to_string(),
                (_, Value::Number(n)) => n.to_string(),
                (_, other) => {
                    problems.push(problem(
                        Some(k),
                        format!("expected text or a number, found {other}"),
                    ));
                    continue;
                }
            };
            fields.insert(k.clone(), text);
        }
        if !fields.contains_key("id") {
            match feature.get("id") {
                Some(Value::String(s)) => {
                    fields.insert("id".into(), s.clone());
                }
                Some(Value::Number(n)) => {
                    fields.insert("id".into(), n.to_string());
                }
                _ => {}
            }
        }
        let geometry = feature.get("geometry");
        let point = geometry
            .filter(|g| g.get("type").and_then(Value::as_str) == Some("Point"))
            .and_then(|g| g.get("coordinates"))
            .and_then(Value::as_array);
        match point {
            Some(c) if c.len() >= 2 && c[0].is_number() && c[1].is_number() => {
                fields.insert("lng".into(), c[0].to_string());
                fields.insert("lat".into(), c[1].to_string());
            }
            _ => {
                let found = geometry
                    .and_then(|g| g.get("type"))
                    .and_then(Value::as_str)
                    .map_or_else(|| "no geometry".to_string(), |t| format!("a {t}"));
                problems.push(Problem {
                    id: fields.get("id").cloned(),
                    ..problem(
                        Some("geometry"),
                        format!("expected a Point with [lng, lat] coordinates, found {found}"),
                    )
                });
                continue;
            }
        }
        records.push(RawRecord { place, fields });
    }
    for (k, n) in unknown {
        warnings.push(Problem {
            field: Some(k.clone()),
            ..file_problem(
                file,
                format!(
                    "unknown property '{k}' (in {n} feature(s)) is ignored (known: {})",
                    KNOWN_FIELDS.join(", ")
                ),
            )
        });
    }
    if !problems.is_empty() {
        return Err(ServicesError::Invalid(problems));
    }
    Ok(records)
}

fn validate(
    file: &str,
    records: Vec<RawRecord>,
    options: ServicesOptions,
    inside: &dyn Fn(LngLat) -> bool,
    warnings: Vec<Problem>,
) -> Result<ServicesRead, ServicesError> {
    let mut out = ServicesRead {
        warnings,
        ..ServicesRead::default()
    };
    let mut errors = Vec::new();
    let mut first_use: HashMap<String, Place> = HashMap::new();
    for rec in records {
        let get = |k: &str| rec.fields.get(k).map(String::as_str).unwrap_or("");
        let id = get("id").to_string();
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(Problem {
                file: file.to_string(),
                place: rec.place,
                id: (!id.is_empty()).then(|| id.clone()),
                field: Some(field.to_string()),
                message,
            });
        };
        for f in REQUIRED_FIELDS {
            if get(f).is_empty() {
                problem(f, "is required but empty".into());
            }
        }
        if !id.is_empty() {
            if let Some(first) = first_use.get(&id) {
                problem("id", format!("duplicate id '{id}' (first used in{first})"));
            } else {
                first_use.insert(id.clone(), rec.place);
            }
        }
        let kind = match get("kind") {
            "" => None,
            k => k
                .parse::<Kind>()
                .map_err(|e| problem("kind", e.to_string()))
                .ok(),
        };
        let number = |field: &str, problem: &mut dyn FnMut(&str, String)| -> Option<f64> {
            let raw = get(field);
            if raw.is_empty() {
                return None;
            }
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    problem(
                        field,
                        format!("'{raw}' is not a number (expected decimal degrees, e.g. 114.02)"),
                    );
                    None
                }
            }
        };
        let lng = number("lng", &mut problem);
        let lat = number("lat", &mut problem);
        let mut location = None;
        if let (Some(lng), Some(lat)) = (lng, lat) {
            if !(-90.0..=90.0).contains(&lat) {
                let hint = if (-90.0..=90.0).contains(&lng) {
                    "; are lng and lat swapped?"
                } else {
                    ""
                };
                problem(
                    "lat",
                    format!("{lat} is not a latitude (expected -90 to 90){hint}"),
                );
            } else if !(-180.0..=180.0).contains(&lng) {
                problem(
                    "lng",
                    format!("{lng} is not a longitude (expected -180 to 180)"),
                );
            } else {
                let (x, y) = to_wgs84(options.crs, lng, lat);
                let p = LngLat::new(x, y);
                if inside(p) {
                    location = Some(LngLat::from_e6(p.to_e6()));
                } else {
                    problem(
                        "lng/lat",
                        format!(
                            "({lng}, {lat}) in {} is outside the street data's area",
                            options.crs
                        ),
                    );
                }
            }
        }
        let opening_hours = get("opening_hours").to_string();
        for span in linli_core::hours::suspicious_spans(&opening_hours) {
            out.warnings.push(Problem {
                file: file.to_string(),
                place: rec.place,
                id: (!id.is_empty()).then(|| id.clone()),
                field: Some("opening_hours".into()),
                message: format!(
                    "'{opening_hours}' has the time span {span}, which starts where it ends (zero length); is a time mistyped?"
                ),
            });
        }
        if !opening_hours.is_empty() {
            if let Err(e) = opening_hours_syntax::parse(&opening_hours) {
                let reason = hours_reason(&e.to_string());
                problem(
                    "opening_hours",
                    format!("'{opening_hours}' is not valid opening_hours syntax: {reason}"),
                );
            }
        }
        let mut amenities = Amenities::EMPTY;
        for code in get("services")
            .split([';', '；'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match code.parse::<Amenity>() {
                Ok(a) => amenities.insert(a),
                Err(e) => problem("services", e.to_string()),
            }
        }
        let floor = match get("floor") {
            "" => None,
            raw => parse_floor(raw).map_err(|m| problem("floor", m)).ok(),
        };
        let price = get("price").to_string();

        if problems.is_empty() {
            if let (Some(kind), Some(location)) = (kind, location) {
                out.services.push(Service {
                    id,
                    name: get("name").to_string(),
                    kind,
                    location,
                    address: get("address").to_string(),
                    opening_hours,
                    amenities,
                    phone: get("phone").to_string(),
                    floor,
                    notes: get("notes").to_string(),
                    price,
                });
            }
        } else {
            errors.extend(problems);
        }
    }
    if !errors.is_empty() {
        if options.skip_invalid {
            out.skipped = errors;
        } else {
            return Err(ServicesError::Invalid(errors));
        }
    }
    Ok(out)
}

/// A floor in Chinese convention: "1" (ground), "3", "-1" or "B1" (first basement). "0" is not a
/// floor in China.
fn parse_floor(raw: &str) -> Result<i8, String> {
    let t = raw.trim().trim_end_matches(['F', 'f', '楼', '层']);
    let value = if let Some(b) = t.strip_prefix(['B', 'b']) {
        b.parse::<i8>().ok().filter(|v| *v > 0).map(|v| -v)
    } else {
        t.parse::<i8>().ok()
    };
    match value {
        Some(v) if v != 0 => Ok(v),
        _ => Err(format!(
            "'{raw}' is not a floor (expected a whole number such as 1 for the ground floor, 2, or -1 / B1 for a basement)"
        )),
    }
}

/// The parser's reason in one line. Syntax errors come as a multi-line caret diagram
/// (" --> 1:12 … = expected extended_time"); keep the position and the expectation.
fn hours_reason(message: &str) -> String {
    let position = message
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .and_then(|p| p.split(':').nth(1))
        .map(str::trim);
    let expected = message
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(|e| e.replace('_', " "));
    match (position, expected) {
        (Some(p), Some(e)) => format!("at character {p}: {e}"),
        _ => message.lines().map(str::trim).collect::<Vec<_>>().join(" "),
    }
}
