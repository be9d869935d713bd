//! The migrations of a service go down completely and come back up to the same schema.

use circle_core::db::{migrate, revert_all};

use crate::TestDatabase;

/// Every column, constraint, index, function and type of the schema `$1`, one line each, sorted.
const CATALOGUE: &str = "
    SELECT line FROM (
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
    ) lines
    ORDER BY line";

/// How many relations (tables, indexes, sequences, views) the schema `$1` holds besides
/// Diesel's record of applied migrations.
const OWN_RELATIONS: &str = "
    SELECT count(*) FROM pg_class
    WHERE relnamespace = $1::text::regnamespace
      AND relname NOT LIKE '\\_\\_diesel\\_schema\\_migrations%'";

/// What [`assert_migrations_round_trip`] saw, for the caller's own checks.
pub struct MigrationRoundTrip {
    /// The catalogue of the migrated schema: one line per column, constraint, index, function
    /// and type, sorted, without Diesel's record of applied migrations.
    pub migrated: Vec<String>,
    /// The versions reverted, newest first.
    pub reverted: Vec<String>,
}

impl MigrationRoundTrip {
    /// Asserts that a line of the migrated catalogue mentions `text` (e.g. a table's name), so
    /// the round trip is known to have covered the schema.
    #[track_caller]
    pub fn assert_mentions(&self, text: &str) -> &Self {
        assert!(
            self.migrated.iter().any(|line| line.contains(text)),
            "no {text:?} in the migrated schema: {:#?}",
            self.migrated
        );
        self
    }
}

/// Reverts every migration of `service` in `db`, asserts that nothing of its schema is left
/// (but Diesel's record of applied migrations), migrates again and asserts that the schema's
/// catalogue is the same as before.
pub async fn assert_migrations_round_trip(db: &TestDatabase, service: &str) -> MigrationRoundTrip {
    let part = db.schema_of(service);
    let config = db.config(service);
    let sql = db.admin_client().await;
    let catalogue = async || -> Vec<String> {
        sql.query(CATALOGUE, &[&part.schema])
            .await
            .unwrap_or_else(|err| panic!("{service}: reading the catalogue: {err}"))
            .iter()
            .map(|row| row.get::<_, String>(0))
            .filter(|line| !line.contains("__diesel_schema_migrations"))
            .collect()
    };
    let migrated = catalogue().await;

    let reverted = revert_all(&config, part.migrations)
        .await
        .unwrap_or_else(|err| panic!("{service}: reverting: {err}"));
    assert!(!reverted.is_empty(), "{service}: no migration was reverted");
    assert_eq!(
        catalogue().await,
        Vec::<String>::new(),
        "{service}: the down migrations leave this behind"
    );
    let relations: i64 = sql
        .query_one(OWN_RELATIONS, &[&part.schema])
        .await
        .unwrap_or_else(|err| panic!("{service}: counting relations: {err}"))
        .get(0);
    assert_eq!(relations, 0, "{service}: relations left after reverting");

    migrate(&config, part.migrations)
        .await
        .unwrap_or_else(|err| panic!("{service}: migrating again: {err}"));
    assert_eq!(
        catalogue().await,
        migrated,
        "{service}: migrating again gives another schema"
    );
    MigrationRoundTrip { migrated, reverted }
}
