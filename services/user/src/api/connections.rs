//! circle.user.v1.ConnectionService: the memory book and connect-again matches.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use circle_core::paging::{Cursor, page_size};
use circle_core::text::{Lines, check_text};
use circle_core::wire::{from_timestamp, mask_paths, timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::connection_service_server::ConnectionService;
use tonic::{Request, Response, Status};

use crate::access::Acting;
use crate::connections::{
    self, ConnectAgain, ConnectionEdit, EventMeeting, MAX_ATTENDEES, MAX_PRIVATE_NOTES_CHARS,
    MAX_REFUSAL_PEOPLE, MIN_ATTENDEES, MIN_REFUSAL_PEOPLE, Match, Page, RefusalCursor,
};
use crate::domain::{ConnectionId, UserId};
use crate::error::Error;
use crate::state::AppState;
use crate::store::connections::Connection;

/// How far ahead of now a meeting may be reported (clocks and time zones of event times).
const MAX_MEET_AHEAD: Duration = Duration::days(1);
/// The refusals a page holds when the request does not say, and at most: the matching engine
/// reads them for a whole pool at once.
const MAX_REFUSALS_PAGE: i64 = 1000;

pub struct ConnectionApi {
    state: AppState,
}

impl ConnectionApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl ConnectionService for ConnectionApi {
    #[tracing::instrument(skip_all)]
    async fn record_event_connections(
        &self,
        request: Request<pb::RecordEventConnectionsRequest>,
    ) -> Result<Response<pb::RecordEventConnectionsResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let meeting = EventMeeting::try_from(request.into_inner())?;
        let created = connections::record_event(&mut conn, &acting, meeting).await?;
        Ok(Response::new(pb::RecordEventConnectionsResponse {
            created_count: i32::try_from(created).unwrap_or(i32::MAX),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_connection(
        &self,
        request: Request<pb::GetConnectionRequest>,
    ) -> Result<Response<pb::GetConnectionResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::GetConnectionRequest { connection_id } = request.into_inner();
        let id = ConnectionId::from(uuid("connection_id", &connection_id)?);
        let connection = connections::get(&mut conn, &acting, id).await?;
        Ok(Response::new(pb::GetConnectionResponse {
            connection: Some(connection.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_connections(
        &self,
        request: Request<pb::ListConnectionsRequest>,
    ) -> Result<Response<pb::ListConnectionsResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::ListConnectionsRequest {
            page_size,
            page_token,
            favorites_only,
        } = request.into_inner();
        let page = page(page_size, &page_token)?;
        let (found, next) = connections::list(&mut conn, &acting, favorites_only, page).await?;
        Ok(Response::new(pb::ListConnectionsResponse {
            connections: found.into_iter().map(Into::into).collect(),
            next_page_token: token(next),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_connection(
        &self,
        request: Request<pb::UpdateConnectionRequest>,
    ) -> Result<Response<pb::UpdateConnectionResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let edit = ConnectionEdit::try_from(request.into_inner())?;
        let connection = connections::update(&mut conn, &acting, edit).await?;
        Ok(Response::new(pb::UpdateConnectionResponse {
            connection: Some(connection.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_connect_again_matches(
        &self,
        request: Request<pb::ListConnectAgainMatchesRequest>,
    ) -> Result<Response<pb::ListConnectAgainMatchesResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::ListConnectAgainMatchesRequest {
            page_size,
            page_token,
        } = request.into_inner();
        let page = page(page_size, &page_token)?;
        let (found, next) = connections::matches(&mut conn, &acting, page).await?;
        Ok(Response::new(pb::ListConnectAgainMatchesResponse {
            matches: found.into_iter().map(Into::into).collect(),
            next_page_token: token(next),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_connect_again_refusals(
        &self,
        request: Request<pb::ListConnectAgainRefusalsRequest>,
    ) -> Result<Response<pb::ListConnectAgainRefusalsResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::ListConnectAgainRefusalsRequest {
            user_ids,
            page_size,
            page_token,
        } = request.into_inner();
        let people = distinct_ids("user_ids", &user_ids)?;
        if !(MIN_REFUSAL_PEOPLE..=MAX_REFUSAL_PEOPLE).contains(&people.len()) {
            return Err(Error::invalid(
                "user_ids",
                format!("must name {MIN_REFUSAL_PEOPLE} to {MAX_REFUSAL_PEOPLE} distinct people"),
            )
            .into());
        }
        let size = match page_size {
            0 => MAX_REFUSALS_PAGE,
            n if n < 0 => return Err(Error::invalid("page_size", "must not be negative").into()),
            n => i64::from(n).min(MAX_REFUSALS_PAGE),
        };
        let after = decode_pair(&page_token)?;
        let (pairs, next) = connections::refusals(&mut conn, &acting, &people, size, after).await?;
        Ok(Response::new(pb::ListConnectAgainRefusalsResponse {
            refusals: pairs
                .into_iter()
                .map(|(refuser, refused)| pb::ConnectAgainRefusal {
                    refuser_id: refuser.to_string(),
                    refused_id: refused.to_string(),
                })
                .collect(),
            next_page_token: next.map(encode_pair).unwrap_or_default(),
        }))
    }
}

fn page(requested_size: i32, page_token: &str) -> Result<Page, Status> {
    Ok(Page {
        size: page_size(requested_size)?,
        after: Cursor::decode(page_token)?,
    })
}

fn token(next: Option<Cursor>) -> String {
    next.map(|cursor| cursor.encode()).unwrap_or_default()
}

/// The distinct ids of a repeated field, in their first order, naming the field if one is not
/// a UUID.
fn distinct_ids(field: &'static str, ids: &[String]) -> Result<Vec<UserId>, Status> {
    let mut seen = HashSet::new();
    let mut distinct = Vec::new();
    for id in ids {
        let id = UserId::from(uuid(field, id)?);
        if seen.insert(id) {
            distinct.push(id);
        }
    }
    Ok(distinct)
}

fn encode_pair((refuser, refused): RefusalCursor) -> String {
    hex::encode(format!("{refuser}|{refused}"))
}

fn decode_pair(page_token: &str) -> Result<Option<RefusalCursor>, Status> {
    if page_token.is_empty() {
        return Ok(None);
    }
    let invalid = || Error::invalid("page_token", "is not a token this list returned");
    let raw = hex::decode(page_token).map_err(|_| invalid())?;
    let raw = String::from_utf8(raw).map_err(|_| invalid())?;
    let (refuser, refused) = raw.split_once('|').ok_or_else(invalid)?;
    let parse = |id: &str| {
        uuid::Uuid::parse_str(id)
            .map(UserId::from)
            .map_err(|_| invalid())
    };
    Ok(Some((parse(refuser)?, parse(refused)?)))
}

impl TryFrom<pb::RecordEventConnectionsRequest> for EventMeeting {
    type Error = Status;

    fn try_from(request: pb::RecordEventConnectionsRequest) -> Result<Self, Status> {
        let pb::RecordEventConnectionsRequest {
            event_id,
            attendee_ids,
            meet_time,
        } = request;
        let event_id = uuid("event_id", &event_id)?;
        let attendees = distinct_ids("attendee_ids", &attendee_ids)?;
        if !(MIN_ATTENDEES..=MAX_ATTENDEES).contains(&attendees.len()) {
            return Err(Error::invalid(
                "attendee_ids",
                format!("must name {MIN_ATTENDEES} to {MAX_ATTENDEES} distinct people"),
            )
            .into());
        }
        let met_at = from_timestamp(
            "meet_time",
            &meet_time.ok_or_else(|| Error::invalid("meet_time", "is required"))?,
        )?;
        if met_at > Utc::now() + MAX_MEET_AHEAD {
            return Err(Error::invalid("meet_time", "must not be more than a day ahead").into());
        }
        Ok(EventMeeting {
            event_id,
            attendees,
            met_at,
        })
    }
}

impl TryFrom<pb::UpdateConnectionRequest> for ConnectionEdit {
    type Error = Status;

    fn try_from(request: pb::UpdateConnectionRequest) -> Result<Self, Status> {
        let pb::UpdateConnectionRequest {
            connection,
            update_mask,
        } = request;
        let paths = mask_paths(
            update_mask.as_ref(),
            &["favorite", "connect_again", "private_notes"],
        )?;
        let pb::Connection {
            id,
            favorite,
            connect_again,
            private_notes,
            // Read-only: recorded from the event, never changed by the owner.
            user_id: _,
            connected_user_id: _,
            event_id: _,
            meet_time: _,
            snapshot_name: _,
            snapshot_face_card_url: _,
            was_photo_authentic: _,
            create_time: _,
            update_time: _,
        } = connection.ok_or_else(|| Error::invalid("connection", "is required"))?;
        let mut edit = ConnectionEdit {
            id: ConnectionId::from(uuid("connection.id", &id)?),
            favorite: None,
            connect_again: None,
            private_notes: None,
        };
        for path in paths {
            match path.as_str() {
                "favorite" => edit.favorite = Some(favorite),
                "connect_again" => edit.connect_again = Some(connect_again_of(connect_again)?),
                "private_notes" => {
                    check_text(&private_notes, MAX_PRIVATE_NOTES_CHARS, Lines::Multi)
                        .map_err(|reason| Error::invalid("connection.private_notes", reason.0))?;
                    edit.private_notes = Some(private_notes.clone());
                }
                other => {
                    return Err(
                        Error::invalid("update_mask", format!("unknown field {other:?}")).into(),
                    );
                }
            }
        }
        Ok(edit)
    }
}

fn connect_again_of(value: i32) -> Result<ConnectAgain, Error> {
    match pb::ConnectAgain::try_from(value) {
        Ok(pb::ConnectAgain::Unspecified) => Ok(ConnectAgain::Unspecified),
        Ok(pb::ConnectAgain::Yes) => Ok(ConnectAgain::Yes),
        Ok(pb::ConnectAgain::No) => Ok(ConnectAgain::No),
        Err(_) => Err(Error::invalid(
            "connection.connect_again",
            format!("{value} is not a ConnectAgain value"),
        )),
    }
}

impl From<ConnectAgain> for pb::ConnectAgain {
    fn from(value: ConnectAgain) -> Self {
        match value {
            ConnectAgain::Unspecified => pb::ConnectAgain::Unspecified,
            ConnectAgain::Yes => pb::ConnectAgain::Yes,
            ConnectAgain::No => pb::ConnectAgain::No,
        }
    }
}

impl From<Connection> for pb::Connection {
    fn from(connection: Connection) -> Self {
        let connect_again = pb::ConnectAgain::from(connection.connect_again());
        let row = connection.row;
        pb::Connection {
            id: row.id.to_string(),
            user_id: row.owner_id.to_string(),
            connected_user_id: row.connected_id.to_string(),
            event_id: row.event_id.to_string(),
            meet_time: Some(timestamp(row.met_at)),
            snapshot_name: row.snapshot_name.unwrap_or_default(),
            snapshot_face_card_url: row.snapshot_face_card_url.unwrap_or_default(),
            was_photo_authentic: row.was_photo_authentic,
            favorite: row.is_favorite,
            connect_again: connect_again.into(),
            private_notes: row.private_notes,
            create_time: Some(timestamp(row.created_at)),
            update_time: Some(timestamp(row.updated_at)),
        }
    }
}

impl From<Match> for pb::ConnectAgainMatch {
    fn from(found: Match) -> Self {
        pb::ConnectAgainMatch {
            user_id: found.user_id.to_string(),
            match_time: Some(timestamp(found.matched_at)),
            latest_connection: Some(found.latest.into()),
        }
    }
}
