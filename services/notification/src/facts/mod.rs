//! Facts from other services' outboxes, parsed from the wire into what this service acts on.
//!
//! A fact names its producer, which must be the calling service, and its topic; a topic this
//! service does not know is not an error (producers may add topics before consumers use them).

mod tribe;
mod user;

use circle_core::error::{invalid_argument, permission_denied};
use circle_proto::common::v1::Fact;
use circle_proto::tribe::v1::{MemberInvited, MembershipChanged, TribeStatusChanged};
use circle_proto::user::v1::{AchievementAwarded, UserErased, VerificationCodeIssued};
use prost::Message;
use tonic::Status;
use uuid::Uuid;

pub use tribe::{TribeMember, TribeNews, TribeStatus};
pub use user::{Achievement, VerificationCode};

pub const VERIFICATION_CODE_ISSUED: &str = "user.verification_code_issued";
pub const ACHIEVEMENT_AWARDED: &str = "user.achievement_awarded";
pub const USER_ERASED: &str = "user.erased";
pub const MEMBER_INVITED: &str = "tribe.member_invited";
pub const MEMBER_REMOVED: &str = "tribe.member_removed";
pub const TRIBE_ACTIVE: &str = "tribe.active";
pub const TRIBE_AT_RISK: &str = "tribe.at_risk";
pub const TRIBE_DISSOLVED: &str = "tribe.dissolved";

/// What identifies a delivered fact, whatever its topic.
#[derive(Clone, Debug)]
pub struct Envelope {
    pub id: Uuid,
    pub topic: String,
    pub producer: String,
}

/// A fact as delivered: a checked envelope and the still encoded payload.
#[derive(Debug)]
pub struct DeliveredFact {
    pub envelope: Envelope,
    payload: Vec<u8>,
}

/// The facts this service acts on.
#[derive(Debug)]
pub enum Payload {
    /// Something to tell people.
    Notice(Notice),
    /// The person asked to be forgotten.
    UserErased { user_id: Uuid },
}

/// The facts that become notifications.
#[derive(Debug)]
pub enum Notice {
    VerificationCodeIssued(VerificationCode),
    AchievementAwarded(Achievement),
    MemberInvited(TribeMember),
    MemberRemoved(TribeMember),
    TribeStatusChanged(TribeNews),
}

/// An address that is safe to put in a mail header: one line, one `@`, both sides non-empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(value: &str) -> Option<EmailAddress> {
        let (local, domain) = value.split_once('@')?;
        let well_formed = !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            && value.len() <= 254
            && !value
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';'));
        well_formed.then(|| EmailAddress(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<Option<Fact>> for DeliveredFact {
    type Error = Status;

    fn try_from(fact: Option<Fact>) -> Result<Self, Status> {
        let Fact {
            id,
            topic,
            aggregate_id: _,
            payload,
            occur_time: _,
            producer,
        } = fact.ok_or_else(|| invalid_argument("fact", "is required"))?;
        let id = circle_core::wire::uuid("fact.id", &id)?;
        if topic.is_empty() {
            return Err(invalid_argument("fact.topic", "is required"));
        }
        if producer.is_empty() {
            return Err(invalid_argument("fact.producer", "is required"));
        }
        Ok(DeliveredFact {
            envelope: Envelope {
                id,
                topic,
                producer,
            },
            payload,
        })
    }
}

impl DeliveredFact {
    /// The payload of a known topic; `None` for a topic this service does not act on.
    pub fn decode(&self) -> Result<Option<Payload>, Status> {
        let notice = match self.envelope.topic.as_str() {
            VERIFICATION_CODE_ISSUED => {
                self.require_producer("user")?;
                let message: VerificationCodeIssued = self.message("VerificationCodeIssued")?;
                Notice::VerificationCodeIssued(message.try_into()?)
            }
            ACHIEVEMENT_AWARDED => {
                self.require_producer("user")?;
                let message: AchievementAwarded = self.message("AchievementAwarded")?;
                Notice::AchievementAwarded(message.try_into()?)
            }
            USER_ERASED => {
                self.require_producer("user")?;
                let UserErased {
                    user_id,
                    erase_time: _,
                } = self.message("UserErased")?;
                let user_id = circle_core::wire::uuid("fact.payload.user_id", &user_id)?;
                return Ok(Some(Payload::UserErased { user_id }));
            }
            MEMBER_INVITED => {
                self.require_producer("tribe")?;
                let message: MemberInvited = self.message("MemberInvited")?;
                Notice::MemberInvited(message.try_into()?)
            }
            MEMBER_REMOVED => {
                self.require_producer("tribe")?;
                let message: MembershipChanged = self.message("MembershipChanged")?;
                Notice::MemberRemoved(message.try_into()?)
            }
            topic @ (TRIBE_ACTIVE | TRIBE_AT_RISK | TRIBE_DISSOLVED) => {
                self.require_producer("tribe")?;
                let status = match topic {
                    TRIBE_ACTIVE => TribeStatus::Active,
                    TRIBE_AT_RISK => TribeStatus::AtRisk,
                    _ => TribeStatus::Dissolved,
                };
                let message: TribeStatusChanged = self.message("TribeStatusChanged")?;
                Notice::TribeStatusChanged(TribeNews::parse(status, message)?)
            }
            _ => return Ok(None),
        };
        Ok(Some(Payload::Notice(notice)))
    }

    fn message<M: Message + Default>(&self, name: &str) -> Result<M, Status> {
        M::decode(self.payload.as_slice())
            .map_err(|_| invalid_argument("fact.payload", format!("is not a {name}")))
    }

    fn require_producer(&self, owner: &str) -> Result<(), Status> {
        if self.envelope.producer == owner {
            return Ok(());
        }
        Err(permission_denied(
            "FOREIGN_TOPIC",
            format!(
                "topic {} is produced by {owner}, not {}",
                self.envelope.topic, self.envelope.producer
            ),
        ))
    }
}

/// A required single-line text of the payload (a name shown to the person), at most `max` characters.
fn text(field: &str, value: String, max: usize) -> Result<String, Status> {
    if value.trim().is_empty() || value.chars().count() > max || value.chars().any(char::is_control)
    {
        return Err(invalid_argument(
            field,
            format!("must be 1 to {max} printable characters"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_must_be_safe_header_values() {
        assert!(EmailAddress::parse("ada@example.com").is_some());
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "a@b@c",
            "ada@example.com\r\nBcc: eve@example.com",
            "Ada <ada@example.com>",
            "ada lovelace@example.com",
        ] {
            assert_eq!(EmailAddress::parse(bad), None, "{bad:?}");
        }
    }
}
