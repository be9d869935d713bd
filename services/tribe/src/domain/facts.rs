//! Facts of the tribe domain, written to the outbox in the transaction of the change and relayed
//! to the notification service.

use circle_core::db::StoreError;
use circle_core::outbox::{NewFact, Outbox, Route};
use circle_proto::tribe::v1 as proto;
use diesel_async::AsyncPgConnection;

use super::chat::{Message, MessageType};
use super::{Tribe, TribeId, TribeStatus, UserId};
use crate::query::members;

pub const OUTBOX: Outbox = Outbox {
    producer: "tribe",
    routes: &[Route {
        topic_prefix: "tribe.",
        consumer: NOTIFICATION_CONSUMER,
    }],
};

/// The consumer name the relay delivers notification facts to.
pub const NOTIFICATION_CONSUMER: &str = "notification";

pub const MEMBER_JOINED: &str = "tribe.member_joined";
pub const MEMBER_LEFT: &str = "tribe.member_left";
pub const MEMBER_REMOVED: &str = "tribe.member_removed";
pub const MEMBER_INVITED: &str = "tribe.member_invited";
pub const TRIBE_FORMED: &str = "tribe.formed";
pub const TRIBE_ACTIVE: &str = "tribe.active";
pub const TRIBE_AT_RISK: &str = "tribe.at_risk";
pub const TRIBE_DISSOLVED: &str = "tribe.dissolved";
pub const MESSAGE_POSTED: &str = "tribe.message_posted";

/// Writes a membership fact about `member`, with the tribe's active members after the change.
pub async fn membership_changed(
    conn: &mut AsyncPgConnection,
    topic: &str,
    tribe: &Tribe,
    member: UserId,
    actor: UserId,
) -> Result<(), StoreError> {
    let member_ids = active_ids(conn, tribe).await?;
    let payload = proto::MembershipChanged {
        tribe_id: tribe.id.to_string(),
        tribe_name: tribe.name.clone(),
        user_id: member.to_string(),
        actor_id: actor.to_string(),
        member_ids,
    };
    OUTBOX
        .enqueue(conn, topic, &tribe.id.to_string(), &payload)
        .await
        .map(drop)
}

/// The facts of a tribe a run formed, for [`Outbox::enqueue_all`]: `tribe.formed` (nobody
/// is ACTIVE yet) and a `tribe.member_invited` for each of `invited`.
pub fn formed_by_run(
    tribe: TribeId,
    name: &str,
    invited: &[UserId],
    run: uuid::Uuid,
) -> Vec<NewFact<'static>> {
    let aggregate_id = tribe.to_string();
    let formed = proto::TribeStatusChanged {
        tribe_id: aggregate_id.clone(),
        tribe_name: name.to_owned(),
        status: proto::TribeStatus::from(TribeStatus::Forming).into(),
        member_ids: Vec::new(),
    };
    let mut facts = vec![NewFact::new(TRIBE_FORMED, aggregate_id.clone(), &formed)];
    facts.extend(invited.iter().map(|user| {
        let invited = proto::MemberInvited {
            tribe_id: aggregate_id.clone(),
            tribe_name: name.to_owned(),
            user_id: user.to_string(),
            run_id: run.to_string(),
        };
        NewFact::new(MEMBER_INVITED, aggregate_id.clone(), &invited)
    }));
    facts
}

/// Writes the fact that a tribe was formed (created).
pub async fn formed(conn: &mut AsyncPgConnection, tribe: &Tribe) -> Result<(), StoreError> {
    tribe_fact(conn, TRIBE_FORMED, tribe, TribeStatus::Forming).await
}

/// Writes the fact of a tribe's new status where one is published (active, at risk,
/// dissolved); falling back to FORMING and going INACTIVE are no fact.
pub async fn status_changed(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
    status: TribeStatus,
) -> Result<(), StoreError> {
    let topic = match status {
        TribeStatus::Active => TRIBE_ACTIVE,
        TribeStatus::AtRisk => TRIBE_AT_RISK,
        TribeStatus::Dissolved => TRIBE_DISSOLVED,
        TribeStatus::Forming | TribeStatus::Inactive => return Ok(()),
    };
    tribe_fact(conn, topic, tribe, status).await
}

async fn tribe_fact(
    conn: &mut AsyncPgConnection,
    topic: &str,
    tribe: &Tribe,
    status: TribeStatus,
) -> Result<(), StoreError> {
    let member_ids = active_ids(conn, tribe).await?;
    let payload = proto::TribeStatusChanged {
        tribe_id: tribe.id.to_string(),
        tribe_name: tribe.name.clone(),
        status: proto::TribeStatus::from(status).into(),
        member_ids,
    };
    OUTBOX
        .enqueue(conn, topic, &tribe.id.to_string(), &payload)
        .await
        .map(drop)
}

async fn active_ids(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
) -> Result<Vec<String>, StoreError> {
    Ok(members::active_ids(conn, tribe.id)
        .await?
        .into_iter()
        .map(|id| id.to_string())
        .collect())
}

/// Writes the fact that `message` was posted, for the active members other than its sender.
pub async fn message_posted(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
    message: &Message,
) -> Result<(), StoreError> {
    let sender = message.user_id.map(|id| id.to_string()).unwrap_or_default();
    let recipient_ids = active_ids(conn, tribe)
        .await?
        .into_iter()
        .filter(|id| *id != sender)
        .collect();
    let payload = proto::MessagePosted {
        tribe_id: tribe.id.to_string(),
        tribe_name: tribe.name.clone(),
        message_id: message.id.to_string(),
        sender_id: sender,
        r#type: message_type_to_proto(message.message_type).into(),
        recipient_ids,
    };
    OUTBOX
        .enqueue(conn, MESSAGE_POSTED, &tribe.id.to_string(), &payload)
        .await
        .map(drop)
}

pub fn message_type_to_proto(message_type: MessageType) -> proto::MessageType {
    match message_type {
        MessageType::Text => proto::MessageType::Text,
        MessageType::Image => proto::MessageType::Image,
        MessageType::System => proto::MessageType::System,
        MessageType::AiPrompt => proto::MessageType::AiPrompt,
        MessageType::Event => proto::MessageType::Event,
    }
}
