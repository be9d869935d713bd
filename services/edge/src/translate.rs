//! Public messages from internal ones. Every internal message is destructured field by field,
//! so a field added to a contract is a compile error here until it is handled.

use circle_proto::edge::v1 as edge;
use circle_proto::notification::v1 as notification;
use circle_proto::user::v1 as user;

use crate::error::Error;

pub fn account(user: user::User) -> edge::Account {
    let user::User {
        id,
        email,
        status,
        role,
        create_time,
        update_time: _,
        email_verify_time,
    } = user;
    edge::Account {
        id,
        email,
        status: account_status(status) as i32,
        role: account_role(role) as i32,
        create_time,
        email_verify_time,
    }
}

/// The account a response must carry.
pub fn required_account(user: Option<user::User>) -> Result<edge::Account, Error> {
    user.map(account).ok_or(Error::Contract {
        service: "user",
        missing: "user",
    })
}

pub fn tokens(pair: Option<user::TokenPair>) -> Result<edge::Tokens, Error> {
    let user::TokenPair {
        access_token,
        access_token_expire_time,
        refresh_token,
        refresh_token_expire_time,
    } = pair.ok_or(Error::Contract {
        service: "user",
        missing: "tokens",
    })?;
    Ok(edge::Tokens {
        access_token,
        access_token_expire_time,
        refresh_token,
        refresh_token_expire_time,
    })
}

pub fn inbox_notification(notification: notification::Notification) -> edge::InboxNotification {
    let notification::Notification {
        id,
        user_id: _,
        r#type,
        title,
        body,
        create_time,
        read_time,
    } = notification;
    edge::InboxNotification {
        id,
        title,
        body,
        create_time,
        read_time,
        r#type: notification_type(r#type).into(),
    }
}

/// A type the notification service does not know yet (a newer contract) shows as unspecified.
fn notification_type(kind: i32) -> edge::NotificationType {
    use edge::NotificationType as Out;
    use notification::NotificationType as In;
    match In::try_from(kind) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::EmailVerification) => Out::EmailVerification,
        Ok(In::TribeInvitation) => Out::TribeInvitation,
        Ok(In::TribeActive) => Out::TribeActive,
        Ok(In::TribeAtRisk) => Out::TribeAtRisk,
        Ok(In::TribeDissolved) => Out::TribeDissolved,
        Ok(In::TribeRemoved) => Out::TribeRemoved,
        Ok(In::AchievementAwarded) => Out::AchievementAwarded,
    }
}

/// A status the user service does not know yet (a newer contract) shows as unspecified.
fn account_status(status: i32) -> edge::AccountStatus {
    use edge::AccountStatus as Out;
    use user::UserStatus as In;
    match In::try_from(status) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Pending) => Out::Pending,
        Ok(In::Active) => Out::Active,
        Ok(In::Inactive) => Out::Inactive,
        Ok(In::Suspended) => Out::Suspended,
        Ok(In::Deleted) => Out::Deleted,
    }
}

fn account_role(role: i32) -> edge::AccountRole {
    use edge::AccountRole as Out;
    use user::UserRole as In;
    match In::try_from(role) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::User) => Out::User,
        Ok(In::TribeCreator) => Out::TribeCreator,
        Ok(In::Admin) => Out::Admin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Option<prost_types::Timestamp> {
        Some(prost_types::Timestamp { seconds, nanos: 0 })
    }

    #[test]
    fn every_status_and_role_has_its_public_twin() {
        let statuses = [
            (
                user::UserStatus::Unspecified,
                edge::AccountStatus::Unspecified,
            ),
            (user::UserStatus::Pending, edge::AccountStatus::Pending),
            (user::UserStatus::Active, edge::AccountStatus::Active),
            (user::UserStatus::Inactive, edge::AccountStatus::Inactive),
            (user::UserStatus::Suspended, edge::AccountStatus::Suspended),
            (user::UserStatus::Deleted, edge::AccountStatus::Deleted),
        ];
        for (inside, outside) in statuses {
            assert_eq!(account_status(inside as i32), outside);
        }
        let roles = [
            (user::UserRole::Unspecified, edge::AccountRole::Unspecified),
            (user::UserRole::User, edge::AccountRole::User),
            (
                user::UserRole::TribeCreator,
                edge::AccountRole::TribeCreator,
            ),
            (user::UserRole::Admin, edge::AccountRole::Admin),
        ];
        for (inside, outside) in roles {
            assert_eq!(account_role(inside as i32), outside);
        }
        assert_eq!(account_status(99), edge::AccountStatus::Unspecified);
        assert_eq!(account_role(-1), edge::AccountRole::Unspecified);
    }

    #[test]
    fn an_account_keeps_identity_and_times() {
        let account = account(user::User {
            id: "0190c1a2-0000-7000-8000-000000000001".into(),
            email: "ana@example.com".into(),
            status: user::UserStatus::Active as i32,
            role: user::UserRole::TribeCreator as i32,
            create_time: at(100),
            update_time: at(200),
            email_verify_time: at(150),
        });
        assert_eq!(
            account,
            edge::Account {
                id: "0190c1a2-0000-7000-8000-000000000001".into(),
                email: "ana@example.com".into(),
                status: edge::AccountStatus::Active as i32,
                role: edge::AccountRole::TribeCreator as i32,
                create_time: at(100),
                email_verify_time: at(150),
            }
        );
    }

    #[test]
    fn a_notification_shows_its_text_and_read_state() {
        let inbox = inbox_notification(notification::Notification {
            id: "n1".into(),
            user_id: "u1".into(),
            r#type: notification::NotificationType::EmailVerification as i32,
            title: "Verify your email".into(),
            body: "Your code is 123456".into(),
            create_time: at(10),
            read_time: None,
        });
        assert_eq!(
            inbox,
            edge::InboxNotification {
                id: "n1".into(),
                title: "Verify your email".into(),
                body: "Your code is 123456".into(),
                create_time: at(10),
                read_time: None,
                r#type: edge::NotificationType::EmailVerification as i32,
            }
        );
    }

    #[test]
    fn every_notification_type_keeps_its_meaning_and_unknown_ones_are_unspecified() {
        use notification::NotificationType as In;
        for kind in [
            In::EmailVerification,
            In::TribeInvitation,
            In::TribeActive,
            In::TribeAtRisk,
            In::TribeDissolved,
            In::TribeRemoved,
            In::AchievementAwarded,
        ] {
            assert_eq!(
                notification_type(kind as i32).as_str_name(),
                kind.as_str_name(),
                "{kind:?}"
            );
        }
        assert_eq!(notification_type(999), edge::NotificationType::Unspecified);
    }

    #[test]
    fn a_response_without_its_account_or_tokens_is_a_contract_breach() {
        assert!(matches!(
            required_account(None),
            Err(Error::Contract {
                missing: "user",
                ..
            })
        ));
        assert!(matches!(
            tokens(None),
            Err(Error::Contract {
                missing: "tokens",
                ..
            })
        ));
    }
}
