//! Travel profiles: who may use a street, in which direction, and how fast they go.
//!
//! Linli has three modes. The rules below are the whole truth: the bundle builder calls
//! [`access_from_tags`] once per OpenStreetMap way and stores the result as six bits per edge
//! ([`Access`]); the router only reads those bits.
//!
//! # Walk (`walk`, 步行) — 5 km/h
//! A pedestrian may use a way, in both directions (one-way streets do not bind pedestrians,
//! `oneway:foot=yes` does), when
//! - `highway` is one of `footway`, `pedestrian`, `path`, `steps`, `living_street`,
//!   `residential`, `service`, `unclassified`, `road`, `track`, `cycleway`, `bridleway`,
//!   `corridor`, `platform`, `elevator`, `tertiary`, `secondary`, `primary`, `trunk` and their
//!   `_link`s (Chinese trunk roads in cities carry sidewalks), and not `motorway`/`motorway_link`
//!   or `construction`/`proposed`/`abandoned`/`raceway`/`bus_guideway`;
//! - and not `foot=no|private|use_sidepath`, nor `access=no|private` without a
//!   `foot=yes|designated|permissive`;
//! - `highway=motorway*` with an explicit `foot=yes|designated|permissive` is allowed.
//!
//! # E-bike (`ebike`, 电动车) — 15 km/h
//! A courier on an e-bike may use a way when
//! - `highway` is a road (`trunk`, `primary`, `secondary`, `tertiary` and `_link`s,
//!   `unclassified`, `residential`, `living_street`, `service`, `road`, `track`) or a
//!   `cycleway`; `footway`, `pedestrian`, `path`, `bridleway` and `corridor` only with
//!   `bicycle=yes|designated|permissive`; never `steps`, `motorway*`, `elevator`, `platform`;
//! - and not `bicycle=no|private|use_sidepath`, nor `access=no|private` without a
//!   `bicycle=yes|designated|permissive`;
//! - directions: `oneway=yes|true|1` allows only the way's direction, `oneway=-1|reverse` only
//!   the opposite one, `junction=roundabout|circular` implies `oneway=yes`; `oneway:bicycle=no`
//!   or `cycleway=opposite|opposite_lane|opposite_track` (or `cycleway:left|right=opposite*`)
//!   lifts the restriction, `oneway:bicycle=yes` adds it.
//!
//! # Step-free (`stepfree`, 无障碍) — 3.6 km/h
//! For wheelchairs, walking frames and pushchairs: the walk rules, minus
//! - `highway=steps` (unless `ramp=yes`, `ramp:wheelchair=yes` or `wheelchair=yes`),
//! - any way with `wheelchair=no`,
//! - `highway=path|track` with `smoothness` of `bad` or worse or `surface` of `gravel`,
//!   `pebblestone`, `sand`, `grass`, `mud`, `dirt`, `ground` (unless `wheelchair=yes`).
//!
//! # On foot between the street and the point
//! The straight legs between a point and the street it joins ([`crate::join`]) are walked: at
//! the mode's own speed for walk and step-free, at walking speed for e-bike (the courier pushes
//! the bike). An e-bike may also be pushed against a one-way street for the first or last
//! [`crate::join::PUSH_MAX_M`] metres of a route, at walking speed ([`Mode::may_push`]).
//!
//! # Units
//! Speeds are in metres per second. Travel time is the ridden length divided by
//! [`Mode::speed_mps`] plus the walked or pushed length divided by [`Mode::foot_speed_mps`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A travel mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// On foot, the default.
    #[default]
    Walk,
    /// E-bike, as couriers ride.
    Ebike,
    /// On foot without steps, at a slower pace.
    StepFree,
}

impl Mode {
    /// All modes, in the order the app shows them.
    pub const ALL: [Mode; 3] = [Mode::Walk, Mode::Ebike, Mode::StepFree];

    /// Travel speed in metres per second.
    pub const fn speed_mps(self) -> f64 {
        match self {
            Mode::Walk => 5.0 / 3.6,
            Mode::Ebike => 15.0 / 3.6,
            // 3.6 km/h
            Mode::StepFree => 1.0,
        }
    }

    /// Speed on foot, metres per second: for the legs between a point and its street, and for
    /// pushing an e-bike. Walkers walk at their own speed; an e-bike courier at walking speed.
    pub const fn foot_speed_mps(self) -> f64 {
        match self {
            Mode::Walk | Mode::Ebike => Mode::Walk.speed_mps(),
            Mode::StepFree => Mode::StepFree.speed_mps(),
        }
    }

    /// How many times longer a metre on foot takes than a metre at [`Mode::speed_mps`]:
    /// 1 for walk and step-free, 3 for e-bike (15 km/h riding, 5 km/h pushing). Routing costs
    /// are "metres at the mode's speed", so a walked metre costs this many.
    pub const fn foot_factor(self) -> u32 {
        match self {
            Mode::Walk | Mode::StepFree => 1,
            Mode::Ebike => 3,
        }
    }

    /// May this mode be pushed on foot against a one-way street for the last or first metres?
    /// Only the e-bike: one-way streets do not bind pedestrians.
    pub const fn may_push(self) -> bool {
        matches!(self, Mode::Ebike)
    }

    /// The lowercase name used in URLs, the CLI and JSON: `walk`, `ebike`, `stepfree`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Ebike => "ebike",
            Mode::StepFree => "stepfree",
        }
    }

    /// Index 0..3, for per-mode tables.
    pub const fn index(self) -> usize {
        match self {
            Mode::Walk => 0,
            Mode::Ebike => 1,
            Mode::StepFree => 2,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode name that is not `walk`, `ebike` or `stepfree`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown travel mode '{0}': expected walk, ebike or stepfree")]
pub struct UnknownMode(pub String);

impl FromStr for Mode {
    type Err = UnknownMode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "walk" | "foot" => Ok(Mode::Walk),
            "ebike" | "e-bike" | "bike" => Ok(Mode::Ebike),
            "stepfree" | "step-free" | "step_free" | "wheelchair" => Ok(Mode::StepFree),
            _ => Err(UnknownMode(s.to_string())),
        }
    }
}

/// Which directions of an edge a mode may travel: bit 0 forward (first node to last node),
/// bit 1 backward, for each mode in [`Mode::index`] order. Six bits in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Access(u8);

impl Access {
    /// No mode may use the edge.
    pub const NONE: Access = Access(0);
    const MASK: u8 = 0b11_1111;

    /// From the stored bits; `None` when bits above the six used ones are set.
    pub const fn from_bits(bits: u8) -> Option<Access> {
        if bits & !Self::MASK == 0 {
            Some(Access(bits))
        } else {
            None
        }
    }

    /// The stored bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Sets both directions for `mode`.
    #[must_use]
    pub const fn with(self, mode: Mode, forward: bool, backward: bool) -> Access {
        let shift = 2 * mode.index() as u8;
        let mut bits = self.0 & !(0b11 << shift);
        if forward {
            bits |= 1 << shift;
        }
        if backward {
            bits |= 2 << shift;
        }
        Access(bits)
    }

    /// May `mode` travel from the edge's first node towards its last?
    pub const fn forward(self, mode: Mode) -> bool {
        self.0 & (1 << (2 * mode.index())) != 0
    }

    /// May `mode` travel from the edge's last node towards its first?
    pub const fn backward(self, mode: Mode) -> bool {
        self.0 & (2 << (2 * mode.index())) != 0
    }

    /// May `mode` use the edge at all?
    pub const fn any(self, mode: Mode) -> bool {
        self.forward(mode) || self.backward(mode)
    }

    /// May any mode use the edge?
    pub const fn is_usable(self) -> bool {
        self.0 != 0
    }
}

/// Anything that answers "what is the value of tag `key`?".
pub trait Tags {
    /// The value of `key`, if the way has it.
    fn tag(&self, key: &str) -> Option<&str>;
}

impl Tags for [(String, String)] {
    fn tag(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl Tags for [(&str, &str)] {
    fn tag(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

fn is_one_of(value: Option<&str>, set: &[&str]) -> bool {
    value.is_some_and(|v| set.contains(&v))
}

const YES: &[&str] = &["yes", "designated", "permissive"];
const NO: &[&str] = &["no", "private", "use_sidepath"];

/// May this vehicle or person use the way at all, given `access` and the mode's own key?
fn allowed_by_access(tags: &(impl Tags + ?Sized), key: &str, default: bool) -> bool {
    let own = tags.tag(key);
    if is_one_of(own, YES) {
        return true;
    }
    if is_one_of(own, NO) {
        return false;
    }
    if is_one_of(tags.tag("access"), &["no", "private"]) {
        return false;
    }
    default
}

/// The access of an OpenStreetMap way for every mode, by the rules in the module docs.
/// Returns [`Access::NONE`] for ways that are not streets.
pub fn access_from_tags(tags: &(impl Tags + ?Sized)) -> Access {
    let Some(highway) = tags.tag("highway") else {
        return Access::NONE;
    };
    let walk = walk_allowed(tags, highway);
    let walk_forward = walk;
    let walk_backward = walk && !is_one_of(tags.tag("oneway:foot"), &["yes", "true", "1"]);

    let step_free = walk && step_free_allowed(tags, highway);

    let (ebike_forward, ebike_backward) = if ebike_allowed(tags, highway) {
        ebike_directions(tags)
    } else {
        (false, false)
    };

    Access::NONE
        .with(Mode::Walk, walk_forward, walk_backward)
        .with(Mode::StepFree, step_free, step_free && walk_backward)
        .with(Mode::Ebike, ebike_forward, ebike_backward)
}

fn walk_allowed(tags: &(impl Tags + ?Sized), highway: &str) -> bool {
    const WALKABLE: &[&str] = &[
        "footway",
        "pedestrian",
        "path",
        "steps",
        "living_street",
        "residential",
        "service",
        "unclassified",
        "road",
        "track",
        "cycleway",
        "bridleway",
        "corridor",
        "platform",
        "elevator",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
        "trunk",
        "trunk_link",
    ];
    if WALKABLE.contains(&highway) {
        allowed_by_access(tags, "foot", true)
    } else if highway == "motorway" || highway == "motorway_link" {
        is_one_of(tags.tag("foot"), YES)
    } else {
        false
    }
}

fn step_free_allowed(tags: &(impl Tags + ?Sized), highway: &str) -> bool {
    let wheelchair = tags.tag("wheelchair");
    if wheelchair == Some("no") {
        return false;
    }
    if wheelchair == Some("yes") {
        return true;
    }
    if highway == "steps" {
        return tags.tag("ramp") == Some("yes") || tags.tag("ramp:wheelchair") == Some("yes");
    }
    if highway == "path" || highway == "track" {
        const ROUGH: &[&str] = &["bad", "very_bad", "horrible", "very_horrible", "impassable"];
        const LOOSE: &[&str] = &[
            "gravel",
            "pebblestone",
            "sand",
            "grass",
            "mud",
            "dirt",
            "ground",
        ];
        if is_one_of(tags.tag("smoothness"), ROUGH) || is_one_of(tags.tag("surface"), LOOSE) {
            return false;
        }
    }
    true
}

fn ebike_allowed(tags: &(impl Tags + ?Sized), highway: &str) -> bool {
    const ROADS: &[&str] = &[
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
        "track",
        "cycleway",
    ];
    const ONLY_IF_SIGNED: &[&str] = &["footway", "pedestrian", "path", "bridleway", "corridor"];
    if ROADS.contains(&highway) {
        allowed_by_access(tags, "bicycle", true)
    } else if ONLY_IF_SIGNED.contains(&highway) {
        is_one_of(tags.tag("bicycle"), YES)
    } else {
        false
    }
}

/// (forward, backward) for a bicycle on a way it may use.
fn ebike_directions(tags: &(impl Tags + ?Sized)) -> (bool, bool) {
    let oneway = tags.tag("oneway");
    let roundabout = is_one_of(tags.tag("junction"), &["roundabout", "circular"]);
    let mut restriction = if is_one_of(oneway, &["yes", "true", "1"]) {
        Some(true)
    } else if is_one_of(oneway, &["-1", "reverse"]) {
        Some(false)
    } else if oneway == Some("no") {
        None
    } else if roundabout {
        Some(true)
    } else {
        None
    };
    const OPPOSITE: &[&str] = &["opposite", "opposite_lane", "opposite_track"];
    let contraflow = tags.tag("oneway:bicycle") == Some("no")
        || is_one_of(tags.tag("cycleway"), OPPOSITE)
        || is_one_of(tags.tag("cycleway:left"), OPPOSITE)
        || is_one_of(tags.tag("cycleway:right"), OPPOSITE);
    if contraflow {
        restriction = None;
    } else if restriction.is_none() && tags.tag("oneway:bicycle") == Some("yes") {
        restriction = Some(true);
    }
    match restriction {
        None => (true, true),
        Some(true) => (true, false),
        Some(false) => (false, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn access(tags: &[(&str, &str)]) -> Access {
        access_from_tags(tags)
    }

    #[rstest]
    #[case::residential_two_way(&[("highway", "residential")], [true, true], [true, true], [true, true])]
    #[case::oneway_binds_ebike_only(&[("highway", "secondary"), ("oneway", "yes")], [true, true], [true, false], [true, true])]
    #[case::reverse_oneway(&[("highway", "tertiary"), ("oneway", "-1")], [true, true], [false, true], [true, true])]
    #[case::contraflow_cycling(&[("highway", "residential"), ("oneway", "yes"), ("oneway:bicycle", "no")], [true, true], [true, true], [true, true])]
    #[case::roundabout(&[("highway", "primary"), ("junction", "roundabout")], [true, true], [true, false], [true, true])]
    #[case::steps(&[("highway", "steps")], [true, true], [false, false], [false, false])]
    #[case::steps_with_ramp(&[("highway", "steps"), ("ramp:wheelchair", "yes")], [true, true], [false, false], [true, true])]
    #[case::footway(&[("highway", "footway")], [true, true], [false, false], [true, true])]
    #[case::footway_bicycle_yes(&[("highway", "footway"), ("bicycle", "yes")], [true, true], [true, true], [true, true])]
    #[case::motorway(&[("highway", "motorway_link")], [false, false], [false, false], [false, false])]
    #[case::private(&[("highway", "service"), ("access", "private")], [false, false], [false, false], [false, false])]
    #[case::private_foot_yes(&[("highway", "service"), ("access", "no"), ("foot", "yes")], [true, true], [false, false], [true, true])]
    #[case::wheelchair_no(&[("highway", "footway"), ("wheelchair", "no")], [true, true], [false, false], [false, false])]
    #[case::rough_path(&[("highway", "path"), ("surface", "gravel")], [true, true], [false, false], [false, false])]
    #[case::foot_no(&[("highway", "primary"), ("foot", "no")], [false, false], [true, true], [false, false])]
    #[case::not_a_street(&[("building", "yes")], [false, false], [false, false], [false, false])]
    #[case::crossing_node_tag_is_not_a_way(&[("highway", "crossing")], [false, false], [false, false], [false, false])]
    fn tag_rules(
        #[case] tags: &[(&str, &str)],
        #[case] walk: [bool; 2],
        #[case] ebike: [bool; 2],
        #[case] stepfree: [bool; 2],
    ) {
        let a = access(tags);
        assert_eq!(
            [a.forward(Mode::Walk), a.backward(Mode::Walk)],
            walk,
            "walk"
        );
        assert_eq!(
            [a.forward(Mode::Ebike), a.backward(Mode::Ebike)],
            ebike,
            "ebike"
        );
        assert_eq!(
            [a.forward(Mode::StepFree), a.backward(Mode::StepFree)],
            stepfree,
            "stepfree"
        );
    }

    #[test]
    fn bits_round_trip_and_reject_high_bits() {
        let a = access(&[("highway", "secondary"), ("oneway", "yes")]);
        assert_eq!(Access::from_bits(a.bits()), Some(a));
        assert_eq!(Access::from_bits(0b0100_0000), None);
    }

    #[test]
    fn mode_names() {
        for m in Mode::ALL {
            assert_eq!(m.as_str().parse::<Mode>(), Ok(m));
        }
        assert!("car".parse::<Mode>().is_err());
        assert!(Mode::Ebike.speed_mps() > Mode::Walk.speed_mps());
        assert!(Mode::StepFree.speed_mps() < Mode::Walk.speed_mps());
    }

    #[test]
    fn foot_factor_is_the_ratio_of_speeds() {
        for m in Mode::ALL {
            let ratio = m.speed_mps() / m.foot_speed_mps();
            assert!(
                (ratio - f64::from(m.foot_factor())).abs() < 1e-12,
                "{m}: {ratio}"
            );
        }
        assert!(Mode::Ebike.may_push() && !Mode::Walk.may_push() && !Mode::StepFree.may_push());
    }
}
