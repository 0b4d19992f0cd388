//! The messages between Linli in an iframe and the page that embeds it, version 1: what they
//! hold, how commands are read, and where messages may go. Pure (natively tested);
//! `embed.rs` moves them through `postMessage`. The reference for host pages is in the README
//! ("Embedding").
//!
//! Every message is an object `{type: "linli:…", v: 1, …}`.
//!
//! To the parent: `linli:ready {name}` (the data is loaded; commands work), `linli:resize
//! {height}` (CSS pixels, when the host sizes the frame to its content: `max_height=`),
//! `linli:select {id, name, kind, route_m, time_s, state}` (a place was opened; metres and
//! seconds from the starting point in the current mode, `null` when unreachable), `linli:error
//! {code, detail}`. None of them holds the user's position.
//!
//! From the parent: `linli:setOrigin {lat, lng}`, `linli:setMode {mode}`, `linli:setKind
//! {kind}` (`null` or `"all"` for every kind), `linli:setLang {lang}`, `linli:select {id}`
//! (`null` closes the detail).

use linli_core::{Kind, LngLat, Mode};

use crate::i18n::Lang;

/// The protocol version in every message (`v`).
pub const VERSION: f64 = 1.0;

/// The prefix of every message type.
pub const PREFIX: &str = "linli:";

/// A field of a message, as read from or written to a JS object.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A string.
    Str(String),
    /// A number.
    Num(f64),
    /// `null`.
    Null,
    /// Not there (`undefined`).
    Missing,
    /// Anything else (an object, a boolean…).
    Other,
}

/// A command from the host page.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start from this point (WGS-84).
    SetOrigin(LngLat),
    /// Travel mode.
    SetMode(Mode),
    /// One kind, or every kind (`None`).
    SetKind(Option<Kind>),
    /// Interface language.
    SetLang(Lang),
    /// Open a place by id, or close the detail (`None`).
    Select(Option<String>),
}

/// Why a message was not obeyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// Not a Linli message (another script's): ignored without a word.
    NotOurs,
    /// A Linli message of another protocol version.
    Version,
    /// A Linli message type that is not a command.
    UnknownType(String),
    /// A field is missing or of the wrong kind.
    BadField {
        /// The command.
        command: &'static str,
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

impl Rejected {
    /// The `code` of the `linli:error` answer (`None`: no answer).
    pub const fn code(&self) -> Option<&'static str> {
        match self {
            Rejected::NotOurs => None,
            Rejected::Version => Some("unsupported_version"),
            Rejected::UnknownType(_) => Some("unknown_type"),
            Rejected::BadField { .. } => Some("bad_message"),
        }
    }

    /// The `detail` of the answer.
    pub fn detail(&self) -> String {
        match self {
            Rejected::NotOurs => String::new(),
            Rejected::Version => format!(
                "this Linli speaks protocol version {}",
                linli_core::decimal::Trimmed(VERSION)
            ),
            Rejected::UnknownType(t) => format!(
                "'{}' is not a command: setOrigin, setMode, setKind, setLang or select",
                t.chars().take(40).collect::<String>()
            ),
            Rejected::BadField {
                command,
                field,
                expected,
            } => format!("{command}: {field} must be {expected}"),
        }
    }
}

/// Reads a command; `get` returns a field of the message object.
pub fn parse(get: impl Fn(&str) -> Field) -> Result<Command, Rejected> {
    let Field::Str(kind) = get("type") else {
        return Err(Rejected::NotOurs);
    };
    let Some(name) = kind.strip_prefix(PREFIX) else {
        return Err(Rejected::NotOurs);
    };
    if get("v") != Field::Num(VERSION) {
        return Err(Rejected::Version);
    }
    let string = |field: &'static str| match get(field) {
        Field::Str(s) => Some(s),
        _ => None,
    };
    let bad = |command, field, expected| Rejected::BadField {
        command,
        field,
        expected,
    };
    match name {
        "setOrigin" => {
            let num = |f| match get(f) {
                Field::Num(n) if n.is_finite() => Some(n),
                _ => None,
            };
            let lat = num("lat").filter(|v| (-90.0..=90.0).contains(v));
            let lng = num("lng").filter(|v| (-180.0..=180.0).contains(v));
            match (lat, lng) {
                (Some(lat), Some(lng)) => Ok(Command::SetOrigin(LngLat::new(lng, lat))),
                (None, _) => Err(bad("setOrigin", "lat", "a latitude in degrees (WGS-84)")),
                (_, None) => Err(bad("setOrigin", "lng", "a longitude in degrees (WGS-84)")),
            }
        }
        "setMode" => string("mode")
            .and_then(|m| m.parse::<Mode>().ok())
            .map(Command::SetMode)
            .ok_or_else(|| bad("setMode", "mode", "\"walk\", \"ebike\" or \"stepfree\"")),
        "setKind" => match get("kind") {
            Field::Null | Field::Missing => Ok(Command::SetKind(None)),
            Field::Str(s) if s == "all" => Ok(Command::SetKind(None)),
            Field::Str(s) => s
                .parse::<Kind>()
                .map(|k| Command::SetKind(Some(k)))
                .map_err(|_| {
                    bad(
                        "setKind",
                        "kind",
                        "\"centre\", \"rest_stop\", \"canteen\", \"all\" or null",
                    )
                }),
            _ => Err(bad(
                "setKind",
                "kind",
                "\"centre\", \"rest_stop\", \"canteen\", \"all\" or null",
            )),
        },
        "setLang" => match string("lang").as_deref() {
            Some("zh") => Ok(Command::SetLang(Lang::Zh)),
            Some("en") => Ok(Command::SetLang(Lang::En)),
            _ => Err(bad("setLang", "lang", "\"zh\" or \"en\"")),
        },
        "select" => match get("id") {
            Field::Str(id) if !id.trim().is_empty() => Ok(Command::Select(Some(id))),
            Field::Null => Ok(Command::Select(None)),
            _ => Err(bad(
                "select",
                "id",
                "a place id, or null to close the detail",
            )),
        },
        other => Err(Rejected::UnknownType(other.to_string())),
    }
}

/// A message to the host page.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// The data is loaded and commands work.
    Ready {
        /// The data's area name.
        name: String,
    },
    /// The content's height, CSS pixels.
    Resize {
        /// Height.
        height: u32,
    },
    /// A place was opened.
    Select {
        /// Its id.
        id: String,
        /// Its name.
        name: String,
        /// `centre`, `rest_stop`, `canteen`.
        kind: &'static str,
        /// Whole metres by route from the starting point, in the current mode.
        route_m: Option<i64>,
        /// Whole seconds.
        time_s: Option<i64>,
        /// `open`, `closing`, `closed`, `holiday`, `unknown`.
        state: &'static str,
    },
    /// Something failed.
    Error {
        /// Machine-readable: `load_failed`, `data_refused`, `bad_parameter`, `bad_message`,
        /// `unknown_type`, `unsupported_version`, `unknown_place`, `outside_area`.
        code: &'static str,
        /// For the developer.
        detail: String,
    },
}

impl Outgoing {
    /// The message's fields, `type` and `v` first.
    pub fn fields(&self) -> Vec<(&'static str, Field)> {
        let ty = |t: &str| ("type", Field::Str(format!("{PREFIX}{t}")));
        let v = ("v", Field::Num(VERSION));
        let opt = |n: Option<i64>| {
            #[allow(clippy::cast_precision_loss)]
            n.map_or(Field::Null, |n| Field::Num(n as f64))
        };
        match self {
            Outgoing::Ready { name } => vec![ty("ready"), v, ("name", Field::Str(name.clone()))],
            Outgoing::Resize { height } => {
                vec![ty("resize"), v, ("height", Field::Num(f64::from(*height)))]
            }
            Outgoing::Select {
                id,
                name,
                kind,
                route_m,
                time_s,
                state,
            } => vec![
                ty("select"),
                v,
                ("id", Field::Str(id.clone())),
                ("name", Field::Str(name.clone())),
                ("kind", Field::Str((*kind).to_string())),
                ("route_m", opt(*route_m)),
                ("time_s", opt(*time_s)),
                ("state", Field::Str((*state).to_string())),
            ],
            Outgoing::Error { code, detail } => vec![
                ty("error"),
                v,
                ("code", Field::Str((*code).to_string())),
                ("detail", Field::Str(detail.clone())),
            ],
        }
    }

    /// Does it say something about what the user did (so it may only go to a known origin)?
    /// `select` does: its route metres depend on the starting point.
    pub const fn private(&self) -> bool {
        matches!(self, Outgoing::Select { .. })
    }
}

/// Where messages to the parent go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// To these origins (the browser delivers only to the one the parent has).
    To(Vec<String>),
    /// The parent's origin is unknown and none is listed: `ready`, `resize` and `error` go
    /// with `"*"` (they hold nothing private), `select` is not sent.
    UnknownParent,
    /// `parent_origin=` lists origins and the parent is none of them: nothing is sent.
    Nowhere,
}

/// Decides where messages go: `listed` are the `parent_origin=` origins; `ancestor` is
/// `location.ancestorOrigins[0]` (Chromium, Safari); `referrer` the origin of
/// `document.referrer` (the page that loaded the frame, unless its referrer policy hides it).
pub fn delivery(listed: &[String], ancestor: Option<&str>, referrer: Option<&str>) -> Delivery {
    fn known(o: Option<&str>) -> Option<&str> {
        o.filter(|o| !o.is_empty() && *o != "null")
    }
    let ancestor = known(ancestor);
    let referrer = known(referrer);
    if listed.is_empty() {
        return match ancestor.or(referrer) {
            Some(o) => Delivery::To(vec![o.to_string()]),
            None => Delivery::UnknownParent,
        };
    }
    match ancestor {
        Some(a) if listed.iter().any(|l| l == a) => Delivery::To(vec![a.to_string()]),
        Some(_) => Delivery::Nowhere,
        None => Delivery::To(listed.to_vec()),
    }
}

/// Is a command from a parent whose origin is `origin` accepted? (The sender must be the
/// parent window itself; `embed.rs` checks that.) Without `parent_origin=`, any parent.
pub fn accepts(listed: &[String], origin: &str) -> bool {
    listed.is_empty() || listed.iter().any(|l| l == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg<'a>(fields: &'a [(&'a str, Field)]) -> impl Fn(&str) -> Field + 'a {
        move |k| {
            fields
                .iter()
                .find(|(name, _)| *name == k)
                .map_or(Field::Missing, |(_, v)| v.clone())
        }
    }

    fn s(v: &str) -> Field {
        Field::Str(v.to_string())
    }

    fn cmd(ty: &str, rest: &[(&str, Field)]) -> Result<Command, Rejected> {
        let mut fields = vec![("type", s(ty)), ("v", Field::Num(1.0))];
        fields.extend(rest.iter().cloned());
        parse(msg(&fields))
    }

    #[test]
    fn every_command_reads() {
        assert_eq!(
            cmd(
                "linli:setOrigin",
                &[("lat", Field::Num(22.535)), ("lng", Field::Num(114.02))]
            ),
            Ok(Command::SetOrigin(LngLat::new(114.02, 22.535)))
        );
        assert_eq!(
            cmd("linli:setMode", &[("mode", s("ebike"))]),
            Ok(Command::SetMode(Mode::Ebike))
        );
        assert_eq!(
            cmd("linli:setKind", &[("kind", s("canteen"))]),
            Ok(Command::SetKind(Some(Kind::Canteen)))
        );
        assert_eq!(
            cmd("linli:setKind", &[("kind", Field::Null)]),
            Ok(Command::SetKind(None))
        );
        assert_eq!(
            cmd("linli:setKind", &[("kind", s("all"))]),
            Ok(Command::SetKind(None))
        );
        assert_eq!(
            cmd("linli:setLang", &[("lang", s("en"))]),
            Ok(Command::SetLang(Lang::En))
        );
        assert_eq!(
            cmd("linli:select", &[("id", s("cgm-rest-1"))]),
            Ok(Command::Select(Some("cgm-rest-1".into())))
        );
        assert_eq!(
            cmd("linli:select", &[("id", Field::Null)]),
            Ok(Command::Select(None))
        );
    }

    #[test]
    fn other_scripts_messages_are_ignored_and_ours_are_checked() {
        assert_eq!(parse(msg(&[])), Err(Rejected::NotOurs));
        assert_eq!(
            parse(msg(&[("type", s("webpackOk"))])),
            Err(Rejected::NotOurs)
        );
        assert_eq!(
            parse(msg(&[("type", Field::Num(3.0))])),
            Err(Rejected::NotOurs)
        );
        assert_eq!(
            parse(msg(&[("type", s("linli:setMode")), ("mode", s("walk"))])),
            Err(Rejected::Version)
        );
        assert_eq!(
            parse(msg(&[
                ("type", s("linli:setMode")),
                ("v", Field::Num(2.0)),
                ("mode", s("walk"))
            ])),
            Err(Rejected::Version)
        );
        let unknown =
            cmd("linli:resize", &[("height", Field::Num(9.0))]).expect_err("not a command");
        assert_eq!(unknown.code(), Some("unknown_type"));
        for (ty, rest, field) in [
            ("linli:setMode", vec![("mode", s("car"))], "mode"),
            ("linli:setMode", vec![], "mode"),
            ("linli:setKind", vec![("kind", s("zoo"))], "kind"),
            ("linli:setKind", vec![("kind", Field::Num(1.0))], "kind"),
            ("linli:setLang", vec![("lang", s("fr"))], "lang"),
            ("linli:select", vec![("id", s("  "))], "id"),
            ("linli:select", vec![], "id"),
            (
                "linli:setOrigin",
                vec![("lat", s("22.5")), ("lng", Field::Num(114.0))],
                "lat",
            ),
            ("linli:setOrigin", vec![("lat", Field::Num(22.5))], "lng"),
            (
                "linli:setOrigin",
                vec![("lat", Field::Num(95.0)), ("lng", Field::Num(114.0))],
                "lat",
            ),
            (
                "linli:setOrigin",
                vec![("lat", Field::Num(f64::NAN)), ("lng", Field::Num(114.0))],
                "lat",
            ),
        ] {
            match cmd(ty, &rest) {
                Err(e @ Rejected::BadField { field: f, .. }) => {
                    assert_eq!(f, field, "{ty}");
                    assert_eq!(e.code(), Some("bad_message"));
                    assert!(e.detail().contains(field), "{}", e.detail());
                }
                other => panic!("{ty} {rest:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn no_message_to_the_parent_holds_a_position() {
        let all = [
            Outgoing::Ready {
                name: "深圳福田".into(),
            },
            Outgoing::Resize { height: 612 },
            Outgoing::Select {
                id: "a".into(),
                name: "b".into(),
                kind: "canteen",
                route_m: Some(132),
                time_s: None,
                state: "open",
            },
            Outgoing::Error {
                code: "load_failed",
                detail: "HTTP 404".into(),
            },
        ];
        for m in &all {
            let fields = m.fields();
            assert_eq!(fields[0].0, "type");
            assert!(matches!(&fields[0].1, Field::Str(t) if t.starts_with("linli:")));
            assert_eq!(fields[1], ("v", Field::Num(1.0)));
            for (name, _) in &fields {
                assert!(
                    !["lat", "lng", "lon", "origin", "position"].contains(name),
                    "{m:?} has {name}"
                );
            }
        }
        let select = all[2].fields();
        assert!(select.contains(&("route_m", Field::Num(132.0))));
        assert!(select.contains(&("time_s", Field::Null)));
        assert!(all[2].private() && !all[1].private() && !all[0].private() && !all[3].private());
    }

    #[test]
    fn messages_go_to_the_parents_origin_never_anywhere_when_known() {
        let none: Vec<String> = Vec::new();
        let host = "https://portal.example".to_string();
        let other = "https://other.example".to_string();
        // Nothing listed: the parent's origin as the browser gives it.
        assert_eq!(
            delivery(&none, Some(&host), None),
            Delivery::To(vec![host.clone()])
        );
        assert_eq!(
            delivery(&none, None, Some(&host)),
            Delivery::To(vec![host.clone()])
        );
        assert_eq!(delivery(&none, Some("null"), None), Delivery::UnknownParent);
        assert_eq!(delivery(&none, None, Some("")), Delivery::UnknownParent);
        // Listed: only a listed origin, and only if it is the parent's.
        let listed = vec![host.clone(), other.clone()];
        assert_eq!(
            delivery(&listed, Some(&other), Some(&host)),
            Delivery::To(vec![other.clone()])
        );
        assert_eq!(
            delivery(&listed, Some("https://evil.example"), None),
            Delivery::Nowhere
        );
        assert_eq!(
            delivery(&listed, None, Some("https://evil.example")),
            Delivery::To(listed.clone())
        );
        // Commands: from any parent unless origins are listed.
        assert!(accepts(&none, "https://anyone.example"));
        assert!(accepts(&listed, &host));
        assert!(!accepts(&listed, "https://evil.example"));
        assert!(!accepts(&listed, "null"));
    }
}
