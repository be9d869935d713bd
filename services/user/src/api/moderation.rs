//! circle.user.v1.ReportService and circle.user.v1.ModerationService.

use circle_core::db::DbConn;
use circle_core::paging::{Cursor, page_size};
use circle_core::text::{Lines, check_text};
use circle_core::wire::{timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::moderation_service_server::ModerationService;
use circle_proto::user::v1::report_service_server::ReportService;
use tonic::{Request, Response, Status};

use crate::access::Acting;
use crate::domain::UserId;
use crate::domain::report::{ModerationAction, ReportCategory, ReportId, ReportStatus};
use crate::error::Error;
use crate::moderation::{
    self, Decision, MAX_REPORT_TEXT, MAX_REQUEST_ID, NewUserReport, ReportPage,
};
use crate::state::AppState;
use crate::store::reports::Report;

pub struct ModerationApi {
    state: AppState,
}

impl ModerationApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// A connection, and the caller resolved on it.
    async fn acting<T>(&self, request: &Request<T>) -> Result<(DbConn, Acting), Error> {
        let mut conn = self.state.pool.get().await?;
        let acting = Acting::of(&mut conn, request).await?;
        Ok((conn, acting))
    }
}

fn text(field: &'static str, value: String, lines: Lines, max: usize) -> Result<String, Error> {
    check_text(&value, max, lines).map_err(|invalid| Error::invalid(field, invalid.0))?;
    Ok(value)
}

impl TryFrom<pb::ReportUserRequest> for NewUserReport {
    type Error = Status;

    fn try_from(request: pb::ReportUserRequest) -> Result<Self, Status> {
        let pb::ReportUserRequest {
            reported_user_id,
            category,
            comments,
            request_id,
        } = request;
        let reported = UserId::from(uuid("reported_user_id", &reported_user_id)?);
        let category = match pb::ReportCategory::try_from(category) {
            Ok(pb::ReportCategory::Harassment) => ReportCategory::Harassment,
            Ok(pb::ReportCategory::Spam) => ReportCategory::Spam,
            Ok(pb::ReportCategory::InappropriateContent) => ReportCategory::InappropriateContent,
            Ok(pb::ReportCategory::FakeProfile) => ReportCategory::FakeProfile,
            Ok(pb::ReportCategory::SafetyConcern) => ReportCategory::SafetyConcern,
            Ok(pb::ReportCategory::Other) => ReportCategory::Other,
            Ok(pb::ReportCategory::Unspecified) | Err(_) => {
                return Err(Error::invalid("category", "must name a report category").into());
            }
        };
        let comments = text(
            "comments",
            comments.trim().to_owned(),
            Lines::Multi,
            MAX_REPORT_TEXT,
        )?;
        let request_id = text("request_id", request_id, Lines::Single, MAX_REQUEST_ID)?;
        Ok(NewUserReport {
            reported,
            category,
            comments,
            request_id: (!request_id.is_empty()).then_some(request_id),
        })
    }
}

impl TryFrom<pb::ResolveReportRequest> for Decision {
    type Error = Status;

    fn try_from(request: pb::ResolveReportRequest) -> Result<Self, Status> {
        let pb::ResolveReportRequest {
            report_id,
            outcome,
            action,
        } = request;
        let report = ReportId::from(uuid("report_id", &report_id)?);
        let outcome = text(
            "outcome",
            outcome.trim().to_owned(),
            Lines::Multi,
            MAX_REPORT_TEXT,
        )?;
        if outcome.is_empty() {
            return Err(Error::invalid("outcome", "is required").into());
        }
        let action = match pb::ModerationAction::try_from(action) {
            Ok(pb::ModerationAction::None) => ModerationAction::None,
            Ok(pb::ModerationAction::Suspend) => ModerationAction::Suspend,
            Ok(pb::ModerationAction::Ban) => ModerationAction::Ban,
            Ok(pb::ModerationAction::Unspecified) | Err(_) => {
                return Err(Error::invalid("action", "must be NONE, SUSPEND or BAN").into());
            }
        };
        Ok(Decision {
            report,
            outcome,
            action,
        })
    }
}

fn report_status(status: i32) -> Result<ReportStatus, Status> {
    match pb::ReportStatus::try_from(status) {
        Ok(pb::ReportStatus::Unspecified | pb::ReportStatus::Open) => Ok(ReportStatus::Open),
        Ok(pb::ReportStatus::Resolved) => Ok(ReportStatus::Resolved),
        Err(_) => Err(Error::invalid("status", "must be OPEN or RESOLVED").into()),
    }
}

impl From<Report> for pb::Report {
    fn from(report: Report) -> Self {
        let Report {
            id,
            reporter_id,
            reported_id,
            category,
            comments,
            request_id: _,
            status,
            created_at,
            resolved_at,
            resolved_by,
            outcome,
            action,
        } = report;
        let category = match category {
            ReportCategory::Harassment => pb::ReportCategory::Harassment,
            ReportCategory::Spam => pb::ReportCategory::Spam,
            ReportCategory::InappropriateContent => pb::ReportCategory::InappropriateContent,
            ReportCategory::FakeProfile => pb::ReportCategory::FakeProfile,
            ReportCategory::SafetyConcern => pb::ReportCategory::SafetyConcern,
            ReportCategory::Other => pb::ReportCategory::Other,
        };
        let status = match status {
            ReportStatus::Open => pb::ReportStatus::Open,
            ReportStatus::Resolved => pb::ReportStatus::Resolved,
        };
        let action = match action {
            None => pb::ModerationAction::Unspecified,
            Some(ModerationAction::None) => pb::ModerationAction::None,
            Some(ModerationAction::Suspend) => pb::ModerationAction::Suspend,
            Some(ModerationAction::Ban) => pb::ModerationAction::Ban,
        };
        pb::Report {
            id: id.to_string(),
            reporter_id: reporter_id.to_string(),
            reported_user_id: reported_id.to_string(),
            category: category.into(),
            comments,
            status: status.into(),
            create_time: Some(timestamp(created_at)),
            resolve_time: resolved_at.map(timestamp),
            resolver_id: resolved_by.map(|id| id.to_string()).unwrap_or_default(),
            outcome: outcome.unwrap_or_default(),
            action: action.into(),
        }
    }
}

#[tonic::async_trait]
impl ReportService for ModerationApi {
    #[tracing::instrument(skip_all)]
    async fn report_user(
        &self,
        request: Request<pb::ReportUserRequest>,
    ) -> Result<Response<pb::ReportUserResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let filed = NewUserReport::try_from(request.into_inner())?;
        let report = moderation::report(&mut conn, &acting, filed).await?;
        Ok(Response::new(pb::ReportUserResponse {
            report: Some(report.into()),
        }))
    }
}

#[tonic::async_trait]
impl ModerationService for ModerationApi {
    #[tracing::instrument(skip_all)]
    async fn list_reports(
        &self,
        request: Request<pb::ListReportsRequest>,
    ) -> Result<Response<pb::ListReportsResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let pb::ListReportsRequest {
            status,
            page_size: size,
            page_token,
        } = request.into_inner();
        let status = report_status(status)?;
        let size = page_size(size)?;
        let after = Cursor::decode(&page_token)?;
        let ReportPage { reports, next } =
            moderation::list(&mut conn, &acting, status, after, size).await?;
        Ok(Response::new(pb::ListReportsResponse {
            reports: reports.into_iter().map(pb::Report::from).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn resolve_report(
        &self,
        request: Request<pb::ResolveReportRequest>,
    ) -> Result<Response<pb::ResolveReportResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let decision = Decision::try_from(request.into_inner())?;
        let report = moderation::resolve(&mut conn, &acting, decision).await?;
        Ok(Response::new(pb::ResolveReportResponse {
            report: Some(report.into()),
        }))
    }
}
