//! Payloads of the tribe service's facts.

use circle_proto::tribe::v1::{MemberInvited, MembershipChanged, TribeStatusChanged};
use tonic::Status;
use uuid::Uuid;

use super::text;

/// Tribe names are at most 60 characters at the tribe service; this leaves it room to grow.
const MAX_TRIBE_NAME_CHARS: usize = 200;

/// A matchmaking run offered `user_id` a seat in a tribe.
#[derive(Clone, Debug)]
pub struct Invitation {
    pub user_id: Uuid,
    pub tribe_id: Uuid,
    pub tribe_name: String,
}

/// `user_id` was removed from a tribe by someone else.
#[derive(Clone, Debug)]
pub struct Removal {
    pub user_id: Uuid,
    pub tribe_id: Uuid,
    pub tribe_name: String,
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

impl TryFrom<MemberInvited> for Invitation {
    type Error = Status;

    fn try_from(message: MemberInvited) -> Result<Self, Status> {
        let MemberInvited {
            tribe_id,
            tribe_name,
            user_id,
            run_id: _,
        } = message;
        Ok(Invitation {
            user_id: circle_core::wire::uuid("fact.payload.user_id", &user_id)?,
            tribe_id: circle_core::wire::uuid("fact.payload.tribe_id", &tribe_id)?,
            tribe_name: text("fact.payload.tribe_name", tribe_name, MAX_TRIBE_NAME_CHARS)?,
        })
    }
}

impl TryFrom<MembershipChanged> for Removal {
    type Error = Status;

    fn try_from(message: MembershipChanged) -> Result<Self, Status> {
        let MembershipChanged {
            tribe_id,
            tribe_name,
            user_id,
            actor_id: _,
            member_ids: _,
        } = message;
        Ok(Removal {
            user_id: circle_core::wire::uuid("fact.payload.user_id", &user_id)?,
            tribe_id: circle_core::wire::uuid("fact.payload.tribe_id", &tribe_id)?,
            tribe_name: text("fact.payload.tribe_name", tribe_name, MAX_TRIBE_NAME_CHARS)?,
        })
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
