//! The gRPC face of the service: check the caller, convert the request, call the domain.

pub mod achievements;
pub mod admin;
pub mod blocks;
pub mod connections;
mod convert;
pub mod host_profiles;
pub mod identity_providers;
pub mod interests;
pub mod internal_metrics;
pub mod matching;
pub mod moderation;
pub mod personality;
pub mod privacy;
pub mod profiles;
pub mod sessions;

use circle_core::auth::{Principal, caller};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::user_service_server::UserService;
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::accounts;
use crate::authentication::{self, Credentials};
use crate::domain::{SessionId, UserId};
use crate::error::Error;
use crate::registration::{self, EmailVerification, Registration};
use crate::state::AppState;
use convert::RefreshCall;

pub struct UserApi {
    state: AppState,
}

impl UserApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

/// Registration and login come from the edge (or another service) on someone's behalf,
/// never from a signed-in person directly.
fn require_service(principal: &Principal) -> Result<(), Error> {
    match principal {
        Principal::Service { .. } => Ok(()),
        Principal::User { .. } => Err(Error::Forbidden(
            "only an internal service may call this method",
        )),
    }
}

#[tonic::async_trait]
impl UserService for UserApi {
    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn register(
        &self,
        request: Request<pb::RegisterRequest>,
    ) -> Result<Response<pb::RegisterResponse>, Status> {
        require_service(caller(&request)?)?;
        let registration = Registration::try_from(request.into_inner())?;
        let account = registration::register(&self.state, registration).await?;
        tracing::Span::current().record("user_id", display(account.id));
        Ok(Response::new(pb::RegisterResponse {
            user: Some(account.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn verify_email(
        &self,
        request: Request<pb::VerifyEmailRequest>,
    ) -> Result<Response<pb::VerifyEmailResponse>, Status> {
        require_service(caller(&request)?)?;
        let verification = EmailVerification::try_from(request.into_inner())?;
        let account = registration::verify_email(&self.state, verification).await?;
        tracing::Span::current().record("user_id", display(account.id));
        Ok(Response::new(pb::VerifyEmailResponse {
            user: Some(account.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, client.address = Empty))]
    async fn login(
        &self,
        request: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        require_service(caller(&request)?)?;
        let credentials = Credentials::try_from(request.into_inner())?;
        if let Some(address) = &credentials.client.address {
            tracing::Span::current().record("client.address", address.as_str());
        }
        let logged_in = authentication::login(&self.state, credentials).await?;
        tracing::Span::current().record("user_id", display(logged_in.account.id));
        Ok(Response::new(pb::LoginResponse {
            user: Some(logged_in.account.into()),
            tokens: Some(logged_in.tokens.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(client.address = Empty, client.device = Empty))]
    async fn refresh_token(
        &self,
        request: Request<pb::RefreshTokenRequest>,
    ) -> Result<Response<pb::RefreshTokenResponse>, Status> {
        require_service(caller(&request)?)?;
        let RefreshCall { token, client } = RefreshCall::try_from(request.into_inner())?;
        let span = tracing::Span::current();
        if let Some(address) = &client.address {
            span.record("client.address", address.as_str());
        }
        if let Some(device) = &client.device {
            span.record("client.device", device.as_str());
        }
        let tokens = authentication::refresh(&self.state, token).await?;
        Ok(Response::new(pb::RefreshTokenResponse {
            tokens: Some(tokens.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, session_id = Empty))]
    async fn logout(
        &self,
        request: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        let Principal::User { id, session_id, .. } = caller(&request)? else {
            return Err(Error::Forbidden("only a signed-in person can log out").into());
        };
        let (user_id, session_id) = (UserId::from(*id), SessionId::from(*session_id));
        let span = tracing::Span::current();
        span.record("user_id", display(user_id));
        span.record("session_id", display(session_id));
        let pb::LogoutRequest {} = request.into_inner();
        authentication::logout(&self.state, user_id, session_id).await?;
        Ok(Response::new(pb::LogoutResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn get_user(
        &self,
        request: Request<pb::GetUserRequest>,
    ) -> Result<Response<pb::GetUserResponse>, Status> {
        let principal = caller(&request)?.clone();
        let user_id = convert::user_id(request.into_inner())?;
        tracing::Span::current().record("user_id", display(user_id));
        let account = accounts::get(&self.state, &principal, user_id).await?;
        Ok(Response::new(pb::GetUserResponse {
            user: Some(account.into()),
        }))
    }
}
