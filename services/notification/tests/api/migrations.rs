//! The migrations go down completely and come back up to the same schema.

use circle_testkit::{TestDatabase, assert_migrations_round_trip};

use crate::helpers::NOTIFICATION_SCHEMA;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_revert_completely_and_reapply_identically() {
    let db = TestDatabase::create(&[NOTIFICATION_SCHEMA]).await;
    assert_migrations_round_trip(&db, "notification")
        .await
        .assert_mentions("processed_facts");
}
