//! The notification service over real gRPC against a database of its own per test.

mod deliver_fact;
mod email_retry;
mod helpers;
mod list_notifications;
mod migrations;
mod tribe_facts;
mod user_facts;
