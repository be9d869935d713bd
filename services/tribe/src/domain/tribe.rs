//! A tribe and the values it is made of.

use chrono::{DateTime, Utc};
use circle_core::text::{InvalidValue, Lines, check_text};
use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::serialize::{Output, ToSql};
use diesel::sql_types::SmallInt;

use super::UserId;
use crate::schema::tribes::{tribe_interests, tribes};

circle_core::uuid_id! {
    /// Identifies a tribe.
    pub struct TribeId(pub Uuid);
}

impl TribeId {
    /// A new, time-ordered id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

circle_core::text_enum! {
    /// Where a tribe is in its life.
    pub enum TribeStatus {
        /// Gathering its members; every tribe starts here.
        Forming = "FORMING",
        Active = "ACTIVE",
        /// Losing members or activity.
        AtRisk = "AT_RISK",
        Inactive = "INACTIVE",
        Dissolved = "DISSOLVED",
    }
}

circle_core::text_enum! {
    /// Who may see a tribe.
    pub enum TribePrivacy {
        /// Anyone.
        Public = "PUBLIC",
        /// Its active members (and the suite's services).
        Private = "PRIVATE",
    }
}

/// A tribe's name: trimmed, 1 to 80 characters, on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TribeName(String);

impl TribeName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidValue("must not be empty".to_owned()));
        }
        check_text(name, Self::MAX_CHARS, Lines::Single)?;
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a tribe is about: at most 1000 characters, possibly empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TribeDescription(String);

impl TribeDescription {
    pub const MAX_CHARS: usize = 1000;

    pub fn parse(raw: String) -> Result<Self, InvalidValue> {
        check_text(&raw, Self::MAX_CHARS, Lines::Multi)?;
        Ok(Self(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many people a tribe holds at most: 4 to 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = SmallInt)]
pub struct MaxMembers(i16);

impl MaxMembers {
    pub const MIN: i16 = 4;
    pub const MAX: i16 = 8;
    pub const DEFAULT: MaxMembers = MaxMembers(Self::MAX);

    pub fn get(self) -> i16 {
        self.0
    }
}

impl TryFrom<i32> for MaxMembers {
    type Error = InvalidValue;

    fn try_from(value: i32) -> Result<Self, InvalidValue> {
        i16::try_from(value)
            .ok()
            .filter(|n| (Self::MIN..=Self::MAX).contains(n))
            .map(Self)
            .ok_or_else(|| InvalidValue(format!("must be from {} to {}", Self::MIN, Self::MAX)))
    }
}

impl ToSql<SmallInt, Pg> for MaxMembers {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        <i16 as ToSql<SmallInt, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<SmallInt, Pg> for MaxMembers {
    fn from_sql(value: PgValue<'_>) -> diesel::deserialize::Result<Self> {
        let n = <i16 as FromSql<SmallInt, Pg>>::from_sql(value)?;
        Ok(Self::try_from(i32::from(n))?)
    }
}

impl TribeStatus {
    /// Whether people may still join, post and set goals.
    pub fn is_open(self) -> bool {
        self != TribeStatus::Dissolved
    }

    /// What a tribe that is not dissolved becomes with `active` members: ACTIVE from four on,
    /// FORMING below (a membership change is activity, so AT_RISK and INACTIVE end too).
    pub fn for_member_count(active: i16) -> TribeStatus {
        if active >= MaxMembers::MIN {
            TribeStatus::Active
        } else {
            TribeStatus::Forming
        }
    }
}

/// A tribe's general location in words: at most 120 characters on one line, possibly empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocationName(String);

impl LocationName {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let name = raw.trim();
        check_text(name, Self::MAX_CHARS, Lines::Single)?;
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A point on earth in WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

impl GeoPoint {
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, InvalidValue> {
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(InvalidValue("latitude must be from -90 to 90".to_owned()));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(InvalidValue(
                "longitude must be from -180 to 180".to_owned(),
            ));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }
}

/// A tribe as read.
#[derive(Clone, Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = tribes, check_for_backend(Pg))]
pub struct Tribe {
    pub id: TribeId,
    pub name: String,
    pub description: String,
    pub status: TribeStatus,
    pub privacy: TribePrivacy,
    pub max_members: MaxMembers,
    pub creator_id: UserId,
    pub created_at: DateTime<Utc>,
    pub location_name: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub member_count: i16,
}

impl Tribe {
    pub fn location(&self) -> Option<GeoPoint> {
        Some(GeoPoint {
            latitude: self.latitude?,
            longitude: self.longitude?,
        })
    }

    pub fn is_full(&self) -> bool {
        self.member_count >= self.max_members.get()
    }
}

circle_core::text_enum! {
    /// What an interest is about (the user domain's catalog of categories).
    pub enum InterestCategory {
        OutdoorAdventures = "OUTDOOR_ADVENTURES",
        ArtsCulture = "ARTS_CULTURE",
        FoodDining = "FOOD_DINING",
        SportsFitness = "SPORTS_FITNESS",
        GamesEntertainment = "GAMES_ENTERTAINMENT",
        LearningEducation = "LEARNING_EDUCATION",
        Technology = "TECHNOLOGY",
        WellnessMindfulness = "WELLNESS_MINDFULNESS",
    }
}

/// An interest a tribe is about.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = tribe_interests, check_for_backend(Pg))]
pub struct Interest {
    pub category: InterestCategory,
    pub name: String,
    pub is_primary: bool,
}

/// A tribe's interests: at most 10, names trimmed to 1..=60 characters, no two alike.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interests(Vec<Interest>);

impl Interests {
    pub const MAX: usize = 10;
    pub const MAX_NAME_CHARS: usize = 60;

    pub fn parse(raw: Vec<Interest>) -> Result<Self, InvalidValue> {
        if raw.len() > Self::MAX {
            return Err(InvalidValue(format!("at most {} interests", Self::MAX)));
        }
        let mut interests: Vec<Interest> = Vec::with_capacity(raw.len());
        for interest in raw {
            let name = interest.name.trim();
            if name.is_empty() {
                return Err(InvalidValue(
                    "an interest's name must not be empty".to_owned(),
                ));
            }
            check_text(name, Self::MAX_NAME_CHARS, Lines::Single)?;
            if interests
                .iter()
                .any(|seen| seen.category == interest.category && seen.name == name)
            {
                return Err(InvalidValue(format!("{name:?} is listed twice")));
            }
            interests.push(Interest {
                name: name.to_owned(),
                ..interest
            });
        }
        Ok(Self(interests))
    }

    pub fn as_slice(&self) -> &[Interest] {
        &self.0
    }
}

/// A tribe with its interests, as callers see it.
#[derive(Clone, Debug)]
pub struct TribeDetails {
    pub tribe: Tribe,
    pub interests: Vec<Interest>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_members_holds_only_four_to_eight() {
        for n in [4, 8] {
            assert_eq!(MaxMembers::try_from(n).map(MaxMembers::get), Ok(n as i16));
        }
        for n in [i32::MIN, -1, 0, 3, 9, 65_540] {
            assert!(MaxMembers::try_from(n).is_err(), "{n}");
        }
    }

    #[test]
    fn status_follows_the_active_member_count() {
        assert_eq!(TribeStatus::for_member_count(3), TribeStatus::Forming);
        assert_eq!(TribeStatus::for_member_count(4), TribeStatus::Active);
        assert_eq!(TribeStatus::for_member_count(8), TribeStatus::Active);
    }

    #[test]
    fn points_stay_on_earth() {
        assert!(GeoPoint::new(52.5, 13.4).is_ok());
        assert!(GeoPoint::new(90.5, 0.0).is_err());
        assert!(GeoPoint::new(0.0, -180.5).is_err());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
    }

    #[test]
    fn interests_are_trimmed_bounded_and_distinct() {
        let interest = |name: &str| Interest {
            category: InterestCategory::Technology,
            name: name.to_owned(),
            is_primary: false,
        };
        let parsed = Interests::parse(vec![interest(" rust "), interest("go")]).unwrap();
        assert_eq!(parsed.as_slice()[0].name, "rust");
        assert!(Interests::parse(vec![interest("rust"), interest("rust ")]).is_err());
        assert!(Interests::parse(vec![interest(" ")]).is_err());
        assert!(Interests::parse(vec![interest("x"); 11]).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(TribeName::parse("  Hikers ").unwrap().as_str(), "Hikers");
        assert!(TribeName::parse(" \t ").is_err());
        assert!(TribeName::parse(&"n".repeat(80)).is_ok());
        assert!(TribeName::parse(&"n".repeat(81)).is_err());
    }
}
