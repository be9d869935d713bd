//! The `personality_assessments` table: every assessment of a person's OCEAN traits.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::UserId;
use crate::personality::Traits;
use crate::schema::users::personality_assessments as pa;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = pa, check_for_backend(diesel::pg::Pg))]
pub struct AssessmentRow {
    pub id: Uuid,
    pub user_id: UserId,
    pub openness: i16,
    pub conscientiousness: i16,
    pub extraversion: i16,
    pub agreeableness: i16,
    pub neuroticism: i16,
    pub assessed_at: DateTime<Utc>,
}

impl AssessmentRow {
    /// The scores in OCEAN order.
    pub fn scores(&self) -> [i16; 5] {
        [
            self.openness,
            self.conscientiousness,
            self.extraversion,
            self.agreeableness,
            self.neuroticism,
        ]
    }
}

#[derive(Insertable)]
#[diesel(table_name = pa)]
pub struct NewAssessment {
    pub id: Uuid,
    pub user_id: UserId,
    pub openness: i16,
    pub conscientiousness: i16,
    pub extraversion: i16,
    pub agreeableness: i16,
    pub neuroticism: i16,
    pub request_id: Option<Uuid>,
    pub assessed_at: DateTime<Utc>,
}

impl NewAssessment {
    pub fn new(user_id: UserId, traits: Traits, request_id: Option<Uuid>) -> Self {
        let [
            openness,
            conscientiousness,
            extraversion,
            agreeableness,
            neuroticism,
        ] = traits.scores();
        NewAssessment {
            id: Uuid::now_v7(),
            user_id,
            openness,
            conscientiousness,
            extraversion,
            agreeableness,
            neuroticism,
            request_id,
            assessed_at: Utc::now(),
        }
    }
}

/// Inserts the assessment; `None` when the person already used its request id (waiting for a
/// concurrent insert with the same key to commit or roll back first).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewAssessment,
) -> Result<Option<AssessmentRow>, StoreError> {
    diesel::insert_into(pa::table)
        .values(row)
        .on_conflict((pa::user_id, pa::request_id))
        .do_nothing()
        .returning(AssessmentRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find_by_request(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    request_id: Uuid,
) -> Result<Option<AssessmentRow>, StoreError> {
    pa::table
        .filter(pa::user_id.eq(user_id))
        .filter(pa::request_id.eq(request_id))
        .select(AssessmentRow::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// The person's latest assessment.
pub async fn latest(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
) -> Result<Option<AssessmentRow>, StoreError> {
    pa::table
        .filter(pa::user_id.eq(user_id))
        .order((pa::assessed_at.desc(), pa::id.desc()))
        .select(AssessmentRow::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Up to `limit` of the person's assessments after `after`, newest first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<AssessmentRow>, StoreError> {
    let mut query = pa::table
        .filter(pa::user_id.eq(user_id))
        .order((pa::assessed_at.desc(), pa::id.desc()))
        .select(AssessmentRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        query = query.filter(
            pa::assessed_at
                .lt(at)
                .or(pa::assessed_at.eq(at).and(pa::id.lt(id))),
        );
    }
    Ok(query.load(conn).await?)
}

/// The latest assessment of each of `users` that has one.
pub async fn latest_of_each(
    conn: &mut AsyncPgConnection,
    users: &[UserId],
) -> Result<Vec<AssessmentRow>, StoreError> {
    Ok(pa::table
        .filter(pa::user_id.eq_any(users))
        .distinct_on(pa::user_id)
        .order((pa::user_id, pa::assessed_at.desc(), pa::id.desc()))
        .select(AssessmentRow::as_select())
        .load(conn)
        .await?)
}
