//! Why a run formed a group, for the people in it: figures of the whole group only (no one's
//! traits, interests or location of their own).

use diesel_async::AsyncPgConnection;
use serde::Deserialize;

use super::RunId;
use crate::domain::{MembershipStatus, TribeId, UserId};
use crate::error::Error;
use crate::query::matchmaking as runs;
use crate::query::{members, tribes};

/// The engine's reasons as stored (circle_matching::reasons::Reasons).
#[derive(Deserialize)]
struct Stored {
    shared_interests: Vec<StoredInterest>,
    interest_overlap: f64,
    trait_closeness: f64,
    style_agreement: f64,
    farthest_travel_km: f64,
}

#[derive(Deserialize)]
struct StoredInterest {
    name: String,
    members: usize,
}

pub struct GroupReasons {
    pub tribe_id: TribeId,
    pub run_id: RunId,
    pub group_size: i32,
    /// Names with how many share each, most shared first.
    pub shared_interests: Vec<(String, i32)>,
    pub score: f64,
    pub interest_overlap: f64,
    pub trait_closeness: f64,
    pub style_agreement: f64,
    /// Rounded up to a whole km.
    pub farthest_travel_km: i32,
    pub meeting_area: String,
}

/// The reasons of the group that became `tribe`, for its ACTIVE members and PENDING invitees.
pub async fn match_reasons(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    user: UserId,
) -> Result<GroupReasons, Error> {
    let tribe = tribes::find(conn, id)
        .await?
        .ok_or(Error::TribeNotFound(id))?;
    let member = members::find(conn, id, user).await?;
    let belongs = member.is_some_and(|m| {
        matches!(
            m.status,
            MembershipStatus::Active | MembershipStatus::Pending
        )
    });
    if !belongs {
        return Err(Error::Forbidden {
            reason: "NOT_A_MEMBER",
            who: "the tribe's members and invitees",
        });
    }
    let (run_id, group_size, score, stored) = runs::group_of(conn, id).await?.ok_or_else(|| {
        Error::precondition(
            "NOT_MATCHED",
            format!("tribe {id} was created by a person, not formed by matchmaking"),
        )
    })?;
    let stored: Stored = serde_json::from_value(stored)
        .map_err(|err| Error::Engine(format!("stored reasons of tribe {id}: {err}")))?;
    let as_i32 = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(GroupReasons {
        tribe_id: id,
        run_id,
        group_size: group_size.into(),
        shared_interests: stored
            .shared_interests
            .into_iter()
            .map(|shared| (shared.name, as_i32(shared.members)))
            .collect(),
        score,
        interest_overlap: stored.interest_overlap,
        trait_closeness: stored.trait_closeness,
        style_agreement: stored.style_agreement,
        farthest_travel_km: stored.farthest_travel_km.ceil() as i32,
        meeting_area: tribe.location_name,
    })
}
