//! circle.edge.v1.ReportService: a person reports another to the moderators.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::report_service_server::ReportService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::report_service_client::ReportServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
use crate::upstream::USER;
use crate::validate;

pub struct ReportApi {
    context: Context,
    reports: ReportServiceClient<Channel>,
}

impl ReportApi {
    pub fn new(context: Context) -> Self {
        Self {
            reports: ReportServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

/// The public category as the user service names it; unknown numbers stay unspecified, which
/// the user service refuses by name.
fn category_inside(category: i32) -> user::ReportCategory {
    use edge::ReportCategory as In;
    use user::ReportCategory as Out;
    match In::try_from(category) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Harassment) => Out::Harassment,
        Ok(In::Spam) => Out::Spam,
        Ok(In::InappropriateContent) => Out::InappropriateContent,
        Ok(In::FakeProfile) => Out::FakeProfile,
        Ok(In::SafetyConcern) => Out::SafetyConcern,
        Ok(In::Other) => Out::Other,
    }
}

fn category_outside(category: i32) -> edge::ReportCategory {
    use edge::ReportCategory as Out;
    use user::ReportCategory as In;
    match In::try_from(category) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Harassment) => Out::Harassment,
        Ok(In::Spam) => Out::Spam,
        Ok(In::InappropriateContent) => Out::InappropriateContent,
        Ok(In::FakeProfile) => Out::FakeProfile,
        Ok(In::SafetyConcern) => Out::SafetyConcern,
        Ok(In::Other) => Out::Other,
    }
}

/// What the reporter sees of their report: not how the moderators handle it.
fn filed_report(report: user::Report) -> edge::FiledReport {
    let user::Report {
        id,
        reporter_id: _,
        reported_user_id,
        category,
        comments,
        status: _,
        create_time,
        resolve_time: _,
        resolver_id: _,
        outcome: _,
        action: _,
    } = report;
    edge::FiledReport {
        id,
        reported_user_id,
        category: category_outside(category).into(),
        comments,
        create_time,
    }
}

#[tonic::async_trait]
impl ReportService for ReportApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn report_user(
        &self,
        request: Request<edge::ReportUserRequest>,
    ) -> Result<Response<edge::ReportUserResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ReportUserRequest {
            reported_user_id,
            category,
            comments,
            request_id,
        } = request.into_inner();
        validate::required("reported_user_id", &reported_user_id)?;
        let message = user::ReportUserRequest {
            reported_user_id,
            category: category_inside(category).into(),
            comments,
            request_id,
        };
        let user::ReportUserResponse { report } = self
            .context
            .upstream
            .call(
                USER,
                &self.reports,
                &person.acting,
                message,
                |mut c, r| async move { c.report_user(r).await },
            )
            .await?;
        let report = report.ok_or(Error::Contract {
            service: USER,
            missing: "report",
        })?;
        Ok(Response::new(edge::ReportUserResponse {
            report: Some(filed_report(report)),
        }))
    }
}
