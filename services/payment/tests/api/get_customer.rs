use circle_proto::payment::v1::GetCustomerRequest;
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, new_customer, service, user,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_person_and_services_read_a_customer() {
    let app = TestApp::spawn().await;
    let alice = user();
    let created = app
        .create_customer(&alice, new_customer("GBP"))
        .await
        .unwrap();

    for reader in [alice, service("edge")] {
        let read = app.get_customer(&reader, &created.id).await.unwrap();
        assert_eq!(read, created);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn others_may_not_read_a_customer() {
    let app = TestApp::spawn().await;
    let created = app
        .create_customer(&user(), new_customer("GBP"))
        .await
        .unwrap();

    let result = app.get_customer(&user(), &created.id).await;
    assert_refused(result, Code::PermissionDenied, "NOT_CUSTOMER_OWNER");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_customer_is_not_found() {
    let app = TestApp::spawn().await;
    let result = app
        .get_customer(&service("edge"), &Uuid::new_v4().to_string())
        .await;
    assert_refused(result, Code::NotFound, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_or_missing_customer_id_is_refused() {
    let app = TestApp::spawn().await;
    for customer_id in ["", "not-a-uuid", "12345"] {
        assert_invalid_argument(app.get_customer(&user(), customer_id).await, "customer_id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_calls_without_a_verified_identity() {
    let app = TestApp::spawn().await;
    let created = app
        .create_customer(&user(), new_customer("GBP"))
        .await
        .unwrap();

    let result = app
        .client
        .clone()
        .get_customer(Request::new(GetCustomerRequest {
            customer_id: created.id,
        }))
        .await
        .map(|response| response.into_inner().customer.unwrap());
    assert_refused(result, Code::Unauthenticated, "MISSING_IDENTITY");
}
