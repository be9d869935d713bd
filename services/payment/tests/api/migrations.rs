//! The migrations go down completely and come back up to the same schema.

use circle_testkit::{TestDatabase, assert_migrations_round_trip};

use crate::helpers::PAYMENT_SCHEMA;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_revert_completely_and_reapply_identically() {
    let db = TestDatabase::create(&[PAYMENT_SCHEMA]).await;
    assert_migrations_round_trip(&db, "payment")
        .await
        .assert_mentions("idempotency_records.request_fingerprint");
}
