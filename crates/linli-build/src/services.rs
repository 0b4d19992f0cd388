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

use crate::warnings::shorten;

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
    #[error("{file}: cannot read the file: {error}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause (in the message, not repeated as a source).
        error: std::io::Error,
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
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    if path.is_dir() {
        return Err(ServicesError::Format(file_problem(
            &path.display().to_string(),
            "is a folder, not a services file; give the path of the CSV or GeoJSON file".into(),
        )));
    }
    let bytes = std::fs::read(path).map_err(|error| ServicesError::Io {
        file: path.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
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

/// The row (1 = header) and column (from 1) of a quoted field that is never closed, following
/// the CSV rules the reader uses: a quote opens a quoted field only at the start of a field, and
/// inside one `""` is a quote.
pub fn unclosed_quote(text: &str) -> Option<(u64, usize)> {
    let mut row = 1u64;
    let mut column = 0usize;
    let mut field_start = true;
    let mut open: Option<(u64, usize)> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if open.is_some() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    column += 1;
                } else {
                    open = None;
                }
            } else if c == '\n' {
                row += 1;
                column = 0;
            }
            continue;
        }
        match c {
            '"' if field_start => {
                open = Some((row, column));
                field_start = false;
            }
            ',' => field_start = true,
            '\n' => {
                row += 1;
                column = 0;
                field_start = true;
            }
            '\r' => {}
            _ => field_start = false,
        }
    }
    open
}

fn csv_records(
    file: &str,
    text: &str,
    warnings: &mut Vec<Problem>,
) -> Result<Vec<RawRecord>, ServicesError> {
    if let Some((row, column)) = unclosed_quote(text) {
        return Err(ServicesError::Invalid(vec![Problem {
            file: file.to_string(),
            place: Place::Row(row),
            id: None,
            field: None,
            message: format!(
                "the quote (\") at character {column} opens a quoted field that is never closed; close it or remove it"
            ),
        }]));
    }
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
            Err(e) => bad_rows.push(csv_problem(file, &e)),
        }
    }
    if !bad_rows.is_empty() {
        return Err(ServicesError::Invalid(bad_rows));
    }
    Ok(records)
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    let row = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} fields but the header has {expected_len}"),
        _ => shorten(&e.to_string()),
    };
    Problem {
        file: file.to_string(),
        place: Place::Row(row),
        id: None,
        field: None,
        message,
    }
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
                format!("column '{}' appears twice in the header row", shorten(h)),
            )));
        }
        if !KNOWN_FIELDS.contains(&h.as_str()) {
            warnings.push(Problem {
                field: Some(shorten(h)),
                ..file_problem(
                    file,
                    format!(
                        "unknown column '{}' is ignored (known columns: {})",
                        shorten(h),
                        KNOWN_FIELDS.join(", ")
                    ),
                )
            });
        }
    }
    Ok(())
}

/// The features array of a GeoJSON FeatureCollection.
fn geojson_features(file: &str, text: &str) -> Result<Vec<serde_json::Value>, ServicesError> {
    use serde_json::Value;
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        ServicesError::Format(file_problem(
            file,
            format!(
                "not valid JSON at line {}, column {}: {}",
                e.line(),
                e.column(),
                shorten(&e.to_string())
            ),
        ))
    })?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(ServicesError::Format(file_problem(
            file,
            "expected a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\")".into(),
        )));
    }
    match doc {
        Value::Object(mut map) => match map.remove("features") {
            Some(Value::Array(features)) => Ok(features),
            _ => Err(ServicesError::Format(file_problem(
                file,
                "the FeatureCollection has no \"features\" array".into(),
            ))),
        },
        _ => Err(ServicesError::Format(file_problem(
            file,
            "expected a GeoJSON FeatureCollection".into(),
        ))),
    }
}

fn geojson_records(
    file: &str,
    text: &str,
    warnings: &mut Vec<Problem>,
) -> Result<Vec<RawRecord>, ServicesError> {
    let features = geojson_features(file, text)?;
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    for (i, feature) in features.iter().enumerate() {
        let mut reader = FeatureReader {
            file,
            place: Place::Feature(i + 1),
            problems: &mut problems,
            unknown: &mut unknown,
        };
        if let Some(record) = reader.record(feature) {
            records.push(record);
        }
    }
    for (k, n) in unknown {
        warnings.push(Problem {
            field: Some(shorten(&k)),
            ..file_problem(
                file,
                format!(
                    "unknown property '{}' (in {n} feature(s)) is ignored (known: {})",
                    shorten(&k),
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

/// Turns one GeoJSON feature into a raw record, collecting its problems.
struct FeatureReader<'a> {
    file: &'a str,
    place: Place,
    problems: &'a mut Vec<Problem>,
    unknown: &'a mut BTreeMap<String, usize>,
}

impl FeatureReader<'_> {
    fn problem(&mut self, id: Option<String>, field: &str, message: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            place: self.place,
            id,
            field: Some(field.to_string()),
            message,
        });
    }

    fn record(&mut self, feature: &serde_json::Value) -> Option<RawRecord> {
        use serde_json::Value;
        let props = match feature.get("properties") {
            Some(Value::Object(m)) => m.clone(),
            Some(Value::Null) | None => serde_json::Map::new(),
            Some(_) => {
                self.problem(None, "properties", "expected an object".into());
                return None;
            }
        };
        let mut fields = HashMap::new();
        for (k, v) in &props {
            if !KNOWN_FIELDS.contains(&k.as_str()) || k == "lng" || k == "lat" {
                *self.unknown.entry(k.clone()).or_default() += 1;
            } else if let Some(text) = self.property_text(k, v) {
                fields.insert(k.clone(), text);
            }
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
        self.point(feature, &mut fields)?;
        Some(RawRecord {
            place: self.place,
            fields,
        })
    }

    /// A property as text (services as `a;b;c`), or `None` after recording why not.
    fn property_text(&mut self, key: &str, value: &serde_json::Value) -> Option<String> {
        use serde_json::Value;
        match (key, value) {
            (_, Value::Null) => Some(String::new()),
            ("services", Value::Array(items)) => {
                let mut codes = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) if !s.contains(';') => codes.push(s.trim().to_string()),
                        _ => self.problem(
                            None,
                            "services",
                            format!(
                                "every item must be a service code string, found {}",
                                shorten(&item.to_string())
                            ),
                        ),
                    }
                }
                Some(codes.join(";"))
            }
            ("services", other) => {
                self.problem(
                    None,
                    "services",
                    format!(
                        "expected an array of service codes, found {}",
                        shorten(&other.to_string())
                    ),
                );
                None
            }
            (_, Value::String(s)) => Some(s.trim().to_string()),
            (_, Value::Number(n)) => Some(n.to_string()),
            (_, other) => {
                self.problem(
                    None,
                    key,
                    format!(
                        "expected text or a number, found {}",
                        shorten(&other.to_string())
                    ),
                );
                None
            }
        }
    }

    /// Puts the Point's coordinates into `lng`/`lat`, or records what was found instead.
    fn point(
        &mut self,
        feature: &serde_json::Value,
        fields: &mut HashMap<String, String>,
    ) -> Option<()> {
        use serde_json::Value;
        let geometry = feature.get("geometry");
        let point = geometry
            .filter(|g| g.get("type").and_then(Value::as_str) == Some("Point"))
            .and_then(|g| g.get("coordinates"))
            .and_then(Value::as_array);
        match point {
            Some(c) if c.len() >= 2 && c[0].is_number() && c[1].is_number() => {
                fields.insert("lng".into(), c[0].to_string());
                fields.insert("lat".into(), c[1].to_string());
                Some(())
            }
            _ => {
                let found = geometry
                    .and_then(|g| g.get("type"))
                    .and_then(Value::as_str)
                    .map_or_else(
                        || "no geometry".to_string(),
                        |t| format!("a {}", shorten(t)),
                    );
                let id = fields.get("id").map(|id| shorten(id));
                self.problem(
                    id,
                    "geometry",
                    format!("expected a Point with [lng, lat] coordinates, found {found}"),
                );
                None
            }
        }
    }
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
    for rec in &records {
        let mut check = RecordCheck::new(file, rec, options, inside);
        check.unique_id(&mut first_use);
        match check.service(&mut out.warnings) {
            Ok(service) => out.services.push(service),
            Err(problems) => errors.extend(problems),
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

/// Checks one raw record field by field, collecting every problem.
struct RecordCheck<'a> {
    file: &'a str,
    rec: &'a RawRecord,
    options: ServicesOptions,
    inside: &'a dyn Fn(LngLat) -> bool,
    id: String,
    problems: Vec<Problem>,
}

impl<'a> RecordCheck<'a> {
    fn new(
        file: &'a str,
        rec: &'a RawRecord,
        options: ServicesOptions,
        inside: &'a dyn Fn(LngLat) -> bool,
    ) -> RecordCheck<'a> {
        let id = rec.fields.get("id").cloned().unwrap_or_default();
        RecordCheck {
            file,
            rec,
            options,
            inside,
            id,
            problems: Vec::new(),
        }
    }

    fn get(&self, k: &str) -> &'a str {
        self.rec.fields.get(k).map(String::as_str).unwrap_or("")
    }

    fn problem_at(&self, field: &str, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            place: self.rec.place,
            id: (!self.id.is_empty()).then(|| shorten(&self.id)),
            field: Some(field.to_string()),
            message,
        }
    }

    fn problem(&mut self, field: &str, message: String) {
        let p = self.problem_at(field, message);
        self.problems.push(p);
    }

    fn unique_id(&mut self, first_use: &mut HashMap<String, Place>) {
        if self.id.is_empty() {
            return;
        }
        if let Some(first) = first_use.get(&self.id) {
            let message = format!(
                "duplicate id '{}' (first used in{first})",
                shorten(&self.id)
            );
            self.problem("id", message);
        } else {
            first_use.insert(self.id.clone(), self.rec.place);
        }
    }

    /// The validated service, or every problem found in the record.
    fn service(mut self, warnings: &mut Vec<Problem>) -> Result<Service, Vec<Problem>> {
        for f in REQUIRED_FIELDS {
            if self.get(f).is_empty() {
                self.problem(f, "is required but empty".into());
            }
        }
        let kind = self.kind();
        let location = self.location();
        let opening_hours = self.opening_hours(warnings);
        let amenities = self.amenities();
        let floor = match self.get("floor") {
            "" => None,
            raw => parse_floor(raw).map_err(|m| self.problem("floor", m)).ok(),
        };
        match (kind, location) {
            (Some(kind), Some(location)) if self.problems.is_empty() => Ok(Service {
                name: self.get("name").to_string(),
                kind,
                location,
                address: self.get("address").to_string(),
                opening_hours,
                amenities,
                phone: self.get("phone").to_string(),
                floor,
                notes: self.get("notes").to_string(),
                price: self.get("price").to_string(),
                id: self.id,
            }),
            _ => Err(self.problems),
        }
    }

    fn kind(&mut self) -> Option<Kind> {
        match self.get("kind") {
            "" => None,
            k => match k.parse::<Kind>() {
                Ok(kind) => Some(kind),
                Err(_) => {
                    self.problem(
                        "kind",
                        format!(
                            "unknown kind '{}': expected centre, rest_stop or canteen",
                            shorten(k)
                        ),
                    );
                    None
                }
            },
        }
    }

    fn number(&mut self, field: &str) -> Option<f64> {
        let raw = self.get(field);
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.problem(
                    field,
                    format!(
                        "'{}' is not a number (expected decimal degrees, e.g. 114.02)",
                        shorten(raw)
                    ),
                );
                None
            }
        }
    }

    fn location(&mut self) -> Option<LngLat> {
        let (lng, lat) = (self.number("lng"), self.number("lat"));
        let (lng, lat) = (lng?, lat?);
        if !(-90.0..=90.0).contains(&lat) {
            let hint = if (-90.0..=90.0).contains(&lng) {
                "; are lng and lat swapped?"
            } else {
                ""
            };
            self.problem(
                "lat",
                format!("{lat} is not a latitude (expected -90 to 90){hint}"),
            );
            return None;
        }
        if !(-180.0..=180.0).contains(&lng) {
            self.problem(
                "lng",
                format!("{lng} is not a longitude (expected -180 to 180)"),
            );
            return None;
        }
        let (x, y) = to_wgs84(self.options.crs, lng, lat);
        let p = LngLat::new(x, y);
        if (self.inside)(p) {
            return Some(LngLat::from_e6(p.to_e6()));
        }
        let message = format!(
            "({lng}, {lat}) in {} is outside the street data's area",
            self.options.crs
        );
        self.problem("lng/lat", message);
        None
    }

    fn opening_hours(&mut self, warnings: &mut Vec<Problem>) -> String {
        let hours = self.get("opening_hours");
        for span in linli_core::hours::suspicious_spans(hours) {
            warnings.push(self.problem_at(
                "opening_hours",
                format!(
                    "'{}' has the time span {span}, which starts where it ends (zero length); is a time mistyped?",
                    shorten(hours)
                ),
            ));
        }
        if !hours.is_empty() {
            if let Err(e) = opening_hours_syntax::parse(hours) {
                let reason = hours_reason(&e.to_string());
                self.problem(
                    "opening_hours",
                    format!(
                        "'{}' is not valid opening_hours syntax: {reason}",
                        shorten(hours)
                    ),
                );
            }
        }
        hours.to_string()
    }

    fn amenities(&mut self) -> Amenities {
        let mut amenities = Amenities::EMPTY;
        for code in self
            .get("services")
            .split([';', '；'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match code.parse::<Amenity>() {
                Ok(a) => amenities.insert(a),
                Err(_) => self.problem(
                    "services",
                    format!(
                        "unknown service code '{}': expected one of {}",
                        shorten(code),
                        Amenity::ALL
                            .iter()
                            .map(|a| a.code())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        amenities
    }
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
            "'{}' is not a floor (expected a whole number such as 1 for the ground floor, 2, or -1 / B1 for a basement)",
            shorten(raw)
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
