//! The `tribe_members` table: who belongs to which tribe.

use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{MemberRole, MembershipStatus, TribeId, UserId};
use crate::schema::tribes::tribe_members;

#[derive(Insertable)]
#[diesel(table_name = tribe_members, check_for_backend(diesel::pg::Pg))]
pub struct NewMember {
    pub tribe_id: TribeId,
    pub user_id: UserId,
    pub role: MemberRole,
    pub status: MembershipStatus,
}

pub async fn insert(conn: &mut AsyncPgConnection, member: &NewMember) -> QueryResult<()> {
    diesel::insert_into(tribe_members::table)
        .values(member)
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
