//! Account management by admins: roles and statuses, each change audited with the old and the
//! new value. Moderation reuses the status change when it suspends or bans someone.

use chrono::Utc;
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::access::Acting;
use crate::audit::{self, AuditEntry, AuditFilter, AuditRecord};
use crate::domain::{AccountRole, AccountStatus, UserId};
use crate::error::Error;
use crate::store::accounts::{self, Account, AccountUpdate};
use crate::store::sessions;

fn own_account() -> Error {
    Error::FailedPrecondition {
        reason: "OWN_ACCOUNT",
        message: "an admin cannot change their own role or status".to_owned(),
    }
}

fn no_such_user() -> Error {
    Error::NotFound {
        what: "user",
        field: "user_id",
    }
}

/// Gives `user` the role `role`; giving the role they have changes nothing.
pub async fn change_role(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    role: AccountRole,
) -> Result<Account, Error> {
    let admin = acting.actor.admin()?.id;
    if user == admin {
        return Err(own_account());
    }
    conn.transaction::<_, Error, _>(async |conn| {
        let account = accounts::find_for_update(conn, user)
            .await?
            .ok_or_else(no_such_user)?;
        if account.role == role {
            return Ok(account);
        }
        let updated = accounts::update(
            conn,
            user,
            AccountUpdate::RoleChanged {
                role,
                at: Utc::now(),
            },
        )
        .await?;
        let entry = AuditEntry {
            action: "ROLE_CHANGED",
            resource_type: "account",
            resource_id: user.to_string(),
            subject: Some(user),
            metadata: serde_json::json!({
                "old": account.role.as_str(),
                "new": role.as_str(),
            }),
        };
        audit::record(conn, acting, entry).await?;
        Ok(updated)
    })
    .await
}

/// Moves `user` to `status` (ACTIVE, INACTIVE, SUSPENDED or DELETED), with `reason` for the
/// audit log.
pub async fn change_status(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    status: AccountStatus,
    reason: &str,
) -> Result<Account, Error> {
    let admin = acting.actor.admin()?.id;
    if user == admin {
        return Err(own_account());
    }
    conn.transaction::<_, Error, _>(async |conn| {
        let account = accounts::find_for_update(conn, user)
            .await?
            .ok_or_else(no_such_user)?;
        set_status(
            conn,
            acting,
            account,
            status,
            serde_json::json!({ "reason": reason }),
        )
        .await
    })
    .await
}

/// Inside the caller's transaction, with `account` locked: moves it to `status`, ends its
/// sessions unless it becomes ACTIVE, and audits STATUS_CHANGED with `context` added to the
/// old and new status. The status it has already changes nothing.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    account: Account,
    status: AccountStatus,
    context: serde_json::Value,
) -> Result<Account, Error> {
    if account.status == status {
        return Ok(account);
    }
    match (account.status, status) {
        (AccountStatus::Deleted, _) => {
            return Err(Error::FailedPrecondition {
                reason: "ACCOUNT_DELETED",
                message: "a deleted account cannot change its status".to_owned(),
            });
        }
        (AccountStatus::Pending, AccountStatus::Active) => {
            return Err(Error::FailedPrecondition {
                reason: "EMAIL_NOT_VERIFIED",
                message: "a pending account becomes active by verifying its email".to_owned(),
            });
        }
        _ => {}
    }
    let now = Utc::now();
    let updated = accounts::update(
        conn,
        account.id,
        AccountUpdate::StatusChanged { status, at: now },
    )
    .await?;
    if status != AccountStatus::Active {
        sessions::revoke_all_but(conn, account.id, None, now).await?;
    }
    let mut metadata = serde_json::json!({
        "old": account.status.as_str(),
        "new": status.as_str(),
    });
    if let (Some(metadata), serde_json::Value::Object(context)) =
        (metadata.as_object_mut(), context)
    {
        metadata.extend(context);
    }
    let entry = AuditEntry {
        action: "STATUS_CHANGED",
        resource_type: "account",
        resource_id: account.id.to_string(),
        subject: Some(account.id),
        metadata,
    };
    audit::record(conn, acting, entry).await?;
    Ok(updated)
}

/// A page of audit entries and the position after it, if there is more.
pub struct AuditPage {
    pub entries: Vec<AuditRecord>,
    pub next: Option<Cursor>,
}

/// The audit entries matching `filter`, newest first. Admins only.
pub async fn audit_entries(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    filter: &AuditFilter,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<AuditPage, Error> {
    acting.actor.admin()?;
    let mut entries = audit::list(conn, filter, after, page_size + 1).await?;
    let next = if entries.len() as i64 > page_size {
        entries.truncate(page_size as usize);
        entries.last().map(|last| Cursor {
            at: last.created_at,
            id: last.id,
        })
    } else {
        None
    };
    Ok(AuditPage { entries, next })
}
