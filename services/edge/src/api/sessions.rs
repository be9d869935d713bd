//! circle.edge.v1.SessionService: the caller's sessions and password, answered by the user
//! service's SessionService. The public messages are wire-identical copies of the internal
//! ones (see [`crate::wire_copy`]).

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::session_service_server::SessionService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::session_service_client::SessionServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, relay};
use crate::upstream::USER;
use crate::validate;

pub struct SessionApi {
    context: Context,
    sessions: SessionServiceClient<Channel>,
}

impl SessionApi {
    pub fn new(context: Context) -> Self {
        Self {
            sessions: SessionServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl SessionService for SessionApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_sessions(
        &self,
        request: Request<edge::ListSessionsRequest>,
    ) -> Result<Response<edge::ListSessionsResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            sessions.list_sessions,
            user::ListSessionsRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn revoke_session(
        &self,
        request: Request<edge::RevokeSessionRequest>,
    ) -> Result<Response<edge::RevokeSessionResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("session_id", &request.get_ref().session_id)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            sessions.revoke_session,
            user::RevokeSessionRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn revoke_other_sessions(
        &self,
        request: Request<edge::RevokeOtherSessionsRequest>,
    ) -> Result<Response<edge::RevokeOtherSessionsResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            USER,
            sessions.revoke_other_sessions,
            user::RevokeOtherSessionsRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn change_password(
        &self,
        request: Request<edge::ChangePasswordRequest>,
    ) -> Result<Response<edge::ChangePasswordResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::present("current_password", &request.get_ref().current_password)?;
        validate::present("new_password", &request.get_ref().new_password)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            sessions.change_password,
            user::ChangePasswordRequest
        )))
    }
}
