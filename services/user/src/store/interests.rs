//! The `interests` table: the global catalog.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::prepared::prepared;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::domain::{InterestCategory, InterestId};
use crate::schema::users::interests;

diesel::define_sql_function! {
    fn lower(value: Text) -> Text;
}

#[derive(Clone, Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = interests, check_for_backend(diesel::pg::Pg))]
pub struct InterestRow {
    pub id: InterestId,
    pub name: String,
    pub category: InterestCategory,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = interests)]
pub struct NewInterest<'a> {
    pub id: InterestId,
    pub name: &'a str,
    pub category: InterestCategory,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A change to a catalog entry: the fields set are the ones that change.
#[derive(AsChangeset)]
#[diesel(table_name = interests)]
pub struct InterestChange<'a> {
    pub name: Option<&'a str>,
    pub category: Option<InterestCategory>,
    pub updated_at: DateTime<Utc>,
}

/// The unique index on `lower(name)`.
pub const NAME_UNIQUE: &str = "interests_name_unique";

/// Inserts the interest; a name taken in any case is `StoreError::UniqueViolation`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewInterest<'_>,
) -> Result<InterestRow, StoreError> {
    Ok(diesel::insert_into(interests::table)
        .values(row)
        .returning(InterestRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: InterestId,
    change: &InterestChange<'_>,
) -> Result<Option<InterestRow>, StoreError> {
    diesel::update(interests::table.find(id))
        .set(change)
        .returning(InterestRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    id: InterestId,
) -> Result<Option<InterestRow>, StoreError> {
    interests::table
        .find(id)
        .select(InterestRow::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Where a page of the catalog (ordered by lower-cased name, then id) starts after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameCursor {
    pub name: String,
    pub id: InterestId,
}

/// Up to `limit` interests after `after`, by name, of `category` when given; each with the
/// cursor of its place, as Postgres lower-cases its name.
pub async fn page(
    conn: &mut AsyncPgConnection,
    category: Option<InterestCategory>,
    after: Option<&NameCursor>,
    limit: i64,
) -> Result<Vec<(InterestRow, NameCursor)>, StoreError> {
    let mut query = interests::table
        .order((lower(interests::name), interests::id))
        .select((InterestRow::as_select(), lower(interests::name)))
        .limit(limit)
        .into_boxed();
    if let Some(category) = category {
        query = query.filter(interests::category.eq(category));
    }
    if let Some(NameCursor { name, id }) = after {
        query = query.filter(
            lower(interests::name)
                .gt(name.clone())
                .or(lower(interests::name)
                    .eq(name.clone())
                    .and(interests::id.gt(*id))),
        );
    }
    let rows: Vec<(InterestRow, String)> = query.load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(row, name)| {
            let id = row.id;
            (row, NameCursor { name, id })
        })
        .collect())
}

/// Interests whose lower-cased name starts with `query` (first), then those similar to it or
/// holding a word similar to it (pg_trgm's `%` and `<%`, both served by the trigram index),
/// most similar first; `query` is lower-cased already.
pub async fn search(
    conn: &mut AsyncPgConnection,
    query: &str,
    category: Option<InterestCategory>,
    offset: i32,
    limit: i32,
) -> Result<Vec<InterestRow>, StoreError> {
    // The trigram operators' costs are not known to the planner, which then prefers a
    // sequential scan that computes similarity for every row (measured: 4.9 s against 30 ms
    // through the GIN index for 100k names); the setting lasts for this transaction only.
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        prepared("SET LOCAL enable_seqscan = off")
            .execute(conn)
            .await?;
        prepared(
            "SELECT id, name, category, created_at, updated_at FROM interests \
             WHERE (lower(name) LIKE $2 ESCAPE '\\' OR lower(name) % $1 OR $1 <% lower(name)) \
               AND ($3::text IS NULL OR category = $3) \
             ORDER BY lower(name) LIKE $2 ESCAPE '\\' DESC, word_similarity($1, lower(name)) DESC, \
                      lower(name), id \
             OFFSET $4 LIMIT $5",
        )
        .bind::<Text, _>(query)
        .bind::<Text, _>(like_prefix(query))
        .bind::<Nullable<Text>, _>(category)
        .bind::<Integer, _>(offset)
        .bind::<Integer, _>(limit)
        .load(conn)
        .await
    })
    .await
    .map_err(StoreError::from)
}

/// `prefix%` for LIKE, with LIKE's own wildcards in `prefix` taken literally.
fn like_prefix(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::like_prefix;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_prefix("hik"), "hik%");
        assert_eq!(like_prefix("50%_off\\"), "50\\%\\_off\\\\%");
    }
}
