//! The tribe domain: value types that can hold only valid values, and the service's actions.

mod create_tribe;
mod get_tribe;
mod membership;
mod tribe;

pub use create_tribe::{NewTribe, create_tribe};
pub use get_tribe::get_tribe;
pub use membership::{MemberRole, MembershipStatus};
pub use tribe::{
    MaxMembers, Tribe, TribeDescription, TribeId, TribeName, TribePrivacy, TribeStatus,
};

circle_core::uuid_id! {
    /// A person, as the user service knows them (no foreign key across services).
    pub struct UserId(pub Uuid);
}
