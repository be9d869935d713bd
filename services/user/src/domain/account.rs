//! The lifecycle status and the role of an account, stored as text.

use std::io::Write;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum AccountStatus {
    /// Registered, email not verified yet.
    Pending,
    Active,
    Inactive,
    Suspended,
    Deleted,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Pending => "PENDING",
            AccountStatus::Active => "ACTIVE",
            AccountStatus::Inactive => "INACTIVE",
            AccountStatus::Suspended => "SUSPENDED",
            AccountStatus::Deleted => "DELETED",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [
            AccountStatus::Pending,
            AccountStatus::Active,
            AccountStatus::Inactive,
            AccountStatus::Suspended,
            AccountStatus::Deleted,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum AccountRole {
    User,
    TribeCreator,
    Admin,
}

impl AccountRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::User => "USER",
            AccountRole::TribeCreator => "TRIBE_CREATOR",
            AccountRole::Admin => "ADMIN",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [
            AccountRole::User,
            AccountRole::TribeCreator,
            AccountRole::Admin,
        ]
        .into_iter()
        .find(|role| role.as_str() == value)
    }
}

impl From<AccountRole> for circle_core::auth::Role {
    fn from(role: AccountRole) -> Self {
        match role {
            AccountRole::User => circle_core::auth::Role::User,
            AccountRole::TribeCreator => circle_core::auth::Role::TribeCreator,
            AccountRole::Admin => circle_core::auth::Role::Admin,
        }
    }
}

macro_rules! text_enum_sql {
    ($name:ident, $what:literal) => {
        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                out.write_all(self.as_str().as_bytes())?;
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                let value = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                $name::parse(&value).ok_or_else(|| format!("unknown {} {value:?}", $what).into())
            }
        }
    };
}

text_enum_sql!(AccountStatus, "account status");
text_enum_sql!(AccountRole, "account role");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for status in [
            AccountStatus::Pending,
            AccountStatus::Active,
            AccountStatus::Inactive,
            AccountStatus::Suspended,
            AccountStatus::Deleted,
        ] {
            assert_eq!(AccountStatus::parse(status.as_str()), Some(status));
        }
        for role in [
            AccountRole::User,
            AccountRole::TribeCreator,
            AccountRole::Admin,
        ] {
            assert_eq!(AccountRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(AccountStatus::parse("active"), None);
    }
}
