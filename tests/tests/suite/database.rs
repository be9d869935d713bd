//! Each service's schema: owned by its role, closed to the others, and migrations that go up,
//! down and up again to the same shape.

use circle_e2e::all_schemas;
use circle_testkit::{TestDatabase, assert_migrations_round_trip};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_migration_goes_up_down_and_up_again_to_the_same_schema() {
    for schema in all_schemas() {
        let db = TestDatabase::create(&[schema]).await;
        let round_trip = assert_migrations_round_trip(&db, schema.service).await;
        assert!(
            round_trip
                .migrated
                .iter()
                .any(|line| line.starts_with("column")),
            "{}: the migrated schema has tables",
            schema.service
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_role_cannot_touch_another_services_schema() {
    let schemas = all_schemas();
    let db = TestDatabase::create(&schemas).await;
    let tribe = connect(&db.config("tribe").url).await;

    let read = tribe
        .query("SELECT count(*) FROM users.accounts", &[])
        .await
        .expect_err("the tribe role must not read the users schema");
    assert_eq!(
        read.code(),
        Some(&SqlState::INSUFFICIENT_PRIVILEGE),
        "{read:?}"
    );
    let write = tribe
        .execute("CREATE TABLE users.intruder (id int)", &[])
        .await
        .expect_err("the tribe role must not create in the users schema");
    assert_eq!(
        write.code(),
        Some(&SqlState::INSUFFICIENT_PRIVILEGE),
        "{write:?}"
    );

    // Its own schema is open to it.
    let own: i64 = tribe
        .query_one("SELECT count(*) FROM tribes.tribes", &[])
        .await
        .expect("the tribe role reads its own schema")
        .get(0);
    assert_eq!(own, 0);
}
