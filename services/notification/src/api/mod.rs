//! The gRPC handlers: validate and authorize each request, call the domain, convert back.

mod facts;
mod notifications;

pub use facts::FactConsumer;
pub use notifications::Notifications;
