//! Shapes and icons that go with text: kinds differ by shape and colour, services by icon.
//! Never the only carrier of meaning: a text label always stands beside them.

use linli_core::hours::OpenState;
use linli_core::{Amenity, Kind};

/// The CSS class of a kind's shape (square, triangle, circle).
pub const fn kind_class(kind: Kind) -> &'static str {
    match kind {
        Kind::Centre => "shape-centre",
        Kind::RestStop => "shape-rest_stop",
        Kind::Canteen => "shape-canteen",
    }
}

/// A small pictogram for a service code.
pub const fn amenity_icon(a: Amenity) -> &'static str {
    match a {
        Amenity::Charging => "🔌",
        Amenity::EbikeCharging => "⚡",
        Amenity::DrinkingWater => "💧",
        Amenity::HotWater => "♨",
        Amenity::Microwave => "🍱",
        Amenity::Toilet => "🚻",
        Amenity::Seating => "🪑",
        Amenity::Wifi => "📶",
        Amenity::AirConditioning => "❄",
        Amenity::FirstAid => "⛑",
        Amenity::RepairTools => "🔧",
        Amenity::TyrePump => "🚲",
        Amenity::Umbrella => "☂",
        Amenity::ReadingRoom => "📖",
        Amenity::Meals => "🍚",
        Amenity::ElderlyMeals => "👵",
        Amenity::MealDelivery => "🛵",
        Amenity::GovernmentServices => "🏛",
        Amenity::LegalAdvice => "⚖",
        Amenity::AfterSchoolCare => "🎒",
        Amenity::StepFree => "♿",
    }
}

/// The services worth showing on a result card, most useful first, for each kind.
pub fn key_amenities(kind: Kind) -> &'static [Amenity] {
    match kind {
        Kind::RestStop => &[
            Amenity::EbikeCharging,
            Amenity::Charging,
            Amenity::DrinkingWater,
            Amenity::Microwave,
            Amenity::Toilet,
            Amenity::StepFree,
        ],
        Kind::Canteen => &[
            Amenity::ElderlyMeals,
            Amenity::MealDelivery,
            Amenity::Meals,
            Amenity::Toilet,
            Amenity::StepFree,
        ],
        Kind::Centre => &[
            Amenity::GovernmentServices,
            Amenity::LegalAdvice,
            Amenity::ReadingRoom,
            Amenity::Toilet,
            Amenity::DrinkingWater,
            Amenity::StepFree,
        ],
    }
}

/// The service filters offered, in order.
pub const FILTERS: &[Amenity] = &[
    Amenity::EbikeCharging,
    Amenity::Charging,
    Amenity::DrinkingWater,
    Amenity::Microwave,
    Amenity::Toilet,
    Amenity::ElderlyMeals,
    Amenity::StepFree,
];

/// The fill colour of a kind's map pin.
const fn kind_colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Centre => "#c62828",
        Kind::RestStop => "#c43e00",
        Kind::Canteen => "#2e7d32",
    }
}

/// A map pin as SVG, 44×44 (the whole box is the tap target): the kind's shape (square,
/// triangle, circle), filled when the place is open, hollow when closed, dashed when the hours
/// are unknown, with a badge that says the state by its sign too: ✓ open, ! closing soon,
/// × closed or closed for a holiday. Never colour alone.
pub fn pin_svg(kind: Kind, state: OpenState, selected: bool) -> String {
    let colour = kind_colour(kind);
    let (fill, stroke, dash) = match state {
        OpenState::Open | OpenState::Closing => (colour, "#ffffff", ""),
        OpenState::Closed | OpenState::Holiday => ("#ffffff", colour, ""),
        OpenState::Unknown => ("#ffffff", colour, r#" stroke-dasharray="4 3""#),
    };
    // Written as text: a float formatted here would bring the float formatter into the wasm.
    let width = if matches!(state, OpenState::Open | OpenState::Closing) {
        "2.5"
    } else {
        "4"
    };
    let shape = match kind {
        Kind::Centre => format!(
            r#"<rect x="7" y="11" width="26" height="26" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#
        ),
        Kind::RestStop => format!(
            r#"<path d="M20 8 L35 36 L5 36 Z" fill="{fill}" stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round"{dash}/>"#
        ),
        Kind::Canteen => format!(
            r#"<circle cx="20" cy="24" r="14" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>"#
        ),
    };
    // An outline around open shapes, so a white stroke reads on light streets too.
    let halo = match (kind, state) {
        (_, OpenState::Closed | OpenState::Holiday | OpenState::Unknown) => String::new(),
        (Kind::Centre, _) => r##"<rect x="5.5" y="9.5" width="29" height="29" rx="4" fill="none" stroke="#1a1a1a" stroke-opacity="0.55" stroke-width="1"/>"##.to_string(),
        (Kind::RestStop, _) => r##"<path d="M20 5 L38 38 L2 38 Z" fill="none" stroke="#1a1a1a" stroke-opacity="0.55" stroke-width="1" stroke-linejoin="round"/>"##.to_string(),
        (Kind::Canteen, _) => r##"<circle cx="20" cy="24" r="15.8" fill="none" stroke="#1a1a1a" stroke-opacity="0.55" stroke-width="1"/>"##.to_string(),
    };
    let badge = match state {
        OpenState::Open => {
            r##"<circle cx="34" cy="10" r="9" fill="#1b5e20" stroke="#fff" stroke-width="2"/><path d="M29.5 10.2 L32.7 13.3 L38.5 6.8" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/>"##
        }
        OpenState::Closing => {
            r##"<circle cx="34" cy="10" r="9" fill="#8a4b00" stroke="#fff" stroke-width="2"/><path d="M34 5 L34 11" stroke="#fff" stroke-width="2.8" stroke-linecap="round"/><circle cx="34" cy="15" r="1.7" fill="#fff"/>"##
        }
        OpenState::Closed | OpenState::Holiday => {
            r##"<circle cx="34" cy="10" r="9" fill="#3d3d3d" stroke="#fff" stroke-width="2"/><path d="M30.5 6.5 L37.5 13.5 M37.5 6.5 L30.5 13.5" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>"##
        }
        OpenState::Unknown => "",
    };
    let ring = if selected {
        r##"<circle cx="22" cy="22" r="21" fill="none" stroke="#111" stroke-width="2.5"/>"##
    } else {
        ""
    };
    format!(
        r#"<svg class="pin-svg" width="44" height="44" viewBox="0 0 44 44" aria-hidden="true" focusable="false">{ring}{halo}{shape}{badge}</svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_differ_by_shape_and_sign_not_colour_alone() {
        let open = pin_svg(Kind::Canteen, OpenState::Open, false);
        let closed = pin_svg(Kind::Canteen, OpenState::Closed, false);
        let closing = pin_svg(Kind::Canteen, OpenState::Closing, false);
        let unknown = pin_svg(Kind::Canteen, OpenState::Unknown, false);
        // Filled vs hollow.
        assert!(open.contains(r##"<circle cx="20" cy="24" r="14" fill="#2e7d32""##));
        assert!(closed.contains(r##"<circle cx="20" cy="24" r="14" fill="#ffffff""##));
        // A different sign in each badge.
        let signs: Vec<&str> = [&open, &closing, &closed]
            .iter()
            .map(|s| s.split("<path").last().unwrap_or(""))
            .collect();
        assert!(signs[0] != signs[1] && signs[1] != signs[2] && signs[0] != signs[2]);
        assert!(unknown.contains("stroke-dasharray"));
        // Shapes per kind.
        assert!(pin_svg(Kind::Centre, OpenState::Open, false).contains("<rect"));
        assert!(pin_svg(Kind::RestStop, OpenState::Open, false).contains("M20 8 L35 36"));
        assert!(pin_svg(Kind::Canteen, OpenState::Open, true).contains(r#"r="21""#));
    }
}
