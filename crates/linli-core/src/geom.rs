//! Coordinates and the little geometry Linli needs: fixed-point storage, great-circle distance,
//! and a local flat projection for snapping a point onto a polyline.
//!
//! # Units
//! Longitudes and latitudes are WGS-84 degrees; stored coordinates are integer micro-degrees
//! (1e-6°, about 11 cm); distances are metres.

use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

/// Micro-degrees per degree: the bundle stores coordinates as `round(deg * 1e6)`.
pub const E6: f64 = 1_000_000.0;

/// A WGS-84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LngLat {
    /// Longitude, degrees east.
    pub lng: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

impl LngLat {
    /// A position from longitude and latitude in degrees.
    pub const fn new(lng: f64, lat: f64) -> Self {
        Self { lng, lat }
    }

    /// Is this a finite position on Earth?
    pub fn is_valid(self) -> bool {
        self.lng.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lng)
            && (-90.0..=90.0).contains(&self.lat)
    }

    /// The fixed-point form stored in bundles.
    pub fn to_e6(self) -> [i32; 2] {
        [to_e6(self.lng), to_e6(self.lat)]
    }

    /// From the fixed-point form.
    pub fn from_e6(p: [i32; 2]) -> Self {
        Self::new(f64::from(p[0]) / E6, f64::from(p[1]) / E6)
    }

    /// Great-circle (haversine) distance in metres.
    ///
    /// ```
    /// use linli_core::geom::LngLat;
    /// // One degree of latitude is about 111.2 km.
    /// let d = LngLat::new(114.0, 22.0).distance_m(LngLat::new(114.0, 23.0));
    /// assert!((d - 111_195.0).abs() < 10.0);
    /// ```
    pub fn distance_m(self, other: LngLat) -> f64 {
        Haversine.distance(
            Point::new(self.lng, self.lat),
            Point::new(other.lng, other.lat),
        )
    }
}

/// Degrees to micro-degrees, rounded to nearest. Callers pass valid coordinates (|x| ≤ 180),
/// which always fit.
#[allow(clippy::cast_possible_truncation)]
pub fn to_e6(deg: f64) -> i32 {
    (deg * E6).round() as i32
}

/// A rectangle in WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    /// South-west corner.
    pub min: LngLat,
    /// North-east corner.
    pub max: LngLat,
}

impl BBox {
    /// The smallest box around `points`, or `None` when there are none.
    pub fn around(points: impl IntoIterator<Item = LngLat>) -> Option<BBox> {
        let mut it = points.into_iter();
        let first = it.next()?;
        let mut b = BBox {
            min: first,
            max: first,
        };
        for p in it {
            b.min.lng = b.min.lng.min(p.lng);
            b.min.lat = b.min.lat.min(p.lat);
            b.max.lng = b.max.lng.max(p.lng);
            b.max.lat = b.max.lat.max(p.lat);
        }
        Some(b)
    }

    /// Is `p` inside the box grown by `margin_m` metres on every side?
    pub fn contains_with_margin(&self, p: LngLat, margin_m: f64) -> bool {
        let dlat = margin_m / METERS_PER_DEGREE;
        let coslat = ((self.min.lat + self.max.lat) / 2.0)
            .to_radians()
            .cos()
            .max(0.01);
        let dlng = dlat / coslat;
        p.lng >= self.min.lng - dlng
            && p.lng <= self.max.lng + dlng
            && p.lat >= self.min.lat - dlat
            && p.lat <= self.max.lat + dlat
    }

    /// The centre of the box.
    pub fn center(&self) -> LngLat {
        LngLat::new(
            (self.min.lng + self.max.lng) / 2.0,
            (self.min.lat + self.max.lat) / 2.0,
        )
    }
}

/// Metres per degree of latitude on the mean Earth sphere used by [`LngLat::distance_m`].
pub const METERS_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// An equirectangular projection around a reference latitude: x east and y north, in metres.
/// Over a city (tens of kilometres) its distances are within 0.1 % of great-circle ones, which
/// is what snapping needs; reported lengths use [`LngLat::distance_m`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalProjection {
    origin: LngLat,
    x_per_degree: f64,
}

impl LocalProjection {
    /// A projection centred on `origin`.
    pub fn new(origin: LngLat) -> Self {
        Self {
            origin,
            x_per_degree: METERS_PER_DEGREE * origin.lat.to_radians().cos(),
        }
    }

    /// Degrees to local metres.
    pub fn project(&self, p: LngLat) -> [f64; 2] {
        [
            (p.lng - self.origin.lng) * self.x_per_degree,
            (p.lat - self.origin.lat) * METERS_PER_DEGREE,
        ]
    }

    /// Local metres to degrees.
    pub fn unproject(&self, xy: [f64; 2]) -> LngLat {
        LngLat::new(
            self.origin.lng + xy[0] / self.x_per_degree,
            self.origin.lat + xy[1] / METERS_PER_DEGREE,
        )
    }
}

/// The point of segment `a`–`b` nearest to `p`, as the fraction `t` in 0..=1 along the segment
/// and the squared distance, all in local metres.
pub fn project_onto_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let dx = b[0] - a[0];
    let dy = b[1] - a[1];
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let qx = a[0] + t * dx - p[0];
    let qy = a[1] + t * dy - p[1];
    (t, qx * qx + qy * qy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_round_trip_is_within_half_a_micro_degree() {
        let p = LngLat::new(114.012_345_6, 22.543_210_9);
        let q = LngLat::from_e6(p.to_e6());
        assert!((p.lng - q.lng).abs() <= 0.5e-6 && (p.lat - q.lat).abs() <= 0.5e-6);
    }

    #[test]
    fn local_projection_agrees_with_haversine_over_a_city() {
        let proj = LocalProjection::new(LngLat::new(114.02, 22.53));
        let a = LngLat::new(114.00, 22.52);
        let b = LngLat::new(114.04, 22.55);
        let [ax, ay] = proj.project(a);
        let [bx, by] = proj.project(b);
        let flat = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
        let great = a.distance_m(b);
        assert!((flat - great).abs() / great < 0.001, "{flat} vs {great}");
        let back = proj.unproject(proj.project(a));
        assert!((back.lng - a.lng).abs() < 1e-12 && (back.lat - a.lat).abs() < 1e-12);
    }

    #[test]
    fn projection_onto_segment_clamps_to_the_ends() {
        let (t, d2) = project_onto_segment([5.0, 3.0], [0.0, 0.0], [10.0, 0.0]);
        assert_eq!((t, d2), (0.5, 9.0));
        let (t, d2) = project_onto_segment([-4.0, 3.0], [0.0, 0.0], [10.0, 0.0]);
        assert_eq!((t, d2), (0.0, 25.0));
        let (t, _) = project_onto_segment([1.0, 1.0], [2.0, 2.0], [2.0, 2.0]);
        assert_eq!(t, 0.0);
    }
}
