//! A fresh database per test, copied from a template that every service's migrations built.
//!
//! The admin URL comes from `DATABASE_URL` (`make test` starts a local server and sets it).
//! Each service reaches its copy as its own role, exactly as in production, so a test also
//! exercises the schema rights. The template is rebuilt whenever a migration file changes.
//!
//! Beside the database: the migration round trip every service's tests run
//! ([`assert_migrations_round_trip`]), serving the service under test ([`server`]), the callers
//! tests speak as ([`principal`]) and assertions on refusals ([`status`]).

pub mod identity_provider;
mod migrations;
pub mod principal;
pub mod server;
pub mod status;

use std::path::{Path, PathBuf};

use circle_core::db::DbConfig;
use diesel_migrations::EmbeddedMigrations;
use sha2::{Digest, Sha256};
use tokio_postgres::NoTls;

pub use migrations::{MigrationRoundTrip, assert_migrations_round_trip};

/// A service's part of the database: its login role, its schema and its migrations.
#[derive(Clone, Copy)]
pub struct ServiceSchema {
    /// The folder under migrations/, e.g. "user".
    pub service: &'static str,
    pub schema: &'static str,
    pub migrations: &'static EmbeddedMigrations,
}

impl ServiceSchema {
    pub fn role(&self) -> String {
        format!("circle_{}", self.service)
    }
}

/// A database of its own for one test, dropped when the value is dropped.
pub struct TestDatabase {
    name: String,
    admin_url: url::Url,
    schemas: Vec<ServiceSchema>,
}

impl TestDatabase {
    /// Copies the template holding `schemas` (building it first if needed) into a new database.
    pub async fn create(schemas: &[ServiceSchema]) -> TestDatabase {
        circle_core::telemetry::init_for_tests();
        let admin_url = admin_url();
        let template = ensure_template(&admin_url, schemas).await;
        let name = format!("circle_test_{}", uuid::Uuid::new_v4().simple());
        let admin = connect(&admin_url).await;
        // CREATE DATABASE must be a statement of its own: it cannot run in a transaction block.
        for statement in [
            format!("CREATE DATABASE {name} TEMPLATE {template}"),
            grants(&name, schemas),
        ] {
            admin
                .batch_execute(&statement)
                .await
                .unwrap_or_else(|err| panic!("creating test database {name}: {err}"));
        }
        TestDatabase {
            name,
            admin_url,
            schemas: schemas.to_vec(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL of this database as `role` (e.g. "circle_user").
    pub fn url_as(&self, role: &str) -> String {
        role_url(&self.admin_url, role, &self.name)
    }

    /// The URL of this database as the superuser that created it.
    pub fn admin_url(&self) -> String {
        let mut url = self.admin_url.clone();
        url.set_path(&self.name);
        url.to_string()
    }

    /// A connection to this database as the superuser that created it, to look behind a
    /// service's API.
    pub async fn admin_client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.admin_url(), NoTls)
            .await
            .expect("connecting to the test database");
        tokio::spawn(connection);
        client
    }

    /// Runs `query`, which selects one number (e.g. a `count(*)`), as the superuser.
    pub async fn count(
        &self,
        query: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> i64 {
        self.admin_client()
            .await
            .query_one(query, params)
            .await
            .unwrap_or_else(|err| panic!("{query}: {err}"))
            .get(0)
    }

    /// The part of this database that `service` (e.g. "user") owns.
    pub fn schema_of(&self, service: &str) -> ServiceSchema {
        *self
            .schemas
            .iter()
            .find(|schema| schema.service == service)
            .unwrap_or_else(|| panic!("service {service} is not part of this test database"))
    }

    /// The pool configuration of `service` (e.g. "user") in this database.
    pub fn config(&self, service: &str) -> DbConfig {
        let schema = self.schema_of(service);
        DbConfig {
            url: self.url_as(&schema.role()),
            schema: schema.schema,
            max_connections: 8,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop may run inside an async runtime, so the cleanup gets a thread and runtime of its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a cleanup runtime");
            runtime.block_on(async {
                if let Ok((client, connection)) =
                    tokio_postgres::connect(admin_url.as_str(), NoTls).await
                {
                    tokio::spawn(connection);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

fn admin_url() -> url::Url {
    let raw = std::env::var("DATABASE_URL").expect(
        "DATABASE_URL must name a Postgres server for tests: run them with `make test`, \
         or export the output of `scripts/db.sh env`",
    );
    url::Url::parse(&raw).expect("DATABASE_URL is a valid URL")
}

fn role_url(admin_url: &url::Url, role: &str, database: &str) -> String {
    let mut url = admin_url.clone();
    let password = std::env::var("CIRCLE_DB_ROLE_PASSWORD").unwrap_or_else(|_| role.to_owned());
    url.set_username(role).expect("a URL with a host");
    url.set_password(Some(&password))
        .expect("a URL with a host");
    url.set_path(database);
    url.to_string()
}

async fn connect(url: &url::Url) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url.as_str(), NoTls)
        .await
        .unwrap_or_else(|err| panic!("connecting to {url}: {err}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

fn grants(database: &str, schemas: &[ServiceSchema]) -> String {
    schemas
        .iter()
        .map(|schema| {
            format!(
                "GRANT CONNECT, CREATE ON DATABASE {database} TO {role};",
                role = schema.role()
            )
        })
        .collect()
}

/// Builds the template for `schemas` once per migration content; concurrent test processes
/// wait on an advisory lock while one of them builds it.
async fn ensure_template(admin_url: &url::Url, schemas: &[ServiceSchema]) -> String {
    let digest = migrations_digest(schemas);
    let template = format!("circle_tpl_{}", &digest[..16]);
    let lock_key = i64::from_str_radix(&digest[..15], 16).expect("hex digest");
    let admin = connect(admin_url).await;
    admin
        .execute("SELECT pg_advisory_lock($1)", &[&lock_key])
        .await
        .expect("taking the template lock");
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&template])
        .await
        .expect("looking up the template")
        .is_some();
    if !exists {
        build_template(&admin, admin_url, &template, schemas).await;
    }
    admin
        .execute("SELECT pg_advisory_unlock($1)", &[&lock_key])
        .await
        .expect("releasing the template lock");
    template
}

async fn build_template(
    admin: &tokio_postgres::Client,
    admin_url: &url::Url,
    template: &str,
    schemas: &[ServiceSchema],
) {
    let building = format!("{template}_building");
    for statement in [
        format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
        format!("CREATE DATABASE {building}"),
    ] {
        admin
            .batch_execute(&statement)
            .await
            .unwrap_or_else(|err| panic!("creating {building}: {err}"));
    }
    let mut setup = String::new();
    for schema in schemas {
        setup.push_str(&format!(
            "DO $$ BEGIN CREATE ROLE {role} LOGIN PASSWORD '{password}'; \
             EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
            role = schema.role(),
            password = std::env::var("CIRCLE_DB_ROLE_PASSWORD").unwrap_or_else(|_| schema.role()),
        ));
    }
    setup.push_str(&grants(&building, schemas));
    admin
        .batch_execute(&setup)
        .await
        .unwrap_or_else(|err| panic!("creating {building}: {err}"));

    let mut in_template = admin_url.clone();
    in_template.set_path(&building);
    connect(&in_template)
        .await
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS citext; \
             CREATE EXTENSION IF NOT EXISTS pgcrypto;",
        )
        .await
        .expect("creating extensions in the template");

    for schema in schemas {
        let config = DbConfig {
            url: role_url(admin_url, &schema.role(), &building),
            schema: schema.schema,
            max_connections: 1,
        };
        circle_core::db::migrate(&config, schema.migrations)
            .await
            .unwrap_or_else(|err| panic!("migrating {} in the template: {err}", schema.service));
    }
    admin
        .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
        .await
        .unwrap_or_else(|err| panic!("publishing template {template}: {err}"));
}

fn migrations_digest(schemas: &[ServiceSchema]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut hasher = Sha256::new();
    for schema in schemas {
        hasher.update(schema.service.as_bytes());
        let mut files = Vec::new();
        collect_files(&root.join(schema.service), &mut files);
        files.sort();
        for file in files {
            hasher.update(file.to_string_lossy().as_bytes());
            hasher.update(std::fs::read(&file).expect("reading a migration file"));
        }
    }
    hex::encode(hasher.finalize())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}
