//! Calls to the internal services: each carries a signed identity, is retried on UNAVAILABLE,
//! and ends as the response or an [`Error`] that keeps the inside's status.

use std::future::Future;

use circle_core::auth::{IdentityKey, Principal};
use circle_core::client::{channel, retry_unavailable};
use circle_proto::notification::v1 as notification;
use circle_proto::notification::v1::notification_service_client::NotificationServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::user_service_client::UserServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use crate::error::Error;

/// Tries per call, the first included.
const ATTEMPTS: u32 = 3;
const USER: &str = "user";
const NOTIFICATION: &str = "notification";

#[derive(Clone)]
pub struct Upstream {
    identity: IdentityKey,
    users: UserServiceClient<Channel>,
    notifications: NotificationServiceClient<Channel>,
}

impl Upstream {
    /// Channels connect lazily: a service that is down shows up as UNAVAILABLE per call.
    pub fn new(
        identity: IdentityKey,
        user_url: &str,
        notification_url: &str,
    ) -> Result<Self, tonic::transport::Error> {
        Ok(Self {
            identity,
            users: UserServiceClient::new(channel(user_url)?),
            notifications: NotificationServiceClient::new(channel(notification_url)?),
        })
    }

    pub async fn register(
        &self,
        caller: &Principal,
        message: user::RegisterRequest,
    ) -> Result<user::RegisterResponse, Error> {
        self.call(
            USER,
            &self.users,
            caller,
            message,
            |mut client, request| async move { client.register(request).await },
        )
        .await
    }

    pub async fn verify_email(
        &self,
        caller: &Principal,
        message: user::VerifyEmailRequest,
    ) -> Result<user::VerifyEmailResponse, Error> {
        self.call(
            USER,
            &self.users,
            caller,
            message,
            |mut client, request| async move { client.verify_email(request).await },
        )
        .await
    }

    pub async fn login(
        &self,
        caller: &Principal,
        message: user::LoginRequest,
    ) -> Result<user::LoginResponse, Error> {
        self.call(
            USER,
            &self.users,
            caller,
            message,
            |mut client, request| async move { client.login(request).await },
        )
        .await
    }

    pub async fn refresh_token(
        &self,
        caller: &Principal,
        message: user::RefreshTokenRequest,
    ) -> Result<user::RefreshTokenResponse, Error> {
        self.call(
            USER,
            &self.users,
            caller,
            message,
            |mut client, request| async move { client.refresh_token(request).await },
        )
        .await
    }

    pub async fn logout(&self, caller: &Principal) -> Result<user::LogoutResponse, Error> {
        let message = user::LogoutRequest {};
        self.call(
            USER,
            &self.users,
            caller,
            message,
            |mut client, request| async move { client.logout(request).await },
        )
        .await
    }

    pub async fn get_user(
        &self,
        caller: &Principal,
        message: user::GetUserRequest,
    ) -> Result<user::GetUserResponse, Error> {
        self.call(
            USER,
            &self.users,
            caller,
            message,
            |mut client, request| async move { client.get_user(request).await },
        )
        .await
    }

    pub async fn list_notifications(
        &self,
        caller: &Principal,
        message: notification::ListNotificationsRequest,
    ) -> Result<notification::ListNotificationsResponse, Error> {
        self.call(
            NOTIFICATION,
            &self.notifications,
            caller,
            message,
            |mut client, request| async move { client.list_notifications(request).await },
        )
        .await
    }

    /// One internal call as `caller`; every try gets a freshly signed identity.
    async fn call<C, M, R, F, Fut>(
        &self,
        service: &'static str,
        client: &C,
        caller: &Principal,
        message: M,
        method: F,
    ) -> Result<R, Error>
    where
        C: Clone,
        M: Clone,
        F: Fn(C, Request<M>) -> Fut,
        Fut: Future<Output = Result<Response<R>, Status>>,
    {
        retry_unavailable(ATTEMPTS, || {
            method(
                client.clone(),
                self.identity.outgoing(caller, message.clone()),
            )
        })
        .await
        .map(Response::into_inner)
        .map_err(|status| Error::from_call(service, status))
    }
}
