//! Internal metrics: attendance outcomes as the event service reports them, and the reliability
//! figures computed from them here and nowhere else (matchmaking reads the stored figures).
//! Services only: no person reads or writes them, admins included.

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::access::Acting;
use crate::domain::{AttendanceOutcome, UserId};
use crate::error::Error;
use crate::state::AppState;
use crate::store::accounts;
use crate::store::internal_metrics::{self as store, AttendanceFigures, MetricsRow};

/// How reliably a person turns up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reliability {
    /// 1 - (no_shows + late_arrivals / 2) / (events_attended + no_shows); 1.0 with no events.
    pub absentee_rating: f64,
    /// On time or late.
    pub events_attended: i32,
    pub no_shows: i32,
    pub late_arrivals: i32,
}

impl Reliability {
    /// Someone nothing is recorded about counts as reliable.
    pub const UNRECORDED: Reliability = Reliability {
        absentee_rating: 1.0,
        events_attended: 0,
        no_shows: 0,
        late_arrivals: 0,
    };

    /// The figures from the number of events attended on time, late, and missed.
    pub fn from_outcomes(on_time: i32, late: i32, no_shows: i32) -> Reliability {
        let events = on_time + late + no_shows;
        if events == 0 {
            return Reliability::UNRECORDED;
        }
        let missed = f64::from(no_shows) + f64::from(late) / 2.0;
        Reliability {
            absentee_rating: 1.0 - missed / f64::from(events),
            events_attended: on_time + late,
            no_shows,
            late_arrivals: late,
        }
    }
}

/// A person's internal metrics.
#[derive(Clone, Debug)]
pub struct Metrics {
    pub user_id: UserId,
    pub reliability: Reliability,
    pub internal_attractiveness_rating: Option<f64>,
    /// None when nothing was recorded yet.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<MetricsRow> for Metrics {
    fn from(row: MetricsRow) -> Self {
        Metrics {
            user_id: row.user_id,
            reliability: Reliability {
                absentee_rating: row.absentee_rating,
                events_attended: row.events_attended,
                no_shows: row.no_shows,
                late_arrivals: row.late_arrivals,
            },
            internal_attractiveness_rating: row.internal_attractiveness_rating,
            updated_at: Some(row.updated_at),
        }
    }
}

fn user_not_found() -> Error {
    Error::NotFound {
        what: "user",
        field: "user_id",
    }
}

/// Records how `user` turned up to `event` (replacing an earlier report of the pair) and
/// recomputes their figures from all their outcomes.
pub async fn record_outcome<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    user: UserId,
    event: Uuid,
    outcome: AttendanceOutcome,
) -> Result<Metrics, Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?.actor.service()?;
    accounts::find(&mut conn, user)
        .await?
        .ok_or_else(user_not_found)?;
    conn.transaction::<_, Error, _>(async |conn| {
        // Reports about one person are counted one at a time: each recount then sees the
        // outcomes committed before it.
        store::lock(conn, user).await?;
        let now = Utc::now();
        store::put_outcome(conn, user, event, outcome, now).await?;
        let (mut on_time, mut late, mut no_shows) = (0, 0, 0);
        for (outcome, count) in store::outcome_counts(conn, user).await? {
            let count = i32::try_from(count).unwrap_or(i32::MAX);
            match outcome {
                AttendanceOutcome::Attended => on_time = count,
                AttendanceOutcome::Late => late = count,
                AttendanceOutcome::NoShow => no_shows = count,
            }
        }
        let reliability = Reliability::from_outcomes(on_time, late, no_shows);
        let figures = AttendanceFigures {
            absentee_rating: reliability.absentee_rating,
            events_attended: reliability.events_attended,
            no_shows: reliability.no_shows,
            late_arrivals: reliability.late_arrivals,
            updated_at: now,
        };
        Ok(store::set_attendance(conn, user, &figures).await?.into())
    })
    .await
}

/// `user`'s metrics; the reliable defaults when nothing is recorded about them.
pub async fn get<T>(
    state: &AppState,
    request: &tonic::Request<T>,
    user: UserId,
) -> Result<Metrics, Error> {
    let mut conn = state.pool.get().await?;
    Acting::of(&mut conn, request).await?.actor.service()?;
    accounts::find(&mut conn, user)
        .await?
        .ok_or_else(user_not_found)?;
    Ok(match store::find(&mut conn, user).await? {
        Some(row) => row.into(),
        None => Metrics {
            user_id: user,
            reliability: Reliability::UNRECORDED,
            internal_attractiveness_rating: None,
            updated_at: None,
        },
    })
}
