use std::time::Duration;

use tonic::Code;
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, keyed, new_customer, user, user_id,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_request_id_replays_the_first_response() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let first = app
        .create_customer(&alice, keyed("EUR", request_id))
        .await
        .unwrap();
    let again = app
        .create_customer(&alice, keyed("EUR", request_id))
        .await
        .unwrap();

    assert_eq!(again, first);
    assert_eq!(app.customers().await, 1);
    assert_eq!(app.records().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_is_the_stored_response_not_a_fresh_read() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();
    let first = app
        .create_customer(&alice, keyed("EUR", request_id))
        .await
        .unwrap();

    app.db
        .admin_client()
        .await
        .execute("UPDATE payments.customers SET currency_code = 'USD'", &[])
        .await
        .unwrap();
    let again = app
        .create_customer(&alice, keyed("EUR", request_id))
        .await
        .unwrap();

    assert_eq!(again, first);
    assert_eq!(again.currency_code, "EUR");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_request_with_the_same_request_id_is_refused() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();
    app.create_customer(&alice, keyed("EUR", request_id))
        .await
        .unwrap();

    let result = app.create_customer(&alice, keyed("USD", request_id)).await;

    assert_refused(result, Code::FailedPrecondition, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(app.records().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_stored_and_replayed_like_a_response() {
    let app = TestApp::spawn().await;
    let alice = user();
    app.create_customer(&alice, new_customer("EUR"))
        .await
        .unwrap();
    let request_id = Uuid::new_v4();
    let refused = app.create_customer(&alice, keyed("USD", request_id)).await;
    let refused = assert_refused(refused, Code::AlreadyExists, "CUSTOMER_EXISTS");

    // Without the customer the request would now succeed, yet its first outcome stands.
    app.db
        .admin_client()
        .await
        .execute("DELETE FROM payments.customers", &[])
        .await
        .unwrap();
    let replayed = app.create_customer(&alice, keyed("USD", request_id)).await;
    let replayed = assert_refused(replayed, Code::AlreadyExists, "CUSTOMER_EXISTS");
    assert_eq!(replayed.message(), refused.message());
    assert_eq!(replayed.details(), refused.details());

    let other = app.create_customer(&alice, keyed("EUR", request_id)).await;
    assert_refused(other, Code::FailedPrecondition, "IDEMPOTENCY_KEY_REUSED");

    let fresh = app.create_customer(&alice, new_customer("USD")).await;
    assert_eq!(fresh.unwrap().currency_code, "USD");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_hold_a_fingerprint_and_one_outcome() {
    let app = TestApp::spawn().await;
    let alice = user();
    app.create_customer(&alice, new_customer("EUR"))
        .await
        .unwrap();
    let _ = app.create_customer(&alice, new_customer("EUR")).await;

    let rows = app
        .db
        .admin_client()
        .await
        .query(
            "SELECT octet_length(request_fingerprint), response IS NOT NULL, status_code \
             FROM payments.idempotency_records WHERE user_id = $1 ORDER BY created_at",
            &[&user_id(&alice)],
        )
        .await
        .unwrap();
    let rows: Vec<(i32, bool, Option<i32>)> = rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    let already_exists = Code::AlreadyExists as i32;
    assert_eq!(rows, [(32, true, None), (32, false, Some(already_exists))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_belong_to_their_sender() {
    let app = TestApp::spawn().await;
    let request_id = Uuid::new_v4();

    let alices = app
        .create_customer(&user(), keyed("EUR", request_id))
        .await
        .unwrap();
    let bobs = app
        .create_customer(&user(), keyed("EUR", request_id))
        .await
        .unwrap();

    assert_ne!(alices.id, bobs.id);
    assert_eq!(app.records().await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_does_not_use_up_its_request_id() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let refused = app.create_customer(&alice, keyed("eur", request_id)).await;
    assert_invalid_argument(refused, "currency_code");

    let customer = app.create_customer(&alice, keyed("EUR", request_id)).await;
    assert_eq!(customer.unwrap().currency_code, "EUR");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_with_one_request_id_make_one_customer() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let results = futures::future::join_all(
        (0..20).map(|_| app.create_customer(&alice, keyed("EUR", request_id))),
    )
    .await;

    let ids: Vec<String> = results
        .into_iter()
        .map(|result| result.expect("every call succeeds").id)
        .collect();
    assert_eq!(ids.len(), 20);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(app.customers().await, 1);
    assert_eq!(app.records().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_with_different_request_ids_make_one_customer() {
    let app = TestApp::spawn().await;
    let alice = user();

    let results = futures::future::join_all(
        (0..10).map(|_| app.create_customer(&alice, new_customer("EUR"))),
    )
    .await;

    let (created, refused): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert_eq!(created.len(), 1, "{refused:?}");
    assert_eq!(refused.len(), 9);
    for result in refused {
        assert_refused(result, Code::AlreadyExists, "CUSTOMER_EXISTS");
    }
    assert_eq!(app.customers().await, 1);
    assert_eq!(app.records().await, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_purged_once_older_than_the_retention() {
    let app = TestApp::spawn_with_purge_every(Duration::from_millis(50)).await;
    let (old, recent) = (user(), user());
    app.create_customer(&old, new_customer("EUR"))
        .await
        .unwrap();
    app.create_customer(&recent, new_customer("EUR"))
        .await
        .unwrap();
    let sql = app.db.admin_client().await;
    for (who, age) in [(&old, "25 hours"), (&recent, "23 hours")] {
        sql.execute(
            "UPDATE payments.idempotency_records SET created_at = now() - $2::text::interval \
             WHERE user_id = $1",
            &[&user_id(who), &age],
        )
        .await
        .unwrap();
    }

    let records_of = "SELECT count(*) FROM payments.idempotency_records WHERE user_id = $1";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.db.count(records_of, &[&user_id(&old)]).await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the old record stays"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(app.db.count(records_of, &[&user_id(&recent)]).await, 1);
}
