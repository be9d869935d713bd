//! The public services, one module each. Every call is authenticated (where it needs a
//! person), validated cheaply, translated, and answered by the internal service that owns the
//! data; the rules themselves are enforced inside.

pub mod accounts;
pub mod achievements;
pub mod blocks;
pub mod connections;
pub mod diagnostics;
pub mod host_profiles;
pub mod identity_providers;
pub mod interests;
pub mod matchmaking;
pub mod moderation;
pub mod personality;
pub mod privacy;
pub mod profiles;
pub mod reports;
pub mod sessions;
pub mod tribes;

use circle_core::auth::{AccessTokenKey, Principal};
use circle_core::origin::ClientOrigin;
use tonic::{Request, Status};
use uuid::Uuid;

use crate::authentication::authenticate;
use crate::error::Error;
use crate::upstream::{Acting, Upstream};

/// A call passed inside whole, its request and answer wire-identical copies (see
/// [`crate::wire_copy`]): `relay!(self, request, TRIBE, tribes.get_tribe, tribe::GetTribeRequest)`
/// sends the request as that internal message, as the signed-in person, and answers with the
/// reply copied into the public message the caller's type names. `request as person` sends it
/// as a person already authenticated; `message => person` sends a message built by hand.
macro_rules! relay {
    ($self:ident, $request:ident, $service:expr, $client:ident . $method:ident, $inside:ty) => {{
        let person = $self.context.person(&$request)?;
        $crate::api::relay!(
            $self,
            $request as person,
            $service,
            $client.$method,
            $inside
        )
    }};
    ($self:ident, $request:ident as $person:ident, $service:expr, $client:ident . $method:ident, $inside:ty) => {{
        let message: $inside = $crate::wire_copy::copy($request.get_ref())?;
        $crate::api::relay!($self, message => $person, $service, $client.$method)
    }};
    ($self:ident, $message:expr => $person:ident, $service:expr, $client:ident . $method:ident) => {{
        let answer = $self
            .context
            .upstream
            .call(
                $service,
                &$self.$client,
                &$person.acting,
                $message,
                |mut c, r| async move { c.$method(r).await },
            )
            .await?;
        $crate::wire_copy::copy(&answer)?
    }};
}
pub(crate) use relay;

/// A part of an internal answer that its contract promises.
pub fn promised<T>(
    service: &'static str,
    part: &Option<T>,
    missing: &'static str,
) -> Result<(), Error> {
    match part {
        Some(_) => Ok(()),
        None => Err(Error::Contract { service, missing }),
    }
}

/// The name the edge goes by when it calls inside for someone not logged in.
const EDGE: &str = "edge";

/// What every public service of the edge needs.
#[derive(Clone)]
pub struct Context {
    access: AccessTokenKey,
    pub upstream: Upstream,
}

/// A signed-in person calling, and what internal calls made for them carry.
pub struct Person {
    pub id: Uuid,
    pub acting: Acting,
}

impl Context {
    pub fn new(access: AccessTokenKey, upstream: Upstream) -> Self {
        Self { access, upstream }
    }

    /// The person whose access token the call carries, noted on the current span's `user_id`.
    pub fn person<T>(&self, request: &Request<T>) -> Result<Person, Status> {
        let caller = authenticate(&self.access, request)?;
        tracing::Span::current().record("user_id", tracing::field::display(caller.id));
        Ok(Person {
            id: caller.id,
            acting: Acting {
                principal: caller.principal,
                origin: ClientOrigin::of_public(request),
            },
        })
    }

    /// A call from someone not signed in (registration, login): the edge acts for them.
    pub fn anonymous<T>(&self, request: &Request<T>) -> Acting {
        Acting {
            principal: Principal::Service { name: EDGE.into() },
            origin: ClientOrigin::of_public(request),
        }
    }
}
