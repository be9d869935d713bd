//! A person's privacy rights: consents (marketing, analytics) with their history, the export of
//! everything held about them, soft deletion, and erasure.

pub mod export;

use chrono::{DateTime, SubsecRound, Utc};
use circle_core::wire::timestamp;
use circle_proto::user::v1::UserErased;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::access::Acting;
use crate::admin;
use crate::audit::{self, AuditEntry};
use crate::domain::{AccountStatus, ConsentPurpose, UserId};
use crate::error::Error;
use crate::state::{AppState, OUTBOX};
use crate::store::accounts::{self, Account, AccountUpdate};
use crate::store::consents::{self, ConsentRow};
use crate::store::erasure;

pub const USER_ERASED: &str = "user.erased";

fn no_such_user() -> Error {
    Error::NotFound {
        what: "user",
        field: "user_id",
    }
}

/// A person's answer per purpose; `None` where they were never asked (not granted).
pub struct Consents {
    pub user: UserId,
    pub marketing: Option<ConsentRow>,
    pub analytics: Option<ConsentRow>,
}

impl Consents {
    fn of(user: UserId, rows: Vec<ConsentRow>) -> Self {
        let mut consents = Consents {
            user,
            marketing: None,
            analytics: None,
        };
        for row in rows {
            match row.purpose {
                ConsentPurpose::Marketing => consents.marketing = Some(row),
                ConsentPurpose::Analytics => consents.analytics = Some(row),
            }
        }
        consents
    }

    fn get(&self, purpose: ConsentPurpose) -> Option<&ConsentRow> {
        match purpose {
            ConsentPurpose::Marketing => self.marketing.as_ref(),
            ConsentPurpose::Analytics => self.analytics.as_ref(),
        }
    }
}

/// `user`'s consents: the owner, admins and services read them.
pub async fn consents(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
) -> Result<Consents, Error> {
    if !acting.actor.may_read_private(user) {
        return Err(Error::Forbidden(
            "only the owner or an admin may read consents",
        ));
    }
    accounts::find(conn, user).await?.ok_or_else(no_such_user)?;
    Ok(Consents::of(user, consents::of(conn, user).await?))
}

/// Grants or withdraws each of `answers` for the calling person alone: consent is theirs to
/// give. An answer they already gave changes nothing; every change is kept in the history and
/// audited as CONSENTS_CHANGED.
pub async fn update_consents(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    answers: &[(ConsentPurpose, bool)],
) -> Result<Consents, Error> {
    if acting.actor.person()?.id != user {
        return Err(Error::Forbidden(
            "only the person themselves may give or withdraw consent",
        ));
    }
    let now = Utc::now();
    conn.transaction::<_, Error, _>(async |conn| {
        // The account's row lock orders concurrent changes of the same person's consents.
        accounts::find_for_update(conn, user)
            .await?
            .ok_or_else(no_such_user)?;
        let current = Consents::of(user, consents::of(conn, user).await?);
        let mut changed = serde_json::Map::new();
        for &(purpose, granted) in answers {
            let before = current.get(purpose);
            if before.is_some_and(|row| row.granted == granted) {
                continue;
            }
            let row = ConsentRow {
                user_id: user,
                purpose,
                granted,
                granted_at: if granted {
                    Some(now)
                } else {
                    before.and_then(|row| row.granted_at)
                },
                withdrawn_at: if granted {
                    before.and_then(|row| row.withdrawn_at)
                } else {
                    Some(now)
                },
                updated_at: now,
            };
            consents::record(conn, &row).await?;
            changed.insert(purpose.as_str().to_owned(), granted.into());
        }
        if !changed.is_empty() {
            let entry = AuditEntry {
                action: "CONSENTS_CHANGED",
                resource_type: "account",
                resource_id: user.to_string(),
                subject: Some(user),
                metadata: serde_json::Value::Object(changed),
            };
            audit::record(conn, acting, entry).await?;
        }
        Ok(Consents::of(user, consents::of(conn, user).await?))
    })
    .await
}

/// Soft deletion by the owner or an admin: the account becomes DELETED (stamped with
/// deleted_at), its sessions end, and nobody signs in to it again. A deleted account stays
/// deleted; asking again changes nothing.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
) -> Result<Account, Error> {
    acting.actor.may_edit(user)?;
    let by_owner = acting.actor.user_id() == Some(user);
    conn.transaction::<_, Error, _>(async |conn| {
        let account = accounts::find_for_update(conn, user)
            .await?
            .ok_or_else(no_such_user)?;
        let reason = if by_owner {
            "deleted at the owner's request"
        } else {
            "deleted by an admin"
        };
        admin::set_status(
            conn,
            acting,
            account,
            AccountStatus::Deleted,
            serde_json::json!({ "reason": reason }),
        )
        .await
    })
    .await
}

/// Erases `user` (the owner or an admin asking): their personal data is anonymized, their
/// sessions end, their consents are withdrawn, the account is DELETED and its email is free
/// again; audited as ACCOUNT_ERASED (with counts, never the data) and told to the other
/// services as one "user.erased" fact. The account row lock makes erasure happen once however
/// many calls race: a later call finds it done and returns its time.
pub async fn erase(
    state: &AppState,
    acting: &Acting,
    user: UserId,
) -> Result<DateTime<Utc>, Error> {
    acting.actor.may_edit(user)?;
    // As precise as the database keeps it, so every call reports the same time.
    let now = Utc::now().trunc_subsecs(6);
    let mut conn = state.pool.get().await?;
    let (erased_at, fresh) = conn
        .transaction::<_, Error, _>(async |conn| {
            let account = accounts::find_for_update(conn, user)
                .await?
                .ok_or_else(no_such_user)?;
            if let Some(erased_at) = account.erased_at {
                return Ok((erased_at, false));
            }
            let erased = erasure::anonymize(conn, user, now).await?;
            let mut withdrawn = 0;
            for row in consents::of(conn, user).await? {
                if row.granted {
                    let row = ConsentRow {
                        granted: false,
                        withdrawn_at: Some(now),
                        updated_at: now,
                        ..row
                    };
                    consents::record(conn, &row).await?;
                    withdrawn += 1;
                }
            }
            accounts::update(
                conn,
                user,
                AccountUpdate::Erased {
                    placeholder: format!("erased-{user}@erased.invalid"),
                    deleted_at: account.deleted_at.unwrap_or(now),
                    at: now,
                },
            )
            .await?;
            let entry = AuditEntry {
                action: "ACCOUNT_ERASED",
                resource_type: "account",
                resource_id: user.to_string(),
                subject: Some(user),
                metadata: serde_json::json!({
                    "previous_status": account.status.as_str(),
                    "photos_deleted": erased.photos,
                    "assessments_deleted": erased.assessments,
                    "interests_deleted": erased.interests,
                    "identities_unlinked": erased.identities,
                    "sessions_revoked": erased.sessions,
                    "connections_deleted": erased.connections,
                    "snapshots_cleared": erased.snapshots,
                    "consents_withdrawn": withdrawn,
                }),
            };
            audit::record(conn, acting, entry).await?;
            OUTBOX
                .enqueue(
                    conn,
                    USER_ERASED,
                    &user.to_string(),
                    &UserErased {
                        user_id: user.to_string(),
                        erase_time: Some(timestamp(now)),
                    },
                )
                .await?;
            Ok((now, true))
        })
        .await?;
    if fresh {
        state.outbox_wake.notify_one();
    }
    Ok(erased_at)
}
