//! circle.edge.v1.SessionService: the caller's sessions and password, answered by the user
//! service's SessionService.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::session_service_server::SessionService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::session_service_client::SessionServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
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
        let edge::ListSessionsRequest {
            page_size,
            page_token,
        } = request.into_inner();
        validate::page_size(page_size)?;
        let message = user::ListSessionsRequest {
            page_size,
            page_token,
        };
        let user::ListSessionsResponse {
            sessions,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.sessions,
                &person.acting,
                message,
                |mut c, r| async move { c.list_sessions(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListSessionsResponse {
            sessions: sessions.into_iter().map(session).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn revoke_session(
        &self,
        request: Request<edge::RevokeSessionRequest>,
    ) -> Result<Response<edge::RevokeSessionResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::RevokeSessionRequest { session_id } = request.into_inner();
        validate::required("session_id", &session_id)?;
        let message = user::RevokeSessionRequest { session_id };
        let user::RevokeSessionResponse {} = self
            .context
            .upstream
            .call(
                USER,
                &self.sessions,
                &person.acting,
                message,
                |mut c, r| async move { c.revoke_session(r).await },
            )
            .await?;
        Ok(Response::new(edge::RevokeSessionResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn revoke_other_sessions(
        &self,
        request: Request<edge::RevokeOtherSessionsRequest>,
    ) -> Result<Response<edge::RevokeOtherSessionsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::RevokeOtherSessionsRequest {} = request.into_inner();
        let user::RevokeOtherSessionsResponse { revoked_count } = self
            .context
            .upstream
            .call(
                USER,
                &self.sessions,
                &person.acting,
                user::RevokeOtherSessionsRequest {},
                |mut c, r| async move { c.revoke_other_sessions(r).await },
            )
            .await?;
        Ok(Response::new(edge::RevokeOtherSessionsResponse {
            revoked_count,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn change_password(
        &self,
        request: Request<edge::ChangePasswordRequest>,
    ) -> Result<Response<edge::ChangePasswordResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ChangePasswordRequest {
            current_password,
            new_password,
        } = request.into_inner();
        validate::present("current_password", &current_password)?;
        validate::present("new_password", &new_password)?;
        let message = user::ChangePasswordRequest {
            current_password,
            new_password,
        };
        let user::ChangePasswordResponse { revoked_count } = self
            .context
            .upstream
            .call(
                USER,
                &self.sessions,
                &person.acting,
                message,
                |mut c, r| async move { c.change_password(r).await },
            )
            .await?;
        Ok(Response::new(edge::ChangePasswordResponse {
            revoked_count,
        }))
    }
}

fn session(session: user::Session) -> edge::Session {
    let user::Session {
        id,
        device,
        client_address,
        user_agent,
        create_time,
        last_use_time,
        current,
    } = session;
    edge::Session {
        id,
        device,
        client_address,
        user_agent,
        create_time,
        last_use_time,
        current,
    }
}
