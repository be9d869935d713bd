//! The `consents` and `consent_changes` tables.

use chrono::{DateTime, Utc};
use circle_core::db::StoreError;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{ConsentPurpose, UserId};
use crate::schema::users::{consent_changes, consents};

/// A person's current answer for one purpose.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents, check_for_backend(diesel::pg::Pg))]
pub struct ConsentRow {
    pub user_id: UserId,
    pub purpose: ConsentPurpose,
    pub granted: bool,
    pub granted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = consent_changes)]
struct NewConsentChange {
    id: Uuid,
    user_id: UserId,
    purpose: ConsentPurpose,
    granted: bool,
    changed_at: DateTime<Utc>,
}

/// `user`'s answers, one per purpose they were asked about.
pub async fn of(conn: &mut AsyncPgConnection, user: UserId) -> Result<Vec<ConsentRow>, StoreError> {
    Ok(consents::table
        .filter(consents::user_id.eq(user))
        .select(ConsentRow::as_select())
        .load(conn)
        .await?)
}

/// Writes `consent` as the person's current answer and adds it to the history.
pub async fn record(conn: &mut AsyncPgConnection, consent: &ConsentRow) -> Result<(), StoreError> {
    diesel::insert_into(consents::table)
        .values(consent)
        .on_conflict((consents::user_id, consents::purpose))
        .do_update()
        .set((
            consents::granted.eq(excluded(consents::granted)),
            consents::granted_at.eq(excluded(consents::granted_at)),
            consents::withdrawn_at.eq(excluded(consents::withdrawn_at)),
            consents::updated_at.eq(excluded(consents::updated_at)),
        ))
        .execute(conn)
        .await?;
    diesel::insert_into(consent_changes::table)
        .values(NewConsentChange {
            id: Uuid::now_v7(),
            user_id: consent.user_id,
            purpose: consent.purpose,
            granted: consent.granted,
            changed_at: consent.updated_at,
        })
        .execute(conn)
        .await?;
    Ok(())
}
