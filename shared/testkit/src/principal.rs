//! The callers tests speak to a service as.

use circle_core::auth::{Principal, Role};
use uuid::Uuid;

/// A new person (role USER) in a new session.
pub fn user() -> Principal {
    user_with_id(Uuid::new_v4())
}

/// The person `id` (role USER) in a new session.
pub fn user_with_id(id: Uuid) -> Principal {
    Principal::User {
        id,
        role: Role::User,
        session_id: Uuid::new_v4(),
    }
}

/// The service `name` (e.g. "edge") acting on its own behalf.
pub fn service(name: &str) -> Principal {
    Principal::Service {
        name: name.to_owned(),
    }
}

/// The id of a person.
pub fn user_id(principal: &Principal) -> Uuid {
    principal.user_id().expect("a user principal")
}
