//! The `matchmaking_runs` and `match_groups` tables, and who is matched already.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use circle_core::db::rows_per_insert;
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel::{OptionalExtension, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::matchmaking::{MATCHMAKER, Run, RunId, RunStatus, RunTrigger};
use crate::domain::{MembershipStatus, Tribe, TribeId, TribeStatus, UserId};
use crate::schema::tribes::{match_groups, matchmaking_runs, tribe_members, tribes};

/// Starts a RUNNING run; a unique violation when another is RUNNING.
pub async fn insert_run(
    conn: &mut AsyncPgConnection,
    id: RunId,
    trigger: RunTrigger,
    started_by: Option<UserId>,
) -> QueryResult<Run> {
    diesel::insert_into(matchmaking_runs::table)
        .values((
            matchmaking_runs::id.eq(id),
            matchmaking_runs::trigger.eq(trigger),
            matchmaking_runs::started_by.eq(started_by),
            matchmaking_runs::status.eq(RunStatus::Running),
        ))
        .returning(Run::as_returning())
        .get_result(conn)
        .await
}

/// Fails RUNNING runs started before `before`: their instance stopped in the middle.
pub async fn abandon_stale(
    conn: &mut AsyncPgConnection,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        matchmaking_runs::table
            .filter(matchmaking_runs::status.eq(RunStatus::Running))
            .filter(matchmaking_runs::started_at.lt(before)),
    )
    .set((
        matchmaking_runs::status.eq(RunStatus::Failed),
        matchmaking_runs::finished_at.eq(diesel::dsl::now),
        matchmaking_runs::duration_ms.eq(0),
        matchmaking_runs::failure.eq("abandoned: the instance running it stopped"),
    ))
    .execute(conn)
    .await
}

/// What a finished run found and formed.
#[derive(AsChangeset)]
#[diesel(table_name = matchmaking_runs, check_for_backend(diesel::pg::Pg))]
pub struct Finished<'a> {
    pub status: RunStatus,
    pub finished_at: DateTime<Utc>,
    pub candidate_count: i32,
    pub skipped_count: i32,
    pub excluded_count: i32,
    pub input_count: i32,
    pub placed_count: i32,
    pub group_count: i32,
    pub objective: f64,
    pub duration_ms: i64,
    pub failure: Option<&'a str>,
}

pub async fn finish(
    conn: &mut AsyncPgConnection,
    id: RunId,
    finished: &Finished<'_>,
) -> QueryResult<Run> {
    diesel::update(matchmaking_runs::table.find(id))
        .set(finished)
        .returning(Run::as_returning())
        .get_result(conn)
        .await
}

pub async fn find_run(conn: &mut AsyncPgConnection, id: RunId) -> QueryResult<Option<Run>> {
    matchmaking_runs::table
        .find(id)
        .select(Run::as_select())
        .first(conn)
        .await
        .optional()
}

/// Runs newest first, after `cursor`; `limit` rows at most.
pub async fn page_runs(
    conn: &mut AsyncPgConnection,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<Run>> {
    let mut query = matchmaking_runs::table
        .order((
            matchmaking_runs::started_at.desc(),
            matchmaking_runs::id.desc(),
        ))
        .select(Run::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = cursor {
        query = query.filter(
            matchmaking_runs::started_at
                .lt(at)
                .or(matchmaking_runs::started_at
                    .eq(at)
                    .and(matchmaking_runs::id.lt(id))),
        );
    }
    query.load(conn).await
}

/// Of `people`, those already matched: a PENDING invitation of a run, or ACTIVE in a matched
/// tribe that is FORMING, ACTIVE or AT_RISK.
pub async fn already_matched(
    conn: &mut AsyncPgConnection,
    people: &[UserId],
) -> QueryResult<HashSet<UserId>> {
    let pending = tribe_members::status
        .eq(MembershipStatus::Pending)
        .and(tribe_members::invited_by.eq(MATCHMAKER));
    let belongs = tribe_members::status
        .eq(MembershipStatus::Active)
        .and(tribes::status.eq_any([
            TribeStatus::Forming,
            TribeStatus::Active,
            TribeStatus::AtRisk,
        ]));
    let found: Vec<UserId> = tribe_members::table
        .inner_join(tribes::table)
        .inner_join(match_groups::table.on(match_groups::tribe_id.eq(tribe_members::tribe_id)))
        .filter(tribe_members::user_id.eq_any(people))
        .filter(pending.or(belongs))
        .select(tribe_members::user_id)
        .distinct()
        .load(conn)
        .await?;
    Ok(found.into_iter().collect())
}

/// Pairs (decliner, other) for each of `people` who declined a run's invitation since `since`
/// and each other person invited to or member of that tribe.
pub async fn declined_with(
    conn: &mut AsyncPgConnection,
    people: &[UserId],
    since: DateTime<Utc>,
) -> QueryResult<Vec<(UserId, UserId)>> {
    let others = diesel::alias!(tribe_members as others);
    tribe_members::table
        .inner_join(match_groups::table.on(match_groups::tribe_id.eq(tribe_members::tribe_id)))
        .inner_join(
            others.on(others
                .field(tribe_members::tribe_id)
                .eq(tribe_members::tribe_id)),
        )
        .filter(tribe_members::user_id.eq_any(people))
        .filter(tribe_members::status.eq(MembershipStatus::Declined))
        .filter(tribe_members::invited_by.eq(MATCHMAKER))
        .filter(tribe_members::updated_at.ge(since))
        .filter(
            others
                .field(tribe_members::user_id)
                .ne(tribe_members::user_id),
        )
        .select((tribe_members::user_id, others.field(tribe_members::user_id)))
        .distinct()
        .load(conn)
        .await
}

/// The group a run formed for a tribe.
#[derive(Insertable)]
#[diesel(table_name = match_groups, check_for_backend(diesel::pg::Pg))]
pub struct NewGroup<'a> {
    pub tribe_id: TribeId,
    pub run_id: RunId,
    pub group_size: i16,
    pub score: f64,
    pub reasons: &'a serde_json::Value,
}

/// Many groups per statement.
pub async fn insert_groups(
    conn: &mut AsyncPgConnection,
    groups: &[NewGroup<'_>],
) -> QueryResult<()> {
    const ROWS_PER_INSERT: usize = rows_per_insert(5);
    for chunk in groups.chunks(ROWS_PER_INSERT) {
        diesel::insert_into(match_groups::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The run that formed `tribe`, the group's size, score and reasons; `None` for a tribe
/// people created.
pub async fn group_of(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
) -> QueryResult<Option<(RunId, i16, f64, serde_json::Value)>> {
    match_groups::table
        .find(tribe)
        .select((
            match_groups::run_id,
            match_groups::group_size,
            match_groups::score,
            match_groups::reasons,
        ))
        .first(conn)
        .await
        .optional()
}

/// The PENDING invitations of runs to `user`, newest first, after `cursor` (invite time and
/// tribe id); `limit` rows at most.
pub async fn page_invitations(
    conn: &mut AsyncPgConnection,
    user: UserId,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<(Tribe, RunId, DateTime<Utc>)>> {
    let mut query = tribe_members::table
        .inner_join(tribes::table)
        .inner_join(match_groups::table.on(match_groups::tribe_id.eq(tribe_members::tribe_id)))
        .filter(tribe_members::user_id.eq(user))
        .filter(tribe_members::status.eq(MembershipStatus::Pending))
        .filter(tribe_members::invited_by.eq(MATCHMAKER))
        .filter(tribes::status.ne(TribeStatus::Dissolved))
        .order((
            tribe_members::joined_at.desc(),
            tribe_members::tribe_id.desc(),
        ))
        .select((
            Tribe::as_select(),
            match_groups::run_id,
            tribe_members::joined_at,
        ))
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = cursor {
        query = query.filter(
            tribe_members::joined_at.lt(at).or(tribe_members::joined_at
                .eq(at)
                .and(tribe_members::tribe_id.lt(TribeId(id)))),
        );
    }
    query.load(conn).await
}

/// Whether `tribe` still has anyone in it or invited to it.
pub async fn anyone_left(conn: &mut AsyncPgConnection, tribe: TribeId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        tribe_members::table
            .filter(tribe_members::tribe_id.eq(tribe))
            .filter(
                tribe_members::status.eq_any([MembershipStatus::Active, MembershipStatus::Pending]),
            ),
    ))
    .get_result(conn)
    .await
}
