//! Facts from other services' outboxes, parsed from the wire into what this service acts on.
//!
//! A fact names its producer, which must be the calling service, and its topic; a topic this
//! service does not know is not an error (producers may add topics before consumers use them).

use chrono::{DateTime, Utc};
use circle_core::error::{invalid_argument, permission_denied};
use circle_proto::common::v1::Fact;
use circle_proto::user::v1::VerificationCodeIssued;
use prost::Message;
use tonic::Status;
use uuid::Uuid;

pub const VERIFICATION_CODE_ISSUED: &str = "user.verification_code_issued";

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
    VerificationCodeIssued(VerificationCode),
}

/// A code the user service issued to prove that a person owns an email address.
#[derive(Clone, Debug)]
pub struct VerificationCode {
    pub user_id: Uuid,
    pub email: EmailAddress,
    pub code: String,
    pub expires_at: DateTime<Utc>,
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
        match self.envelope.topic.as_str() {
            VERIFICATION_CODE_ISSUED => {
                self.require_producer("user")?;
                let message =
                    VerificationCodeIssued::decode(self.payload.as_slice()).map_err(|_| {
                        invalid_argument("fact.payload", "is not a VerificationCodeIssued")
                    })?;
                Ok(Some(Payload::VerificationCodeIssued(message.try_into()?)))
            }
            _ => Ok(None),
        }
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
