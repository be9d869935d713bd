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
use crate::schema::tribes::tribes;

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

/// A tribe as read.
#[derive(Clone, Debug, Queryable, Selectable)]
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
    fn names_are_trimmed_and_bounded() {
        assert_eq!(TribeName::parse("  Hikers ").unwrap().as_str(), "Hikers");
        assert!(TribeName::parse(" \t ").is_err());
        assert!(TribeName::parse(&"n".repeat(80)).is_ok());
        assert!(TribeName::parse(&"n".repeat(81)).is_err());
    }
}
