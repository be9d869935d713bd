use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use circle_core::auth::{IDENTITY_METADATA_KEY, IdentityKey, Principal};
use circle_proto::common::v1::fact_consumer_service_server::{
    FactConsumerService, FactConsumerServiceServer,
};
use circle_proto::common::v1::{DeliverFactRequest, DeliverFactResponse, Fact};
use circle_proto::user::v1 as pb;
use prost::Message;
use tokio::net::TcpListener;
use tonic::{Request, Response, Status};

use crate::helpers::{IDENTITY_SECRET, PASSWORD, TestApp, eventually, spawn_app_with};

/// A notification service stand-in that records what it is delivered, and from whom.
#[derive(Clone)]
struct Recorder {
    identity: IdentityKey,
    facts: Arc<Mutex<Vec<(Fact, Principal)>>>,
}

#[tonic::async_trait]
impl FactConsumerService for Recorder {
    async fn deliver_fact(
        &self,
        request: Request<DeliverFactRequest>,
    ) -> Result<Response<DeliverFactResponse>, Status> {
        let token = request
            .metadata()
            .get(IDENTITY_METADATA_KEY)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| Status::unauthenticated("no identity"))?;
        let principal = self.identity.verify(token)?;
        let fact = request
            .into_inner()
            .fact
            .ok_or_else(|| Status::invalid_argument("fact"))?;
        self.facts.lock().unwrap().push((fact, principal));
        Ok(Response::new(DeliverFactResponse { applied: true }))
    }
}

impl Recorder {
    fn new() -> Self {
        Recorder {
            identity: IdentityKey::new(IDENTITY_SECRET),
            facts: Arc::default(),
        }
    }

    /// Serves on `listener` for as long as the test runs.
    fn serve(&self, listener: TcpListener) {
        let service = FactConsumerServiceServer::new(self.clone());
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
        );
    }

    fn facts(&self) -> Vec<(Fact, Principal)> {
        self.facts.lock().unwrap().clone()
    }
}

async fn app_delivering_to(addr: SocketAddr) -> TestApp {
    spawn_app_with(|config| config.notification_url = format!("http://{addr}")).await
}

async fn outbox_state(app: &TestApp) -> (i32, bool) {
    let row = app
        .db
        .admin_client()
        .await
        .query_one(
            "SELECT attempts, delivered_at IS NOT NULL FROM users.outbox",
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_delivers_the_verification_code_to_notification() {
    let recorder = Recorder::new();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    recorder.serve(listener);
    let app = app_delivering_to(addr).await;

    let user = app.register("ada@example.org", PASSWORD).await.unwrap();

    let (fact, sender) = eventually(Duration::from_secs(10), "the fact to arrive", || async {
        recorder.facts().into_iter().next()
    })
    .await;
    assert_eq!(fact.topic, user_service::VERIFICATION_CODE_ISSUED);
    assert_eq!(fact.producer, "user");
    assert_eq!(fact.aggregate_id, user.id);
    assert_eq!(
        sender,
        Principal::Service {
            name: "user".to_owned()
        }
    );
    let payload = pb::VerificationCodeIssued::decode(fact.payload.as_slice()).unwrap();
    assert_eq!(payload, app.issued_code(&user.id).await);
    assert_eq!(payload.email, "ada@example.org");
    eventually(
        Duration::from_secs(5),
        "the row to be marked delivered",
        || async { outbox_state(&app).await.1.then_some(()) },
    )
    .await;
    assert_eq!(recorder.facts().len(), 1, "delivered once");
    // The code that reached the notification service activates the account.
    app.verify_email("ada@example.org", &payload.code)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facts_wait_for_a_consumer_that_is_down() {
    // Reserve a port, then leave it closed until the consumer "comes back".
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let app = app_delivering_to(addr).await;
    let user = app.register("ada@example.org", PASSWORD).await.unwrap();
    eventually(Duration::from_secs(10), "a failed delivery", || async {
        let (attempts, delivered) = outbox_state(&app).await;
        assert!(!delivered);
        (attempts >= 2).then_some(())
    })
    .await;

    let recorder = Recorder::new();
    recorder.serve(TcpListener::bind(addr).await.unwrap());

    let (fact, _) = eventually(Duration::from_secs(10), "the retried fact", || async {
        recorder.facts().into_iter().next()
    })
    .await;
    assert_eq!(fact.aggregate_id, user.id);
    let payload = pb::VerificationCodeIssued::decode(fact.payload.as_slice()).unwrap();
    assert_eq!(payload.code, app.issued_code(&user.id).await.code);
}
