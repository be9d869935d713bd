//! The lifecycle status and the role of an account, stored as text.

circle_core::text_enum! {
    pub enum AccountStatus {
        /// Registered, email not verified yet.
        Pending = "PENDING",
        Active = "ACTIVE",
        Inactive = "INACTIVE",
        Suspended = "SUSPENDED",
        Deleted = "DELETED",
    }
}

circle_core::text_enum! {
    pub enum AccountRole {
        User = "USER",
        TribeCreator = "TRIBE_CREATOR",
        Admin = "ADMIN",
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
