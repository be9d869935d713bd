//! Each service's schema: owned by its role, closed to the others, and migrations that go up,
//! down and up again to the same shape.

use circle_e2e::all_schemas;
use circle_testkit::TestDatabase;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

/// Tables, columns, indexes and constraints of `schema`, one line each, sorted.
async fn shape_of(client: &tokio_postgres::Client, schema: &str) -> Vec<String> {
    let rows = client
        .query(
            "SELECT format('column %s.%s %s null=%s default=%s', table_name, column_name,
                           data_type, is_nullable, column_default)
               FROM information_schema.columns WHERE table_schema = $1
             UNION ALL
             SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = $1
             UNION ALL
             SELECT format('constraint %s %s', c.conname, pg_get_constraintdef(c.oid))
               FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
              WHERE n.nspname = $1
             ORDER BY 1",
            &[&schema],
        )
        .await
        .expect("reading the schema shape");
    rows.iter()
        .map(|row| row.get::<_, String>(0))
        .filter(|line| !line.contains("__diesel_schema_migrations"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_migration_goes_up_down_and_up_again_to_the_same_schema() {
    for schema in all_schemas() {
        let db = TestDatabase::create(&[schema]).await;
        let config = db.config(schema.service);
        let client = connect(&config.url).await;

        let migrated = shape_of(&client, schema.schema).await;
        assert!(
            migrated.iter().any(|line| line.starts_with("column")),
            "{}: the migrated schema has tables",
            schema.service
        );

        let reverted = circle_core::db::revert_all(&config, schema.migrations)
            .await
            .expect("reverting");
        assert!(
            !reverted.is_empty(),
            "{}: migrations were reverted",
            schema.service
        );
        assert_eq!(
            shape_of(&client, schema.schema).await,
            Vec::<String>::new(),
            "{}: down migrations leave nothing behind",
            schema.service
        );

        circle_core::db::migrate(&config, schema.migrations)
            .await
            .expect("migrating again");
        assert_eq!(
            shape_of(&client, schema.schema).await,
            migrated,
            "{}: up again gives the same schema",
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
