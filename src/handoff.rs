//! Hand-off to navigation apps: a link per app that opens directions to a place, in the
//! coordinate system that app expects, converted by `linli_core::crs` (the code behind
//! `linli build --services-crs`).
//!
//! | app | datum | web link | app scheme (phones) |
//! |---|---|---|---|
//! | Amap 高德 | GCJ-02 (`coordinate=gaode`, `dev=0`) | `uri.amap.com/navigation` | `amapuri://route/plan/` (Android), `iosamap://path` (iOS) |
//! | Baidu 百度 | BD-09 (`coord_type=bd09ll`) | `api.map.baidu.com/direction` (or `/marker` without a start) | `baidumap://map/direction` |
//! | Tencent 腾讯 | GCJ-02 | `apis.map.qq.com/uri/v1/routeplan` | `qqmap://map/routeplan` |
//! | Apple Maps | GCJ-02 (Apple's map of China is drawn in GCJ-02) | `maps.apple.com/?daddr=` (opens the app on iOS) | none |
//! | other (`geo:`) | WGS-84 (RFC 5870) | none | `geo:lat,lng?q=…` |
//!
//! Travel mode: walking for walk and step-free (no app offers a step-free route), riding for the
//! e-bike. The start is the chosen starting point when the user chose one on the map or a
//! link gave it; with the device's own location (or none) the start is left out, so the app
//! uses its live position and the coordinates stay on the phone.
//!
//! On a phone the app's own scheme is tried first; the page falls back to the web link when
//! the app does not open (`components/handoff_links.rs`).

use linli_core::crs::{from_wgs84, Crs};
use linli_core::decimal::Fixed;
use linli_core::{LngLat, Mode};

/// A navigation app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// 高德地图.
    Amap,
    /// 百度地图.
    Baidu,
    /// 腾讯地图.
    Tencent,
    /// Apple Maps.
    Apple,
    /// Whatever app handles `geo:` URIs.
    Geo,
}

impl Provider {
    /// Every provider, in the order shown.
    pub const ALL: [Provider; 5] = [
        Provider::Amap,
        Provider::Baidu,
        Provider::Tencent,
        Provider::Apple,
        Provider::Geo,
    ];

    /// `amap`, `baidu`, `tencent`, `apple`, `geo` (for `data-testid="{code}-link"`).
    pub const fn code(self) -> &'static str {
        match self {
            Provider::Amap => "amap",
            Provider::Baidu => "baidu",
            Provider::Tencent => "tencent",
            Provider::Apple => "apple",
            Provider::Geo => "geo",
        }
    }

    /// The coordinate system the app expects.
    pub const fn crs(self) -> Crs {
        match self {
            Provider::Amap | Provider::Tencent | Provider::Apple => Crs::Gcj02,
            Provider::Baidu => Crs::Bd09,
            Provider::Geo => Crs::Wgs84,
        }
    }
}

/// The phone's system, for the app schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Android.
    Android,
    /// iPhone or iPad.
    Ios,
    /// A desktop or anything else: web links only.
    Other,
}

impl Platform {
    /// From `navigator.userAgent` and `navigator.maxTouchPoints` (iPadOS reports a Mac).
    pub fn detect(user_agent: &str, touch_points: i32) -> Platform {
        // A plain byte search: `str::contains` would link a substring searcher into the wasm
        // for these few short words.
        let has = |word: &str| {
            user_agent
                .as_bytes()
                .windows(word.len())
                .any(|w| w == word.as_bytes())
        };
        if has("Android") {
            Platform::Android
        } else if has("iPhone")
            || has("iPad")
            || has("iPod")
            || (has("Macintosh") && touch_points > 1)
        {
            Platform::Ios
        } else {
            Platform::Other
        }
    }
}

/// One end of the trip: where (WGS-84) and its name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct End<'a> {
    /// The point, WGS-84.
    pub at: LngLat,
    /// Its name, as shown in the app.
    pub name: &'a str,
}

/// The links to one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The app.
    pub provider: Provider,
    /// The link every browser can follow (`geo:` for [`Provider::Geo`]).
    pub web: String,
    /// The app's own scheme on this platform, tried first on a phone.
    pub app: Option<String>,
}

/// Percent-encodes everything but the unreserved characters (names may hold `,`, `|`, `&`).
fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// The point in `crs`, 6 decimals (about 0.1 m), as (lng, lat) strings.
fn coords(p: LngLat, crs: Crs) -> (String, String) {
    let (lng, lat) = from_wgs84(crs, p.lng, p.lat);
    (Fixed(lng, 6).to_string(), Fixed(lat, 6).to_string())
}

/// Replaces each `{key}` of `template` by its value in `vars` (templates keep the URLs
/// readable here, and small in the wasm).
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 96);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            rest = &rest[open..];
            break;
        };
        let key = &after[..close];
        if let Some((_, v)) = vars.iter().find(|(k, _)| *k == key) {
            out.push_str(v);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

// The links, with `{lng}`, `{lat}`, `{name}` of the place and `{flng}`, `{flat}`, `{fname}` of
// the start, in the app's datum. Amap: t=2 walking, t=3 riding; dev=0: already GCJ-02.
const AMAP_WEB: &str = "https://uri.amap.com/navigation?{amap_from}to={lng},{lat},{name}&mode={amap_mode}&policy=1&src=linli&coordinate=gaode&callnative=1";
const AMAP_FROM: &str = "from={flng},{flat},{fname}&";
const AMAP_ANDROID: &str = "amapuri://route/plan/?{amap_query}";
const AMAP_IOS: &str = "iosamap://path?{amap_query}";
const AMAP_QUERY: &str =
    "sourceApplication=linli&{amap_start}dlat={lat}&dlon={lng}&dname={name}&dev=0&t={amap_t}";
const AMAP_START: &str = "slat={flat}&slon={flng}&sname={fname}&";
// Baidu's web page needs a start for directions; without one it shows the place, with
// Baidu's own "go here" button.
const BAIDU_WEB: &str = "https://api.map.baidu.com/direction?{baidu_origin}destination=latlng:{lat},{lng}|name:{name}&mode={baidu_mode}&coord_type=bd09ll&output=html&src=webapp.linli.finder";
const BAIDU_PLACE: &str = "https://api.map.baidu.com/marker?location={lat},{lng}&title={name}&content={name}&coord_type=bd09ll&output=html&src=webapp.linli.finder";
const BAIDU_APP: &str = "baidumap://map/direction?{baidu_origin}destination=latlng:{lat},{lng}|name:{name}&coord_type=bd09ll&mode={baidu_mode}&src={os}.linli.finder";
const BAIDU_ORIGIN: &str = "origin=latlng:{flat},{flng}|name:{fname}&";
const TENCENT_WEB: &str = "https://apis.map.qq.com/uri/v1/routeplan?{tencent_query}";
const TENCENT_APP: &str = "qqmap://map/routeplan?{tencent_query}";
const TENCENT_QUERY: &str =
    "type={tencent_mode}&{tencent_start}&to={name}&tocoord={lat},{lng}&referer=linli";
const TENCENT_START: &str = "from={fname}&fromcoord={flat},{flng}";
// Apple's links have no riding mode: the e-bike leaves the choice to the app.
const APPLE_WEB: &str =
    "https://maps.apple.com/?{apple_start}daddr={lat},{lng}&q={name}{apple_flag}";
const APPLE_START: &str = "saddr={flat},{flng}&";
const GEO: &str = "geo:{lat},{lng}?q={lat},{lng}({name})";

/// The links to `provider` for a trip to `to`, from `from` when the user chose a start.
pub fn link(
    provider: Provider,
    to: End,
    from: Option<End>,
    mode: Mode,
    platform: Platform,
) -> Link {
    let crs = provider.crs();
    let (lng, lat) = coords(to.at, crs);
    let name = encode(to.name);
    let (flng, flat, fname) = match from {
        Some(f) => {
            let (a, b) = coords(f.at, crs);
            (a, b, encode(f.name))
        }
        None => Default::default(),
    };
    let ride = mode == Mode::Ebike;
    let mut vars: Vec<(&str, &str)> = vec![
        ("lng", &lng),
        ("lat", &lat),
        ("name", &name),
        ("flng", &flng),
        ("flat", &flat),
        ("fname", &fname),
        (
            "os",
            if platform == Platform::Ios {
                "ios"
            } else {
                "andr"
            },
        ),
        ("amap_mode", if ride { "ride" } else { "walk" }),
        ("amap_t", if ride { "3" } else { "2" }),
        ("baidu_mode", if ride { "riding" } else { "walking" }),
        ("tencent_mode", if ride { "bike" } else { "walk" }),
        ("apple_flag", if ride { "" } else { "&dirflg=w" }),
    ];
    let start = |t: &str| {
        if from.is_some() {
            fill(t, &vars)
        } else {
            String::new()
        }
    };
    let segments = [
        ("amap_from", start(AMAP_FROM)),
        ("amap_start", start(AMAP_START)),
        ("baidu_origin", start(BAIDU_ORIGIN)),
        (
            "tencent_start",
            if from.is_some() {
                fill(TENCENT_START, &vars)
            } else {
                "fromcoord=CurrentLocation".to_string()
            },
        ),
        ("apple_start", start(APPLE_START)),
    ];
    vars.extend(segments.iter().map(|(k, v)| (*k, v.as_str())));
    let amap_query = fill(AMAP_QUERY, &vars);
    let tencent_query = fill(TENCENT_QUERY, &vars);
    vars.push(("amap_query", &amap_query));
    vars.push(("tencent_query", &tencent_query));
    let phone = platform != Platform::Other;
    let (web, app) = match provider {
        Provider::Amap => (
            AMAP_WEB,
            match platform {
                Platform::Android => Some(AMAP_ANDROID),
                Platform::Ios => Some(AMAP_IOS),
                Platform::Other => None,
            },
        ),
        Provider::Baidu => (
            if from.is_some() {
                BAIDU_WEB
            } else {
                BAIDU_PLACE
            },
            phone.then_some(BAIDU_APP),
        ),
        Provider::Tencent => (TENCENT_WEB, phone.then_some(TENCENT_APP)),
        Provider::Apple => (APPLE_WEB, None),
        Provider::Geo => (GEO, None),
    };
    Link {
        provider,
        web: fill(web, &vars),
        app: app.map(|t| fill(t, &vars)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_core::crs::outside_china;

    /// The value of `key` in the query of `url` (raw, not decoded).
    fn param<'a>(url: &'a str, key: &str) -> Option<&'a str> {
        let query = url.split_once('?')?.1;
        query.split('&').find_map(|kv| {
            kv.split_once('=')
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v)
        })
    }

    /// "a,b" → (a, b) as numbers.
    fn pair(s: &str) -> (f64, f64) {
        let mut it = s.split(',').map(|x| x.parse::<f64>().expect("number"));
        (it.next().expect("first"), it.next().expect("second"))
    }

    /// The expected coordinates in the provider's datum, rounded as written (6 decimals).
    fn expected(p: LngLat, crs: Crs) -> (f64, f64) {
        let (lng, lat) = from_wgs84(crs, p.lng, p.lat);
        let r = |v: f64| format!("{v:.6}").parse::<f64>().expect("number");
        (r(lng), r(lat))
    }

    #[track_caller]
    fn assert_at(what: &str, got: (f64, f64), want: (f64, f64)) {
        assert!(
            (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9,
            "{what}: got {got:?}, want {want:?}"
        );
    }

    /// Places: Futian (the sample), Beijing, Urumqi (far west, inside the conversion box),
    /// just inside its east edge (137.83 E), and just outside it in Japan (137.90 E), where
    /// GCJ-02 equals WGS-84.
    fn places() -> Vec<(&'static str, LngLat)> {
        vec![
            ("futian", LngLat::new(114.0235, 22.5405)),
            ("beijing", LngLat::new(116.404, 39.915)),
            ("urumqi", LngLat::new(87.62, 43.83)),
            ("inside east edge", LngLat::new(137.83, 35.1)),
            ("outside east edge", LngLat::new(137.90, 35.1)),
        ]
    }

    /// A provider, and the (lng, lat) of the destination and of the start written in its link.
    type Written = (&'static str, Option<(f64, f64)>, Option<(f64, f64)>);

    /// The (lng, lat) of the destination and the start written in each link, per provider.
    fn written(l: &Link) -> Vec<Written> {
        let web = l.web.as_str();
        let app = l.app.as_deref().unwrap_or("");
        let lng_lat = |s: &str| {
            let mut it = s.split(',');
            let lng = it.next().expect("lng").parse::<f64>().expect("lng");
            let lat = it.next().expect("lat").parse::<f64>().expect("lat");
            (lng, lat)
        };
        let lat_lng = |s: &str| {
            let (lat, lng) = pair(s);
            (lng, lat)
        };
        let latlng_field = |s: &str| {
            let v = s.strip_prefix("latlng:").expect("latlng:");
            lat_lng(v.split('|').next().expect("value"))
        };
        let num = |url: &str, k: &str| param(url, k).map(|v| v.parse::<f64>().expect("number"));
        match l.provider {
            Provider::Amap => vec![
                (
                    "web",
                    param(web, "to").map(lng_lat),
                    param(web, "from").map(lng_lat),
                ),
                (
                    "app",
                    num(app, "dlon").zip(num(app, "dlat")),
                    num(app, "slon").zip(num(app, "slat")),
                ),
            ],
            Provider::Baidu => vec![
                (
                    "web",
                    param(web, "destination")
                        .map(latlng_field)
                        .or_else(|| param(web, "location").map(lat_lng)),
                    param(web, "origin").map(latlng_field),
                ),
                (
                    "app",
                    param(app, "destination").map(latlng_field),
                    param(app, "origin").map(latlng_field),
                ),
            ],
            Provider::Tencent => vec![
                (
                    "web",
                    param(web, "tocoord").map(lat_lng),
                    param(web, "fromcoord")
                        .filter(|v| *v != "CurrentLocation")
                        .map(lat_lng),
                ),
                (
                    "app",
                    param(app, "tocoord").map(lat_lng),
                    param(app, "fromcoord")
                        .filter(|v| *v != "CurrentLocation")
                        .map(lat_lng),
                ),
            ],
            Provider::Apple => vec![(
                "web",
                param(web, "daddr").map(lat_lng),
                param(web, "saddr").map(lat_lng),
            )],
            Provider::Geo => {
                let body = web.strip_prefix("geo:").expect("geo:");
                vec![(
                    "web",
                    Some(lat_lng(body.split('?').next().expect("coords"))),
                    None,
                )]
            }
        }
    }

    #[test]
    fn every_link_carries_the_converted_coordinates_of_both_ends() {
        for (to_name, to) in places() {
            let start = LngLat::new(to.lng - 0.004, to.lat + 0.003);
            for provider in Provider::ALL {
                for platform in [Platform::Android, Platform::Ios] {
                    for from in [
                        None,
                        Some(End {
                            at: start,
                            name: "起点",
                        }),
                    ] {
                        let l = link(
                            provider,
                            End {
                                at: to,
                                name: "车公庙驿站",
                            },
                            from,
                            Mode::Walk,
                            platform,
                        );
                        for (which, dest, origin) in written(&l) {
                            let what = format!(
                                "{provider:?} {which} to {to_name} ({platform:?}, start {})",
                                from.is_some()
                            );
                            assert_at(
                                &what,
                                dest.unwrap_or_else(|| panic!("{what}: no destination in {l:?}")),
                                expected(to, provider.crs()),
                            );
                            match (from, origin) {
                                (Some(f), Some(o)) => assert_at(
                                    &format!("{what}: start"),
                                    o,
                                    expected(f.at, provider.crs()),
                                ),
                                (None, None) => {}
                                // Apple and geo: have no start in the app link.
                                (Some(_), None) if which == "app" || provider == Provider::Geo => {}
                                (f, o) => panic!("{what}: start {f:?} written as {o:?}: {l:?}"),
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_datum_is_the_apps_own_and_shifts_only_inside_china() {
        for (name, p) in places() {
            let gcj = expected(p, Crs::Gcj02);
            let wgs = expected(p, Crs::Wgs84);
            let amap = link(
                Provider::Amap,
                End { at: p, name: "x" },
                None,
                Mode::Walk,
                Platform::Other,
            );
            let to = param(&amap.web, "to").expect("to");
            let (lng, lat) = pair(&to[..to.rfind(',').expect("name")]);
            assert_at(name, (lng, lat), gcj);
            if outside_china(p.lng, p.lat) {
                assert_eq!(gcj, wgs, "{name}: no shift outside China");
            } else {
                // Hundreds of metres in China: far more than the 6th decimal.
                assert!(
                    (gcj.0 - wgs.0).abs() > 1e-4 || (gcj.1 - wgs.1).abs() > 1e-4,
                    "{name}"
                );
            }
            // Baidu: BD-09 is GCJ-02 plus its own offset, everywhere.
            let bd = expected(p, Crs::Bd09);
            assert!(
                (bd.0 - gcj.0).abs() > 1e-4,
                "{name}: BD-09 differs from GCJ-02"
            );
        }
        assert!(!outside_china(137.83, 35.1) && outside_china(137.90, 35.1));
    }

    #[test]
    fn modes_schemes_and_names() {
        let to = End {
            at: LngLat::new(114.0235, 22.5405),
            name: "东海 长者食堂, A&B|C",
        };
        let ride = link(Provider::Amap, to, None, Mode::Ebike, Platform::Android);
        assert!(ride.web.contains("&mode=ride&"), "{}", ride.web);
        assert!(ride.web.contains("coordinate=gaode"));
        let app = ride.app.expect("amap app");
        assert!(
            app.starts_with("amapuri://route/plan/?sourceApplication=linli&dlat="),
            "{app}"
        );
        assert!(app.ends_with("&dev=0&t=3"), "{app}");
        assert!(
            !app.contains("slat"),
            "no start: the app uses its own location"
        );
        let walk = link(Provider::Amap, to, None, Mode::StepFree, Platform::Ios);
        assert!(walk.web.contains("&mode=walk&"));
        assert!(walk
            .app
            .expect("ios")
            .starts_with("iosamap://path?sourceApplication=linli&"));
        assert_eq!(
            link(Provider::Amap, to, None, Mode::Walk, Platform::Other).app,
            None
        );
        // The name is encoded whole: its comma, ampersand and bar cannot split the fields.
        assert!(
            walk.web.contains(
                "%E4%B8%9C%E6%B5%B7%20%E9%95%BF%E8%80%85%E9%A3%9F%E5%A0%82%2C%20A%26B%7CC&mode"
            ),
            "{}",
            walk.web
        );

        let baidu = link(
            Provider::Baidu,
            to,
            Some(End {
                at: LngLat::new(114.02, 22.535),
                name: "起点",
            }),
            Mode::Ebike,
            Platform::Android,
        );
        assert!(
            baidu
                .web
                .starts_with("https://api.map.baidu.com/direction?origin=latlng:"),
            "{}",
            baidu.web
        );
        assert!(baidu.web.contains("&mode=riding&coord_type=bd09ll&"));
        assert!(baidu
            .app
            .expect("baidu app")
            .starts_with("baidumap://map/direction?origin=latlng:"));
        let baidu_alone = link(Provider::Baidu, to, None, Mode::Walk, Platform::Ios);
        assert!(baidu_alone
            .web
            .starts_with("https://api.map.baidu.com/marker?location="));
        let app = baidu_alone.app.expect("baidu ios");
        assert!(
            app.starts_with("baidumap://map/direction?destination=latlng:")
                && app.ends_with("&src=ios.linli.finder"),
            "{app}"
        );

        let tencent = link(Provider::Tencent, to, None, Mode::Ebike, Platform::Android);
        assert!(
            tencent.web.starts_with(
                "https://apis.map.qq.com/uri/v1/routeplan?type=bike&fromcoord=CurrentLocation&to="
            ),
            "{}",
            tencent.web
        );
        assert!(tencent
            .app
            .expect("qq")
            .starts_with("qqmap://map/routeplan?type=bike&"));

        let apple = link(Provider::Apple, to, None, Mode::Walk, Platform::Ios);
        assert!(
            apple.web.starts_with("https://maps.apple.com/?daddr=")
                && apple.web.ends_with("&dirflg=w"),
            "{}",
            apple.web
        );
        assert_eq!(apple.app, None, "maps.apple.com opens the app itself");

        let geo = link(Provider::Geo, to, None, Mode::Walk, Platform::Android);
        assert!(
            geo.web
                .starts_with("geo:22.540500,114.023500?q=22.540500,114.023500("),
            "{}",
            geo.web
        );
    }

    #[test]
    fn platforms_from_the_user_agent() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
        let ipad_desktop = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15";
        assert_eq!(Platform::detect(android, 5), Platform::Android);
        assert_eq!(Platform::detect(iphone, 5), Platform::Ios);
        assert_eq!(Platform::detect(ipad_desktop, 5), Platform::Ios);
        assert_eq!(Platform::detect(ipad_desktop, 0), Platform::Other);
        assert_eq!(
            Platform::detect("Mozilla/5.0 (X11; Linux x86_64)", 0),
            Platform::Other
        );
    }
}
