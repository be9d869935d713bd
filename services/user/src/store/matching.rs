//! What tribe matchmaking reads about many people at once: a fixed number of queries for any
//! number of people (the eligible page, then traits, interests and avoid lists of all of them).

use std::collections::HashMap;

use circle_core::db::StoreError;
use diesel::prelude::*;
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
