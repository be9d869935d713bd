//! Calls to the internal services: each carries a signed identity and the client's origin, is
//! retried on UNAVAILABLE, and ends as the response or an [`Error`] that keeps the inside's
//! status.

use std::future::Future;

use circle_core::auth::{IdentityKey, Principal};
use circle_core::client::{channel, retry_unavailable};
use circle_core::origin::ClientOrigin;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use crate::error::Error;

/// Tries per call, the first included.
const ATTEMPTS: u32 = 3;
pub const USER: &str = "user";
pub const TRIBE: &str = "tribe";
pub const NOTIFICATION: &str = "notification";

/// On whose behalf an internal call is made, and from where.
#[derive(Clone, Debug)]
pub struct Acting {
    pub principal: Principal,
    pub origin: ClientOrigin,
}

/// The channels to the internal services; clients of any of their gRPC services are made
/// from them (cheap clones of one connection pool per service).
#[derive(Clone)]
pub struct Upstream {
    identity: IdentityKey,
    user: Channel,
    tribe: Channel,
    notification: Channel,
}

impl Upstream {
    /// Channels connect lazily: a service that is down shows up as UNAVAILABLE per call.
    pub fn new(
        identity: IdentityKey,
        user_url: &str,
        tribe_url: &str,
        notification_url: &str,
    ) -> Result<Self, tonic::transport::Error> {
        Ok(Self {
            identity,
            user: channel(user_url)?,
            tribe: channel(tribe_url)?,
            notification: channel(notification_url)?,
        })
    }

    pub fn user(&self) -> Channel {
        self.user.clone()
    }

    pub fn tribe(&self) -> Channel {
        self.tribe.clone()
    }

    pub fn notification(&self) -> Channel {
        self.notification.clone()
    }

    /// One internal call to `service` as `acting`; every try gets a freshly signed identity.
    ///
    /// ```ignore
    /// upstream.call(USER, &self.users, &acting, message, |mut client, request| async move {
    ///     client.get_user(request).await
    /// })
    /// ```
    pub async fn call<C, M, R, F, Fut>(
        &self,
        service: &'static str,
        client: &C,
        acting: &Acting,
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
            let mut request = self.identity.outgoing(&acting.principal, message.clone());
            acting.origin.attach(request.metadata_mut());
            method(client.clone(), request)
        })
        .await
        .map(Response::into_inner)
        .map_err(|status| Error::from_call(service, status))
    }
}
