//! Who is acting on a request, checked against this service's own rows: a person must hold a
//! live session of an ACTIVE account, and their role is the one stored now, not the one their
//! access token was issued with (an admin's demotion takes effect at once).

use circle_core::auth::Principal;
use circle_core::origin::ClientOrigin;
use diesel_async::AsyncPgConnection;
use tonic::Request;

use crate::domain::{AccountRole, AccountStatus, SessionId, UserId};
use crate::error::Error;
use crate::store::sessions;

/// A signed-in person, as the database knows them at this moment.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: UserId,
    pub role: AccountRole,
    pub session_id: SessionId,
}

#[derive(Clone, Debug)]
pub enum Actor {
    Person(Person),
    /// Another service of the suite, acting on its own behalf.
    Service(String),
}

/// The actor of a call and where the call came from (for sessions and the audit log).
#[derive(Clone, Debug)]
pub struct Acting {
    pub actor: Actor,
    pub origin: ClientOrigin,
}

impl Acting {
    /// Resolves the verified principal of `request` against the database.
    pub async fn of<T>(
        conn: &mut AsyncPgConnection,
        request: &Request<T>,
    ) -> Result<Acting, Error> {
        let principal = circle_core::auth::caller(request).map_err(Error::Status)?;
        Ok(Acting {
            actor: Actor::resolve(conn, principal).await?,
            origin: ClientOrigin::of_internal(request),
        })
    }
}

impl Actor {
    pub async fn resolve(
        conn: &mut AsyncPgConnection,
        principal: &Principal,
    ) -> Result<Actor, Error> {
        let (id, session_id) = match principal {
            Principal::Service { name } => return Ok(Actor::Service(name.clone())),
            Principal::User { id, session_id, .. } => {
                (UserId::from(*id), SessionId::from(*session_id))
            }
        };
        let (role, status) = sessions::live_account(conn, session_id, id)
            .await?
            .ok_or(Error::SessionRevoked)?;
        if status != AccountStatus::Active {
            return Err(Error::AccountUnavailable(status));
        }
        Ok(Actor::Person(Person {
            id,
            role,
            session_id,
        }))
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::Person(person) => Some(person.id),
            Actor::Service(_) => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Actor::Person(Person {
                role: AccountRole::Admin,
                ..
            })
        )
    }

    pub fn is_service(&self) -> bool {
        matches!(self, Actor::Service(_))
    }

    /// The person acting; services are refused.
    pub fn person(&self) -> Result<&Person, Error> {
        match self {
            Actor::Person(person) => Ok(person),
            Actor::Service(_) => Err(Error::Forbidden("only a signed-in person may do this")),
        }
    }

    /// An admin acting; everyone else is refused.
    pub fn admin(&self) -> Result<&Person, Error> {
        match self {
            Actor::Person(person) if person.role == AccountRole::Admin => Ok(person),
            _ => Err(Error::Forbidden("only an admin may do this")),
        }
    }

    /// Internal entry points (facts fed by other services, batch reads) admit services only.
    pub fn service(&self) -> Result<&str, Error> {
        match self {
            Actor::Service(name) => Ok(name),
            Actor::Person(_) => Err(Error::Forbidden(
                "only an internal service may call this method",
            )),
        }
    }

    /// The owner of `user`'s private data, an admin, or a service.
    pub fn may_read_private(&self, user: UserId) -> bool {
        self.is_service() || self.is_admin() || self.user_id() == Some(user)
    }

    /// The owner of `user`'s data, or an admin, may change it.
    pub fn may_edit(&self, user: UserId) -> Result<(), Error> {
        if self.is_admin() || self.user_id() == Some(user) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "only the owner or an admin may change this",
            ))
        }
    }
}
