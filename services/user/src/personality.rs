//! OCEAN personality: a person records assessments of their own traits; the latest is
//! current and earlier ones stay as history. Only the owner, admins and services read them.

use chrono::{DateTime, Utc};
use circle_core::db::StoreError;
use circle_core::paging::Cursor;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::access::Acting;
use crate::domain::UserId;
use crate::error::Error;
use crate::state::AppState;
use crate::store::personality_assessments::{self as store, AssessmentRow, NewAssessment};

/// The trait names in OCEAN order, as request fields name them.
pub const TRAIT_FIELDS: [&str; 5] = [
    "traits.openness",
    "traits.conscientiousness",
    "traits.extraversion",
    "traits.agreeableness",
    "traits.neuroticism",
];

/// Five scores, each within 0..=100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traits([i16; 5]);

impl Traits {
    /// Scores in OCEAN order; a missing or out-of-range one is refused naming its trait.
    pub fn parse(scores: [Option<i32>; 5]) -> Result<Traits, Error> {
        let mut parsed = [0; 5];
        for ((score, field), slot) in scores.into_iter().zip(TRAIT_FIELDS).zip(&mut parsed) {
            let score = score.ok_or_else(|| Error::invalid(field, "is required"))?;
            *slot = i16::try_from(score)
                .ok()
                .filter(|score| (0..=100).contains(score))
                .ok_or_else(|| Error::invalid(field, format!("{score} is outside 0..=100")))?;
        }
        Ok(Traits(parsed))
    }

    pub fn scores(self) -> [i16; 5] {
        self.0
    }
}

/// One recorded assessment.
#[derive(Clone, Debug)]
pub struct Assessment {
    pub id: Uuid,
    pub user_id: UserId,
    pub traits: Traits,
    pub assessed_at: DateTime<Utc>,
}

impl From<AssessmentRow> for Assessment {
    fn from(row: AssessmentRow) -> Self {
        Assessment {
            id: row.id,
            user_id: row.user_id,
            traits: Traits(row.scores()),
            assessed_at: row.assessed_at,
        }
    }
}

/// What a person asks to record.
pub struct NewAssessmentRequest {
    pub traits: Traits,
    pub request_id: Option<Uuid>,
}

pub async fn create_assessment<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    new: NewAssessmentRequest,
) -> Result<Assessment, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    let user_id = acting.actor.person()?.id;
    let row = NewAssessment::new(user_id, new.traits, new.request_id);
    conn.transaction::<_, Error, _>(async |conn| {
        if let Some(created) = store::insert(conn, &row).await? {
            return Ok(created.into());
        }
        // The person used this request id before: the same scores replay the first answer.
        let request_id = new.request_id.ok_or(StoreError::Conflict)?;
        match store::find_by_request(conn, user_id, request_id).await? {
            Some(first) if Traits(first.scores()) == new.traits => Ok(first.into()),
            Some(_) => Err(Error::RequestIdReused),
            // The conflicting row is gone again: a retry records the assessment afresh.
            None => Err(Error::Store(StoreError::Conflict)),
        }
    })
    .await
}

/// The person's current traits: their latest assessment.
pub async fn current<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    user_id: UserId,
) -> Result<Assessment, Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    may_read(&acting, user_id)?;
    store::latest(&mut conn, user_id)
        .await?
        .map(Assessment::from)
        .ok_or(Error::NotFound {
            what: "personality",
            field: "user_id",
        })
}

/// A page of the person's assessments, newest first, and the cursor of the next page.
pub async fn history<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    user_id: UserId,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<(Vec<Assessment>, Option<Cursor>), Error> {
    let mut conn = state.pool.get().await?;
    let acting = Acting::of(&mut conn, request).await?;
    may_read(&acting, user_id)?;
    let mut rows = store::page(&mut conn, user_id, after, page_size + 1).await?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(page_size as usize);
        rows.last().map(|row| Cursor {
            at: row.assessed_at,
            id: row.id,
        })
    } else {
        None
    };
    Ok((rows.into_iter().map(Assessment::from).collect(), next))
}

fn may_read(acting: &Acting, user_id: UserId) -> Result<(), Error> {
    if acting.actor.may_read_private(user_id) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only the person, an admin or a service may read personality traits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<Traits, Error>) -> Option<&'static str> {
        match result {
            Err(Error::InvalidArgument { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn every_score_is_required_and_bounded_by_name() {
        let all = [Some(0), Some(100), Some(50), Some(1), Some(99)];
        assert_eq!(Traits::parse(all).unwrap().scores(), [0, 100, 50, 1, 99]);
        for (i, field) in TRAIT_FIELDS.iter().enumerate() {
            for bad in [None, Some(-1), Some(101), Some(i32::MAX)] {
                let mut scores = all;
                scores[i] = bad;
                assert_eq!(field_of(Traits::parse(scores)), Some(*field), "{bad:?}");
            }
        }
    }
}
