//! What the request handlers share.

use std::sync::Arc;
use std::time::Duration;

use circle_core::db::DbPool;
use circle_core::outbox::{Outbox, Route};
use tokio::sync::Notify;

use crate::identity_providers::Providers;
use crate::tokens::TokenIssuer;

/// Facts of this service go to the notification service.
pub const OUTBOX: Outbox = Outbox {
    producer: "user",
    routes: &[Route {
        topic_prefix: "user.",
        consumer: "notification",
    }],
};

/// The consumer name the relay delivers notification facts to.
pub const NOTIFICATION_CONSUMER: &str = "notification";

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub tokens: TokenIssuer,
    pub verification_code_ttl: Duration,
    /// Wakes the outbox relay after a commit that enqueued facts.
    pub outbox_wake: Arc<Notify>,
    pub identity_providers: Providers,
}
