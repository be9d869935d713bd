//! Payloads of the user service's facts.

use chrono::{DateTime, Utc};
use circle_core::error::invalid_argument;
use circle_proto::user::v1::{AchievementAwarded, VerificationCodeIssued};
use tonic::Status;
use uuid::Uuid;

use super::{EmailAddress, text};

/// A code the user service issued to prove that a person owns an email address.
#[derive(Clone, Debug)]
pub struct VerificationCode {
    pub user_id: Uuid,
    pub email: EmailAddress,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// An achievement a person earned (the fact comes once, at the first award).
#[derive(Clone, Debug)]
pub struct Achievement {
    pub user_id: Uuid,
    pub name: String,
    pub points: i32,
}

impl TryFrom<VerificationCodeIssued> for VerificationCode {
    type Error = Status;

    fn try_from(message: VerificationCodeIssued) -> Result<Self, Status> {
        let VerificationCodeIssued {
            user_id,
            email,
            code,
            expire_time,
        } = message;
        let user_id = circle_core::wire::uuid("fact.payload.user_id", &user_id)?;
        let email = EmailAddress::parse(&email)
            .ok_or_else(|| invalid_argument("fact.payload.email", "must be an email address"))?;
        if code.is_empty() || code.len() > 64 || code.chars().any(char::is_control) {
            return Err(invalid_argument(
                "fact.payload.code",
                "must be 1 to 64 printable characters",
            ));
        }
        let expire_time = expire_time
            .ok_or_else(|| invalid_argument("fact.payload.expire_time", "is required"))?;
        let expires_at =
            circle_core::wire::from_timestamp("fact.payload.expire_time", &expire_time)?;
        Ok(VerificationCode {
            user_id,
            email,
            code,
            expires_at,
        })
    }
}

impl TryFrom<AchievementAwarded> for Achievement {
    type Error = Status;

    fn try_from(message: AchievementAwarded) -> Result<Self, Status> {
        let AchievementAwarded {
            user_id,
            achievement_id: _,
            user_achievement_id: _,
            name,
            points,
            award_time: _,
        } = message;
        let user_id = circle_core::wire::uuid("fact.payload.user_id", &user_id)?;
        let name = text("fact.payload.name", name, 200)?;
        if points < 0 {
            return Err(invalid_argument(
                "fact.payload.points",
                "must not be negative",
            ));
        }
        Ok(Achievement {
            user_id,
            name,
            points,
        })
    }
}
