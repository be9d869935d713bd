//! The migrations go down completely and come back up to the same schema.

use circle_core::db::{migrate, revert_all};
use tribe_service::{MIGRATIONS, SCHEMA};

use crate::helpers::TestApp;

/// Every table column, constraint and index of the schema, one per line, sorted.
const SCHEMA_DUMP: &str = "
    SELECT coalesce(string_agg(line, E'\\n' ORDER BY line), '') FROM (
        SELECT format('column %s.%s %s null=%s default=%s', table_name, column_name, data_type,
                      is_nullable, column_default) AS line
        FROM information_schema.columns WHERE table_schema = $1
        UNION ALL
        SELECT format('constraint %s %s %s', conrelid::regclass, conname,
                      pg_get_constraintdef(oid))
        FROM pg_constraint WHERE connamespace = $1::text::regnamespace
        UNION ALL
        SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = $1
        UNION ALL
        SELECT format('function %s', oid::regprocedure)
        FROM pg_proc WHERE pronamespace = $1::text::regnamespace
        UNION ALL
        SELECT format('type %s', typname) FROM pg_type
        WHERE typnamespace = $1::text::regnamespace AND typrelid = 0 AND typelem = 0
    ) lines";

/// The relations of the schema other than Diesel's record of applied migrations.
const OWN_RELATIONS: &str = "
    SELECT count(*) FROM pg_class
    WHERE relnamespace = $1::text::regnamespace
      AND relname NOT LIKE '\\_\\_diesel\\_schema\\_migrations%'";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_revert_completely_and_reapply_identically() {
    let app = TestApp::spawn().await;
    let sql = app.sql().await;
    let dump = async || -> String { sql.query_one(SCHEMA_DUMP, &[&SCHEMA]).await.unwrap().get(0) };
    let migrated = dump().await;
    assert!(migrated.contains("tribe_members"), "{migrated}");

    let config = app.db.config("tribe");
    let reverted = revert_all(&config, &MIGRATIONS).await.expect("reverting");
    assert!(!reverted.is_empty());
    let left: i64 = sql
        .query_one(OWN_RELATIONS, &[&SCHEMA])
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "left after reverting: {}", dump().await);

    migrate(&config, &MIGRATIONS)
        .await
        .expect("migrating again");
    assert_eq!(dump().await, migrated);
}
