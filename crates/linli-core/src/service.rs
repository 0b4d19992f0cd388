//! The places Linli finds: their kinds, the fixed vocabulary of services they offer, and the
//! record stored in the bundle.

use crate::geom::LngLat;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of place a service is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Party-and-masses service centre or station (党群服务中心 / 党群服务站 / 邻里中心).
    Centre,
    /// Rest stop for couriers and outdoor workers (骑士驿站 / 小哥驿站 / 网格驿站).
    RestStop,
    /// Community or elderly canteen (长者食堂 / 社区食堂).
    Canteen,
}

impl Kind {
    /// All kinds, in display order.
    pub const ALL: [Kind; 3] = [Kind::Centre, Kind::RestStop, Kind::Canteen];

    /// The code used in files, URLs and JSON: `centre`, `rest_stop`, `canteen`.
    pub const fn code(self) -> &'static str {
        match self {
            Kind::Centre => "centre",
            Kind::RestStop => "rest_stop",
            Kind::Canteen => "canteen",
        }
    }

    pub(crate) const fn to_byte(self) -> u8 {
        match self {
            Kind::Centre => 0,
            Kind::RestStop => 1,
            Kind::Canteen => 2,
        }
    }

    pub(crate) const fn from_byte(b: u8) -> Option<Kind> {
        match b {
            0 => Some(Kind::Centre),
            1 => Some(Kind::RestStop),
            2 => Some(Kind::Canteen),
            _ => None,
        }
    }
}

impl Kind {
    /// Words people type when looking for this kind of place (Chinese and English), for search.
    pub const fn search_words(self) -> &'static [&'static str] {
        match self {
            Kind::Centre => &[
                "服务中心",
                "党群服务中心",
                "党群服务站",
                "邻里中心",
                "service centre",
                "community centre",
                "community center",
            ],
            Kind::RestStop => &[
                "驿站",
                "骑士驿站",
                "小哥驿站",
                "户外劳动者驿站",
                "rest stop",
                "courier",
            ],
            Kind::Canteen => &["食堂", "社区食堂", "饭堂", "canteen"],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A kind code that is not `centre`, `rest_stop` or `canteen`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind '{0}': expected centre, rest_stop or canteen")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

macro_rules! amenities {
    ($($variant:ident = $code:literal, $zh:literal, $en:literal, [$($word:literal),*];)*) => {
        /// One service a place offers, from Linli's fixed vocabulary.
        ///
        /// | code | 中文 | English |
        /// |---|---|---|
        $(#[doc = concat!("| `", $code, "` | ", $zh, " | ", $en, " |")])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Amenity { $(#[doc = $en] $variant,)* }

        impl Amenity {
            /// Every code, in vocabulary order (also the bit order in the bundle).
            pub const ALL: &'static [Amenity] = &[$(Amenity::$variant,)*];

            /// The code used in files and JSON.
            pub const fn code(self) -> &'static str {
                match self { $(Amenity::$variant => $code,)* }
            }

            /// The Chinese label.
            pub const fn label_zh(self) -> &'static str {
                match self { $(Amenity::$variant => $zh,)* }
            }

            /// The English label.
            pub const fn label_en(self) -> &'static str {
                match self { $(Amenity::$variant => $en,)* }
            }

            /// Words people type when looking for this service, besides the labels and the
            /// code (Chinese and English; search matches them as well).
            pub const fn search_words(self) -> &'static [&'static str] {
                match self { $(Amenity::$variant => &[$($word),*],)* }
            }
        }
    };
}

amenities! {
    Charging = "charging", "手机充电", "Phone charging", ["充电", "充电宝", "charge"];
    EbikeCharging = "ebike_charging", "电动车充电", "E-bike charging", ["充电", "电动车", "电瓶车", "电单车", "换电", "charge"];
    DrinkingWater = "drinking_water", "饮用水", "Drinking water", ["喝水", "饮水", "water"];
    HotWater = "hot_water", "热水", "Hot water", ["开水", "water"];
    Microwave = "microwave", "微波炉", "Microwave", ["热饭", "加热"];
    Toilet = "toilet", "卫生间", "Toilet", ["厕所", "洗手间", "公厕", "WC", "restroom", "washroom"];
    Seating = "seating", "休息座椅", "Seats", ["座椅", "休息", "seat"];
    Wifi = "wifi", "无线网络", "Wi-Fi", ["WiFi", "上网", "internet"];
    AirConditioning = "air_conditioning", "空调", "Air conditioning", ["冷气", "AC"];
    FirstAid = "first_aid", "急救药箱", "First-aid kit", ["急救", "药箱", "医药箱"];
    RepairTools = "repair_tools", "维修工具", "Repair tools", ["修车", "维修", "repair"];
    TyrePump = "tyre_pump", "打气筒", "Tyre pump", ["打气", "充气", "pump", "tire"];
    Umbrella = "umbrella", "爱心雨伞", "Umbrella loan", ["雨伞", "借伞"];
    ReadingRoom = "reading_room", "阅览室", "Reading room", ["阅读", "看书", "书屋", "library", "books"];
    Meals = "meals", "餐食", "Meals", ["吃饭", "用餐", "food", "lunch", "dinner"];
    ElderlyMeals = "elderly_meals", "长者助餐", "Meals for older people", ["长者食堂", "长者饭堂", "老人饭堂", "助餐", "elderly"];
    MealDelivery = "meal_delivery", "送餐上门", "Meal delivery", ["送餐", "delivery"];
    GovernmentServices = "government_services", "政务服务", "Government services", ["政务", "办事", "办证"];
    LegalAdvice = "legal_advice", "法律咨询", "Legal advice", ["法律", "律师", "lawyer"];
    AfterSchoolCare = "after_school_care", "四点半课堂", "After-school care", ["托管", "四点半", "after school"];
    StepFree = "step_free", "无障碍通行", "Step-free access", ["无障碍", "轮椅", "wheelchair", "accessible"];
}

/// A service code that is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown service code '{0}': expected one of {list}", list = Amenity::ALL.iter().map(|a| a.code()).collect::<Vec<_>>().join(", "))]
pub struct UnknownAmenity(pub String);

impl FromStr for Amenity {
    type Err = UnknownAmenity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amenity::ALL
            .iter()
            .copied()
            .find(|a| a.code() == s.trim())
            .ok_or_else(|| UnknownAmenity(s.to_string()))
    }
}

impl fmt::Display for Amenity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A set of [`Amenity`] values, stored as one bit each in vocabulary order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Amenities(u32);

impl Amenities {
    /// The empty set.
    pub const EMPTY: Amenities = Amenities(0);

    fn bit(a: Amenity) -> u32 {
        let index = Amenity::ALL.iter().position(|x| *x == a).unwrap_or(0);
        1 << index
    }

    /// From stored bits; `None` if a bit beyond the vocabulary is set.
    pub fn from_bits(bits: u32) -> Option<Amenities> {
        let known = (1u64 << Amenity::ALL.len()) - 1;
        (u64::from(bits) & !known == 0).then_some(Amenities(bits))
    }

    /// The stored bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Adds one amenity.
    pub fn insert(&mut self, a: Amenity) {
        self.0 |= Self::bit(a);
    }

    /// Adds `a` if absent, removes it if present.
    pub fn toggle(&mut self, a: Amenity) {
        self.0 ^= Self::bit(a);
    }

    /// Is `a` in the set?
    pub fn contains(self, a: Amenity) -> bool {
        self.0 & Self::bit(a) != 0
    }

    /// Does this set contain every amenity of `other`?
    pub const fn contains_all(self, other: Amenities) -> bool {
        self.0 & other.0 == other.0
    }

    /// The members in vocabulary order.
    pub fn iter(self) -> impl Iterator<Item = Amenity> {
        Amenity::ALL
            .iter()
            .copied()
            .filter(move |a| self.contains(*a))
    }
}

impl FromIterator<Amenity> for Amenities {
    fn from_iter<I: IntoIterator<Item = Amenity>>(iter: I) -> Self {
        let mut set = Amenities::EMPTY;
        for a in iter {
            set.insert(a);
        }
        set
    }
}

/// One place, as stored in the bundle. Coordinates are WGS-84.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The identifier from the services file, unique in a bundle.
    pub id: String,
    /// Display name, usually Chinese.
    pub name: String,
    /// What kind of place it is.
    pub kind: Kind,
    /// Where it is (WGS-84, stored to 1e-6 degrees).
    pub location: LngLat,
    /// Street address, may be empty.
    pub address: String,
    /// OpenStreetMap `opening_hours` string, empty when unknown. Valid syntax: the builder
    /// rejects strings that do not parse.
    pub opening_hours: String,
    /// What it offers.
    pub amenities: Amenities,
    /// Telephone number, may be empty.
    pub phone: String,
    /// Floor, Chinese convention: 1 is the ground floor, -1 the first basement.
    pub floor: Option<i8>,
    /// Free-text notes, may be empty.
    pub notes: String,
    /// Free-text price (canteens), may be empty.
    pub price: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_round_trips_and_fits_in_the_bits() {
        assert!(Amenity::ALL.len() <= 32);
        for a in Amenity::ALL {
            assert_eq!(a.code().parse::<Amenity>(), Ok(*a));
        }
        let set: Amenities = [Amenity::Toilet, Amenity::StepFree].into_iter().collect();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Amenity::Toilet, Amenity::StepFree]
        );
        assert_eq!(Amenities::from_bits(set.bits()), Some(set));
        assert_eq!(Amenities::from_bits(1 << 31), None);
    }

    #[test]
    fn unknown_codes_name_the_vocabulary() {
        let err = "sauna".parse::<Amenity>().unwrap_err().to_string();
        assert!(
            err.contains("'sauna'") && err.contains("drinking_water"),
            "{err}"
        );
        assert!("hospital".parse::<Kind>().is_err());
        assert_eq!("rest_stop".parse::<Kind>(), Ok(Kind::RestStop));
    }
}
