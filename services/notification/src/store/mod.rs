//! Queries on the service's tables. Each takes `&mut AsyncPgConnection`, so callers compose
//! them in transactions.

pub mod deliveries;
pub mod erasures;
pub mod notifications;
