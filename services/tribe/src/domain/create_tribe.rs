//! Creating a tribe: the tribe in FORMING, its interests and its creator's membership, the
//! first entry of its feed and the fact that it formed, in one transaction, at most once per
//! request id of a creator.

use std::collections::BTreeMap;

use circle_core::db::StoreError;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::activity::{self, ActivityType};
use super::{
    GeoPoint, Interests, LocationName, MaxMembers, MemberRole, MembershipStatus, Tribe,
    TribeDescription, TribeDetails, TribeId, TribeName, TribePrivacy, TribeStatus, UserId, facts,
};
use crate::error::Error;
use crate::query::{interests, members, tribes};

/// What a person asks for when creating a tribe, validated.
#[derive(Clone, Debug)]
pub struct NewTribe {
    pub name: TribeName,
    pub description: TribeDescription,
    pub privacy: TribePrivacy,
    pub max_members: MaxMembers,
    /// The creator's idempotency key: the same key returns the tribe created first.
    pub request_id: Option<Uuid>,
    pub location_name: LocationName,
    pub location: Option<GeoPoint>,
    pub interests: Interests,
}

impl NewTribe {
    /// Whether `tribe` is what this request would have created.
    fn created(&self, tribe: &TribeDetails) -> bool {
        let TribeDetails { tribe, interests } = tribe;
        tribe.name == self.name.as_str()
            && tribe.description == self.description.as_str()
            && tribe.privacy == self.privacy
            && tribe.max_members == self.max_members
            && tribe.location_name == self.location_name.as_str()
            && tribe.location() == self.location
            && same_interests(interests, &self.interests)
    }
}

fn same_interests(stored: &[super::Interest], asked: &Interests) -> bool {
    stored.len() == asked.as_slice().len()
        && asked
            .as_slice()
            .iter()
            .all(|interest| stored.contains(interest))
}

pub async fn create_tribe(
    conn: &mut AsyncPgConnection,
    creator: UserId,
    new: NewTribe,
) -> Result<TribeDetails, Error> {
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
            location_name: new.location_name.as_str(),
            latitude: new.location.map(|at| at.latitude),
            longitude: new.location.map(|at| at.longitude),
            member_count: 1,
        };
        let Some(tribe) = tribes::insert(conn, &row).await? else {
            return replay(conn, creator, &new).await;
        };
        members::insert(
            conn,
            &[members::NewMember {
                tribe_id: tribe.id,
                user_id: creator,
                role: MemberRole::Creator,
                status: MembershipStatus::Active,
                invited_by: None,
            }],
        )
        .await?;
        interests::replace(conn, tribe.id, &new.interests).await?;
        activity::record(
            conn,
            tribe.id,
            Some(creator),
            ActivityType::TribeCreated,
            format!("created the tribe {:?}", tribe.name),
            BTreeMap::new(),
        )
        .await?;
        facts::formed(conn, &tribe).await?;
        details(conn, tribe).await
    })
    .await
}

/// The tribe with its interests.
pub async fn details(conn: &mut AsyncPgConnection, tribe: Tribe) -> Result<TribeDetails, Error> {
    let interests = interests::of(conn, tribe.id).await?;
    Ok(TribeDetails { tribe, interests })
}

/// The insert met the creator's earlier tribe with the same request id (after that transaction
/// committed): the same request gets that tribe, a different one is refused.
async fn replay(
    conn: &mut AsyncPgConnection,
    creator: UserId,
    new: &NewTribe,
) -> Result<TribeDetails, Error> {
    let first = match new.request_id {
        Some(request_id) => tribes::find_by_request(conn, creator, request_id).await?,
        None => None,
    };
    let first = match first {
        Some(tribe) => details(conn, tribe).await?,
        // The conflicting row is gone again: a retry creates the tribe afresh.
        None => return Err(Error::Store(StoreError::Conflict)),
    };
    if new.created(&first) {
        Ok(first)
    } else {
        Err(Error::RequestIdReused)
    }
}
