//! Achievements: the catalog admins keep and everyone signed in reads, awards made by the
//! suite's services (once per person and achievement, told to the person through a fact), and
//! each person's awards with their points, readable by the person and admins.

use chrono::Utc;
use circle_core::db::StoreError;
use circle_core::paging::Cursor;
use circle_core::wire::timestamp;
use circle_proto::user::v1::AchievementAwarded;
use diesel_async::AsyncConnection;
use serde_json::json;
use uuid::Uuid;

use crate::access::Acting;
use crate::audit::{self, AuditEntry};
use crate::domain::{
    AchievementCategory, AchievementId, AchievementName, AwardId, JsonObject, UserId,
};
use crate::error::Error;
use crate::state::{AppState, OUTBOX};
use crate::store::accounts;
use crate::store::achievements::{
    self as store, AchievementChange, AchievementRow, AwardRow, NewAchievement,
};

/// The fact written when a person first earns an achievement.
pub const ACHIEVEMENT_AWARDED: &str = "user.achievement_awarded";

/// An award and the catalog entry it is of.
pub type Award = (AwardRow, AchievementRow);

/// A new catalog entry, checked.
pub struct NewEntry {
    pub request_id: Option<Uuid>,
    pub name: AchievementName,
    pub description: String,
    pub category: AchievementCategory,
    pub points: i32,
    pub icon_url: String,
    pub criteria: JsonObject,
}

impl NewEntry {
    /// What the create asked for, kept to tell a retry from a reuse of its request id.
    fn requested(&self) -> serde_json::Value {
        json!({
            "name": self.name.as_str(),
            "description": self.description,
            "category": self.category.as_str(),
            "points": self.points,
            "icon_url": self.icon_url,
            "criteria": self.criteria.as_json(),
        })
    }
}

/// What an update of a catalog entry changes.
pub struct EntryUpdate {
    pub id: AchievementId,
    pub name: Option<AchievementName>,
    pub description: Option<String>,
    pub category: Option<AchievementCategory>,
    pub points: Option<i32>,
    pub icon_url: Option<String>,
    pub criteria: Option<JsonObject>,
}

/// An award as made: the award, and whether this call made it.
pub struct Awarded {
    pub award: Award,
    pub newly: bool,
}

fn name_taken(err: StoreError, name: &AchievementName) -> Error {
    match err {
        StoreError::UniqueViolation { constraint } if constraint == store::NAME_UNIQUE => {
            Error::AlreadyExists {
                reason: "ACHIEVEMENT_EXISTS",
                message: format!("an achievement named {:?} exists already", name.as_str()),
            }
        }
        other => Error::Store(other),
    }
}

fn audited(row: &AchievementRow) -> serde_json::Value {
    json!({
        "name": row.name,
        "category": row.category.as_str(),
        "points": row.points,
    })
}

pub async fn create<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    new: NewEntry,
) -> Result<AchievementRow, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    acting.actor.admin()?;
    let now = Utc::now();
    let requested = new.requested();
    let row = NewAchievement {
        id: AchievementId::generate(),
        name: new.name.as_str(),
        description: &new.description,
        category: new.category,
        points: new.points,
        icon_url: &new.icon_url,
        criteria: new.criteria.as_json(),
        request_id: new.request_id,
        requested: new.request_id.map(|_| &requested),
        created_at: now,
        updated_at: now,
    };
    conn.transaction::<_, Error, _>(async |conn| {
        let Some(created) = store::insert(conn, &row)
            .await
            .map_err(|err| name_taken(err, &new.name))?
        else {
            // Only a used request id skips the insert.
            let request_id = new.request_id.ok_or(StoreError::Conflict)?;
            return match store::find_by_request(conn, request_id).await? {
                Some((first, Some(asked))) if asked == requested => Ok(first),
                Some(_) => Err(Error::RequestIdReused),
                // Deleted in between: a retry creates it afresh.
                None => Err(Error::Store(StoreError::Conflict)),
            };
        };
        audit::record(
            conn,
            &acting,
            AuditEntry {
                action: "ACHIEVEMENT_CREATED",
                resource_type: "achievement",
                resource_id: created.id.to_string(),
                subject: None,
                metadata: audited(&created),
            },
        )
        .await?;
        Ok(created)
    })
    .await
}

pub async fn update<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    update: EntryUpdate,
) -> Result<AchievementRow, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    acting.actor.admin()?;
    let change = AchievementChange {
        name: update.name.as_ref().map(AchievementName::as_str),
        description: update.description.as_deref(),
        category: update.category,
        points: update.points,
        icon_url: update.icon_url.as_deref(),
        criteria: update.criteria.as_ref().map(JsonObject::as_json),
        updated_at: Utc::now(),
    };
    conn.transaction::<_, Error, _>(async |conn| {
        let updated = store::update(conn, update.id, &change)
            .await
            .map_err(|err| match &update.name {
                Some(name) => name_taken(err, name),
                None => Error::Store(err),
            })?
            .ok_or(Error::NotFound {
                what: "achievement",
                field: "achievement.id",
            })?;
        audit::record(
            conn,
            &acting,
            AuditEntry {
                action: "ACHIEVEMENT_UPDATED",
                resource_type: "achievement",
                resource_id: updated.id.to_string(),
                subject: None,
                metadata: audited(&updated),
            },
        )
        .await?;
        Ok(updated)
    })
    .await
}

const UNKNOWN_ACHIEVEMENT: Error = Error::NotFound {
    what: "achievement",
    field: "achievement_id",
};

pub async fn get<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    id: AchievementId,
) -> Result<AchievementRow, Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?;
    store::find(&mut conn, id).await?.ok_or(UNKNOWN_ACHIEVEMENT)
}

/// A page of the catalog, oldest first, and the cursor of the next page.
pub async fn list<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    category: Option<AchievementCategory>,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<(Vec<AchievementRow>, Option<Cursor>), Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?;
    let mut rows = store::page(&mut conn, category, after, page_size + 1).await?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(page_size as usize);
        rows.last().map(|last| Cursor {
            at: last.created_at,
            id: last.id.as_uuid(),
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// Awards the achievement to the person, once: a repeat (or a concurrent twin) answers with
/// the first award. The first award writes the fact that tells the person.
pub async fn award<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    user: UserId,
    achievement: AchievementId,
    metadata: JsonObject,
) -> Result<Awarded, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    acting.actor.service()?;
    let awarded = conn
        .transaction::<_, Error, _>(async |conn| {
            let entry = store::find(conn, achievement)
                .await?
                .ok_or(UNKNOWN_ACHIEVEMENT)?;
            accounts::find(conn, user).await?.ok_or(Error::NotFound {
                what: "user",
                field: "user_id",
            })?;
            let row = AwardRow {
                id: AwardId::generate(),
                user_id: user,
                achievement_id: achievement,
                points: entry.points,
                metadata: metadata.as_json().clone(),
                awarded_at: Utc::now(),
            };
            let Some(made) = store::award_once(conn, &row).await? else {
                let first = store::find_award(conn, user, achievement)
                    .await?
                    // Only a removed account or achievement takes an award away.
                    .ok_or(StoreError::Conflict)?;
                return Ok(Awarded {
                    award: (first, entry),
                    newly: false,
                });
            };
            OUTBOX
                .enqueue(
                    conn,
                    ACHIEVEMENT_AWARDED,
                    &user.to_string(),
                    &AchievementAwarded {
                        user_id: user.to_string(),
                        achievement_id: achievement.to_string(),
                        user_achievement_id: made.id.to_string(),
                        name: entry.name.clone(),
                        points: made.points,
                        award_time: Some(timestamp(made.awarded_at)),
                    },
                )
                .await?;
            Ok(Awarded {
                award: (made, entry),
                newly: true,
            })
        })
        .await?;
    if awarded.newly {
        state.outbox_wake.notify_one();
    }
    Ok(awarded)
}

/// A page of the person's awards, newest first, its next cursor, and the points of all the
/// person's awards. Awards are personal: only the person, admins and services read them.
pub async fn list_of_user<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    user: UserId,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<(Vec<Award>, Option<Cursor>, i64), Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    if !acting.actor.may_read_private(user) {
        return Err(Error::Forbidden(
            "only the person, an admin or a service may list a person's achievements",
        ));
    }
    if accounts::find(&mut conn, user).await?.is_none() {
        return Err(Error::NotFound {
            what: "user",
            field: "user_id",
        });
    }
    let mut rows = store::awards_page(&mut conn, user, after, page_size + 1).await?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(page_size as usize);
        rows.last().map(|(last, _)| Cursor {
            at: last.awarded_at,
            id: last.id.as_uuid(),
        })
    } else {
        None
    };
    let total = store::total_points(&mut conn, user).await?;
    Ok((rows, next, total))
}
