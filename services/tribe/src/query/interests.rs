//! The `tribe_interests` table.

use std::collections::HashMap;

use circle_core::db::rows_per_insert;
use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{Interest, Interests, TribeId};
use crate::schema::tribes::tribe_interests;

/// Replaces the tribe's interests with `interests`.
pub async fn replace(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    interests: &Interests,
) -> QueryResult<()> {
    diesel::delete(tribe_interests::table.filter(tribe_interests::tribe_id.eq(tribe)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = interests
        .as_slice()
        .iter()
        .map(|interest| {
            (
                tribe_interests::tribe_id.eq(tribe),
                tribe_interests::category.eq(interest.category),
                tribe_interests::name.eq(&interest.name),
                tribe_interests::is_primary.eq(interest.is_primary),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(tribe_interests::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The interests of new tribes (which hold none yet), many per statement.
pub async fn insert_all(
    conn: &mut AsyncPgConnection,
    tribes: &[(TribeId, &Interests)],
) -> QueryResult<()> {
    const ROWS_PER_INSERT: usize = rows_per_insert(4);
    let rows: Vec<_> = tribes
        .iter()
        .flat_map(|&(tribe, interests)| {
            interests.as_slice().iter().map(move |interest| {
                (
                    tribe_interests::tribe_id.eq(tribe),
                    tribe_interests::category.eq(interest.category),
                    tribe_interests::name.eq(&interest.name),
                    tribe_interests::is_primary.eq(interest.is_primary),
                )
            })
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        diesel::insert_into(tribe_interests::table)
            .values(chunk.to_vec())
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Primary interests first, then by category and name.
pub async fn of(conn: &mut AsyncPgConnection, tribe: TribeId) -> QueryResult<Vec<Interest>> {
    tribe_interests::table
        .filter(tribe_interests::tribe_id.eq(tribe))
        .order((
            tribe_interests::is_primary.desc(),
            tribe_interests::category,
            tribe_interests::name,
        ))
        .select(Interest::as_select())
        .load(conn)
        .await
}

/// The interests of each of `tribes`, in the order [`of`] gives.
pub async fn of_many(
    conn: &mut AsyncPgConnection,
    tribes: &[TribeId],
) -> QueryResult<HashMap<TribeId, Vec<Interest>>> {
    let rows: Vec<(TribeId, Interest)> = tribe_interests::table
        .filter(tribe_interests::tribe_id.eq_any(tribes))
        .order((
            tribe_interests::tribe_id,
            tribe_interests::is_primary.desc(),
            tribe_interests::category,
            tribe_interests::name,
        ))
        .select((tribe_interests::tribe_id, Interest::as_select()))
        .load(conn)
        .await?;
    let mut by_tribe: HashMap<TribeId, Vec<Interest>> = HashMap::new();
    for (tribe, interest) in rows {
        by_tribe.entry(tribe).or_default().push(interest);
    }
    Ok(by_tribe)
}
