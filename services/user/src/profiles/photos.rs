//! A person's photos: created idempotently by request id, listed for the owner, deleted by the
//! owner or an admin.

use chrono::Utc;
use circle_core::paging::Cursor;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::access::Acting;
use crate::domain::{PhotoId, UserId};
use crate::error::Error;
use crate::store::accounts;
use crate::store::photos::{self, Photo};

pub struct NewPhoto {
    pub user: UserId,
    pub request_id: Uuid,
    pub image_url: String,
    pub taken_in_app: bool,
}

/// Adds the photo; a repeated request id returns the photo it created, unless it came with
/// other values.
pub async fn create(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    new: NewPhoto,
) -> Result<Photo, Error> {
    acting.actor.may_edit(new.user)?;
    accounts::find(conn, new.user)
        .await?
        .ok_or(Error::NotFound {
            what: "user",
            field: "user_id",
        })?;
    let stored = photos::insert_once(
        conn,
        &Photo {
            id: PhotoId::generate(),
            user_id: new.user,
            request_id: new.request_id,
            image_url: new.image_url.clone(),
            taken_in_app: new.taken_in_app,
            created_at: Utc::now(),
        },
    )
    .await?;
    if stored.image_url != new.image_url || stored.taken_in_app != new.taken_in_app {
        return Err(Error::RequestIdReused);
    }
    Ok(stored)
}

/// A page of the person's photos and the cursor of the next one. The collection is personal:
/// others see the current photo and face card on the profile.
pub async fn list(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<(Vec<Photo>, Option<Cursor>), Error> {
    if !acting.actor.may_read_private(user) {
        return Err(Error::Forbidden(
            "only the owner, an admin or a service may list a person's photos",
        ));
    }
    let mut page = photos::page(conn, user, after, page_size + 1).await?;
    let next = if page.len() as i64 > page_size {
        page.truncate(page_size as usize);
        page.last().map(|last| Cursor {
            at: last.created_at,
            id: last.id.as_uuid(),
        })
    } else {
        None
    };
    Ok((page, next))
}

pub async fn delete(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    id: PhotoId,
) -> Result<(), Error> {
    let not_found = || Error::NotFound {
        what: "photo",
        field: "photo_id",
    };
    let photo = photos::find(conn, id).await?.ok_or_else(not_found)?;
    acting.actor.may_edit(photo.user_id)?;
    if !photos::delete(conn, id).await? {
        return Err(not_found());
    }
    Ok(())
}
