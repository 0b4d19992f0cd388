//! Warnings about services that build but are probably wrong: no services at all, control
//! characters in texts, many places at one point. And [`shorten`], so that no message echoes a
//! huge value whole.

use std::collections::BTreeMap;

use linli_core::Service;

use crate::services::{Place, Problem};

/// This many places or more at exactly the same point get a warning: usually coordinates copied
/// from one row to the next, or a geocoder's fallback point.
pub const MANY_AT_ONE_POINT: usize = 3;

/// Values longer than this many characters are cut in messages.
pub const MAX_ECHO_CHARS: usize = 60;

/// `value` for a message: whole if short, else its first [`MAX_ECHO_CHARS`] characters, "…"
/// and its length; control characters shown as `\u{…}` so they cannot garble a terminal.
pub fn shorten(value: &str) -> String {
    let n = value.chars().count();
    let mut out: String = value
        .chars()
        .take(MAX_ECHO_CHARS)
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if n > MAX_ECHO_CHARS {
        out.push_str(&format!("… ({n} characters)"));
    }
    out
}

/// The warnings about `services` as a whole.
pub fn service_warnings(file: &str, services: &[Service]) -> Vec<Problem> {
    let mut out = Vec::new();
    if services.is_empty() {
        out.push(problem(
            file,
            None,
            None,
            "the file has no services: the bundle will show streets but find nothing".into(),
        ));
    }
    out.extend(control_characters(file, services));
    out.extend(crowded_points(file, services));
    out
}

fn problem(file: &str, id: Option<&str>, field: Option<&str>, message: String) -> Problem {
    Problem {
        file: file.to_string(),
        place: Place::File,
        id: id.map(str::to_string),
        field: field.map(str::to_string),
        message,
    }
}

/// Texts with control characters (tabs, line breaks, escape codes): invisible in the app, and
/// often a sign of a mangled export.
fn control_characters(file: &str, services: &[Service]) -> Vec<Problem> {
    let mut out = Vec::new();
    for s in services {
        let fields = [
            ("id", &s.id),
            ("name", &s.name),
            ("address", &s.address),
            ("phone", &s.phone),
            ("notes", &s.notes),
            ("price", &s.price),
        ];
        for (field, text) in fields {
            if let Some((at, c)) = text.chars().enumerate().find(|(_, c)| c.is_control()) {
                out.push(problem(
                    file,
                    Some(&shorten(&s.id)),
                    Some(field),
                    format!(
                        "'{}' contains the control character {} at character {}; remove it",
                        shorten(text),
                        c.escape_unicode(),
                        at + 1
                    ),
                ));
            }
        }
    }
    out
}

/// Points shared by [`MANY_AT_ONE_POINT`] places or more.
fn crowded_points(file: &str, services: &[Service]) -> Vec<Problem> {
    let mut at: BTreeMap<[i32; 2], Vec<&str>> = BTreeMap::new();
    for s in services {
        at.entry(s.location.to_e6()).or_default().push(&s.id);
    }
    at.into_iter()
        .filter(|(_, ids)| ids.len() >= MANY_AT_ONE_POINT)
        .map(|(p, ids)| {
            let shown: Vec<String> = ids.iter().take(5).map(|id| shorten(id)).collect();
            let more = if ids.len() > 5 {
                format!(" and {} more", ids.len() - 5)
            } else {
                String::new()
            };
            problem(
                file,
                None,
                Some("lng/lat"),
                format!(
                    "{} places are at the same point ({:.6}, {:.6}): {}{more}; are the coordinates copied?",
                    ids.len(),
                    f64::from(p[0]) / 1e6,
                    f64::from(p[1]) / 1e6,
                    shown.join(", ")
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_core::{Amenities, Kind, LngLat};

    fn service(id: &str, name: &str, lng: f64) -> Service {
        Service {
            id: id.into(),
            name: name.into(),
            kind: Kind::Centre,
            location: LngLat::new(lng, 22.5),
            address: String::new(),
            opening_hours: String::new(),
            amenities: Amenities::EMPTY,
            phone: String::new(),
            floor: None,
            notes: String::new(),
            price: String::new(),
        }
    }

    #[test]
    fn long_values_are_cut_with_their_length() {
        assert_eq!(shorten("Mo-Fr 09:00-18:00"), "Mo-Fr 09:00-18:00");
        let long = "Mo-Fr 09:00-18:00;".repeat(7_000);
        let s = shorten(&long);
        assert!(s.ends_with("… (126000 characters)"), "{s}");
        assert!(s.chars().count() < 90);
        assert_eq!(shorten("a\u{7}b"), "a\\u{7}b");
    }

    #[test]
    fn no_services_control_characters_and_crowds_are_warned_about() {
        let w = service_warnings("s.csv", &[]);
        assert!(w[0].to_string().contains("s.csv: the file has no services"));

        let services = vec![
            service("a", "好\u{1b}[31m名", 114.0),
            service("b", "b", 114.0),
            service("c", "c", 114.0),
            service("d", "d", 114.1),
        ];
        let w: Vec<String> = service_warnings("s.csv", &services)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].starts_with("s.csv (id 'a'), field name: '好\\u{1b}[31m名' contains the control character \\u{1b} at character 2"),
            "{w:?}"
        );
        assert!(
            w[1].contains("3 places are at the same point (114.000000, 22.500000): a, b, c"),
            "{w:?}"
        );
    }
}
