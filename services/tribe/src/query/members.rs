//! The `tribe_members` table: who belongs to which tribe.

use chrono::{DateTime, Utc};
use circle_core::db::rows_per_insert;
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel::{OptionalExtension, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{Member, MemberRole, MembershipStatus, TribeId, UserId};
use crate::schema::tribes::tribe_members;

#[derive(Insertable)]
#[diesel(table_name = tribe_members, check_for_backend(diesel::pg::Pg))]
pub struct NewMember {
    pub tribe_id: TribeId,
    pub user_id: UserId,
    pub role: MemberRole,
    pub status: MembershipStatus,
    pub invited_by: Option<UserId>,
}

/// Writes the memberships, many per statement.
pub async fn insert(conn: &mut AsyncPgConnection, members: &[NewMember]) -> QueryResult<()> {
    const ROWS_PER_INSERT: usize = rows_per_insert(5);
    for chunk in members.chunks(ROWS_PER_INSERT) {
        diesel::insert_into(tribe_members::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Writes the membership of `member.user_id`, whatever it was before (someone who left comes
/// back, someone removed is invited again); the join time starts anew.
pub async fn upsert(conn: &mut AsyncPgConnection, member: &NewMember) -> QueryResult<Member> {
    diesel::insert_into(tribe_members::table)
        .values(member)
        .on_conflict((tribe_members::tribe_id, tribe_members::user_id))
        .do_update()
        .set((
            tribe_members::role.eq(member.role),
            tribe_members::status.eq(member.status),
            tribe_members::invited_by.eq(member.invited_by),
            tribe_members::joined_at.eq(diesel::dsl::now),
            tribe_members::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Member::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    user: UserId,
) -> QueryResult<Option<Member>> {
    tribe_members::table
        .find((tribe, user))
        .select(Member::as_select())
        .first(conn)
        .await
        .optional()
}

/// Sets the membership's status (and role); a PENDING one that becomes ACTIVE joins now.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    user: UserId,
    status: MembershipStatus,
    role: MemberRole,
) -> QueryResult<Member> {
    diesel::update(tribe_members::table.find((tribe, user)))
        .set((
            tribe_members::status.eq(status),
            tribe_members::role.eq(role),
            tribe_members::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Member::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, tribe: TribeId, user: UserId) -> QueryResult<()> {
    diesel::delete(tribe_members::table.find((tribe, user)))
        .execute(conn)
        .await
        .map(drop)
}

/// Whether `user` is an ACTIVE member of `tribe`.
pub async fn is_active(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    user: UserId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        tribe_members::table
            .find((tribe, user))
            .filter(tribe_members::status.eq(MembershipStatus::Active)),
    ))
    .get_result(conn)
    .await
}

/// The ACTIVE members of `tribe`.
pub async fn active_ids(conn: &mut AsyncPgConnection, tribe: TribeId) -> QueryResult<Vec<UserId>> {
    tribe_members::table
        .filter(tribe_members::tribe_id.eq(tribe))
        .filter(tribe_members::status.eq(MembershipStatus::Active))
        .order(tribe_members::user_id)
        .select(tribe_members::user_id)
        .load(conn)
        .await
}

/// ACTIVE and PENDING members, oldest first, after `cursor`; `limit` rows at most.
pub async fn page(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<Member>> {
    let mut query = tribe_members::table
        .filter(tribe_members::tribe_id.eq(tribe))
        .filter(tribe_members::status.eq_any([MembershipStatus::Active, MembershipStatus::Pending]))
        .order((tribe_members::joined_at, tribe_members::user_id))
        .limit(limit)
        .select(Member::as_select())
        .into_boxed();
    if let Some(Cursor { at, id }) = cursor {
        let id = UserId(id);
        query = query.filter(
            tribe_members::joined_at.gt(at).or(tribe_members::joined_at
                .eq(at)
                .and(tribe_members::user_id.gt(id))),
        );
    }
    query.load(conn).await
}

/// Moves the member's read position to (`at`, `id`) unless it is there or further already.
pub async fn advance_read(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    user: UserId,
    at: DateTime<Utc>,
    id: Uuid,
) -> QueryResult<()> {
    diesel::update(tribe_members::table.find((tribe, user)))
        .filter(
            tribe_members::read_sent_at
                .is_null()
                .or(tribe_members::read_sent_at.lt(at))
                .or(tribe_members::read_sent_at
                    .eq(at)
                    .and(tribe_members::read_message_id.lt(id))),
        )
        .set((
            tribe_members::read_sent_at.eq(at),
            tribe_members::read_message_id.eq(id),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The (sent_at, id) of the last message the member read.
pub async fn read_position(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    user: UserId,
) -> QueryResult<Option<(DateTime<Utc>, Uuid)>> {
    let (at, id): (Option<DateTime<Utc>>, Option<Uuid>) = tribe_members::table
        .find((tribe, user))
        .select((tribe_members::read_sent_at, tribe_members::read_message_id))
        .first(conn)
        .await?;
    Ok(at.zip(id))
}
