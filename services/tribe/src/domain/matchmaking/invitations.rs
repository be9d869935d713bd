//! The invitations a run sends: PENDING memberships invited by [`MATCHMAKER`] in a tribe the
//! run formed. Accepting admits the person as joining would (capacity, blocks, the status that
//! follows the count); declining leaves them DECLINED and free for the next run.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{MATCHMAKER, RunId};
use crate::domain::activity::{self, ActivityType};
use crate::domain::members::{Joined, admit, lock_open, next_cursor};
use crate::domain::{
    Blocks, Member, MemberRole, MembershipStatus, Tribe, TribeDetails, TribeId, TribeStatus,
    UserId, details, facts,
};
use crate::error::Error;
use crate::query::matchmaking as runs;
use crate::query::{members, tribes};

/// A seat a run offered the caller.
pub struct Invitation {
    pub tribe: TribeDetails,
    pub run_id: RunId,
    pub invited_at: DateTime<Utc>,
}

/// The PENDING invitation of `user` to the locked `tribe`.
async fn pending_invitation(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
    user: UserId,
) -> Result<Member, Error> {
    members::find(conn, tribe.id, user)
        .await?
        .filter(|m| m.status == MembershipStatus::Pending && m.invited_by == Some(MATCHMAKER))
        .ok_or_else(|| {
            Error::precondition(
                "NO_MATCH_INVITATION",
                format!(
                    "you have no pending matchmaking invitation to tribe {}",
                    tribe.id
                ),
            )
        })
}

pub async fn accept_invitation(
    conn: &mut AsyncPgConnection,
    blocks: &Blocks,
    id: TribeId,
    user: UserId,
) -> Result<Joined, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        pending_invitation(conn, &tribe, user).await?;
        let (member, tribe) = admit(conn, blocks, &tribe, user, user).await?;
        Ok(Joined { member, tribe })
    })
    .await
}

/// Declines; when nobody is left in or invited to the tribe, it is dissolved.
pub async fn decline_invitation(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    user: UserId,
) -> Result<Member, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        pending_invitation(conn, &tribe, user).await?;
        let member = members::set_status(
            conn,
            id,
            user,
            MembershipStatus::Declined,
            MemberRole::Member,
        )
        .await?;
        activity::record(
            conn,
            id,
            Some(user),
            ActivityType::MemberLeft,
            "declined the invitation".to_owned(),
            BTreeMap::from([("user_id", user.to_string()), ("was", "PENDING".to_owned())]),
        )
        .await?;
        if !runs::anyone_left(conn, id).await? {
            let tribe = tribes::set_status(conn, id, TribeStatus::Dissolved).await?;
            activity::record(
                conn,
                id,
                None,
                ActivityType::TribeDissolved,
                "everyone invited declined".to_owned(),
                BTreeMap::new(),
            )
            .await?;
            facts::status_changed(conn, &tribe, TribeStatus::Dissolved).await?;
        }
        Ok(member)
    })
    .await
}

/// A page of the PENDING invitations of `user`, newest first.
pub async fn list_invitations(
    conn: &mut AsyncPgConnection,
    user: UserId,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Invitation>, Option<Cursor>), Error> {
    let mut page = runs::page_invitations(conn, user, cursor, limit + 1).await?;
    let next = next_cursor(&mut page, limit, |(tribe, _, invited_at)| Cursor {
        at: *invited_at,
        id: tribe.id.0,
    });
    let mut invitations = Vec::with_capacity(page.len());
    for (tribe, run_id, invited_at) in page {
        invitations.push(Invitation {
            tribe: details(conn, tribe).await?,
            run_id,
            invited_at,
        });
    }
    Ok((invitations, next))
}
