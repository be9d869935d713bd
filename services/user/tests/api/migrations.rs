use circle_testkit::{ServiceSchema, TestDatabase};
use user_service::{MIGRATIONS, SCHEMA};

/// Tables, columns, constraints and indexes of the users schema, one line each, sorted.
async fn schema_dump(db: &TestDatabase) -> Vec<String> {
    let (client, connection) = tokio_postgres::connect(&db.admin_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let rows = client
        .query(
            "SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, \
                           is_nullable, coalesce(column_default, '')) \
               FROM information_schema.columns WHERE table_schema = $1 \
             UNION ALL \
             SELECT format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid)) \
               FROM pg_constraint WHERE connamespace = $1::regnamespace \
             UNION ALL \
             SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = $1 \
             ORDER BY 1",
            &[&SCHEMA],
        )
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.get::<_, String>(0))
        .filter(|line| !line.contains("__diesel_schema_migrations"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_revert_fully_and_reapply_identically() {
    let db = TestDatabase::create(&[ServiceSchema {
        service: "user",
        schema: SCHEMA,
        migrations: &MIGRATIONS,
    }])
    .await;
    let config = db.config("user");
    let migrated = schema_dump(&db).await;
    assert!(migrated.iter().any(|line| line.contains("accounts")));

    let reverted = circle_core::db::revert_all(&config, &MIGRATIONS)
        .await
        .unwrap();
    assert_eq!(reverted.len(), 2);
    assert_eq!(schema_dump(&db).await, Vec::<String>::new());

    circle_core::db::migrate(&config, &MIGRATIONS)
        .await
        .unwrap();
    assert_eq!(schema_dump(&db).await, migrated);
}
