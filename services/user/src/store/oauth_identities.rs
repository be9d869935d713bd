//! The `oauth_identities` table: which account a provider's subject signs in to.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{IdentityProvider, UserId};
use crate::schema::users::oauth_identities;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = oauth_identities, check_for_backend(diesel::pg::Pg))]
pub struct OauthIdentity {
    pub id: Uuid,
    pub user_id: UserId,
}

#[derive(Insertable)]
#[diesel(table_name = oauth_identities)]
pub struct NewOauthIdentity<'a> {
    pub id: Uuid,
    pub user_id: UserId,
    pub provider: IdentityProvider,
    pub subject: &'a str,
    pub email: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: DateTime<Utc>,
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    provider: IdentityProvider,
    subject: &str,
) -> Result<Option<OauthIdentity>, StoreError> {
    oauth_identities::table
        .filter(oauth_identities::provider.eq(provider))
        .filter(oauth_identities::subject.eq(subject))
        .select(OauthIdentity::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Links the identity unless the (provider, subject) pair is linked already (`false` then).
pub async fn insert_unless_linked(
    conn: &mut AsyncPgConnection,
    identity: &NewOauthIdentity<'_>,
) -> Result<bool, StoreError> {
    let inserted = diesel::insert_into(oauth_identities::table)
        .values(identity)
        .on_conflict((oauth_identities::provider, oauth_identities::subject))
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

pub async fn touch(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(oauth_identities::table.find(id))
        .set(oauth_identities::last_sign_in_at.eq(at))
        .execute(conn)
        .await?;
    Ok(())
}
