//! circle.edge.v1.ModerationService: the admins' moderation queue, account roles and statuses,
//! and the audit log. Whether the caller is an admin is decided by the user service.
//!
//! The answers about reports and the audit log are wire-identical copies of the internal ones
//! (see [`crate::wire_copy`]); the enums a caller sends are mapped by hand, an unknown number
//! becoming unspecified, and an account changed is answered as the public account.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::moderation_service_server::ModerationService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::admin_service_client::AdminServiceClient;
use circle_proto::user::v1::moderation_service_client::ModerationServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
use crate::upstream::USER;
use crate::{translate, validate};

pub struct ModerationApi {
    context: Context,
    moderation: ModerationServiceClient<Channel>,
    admin: AdminServiceClient<Channel>,
}

impl ModerationApi {
    pub fn new(context: Context) -> Self {
        Self {
            moderation: ModerationServiceClient::new(context.upstream.user()),
            admin: AdminServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

fn status_inside(status: i32) -> user::ReportStatus {
    use edge::ReportStatus as In;
    use user::ReportStatus as Out;
    match In::try_from(status) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Open) => Out::Open,
        Ok(In::Resolved) => Out::Resolved,
    }
}

fn action_inside(action: i32) -> user::ModerationAction {
    use edge::ModerationAction as In;
    use user::ModerationAction as Out;
    match In::try_from(action) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::None) => Out::None,
        Ok(In::Suspend) => Out::Suspend,
        Ok(In::Ban) => Out::Ban,
    }
}

fn role_inside(role: i32) -> user::UserRole {
    use edge::AccountRole as In;
    use user::UserRole as Out;
    match In::try_from(role) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::User) => Out::User,
        Ok(In::TribeCreator) => Out::TribeCreator,
        Ok(In::Admin) => Out::Admin,
    }
}

fn account_status_inside(status: i32) -> user::UserStatus {
    use edge::AccountStatus as In;
    use user::UserStatus as Out;
    match In::try_from(status) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Pending) => Out::Pending,
        Ok(In::Active) => Out::Active,
        Ok(In::Inactive) => Out::Inactive,
        Ok(In::Suspended) => Out::Suspended,
        Ok(In::Deleted) => Out::Deleted,
    }
}

#[tonic::async_trait]
impl ModerationService for ModerationApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_reports(
        &self,
        request: Request<edge::ListReportsRequest>,
    ) -> Result<Response<edge::ListReportsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListReportsRequest {
            status,
            page_size,
            page_token,
        } = request.into_inner();
        validate::page_size(page_size)?;
        let message = user::ListReportsRequest {
            status: status_inside(status).into(),
            page_size,
            page_token,
        };
        let answer: edge::ListReportsResponse =
            relay!(self, message => person, USER, moderation.list_reports);
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn resolve_report(
        &self,
        request: Request<edge::ResolveReportRequest>,
    ) -> Result<Response<edge::ResolveReportResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ResolveReportRequest {
            report_id,
            outcome,
            action,
        } = request.into_inner();
        validate::required("report_id", &report_id)?;
        let message = user::ResolveReportRequest {
            report_id,
            outcome,
            action: action_inside(action).into(),
        };
        let answer: edge::ResolveReportResponse =
            relay!(self, message => person, USER, moderation.resolve_report);
        promised(USER, &answer.report, "report")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn change_user_role(
        &self,
        request: Request<edge::ChangeUserRoleRequest>,
    ) -> Result<Response<edge::ChangeUserRoleResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ChangeUserRoleRequest { user_id, role } = request.into_inner();
        validate::required("user_id", &user_id)?;
        let message = user::ChangeUserRoleRequest {
            user_id,
            role: role_inside(role).into(),
        };
        let user::ChangeUserRoleResponse { user } = self
            .context
            .upstream
            .call(
                USER,
                &self.admin,
                &person.acting,
                message,
                |mut c, r| async move { c.change_user_role(r).await },
            )
            .await?;
        Ok(Response::new(edge::ChangeUserRoleResponse {
            account: Some(translate::required_account(user)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn change_user_status(
        &self,
        request: Request<edge::ChangeUserStatusRequest>,
    ) -> Result<Response<edge::ChangeUserStatusResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ChangeUserStatusRequest {
            user_id,
            status,
            reason,
        } = request.into_inner();
        validate::required("user_id", &user_id)?;
        let message = user::ChangeUserStatusRequest {
            user_id,
            status: account_status_inside(status).into(),
            reason,
        };
        let user::ChangeUserStatusResponse { user } = self
            .context
            .upstream
            .call(
                USER,
                &self.admin,
                &person.acting,
                message,
                |mut c, r| async move { c.change_user_status(r).await },
            )
            .await?;
        Ok(Response::new(edge::ChangeUserStatusResponse {
            account: Some(translate::required_account(user)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_audit_entries(
        &self,
        request: Request<edge::ListAuditEntriesRequest>,
    ) -> Result<Response<edge::ListAuditEntriesResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            admin.list_audit_entries,
            user::ListAuditEntriesRequest
        )))
    }
}
