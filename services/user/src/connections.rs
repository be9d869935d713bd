//! The memory book (Momento): the people someone met at events, recorded when the event
//! service reports who attended, and private to each record's owner: to anyone else a record
//! does not exist, admins included. Whether an owner wants to connect again is about the person,
//! so it is one wish per pair, shared by all of the owner's records of that person; two people
//! who both said yes are a mutual match.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::access::Acting;
use crate::domain::{ConnectionId, UserId};
use crate::error::Error;
use crate::store::connections::{
    self as store, Before, Connection, ConnectionChanges, NewConnection,
};

pub const MIN_ATTENDEES: usize = 2;
/// 200 attendees make 39,800 connections in one transaction.
pub const MAX_ATTENDEES: usize = 200;
pub const MAX_PRIVATE_NOTES_CHARS: usize = 2000;
pub const MIN_REFUSAL_PEOPLE: usize = 2;
pub const MAX_REFUSAL_PEOPLE: usize = 1000;

/// Who attended an event together, as the event service reports it.
#[derive(Debug)]
pub struct EventMeeting {
    pub event_id: Uuid,
    /// Distinct, at least two.
    pub attendees: Vec<UserId>,
    pub met_at: DateTime<Utc>,
}

/// An owner's wish to attend another event with someone they met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectAgain {
    Unspecified,
    Yes,
    No,
}

impl ConnectAgain {
    fn from_wish(wants: Option<bool>) -> Self {
        match wants {
            None => ConnectAgain::Unspecified,
            Some(true) => ConnectAgain::Yes,
            Some(false) => ConnectAgain::No,
        }
    }

    fn wish(self) -> Option<bool> {
        match self {
            ConnectAgain::Unspecified => None,
            ConnectAgain::Yes => Some(true),
            ConnectAgain::No => Some(false),
        }
    }
}

impl Connection {
    pub fn connect_again(&self) -> ConnectAgain {
        ConnectAgain::from_wish(self.wants_again)
    }
}

/// The fields an owner changes on one of their connections; `None` leaves one as it is.
#[derive(Debug)]
pub struct ConnectionEdit {
    pub id: ConnectionId,
    pub favorite: Option<bool>,
    pub connect_again: Option<ConnectAgain>,
    /// Checked: at most [`MAX_PRIVATE_NOTES_CHARS`] characters.
    pub private_notes: Option<String>,
}

/// A page of a list: its size and where the previous page ended.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub size: i64,
    pub after: Option<Cursor>,
}

impl Page {
    fn before(self) -> Option<Before> {
        self.after.map(|Cursor { at, id }| Before { at, id })
    }

    /// Rows to ask for: one more than the page, to know whether another page follows.
    fn probe(self) -> i64 {
        self.size + 1
    }

    /// Cuts `rows` to the page; the cursor of its last row when more follow.
    fn cut<T>(self, mut rows: Vec<T>, cursor: impl Fn(&T) -> Cursor) -> (Vec<T>, Option<Cursor>) {
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        if rows.len() <= size {
            return (rows, None);
        }
        rows.truncate(size);
        let next = rows.last().map(cursor);
        (rows, next)
    }
}

/// Records a connection for each ordered pair of the meeting's attendees, with snapshots of
/// the person met as they appear now. Repeats add nothing; pairs where either blocked the other
/// are left out. Returns the number of connections created.
pub async fn record_event(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    meeting: EventMeeting,
) -> Result<usize, Error> {
    acting.actor.service()?;
    let EventMeeting {
        event_id,
        attendees,
        met_at,
    } = meeting;
    conn.transaction::<_, Error, _>(async |conn| {
        let existing = store::existing_accounts(conn, &attendees).await?;
        if existing.len() != attendees.len() {
            return Err(Error::NotFound {
                what: "attendee",
                field: "attendee_ids",
            });
        }
        let blocked: HashSet<(UserId, UserId)> = store::blocks_among(conn, &attendees)
            .await?
            .into_iter()
            .flat_map(|(a, b)| [(a, b), (b, a)])
            .collect();
        let snapshots = store::snapshots(conn, &attendees).await?;
        let now = Utc::now();
        let mut rows = Vec::with_capacity(attendees.len() * (attendees.len() - 1));
        for &owner in &attendees {
            for &connected in &attendees {
                if owner == connected || blocked.contains(&(owner, connected)) {
                    continue;
                }
                let snapshot = snapshots.get(&connected).cloned().unwrap_or_default();
                rows.push((owner, connected, snapshot));
            }
        }
        let rows: Vec<NewConnection> = rows
            .iter()
            .map(|(owner, connected, snapshot)| NewConnection {
                id: ConnectionId::generate(),
                owner_id: *owner,
                connected_id: *connected,
                event_id,
                met_at,
                snapshot_name: snapshot.name.as_deref(),
                snapshot_face_card_url: snapshot.face_card_url.as_deref(),
                was_photo_authentic: snapshot.photo_authentic,
                created_at: now,
                updated_at: now,
            })
            .collect();
        Ok(store::insert_new(conn, &rows).await?)
    })
    .await
}

fn not_found(field: &'static str) -> Error {
    Error::NotFound {
        what: "connection",
        field,
    }
}

/// One of the caller's connections.
pub async fn get(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    id: ConnectionId,
) -> Result<Connection, Error> {
    let owner = acting.actor.person()?.id;
    store::find_owned(conn, owner, id)
        .await?
        .ok_or_else(|| not_found("connection_id"))
}

/// A page of the caller's connections, most recently met first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    favorites_only: bool,
    page: Page,
) -> Result<(Vec<Connection>, Option<Cursor>), Error> {
    let owner = acting.actor.person()?.id;
    let rows = store::list_owned(conn, owner, favorites_only, page.before(), page.probe()).await?;
    Ok(page.cut(rows, |connection| Cursor {
        at: connection.row.met_at,
        id: connection.row.id.as_uuid(),
    }))
}

/// Applies the caller's edit to one of their own connections.
pub async fn update(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    edit: ConnectionEdit,
) -> Result<Connection, Error> {
    let owner = acting.actor.person()?.id;
    let ConnectionEdit {
        id,
        favorite,
        connect_again,
        private_notes,
    } = edit;
    conn.transaction::<_, Error, _>(async |conn| {
        let found = store::find_owned(conn, owner, id)
            .await?
            .ok_or_else(|| not_found("connection.id"))?;
        let now = Utc::now();
        if let Some(connect_again) = connect_again {
            store::set_wish(
                conn,
                owner,
                found.row.connected_id,
                connect_again.wish(),
                now,
            )
            .await?;
        }
        let changes = ConnectionChanges {
            is_favorite: favorite,
            private_notes,
            updated_at: now,
        };
        if !store::update_owned(conn, owner, id, &changes).await? {
            return Err(not_found("connection.id"));
        }
        store::find_owned(conn, owner, id)
            .await?
            .ok_or_else(|| not_found("connection.id"))
    })
    .await
}

/// A mutual connect-again match of the caller's.
#[derive(Debug)]
pub struct Match {
    pub user_id: UserId,
    pub matched_at: DateTime<Utc>,
    /// The caller's most recently met connection with the person.
    pub latest: Connection,
}

/// A page of the caller's mutual matches, newest first.
pub async fn matches(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    page: Page,
) -> Result<(Vec<Match>, Option<Cursor>), Error> {
    let owner = acting.actor.person()?.id;
    let rows = store::mutual_matches(conn, owner, page.before(), page.probe()).await?;
    let (rows, next) = page.cut(rows, |row| Cursor {
        at: row.matched_at,
        id: row.user_id.as_uuid(),
    });
    let people: Vec<UserId> = rows.iter().map(|row| row.user_id).collect();
    let mut latest = store::latest_with(conn, owner, &people).await?;
    // A wish is only ever made through a connection, and connections are never removed
    // without the wish, so every match has its connection.
    let matches = rows
        .into_iter()
        .filter_map(|row| {
            latest.remove(&row.user_id).map(|connection| Match {
                user_id: row.user_id,
                matched_at: row.matched_at,
                latest: connection,
            })
        })
        .collect();
    Ok((matches, next))
}

/// Where a page of refusals ended: the last (refuser, refused) pair.
pub type RefusalCursor = (UserId, UserId);

/// A page of the (refuser, refused) pairs among `people` where the first does not want to
/// connect again with the second; for internal callers only.
pub async fn refusals(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    people: &[UserId],
    size: i64,
    after: Option<RefusalCursor>,
) -> Result<(Vec<(UserId, UserId)>, Option<RefusalCursor>), Error> {
    acting.actor.service()?;
    let mut rows = store::refusals_among(conn, people, after, size + 1).await?;
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if rows.len() <= size {
        return Ok((rows, None));
    }
    rows.truncate(size);
    let next = rows.last().copied();
    Ok((rows, next))
}
