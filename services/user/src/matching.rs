//! What tribe matchmaking reads about the people who opted in (services only): traits,
//! interests, position and travel limit, communication style, reliability, whom to avoid and
//! whom they are mutual connect-again matches with.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;

use crate::access::Acting;
use crate::domain::UserId;
use crate::error::Error;
use crate::metrics::Reliability;
use crate::personality::Assessment;
use crate::state::AppState;
use crate::store::matching::{self as store, EligibleRow, PickedInterest, Selection};
use crate::store::personality_assessments;

/// One person who opted in to matching, with everything matchmaking reads about them.
pub struct Candidate {
    pub profile: EligibleRow,
    /// Their latest assessment, if they have one.
    pub traits: Option<Assessment>,
    pub interests: Vec<PickedInterest>,
    pub avoid: Vec<UserId>,
    /// People they want to connect again with who want the same with them, sorted by user id.
    pub connect_again: Vec<UserId>,
    /// The figures GetInternalMetrics reports too.
    pub reliability: Reliability,
}

/// A page of candidates by user id after `after`, and where the next page starts.
pub async fn page<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    after: Option<UserId>,
    page_size: i64,
) -> Result<(Vec<Candidate>, Option<UserId>), Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?.actor.service()?;
    let (candidates, more) = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(async |conn| {
            let selection = Selection::After {
                after,
                limit: page_size + 1,
            };
            let mut rows = store::eligible(conn, selection).await?;
            let more = rows.len() as i64 > page_size;
            rows.truncate(page_size as usize);
            Ok::<_, Error>((assemble(conn, rows).await?, more))
        })
        .await?;
    let next = if more {
        candidates.last().map(|last| last.profile.user_id)
    } else {
        None
    };
    Ok((candidates, next))
}

/// The candidates among `people`; those not opted in or not ACTIVE are left out.
pub async fn among<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    people: &[UserId],
) -> Result<Vec<Candidate>, Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?.actor.service()?;
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(async |conn| {
            let rows = store::eligible(conn, Selection::Among(people)).await?;
            assemble(conn, rows).await
        })
        .await
}

/// Four more queries for the whole set, whatever its size.
async fn assemble(
    conn: &mut AsyncPgConnection,
    rows: Vec<EligibleRow>,
) -> Result<Vec<Candidate>, Error> {
    let people: Vec<UserId> = rows.iter().map(|row| row.user_id).collect();
    let mut traits: HashMap<UserId, Assessment> =
        personality_assessments::latest_of_each(conn, &people)
            .await?
            .into_iter()
            .map(|row| (row.user_id, Assessment::from(row)))
            .collect();
    let mut interests: HashMap<UserId, Vec<PickedInterest>> = HashMap::new();
    for picked in store::interests_of(conn, &people).await? {
        interests.entry(picked.user_id).or_default().push(picked);
    }
    let mut avoid = store::avoid_lists(conn, &people).await?;
    let mut connect_again = store::mutual_connect_again(conn, &people).await?;
    Ok(rows
        .into_iter()
        .map(|profile| {
            let id = profile.user_id;
            let reliability = match (
                profile.absentee_rating,
                profile.events_attended,
                profile.no_shows,
                profile.late_arrivals,
            ) {
                (Some(absentee_rating), Some(events_attended), Some(no_shows), Some(late)) => {
                    Reliability {
                        absentee_rating,
                        events_attended,
                        no_shows,
                        late_arrivals: late,
                    }
                }
                _ => Reliability::UNRECORDED,
            };
            Candidate {
                reliability,
                traits: traits.remove(&id),
                interests: interests.remove(&id).unwrap_or_default(),
                avoid: avoid.remove(&id).unwrap_or_default(),
                connect_again: connect_again.remove(&id).unwrap_or_default(),
                profile,
            }
        })
        .collect())
}
