//! The activity feed: every creation, membership change, dissolution and goal event of a tribe,
//! written in the transaction of the change.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{TribeId, UserId};
use crate::query::activities::{self, NewActivity};
use crate::schema::tribes::tribe_activities;

circle_core::text_enum! {
    /// What happened in a tribe (the seed's ActivityType and the membership changes it omits).
    pub enum ActivityType {
        TribeCreated = "TRIBE_CREATED",
        TribeUpdated = "TRIBE_UPDATED",
        TribeDissolved = "TRIBE_DISSOLVED",
        StatusChanged = "STATUS_CHANGED",
        MemberJoined = "MEMBER_JOINED",
        MemberLeft = "MEMBER_LEFT",
        MemberRemoved = "MEMBER_REMOVED",
        MemberInvited = "MEMBER_INVITED",
        JoinRequested = "JOIN_REQUESTED",
        JoinDeclined = "JOIN_DECLINED",
        CreatorTransferred = "CREATOR_TRANSFERRED",
        EventCreated = "EVENT_CREATED",
        EventCompleted = "EVENT_COMPLETED",
        AiSuggestion = "AI_SUGGESTION",
        ChallengeCreated = "CHALLENGE_CREATED",
        ChallengeCompleted = "CHALLENGE_COMPLETED",
    }
}

/// An entry of the feed as read.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = tribe_activities, check_for_backend(diesel::pg::Pg))]
pub struct Activity {
    pub id: Uuid,
    pub tribe_id: TribeId,
    pub user_id: Option<UserId>,
    pub activity_type: ActivityType,
    pub description: String,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Appends to the feed of `tribe`; `actor` is `None` when the service acts.
pub async fn record(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    actor: Option<UserId>,
    activity_type: ActivityType,
    description: String,
    metadata: BTreeMap<&str, String>,
) -> QueryResult<()> {
    activities::insert(
        conn,
        &entry(tribe, actor, activity_type, description, metadata),
    )
    .await
}

/// An entry of the feed of `tribe`, for [`record_all`].
pub fn entry(
    tribe: TribeId,
    actor: Option<UserId>,
    activity_type: ActivityType,
    description: String,
    metadata: BTreeMap<&str, String>,
) -> NewActivity {
    NewActivity {
        id: Uuid::now_v7(),
        tribe_id: tribe,
        user_id: actor,
        activity_type,
        description,
        metadata: serde_json::to_value(metadata).expect("a map of strings is JSON"),
    }
}

/// Appends many entries (of any tribes) at once, in their order.
pub async fn record_all(conn: &mut AsyncPgConnection, entries: &[NewActivity]) -> QueryResult<()> {
    activities::insert_all(conn, entries).await
}
