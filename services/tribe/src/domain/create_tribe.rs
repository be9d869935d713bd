//! Creating a tribe: the tribe in FORMING and its creator's membership, in one transaction,
//! at most once per request id of a creator.

use circle_core::db::StoreError;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::{
    MaxMembers, MemberRole, MembershipStatus, Tribe, TribeDescription, TribeId, TribeName,
    TribePrivacy, TribeStatus, UserId,
};
use crate::error::Error;
use crate::query::{members, tribes};

/// What a person asks for when creating a tribe, validated.
#[derive(Clone, Debug)]
pub struct NewTribe {
    pub name: TribeName,
    pub description: TribeDescription,
    pub privacy: TribePrivacy,
    pub max_members: MaxMembers,
    /// The creator's idempotency key: the same key returns the tribe created first.
    pub request_id: Option<Uuid>,
}

impl NewTribe {
    /// Whether `tribe` is what this request would have created.
    fn created(&self, tribe: &Tribe) -> bool {
        tribe.name == self.name.as_str()
            && tribe.description == self.description.as_str()
            && tribe.privacy == self.privacy
            && tribe.max_members == self.max_members
    }
}

pub async fn create_tribe(
    conn: &mut AsyncPgConnection,
    creator: UserId,
    new: NewTribe,
) -> Result<Tribe, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let row = tribes::NewTribeRow {
            id: TribeId::generate(),
            name: new.name.as_str(),
            description: new.description.as_str(),
            status: TribeStatus::Forming,
            privacy: new.privacy,
            max_members: new.max_members,
            creator_id: creator,
            request_id: new.request_id,
        };
        let Some(tribe) = tribes::insert(conn, &row).await? else {
            return replay(conn, creator, &new).await;
        };
        members::insert(
            conn,
            &members::NewMember {
                tribe_id: tribe.id,
                user_id: creator,
                role: MemberRole::Creator,
                status: MembershipStatus::Active,
            },
        )
        .await?;
        Ok(tribe)
    })
    .await
}

/// The insert met the creator's earlier tribe with the same request id (after that transaction
/// committed): the same request gets that tribe, a different one is refused.
async fn replay(
    conn: &mut AsyncPgConnection,
    creator: UserId,
    new: &NewTribe,
) -> Result<Tribe, Error> {
    let first = match new.request_id {
        Some(request_id) => tribes::find_by_request(conn, creator, request_id).await?,
        None => None,
    };
    match first {
        Some(tribe) if new.created(&tribe) => Ok(tribe),
        Some(_) => Err(Error::RequestIdReused),
        // The conflicting row is gone again: a retry creates the tribe afresh.
        None => Err(Error::Store(StoreError::Conflict)),
    }
}
