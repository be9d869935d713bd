//! What tribe matchmaking reads about many people at once: a fixed number of queries for any
//! number of people (the eligible page, then traits, interests, avoid lists and mutual
//! connect-again matches of all of them).

use std::collections::HashMap;

use circle_core::db::StoreError;
use circle_core::prepared::prepared;
use diesel::prelude::*;
use diesel::sql_types::{Array, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{AccountStatus, InterestCategory, InterestId, InterestLevel, UserId};
use crate::schema::users::{
    accounts, blocks, connect_again, interests, internal_metrics, matching_profiles,
    profile_interests,
};

/// The matching fields of one person who opted in, with their reliability figures (absent
/// when nothing was recorded about them yet).
#[derive(Clone, Debug, Queryable)]
pub struct EligibleRow {
    pub user_id: UserId,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub communication_style: Option<String>,
    pub max_travel_km: Option<i32>,
    pub absentee_rating: Option<f64>,
    pub events_attended: Option<i32>,
    pub no_shows: Option<i32>,
    pub late_arrivals: Option<i32>,
}

/// Which eligible people to read: a page by user id, or the given people.
pub enum Selection<'a> {
    After { after: Option<UserId>, limit: i64 },
    Among(&'a [UserId]),
}

/// People who opted in to matching and whose account is ACTIVE, by user id.
pub async fn eligible(
    conn: &mut AsyncPgConnection,
    selection: Selection<'_>,
) -> Result<Vec<EligibleRow>, StoreError> {
    let mut query = accounts::table
        .inner_join(matching_profiles::table)
        .left_join(internal_metrics::table)
        .filter(matching_profiles::opted_in)
        .filter(accounts::status.eq(AccountStatus::Active))
        .order(accounts::id)
        .select((
            accounts::id,
            matching_profiles::latitude,
            matching_profiles::longitude,
            matching_profiles::communication_style,
            matching_profiles::max_travel_km,
            internal_metrics::absentee_rating.nullable(),
            internal_metrics::events_attended.nullable(),
            internal_metrics::no_shows.nullable(),
            internal_metrics::late_arrivals.nullable(),
        ))
        .into_boxed();
    match selection {
        Selection::After { after, limit } => {
            if let Some(after) = after {
                query = query.filter(accounts::id.gt(after));
            }
            query = query.limit(limit);
        }
        Selection::Among(people) => query = query.filter(accounts::id.eq_any(people)),
    }
    Ok(query.load(conn).await?)
}

/// One interest a person picked, with its catalog name and category.
#[derive(Clone, Debug, Queryable)]
pub struct PickedInterest {
    pub user_id: UserId,
    pub interest_id: InterestId,
    pub name: String,
    pub category: InterestCategory,
    pub level: InterestLevel,
}

/// The interests of each of `people`, by name.
pub async fn interests_of(
    conn: &mut AsyncPgConnection,
    people: &[UserId],
) -> Result<Vec<PickedInterest>, StoreError> {
    Ok(profile_interests::table
        .inner_join(interests::table)
        .filter(profile_interests::user_id.eq_any(people))
        .order((profile_interests::user_id, interests::name, interests::id))
        .select((
            profile_interests::user_id,
            interests::id,
            interests::name,
            interests::category,
            profile_interests::level,
        ))
        .load(conn)
        .await?)
}

/// Whom each of `people` must not be matched with: everyone they blocked or who blocked them,
/// and everyone either of them said they do not want to connect again with. People with
/// nobody to avoid have no entry.
pub async fn avoid_lists(
    conn: &mut AsyncPgConnection,
    people: &[UserId],
) -> Result<HashMap<UserId, Vec<UserId>>, StoreError> {
    let pairs: Vec<(UserId, UserId)> = blocks::table
        .filter(
            blocks::blocker_id
                .eq_any(people)
                .or(blocks::blocked_id.eq_any(people)),
        )
        .order((blocks::blocker_id, blocks::blocked_id))
        .select((blocks::blocker_id, blocks::blocked_id))
        .load(conn)
        .await?;
    let refusals: Vec<(UserId, UserId)> = connect_again::table
        .filter(connect_again::wants.eq(false))
        .filter(
            connect_again::owner_id
                .eq_any(people)
                .or(connect_again::connected_id.eq_any(people)),
        )
        .select((connect_again::owner_id, connect_again::connected_id))
        .load(conn)
        .await?;
    let mut lists: HashMap<UserId, Vec<UserId>> = HashMap::new();
    for (one, other) in pairs.into_iter().chain(refusals) {
        lists.entry(one).or_default().push(other);
        lists.entry(other).or_default().push(one);
    }
    for list in lists.values_mut() {
        list.sort_by_key(UserId::as_uuid);
        list.dedup();
    }
    Ok(lists)
}

/// One side of a mutual connect-again match: `user_id` and `other_id` both want to connect
/// again with each other.
#[derive(QueryableByName)]
struct MutualWish {
    #[diesel(sql_type = SqlUuid)]
    user_id: UserId,
    #[diesel(sql_type = SqlUuid)]
    other_id: UserId,
}

/// Whom each of `people` wants to connect again with and who wants the same with them (the
/// mutual matches of ListConnectAgainMatches: a pair blocked either way is left out), sorted by
/// user id. People with no such match have no entry.
pub async fn mutual_connect_again(
    conn: &mut AsyncPgConnection,
    people: &[UserId],
) -> Result<HashMap<UserId, Vec<UserId>>, StoreError> {
    let wishes: Vec<MutualWish> = prepared(
        "SELECT mine.owner_id AS user_id, mine.connected_id AS other_id \
         FROM connect_again mine \
         JOIN connect_again theirs \
           ON theirs.owner_id = mine.connected_id AND theirs.connected_id = mine.owner_id \
         WHERE mine.owner_id = ANY($1) AND mine.wants AND theirs.wants \
           AND NOT EXISTS ( \
             SELECT 1 FROM blocks \
             WHERE (blocker_id = mine.owner_id AND blocked_id = mine.connected_id) \
                OR (blocker_id = mine.connected_id AND blocked_id = mine.owner_id)) \
         ORDER BY mine.owner_id, mine.connected_id",
    )
    .bind::<Array<SqlUuid>, _>(people)
    .load(conn)
    .await?;
    let mut lists: HashMap<UserId, Vec<UserId>> = HashMap::new();
    for MutualWish { user_id, other_id } in wishes {
        lists.entry(user_id).or_default().push(other_id);
    }
    for list in lists.values_mut() {
        list.sort_by_key(UserId::as_uuid);
        list.dedup();
    }
    Ok(lists)
}
