//! The audit log: one row for every sensitive action (login, password change, role or status
//! change, block, report resolution, export, erasure), written in the transaction of the action
//! itself so that an action without its row cannot commit.

use chrono::{DateTime, Utc};
use circle_core::db::StoreError;
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::access::{Acting, Actor};
use crate::domain::UserId;
use crate::schema::users::audit_log;

/// What happened, to what, and whose data it touched.
pub struct AuditEntry {
    /// A stable, upper-case verb such as "ROLE_CHANGED" or "USER_BLOCKED".
    pub action: &'static str,
    /// The kind of thing acted on, such as "account", "block", "report".
    pub resource_type: &'static str,
    pub resource_id: String,
    pub subject: Option<UserId>,
    pub metadata: serde_json::Value,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct AuditRecord {
    pub id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_service: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub subject_id: Option<Uuid>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRecord<'a> {
    id: Uuid,
    actor_id: Option<Uuid>,
    actor_service: Option<&'a str>,
    action: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
    subject_id: Option<Uuid>,
    ip_address: Option<&'a str>,
    user_agent: Option<&'a str>,
    metadata: &'a serde_json::Value,
    created_at: DateTime<Utc>,
}

/// Records `entry` as done by `acting`, now.
pub async fn record(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    entry: AuditEntry,
) -> Result<(), StoreError> {
    let (actor_id, actor_service) = match &acting.actor {
        Actor::Person(person) => (Some(person.id.as_uuid()), None),
        Actor::Service(name) => (None, Some(name.as_str())),
    };
    diesel::insert_into(audit_log::table)
        .values(NewAuditRecord {
            id: Uuid::now_v7(),
            actor_id,
            actor_service,
            action: entry.action,
            resource_type: entry.resource_type,
            resource_id: &entry.resource_id,
            subject_id: entry.subject.map(|id| id.as_uuid()),
            ip_address: acting.origin.address.as_deref(),
            user_agent: acting.origin.user_agent.as_deref(),
            metadata: &entry.metadata,
            created_at: Utc::now(),
        })
        .execute(conn)
        .await?;
    Ok(())
}

/// Which entries an audit query wants: about a person (as actor or subject), about a
/// resource, or both at once.
#[derive(Debug)]
pub struct AuditFilter {
    pub user: Option<UserId>,
    pub resource: Option<(String, String)>,
}

/// Up to `limit` entries matching `filter`, newest first, after `after`.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &AuditFilter,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<AuditRecord>, StoreError> {
    let mut query = audit_log::table
        .select(AuditRecord::as_select())
        .order((audit_log::created_at.desc(), audit_log::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(user) = filter.user {
        let user = user.as_uuid();
        query = query.filter(
            audit_log::actor_id
                .eq(user)
                .or(audit_log::subject_id.eq(user)),
        );
    }
    if let Some((resource_type, resource_id)) = &filter.resource {
        query = query
            .filter(audit_log::resource_type.eq(resource_type.clone()))
            .filter(audit_log::resource_id.eq(resource_id.clone()));
    }
    if let Some(Cursor { at, id }) = after {
        query = query.filter(
            audit_log::created_at
                .lt(at)
                .or(audit_log::created_at.eq(at).and(audit_log::id.lt(id))),
        );
    }
    Ok(query.load(conn).await?)
}
