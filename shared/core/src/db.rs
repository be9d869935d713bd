//! The connection pool and migration runner of a service's own schema.

use std::time::Duration;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::{BuildError, Pool, PoolError};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use futures::FutureExt;

use crate::config::{ConfigError, required, var_or};

pub type DbPool = Pool<AsyncPgConnection>;

/// Bind parameters Postgres takes in one statement.
const MAX_BIND_PARAMETERS: usize = 65_535;

/// Rows of `params_per_row` bound values each that fit in one multi-row INSERT.
pub const fn rows_per_insert(params_per_row: usize) -> usize {
    MAX_BIND_PARAMETERS / params_per_row
}
pub type DbConn = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

/// Where a service's data lives: its connection URL and the schema it owns.
#[derive(Clone, Debug)]
pub struct DbConfig {
    pub url: String,
    pub schema: &'static str,
    pub max_connections: usize,
}

impl DbConfig {
    /// The pool size when `DB_MAX_CONNECTIONS` is unset.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 16;

    /// The URL from `url_variable` (required) and the pool size from `DB_MAX_CONNECTIONS`
    /// (default 16, at least 1), for the service that owns `schema`.
    pub fn from_env(url_variable: &str, schema: &'static str) -> Result<DbConfig, ConfigError> {
        Ok(DbConfig {
            url: required(url_variable)?,
            schema,
            max_connections: at_least_one(
                "DB_MAX_CONNECTIONS",
                var_or("DB_MAX_CONNECTIONS", Self::DEFAULT_MAX_CONNECTIONS)?,
            )?,
        })
    }
}

fn at_least_one(name: &str, value: usize) -> Result<usize, ConfigError> {
    match value {
        0 => Err(ConfigError::Invalid {
            name: name.to_owned(),
            value: "0".to_owned(),
            reason: "must be at least 1".to_owned(),
        }),
        n => Ok(n),
    }
}

/// A pool whose every connection resolves unqualified names in the service's own schema first.
pub fn pool(config: &DbConfig) -> Result<DbPool, BuildError> {
    let search_path = search_path_sql(config.schema);
    let mut manager_config = ManagerConfig::<AsyncPgConnection>::default();
    // The default (Verified) sends a test query at every checkout: a round trip per request
    // (of two or three in all for a typical read). A connection that broke is marked broken by
    // its first failed query and dropped, not returned to the pool.
    manager_config.recycling_method = RecyclingMethod::Fast;
    manager_config.custom_setup = Box::new(move |url| {
        let search_path = search_path.clone();
        async move {
            let mut conn = AsyncPgConnection::establish(url).await?;
            conn.batch_execute(&search_path)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::new_with_config(&config.url, manager_config);
    Pool::builder(manager)
        .max_size(config.max_connections)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
}

/// Creates the service's schema when missing and applies its pending migrations.
/// Returns the versions applied.
pub async fn migrate(
    config: &DbConfig,
    migrations: &'static EmbeddedMigrations,
) -> Result<Vec<String>, MigrationError> {
    let mut conn = AsyncPgConnection::establish(&config.url).await?;
    conn.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {schema}; {search_path}",
        schema = config.schema,
        search_path = search_path_sql(config.schema)
    ))
    .await?;
    with_harness(conn, move |harness| {
        harness
            .run_pending_migrations(Source(migrations))
            .map(|versions| versions.iter().map(ToString::to_string).collect())
    })
    .await
}

/// What a service does with its database first at start: applies the pending migrations of
/// its schema (always, so a started service has the schema its code expects), then makes the
/// pool.
pub async fn migrate_and_pool(
    config: &DbConfig,
    migrations: &'static EmbeddedMigrations,
) -> Result<DbPool, PrepareError> {
    migrate(config, migrations)
        .await
        .map_err(|source| PrepareError::Migrate {
            schema: config.schema,
            source,
        })?;
    Ok(pool(config)?)
}

/// Why [`migrate_and_pool`] could not make a service's database ready.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("migrating the {schema} schema: {source}")]
    Migrate {
        schema: &'static str,
        source: MigrationError,
    },
    #[error("building the connection pool: {0}")]
    Pool(#[from] BuildError),
}

/// Reverts every applied migration of the service's schema (for tests of the down migrations).
pub async fn revert_all(
    config: &DbConfig,
    migrations: &'static EmbeddedMigrations,
) -> Result<Vec<String>, MigrationError> {
    let mut conn = AsyncPgConnection::establish(&config.url).await?;
    conn.batch_execute(&search_path_sql(config.schema)).await?;
    with_harness(conn, move |harness| {
        harness
            .revert_all_migrations(Source(migrations))
            .map(|versions| versions.iter().map(ToString::to_string).collect())
    })
    .await
}

async fn with_harness<T, F>(conn: AsyncPgConnection, work: F) -> Result<T, MigrationError>
where
    T: Send + 'static,
    F: FnOnce(
            &mut diesel_async::AsyncMigrationHarness<AsyncPgConnection>,
        ) -> diesel::migration::Result<T>
        + Send
        + 'static,
{
    // The harness blocks on the async connection, so it runs off the async worker threads.
    tokio::task::spawn_blocking(move || {
        let mut harness = diesel_async::AsyncMigrationHarness::new(conn);
        work(&mut harness).map_err(|err| MigrationError::Migration(err.to_string()))
    })
    .await
    .map_err(|err| MigrationError::Migration(err.to_string()))?
}

/// Lends a service's embedded migrations (a `static`) to the harness, which wants them owned.
struct Source(&'static EmbeddedMigrations);

impl diesel::migration::MigrationSource<diesel::pg::Pg> for Source {
    fn migrations(
        &self,
    ) -> diesel::migration::Result<Vec<Box<dyn diesel::migration::Migration<diesel::pg::Pg>>>> {
        self.0.migrations()
    }
}

fn search_path_sql(schema: &str) -> String {
    format!("SET search_path TO {schema}, public")
}

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot prepare the schema: {0}")]
    Prepare(#[from] DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
}

/// What a query can go wrong with, as far as callers need to tell apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("row not found")]
    NotFound,
    #[error("unique constraint {constraint} violated")]
    UniqueViolation { constraint: String },
    #[error("serialization failure or deadlock")]
    Conflict,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(DieselError),
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::UniqueViolation {
                    constraint: info.constraint_name().unwrap_or_default().to_owned(),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                StoreError::Conflict
            }
            other => StoreError::Other(other),
        }
    }
}

impl From<PoolError> for StoreError {
    fn from(err: PoolError) -> Self {
        StoreError::Unavailable(err.to_string())
    }
}

/// Reads a whole result as optional: `NotFound` becomes `None`.
pub trait OptionalRow<T> {
    fn optional_row(self) -> Result<Option<T>, StoreError>;
}

impl<T> OptionalRow<T> for Result<T, DieselError> {
    fn optional_row(self) -> Result<Option<T>, StoreError> {
        match self {
            Ok(row) => Ok(Some(row)),
            Err(DieselError::NotFound) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_without_connections_is_refused_by_name() {
        let err = at_least_one("DB_MAX_CONNECTIONS", 0).unwrap_err();
        assert!(err.to_string().contains("DB_MAX_CONNECTIONS"), "{err}");
        assert_eq!(at_least_one("DB_MAX_CONNECTIONS", 1).unwrap(), 1);
    }
}
