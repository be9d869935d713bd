//! The `profile_photos` table.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{PhotoId, UserId};
use crate::schema::users::profile_photos;

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = profile_photos, check_for_backend(diesel::pg::Pg))]
pub struct Photo {
    pub id: PhotoId,
    pub user_id: UserId,
    pub request_id: Uuid,
    pub image_url: String,
    pub taken_in_app: bool,
    pub created_at: DateTime<Utc>,
}

/// Inserts `photo` unless its owner already used its request id; either way returns the
/// stored photo of that request id.
pub async fn insert_once(conn: &mut AsyncPgConnection, photo: &Photo) -> Result<Photo, StoreError> {
    diesel::insert_into(profile_photos::table)
        .values(photo)
        .on_conflict((profile_photos::user_id, profile_photos::request_id))
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(profile_photos::table
        .filter(profile_photos::user_id.eq(photo.user_id))
        .filter(profile_photos::request_id.eq(photo.request_id))
        .select(Photo::as_select())
        .get_result(conn)
        .await?)
}

pub async fn find(conn: &mut AsyncPgConnection, id: PhotoId) -> Result<Option<Photo>, StoreError> {
    profile_photos::table
        .find(id)
        .select(Photo::as_select())
        .get_result(conn)
        .await
        .optional_row()
}

/// Whether `id` is one of `user`'s photos.
pub async fn belongs_to(
    conn: &mut AsyncPgConnection,
    id: PhotoId,
    user: UserId,
) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        profile_photos::table
            .find(id)
            .filter(profile_photos::user_id.eq(user)),
    ))
    .get_result(conn)
    .await?)
}

/// A page of `user`'s photos, newest first, after `after`.
pub async fn page(
    conn: &mut AsyncPgConnection,
    user: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Photo>, StoreError> {
    let mut query = profile_photos::table
        .filter(profile_photos::user_id.eq(user))
        .select(Photo::as_select())
        .order((profile_photos::created_at.desc(), profile_photos::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        query = query.filter(
            profile_photos::created_at
                .lt(at)
                .or(profile_photos::created_at
                    .eq(at)
                    .and(profile_photos::id.lt(PhotoId::from(id)))),
        );
    }
    Ok(query.load(conn).await?)
}

/// Deletes the photo; the social profile's references to it are cleared by their foreign keys.
pub async fn delete(conn: &mut AsyncPgConnection, id: PhotoId) -> Result<bool, StoreError> {
    Ok(diesel::delete(profile_photos::table.find(id))
        .execute(conn)
        .await?
        > 0)
}
