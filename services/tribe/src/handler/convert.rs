//! Conversions between the contract's messages and domain values. Requests are destructured
//! field by field, so a field added to the contract does not compile until it is handled.

use circle_core::error::invalid_argument;
use circle_core::text::field;
use circle_core::wire;
use circle_proto::tribe::v1 as proto;
use tonic::Status;

use crate::domain::{
    MaxMembers, NewTribe, Tribe, TribeDescription, TribeId, TribeName, TribePrivacy, TribeStatus,
};

impl TryFrom<proto::CreateTribeRequest> for NewTribe {
    type Error = Status;

    fn try_from(request: proto::CreateTribeRequest) -> Result<Self, Status> {
        let proto::CreateTribeRequest {
            name,
            description,
            privacy,
            max_members,
            request_id,
        } = request;
        Ok(NewTribe {
            name: field("name", TribeName::parse(&name))?,
            description: field("description", TribeDescription::parse(description))?,
            privacy: privacy_from_proto(privacy)?,
            max_members: match max_members {
                0 => MaxMembers::DEFAULT,
                n => field("max_members", MaxMembers::try_from(n))?,
            },
            request_id: wire::optional_uuid("request_id", &request_id)?,
        })
    }
}

pub fn tribe_id(value: &str) -> Result<TribeId, Status> {
    wire::uuid("tribe_id", value).map(TribeId)
}

impl From<Tribe> for proto::Tribe {
    fn from(tribe: Tribe) -> Self {
        let Tribe {
            id,
            name,
            description,
            status,
            privacy,
            max_members,
            creator_id,
            created_at,
        } = tribe;
        proto::Tribe {
            id: id.to_string(),
            name,
            description,
            status: proto::TribeStatus::from(status).into(),
            privacy: proto::TribePrivacy::from(privacy).into(),
            max_members: max_members.get().into(),
            creator_id: creator_id.to_string(),
            create_time: Some(wire::timestamp(created_at)),
        }
    }
}

impl From<TribeStatus> for proto::TribeStatus {
    fn from(status: TribeStatus) -> Self {
        match status {
            TribeStatus::Forming => proto::TribeStatus::Forming,
            TribeStatus::Active => proto::TribeStatus::Active,
            TribeStatus::AtRisk => proto::TribeStatus::AtRisk,
            TribeStatus::Inactive => proto::TribeStatus::Inactive,
            TribeStatus::Dissolved => proto::TribeStatus::Dissolved,
        }
    }
}

impl From<TribePrivacy> for proto::TribePrivacy {
    fn from(privacy: TribePrivacy) -> Self {
        match privacy {
            TribePrivacy::Public => proto::TribePrivacy::Public,
            TribePrivacy::Private => proto::TribePrivacy::Private,
        }
    }
}

/// Unspecified means PUBLIC.
fn privacy_from_proto(value: i32) -> Result<TribePrivacy, Status> {
    match proto::TribePrivacy::try_from(value) {
        Ok(proto::TribePrivacy::Unspecified | proto::TribePrivacy::Public) => {
            Ok(TribePrivacy::Public)
        }
        Ok(proto::TribePrivacy::Private) => Ok(TribePrivacy::Private),
        Err(_) => Err(invalid_argument("privacy", "is not a TribePrivacy")),
    }
}
