//! Shapes and icons that go with text: kinds differ by shape and colour, services by icon.
//! Never the only carrier of meaning: a text label always stands beside them.

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
