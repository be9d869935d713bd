//! Spawns the service on a free port against a fresh database, and speaks to it as users and
//! services.

use std::net::SocketAddr;
use std::time::Duration;

use circle_core::auth::{IdentityKey, Principal};
use circle_core::outbox::RelayConfig;
use circle_proto::tribe::v1::tribe_service_client::TribeServiceClient;
use circle_proto::tribe::v1::{CreateTribeRequest, GetTribeRequest, Tribe};
use circle_testkit::server::{RunningServer, channel};
use circle_testkit::{ServiceSchema, TestDatabase};
use tonic::Status;
use tonic::transport::Channel;
use tribe_service::config::{Lifecycle, Matchmaking};
use tribe_service::{Config, MIGRATIONS, SCHEMA, build};

pub use circle_testkit::principal::{service, user, user_id};
pub use circle_testkit::status::{assert_invalid_argument, assert_refused};

pub const IDENTITY_SECRET: &str = "tribe-service-tests-identity-secret-0123456789";

pub const TRIBE_SCHEMA: ServiceSchema = ServiceSchema {
    service: "tribe",
    schema: SCHEMA,
    migrations: &MIGRATIONS,
};

/// The user service answers the tribe service's block checks.
pub const USER_SCHEMA: ServiceSchema = ServiceSchema {
    service: "user",
    schema: user_service::SCHEMA,
    migrations: &user_service::MIGRATIONS,
};

/// Quiet tribes are looked for every 100 ms; a test makes one quiet by moving its last
/// activity back by more than these.
pub const LIFECYCLE: Lifecycle = Lifecycle {
    interval: Duration::from_millis(100),
    at_risk_after: Duration::from_secs(3600),
    inactive_after: Duration::from_secs(7200),
};

/// No scheduled runs; each run's engine stops within two seconds; declines are remembered
/// for 90 days; the default score alone.
pub const MATCHMAKING: Matchmaking = Matchmaking {
    interval: None,
    time_limit: Duration::from_secs(2),
    decline_memory: Duration::from_secs(90 * 24 * 3600),
    reliability_weight: 0.0,
    connect_again_weight: 0.0,
};

/// Nobody listens here: facts stay in the outbox, where tests read them.
const NO_NOTIFICATION_SERVICE: &str = "http://127.0.0.1:9";

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: TribeServiceClient<Channel>,
    pub identity: IdentityKey,
    pub db: TestDatabase,
    /// What this instance was built from; another instance shares its database.
    pub config: Config,
    server: RunningServer<tonic::transport::Error>,
    _users: RunningServer<tonic::transport::Error>,
}

/// A second instance of the service on the same database.
pub struct Instance {
    pub addr: SocketAddr,
    pub client: TribeServiceClient<Channel>,
    _server: RunningServer<tonic::transport::Error>,
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn quiet_relay() -> RelayConfig {
    RelayConfig {
        poll_interval: Duration::from_secs(3600),
        max_backoff: Duration::from_secs(3600),
        batch_size: 64,
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(MATCHMAKING).await
    }

    /// As [`Self::spawn`], with `matchmaking` for the service's matchmaking settings.
    pub async fn spawn_with(matchmaking: Matchmaking) -> TestApp {
        let db = TestDatabase::create(&[TRIBE_SCHEMA, USER_SCHEMA]).await;
        let users = user_service::build(user_service::Config {
            addr: loopback(),
            db: db.config("user"),
            identity_secret: IDENTITY_SECRET.to_owned(),
            access_token_secret: "tribe-tests-access-token-secret-0123456789abc".to_owned(),
            access_token_ttl: Duration::from_secs(900),
            refresh_token_ttl: Duration::from_secs(3600),
            verification_code_ttl: Duration::from_secs(900),
            notification_url: NO_NOTIFICATION_SERVICE.to_owned(),
            relay: quiet_relay(),
            identity_providers: Default::default(),
        })
        .await
        .expect("building the user service");
        let user_url = format!("http://{}", users.local_addr());
        let users = RunningServer::spawn(|shutdown| users.run_until_stopped(shutdown));
        let config = Config {
            addr: loopback(),
            db: db.config("tribe"),
            identity_secret: IDENTITY_SECRET.to_owned(),
            user_url,
            notification_url: NO_NOTIFICATION_SERVICE.to_owned(),
            relay: quiet_relay(),
            lifecycle: LIFECYCLE,
            matchmaking,
        };
        let app = build(config.clone())
            .await
            .expect("building the tribe service");
        let addr = app.local_addr();
        TestApp {
            addr,
            config,
            client: TribeServiceClient::new(channel(addr)),
            identity: IdentityKey::new(IDENTITY_SECRET),
            db,
            server: RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown)),
            _users: users,
        }
    }

    /// Starts another instance of the service on the same database.
    pub async fn another_instance(&self) -> Instance {
        self.instance(self.config.matchmaking).await
    }

    /// Starts another instance on the same database that also runs matchmaking every
    /// `interval`.
    pub async fn scheduled_instance(&self, interval: Duration) -> Instance {
        self.instance(Matchmaking {
            interval: Some(interval),
            ..self.config.matchmaking
        })
        .await
    }

    async fn instance(&self, matchmaking: Matchmaking) -> Instance {
        let app = build(Config {
            addr: loopback(),
            matchmaking,
            ..self.config.clone()
        })
        .await
        .expect("building another tribe service");
        let addr = app.local_addr();
        Instance {
            addr,
            client: TribeServiceClient::new(channel(addr)),
            _server: RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown)),
        }
    }

    /// `blocker` blocks `blocked`, as the user service stores it (with their accounts).
    pub async fn block(&self, blocker: &Principal, blocked: &Principal) {
        let client = self.db.admin_client().await;
        for person in [blocker, blocked] {
            let id = user_id(person);
            client
                .execute(
                    "INSERT INTO users.accounts (id, email, password_hash, status) \
                     VALUES ($1, $2, 'not-a-hash', 'ACTIVE') ON CONFLICT DO NOTHING",
                    &[&id, &format!("{id}@tribe.test")],
                )
                .await
                .expect("an account");
        }
        client
            .execute(
                "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
                &[&user_id(blocker), &user_id(blocked)],
            )
            .await
            .expect("a block");
    }

    /// `message` as a call of `principal`.
    pub fn call<T>(&self, principal: &Principal, message: T) -> tonic::Request<T> {
        self.identity.outgoing(principal, message)
    }

    /// The topics written to the outbox so far, oldest first.
    pub async fn outbox_topics(&self) -> Vec<String> {
        self.db
            .admin_client()
            .await
            .query(
                "SELECT topic FROM tribes.outbox ORDER BY created_at, id",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    }

    /// Starts shutdown and waits until the server has stopped.
    pub async fn stop(self) -> Result<(), tonic::transport::Error> {
        self.server.stop().await
    }

    pub async fn create_tribe(
        &self,
        principal: &Principal,
        request: CreateTribeRequest,
    ) -> Result<Tribe, Status> {
        let response = self
            .client
            .clone()
            .create_tribe(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().tribe.expect("a created tribe"))
    }

    pub async fn get_tribe(&self, principal: &Principal, tribe_id: &str) -> Result<Tribe, Status> {
        let request = GetTribeRequest {
            tribe_id: tribe_id.to_owned(),
        };
        let response = self
            .client
            .clone()
            .get_tribe(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().tribe.expect("a tribe"))
    }
}

/// A valid request with a name of its own.
pub fn new_tribe(name: &str) -> CreateTribeRequest {
    CreateTribeRequest {
        name: name.to_owned(),
        description: "We walk on Sundays.".to_owned(),
        ..Default::default()
    }
}

/// A tribe client, for calls the helpers above do not wrap.
pub fn client(app: &TestApp) -> TribeServiceClient<Channel> {
    app.client.clone()
}

/// `person` joins `tribe_id`; the member as answered.
pub async fn join(
    app: &TestApp,
    person: &Principal,
    tribe_id: &str,
) -> Result<circle_proto::tribe::v1::Member, Status> {
    let request = circle_proto::tribe::v1::JoinTribeRequest {
        tribe_id: tribe_id.to_owned(),
    };
    let response = client(app).join_tribe(app.call(person, request)).await?;
    Ok(response.into_inner().member.expect("a member"))
}

/// A public tribe of `max_members` created by `creator`, joined by `others`.
pub async fn tribe_with(
    app: &TestApp,
    creator: &Principal,
    max_members: i32,
    others: &[&Principal],
) -> Tribe {
    let tribe = app
        .create_tribe(
            creator,
            CreateTribeRequest {
                max_members,
                ..new_tribe("Sunday Hikers")
            },
        )
        .await
        .expect("the tribe is created");
    for person in others {
        join(app, person, &tribe.id).await.expect("joins");
    }
    tribe
}
