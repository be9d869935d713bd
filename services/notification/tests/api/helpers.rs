use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use circle_core::auth::{IdentityKey, Principal};
use circle_proto::common::v1::fact_consumer_service_client::FactConsumerServiceClient;
use circle_proto::common::v1::{DeliverFactRequest, DeliverFactResponse, Fact};
use circle_proto::notification::v1::notification_service_client::NotificationServiceClient;
use circle_proto::notification::v1::{
    ListNotificationsRequest, ListNotificationsResponse, NotificationType,
};
use circle_proto::tribe::v1::MemberInvited;
use circle_proto::user::v1::VerificationCodeIssued;
use circle_testkit::server::RunningServer;
use circle_testkit::{ServiceSchema, TestDatabase};
use notification_service::{Config, MIGRATIONS, SCHEMA, build};
use prost::Message;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};
use uuid::Uuid;

pub use circle_testkit::principal::{service, user_with_id};
pub use circle_testkit::status::assert_invalid_argument;

pub const IDENTITY_SECRET: &str = "notification-tests-internal-identity-secret";
pub const VERIFICATION_TOPIC: &str = "user.verification_code_issued";
pub const INVITED_TOPIC: &str = "tribe.member_invited";

/// The notification service's part of a test database.
pub const NOTIFICATION_SCHEMA: ServiceSchema = ServiceSchema {
    service: "notification",
    schema: SCHEMA,
    migrations: &MIGRATIONS,
};

pub struct TestApp {
    pub identity: IdentityKey,
    pub facts: FactConsumerServiceClient<Channel>,
    pub notifications: NotificationServiceClient<Channel>,
    pub db: TestDatabase,
    /// Where the service writes emails.
    pub mail_dir: PathBuf,
    /// The per-test folder holding `mail_dir`.
    pub root: tempfile::TempDir,
    _server: RunningServer<tonic::transport::Error>,
}

impl TestApp {
    /// The service with its mail folder in a fresh temporary folder; the sweeper waits long
    /// enough between passes not to take part in the test.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Path::new("mail"), Duration::from_secs(60), |_| {}).await
    }

    /// The service with `mail_dir` (relative to the per-test folder, prepared by `prepare`) and
    /// `retry_interval` between sweeps.
    pub async fn spawn_with(
        mail_dir: &Path,
        retry_interval: Duration,
        prepare: impl FnOnce(&Path),
    ) -> TestApp {
        let root = tempfile::tempdir().expect("a temporary folder");
        prepare(root.path());
        let mail_dir = root.path().join(mail_dir);
        let db = TestDatabase::create(&[NOTIFICATION_SCHEMA]).await;
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            db: db.config("notification"),
            identity_secret: IDENTITY_SECRET.to_owned(),
            mail_from: "Circle Tests <no-reply@tests.circle.local>".to_owned(),
            mail_sink_dir: mail_dir.clone(),
            mail_retry_interval: retry_interval,
        };
        let app = build(config).await.expect("the service starts");
        let url = format!("http://{}", app.local_addr());
        let server = RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown));
        let channel = Channel::from_shared(url)
            .unwrap()
            .connect()
            .await
            .expect("connecting to the service");
        TestApp {
            identity: IdentityKey::new(IDENTITY_SECRET),
            facts: FactConsumerServiceClient::new(channel.clone()),
            notifications: NotificationServiceClient::new(channel),
            db,
            mail_dir,
            root,
            _server: server,
        }
    }

    pub fn signed<T>(&self, principal: &Principal, message: T) -> Request<T> {
        self.identity.outgoing(principal, message)
    }

    /// Delivers `fact` as the user service's outbox relay does.
    pub async fn deliver(&self, fact: Fact) -> Result<DeliverFactResponse, Status> {
        self.deliver_as(&service("user"), fact).await
    }

    pub async fn deliver_as(
        &self,
        principal: &Principal,
        fact: Fact,
    ) -> Result<DeliverFactResponse, Status> {
        let request = self.signed(principal, DeliverFactRequest { fact: Some(fact) });
        self.facts
            .clone()
            .deliver_fact(request)
            .await
            .map(|response| response.into_inner())
    }

    /// Delivers `fact` from `producer` `times` times at once; returns how many deliveries
    /// applied it (each must be acknowledged).
    pub async fn deliver_concurrently(&self, producer: &str, fact: &Fact, times: usize) -> usize {
        let calls: Vec<_> = (0..times)
            .map(|_| {
                let mut client = self.facts.clone();
                let request = self.signed(
                    &service(producer),
                    DeliverFactRequest {
                        fact: Some(fact.clone()),
                    },
                );
                tokio::spawn(async move { client.deliver_fact(request).await })
            })
            .collect();
        let mut applied = 0;
        for call in calls {
            let response = call.await.unwrap().expect("every delivery is acknowledged");
            if response.into_inner().applied {
                applied += 1;
            }
        }
        applied
    }

    pub async fn list_as(
        &self,
        principal: &Principal,
        request: ListNotificationsRequest,
    ) -> Result<ListNotificationsResponse, Status> {
        self.notifications
            .clone()
            .list_notifications(self.signed(principal, request))
            .await
            .map(|response| response.into_inner())
    }

    /// The person's own first page, as they would ask for it.
    pub async fn inbox_of(&self, user_id: Uuid) -> ListNotificationsResponse {
        self.list_as(&user_with_id(user_id), ListNotificationsRequest::default())
            .await
            .expect("listing one's own notifications")
    }

    /// Every file in the mail folder (none if it does not exist).
    pub fn mail_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).collect();
        files.sort();
        files
    }

    /// The `.eml` files in the mail folder, asserting that nothing else (no temporary file) is left.
    pub fn emails(&self) -> Vec<String> {
        let files = self.mail_files();
        for file in &files {
            assert_eq!(
                file.extension().and_then(|ext| ext.to_str()),
                Some("eml"),
                "unexpected file in the mail folder: {}",
                file.display()
            );
        }
        files
            .iter()
            .map(|file| std::fs::read_to_string(file).unwrap())
            .collect()
    }

    /// Runs `sql` as the superuser in this test's database.
    pub async fn query(&self, sql: &str) -> Vec<tokio_postgres::Row> {
        self.db
            .admin_client()
            .await
            .query(sql, &[])
            .await
            .expect("running a test query")
    }

    /// Delivers `fact` as the tribe service's outbox relay does.
    pub async fn deliver_from_tribe(&self, fact: Fact) -> Result<DeliverFactResponse, Status> {
        self.deliver_as(&service("tribe"), fact).await
    }

    /// The types of the person's notifications, newest first.
    pub async fn types_in_inbox_of(&self, user_id: Uuid) -> Vec<NotificationType> {
        self.inbox_of(user_id)
            .await
            .notifications
            .iter()
            .map(|notification| notification.r#type())
            .collect()
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.query(&format!("SELECT count(*) FROM notifications.{table}"))
            .await[0]
            .get(0)
    }
}

pub fn verification_payload(
    user_id: Uuid,
    email: &str,
    code: &str,
    expires_at: DateTime<Utc>,
) -> VerificationCodeIssued {
    VerificationCodeIssued {
        user_id: user_id.to_string(),
        email: email.to_owned(),
        code: code.to_owned(),
        expire_time: Some(circle_core::wire::timestamp(expires_at)),
    }
}

/// A fact as the user service's outbox relay sends it.
pub fn fact(topic: &str, aggregate_id: Uuid, payload: Vec<u8>) -> Fact {
    produced_by("user", topic, aggregate_id, payload)
}

/// A fact as `producer`'s outbox relay sends it.
pub fn produced_by(producer: &str, topic: &str, aggregate_id: Uuid, payload: Vec<u8>) -> Fact {
    Fact {
        id: Uuid::now_v7().to_string(),
        topic: topic.to_owned(),
        aggregate_id: aggregate_id.to_string(),
        payload,
        occur_time: Some(circle_core::wire::timestamp(Utc::now())),
        producer: producer.to_owned(),
    }
}

/// A fact of the tribe service about `tribe_id`.
pub fn tribe_fact(topic: &str, tribe_id: Uuid, payload: impl Message) -> Fact {
    produced_by("tribe", topic, tribe_id, payload.encode_to_vec())
}

/// The fact that a matchmaking run invited `user_id` to the tribe "Trail Walkers".
pub fn invitation_fact(user_id: Uuid, tribe_id: Uuid) -> Fact {
    tribe_fact(
        INVITED_TOPIC,
        tribe_id,
        MemberInvited {
            tribe_id: tribe_id.to_string(),
            tribe_name: "Trail Walkers".to_owned(),
            user_id: user_id.to_string(),
            run_id: Uuid::new_v4().to_string(),
        },
    )
}

/// A verification code issued to `user_id`, valid for 15 minutes.
pub fn verification_fact(user_id: Uuid, email: &str, code: &str) -> Fact {
    let expires_at = Utc::now() + chrono::Duration::minutes(15);
    fact(
        VERIFICATION_TOPIC,
        user_id,
        verification_payload(user_id, email, code, expires_at).encode_to_vec(),
    )
}

pub fn assert_code(result: Result<impl std::fmt::Debug, Status>, code: Code) -> Status {
    let status = result.expect_err("the call should fail");
    assert_eq!(status.code(), code, "{status:?}");
    status
}
