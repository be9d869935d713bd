//! The `connections` and `connect_again` tables: the memory book, and whom each owner wants to
//! meet again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::prepared::prepared;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{ConnectionId, UserId};
use crate::profiles::AUTHENTIC_FOR;
use crate::schema::users::{
    accounts, blocks, connect_again, connections, profile_photos, social_profiles,
};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = connections, check_for_backend(diesel::pg::Pg))]
pub struct ConnectionRow {
    pub id: ConnectionId,
    pub owner_id: UserId,
    pub connected_id: UserId,
    pub event_id: Uuid,
    pub met_at: DateTime<Utc>,
    pub snapshot_name: Option<String>,
    pub snapshot_face_card_url: Option<String>,
    pub was_photo_authentic: bool,
    pub is_favorite: bool,
    pub private_notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A connection with its owner's connect-again wish for the person (`None`: not said).
#[derive(Clone, Debug)]
pub struct Connection {
    pub row: ConnectionRow,
    pub wants_again: Option<bool>,
}

#[derive(Insertable)]
#[diesel(table_name = connections)]
pub struct NewConnection<'a> {
    pub id: ConnectionId,
    pub owner_id: UserId,
    pub connected_id: UserId,
    pub event_id: Uuid,
    pub met_at: DateTime<Utc>,
    pub snapshot_name: Option<&'a str>,
    pub snapshot_face_card_url: Option<&'a str>,
    pub was_photo_authentic: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The owner's own fields of a connection; `None` leaves a field as it is.
#[derive(AsChangeset)]
#[diesel(table_name = connections)]
pub struct ConnectionChanges {
    pub is_favorite: Option<bool>,
    pub private_notes: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// How a person appears to the people they meet, read when a connection is recorded.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub name: Option<String>,
    pub face_card_url: Option<String>,
    pub photo_authentic: bool,
}

/// Keyset position in a list ordered by (time, id) descending.
#[derive(Clone, Copy, Debug)]
pub struct Before {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

/// Rows per INSERT, well below Postgres' 65535 bind parameters.
const INSERT_CHUNK: usize = 1000;

/// Inserts the connections not recorded yet; returns how many were new.
pub async fn insert_new(
    conn: &mut AsyncPgConnection,
    rows: &[NewConnection<'_>],
) -> Result<usize, StoreError> {
    let mut inserted = 0;
    for chunk in rows.chunks(INSERT_CHUNK) {
        inserted += diesel::insert_into(connections::table)
            .values(chunk)
            .on_conflict((
                connections::owner_id,
                connections::connected_id,
                connections::event_id,
            ))
            .do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(inserted)
}

/// Which of `ids` have an account (of any status).
pub async fn existing_accounts(
    conn: &mut AsyncPgConnection,
    ids: &[UserId],
) -> Result<Vec<UserId>, StoreError> {
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .select(accounts::id)
        .load(conn)
        .await?)
}

/// Every (blocker, blocked) pair among `ids`.
pub async fn blocks_among(
    conn: &mut AsyncPgConnection,
    ids: &[UserId],
) -> Result<Vec<(UserId, UserId)>, StoreError> {
    Ok(blocks::table
        .filter(blocks::blocker_id.eq_any(ids))
        .filter(blocks::blocked_id.eq_any(ids))
        .select((blocks::blocker_id, blocks::blocked_id))
        .load(conn)
        .await?)
}

/// A person's preferred name, first name and face card URL.
type ProfileLook = (UserId, Option<String>, Option<String>, Option<String>);

/// How each of `ids` appears now: the name they go by (preferred, else first), their face
/// card's URL, and whether an in-app photo of theirs is recent enough to be authentic. People
/// with no profile and no photo have no entry.
pub async fn snapshots(
    conn: &mut AsyncPgConnection,
    ids: &[UserId],
) -> Result<HashMap<UserId, Snapshot>, StoreError> {
    let profiles: Vec<ProfileLook> = social_profiles::table
        .left_join(
            profile_photos::table.on(profile_photos::id
                .nullable()
                .eq(social_profiles::current_face_card_photo_id)),
        )
        .filter(social_profiles::user_id.eq_any(ids))
        .select((
            social_profiles::user_id,
            social_profiles::preferred_name,
            social_profiles::first_name,
            profile_photos::image_url.nullable(),
        ))
        .load(conn)
        .await?;
    let newest_in_app: Vec<(UserId, Option<DateTime<Utc>>)> = profile_photos::table
        .filter(profile_photos::user_id.eq_any(ids))
        .filter(profile_photos::taken_in_app)
        .group_by(profile_photos::user_id)
        .select((
            profile_photos::user_id,
            diesel::dsl::max(profile_photos::created_at),
        ))
        .load(conn)
        .await?;
    let mut snapshots: HashMap<UserId, Snapshot> = HashMap::new();
    for (id, preferred_name, first_name, face_card_url) in profiles {
        let name = [preferred_name, first_name]
            .into_iter()
            .flatten()
            .map(|name| name.trim().to_owned())
            .find(|name| !name.is_empty());
        let snapshot = snapshots.entry(id).or_default();
        snapshot.name = name;
        snapshot.face_card_url = face_card_url;
    }
    let now = Utc::now();
    for (id, newest) in newest_in_app {
        let authentic_until = newest.and_then(|at| at.checked_add_months(AUTHENTIC_FOR));
        snapshots.entry(id).or_default().photo_authentic =
            authentic_until.is_some_and(|until| until > now);
    }
    Ok(snapshots)
}

/// Connections, each with its owner's wish about the person met.
#[diesel::dsl::auto_type(no_type_alias)]
fn with_wish() -> _ {
    connections::table.left_join(
        connect_again::table.on(connect_again::owner_id
            .eq(connections::owner_id)
            .and(connect_again::connected_id.eq(connections::connected_id))),
    )
}

/// `owner`'s connection `id`; `None` when there is none or it is someone else's.
pub async fn find_owned(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: ConnectionId,
) -> Result<Option<Connection>, StoreError> {
    with_wish()
        .filter(connections::id.eq(id))
        .filter(connections::owner_id.eq(owner))
        .select((ConnectionRow::as_select(), connect_again::wants.nullable()))
        .first(conn)
        .await
        .optional_row()
        .map(|found| found.map(|(row, wants_again)| Connection { row, wants_again }))
}

/// Up to `limit` of `owner`'s connections met before `before`, most recently met first.
pub async fn list_owned(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    favorites_only: bool,
    before: Option<Before>,
    limit: i64,
) -> Result<Vec<Connection>, StoreError> {
    let mut query = with_wish()
        .filter(connections::owner_id.eq(owner))
        .select((ConnectionRow::as_select(), connect_again::wants.nullable()))
        .order((connections::met_at.desc(), connections::id.desc()))
        .limit(limit)
        .into_boxed();
    if favorites_only {
        query = query.filter(connections::is_favorite);
    }
    if let Some(Before { at, id }) = before {
        query = query.filter(
            connections::met_at
                .lt(at)
                .or(connections::met_at.eq(at).and(connections::id.lt(id))),
        );
    }
    let rows: Vec<(ConnectionRow, Option<bool>)> = query.load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(row, wants_again)| Connection { row, wants_again })
        .collect())
}

/// Applies `changes` to `owner`'s connection `id`; `false` when there is no such connection.
pub async fn update_owned(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    id: ConnectionId,
    changes: &ConnectionChanges,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        connections::table
            .filter(connections::id.eq(id))
            .filter(connections::owner_id.eq(owner)),
    )
    .set(changes)
    .execute(conn)
    .await?;
    Ok(updated == 1)
}

/// Records `owner`'s wish about `connected` (`None` withdraws it). The time of a wish moves
/// only when the wish changes, so saying yes again does not make a match newer.
pub async fn set_wish(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    connected: UserId,
    wants: Option<bool>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match wants {
        None => {
            diesel::delete(
                connect_again::table
                    .filter(connect_again::owner_id.eq(owner))
                    .filter(connect_again::connected_id.eq(connected)),
            )
            .execute(conn)
            .await?;
        }
        Some(wants) => {
            prepared(
                "INSERT INTO connect_again AS current (owner_id, connected_id, wants, updated_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (owner_id, connected_id) DO UPDATE \
                 SET wants = excluded.wants, updated_at = excluded.updated_at \
                 WHERE current.wants <> excluded.wants",
            )
            .bind::<SqlUuid, _>(owner)
            .bind::<SqlUuid, _>(connected)
            .bind::<diesel::sql_types::Bool, _>(wants)
            .bind::<Timestamptz, _>(now)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// A person `owner` and they both want to connect again with, and when the later said so.
#[derive(Clone, Debug, QueryableByName)]
pub struct Match {
    #[diesel(sql_type = SqlUuid)]
    pub user_id: UserId,
    #[diesel(sql_type = Timestamptz)]
    pub matched_at: DateTime<Utc>,
}

/// Up to `limit` of `owner`'s mutual matches before `before`, newest first, leaving out people
/// blocked either way.
pub async fn mutual_matches(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    before: Option<Before>,
    limit: i64,
) -> Result<Vec<Match>, StoreError> {
    Ok(prepared(
        "SELECT * FROM ( \
             SELECT mine.connected_id AS user_id, \
                    GREATEST(mine.updated_at, theirs.updated_at) AS matched_at \
             FROM connect_again mine \
             JOIN connect_again theirs \
               ON theirs.owner_id = mine.connected_id AND theirs.connected_id = mine.owner_id \
             WHERE mine.owner_id = $1 AND mine.wants AND theirs.wants \
               AND NOT EXISTS ( \
                 SELECT 1 FROM blocks \
                 WHERE (blocker_id = mine.owner_id AND blocked_id = mine.connected_id) \
                    OR (blocker_id = mine.connected_id AND blocked_id = mine.owner_id)) \
         ) matches \
         WHERE $2::timestamptz IS NULL OR (matched_at, user_id) < ($2, $3) \
         ORDER BY matched_at DESC, user_id DESC \
         LIMIT $4",
    )
    .bind::<SqlUuid, _>(owner)
    .bind::<Nullable<Timestamptz>, _>(before.map(|before| before.at))
    .bind::<Nullable<SqlUuid>, _>(before.map(|before| before.id))
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?)
}

/// `owner`'s most recently met connection with each of `people`.
pub async fn latest_with(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    people: &[UserId],
) -> Result<HashMap<UserId, Connection>, StoreError> {
    let rows: Vec<(ConnectionRow, Option<bool>)> = with_wish()
        .filter(connections::owner_id.eq(owner))
        .filter(connections::connected_id.eq_any(people))
        .distinct_on(connections::connected_id)
        .select((ConnectionRow::as_select(), connect_again::wants.nullable()))
        .order((
            connections::connected_id,
            connections::met_at.desc(),
            connections::id.desc(),
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(row, wants_again)| (row.connected_id, Connection { row, wants_again }))
        .collect())
}

/// Up to `limit` (refuser, refused) pairs among `people` where the first does not want to
/// connect again with the second, after `after` in (refuser, refused) order.
pub async fn refusals_among(
    conn: &mut AsyncPgConnection,
    people: &[UserId],
    after: Option<(UserId, UserId)>,
    limit: i64,
) -> Result<Vec<(UserId, UserId)>, StoreError> {
    let mut query = connect_again::table
        .filter(connect_again::wants.eq(false))
        .filter(connect_again::owner_id.eq_any(people))
        .filter(connect_again::connected_id.eq_any(people))
        .select((connect_again::owner_id, connect_again::connected_id))
        .order((connect_again::owner_id, connect_again::connected_id))
        .limit(limit)
        .into_boxed();
    if let Some((owner, connected)) = after {
        query = query.filter(
            connect_again::owner_id.gt(owner).or(connect_again::owner_id
                .eq(owner)
                .and(connect_again::connected_id.gt(connected))),
        );
    }
    Ok(query.load(conn).await?)
}
