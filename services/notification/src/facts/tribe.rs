//! Payloads of the tribe service's facts.

use circle_proto::tribe::v1::{MemberInvited, MembershipChanged, TribeStatusChanged};
use tonic::Status;
use uuid::Uuid;

use super::text;

/// Tribe names are at most 60 characters at the tribe service; this leaves it room to grow.
const MAX_TRIBE_NAME_CHARS: usize = 200;

/// The person a membership fact is about and their tribe: invited to it by a matchmaking run
/// (`tribe.member_invited`) or removed from it by someone else (`tribe.member_removed`).
#[derive(Clone, Debug)]
pub struct TribeMember {
    pub user_id: Uuid,
    pub tribe_id: Uuid,
    pub tribe_name: String,
}

impl TribeMember {
    fn parse(user_id: &str, tribe_id: &str, tribe_name: String) -> Result<Self, Status> {
        Ok(TribeMember {
            user_id: circle_core::wire::uuid("fact.payload.user_id", user_id)?,
            tribe_id: circle_core::wire::uuid("fact.payload.tribe_id", tribe_id)?,
            tribe_name: text("fact.payload.tribe_name", tribe_name, MAX_TRIBE_NAME_CHARS)?,
        })
    }
}

/// The statuses whose facts reach the members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TribeStatus {
    Active,
    AtRisk,
    Dissolved,
}

/// A tribe's new status, for its ACTIVE members.
#[derive(Clone, Debug)]
pub struct TribeNews {
    pub status: TribeStatus,
    pub tribe_id: Uuid,
    pub tribe_name: String,
    /// Without repeats.
    pub member_ids: Vec<Uuid>,
}

impl TryFrom<MemberInvited> for TribeMember {
    type Error = Status;

    fn try_from(message: MemberInvited) -> Result<Self, Status> {
        TribeMember::parse(&message.user_id, &message.tribe_id, message.tribe_name)
    }
}

impl TryFrom<MembershipChanged> for TribeMember {
    type Error = Status;

    fn try_from(message: MembershipChanged) -> Result<Self, Status> {
        TribeMember::parse(&message.user_id, &message.tribe_id, message.tribe_name)
    }
}

impl TribeNews {
    /// The topic gives the status; the payload's copy of it is not needed.
    pub fn parse(status: TribeStatus, message: TribeStatusChanged) -> Result<Self, Status> {
        let TribeStatusChanged {
            tribe_id,
            tribe_name,
            status: _,
            member_ids,
        } = message;
        let mut members = Vec::with_capacity(member_ids.len());
        for (i, id) in member_ids.iter().enumerate() {
            let id = circle_core::wire::uuid(&format!("fact.payload.member_ids[{i}]"), id)?;
            if !members.contains(&id) {
                members.push(id);
            }
        }
        Ok(TribeNews {
            status,
            tribe_id: circle_core::wire::uuid("fact.payload.tribe_id", &tribe_id)?,
            tribe_name: text("fact.payload.tribe_name", tribe_name, MAX_TRIBE_NAME_CHARS)?,
            member_ids: members,
        })
    }
}
