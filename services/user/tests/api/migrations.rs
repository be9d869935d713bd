//! The migrations go down completely and come back up to the same schema.

use circle_testkit::{TestDatabase, assert_migrations_round_trip};

use diesel::migration::MigrationSource;
use diesel::pg::Pg;

use crate::helpers::USER_SCHEMA;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_revert_fully_and_reapply_identically() {
    let db = TestDatabase::create(&[USER_SCHEMA]).await;
    let round_trip = assert_migrations_round_trip(&db, "user").await;
    round_trip
        .assert_mentions("accounts")
        .assert_mentions("audit_log");
    let embedded = MigrationSource::<Pg>::migrations(&user_service::MIGRATIONS)
        .expect("embedded migrations")
        .len();
    assert_eq!(round_trip.reverted.len(), embedded);
}
