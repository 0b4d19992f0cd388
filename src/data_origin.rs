//! Where a data bundle may come from.
//!
//! By default only from the page's own origin: a link such as `?data=https://elsewhere/x.linli`
//! would otherwise show anybody's places, names and phone numbers under this site's address.
//! A deployment that serves bundles from another origin lists it:
//!
//! * at build time: `LINLI_DATA_ORIGINS="https://data.example.org,https://cdn.example.net"`
//!   in the environment of `scripts/build-web.sh` (compiled in);
//! * at run time: a `config.json` served beside `index.html`:
//!   `{"data_origins": ["https://data.example.org"]}` (read only when a link names a bundle on
//!   another origin, so ordinary loads make no extra request).
//!
//! An origin is `scheme://host[:port]`, without a path; `*` is not accepted. A bundle from an
//! origin not listed is refused with a message naming it; the "about this data" panel always
//! shows where the data came from.
//!
//! This module's checks are pure (natively tested); [`permit`] asks the browser to resolve the
//! URL and reads `config.json`.

use std::fmt;

/// The origins listed at build time (`LINLI_DATA_ORIGINS`, comma-separated).
pub const BUILD_ORIGINS: Option<&str> = option_env!("LINLI_DATA_ORIGINS");

/// The runtime allowlist file, relative to the page.
pub const CONFIG_URL: &str = "config.json";

/// Why an allowlist entry is not an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadOrigin {
    /// `*` or another wildcard.
    Wildcard(String),
    /// Not `http://` or `https://`.
    Scheme(String),
    /// It has a path, query or fragment (`https://a.example/data`).
    HasPath(String),
    /// No host, or characters a host cannot have.
    Host(String),
}

impl fmt::Display for BadOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadOrigin::Wildcard(s) => write!(f, "'{s}' is a wildcard; list each origin"),
            BadOrigin::Scheme(s) => write!(f, "'{s}' does not start with https:// or http://"),
            BadOrigin::HasPath(s) => write!(
                f,
                "'{s}' has a path; an origin is only scheme://host[:port]"
            ),
            BadOrigin::Host(s) => write!(f, "'{s}' has no valid host"),
        }
    }
}

/// An origin written as browsers write `location.origin`: lower case, no default port, no
/// trailing slash. `https://Data.Example.org:443/` → `https://data.example.org`.
pub fn normalise_origin(raw: &str) -> Result<String, BadOrigin> {
    let s = raw.trim();
    let short = || s.chars().take(80).collect::<String>();
    if s.contains('*') {
        return Err(BadOrigin::Wildcard(short()));
    }
    let lower = s.to_ascii_lowercase();
    let (scheme, rest) = if let Some(r) = lower.strip_prefix("https://") {
        ("https", r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        ("http", r)
    } else {
        return Err(BadOrigin::Scheme(short()));
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#']) {
        return Err(BadOrigin::HasPath(short()));
    }
    let (host, port) = if rest.starts_with('[') {
        // An IPv6 literal: `[::1]` or `[::1]:9000`.
        let end = rest.find(']').map_or(rest.len(), |i| i + 1);
        let (h, after) = rest.split_at(end);
        match after {
            "" => (h, None),
            _ => (h, Some(after.strip_prefix(':').unwrap_or(after))),
        }
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => match p.parse::<u16>() {
            Ok(n) => Some(n),
            Err(_) => return Err(BadOrigin::Host(short())),
        },
        Some(_) => return Err(BadOrigin::Host(short())),
    };
    let literal = host.starts_with('[') && host.ends_with(']');
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || b"-._".contains(&b) || (literal && b"[]:".contains(&b))
        });
    if !host_ok {
        return Err(BadOrigin::Host(short()));
    }
    let default_port = if scheme == "https" { 443 } else { 80 };
    Ok(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// Parses a comma-separated list of origins (the `LINLI_DATA_ORIGINS` and `parent_origin=`
/// form): the good ones, and a message for each bad one.
pub fn parse_list(list: &str) -> (Vec<String>, Vec<BadOrigin>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for entry in list.split(',').filter(|e| !e.trim().is_empty()) {
        match normalise_origin(entry) {
            Ok(o) if !good.contains(&o) => good.push(o),
            Ok(_) => {}
            Err(e) => bad.push(e),
        }
    }
    (good, bad)
}

/// Why a bundle was not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The bundle is on an origin the deployment does not list.
    Origin {
        /// The bundle's origin.
        origin: String,
        /// Problems found in the allowlists (for the deployer), if any.
        config: Vec<String>,
    },
    /// Not an `http(s)` URL (`data:`, `blob:`, `javascript:`, `file:`…).
    Scheme {
        /// The URL, cut to 80 characters.
        url: String,
    },
}

impl Refusal {
    /// The technical detail shown in small print and sent to the host page.
    pub fn detail(&self) -> String {
        match self {
            Refusal::Origin { origin, config } => {
                let mut s = format!(
                    "data from {origin} is not allowed: only this site's own bundles and origins listed in config.json (data_origins) or at build time (LINLI_DATA_ORIGINS) are loaded"
                );
                for c in config {
                    s.push_str("; ");
                    s.push_str(c);
                }
                s
            }
            Refusal::Scheme { url } => {
                format!("'{url}' is not an http(s) address; bundles are loaded over http(s) only")
            }
        }
    }
}

/// The decision for a resolved bundle URL: its `scheme:` (as `URL.protocol`, e.g. `https:`)
/// and origin, the page's origin, and the allowed origins.
pub fn decide(
    url: &str,
    protocol: &str,
    data_origin: &str,
    page_origin: &str,
    allowed: &[String],
    config_problems: Vec<String>,
) -> Result<(), Refusal> {
    if protocol != "http:" && protocol != "https:" {
        return Err(Refusal::Scheme {
            url: url.chars().take(80).collect(),
        });
    }
    if data_origin == page_origin || allowed.iter().any(|a| a == data_origin) {
        Ok(())
    } else {
        Err(Refusal::Origin {
            origin: data_origin.to_string(),
            config: config_problems,
        })
    }
}

/// A URL resolved against the page: its full form, protocol and origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The absolute URL.
    pub href: String,
    /// `https:`, `http:`, `data:`…
    pub protocol: String,
    /// `https://host[:port]`, or `null` for opaque origins.
    pub origin: String,
}

/// Resolves `url` against the page's address.
pub fn resolve(url: &str) -> Option<Resolved> {
    let base = web_sys::window()?.location().href().ok()?;
    let u = web_sys::Url::new_with_base(url, &base).ok()?;
    Some(Resolved {
        href: u.href(),
        protocol: u.protocol(),
        origin: u.origin(),
    })
}

/// The page's own origin.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Reads `data_origins` from `config.json`: the listed origins and the problems found. A
/// missing file (404) is an empty list, not an error.
async fn config_origins() -> (Vec<String>, Vec<String>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let problem = |p: String| (Vec::new(), vec![p]);
    let Some(window) = web_sys::window() else {
        return (Vec::new(), Vec::new());
    };
    let response = match JsFuture::from(window.fetch_with_str(CONFIG_URL)).await {
        Ok(r) => r.unchecked_into::<web_sys::Response>(),
        Err(_) => return problem(format!("{CONFIG_URL} could not be read")),
    };
    match response.status() {
        404 => return (Vec::new(), Vec::new()),
        s if !response.ok() => return problem(format!("{CONFIG_URL}: HTTP {s}")),
        _ => {}
    }
    let json = match response.json() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    let Ok(json) = json else {
        return problem(format!("{CONFIG_URL} is not valid JSON"));
    };
    let list = js_sys::Reflect::get(&json, &"data_origins".into()).unwrap_or_default();
    if list.is_undefined() {
        return (Vec::new(), Vec::new());
    }
    if !js_sys::Array::is_array(&list) {
        return problem(format!(
            "{CONFIG_URL}: data_origins must be a list of origins"
        ));
    }
    let mut good = Vec::new();
    let mut problems = Vec::new();
    for (i, entry) in js_sys::Array::from(&list).iter().enumerate() {
        match entry.as_string().map(|s| normalise_origin(&s)) {
            Some(Ok(o)) => good.push(o),
            Some(Err(e)) => problems.push(format!("{CONFIG_URL}: data_origins[{i}]: {e}")),
            None => problems.push(format!("{CONFIG_URL}: data_origins[{i}] is not a string")),
        }
    }
    (good, problems)
}

/// May the bundle at `url` be loaded? Its own origin always; another only when listed at build
/// time or in `config.json` (read only in that case).
pub async fn permit(url: &str) -> Result<(), Refusal> {
    let Some(r) = resolve(url) else {
        return Err(Refusal::Scheme {
            url: url.chars().take(80).collect(),
        });
    };
    let page = page_origin();
    // The page's own origin, or not http(s) at all: no allowlist can change the answer.
    if r.origin == page || (r.protocol != "http:" && r.protocol != "https:") {
        return decide(&r.href, &r.protocol, &r.origin, &page, &[], Vec::new());
    }
    let (mut allowed, build_bad) = parse_list(BUILD_ORIGINS.unwrap_or(""));
    let mut problems: Vec<String> = build_bad
        .iter()
        .map(|e| format!("LINLI_DATA_ORIGINS: {e}"))
        .collect();
    let (listed, config_problems) = config_origins().await;
    allowed.extend(listed);
    problems.extend(config_problems);
    decide(&r.href, &r.protocol, &r.origin, &page, &allowed, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_written_as_browsers_write_them() {
        for (raw, want) in [
            ("https://data.example.org", "https://data.example.org"),
            ("HTTPS://Data.Example.ORG/", "https://data.example.org"),
            ("https://data.example.org:443", "https://data.example.org"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost:80", "http://localhost"),
            (
                "https://cdn.example.net:8443/",
                "https://cdn.example.net:8443",
            ),
            ("http://[::1]:9000", "http://[::1]:9000"),
            ("  https://a.example  ", "https://a.example"),
        ] {
            assert_eq!(normalise_origin(raw).as_deref(), Ok(want), "{raw}");
        }
    }

    #[test]
    fn what_is_not_an_origin_is_named() {
        /// A text, and what must be said of it.
        type Case = (&'static str, fn(&BadOrigin) -> bool);
        let cases: [Case; 8] = [
            ("*", |e| matches!(e, BadOrigin::Wildcard(_))),
            ("https://*.example.org", |e| {
                matches!(e, BadOrigin::Wildcard(_))
            }),
            ("data.example.org", |e| matches!(e, BadOrigin::Scheme(_))),
            ("ftp://data.example.org", |e| {
                matches!(e, BadOrigin::Scheme(_))
            }),
            ("https://data.example.org/bundles", |e| {
                matches!(e, BadOrigin::HasPath(_))
            }),
            ("https://a.example?x=1", |e| {
                matches!(e, BadOrigin::HasPath(_))
            }),
            ("https://", |e| matches!(e, BadOrigin::Host(_))),
            ("https://user@evil.example", |e| {
                matches!(e, BadOrigin::Host(_))
            }),
        ];
        for (raw, is) in cases {
            let e = normalise_origin(raw).expect_err(raw);
            assert!(is(&e), "{raw}: {e:?}");
            assert!(e.to_string().contains('\''), "{e}");
        }
        assert!(matches!(
            normalise_origin("https://a.example:99999"),
            Err(BadOrigin::Host(_))
        ));
        assert!(matches!(
            normalise_origin("https://a.example:"),
            Err(BadOrigin::Host(_))
        ));
    }

    #[test]
    fn lists_keep_the_good_and_name_the_bad() {
        let (good, bad) = parse_list(
            "https://a.example, https://A.example/ ,*, b.example,,http://c.example:8080",
        );
        assert_eq!(good, ["https://a.example", "http://c.example:8080"]);
        assert_eq!(bad.len(), 2);
        assert_eq!(parse_list(""), (Vec::new(), Vec::new()));
    }

    #[test]
    fn only_the_own_origin_and_listed_ones_are_allowed() {
        let page = "https://linli.example";
        let listed = vec!["https://data.example.org".to_string()];
        assert_eq!(
            decide(
                "https://linli.example/data/x.linli",
                "https:",
                page,
                page,
                &[],
                Vec::new()
            ),
            Ok(())
        );
        assert_eq!(
            decide(
                "https://data.example.org/f.linli",
                "https:",
                "https://data.example.org",
                page,
                &listed,
                Vec::new()
            ),
            Ok(())
        );
        let refused = decide(
            "https://evil.example/f.linli",
            "https:",
            "https://evil.example",
            page,
            &listed,
            vec!["config.json: data_origins[1]: '*' is a wildcard; list each origin".to_string()],
        )
        .expect_err("foreign");
        assert!(
            matches!(&refused, Refusal::Origin { origin, .. } if origin == "https://evil.example")
        );
        let detail = refused.detail();
        assert!(
            detail.contains("https://evil.example")
                && detail.contains("config.json")
                && detail.contains("wildcard"),
            "{detail}"
        );
        // Another port is another origin.
        assert!(decide(
            "https://linli.example:8443/x",
            "https:",
            "https://linli.example:8443",
            page,
            &[],
            Vec::new()
        )
        .is_err());
        // Opaque and local schemes never load, whatever is listed.
        for (url, protocol) in [
            ("data:application/octet-stream;base64,TElOTEk=", "data:"),
            ("blob:https://linli.example/1", "blob:"),
            ("javascript:alert(1)", "javascript:"),
        ] {
            let r = decide(
                url,
                protocol,
                "null",
                page,
                &["null".to_string()],
                Vec::new(),
            )
            .expect_err(url);
            assert!(matches!(r, Refusal::Scheme { .. }), "{url}");
            assert!(r.detail().contains("not an http(s) address"));
        }
    }
}
