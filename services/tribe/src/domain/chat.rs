//! A tribe's chat: members post TEXT and IMAGE messages, the service posts SYSTEM, EVENT and
//! AI_PROMPT ones; history newest first; each member's read position and unread count. Every
//! message is announced on the `tribe_messages` channel in its transaction (see `live`), and a
//! message counts as activity: a quiet tribe (AT_RISK, INACTIVE) is awake again.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use circle_core::paging::Cursor;
use circle_core::text::{InvalidValue, Lines, check_text};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::activity::{self, ActivityType};
use super::members::{lock_open, next_cursor};
use super::{Tribe, TribeId, TribeStatus, UserId, facts, live};
use crate::error::Error;
use crate::query::{members, messages, tribes};
use crate::schema::tribes::tribe_messages;

circle_core::text_enum! {
    /// What a message is (the seed's MessageType).
    pub enum MessageType {
        Text = "TEXT",
        Image = "IMAGE",
        System = "SYSTEM",
        AiPrompt = "AI_PROMPT",
        Event = "EVENT",
    }
}

/// A message as read.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = tribe_messages, check_for_backend(diesel::pg::Pg))]
pub struct Message {
    pub id: Uuid,
    pub tribe_id: TribeId,
    pub user_id: Option<UserId>,
    pub message_type: MessageType,
    pub content: String,
    pub metadata: serde_json::Value,
    pub sent_at: DateTime<Utc>,
}

/// What a member may post: TEXT of 1 to 4000 characters, or an IMAGE by its https URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberPost {
    Text(String),
    Image(String),
}

impl MemberPost {
    pub const MAX_TEXT_CHARS: usize = 4000;
    pub const MAX_URL_CHARS: usize = 2000;

    pub fn text(raw: String) -> Result<Self, InvalidValue> {
        if raw.trim().is_empty() {
            return Err(InvalidValue("must not be empty".to_owned()));
        }
        check_text(&raw, Self::MAX_TEXT_CHARS, Lines::Multi)?;
        Ok(Self::Text(raw))
    }

    pub fn image(raw: String) -> Result<Self, InvalidValue> {
        let url = raw.trim();
        check_text(url, Self::MAX_URL_CHARS, Lines::Single)?;
        let host = url.strip_prefix("https://").unwrap_or_default();
        if host.is_empty() || host.starts_with('/') || url.contains(char::is_whitespace) {
            return Err(InvalidValue(
                "an image is an https URL (https://host/...)".to_owned(),
            ));
        }
        Ok(Self::Image(url.to_owned()))
    }

    fn parts(self) -> (MessageType, String) {
        match self {
            MemberPost::Text(text) => (MessageType::Text, text),
            MemberPost::Image(url) => (MessageType::Image, url),
        }
    }
}

/// Where a member is in the chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadState {
    pub last_read: Option<Uuid>,
    pub unread: i64,
}

/// Posts a member's message.
pub async fn send_message(
    conn: &mut AsyncPgConnection,
    sender: UserId,
    tribe: TribeId,
    content: MemberPost,
) -> Result<Message, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let locked = lock_open(conn, tribe).await?;
        if !members::is_active(conn, tribe, sender).await? {
            return Err(Error::Forbidden {
                reason: "NOT_A_MEMBER",
                who: "the tribe's active members",
            });
        }
        let (message_type, content) = content.parts();
        post(
            conn,
            &locked,
            Some(sender),
            message_type,
            content,
            serde_json::json!({}),
        )
        .await
    })
    .await
}

/// Writes a message in the caller's transaction (the tribe's row locked): announces it and
/// writes its fact. A member's message is activity (and wakes a quiet tribe); what the service
/// posts is not, or its prompts would keep a quiet tribe from ever going INACTIVE.
pub(super) async fn post(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
    sender: Option<UserId>,
    message_type: MessageType,
    content: String,
    metadata: serde_json::Value,
) -> Result<Message, Error> {
    let message = messages::insert(
        conn,
        &messages::NewMessage {
            id: Uuid::now_v7(),
            tribe_id: tribe.id,
            user_id: sender,
            message_type,
            content,
            metadata,
        },
    )
    .await?;
    live::announce(conn, &message).await?;
    facts::message_posted(conn, tribe, &message).await?;
    if sender.is_some() {
        tribes::touch(conn, tribe.id).await?;
        if matches!(tribe.status, TribeStatus::AtRisk | TribeStatus::Inactive) {
            wake(conn, tribe).await?;
        }
    }
    Ok(message)
}

/// A quiet tribe with new activity is back to what its members make it.
pub(super) async fn wake(conn: &mut AsyncPgConnection, tribe: &Tribe) -> Result<(), Error> {
    let status = TribeStatus::for_member_count(tribe.member_count);
    let woken = tribes::set_status(conn, tribe.id, status).await?;
    activity::record(
        conn,
        tribe.id,
        None,
        ActivityType::StatusChanged,
        format!("the tribe is {} again", status.as_str()),
        BTreeMap::from([
            ("from", tribe.status.as_str().to_owned()),
            ("to", status.as_str().to_owned()),
        ]),
    )
    .await?;
    facts::status_changed(conn, &woken, status).await?;
    Ok(())
}

async fn require_member(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    user: UserId,
) -> Result<(), Error> {
    tribes::find(conn, tribe)
        .await?
        .ok_or(Error::TribeNotFound(tribe))?;
    if members::is_active(conn, tribe, user).await? {
        Ok(())
    } else {
        Err(Error::Forbidden {
            reason: "NOT_A_MEMBER",
            who: "the tribe's active members",
        })
    }
}

/// A page of the chat, newest first; active members only.
pub async fn list_messages(
    conn: &mut AsyncPgConnection,
    reader: UserId,
    tribe: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Message>, Option<Cursor>), Error> {
    require_member(conn, tribe, reader).await?;
    let mut page = messages::page(conn, tribe, cursor, limit + 1).await?;
    let next = next_cursor(&mut page, limit, |m| Cursor {
        at: m.sent_at,
        id: m.id,
    });
    Ok((page, next))
}

/// Whether `user` may follow the tribe's chat live: an active member.
pub(super) async fn may_follow(
    conn: &mut AsyncPgConnection,
    user: UserId,
    tribe: TribeId,
) -> Result<(), Error> {
    require_member(conn, tribe, user).await
}

/// Moves the reader's position forward to `message` (never back).
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    reader: UserId,
    tribe: TribeId,
    message: Uuid,
) -> Result<ReadState, Error> {
    require_member(conn, tribe, reader).await?;
    let read = messages::find(conn, message)
        .await?
        .filter(|m| m.tribe_id == tribe)
        .ok_or(Error::MessageNotFound(message))?;
    members::advance_read(conn, tribe, reader, read.sent_at, read.id).await?;
    read_state(conn, reader, tribe).await
}

/// The reader's position and how many messages of others follow it.
pub async fn read_state(
    conn: &mut AsyncPgConnection,
    reader: UserId,
    tribe: TribeId,
) -> Result<ReadState, Error> {
    require_member(conn, tribe, reader).await?;
    let position = members::read_position(conn, tribe, reader).await?;
    let unread = messages::count_after(conn, tribe, reader, position).await?;
    Ok(ReadState {
        last_read: position.map(|(_, id)| id),
        unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_post_text_or_an_https_image() {
        assert!(MemberPost::text("hi\nthere".to_owned()).is_ok());
        assert!(MemberPost::text("   ".to_owned()).is_err());
        assert!(MemberPost::text("x".repeat(4001)).is_err());
        assert!(MemberPost::image("https://img.example/cat.png".to_owned()).is_ok());
        for bad in [
            "http://img.example/cat.png",
            "https://",
            "https:///x",
            "ftp://x",
            "https://a b",
        ] {
            assert!(MemberPost::image(bad.to_owned()).is_err(), "{bad}");
        }
    }
}
