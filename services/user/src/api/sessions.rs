//! circle.user.v1.SessionService: the caller's own sessions and password.

use circle_core::paging::{self, Cursor};
use circle_core::wire::{timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::session_service_server::SessionService;
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::access::Acting;
use crate::domain::{PasswordAttempt, SessionId};
use crate::error::Error;
use crate::sessions::{self, PasswordChange};
use crate::state::AppState;
use crate::store::sessions::Session;

pub struct SessionApi {
    state: AppState,
}

impl SessionApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    async fn acting<T>(&self, request: &Request<T>) -> Result<Acting, Error> {
        let acting = Acting::of(&mut *self.state.pool.get().await?, request).await?;
        if let Some(user_id) = acting.actor.user_id() {
            tracing::Span::current().record("user_id", display(user_id));
        }
        Ok(acting)
    }
}

#[tonic::async_trait]
impl SessionService for SessionApi {
    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn list_sessions(
        &self,
        request: Request<pb::ListSessionsRequest>,
    ) -> Result<Response<pb::ListSessionsResponse>, Status> {
        let acting = self.acting(&request).await?;
        let person = acting.actor.person()?;
        let pb::ListSessionsRequest {
            page_size,
            page_token,
        } = request.into_inner();
        let page_size = paging::page_size(page_size)?;
        let after = Cursor::decode(&page_token)?;
        let page = sessions::list(&self.state, person, page_size, after).await?;
        Ok(Response::new(pb::ListSessionsResponse {
            sessions: page
                .sessions
                .into_iter()
                .map(|session| session_message(session, person.session_id))
                .collect(),
            next_page_token: page.next.map(|next| next.encode()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn revoke_session(
        &self,
        request: Request<pb::RevokeSessionRequest>,
    ) -> Result<Response<pb::RevokeSessionResponse>, Status> {
        let acting = self.acting(&request).await?;
        let pb::RevokeSessionRequest { session_id } = request.into_inner();
        let session_id = SessionId::from(uuid("session_id", &session_id)?);
        sessions::revoke(&self.state, &acting, session_id).await?;
        Ok(Response::new(pb::RevokeSessionResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn revoke_other_sessions(
        &self,
        request: Request<pb::RevokeOtherSessionsRequest>,
    ) -> Result<Response<pb::RevokeOtherSessionsResponse>, Status> {
        let acting = self.acting(&request).await?;
        let pb::RevokeOtherSessionsRequest {} = request.into_inner();
        let revoked = sessions::revoke_others(&self.state, &acting).await?;
        Ok(Response::new(pb::RevokeOtherSessionsResponse {
            revoked_count: count(revoked),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn change_password(
        &self,
        request: Request<pb::ChangePasswordRequest>,
    ) -> Result<Response<pb::ChangePasswordResponse>, Status> {
        let acting = self.acting(&request).await?;
        let pb::ChangePasswordRequest {
            current_password,
            new_password,
        } = request.into_inner();
        let change = PasswordChange {
            current: PasswordAttempt::parse(current_password)
                .map_err(|reason| Error::invalid("current_password", reason))?,
            new: new_password,
        };
        let revoked = sessions::change_password(&self.state, &acting, change).await?;
        Ok(Response::new(pb::ChangePasswordResponse {
            revoked_count: count(revoked),
        }))
    }
}

fn count(revoked: usize) -> i32 {
    i32::try_from(revoked).unwrap_or(i32::MAX)
}

fn session_message(session: Session, current: SessionId) -> pb::Session {
    let Session {
        id,
        user_id: _,
        device,
        ip_address,
        user_agent,
        created_at,
        last_used_at,
        revoked_at: _,
    } = session;
    pb::Session {
        id: id.to_string(),
        device: device.unwrap_or_default(),
        client_address: ip_address.unwrap_or_default(),
        user_agent: user_agent.unwrap_or_default(),
        create_time: Some(timestamp(created_at)),
        last_use_time: Some(timestamp(last_used_at)),
        current: id == current,
    }
}
