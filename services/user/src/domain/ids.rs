//! Newtype ids, stored as `uuid` columns.

use uuid::Uuid;

/// An id whose UUID stays inside: made by `generate` or from a `Uuid`, read by `as_uuid`.
macro_rules! opaque_id {
    ($(#[$meta:meta])* $name:ident) => {
        circle_core::uuid_id! {
            $(#[$meta])*
            pub struct $name(Uuid);
        }

        impl $name {
            /// A fresh, time-ordered id.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

opaque_id!(
    /// The id of an account.
    UserId
);
opaque_id!(
    /// The id of a session opened by a login; every token of the session carries it.
    SessionId
);
opaque_id!(
    /// The id of an interest of the catalog.
    InterestId
);
opaque_id!(
    /// The id of a profile photo.
    PhotoId
);
opaque_id!(
    /// The id of a connection of the memory book.
    ConnectionId
);
opaque_id!(
    /// The id of a host profile.
    HostProfileId
);
