//! Starts the whole suite in one process for end-to-end tests: the five internal services and
//! the edge, each built from its own library, served on loopback ports, each on its own schema of
//! one fresh test database, talking real gRPC to each other.

mod people;

pub use people::{PASSWORD, SignedIn, bearer};

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use circle_core::outbox::RelayConfig;
use circle_proto::edge::v1::account_service_client::AccountServiceClient;
use circle_testkit::{ServiceSchema, TestDatabase};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub const IDENTITY_SECRET: &str = "e2e-internal-identity-secret-of-enough-length";
pub const ACCESS_TOKEN_SECRET: &str = "e2e-access-token-secret-of-enough-length-too";

/// The five services that own a schema.
pub fn all_schemas() -> [ServiceSchema; 5] {
    [
        ServiceSchema {
            service: "user",
            schema: user_service::SCHEMA,
            migrations: &user_service::MIGRATIONS,
        },
        ServiceSchema {
            service: "tribe",
            schema: tribe_service::SCHEMA,
            migrations: &tribe_service::MIGRATIONS,
        },
        ServiceSchema {
            service: "event",
            schema: event_service::SCHEMA,
            migrations: &event_service::MIGRATIONS,
        },
        ServiceSchema {
            service: "payment",
            schema: payment_service::SCHEMA,
            migrations: &payment_service::MIGRATIONS,
        },
        ServiceSchema {
            service: "notification",
            schema: notification_service::SCHEMA,
            migrations: &notification_service::MIGRATIONS,
        },
    ]
}

type Served = JoinHandle<Result<(), tonic::transport::Error>>;

struct Running {
    stop: oneshot::Sender<()>,
    served: Served,
}

/// The running suite. Dropping it stops every server and drops the database.
pub struct Suite {
    pub db: TestDatabase,
    pub mail_dir: PathBuf,
    addrs: HashMap<&'static str, SocketAddr>,
    running: HashMap<&'static str, Running>,
}

pub const SERVICES: [&str; 6] = ["notification", "user", "tribe", "event", "payment", "edge"];

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// Relays that retry quickly, so a test sees facts arrive within a second.
fn fast_relay() -> RelayConfig {
    RelayConfig {
        poll_interval: Duration::from_millis(100),
        max_backoff: Duration::from_millis(300),
        batch_size: 64,
    }
}

fn url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

fn spawn<F>(serve: F) -> Running
where
    F: FnOnce(oneshot::Receiver<()>) -> Served,
{
    let (stop, stopped) = oneshot::channel();
    Running {
        stop,
        served: serve(stopped),
    }
}

async fn until(stopped: oneshot::Receiver<()>) {
    let _ = stopped.await;
}

/// What the user service needs to check a fake identity provider's ID tokens.
pub fn provider_config(
    provider: &circle_testkit::identity_provider::FakeProvider,
) -> user_service::config::ProviderConfig {
    user_service::config::ProviderConfig {
        jwks_url: provider.jwks_url(),
        issuer: provider.issuer().to_owned(),
        client_id: provider.client_id().to_owned(),
    }
}

impl Suite {
    pub async fn start() -> Suite {
        Suite::start_with(|_| {}).await
    }

    /// The suite with the user service's configuration changed by `customize` first, e.g. to
    /// trust a fake identity provider:
    ///
    /// ```ignore
    /// let google = FakeProvider::start("google").await;
    /// let suite = Suite::start_with(|user| {
    ///     user.identity_providers.google = Some(circle_e2e::provider_config(&google))
    /// })
    /// .await;
    /// ```
    pub async fn start_with(customize: impl FnOnce(&mut user_service::Config)) -> Suite {
        let db = TestDatabase::create(&all_schemas()).await;
        let mail_dir = std::env::temp_dir().join(format!("circle-e2e-mail-{}", db.name()));
        let mut suite = Suite {
            db,
            mail_dir,
            addrs: HashMap::new(),
            running: HashMap::new(),
        };
        suite.start_notification(loopback()).await;
        let notification_url = url(suite.addr("notification"));

        let mut user_config = user_service::Config {
            addr: loopback(),
            db: suite.db.config("user"),
            identity_secret: IDENTITY_SECRET.into(),
            access_token_secret: ACCESS_TOKEN_SECRET.into(),
            access_token_ttl: Duration::from_secs(900),
            refresh_token_ttl: Duration::from_secs(86_400),
            verification_code_ttl: Duration::from_secs(900),
            notification_url: notification_url.clone(),
            relay: fast_relay(),
            identity_providers: Default::default(),
        };
        customize(&mut user_config);
        let user = user_service::build(user_config)
            .await
            .expect("user service starts");
        suite.track("user", user.local_addr(), |stopped| {
            tokio::spawn(user.run_until_stopped(until(stopped)))
        });

        let tribe = tribe_service::build(tribe_service::Config {
            addr: loopback(),
            db: suite.db.config("tribe"),
            identity_secret: IDENTITY_SECRET.into(),
            user_url: url(suite.addr("user")),
            notification_url: notification_url.clone(),
            relay: fast_relay(),
            lifecycle: tribe_service::config::Lifecycle {
                interval: Duration::from_millis(200),
                at_risk_after: Duration::from_secs(3600),
                inactive_after: Duration::from_secs(7200),
            },
            matchmaking: tribe_service::config::Matchmaking {
                interval: None,
                time_limit: Duration::from_secs(2),
                decline_memory: Duration::from_secs(90 * 24 * 3600),
                reliability_weight: 0.0,
                connect_again_weight: 0.0,
            },
        })
        .await
        .expect("tribe service starts");
        suite.track("tribe", tribe.local_addr(), |stopped| {
            tokio::spawn(tribe.run_until_stopped(until(stopped)))
        });

        let event = event_service::build(event_service::Config {
            addr: loopback(),
            db: suite.db.config("event"),
            identity_secret: IDENTITY_SECRET.into(),
        })
        .await
        .expect("event service starts");
        suite.track("event", event.local_addr(), |stopped| {
            tokio::spawn(event.run_until_stopped(until(stopped)))
        });

        let payment = payment_service::build(payment_service::Config {
            addr: loopback(),
            db: suite.db.config("payment"),
            identity_secret: IDENTITY_SECRET.into(),
            idempotency_retention: payment_service::config::MIN_IDEMPOTENCY_RETENTION,
            idempotency_purge_interval: Duration::from_secs(3600),
        })
        .await
        .expect("payment service starts");
        suite.track("payment", payment.local_addr(), |stopped| {
            tokio::spawn(payment.run_until_stopped(until(stopped)))
        });

        let edge = edge_service::build(edge_service::Config {
            addr: loopback(),
            user_url: url(suite.addr("user")),
            tribe_url: url(suite.addr("tribe")),
            notification_url,
            identity_secret: IDENTITY_SECRET.into(),
            access_token_secret: ACCESS_TOKEN_SECRET.into(),
            login_rate: edge_service::LoginRateLimits::default(),
        })
        .await
        .expect("edge starts");
        suite.track("edge", edge.local_addr(), |stopped| {
            tokio::spawn(edge.run_until_stopped(until(stopped)))
        });
        suite
    }

    fn track<F>(&mut self, name: &'static str, addr: SocketAddr, serve: F)
    where
        F: FnOnce(oneshot::Receiver<()>) -> Served,
    {
        self.addrs.insert(name, addr);
        self.running.insert(name, spawn(serve));
    }

    /// Starts the notification service on `addr` (again on its old address after a stop).
    pub async fn start_notification(&mut self, addr: SocketAddr) {
        let notification = notification_service::build(notification_service::Config {
            addr,
            db: self.db.config("notification"),
            identity_secret: IDENTITY_SECRET.into(),
            mail_from: "Circle <no-reply@circle.test>".into(),
            mail_sink_dir: self.mail_dir.clone(),
            mail_retry_interval: Duration::from_millis(200),
        })
        .await
        .expect("notification service starts");
        self.track("notification", notification.local_addr(), |stopped| {
            tokio::spawn(notification.run_until_stopped(until(stopped)))
        });
    }

    /// Stops one server gracefully and waits until it has exited.
    pub async fn stop(&mut self, name: &str) {
        let running = self
            .running
            .remove(name)
            .unwrap_or_else(|| panic!("{name} is not running"));
        let _ = running.stop.send(());
        running
            .served
            .await
            .expect("the server task does not panic")
            .expect("the server stops cleanly");
    }

    pub fn addr(&self, name: &str) -> SocketAddr {
        self.addrs[name]
    }

    pub fn channel(&self, name: &str) -> Channel {
        circle_core::client::channel(&url(self.addr(name))).expect("a valid URL")
    }

    pub fn edge(&self) -> AccountServiceClient<Channel> {
        AccountServiceClient::new(self.channel("edge"))
    }

    /// The emails the notification service has written so far, as text.
    pub fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return Vec::new();
        };
        let mut mails: Vec<String> = entries
            .flatten()
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "eml"))
            .map(|entry| std::fs::read_to_string(entry.path()).expect("a readable mail"))
            .collect();
        mails.sort();
        mails
    }

    /// The mails sent to `email`.
    pub fn mails_to(&self, email: &str) -> Vec<String> {
        let to = format!("To: {email}");
        self.mails()
            .into_iter()
            .filter(|mail| mail.lines().any(|line| line.trim() == to))
            .collect()
    }

    /// Waits (up to `timeout`) until `email` has received a verification code, and returns it.
    pub async fn verification_code(&self, email: &str, timeout: Duration) -> String {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(code) = self.mails_to(email).iter().find_map(|mail| code_in(mail)) {
                return code;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no verification code reached {email} within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Suite {
    fn drop(&mut self) {
        for (_, running) in self.running.drain() {
            let _ = running.stop.send(());
            running.served.abort();
        }
        let _ = std::fs::remove_dir_all(&self.mail_dir);
    }
}

/// The first run of exactly six digits in a mail's body.
pub fn code_in(mail: &str) -> Option<String> {
    let body = mail
        .split_once("\r\n\r\n")
        .or_else(|| mail.split_once("\n\n"))?
        .1;
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_owned)
}
