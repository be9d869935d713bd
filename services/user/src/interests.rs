//! The interest catalog, which admins keep and everyone reads and searches, and the interests
//! each person picks from it with a level.

use chrono::Utc;
use circle_core::db::StoreError;
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use crate::access::Acting;
use crate::audit::{self, AuditEntry};
use crate::domain::{InterestCategory, InterestId, InterestLevel, InterestName, UserId};
use crate::error::Error;
use crate::state::AppState;
use crate::store::interests::{self, InterestChange, InterestRow, NameCursor, NewInterest};
use crate::store::profile_interests::{self, NewProfileInterest, ProfileInterestRow};
use crate::store::{accounts, blocks};

/// A person's pick and the catalog entry it points at.
pub type ProfileInterest = (ProfileInterestRow, InterestRow);

/// What an update of a catalog entry changes.
pub struct InterestUpdate {
    pub id: InterestId,
    pub name: Option<InterestName>,
    pub category: Option<InterestCategory>,
}

fn name_taken(err: StoreError, name: &InterestName) -> Error {
    match err {
        StoreError::UniqueViolation { constraint } if constraint == interests::NAME_UNIQUE => {
            Error::AlreadyExists {
                reason: "INTEREST_EXISTS",
                message: format!("an interest named {:?} exists already", name.as_str()),
            }
        }
        other => Error::Store(other),
    }
}

const UNKNOWN_INTEREST: Error = Error::NotFound {
    what: "interest",
    field: "interest_id",
};

pub async fn create<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    name: InterestName,
    category: InterestCategory,
) -> Result<InterestRow, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    acting.actor.admin()?;
    let now = Utc::now();
    let row = NewInterest {
        id: InterestId::generate(),
        name: name.as_str(),
        category,
        created_at: now,
        updated_at: now,
    };
    conn.transaction::<_, Error, _>(async |conn| {
        let created = interests::insert(conn, &row)
            .await
            .map_err(|err| name_taken(err, &name))?;
        audit::record(
            conn,
            &acting,
            AuditEntry {
                action: "INTEREST_CREATED",
                resource_type: "interest",
                resource_id: created.id.to_string(),
                subject: None,
                metadata: json!({ "name": created.name, "category": created.category.as_str() }),
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
    update: InterestUpdate,
) -> Result<InterestRow, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    acting.actor.admin()?;
    let change = InterestChange {
        name: update.name.as_ref().map(InterestName::as_str),
        category: update.category,
        updated_at: Utc::now(),
    };
    conn.transaction::<_, Error, _>(async |conn| {
        let updated = interests::update(conn, update.id, &change)
            .await
            .map_err(|err| match &update.name {
                Some(name) => name_taken(err, name),
                None => Error::Store(err),
            })?
            .ok_or(Error::NotFound {
                what: "interest",
                field: "interest.id",
            })?;
        audit::record(
            conn,
            &acting,
            AuditEntry {
                action: "INTEREST_UPDATED",
                resource_type: "interest",
                resource_id: updated.id.to_string(),
                subject: None,
                metadata: json!({ "name": updated.name, "category": updated.category.as_str() }),
            },
        )
        .await?;
        Ok(updated)
    })
    .await
}

pub async fn get<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    id: InterestId,
) -> Result<InterestRow, Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?;
    interests::find(&mut conn, id)
        .await?
        .ok_or(UNKNOWN_INTEREST)
}

/// A page of the catalog by name, and the cursor of the next page.
pub async fn list<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    category: Option<InterestCategory>,
    after: Option<NameCursor>,
    page_size: i64,
) -> Result<(Vec<InterestRow>, Option<NameCursor>), Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?;
    let mut rows = interests::page(&mut conn, category, after.as_ref(), page_size + 1).await?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(page_size as usize);
        rows.last().map(|(_, cursor)| cursor.clone())
    } else {
        None
    };
    Ok((rows.into_iter().map(|(row, _)| row).collect(), next))
}

/// A page of search results from `offset`, and the offset of the next page.
pub async fn search<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    query: &str,
    category: Option<InterestCategory>,
    offset: i32,
    page_size: i32,
) -> Result<(Vec<InterestRow>, Option<i32>), Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?;
    let mut rows = interests::search(
        &mut conn,
        &query.to_lowercase(),
        category,
        offset,
        page_size + 1,
    )
    .await?;
    let next = if rows.len() > page_size as usize {
        rows.truncate(page_size as usize);
        Some(offset + page_size)
    } else {
        None
    };
    Ok((rows, next))
}

/// Adds the interest to the caller's; the same pick again is answered with the first.
pub async fn add_to_profile<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    interest_id: InterestId,
    level: InterestLevel,
) -> Result<ProfileInterest, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    let user_id = acting.actor.person()?.id;
    let interest = known_interest(&mut conn, interest_id).await?;
    let now = Utc::now();
    let row = NewProfileInterest {
        user_id,
        interest_id,
        level,
        created_at: now,
        updated_at: now,
    };
    if let Some(added) = profile_interests::insert(&mut conn, &row).await? {
        return Ok((added, interest));
    }
    match profile_interests::find(&mut conn, user_id, interest_id).await? {
        Some(existing) if existing.level == level => Ok((existing, interest)),
        Some(existing) => Err(Error::AlreadyExists {
            reason: "PROFILE_INTEREST_EXISTS",
            message: format!(
                "the interest is already yours at level {}: update it instead",
                existing.level.as_str()
            ),
        }),
        // Removed again in between: a retry adds it afresh.
        None => Err(Error::Store(StoreError::Conflict)),
    }
}

pub async fn set_profile_level<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    interest_id: InterestId,
    level: InterestLevel,
) -> Result<ProfileInterest, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    let user_id = acting.actor.person()?.id;
    let interest = known_interest(&mut conn, interest_id).await?;
    let updated = profile_interests::set_level(&mut conn, user_id, interest_id, level, Utc::now())
        .await?
        .ok_or(Error::NotFound {
            what: "interest of yours",
            field: "interest_id",
        })?;
    Ok((updated, interest))
}

pub async fn remove_from_profile<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    interest_id: InterestId,
) -> Result<(), Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    let user_id = acting.actor.person()?.id;
    known_interest(&mut conn, interest_id).await?;
    profile_interests::delete(&mut conn, user_id, interest_id).await?;
    Ok(())
}

/// A page of a person's interests, most recently added first. Anyone may read them, except
/// across a block (either way), which hides the person as if they did not exist.
pub async fn list_of_profile<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    user_id: UserId,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<(Vec<ProfileInterest>, Option<Cursor>), Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    let unknown = Error::NotFound {
        what: "user",
        field: "user_id",
    };
    if let Some(viewer) = acting.actor.user_id()
        && viewer != user_id
        && blocks::either_way(&mut conn, viewer, user_id).await?
    {
        return Err(unknown);
    }
    if accounts::find(&mut conn, user_id).await?.is_none() {
        return Err(unknown);
    }
    let mut rows = profile_interests::page(&mut conn, user_id, after, page_size + 1).await?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(page_size as usize);
        rows.last().map(|(pick, _)| Cursor {
            at: pick.created_at,
            id: pick.interest_id.as_uuid(),
        })
    } else {
        None
    };
    Ok((rows, next))
}

async fn known_interest(
    conn: &mut AsyncPgConnection,
    id: InterestId,
) -> Result<InterestRow, Error> {
    interests::find(conn, id).await?.ok_or(UNKNOWN_INTEREST)
}
