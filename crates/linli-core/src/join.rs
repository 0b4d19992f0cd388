//! Joining a point to the streets, one rule everywhere: the starting point, every place, a
//! tap on the coverage map, the isochrone's start.
//!
//! # The rule
//! 1. Find the nearest street segment the mode may use, within [`MAX_ORIGIN_JOIN_M`] of a
//!    starting point or [`MAX_PLACE_JOIN_M`] of a place. Call its distance `d0`.
//! 2. Every usable street (edge) that comes within `min(max(d0, JOIN_MAX_M), d0 + JOIN_SLACK_M)`
//!    of the point is a candidate, at its own nearest point ([`join_radius_m`]): so the nearest
//!    always is, others only within [`JOIN_SLACK_M`] (20 m) of it and [`JOIN_MAX_M`] (50 m)
//!    overall. A point exactly on a junction joins every street that meets there.
//! 3. Each candidate carries its straight leg (great-circle metres). Legs are on foot: at the
//!    mode's own speed for walk and step-free, at walking speed for e-bike (the courier pushes).
//! 4. An e-bike may be pushed against a one-way street, at walking speed, for at most
//!    [`PUSH_MAX_M`] (50 m) from the starting point's candidate to an end of its street, or
//!    from an end of the place's street to the place's candidate, or between the two when both
//!    are on the same street. Pushing is never needed where riding is allowed.
//! 5. The route is the quickest over every (origin candidate, place candidate) pair, legs and
//!    pushed stretches included; it is ranked by time.
//!
//! Coverage and the isochrone measure points *on* the streets: such a point joins its own
//! street with no leg (it is already there).
//!
//! # Cost unit
//! Searches add whole centimetres "at the mode's speed": a ridden (or, for walkers, walked)
//! centimetre costs 1, a centimetre on foot costs [`Mode::foot_factor`] (3 for an e-bike), so
//! cost is proportional to time: `time_s = cost_cm / 100 / speed_mps`. Every length is rounded
//! *up* to the centimetre, so a reported route is never shorter than its geometry.

use crate::profile::{Access, Mode};

/// A candidate street may be at most this much farther than the nearest one, metres.
pub const JOIN_SLACK_M: f64 = 20.0;
/// Candidates other than the nearest street must be within this distance, metres.
pub const JOIN_MAX_M: f64 = 50.0;
/// An e-bike may be pushed against a one-way street for at most this far at the start or the
/// end of a route, metres.
pub const PUSH_MAX_M: f64 = 50.0;
/// How far from a street a starting point may be, metres.
pub const MAX_ORIGIN_JOIN_M: f64 = 1_000.0;
/// How far from a street a place may be and still be routed to, metres.
pub const MAX_PLACE_JOIN_M: f64 = 500.0;

/// The radius within which streets are candidates, given the distance to the nearest one:
/// `min(max(d0, JOIN_MAX_M), d0 + JOIN_SLACK_M)`.
///
/// ```
/// use linli_core::join::join_radius_m;
/// assert_eq!(join_radius_m(10.0), 30.0); // nearest + 20 m
/// assert_eq!(join_radius_m(40.0), 50.0); // capped at 50 m
/// assert_eq!(join_radius_m(120.0), 120.0); // only streets as near as the nearest
/// ```
pub fn join_radius_m(nearest_m: f64) -> f64 {
    nearest_m.max(JOIN_MAX_M).min(nearest_m + JOIN_SLACK_M)
}

/// Metres to whole centimetres, rounded up; negative or NaN gives 0, huge saturates.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn cm_ceil(m: f64) -> u32 {
    // The clamp makes the cast exact (and NaN casts to 0).
    (m * 100.0).ceil().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// How a stretch along a street is travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gait {
    /// At the mode's speed, in a direction it may travel.
    Ride,
    /// E-bike pushed on foot against the one-way direction (at most [`PUSH_MAX_M`]).
    Push,
}

impl Gait {
    /// How an edge may be travelled over `length_m` in one direction: ridden when the mode may
    /// go that way, pushed when it may not but may push and the stretch is short enough.
    pub fn along(access: Access, mode: Mode, forward: bool, length_m: f64) -> Option<Gait> {
        let allowed = if forward {
            access.forward(mode)
        } else {
            access.backward(mode)
        };
        if allowed {
            Some(Gait::Ride)
        } else if mode.may_push() && access.any(mode) && length_m <= PUSH_MAX_M {
            Some(Gait::Push)
        } else {
            None
        }
    }

    /// Cost per centimetre in `mode`.
    pub const fn factor(self, mode: Mode) -> u32 {
        match self {
            Gait::Ride => 1,
            Gait::Push => mode.foot_factor(),
        }
    }
}

/// Lengths and cost of part of a route, in whole centimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Stretch {
    /// Routing cost (centimetres at the mode's speed).
    pub cost: u32,
    /// True length.
    pub metres_cm: u32,
    /// Of which pushed against a one-way street.
    pub pushed_cm: u32,
}

impl Stretch {
    /// A straight leg on foot.
    pub fn leg(mode: Mode, length_m: f64) -> Stretch {
        let cm = cm_ceil(length_m);
        Stretch {
            cost: cm.saturating_mul(mode.foot_factor()),
            metres_cm: cm,
            pushed_cm: 0,
        }
    }

    /// A stretch along a street.
    pub fn along(mode: Mode, gait: Gait, length_m: f64) -> Stretch {
        let cm = cm_ceil(length_m);
        Stretch {
            cost: cm.saturating_mul(gait.factor(mode)),
            metres_cm: cm,
            pushed_cm: if gait == Gait::Push { cm } else { 0 },
        }
    }

    /// One stretch after the other.
    #[must_use]
    pub fn then(self, next: Stretch) -> Stretch {
        Stretch {
            cost: self.cost.saturating_add(next.cost),
            metres_cm: self.metres_cm.saturating_add(next.metres_cm),
            pushed_cm: self.pushed_cm.saturating_add(next.pushed_cm),
        }
    }
}
