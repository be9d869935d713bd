//! The tribe domain: value types that can hold only valid values, and the service's actions.

mod activity;
mod blocks;
mod chat;
mod create_tribe;
mod discovery;
mod facts;
mod feed;
mod get_tribe;
mod goals;
mod lifecycle;
mod live;
pub mod matchmaking;
mod members;
mod membership;
mod profiles;
mod tribe;
mod update_tribe;

pub use activity::{Activity, ActivityType};
pub use blocks::Blocks;
pub use chat::{
    MemberPost, Message, MessageType, ReadState, list_messages, mark_read, read_state, send_message,
};
pub use create_tribe::{NewTribe, create_tribe, details};
pub use discovery::{
    Area, Found, RadiusKm, Search, SearchCursor, SearchText, explain_search, search_area,
    search_tribes,
};
pub use facts::{NOTIFICATION_CONSUMER, OUTBOX, message_type_to_proto};
pub use feed::list_activities;
pub use get_tribe::get_tribe;
pub use goals::{Goal, GoalTitle, NewGoal, complete_goal, create_goal, list_goals};
pub use lifecycle::{Quiet, sweep};
pub use live::{Follower, Hub, listen};
pub use members::{
    approve_member, decline_member, dissolve_tribe, invite_member, join_tribe, leave_tribe,
    list_members, remove_member, transfer_creator_role,
};
pub use membership::{Member, MemberRole, MembershipStatus};
pub use profiles::Profiles;
pub use tribe::{
    GeoPoint, Interest, InterestCategory, Interests, LocationName, MaxMembers, Tribe,
    TribeDescription, TribeDetails, TribeId, TribeName, TribePrivacy, TribeStatus,
};
pub use update_tribe::{TribeUpdate, update_tribe};

circle_core::uuid_id! {
    /// A person, as the user service knows them (no foreign key across services).
    pub struct UserId(pub Uuid);
}
