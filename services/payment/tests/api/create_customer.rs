use circle_core::auth::IdentityKey;
use circle_proto::payment::v1::CreateCustomerRequest;
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, new_customer, service, user, user_id,
};

const SUPPORTED: [&str; 11] = [
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn makes_the_caller_a_customer() {
    let app = TestApp::spawn().await;
    let alice = user();

    let customer = app
        .create_customer(&alice, new_customer("EUR"))
        .await
        .expect("the customer is created");

    assert!(Uuid::parse_str(&customer.id).is_ok(), "{}", customer.id);
    assert_eq!(customer.user_id, user_id(&alice).to_string());
    assert_eq!(customer.currency_code, "EUR");
    let created = customer.create_time.expect("a create time").seconds;
    assert!((chrono::Utc::now().timestamp() - created).abs() < 60);
    let rows = app
        .db
        .count(
            "SELECT count(*) FROM payments.customers WHERE id = $1 AND user_id = $2",
            &[&Uuid::parse_str(&customer.id).unwrap(), &user_id(&alice)],
        )
        .await;
    assert_eq!(rows, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn takes_every_supported_currency() {
    let app = TestApp::spawn().await;
    for code in SUPPORTED {
        let customer = app.create_customer(&user(), new_customer(code)).await;
        assert_eq!(customer.expect(code).currency_code, code);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_other_currencies() {
    let app = TestApp::spawn().await;
    for code in ["", "eur", "Eur", " EUR", "EURO", "XXX", "BTC"] {
        let result = app.create_customer(&user(), new_customer(code)).await;
        assert_invalid_argument(result, "currency_code");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requires_a_request_id() {
    let app = TestApp::spawn().await;
    for request_id in ["", "not-a-uuid"] {
        let result = app
            .create_customer(
                &user(),
                CreateCustomerRequest {
                    currency_code: "EUR".to_owned(),
                    request_id: request_id.to_owned(),
                },
            )
            .await;
        assert_invalid_argument(result, "request_id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_bad_requests_and_services_storing_nothing() {
    let app = TestApp::spawn().await;
    let refused = app.create_customer(&user(), new_customer("XXX")).await;
    assert_invalid_argument(refused, "currency_code");
    let refused = app
        .create_customer(&service("edge"), new_customer("EUR"))
        .await;
    assert_refused(refused, Code::PermissionDenied, "USER_REQUIRED");

    assert_eq!(app.customers().await, 0);
    assert_eq!(app.records().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_customer_per_person() {
    let app = TestApp::spawn().await;
    let alice = user();
    app.create_customer(&alice, new_customer("EUR"))
        .await
        .unwrap();

    let second = app.create_customer(&alice, new_customer("USD")).await;
    assert_refused(second, Code::AlreadyExists, "CUSTOMER_EXISTS");
    assert_eq!(app.customers().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_calls_without_a_verified_identity() {
    let app = TestApp::spawn().await;

    let anonymous = app
        .client
        .clone()
        .create_customer(Request::new(new_customer("EUR")))
        .await
        .map(|response| response.into_inner().customer.unwrap());
    assert_refused(anonymous, Code::Unauthenticated, "MISSING_IDENTITY");

    let forger = IdentityKey::new("a-forged-secret-that-is-long-enough-as-well");
    let forged = app
        .client
        .clone()
        .create_customer(forger.outgoing(&user(), new_customer("EUR")))
        .await
        .map(|response| response.into_inner().customer.unwrap());
    assert_refused(forged, Code::Unauthenticated, "INVALID_IDENTITY");

    assert_eq!(app.customers().await, 0);
    assert_eq!(app.records().await, 0);
}
