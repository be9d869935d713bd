//! Changing a tribe: the fields an update mask names, by the creator, on the feed.

use std::collections::BTreeMap;

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::activity::{self, ActivityType};
use super::create_tribe::details;
use super::members::{lock_open, require_creator};
use super::{
    GeoPoint, Interests, LocationName, MaxMembers, TribeDescription, TribeDetails, TribeId,
    TribeName, TribePrivacy, UserId,
};
use crate::error::Error;
use crate::query::{interests, tribes};

/// The new values of the fields an update names; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct TribeUpdate {
    pub name: Option<TribeName>,
    pub description: Option<TribeDescription>,
    pub privacy: Option<TribePrivacy>,
    pub max_members: Option<MaxMembers>,
    pub location_name: Option<LocationName>,
    /// `Some(None)` clears the location.
    pub location: Option<Option<GeoPoint>>,
    pub interests: Option<Interests>,
    /// The mask's paths, for the feed.
    pub paths: Vec<String>,
}

pub async fn update_tribe(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: TribeId,
    update: TribeUpdate,
) -> Result<TribeDetails, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        require_creator(&tribe, user)?;
        if let Some(max) = update.max_members
            && max.get() < tribe.member_count
        {
            return Err(Error::precondition(
                "MAX_MEMBERS_BELOW_COUNT",
                format!(
                    "max_members {} is below the {} active members",
                    max.get(),
                    tribe.member_count
                ),
            ));
        }
        let changes = tribes::TribeChanges {
            name: update.name.as_ref().map(TribeName::as_str),
            description: update.description.as_ref().map(TribeDescription::as_str),
            privacy: update.privacy,
            max_members: update.max_members,
            location_name: update.location_name.as_ref().map(LocationName::as_str),
            latitude: update.location.map(|at| at.map(|at| at.latitude)),
            longitude: update.location.map(|at| at.map(|at| at.longitude)),
        };
        let tribe = tribes::update(conn, id, &changes).await?;
        if let Some(new) = &update.interests {
            interests::replace(conn, id, new).await?;
        }
        activity::record(
            conn,
            id,
            Some(user),
            ActivityType::TribeUpdated,
            format!("changed {}", update.paths.join(", ")),
            BTreeMap::from([("fields", update.paths.join(","))]),
        )
        .await?;
        details(conn, tribe).await
    })
    .await
}
