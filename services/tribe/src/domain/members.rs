//! Membership changes. Each runs in one transaction that first locks the tribe's row, so the
//! count of active members is read and changed by one transaction at a time: a tribe never
//! holds more than its maximum (and the CHECK on `member_count` would refuse it if it did).

use std::collections::BTreeMap;

use circle_core::auth::Principal;
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::activity::{self, ActivityType};
use super::blocks::Blocks;
use super::facts;
use super::matchmaking::MATCHMAKER;
use super::{
    Member, MemberRole, MembershipStatus, Tribe, TribeId, TribePrivacy, TribeStatus, UserId,
};
use crate::error::Error;
use crate::query::{members, tribes};

/// Locks the tribe, which must exist and not be dissolved.
pub(super) async fn lock_open(conn: &mut AsyncPgConnection, id: TribeId) -> Result<Tribe, Error> {
    let tribe = tribes::lock(conn, id)
        .await?
        .ok_or(Error::TribeNotFound(id))?;
    if !tribe.status.is_open() {
        return Err(Error::precondition(
            "TRIBE_DISSOLVED",
            format!("tribe {id} is dissolved"),
        ));
    }
    Ok(tribe)
}

pub(super) fn require_creator(tribe: &Tribe, user: UserId) -> Result<(), Error> {
    if tribe.creator_id == user {
        Ok(())
    } else {
        Err(Error::Forbidden {
            reason: "NOT_CREATOR",
            who: "the tribe's creator",
        })
    }
}

/// Whether `viewer` may read the members, activity and goals of `tribe`: anyone for a public
/// tribe; its active members and the suite's services for a private one.
pub(super) async fn require_visible(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    tribe: &Tribe,
) -> Result<(), Error> {
    let visible = match (tribe.privacy, viewer) {
        (TribePrivacy::Public, _) | (TribePrivacy::Private, Principal::Service { .. }) => true,
        (TribePrivacy::Private, Principal::User { id, .. }) => {
            members::is_active(conn, tribe.id, UserId(*id)).await?
        }
    };
    if visible {
        Ok(())
    } else {
        Err(Error::PrivateTribe(tribe.id))
    }
}

fn note(pairs: &[(&'static str, String)]) -> BTreeMap<&'static str, String> {
    pairs.iter().cloned().collect()
}

/// Makes `user` an ACTIVE member of the locked `tribe` if a seat is free and nobody there
/// blocked them or was blocked by them; counts them, moves the status, and records it all. The
/// first to join a tribe matchmaking formed becomes its creator.
pub(super) async fn admit(
    conn: &mut AsyncPgConnection,
    blocks: &Blocks,
    tribe: &Tribe,
    user: UserId,
    actor: UserId,
) -> Result<(Member, Tribe), Error> {
    if tribe.is_full() {
        return Err(Error::precondition(
            "TRIBE_FULL",
            format!(
                "tribe {} is full ({} members)",
                tribe.id,
                tribe.max_members.get()
            ),
        ));
    }
    refuse_blocked(conn, blocks, tribe, user).await?;
    let first_of_matched = tribe.creator_id == MATCHMAKER;
    let member = members::upsert(
        conn,
        &members::NewMember {
            tribe_id: tribe.id,
            user_id: user,
            role: if first_of_matched {
                MemberRole::Creator
            } else {
                MemberRole::Member
            },
            status: MembershipStatus::Active,
            invited_by: None,
        },
    )
    .await?;
    let mut tribe = recount(conn, tribe, Some(actor), 1).await?;
    if first_of_matched {
        tribe = tribes::set_creator(conn, tribe.id, user).await?;
    }
    activity::record(
        conn,
        tribe.id,
        Some(user),
        ActivityType::MemberJoined,
        "joined the tribe".to_owned(),
        note(&[("user_id", user.to_string())]),
    )
    .await?;
    facts::membership_changed(conn, facts::MEMBER_JOINED, &tribe, user, actor).await?;
    Ok((member, tribe))
}

async fn refuse_blocked(
    conn: &mut AsyncPgConnection,
    blocks: &Blocks,
    tribe: &Tribe,
    user: UserId,
) -> Result<(), Error> {
    // Asked under the tribe's row lock: nobody joins in between, so these are the members the
    // person joins. A block placed after the answer counts as one placed after the join (a
    // block never removes a member); the user service is not part of this transaction.
    let others: Vec<UserId> = members::active_ids(conn, tribe.id)
        .await?
        .into_iter()
        .filter(|id| *id != user)
        .collect();
    if blocks.between(user, &others).await? {
        return Err(Error::precondition(
            "BLOCKED",
            "this person and a member of the tribe have blocked each other",
        ));
    }
    Ok(())
}

/// Applies a change of the active member count by `delta`: the new count, the status it
/// implies, and the activity and fact of a status change.
async fn recount(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
    actor: Option<UserId>,
    delta: i16,
) -> Result<Tribe, Error> {
    let count = tribe.member_count + delta;
    let status = TribeStatus::for_member_count(count);
    let updated = tribes::set_membership(conn, tribe.id, count, status).await?;
    if status != tribe.status {
        activity::record(
            conn,
            tribe.id,
            actor,
            ActivityType::StatusChanged,
            format!("the tribe is now {}", status.as_str()),
            note(&[
                ("from", tribe.status.as_str().to_owned()),
                ("to", status.as_str().to_owned()),
            ]),
        )
        .await?;
        facts::status_changed(conn, &updated, status).await?;
    }
    Ok(updated)
}

/// What joining did: the caller is in, or waits for the creator.
pub struct Joined {
    pub member: Member,
    pub tribe: Tribe,
}

/// Joins a public tribe, accepts an invitation, or asks to join a private tribe.
pub async fn join_tribe(
    conn: &mut AsyncPgConnection,
    blocks: &Blocks,
    id: TribeId,
    user: UserId,
) -> Result<Joined, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        let existing = members::find(conn, id, user).await?;
        match existing.as_ref().map(|m| (m.status, m.invited_by)) {
            Some((MembershipStatus::Active, _)) => {
                return Err(Error::precondition(
                    "ALREADY_MEMBER",
                    "you are already a member of this tribe",
                ));
            }
            Some((MembershipStatus::Pending, None)) => {
                return Err(Error::precondition(
                    "JOIN_PENDING",
                    "your request to join waits for the creator",
                ));
            }
            Some((MembershipStatus::Removed, _)) => {
                return Err(Error::precondition(
                    "MEMBER_REMOVED",
                    "you were removed from this tribe; only an invitation brings you back",
                ));
            }
            Some((MembershipStatus::Pending, Some(_))) => {}
            Some((
                MembershipStatus::Left | MembershipStatus::Inactive | MembershipStatus::Declined,
                _,
            ))
            | None => {
                if tribe.privacy == TribePrivacy::Private {
                    return ask_to_join(conn, blocks, &tribe, user).await;
                }
            }
        }
        let (member, tribe) = admit(conn, blocks, &tribe, user, user).await?;
        Ok(Joined { member, tribe })
    })
    .await
}

async fn ask_to_join(
    conn: &mut AsyncPgConnection,
    blocks: &Blocks,
    tribe: &Tribe,
    user: UserId,
) -> Result<Joined, Error> {
    refuse_blocked(conn, blocks, tribe, user).await?;
    let member = members::upsert(
        conn,
        &members::NewMember {
            tribe_id: tribe.id,
            user_id: user,
            role: MemberRole::Member,
            status: MembershipStatus::Pending,
            invited_by: None,
        },
    )
    .await?;
    activity::record(
        conn,
        tribe.id,
        Some(user),
        ActivityType::JoinRequested,
        "asked to join".to_owned(),
        note(&[("user_id", user.to_string())]),
    )
    .await?;
    Ok(Joined {
        member,
        tribe: tribe.clone(),
    })
}

/// Invites `invitee`: PENDING until they join. Any active member invites; only the creator
/// invites someone who was removed.
pub async fn invite_member(
    conn: &mut AsyncPgConnection,
    blocks: &Blocks,
    id: TribeId,
    inviter: UserId,
    invitee: UserId,
) -> Result<Member, Error> {
    if inviter == invitee {
        return Err(Error::Invalid {
            field: "user_id",
            message: "you cannot invite yourself".to_owned(),
        });
    }
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        if !members::is_active(conn, id, inviter).await? {
            return Err(Error::Forbidden {
                reason: "NOT_A_MEMBER",
                who: "the tribe's active members",
            });
        }
        match members::find(conn, id, invitee).await?.map(|m| m.status) {
            Some(MembershipStatus::Active) => {
                return Err(Error::precondition(
                    "ALREADY_MEMBER",
                    format!("{invitee} is already a member"),
                ));
            }
            Some(MembershipStatus::Pending) => {
                return Err(Error::precondition(
                    "ALREADY_PENDING",
                    format!("{invitee} is already invited or asked to join"),
                ));
            }
            Some(MembershipStatus::Removed) => require_creator(&tribe, inviter)?,
            Some(
                MembershipStatus::Left | MembershipStatus::Inactive | MembershipStatus::Declined,
            )
            | None => {}
        }
        if tribe.is_full() {
            return Err(Error::precondition(
                "TRIBE_FULL",
                format!("tribe {id} is full ({} members)", tribe.max_members.get()),
            ));
        }
        refuse_blocked(conn, blocks, &tribe, invitee).await?;
        let member = members::upsert(
            conn,
            &members::NewMember {
                tribe_id: id,
                user_id: invitee,
                role: MemberRole::Member,
                status: MembershipStatus::Pending,
                invited_by: Some(inviter),
            },
        )
        .await?;
        activity::record(
            conn,
            id,
            Some(inviter),
            ActivityType::MemberInvited,
            "invited someone".to_owned(),
            note(&[("user_id", invitee.to_string())]),
        )
        .await?;
        Ok(member)
    })
    .await
}

/// The PENDING request to join of `user`, which the creator decides on.
async fn pending_request(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
    user: UserId,
) -> Result<Member, Error> {
    let member = members::find(conn, tribe.id, user)
        .await?
        .ok_or(Error::MemberNotFound {
            tribe: tribe.id,
            user,
        })?;
    if member.status != MembershipStatus::Pending || member.invited_by.is_some() {
        return Err(Error::precondition(
            "NO_JOIN_REQUEST",
            format!("{user} has no request to join waiting"),
        ));
    }
    Ok(member)
}

/// Lets a PENDING request in; the creator only.
pub async fn approve_member(
    conn: &mut AsyncPgConnection,
    blocks: &Blocks,
    id: TribeId,
    creator: UserId,
    user: UserId,
) -> Result<Joined, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        require_creator(&tribe, creator)?;
        pending_request(conn, &tribe, user).await?;
        let (member, tribe) = admit(conn, blocks, &tribe, user, creator).await?;
        Ok(Joined { member, tribe })
    })
    .await
}

/// Turns a PENDING request down; the creator only. The request is gone; the person may ask again.
pub async fn decline_member(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    creator: UserId,
    user: UserId,
) -> Result<(), Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        require_creator(&tribe, creator)?;
        pending_request(conn, &tribe, user).await?;
        members::delete(conn, id, user).await?;
        activity::record(
            conn,
            id,
            Some(creator),
            ActivityType::JoinDeclined,
            "declined a request to join".to_owned(),
            note(&[("user_id", user.to_string())]),
        )
        .await?;
        Ok(())
    })
    .await
}

/// Leaves the tribe, or withdraws a pending request or invitation. The creator hands the role
/// over first.
pub async fn leave_tribe(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    user: UserId,
) -> Result<Tribe, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        let member = members::find(conn, id, user)
            .await?
            .filter(|m| {
                matches!(
                    m.status,
                    MembershipStatus::Active | MembershipStatus::Pending
                )
            })
            .ok_or(Error::MemberNotFound { tribe: id, user })?;
        if member.status == MembershipStatus::Pending {
            members::delete(conn, id, user).await?;
            activity::record(
                conn,
                id,
                Some(user),
                ActivityType::MemberLeft,
                "withdrew before joining".to_owned(),
                note(&[("user_id", user.to_string()), ("was", "PENDING".to_owned())]),
            )
            .await?;
            return Ok(tribe);
        }
        if member.role == MemberRole::Creator {
            return Err(Error::precondition(
                "CREATOR_MUST_TRANSFER",
                "the creator hands the role to another member (TransferCreatorRole) before \
                 leaving, or dissolves the tribe",
            ));
        }
        members::set_status(conn, id, user, MembershipStatus::Left, MemberRole::Member).await?;
        let tribe = recount(conn, &tribe, Some(user), -1).await?;
        activity::record(
            conn,
            id,
            Some(user),
            ActivityType::MemberLeft,
            "left the tribe".to_owned(),
            note(&[("user_id", user.to_string())]),
        )
        .await?;
        facts::membership_changed(conn, facts::MEMBER_LEFT, &tribe, user, user).await?;
        Ok(tribe)
    })
    .await
}

/// Removes an active or pending member; the creator only, not themself.
pub async fn remove_member(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    creator: UserId,
    user: UserId,
) -> Result<Tribe, Error> {
    if creator == user {
        return Err(Error::Invalid {
            field: "user_id",
            message: "the creator cannot remove themself; transfer the role or dissolve the tribe"
                .to_owned(),
        });
    }
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        require_creator(&tribe, creator)?;
        let member = members::find(conn, id, user)
            .await?
            .filter(|m| {
                matches!(
                    m.status,
                    MembershipStatus::Active | MembershipStatus::Pending
                )
            })
            .ok_or(Error::MemberNotFound { tribe: id, user })?;
        members::set_status(
            conn,
            id,
            user,
            MembershipStatus::Removed,
            MemberRole::Member,
        )
        .await?;
        let tribe = if member.is_active() {
            recount(conn, &tribe, Some(creator), -1).await?
        } else {
            tribe
        };
        activity::record(
            conn,
            id,
            Some(creator),
            ActivityType::MemberRemoved,
            "removed a member".to_owned(),
            note(&[
                ("user_id", user.to_string()),
                ("was", member.status.as_str().to_owned()),
            ]),
        )
        .await?;
        facts::membership_changed(conn, facts::MEMBER_REMOVED, &tribe, user, creator).await?;
        Ok(tribe)
    })
    .await
}

/// Makes another active member the creator; the creator only.
pub async fn transfer_creator_role(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    creator: UserId,
    successor: UserId,
) -> Result<Tribe, Error> {
    if creator == successor {
        return Err(Error::Invalid {
            field: "user_id",
            message: "you are the creator already".to_owned(),
        });
    }
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        require_creator(&tribe, creator)?;
        members::find(conn, id, successor)
            .await?
            .filter(Member::is_active)
            .ok_or(Error::MemberNotFound {
                tribe: id,
                user: successor,
            })?;
        // One creator per tribe (a unique index): step down before the successor steps up.
        members::set_status(
            conn,
            id,
            creator,
            MembershipStatus::Active,
            MemberRole::Member,
        )
        .await?;
        members::set_status(
            conn,
            id,
            successor,
            MembershipStatus::Active,
            MemberRole::Creator,
        )
        .await?;
        let tribe = tribes::set_creator(conn, id, successor).await?;
        activity::record(
            conn,
            id,
            Some(creator),
            ActivityType::CreatorTransferred,
            "handed the creator role over".to_owned(),
            note(&[("user_id", successor.to_string())]),
        )
        .await?;
        Ok(tribe)
    })
    .await
}

/// Ends the tribe for good; the creator only.
pub async fn dissolve_tribe(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    creator: UserId,
) -> Result<Tribe, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe = lock_open(conn, id).await?;
        require_creator(&tribe, creator)?;
        let tribe = tribes::set_status(conn, id, TribeStatus::Dissolved).await?;
        activity::record(
            conn,
            id,
            Some(creator),
            ActivityType::TribeDissolved,
            "dissolved the tribe".to_owned(),
            BTreeMap::new(),
        )
        .await?;
        facts::status_changed(conn, &tribe, TribeStatus::Dissolved).await?;
        Ok(tribe)
    })
    .await
}

/// A page of active and pending members, oldest first.
pub async fn list_members(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    id: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Member>, Option<Cursor>), Error> {
    let tribe = tribes::find(conn, id)
        .await?
        .ok_or(Error::TribeNotFound(id))?;
    require_visible(conn, viewer, &tribe).await?;
    let mut page = members::page(conn, id, cursor, limit + 1).await?;
    let next = next_cursor(&mut page, limit, |m| Cursor {
        at: m.joined_at,
        id: m.user_id.0,
    });
    Ok((page, next))
}

/// Trims a page read with one row more than `limit`, and names where the next page starts.
pub(super) fn next_cursor<T>(
    page: &mut Vec<T>,
    limit: i64,
    cursor: impl Fn(&T) -> Cursor,
) -> Option<Cursor> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if page.len() <= limit {
        return None;
    }
    page.truncate(limit);
    page.last().map(cursor)
}
