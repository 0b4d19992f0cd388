//! Coordinate reference systems used by web maps of Chinese cities, and the
//! conversions between them.
//!
//! Three systems matter for a map of a Chinese city:
//!
//! * **WGS-84** — the global datum GPS receivers report and OpenStreetMap,
//!   `GeoJSON` and most non-Chinese services use.
//! * **GCJ-02** ("Mars coordinates", 国测局坐标) — the obfuscated datum that
//!   Chinese regulations require for published maps. Amap (高德), Tencent Maps
//!   (腾讯), Apple Maps inside China and the Google `.cn` tiles use it. It is
//!   WGS-84 plus a smooth, non-linear offset of a few hundred metres, computed
//!   on the Krasovsky 1940 ellipsoid. Outside a rough bounding box of China
//!   (see [`outside_china`]) no offset is applied and GCJ-02 equals WGS-84.
//! * **BD-09** — Baidu Maps' own datum: GCJ-02 with a second, further offset
//!   applied on top. Baidu's SDKs, web API and geocoder use it.
//!
//! The forward directions (WGS-84 → GCJ-02 → BD-09) are closed formulas. The
//! reverse directions have no closed form; this module solves them by
//! fixed-point iteration, so that converting forward and back returns the
//! starting point (see "Accuracy" below) instead of the few-metre error of
//! the one-step approximations many libraries ship.
//!
//! # Units
//!
//! All functions take and return `(lng, lat)` — longitude first, then
//! latitude — in decimal **degrees**. No range checks are performed; NaN in
//! gives NaN (or the input unchanged) out, never a panic.
//!
//! # Accuracy
//!
//! * [`wgs84_to_gcj02`] and [`gcj02_to_bd09`] evaluate the published formulas
//!   and agree with other implementations to about 1e-12 degrees.
//! * [`gcj02_to_wgs84`] and [`bd09_to_gcj02`] iterate until the forward
//!   transform of the result reproduces the input to within 1e-11 degrees
//!   (at most a few iterations; typically 3–5), so round trips are exact to
//!   well under 1e-7 degrees (about 1 cm). They are *not* the one-step
//!   approximations (`gcj - delta(gcj)`), which are off by up to ~5e-5 degrees
//!   (several metres) for GCJ-02 and ~2e-6 degrees for BD-09.
//! * None of this recovers survey-grade WGS-84: the GCJ-02 algorithm used by
//!   everyone outside the Chinese surveying bureau is a public reconstruction
//!   that matches the official one to within roughly a metre.
//!
//! # Example
//!
//! ```
//! use linli_core::crs::{self, Crs};
//!
//! // A GPS fix in Shenzhen (WGS-84) as Amap would draw it (GCJ-02).
//! let (lng, lat) = crs::from_wgs84(Crs::Gcj02, 113.912316, 22.543847);
//! assert!((lng - 113.917176).abs() < 1e-6);
//! assert!((lat - 22.540796).abs() < 1e-6);
//!
//! // And back again.
//! let (lng, lat) = crs::to_wgs84(Crs::Gcj02, lng, lat);
//! assert!((lng - 113.912316).abs() < 1e-7);
//! assert!((lat - 22.543847).abs() < 1e-7);
//!
//! // Names parse case-insensitively.
//! let baidu: Crs = "BD09".parse().unwrap();
//! assert_eq!(baidu, Crs::Bd09);
//! assert_eq!(baidu.to_string(), "bd09");
//! ```

use std::error::Error;
use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

/// A coordinate reference system used by maps of China.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Crs {
    /// WGS-84: GPS, OpenStreetMap, `GeoJSON`.
    #[default]
    Wgs84,
    /// GCJ-02: Amap (高德), Tencent Maps, Apple Maps in China.
    Gcj02,
    /// BD-09: Baidu Maps.
    Bd09,
}

impl Crs {
    /// Every supported system, in a fixed order.
    pub const ALL: [Crs; 3] = [Crs::Wgs84, Crs::Gcj02, Crs::Bd09];

    /// The lowercase name used by [`Display`](fmt::Display) and accepted by
    /// [`FromStr`]: `"wgs84"`, `"gcj02"` or `"bd09"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when parsing a [`Crs`] from an unrecognised name.
///
/// Holds the rejected input verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCrs(pub String);

impl fmt::Display for UnknownCrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown coordinate system '{}': expected wgs84, gcj02 or bd09",
            self.0
        )
    }
}

impl Error for UnknownCrs {}

impl FromStr for Crs {
    type Err = UnknownCrs;

    /// Parses `"wgs84"`, `"gcj02"` or `"bd09"`, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Crs::ALL
            .into_iter()
            .find(|crs| crs.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownCrs(s.to_owned()))
    }
}

/// Converts a point given in `crs` to WGS-84.
///
/// Arguments and result are `(lng, lat)` in degrees. For [`Crs::Wgs84`] the
/// point is returned unchanged.
#[must_use]
pub fn to_wgs84(crs: Crs, lng: f64, lat: f64) -> (f64, f64) {
    match crs {
        Crs::Wgs84 => (lng, lat),
        Crs::Gcj02 => gcj02_to_wgs84(lng, lat),
        Crs::Bd09 => bd09_to_wgs84(lng, lat),
    }
}

/// Converts a WGS-84 point to `crs`.
///
/// Arguments and result are `(lng, lat)` in degrees. For [`Crs::Wgs84`] the
/// point is returned unchanged.
#[must_use]
pub fn from_wgs84(crs: Crs, lng: f64, lat: f64) -> (f64, f64) {
    match crs {
        Crs::Wgs84 => (lng, lat),
        Crs::Gcj02 => wgs84_to_gcj02(lng, lat),
        Crs::Bd09 => wgs84_to_bd09(lng, lat),
    }
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres.
const KRASOVSKY_A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid
/// (0.00669342162296594323, rounded to the nearest `f64`).
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// The angular factor of the BD-09 offset: π · 3000 / 180.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;
/// Constant shift BD-09 adds after its rotation/scaling step, in degrees.
const BD_SHIFT_LNG: f64 = 0.0065;
const BD_SHIFT_LAT: f64 = 0.006;

/// Inverse iterations stop once the forward transform of the estimate is this
/// close (in degrees, per axis) to the target.
const INVERSE_TOLERANCE: f64 = 1e-11;
/// Safety cap on inverse iterations; convergence normally takes 3–5.
const INVERSE_MAX_ITERATIONS: u32 = 30;

// ---------------------------------------------------------------------------
// WGS-84 <-> GCJ-02
// ---------------------------------------------------------------------------

/// Whether a point lies outside the rough bounding box in which GCJ-02 is
/// applied: longitude 72.004–137.8347, latitude 0.8293–55.8271 (inclusive).
///
/// This is the box every public GCJ-02 implementation uses. It is only a
/// rectangle, so it also covers neighbouring countries (e.g. Korea, much of
/// Mongolia and South-East Asia) where real Chinese maps would not shift.
/// NaN coordinates count as outside.
#[must_use]
pub fn outside_china(lng: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lng) || !(0.8293..=55.8271).contains(&lat)
}

/// The raw GCJ-02 offset polynomial in the pseudo-metric units of the public
/// algorithm, for a point relative to (105° E, 35° N). Returns `(dlng, dlat)`.
fn gcj_offset_raw(x: f64, y: f64) -> (f64, f64) {
    // Terms shared by both axes.
    let wave_x = 20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin();
    let root = x.abs().sqrt();

    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root;
    dlat += wave_x * 2.0 / 3.0;
    dlat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y / 30.0 * PI).sin()) * 2.0 / 3.0;

    let mut dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root;
    dlng += wave_x * 2.0 / 3.0;
    dlng += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlng += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;

    (dlng, dlat)
}

/// The GCJ-02 offset in degrees at a WGS-84 point, ignoring the China box.
/// Returns `(dlng, dlat)` such that GCJ-02 = WGS-84 + offset.
fn gcj_offset(lng: f64, lat: f64) -> (f64, f64) {
    let (raw_lng, raw_lat) = gcj_offset_raw(lng - 105.0, lat - 35.0);
    let lat_rad = lat.to_radians();
    let sin_lat = lat_rad.sin();
    let w = 1.0 - KRASOVSKY_EE * sin_lat * sin_lat;
    let sqrt_w = w.sqrt();
    // Meridian radius of curvature M and prime-vertical radius N.
    let meridian = KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (w * sqrt_w);
    let prime_vertical = KRASOVSKY_A / sqrt_w;
    let dlat = (raw_lat * 180.0) / (meridian * PI);
    let dlng = (raw_lng * 180.0) / (prime_vertical * lat_rad.cos() * PI);
    (dlng, dlat)
}

/// Converts WGS-84 `(lng, lat)` (degrees) to GCJ-02, as used by Amap and
/// Tencent Maps.
///
/// Points for which [`outside_china`] is true are returned unchanged.
#[must_use]
pub fn wgs84_to_gcj02(lng: f64, lat: f64) -> (f64, f64) {
    if outside_china(lng, lat) {
        return (lng, lat);
    }
    let (dlng, dlat) = gcj_offset(lng, lat);
    (lng + dlng, lat + dlat)
}

/// Converts GCJ-02 `(lng, lat)` (degrees) back to WGS-84.
///
/// This is the accurate inverse of [`wgs84_to_gcj02`]: starting from the
/// usual one-step estimate it iterates `wgs -= gcj02(wgs) - target` until the
/// residual is below 1e-11 degrees, so `gcj02_to_wgs84(wgs84_to_gcj02(p))`
/// returns `p` to far better than 1e-7 degrees. Points for which
/// [`outside_china`] is true are returned unchanged. Within a few hundred
/// metres of the box edges, where the forward transform itself jumps, the
/// result is whatever the iteration on the unboxed formula gives.
#[must_use]
pub fn gcj02_to_wgs84(lng: f64, lat: f64) -> (f64, f64) {
    if outside_china(lng, lat) {
        return (lng, lat);
    }
    invert(lng, lat, |x, y| {
        let (dlng, dlat) = gcj_offset(x, y);
        (x + dlng, y + dlat)
    })
}

// ---------------------------------------------------------------------------
// GCJ-02 <-> BD-09
// ---------------------------------------------------------------------------

/// Converts GCJ-02 `(lng, lat)` (degrees) to BD-09, as used by Baidu Maps.
///
/// The BD-09 step is applied everywhere (it is a plain formula with no
/// bounding box), matching the common public implementations.
#[must_use]
pub fn gcj02_to_bd09(lng: f64, lat: f64) -> (f64, f64) {
    let radius = lng.hypot(lat) + 0.000_02 * (lat * BD_X_PI).sin();
    let angle = lat.atan2(lng) + 0.000_003 * (lng * BD_X_PI).cos();
    (
        radius * angle.cos() + BD_SHIFT_LNG,
        radius * angle.sin() + BD_SHIFT_LAT,
    )
}

/// Converts BD-09 `(lng, lat)` (degrees) back to GCJ-02.
///
/// The widely copied closed-form reverse formula is only approximate (errors
/// up to about 2e-6 degrees); this function uses it as the starting point and
/// then iterates on [`gcj02_to_bd09`] until the residual is below 1e-11
/// degrees, so BD-09 → GCJ-02 → BD-09 round trips are exact to far better
/// than 1e-7 degrees.
#[must_use]
pub fn bd09_to_gcj02(lng: f64, lat: f64) -> (f64, f64) {
    invert(lng, lat, gcj02_to_bd09)
}

/// Converts WGS-84 `(lng, lat)` (degrees) to BD-09 (via GCJ-02).
#[must_use]
pub fn wgs84_to_bd09(lng: f64, lat: f64) -> (f64, f64) {
    let (g_lng, g_lat) = wgs84_to_gcj02(lng, lat);
    gcj02_to_bd09(g_lng, g_lat)
}

/// Converts BD-09 `(lng, lat)` (degrees) back to WGS-84 (via GCJ-02), using
/// the accurate iterative inverses of both steps.
#[must_use]
pub fn bd09_to_wgs84(lng: f64, lat: f64) -> (f64, f64) {
    let (g_lng, g_lat) = bd09_to_gcj02(lng, lat);
    gcj02_to_wgs84(g_lng, g_lat)
}

// ---------------------------------------------------------------------------
// Inversion
// ---------------------------------------------------------------------------

/// Solves `forward(x, y) == (target_lng, target_lat)` for `(x, y)`.
///
/// Both forward maps here are the identity plus a small, slowly varying
/// offset (its derivative is of order 1e-2 or less), so the fixed-point
/// iteration `p -= forward(p) - target` is a strong contraction: each step
/// gains roughly two decimal digits. The first step, taken from `p = target`,
/// is exactly the classic one-step approximation.
fn invert<F>(target_lng: f64, target_lat: f64, forward: F) -> (f64, f64)
where
    F: Fn(f64, f64) -> (f64, f64),
{
    let (mut x, mut y) = (target_lng, target_lat);
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (f_lng, f_lat) = forward(x, y);
        let (err_lng, err_lat) = (f_lng - target_lng, f_lat - target_lat);
        x -= err_lng;
        y -= err_lat;
        if err_lng.abs() < INVERSE_TOLERANCE && err_lat.abs() < INVERSE_TOLERANCE {
            break;
        }
    }
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that two `(lng, lat)` pairs agree within `tol` degrees per axis.
    #[track_caller]
    fn assert_close(what: &str, got: (f64, f64), want: (f64, f64), tol: f64) {
        let (d_lng, d_lat) = ((got.0 - want.0).abs(), (got.1 - want.1).abs());
        assert!(
            d_lng <= tol && d_lat <= tol,
            "{what}: got ({:.12}, {:.12}), want ({:.12}, {:.12}), \
             diff ({d_lng:.3e}, {d_lat:.3e}) > {tol:e}",
            got.0,
            got.1,
            want.0,
            want.1,
        );
    }

    // -----------------------------------------------------------------------
    // (1) Known pairs from public test files
    // -----------------------------------------------------------------------

    /// A named pair of points: (source label, from (lng, lat), to (lng, lat)).
    type Pair = (&'static str, (f64, f64), (f64, f64));

    /// WGS-84 -> GCJ-02 pairs, each as ((wgs lng, wgs lat), (gcj lng, gcj lat)).
    const WGS_GCJ_PAIRS: [Pair; 4] = [
        // googollee/eviltransform, go/transform_test.go (same in python/test.py),
        // "shanghai"; stored there as (wgsLat, wgsLng, gcjLat, gcjLng).
        (
            "eviltransform shanghai",
            (121.5272106, 31.1774276),
            (121.531541859215, 31.17530398364597),
        ),
        // googollee/eviltransform, go/transform_test.go (same in python/test.py),
        // "shenzhen".
        (
            "eviltransform shenzhen",
            (113.912316, 22.543847),
            (113.9171764808363, 22.540796131694766),
        ),
        // googollee/eviltransform, go/transform_test.go (same in python/test.py),
        // "beijing".
        (
            "eviltransform beijing",
            (116.377817, 39.911954),
            (116.38404722455657, 39.91334545536069),
        ),
        // wandergis/coordtransform, README.md: wgs84togcj02(116.404, 39.915).
        (
            "coordtransform wgs84togcj02",
            (116.404, 39.915),
            (116.41024449916938, 39.91640428150164),
        ),
    ];

    /// GCJ-02 -> BD-09 pairs, each as ((gcj lng, gcj lat), (bd lng, bd lat)).
    const GCJ_BD_PAIRS: [Pair; 4] = [
        // wandergis/coordtransform, README.md: gcj02tobd09(116.404, 39.915).
        (
            "coordtransform gcj02tobd09",
            (116.404, 39.915),
            (116.41036949371029, 39.92133699351021),
        ),
        // hujiulong/gcoord, test/fixtures/china-cities.json, entry
        // 深圳市 / 福田区 (Shenzhen, Futian), coords.GCJ02 -> coords.BD09.
        (
            "gcoord shenzhen futian",
            (114.0578659, 22.5431014),
            (114.064418, 22.5487584),
        ),
        // hujiulong/gcoord, test/fixtures/china-cities.json, entry
        // 广州市 / 越秀区 (Guangzhou, Yuexiu), coords.GCJ02 -> coords.BD09.
        (
            "gcoord guangzhou yuexiu",
            (113.2643859, 23.1291146),
            (113.2708188, 23.135343),
        ),
        // hujiulong/gcoord, test/unit/crs/GCJ02.spec.js (2018 revisions
        // cf7f70bb / 42ea29df): GCJ02.to.BD09([123, 45]).
        (
            "gcoord GCJ02.spec [123, 45]",
            (123.0, 45.0),
            (123.00636499, 45.00636899),
        ),
    ];

    #[test]
    fn wgs84_to_gcj02_matches_public_vectors() {
        for (name, wgs, gcj) in WGS_GCJ_PAIRS {
            assert_close(name, wgs84_to_gcj02(wgs.0, wgs.1), gcj, 1e-6);
            assert_close(name, from_wgs84(Crs::Gcj02, wgs.0, wgs.1), gcj, 1e-6);
        }
    }

    #[test]
    fn gcj02_to_wgs84_inverts_public_vectors() {
        for (name, wgs, gcj) in WGS_GCJ_PAIRS {
            assert_close(name, gcj02_to_wgs84(gcj.0, gcj.1), wgs, 1e-6);
            assert_close(name, to_wgs84(Crs::Gcj02, gcj.0, gcj.1), wgs, 1e-6);
        }
    }

    #[test]
    fn gcj02_to_wgs84_matches_published_inverse() {
        // hujiulong/gcoord, test/unit/crs/GCJ02.spec.js (2018 revisions
        // cf7f70bb / 42ea29df): GCJ02.to.WGS84([123, 45]).
        assert_close(
            "gcoord GCJ02.spec to WGS84",
            gcj02_to_wgs84(123.0, 45.0),
            (122.99395597, 44.99804071),
            1e-6,
        );
    }

    #[test]
    fn gcj02_to_bd09_matches_public_vectors() {
        for (name, gcj, bd) in GCJ_BD_PAIRS {
            assert_close(name, gcj02_to_bd09(gcj.0, gcj.1), bd, 1e-6);
        }
    }

    #[test]
    fn bd09_to_gcj02_inverts_public_vectors() {
        for (name, gcj, bd) in GCJ_BD_PAIRS {
            assert_close(name, bd09_to_gcj02(bd.0, bd.1), gcj, 1e-6);
        }
    }

    #[test]
    fn bd09_inverse_matches_published_values() {
        // These sources compute BD-09 -> GCJ-02 with the one-step closed form,
        // which is up to ~1e-6 degrees off the exact inverse used here; they
        // still agree within the 1e-6 tolerance.

        // wandergis/coordtransform, README.md: bd09togcj02(116.404, 39.915).
        assert_close(
            "coordtransform bd09togcj02",
            bd09_to_gcj02(116.404, 39.915),
            (116.39762729119315, 39.90865673957631),
            1e-6,
        );
        // hujiulong/gcoord, test/unit/crs/BD09.spec.js (2018 revisions
        // cf7f70bb / 42ea29df): BD09.to.GCJ02([123, 45]).
        assert_close(
            "gcoord BD09.spec to GCJ02",
            bd09_to_gcj02(123.0, 45.0),
            (122.99363304, 44.99365430),
            1e-6,
        );
        // Same file: BD09.to.WGS84([123, 45]).
        assert_close(
            "gcoord BD09.spec to WGS84",
            bd09_to_wgs84(123.0, 45.0),
            (122.98762210, 44.99171540),
            1e-6,
        );
        assert_close(
            "gcoord BD09.spec to WGS84 via to_wgs84",
            to_wgs84(Crs::Bd09, 123.0, 45.0),
            (122.98762210, 44.99171540),
            1e-6,
        );
    }

    #[test]
    fn wgs84_to_bd09_shenzhen_composes_both_steps() {
        // eviltransform's Shenzhen WGS-84 point, carried on to BD-09.
        let (wgs, gcj) = (WGS_GCJ_PAIRS[1].1, WGS_GCJ_PAIRS[1].2);
        let bd = gcj02_to_bd09(gcj.0, gcj.1);
        assert_close("wgs84_to_bd09", wgs84_to_bd09(wgs.0, wgs.1), bd, 1e-9);
        assert_close("from_wgs84", from_wgs84(Crs::Bd09, wgs.0, wgs.1), bd, 1e-9);
        assert_close("bd09_to_wgs84", bd09_to_wgs84(bd.0, bd.1), wgs, 1e-7);
    }

    // -----------------------------------------------------------------------
    // (2) Round trips over a grid across China
    // -----------------------------------------------------------------------

    /// A deterministic grid over mainland China and its coast, kept a little
    /// inside the GCJ-02 box so the forward shift never leaves it. Offsets
    /// are irrational-looking so points do not sit on the polynomial's nodes,
    /// but whole degrees (including the 105° E singular line of `sqrt|x|`)
    /// are covered too.
    fn china_grid() -> Vec<(f64, f64)> {
        let mut points = Vec::new();
        for i in 0..=125_u32 {
            for j in 0..=100_u32 {
                let lng = 73.0 + 0.5 * f64::from(i);
                let lat = 3.0 + 0.5 * f64::from(j);
                points.push((lng, lat));
                points.push((lng + 0.123_456_7, lat + 0.376_543_21));
            }
        }
        points
    }

    #[test]
    fn wgs_gcj_round_trip_on_grid() {
        let mut worst = 0.0_f64;
        for (lng, lat) in china_grid() {
            assert!(!outside_china(lng, lat));
            let (g_lng, g_lat) = wgs84_to_gcj02(lng, lat);
            let back = gcj02_to_wgs84(g_lng, g_lat);
            assert_close("wgs->gcj->wgs", back, (lng, lat), 1e-7);
            worst = worst.max((back.0 - lng).abs()).max((back.1 - lat).abs());
        }
        println!("wgs->gcj->wgs worst error: {worst:e} deg");
    }

    #[test]
    fn gcj_bd_round_trip_on_grid() {
        let mut worst = 0.0_f64;
        for (lng, lat) in china_grid() {
            let (b_lng, b_lat) = gcj02_to_bd09(lng, lat);
            let back = bd09_to_gcj02(b_lng, b_lat);
            assert_close("gcj->bd->gcj", back, (lng, lat), 1e-7);
            worst = worst.max((back.0 - lng).abs()).max((back.1 - lat).abs());
        }
        println!("gcj->bd->gcj worst error: {worst:e} deg");
    }

    #[test]
    fn wgs_bd_round_trip_on_grid() {
        for (lng, lat) in china_grid() {
            let (b_lng, b_lat) = from_wgs84(Crs::Bd09, lng, lat);
            assert_close(
                "wgs->bd->wgs",
                to_wgs84(Crs::Bd09, b_lng, b_lat),
                (lng, lat),
                1e-7,
            );
        }
    }

    #[test]
    fn inverse_is_better_than_one_step_approximation() {
        // Sanity check that the iteration actually does something: at the
        // eviltransform Beijing point the one-step inverse is off by > 1e-6.
        let (wgs, gcj) = (WGS_GCJ_PAIRS[2].1, WGS_GCJ_PAIRS[2].2);
        let (dlng, dlat) = gcj_offset(gcj.0, gcj.1);
        let one_step = (gcj.0 - dlng, gcj.1 - dlat);
        let one_step_err = (one_step.0 - wgs.0).abs().max((one_step.1 - wgs.1).abs());
        assert!(one_step_err > 1e-6, "one-step error {one_step_err:e}");
        assert_close("exact", gcj02_to_wgs84(gcj.0, gcj.1), wgs, 1e-9);
    }

    // -----------------------------------------------------------------------
    // (3) Outside China
    // -----------------------------------------------------------------------

    #[test]
    fn outside_china_box() {
        // Clearly inside: Shenzhen, Beijing, Urumqi, Harbin.
        for (lng, lat) in [
            (114.06, 22.54),
            (116.40, 39.91),
            (87.62, 43.83),
            (126.53, 45.80),
        ] {
            assert!(!outside_china(lng, lat), "({lng}, {lat})");
        }
        // Outside: London, New York, Sydney, Moscow, edges just beyond.
        for (lng, lat) in [
            (-0.1276, 51.5072),
            (-74.006, 40.7128),
            (151.2093, -33.8688),
            (37.6173, 55.7558),
            (72.0039, 30.0),
            (137.8348, 30.0),
            (100.0, 0.8292),
            (100.0, 55.8272),
            (f64::NAN, 30.0),
        ] {
            assert!(outside_china(lng, lat), "({lng}, {lat})");
        }
        // The box is inclusive.
        assert!(!outside_china(72.004, 0.8293));
        assert!(!outside_china(137.8347, 55.8271));
    }

    #[test]
    fn gcj02_is_identity_outside_china() {
        for (lng, lat) in [
            (-0.1276, 51.5072),
            (-74.006, 40.7128),
            (151.2093, -33.8688),
            (183.0, 45.0), // hujiulong/gcoord GCJ02.spec "not in China" case
            (0.0, 0.0),
        ] {
            assert_eq!(wgs84_to_gcj02(lng, lat), (lng, lat));
            assert_eq!(gcj02_to_wgs84(lng, lat), (lng, lat));
            assert_eq!(from_wgs84(Crs::Gcj02, lng, lat), (lng, lat));
            assert_eq!(to_wgs84(Crs::Gcj02, lng, lat), (lng, lat));
            // BD-09 outside China is just the BD step on top of WGS-84, and
            // still round-trips.
            assert_eq!(wgs84_to_bd09(lng, lat), gcj02_to_bd09(lng, lat));
            let (b_lng, b_lat) = wgs84_to_bd09(lng, lat);
            assert_close(
                "bd round trip",
                bd09_to_wgs84(b_lng, b_lat),
                (lng, lat),
                1e-7,
            );
        }
    }

    #[test]
    fn wgs84_is_identity_everywhere() {
        for (lng, lat) in [(114.06, 22.54), (-0.1276, 51.5072)] {
            assert_eq!(to_wgs84(Crs::Wgs84, lng, lat), (lng, lat));
            assert_eq!(from_wgs84(Crs::Wgs84, lng, lat), (lng, lat));
        }
    }

    #[test]
    fn nan_does_not_panic() {
        let (lng, lat) = bd09_to_wgs84(f64::NAN, 30.0);
        assert!(lng.is_nan() && lat.is_nan());
        let (lng, lat) = gcj02_to_wgs84(114.0, f64::NAN);
        assert_eq!(lng.to_bits(), 114.0_f64.to_bits());
        assert!(lat.is_nan());
    }

    // -----------------------------------------------------------------------
    // (4) FromStr / Display
    // -----------------------------------------------------------------------

    #[test]
    fn parse_names_case_insensitively() {
        assert_eq!("wgs84".parse::<Crs>(), Ok(Crs::Wgs84));
        assert_eq!("WGS84".parse::<Crs>(), Ok(Crs::Wgs84));
        assert_eq!("gcj02".parse::<Crs>(), Ok(Crs::Gcj02));
        assert_eq!("GcJ02".parse::<Crs>(), Ok(Crs::Gcj02));
        assert_eq!("bd09".parse::<Crs>(), Ok(Crs::Bd09));
        assert_eq!("BD09".parse::<Crs>(), Ok(Crs::Bd09));
    }

    #[test]
    fn parse_rejects_unknown_names() {
        for bad in ["", "wgs-84", "epsg:4326", " gcj02", "bd09mc", "mars"] {
            let err = bad.parse::<Crs>().expect_err(bad);
            assert_eq!(err, UnknownCrs(bad.to_owned()));
        }
        let err = "mars".parse::<Crs>().expect_err("mars");
        assert_eq!(
            err.to_string(),
            "unknown coordinate system 'mars': expected wgs84, gcj02 or bd09"
        );
        // Usable as a boxed std error.
        let boxed: Box<dyn Error> = Box::new(err);
        assert!(boxed.to_string().starts_with("unknown coordinate system"));
    }

    #[test]
    fn display_round_trips_through_from_str() {
        assert_eq!(Crs::Wgs84.to_string(), "wgs84");
        assert_eq!(Crs::Gcj02.to_string(), "gcj02");
        assert_eq!(Crs::Bd09.to_string(), "bd09");
        for crs in Crs::ALL {
            assert_eq!(crs.to_string().parse::<Crs>(), Ok(crs));
            assert_eq!(crs.as_str(), crs.to_string());
        }
        assert_eq!(Crs::default(), Crs::Wgs84);
    }
}
