//! Reports and the moderation queue: a person reports another; admins list the queue and
//! resolve each report once, with an outcome and an action against the reported person.

use chrono::Utc;
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::access::Acting;
use crate::admin;
use crate::audit::{self, AuditEntry};
use crate::domain::report::{ModerationAction, ReportCategory, ReportId, ReportStatus};
use crate::domain::{AccountStatus, UserId};
use crate::error::Error;
use crate::store::accounts;
use crate::store::reports::{self, NewReport, Report, Resolution};

/// The longest comments and outcomes, in characters.
pub const MAX_REPORT_TEXT: usize = 2000;
/// The longest request id of a report.
pub const MAX_REQUEST_ID: usize = 128;

/// A report as filed, already checked field by field.
#[derive(Debug)]
pub struct NewUserReport {
    pub reported: UserId,
    pub category: ReportCategory,
    pub comments: String,
    pub request_id: Option<String>,
}

/// A moderator's decision on one report.
#[derive(Debug)]
pub struct Decision {
    pub report: ReportId,
    pub outcome: String,
    pub action: ModerationAction,
}

pub struct ReportPage {
    pub reports: Vec<Report>,
    pub next: Option<Cursor>,
}

/// The caller reports someone; a retry with the same request id returns the first report.
pub async fn report(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    filed: NewUserReport,
) -> Result<Report, Error> {
    let reporter = acting.actor.person()?.id;
    if filed.reported == reporter {
        return Err(Error::invalid(
            "reported_user_id",
            "you cannot report yourself",
        ));
    }
    if accounts::find(conn, filed.reported).await?.is_none() {
        return Err(Error::NotFound {
            what: "user",
            field: "reported_user_id",
        });
    }
    let new = NewReport {
        id: ReportId::generate(),
        reporter_id: reporter,
        reported_id: filed.reported,
        category: filed.category,
        comments: &filed.comments,
        request_id: filed.request_id.as_deref(),
        status: ReportStatus::Open,
        created_at: Utc::now(),
    };
    let inserted = conn
        .transaction::<_, Error, _>(async |conn| {
            let Some(report) = reports::insert_unless_request_seen(conn, &new).await? else {
                return Ok(None);
            };
            let entry = AuditEntry {
                action: "REPORT_FILED",
                resource_type: "report",
                resource_id: report.id.to_string(),
                subject: Some(report.reported_id),
                metadata: serde_json::json!({ "category": report.category.as_str() }),
            };
            audit::record(conn, acting, entry).await?;
            Ok(Some(report))
        })
        .await?;
    if let Some(report) = inserted {
        return Ok(report);
    }
    let request_id = filed.request_id.as_deref().unwrap_or_default();
    let first = reports::find_by_request(conn, reporter, request_id)
        .await?
        .ok_or(Error::RequestIdReused)?;
    let same = first.reported_id == filed.reported
        && first.category == filed.category
        && first.comments == filed.comments;
    if same {
        Ok(first)
    } else {
        Err(Error::RequestIdReused)
    }
}

/// The reports of `status`, oldest first. Admins only.
pub async fn list(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    status: ReportStatus,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<ReportPage, Error> {
    acting.actor.admin()?;
    let mut reports = reports::list_by_status(conn, status, after, page_size + 1).await?;
    let next = if reports.len() as i64 > page_size {
        reports.truncate(page_size as usize);
        reports.last().map(|last| Cursor {
            at: last.created_at,
            id: last.id.as_uuid(),
        })
    } else {
        None
    };
    Ok(ReportPage { reports, next })
}

/// Resolves an OPEN report; SUSPEND and BAN change the reported person's status (and end their
/// sessions) in the same transaction. Admins only.
pub async fn resolve(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    decision: Decision,
) -> Result<Report, Error> {
    let admin = acting.actor.admin()?.id;
    let Decision {
        report: report_id,
        outcome,
        action,
    } = decision;
    conn.transaction::<_, Error, _>(async |conn| {
        let report = reports::find_for_update(conn, report_id)
            .await?
            .ok_or(Error::NotFound {
                what: "report",
                field: "report_id",
            })?;
        if report.status == ReportStatus::Resolved {
            return Err(Error::FailedPrecondition {
                reason: "REPORT_ALREADY_RESOLVED",
                message: "the report is already resolved".to_owned(),
            });
        }
        let new_status = match action {
            ModerationAction::None => None,
            ModerationAction::Suspend => Some(AccountStatus::Suspended),
            ModerationAction::Ban => Some(AccountStatus::Deleted),
        };
        if new_status.is_some() && report.reported_id == admin {
            return Err(Error::FailedPrecondition {
                reason: "OWN_ACCOUNT",
                message: "an admin cannot suspend or ban themselves".to_owned(),
            });
        }
        let resolved = reports::resolve(
            conn,
            report.id,
            &Resolution {
                status: ReportStatus::Resolved,
                resolved_at: Utc::now(),
                resolved_by: admin,
                outcome: &outcome,
                action,
            },
        )
        .await?;
        let entry = AuditEntry {
            action: "REPORT_RESOLVED",
            resource_type: "report",
            resource_id: report.id.to_string(),
            subject: Some(report.reported_id),
            metadata: serde_json::json!({
                "action": action.as_str(),
                "category": report.category.as_str(),
                "outcome": outcome,
            }),
        };
        audit::record(conn, acting, entry).await?;
        if let Some(status) = new_status {
            let account = accounts::find_for_update(conn, report.reported_id)
                .await?
                .ok_or(Error::AccountNotFound)?;
            // A banned (deleted) account stays as it is whatever a later report decides.
            if account.status != AccountStatus::Deleted {
                admin::set_status(
                    conn,
                    acting,
                    account,
                    status,
                    serde_json::json!({ "report_id": report.id.to_string() }),
                )
                .await?;
            }
        }
        Ok(resolved)
    })
    .await
}
