//! Host profiles: at most one per person, created by that person, seen by everyone signed in
//! except people who blocked each other, changed by the owner or an admin; ratings counted
//! once per rating id, kept as an exact sum and count.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::audit_admin_edit;
use crate::access::{Acting, Actor};
use crate::domain::{AccountStatus, HostProfileId, UserId};
use crate::error::Error;
use crate::store::host_profiles::{
    self as store, HostProfileChanges, HostProfileRow, HostRatingRow,
};
use crate::store::{accounts, blocks};

pub struct NewHostProfile {
    pub request_id: Option<Uuid>,
    pub host_name: String,
    pub host_bio: Option<String>,
}

pub struct NewRating {
    pub rating_id: Uuid,
    pub host: UserId,
    /// 1 to 5.
    pub rating: i32,
}

fn not_found(field: &'static str) -> Error {
    Error::NotFound {
        what: "host profile",
        field,
    }
}

/// Makes the acting person a host. Their request id replayed with the same values returns the
/// profile it created; any other second creation is refused.
pub async fn create(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    new: NewHostProfile,
) -> Result<HostProfileRow, Error> {
    let user = acting.actor.person()?.id;
    let now = Utc::now();
    let row = HostProfileRow {
        id: HostProfileId::generate(),
        user_id: user,
        host_name: new.host_name,
        host_bio: new.host_bio,
        rating_sum: 0,
        rating_count: 0,
        created_at: now,
        updated_at: now,
        request_id: new.request_id,
    };
    if let Some(created) = store::insert(conn, &row).await? {
        return Ok(created);
    }
    // A concurrent creation waits for ours and then finds it here.
    let existing = store::find_by_user(conn, user)
        .await?
        .ok_or(Error::Aborted("the host profile was removed meanwhile"))?;
    match new.request_id {
        Some(request_id) if existing.request_id == Some(request_id) => {
            if existing.host_name == row.host_name && existing.host_bio == row.host_bio {
                Ok(existing)
            } else {
                Err(Error::RequestIdReused)
            }
        }
        _ => Err(Error::AlreadyExists {
            reason: "HOST_PROFILE_EXISTS",
            message: "this person already has a host profile".to_owned(),
        }),
    }
}

/// `user`'s host profile, unless `acting` and they blocked each other or the account is not
/// active (owners, admins and services see it anyway).
pub async fn get(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
) -> Result<HostProfileRow, Error> {
    if !acting.actor.may_read_private(user) {
        if let Actor::Person(viewer) = &acting.actor
            && blocks::either_way(conn, viewer.id, user).await?
        {
            return Err(not_found("user_id"));
        }
        let account = accounts::find(conn, user).await?;
        if account.is_none_or(|account| account.status != AccountStatus::Active) {
            return Err(not_found("user_id"));
        }
    }
    store::find_by_user(conn, user)
        .await?
        .ok_or_else(|| not_found("user_id"))
}

/// Applies the changes named by `paths`; an admin's edit of someone else's is audited.
pub async fn update(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    changes: HostProfileChanges,
    paths: &[String],
) -> Result<HostProfileRow, Error> {
    acting.actor.may_edit(user)?;
    conn.transaction::<_, Error, _>(async |conn| {
        let updated = store::update(conn, user, &changes, Utc::now())
            .await?
            .ok_or_else(|| not_found("user_id"))?;
        let resource = ("host_profile", updated.id.to_string());
        audit_admin_edit(conn, acting, user, resource, "host_profile", paths).await?;
        Ok(updated)
    })
    .await
}

/// Counts a rating of a host once: delivered again it changes nothing; another rating under
/// the same id is refused.
pub async fn record_rating(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    new: NewRating,
) -> Result<HostProfileRow, Error> {
    acting.actor.service()?;
    conn.transaction::<_, Error, _>(async |conn| {
        let host = store::find_by_user(conn, new.host)
            .await?
            .ok_or_else(|| not_found("host_user_id"))?;
        let rating = HostRatingRow {
            rating_id: new.rating_id,
            host_id: host.id,
            rating: new.rating,
            recorded_at: Utc::now(),
        };
        // A concurrent delivery of the same rating waits here until ours commits.
        if store::insert_rating(conn, &rating).await? {
            return Ok(store::add_rating(conn, host.id, new.rating).await?);
        }
        match store::find_rating(conn, new.rating_id).await? {
            Some(first) if first.host_id == host.id && first.rating == new.rating => {
                Ok(store::find_by_user(conn, new.host)
                    .await?
                    .ok_or_else(|| not_found("host_user_id"))?)
            }
            Some(_) => Err(Error::AlreadyExists {
                reason: "RATING_ID_REUSED",
                message: "rating_id was already used for another rating".to_owned(),
            }),
            None => Err(Error::Aborted("the rating was removed meanwhile")),
        }
    })
    .await
}
