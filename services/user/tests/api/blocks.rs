//! BlockService: blocking, unblocking, listing one's blocks, and the batch check services make
//! before putting people together.

use std::collections::HashSet;
use std::time::Instant;

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::block_service_client::BlockServiceClient;
use circle_testkit::principal::{service, user_id};
use tonic::Code;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, assert_invalid_field, assert_reason, spawn_app};

fn blocks(app: &TestApp) -> BlockServiceClient<Channel> {
    BlockServiceClient::new(app.channel.clone())
}

async fn block(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
) -> Result<pb::Block, tonic::Status> {
    blocks(app)
        .block_user(app.request(
            caller,
            pb::BlockUserRequest {
                user_id: user_id.to_owned(),
            },
        ))
        .await
        .map(|response| response.into_inner().block.expect("a block"))
}

async fn unblock(app: &TestApp, caller: &Principal, user_id: &str) -> Result<(), tonic::Status> {
    blocks(app)
        .unblock_user(app.request(
            caller,
            pb::UnblockUserRequest {
                user_id: user_id.to_owned(),
            },
        ))
        .await
        .map(|_| ())
}

async fn list(
    app: &TestApp,
    caller: &Principal,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListBlocksResponse, tonic::Status> {
    blocks(app)
        .list_blocks(app.request(
            caller,
            pb::ListBlocksRequest {
                page_size,
                page_token: page_token.to_owned(),
            },
        ))
        .await
        .map(|response| response.into_inner())
}

async fn check(
    app: &TestApp,
    caller: &Principal,
    user_ids: Vec<String>,
) -> Result<Vec<(String, String)>, tonic::Status> {
    blocks(app)
        .check_blocks(app.request(caller, pb::CheckBlocksRequest { user_ids }))
        .await
        .map(|response| {
            response
                .into_inner()
                .pairs
                .into_iter()
                .map(|pair| (pair.blocker_id, pair.blocked_id))
                .collect()
        })
}

/// The audit rows with `action` about `subject`.
async fn audit_count(app: &TestApp, action: &str, subject: &str) -> i64 {
    let subject: Uuid = subject.parse().unwrap();
    app.db
        .admin_client()
        .await
        .query_one(
            "SELECT count(*) FROM users.audit_log WHERE action = $1 AND subject_id = $2",
            &[&action, &subject],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_twice_keeps_one_block_and_one_audit_row() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let bob = app.active_user("bob@example.org").await;

    let first = block(&app, &ana, &bob.id).await.unwrap();
    assert_eq!(first.blocker_id, user_id(&ana).to_string());
    assert_eq!(first.blocked_id, bob.id);
    let again = block(&app, &ana, &bob.id).await.unwrap();

    assert_eq!(again, first, "the standing block comes back unchanged");
    assert_eq!(audit_count(&app, "BLOCK", &bob.id).await, 1);
    let page = list(&app, &ana, 0, "").await.unwrap();
    assert_eq!(page.blocks, vec![first]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_yourself_or_nobody_names_user_id() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;

    let status = block(&app, &ana, &user_id(&ana).to_string())
        .await
        .unwrap_err();
    assert_invalid_field(&status, "user_id");

    let status = block(&app, &ana, &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    let violations = tonic_types::StatusExt::get_details_bad_request(&status).unwrap();
    assert_eq!(violations.field_violations[0].field, "user_id");

    for bad in ["", "not-a-uuid"] {
        assert_invalid_field(&block(&app, &ana, bad).await.unwrap_err(), "user_id");
        assert_invalid_field(&unblock(&app, &ana, bad).await.unwrap_err(), "user_id");
    }
    assert_eq!(
        list(&app, &ana, 0, "").await.unwrap().blocks,
        vec![],
        "nothing was blocked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_are_listed_newest_first_page_by_page() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let mut blocked = Vec::new();
    for name in ["bob", "cy", "dee", "eve", "fay"] {
        let person = app.active_user(&format!("{name}@example.org")).await;
        block(&app, &ana, &person.id).await.unwrap();
        blocked.push(person.id);
    }
    // Someone else's block is not in Ana's list.
    let login = app.login("bob@example.org", PASSWORD).await.unwrap();
    let bob = app.principal_of(login.tokens.as_ref().unwrap());
    block(&app, &bob, &blocked[1]).await.unwrap();

    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = list(&app, &ana, 2, &token).await.unwrap();
        pages += 1;
        assert!(page.blocks.len() <= 2);
        seen.extend(page.blocks.into_iter().map(|block| block.blocked_id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    blocked.reverse();
    assert_eq!(seen, blocked, "newest first, each once");
    assert_eq!(pages, 3);

    assert_invalid_field(&list(&app, &ana, -1, "").await.unwrap_err(), "page_size");
    assert_invalid_field(
        &list(&app, &ana, 2, "garbage").await.unwrap_err(),
        "page_token",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unblocking_lifts_the_block_and_is_audited_once() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let bob = app.active_user("bob@example.org").await;
    block(&app, &ana, &bob.id).await.unwrap();
    let pair = vec![user_id(&ana).to_string(), bob.id.clone()];
    assert_eq!(
        check(&app, &service("tribe"), pair.clone())
            .await
            .unwrap()
            .len(),
        1
    );

    unblock(&app, &ana, &bob.id).await.unwrap();
    unblock(&app, &ana, &bob.id).await.unwrap();
    unblock(&app, &ana, &Uuid::new_v4().to_string())
        .await
        .unwrap();

    assert_eq!(check(&app, &service("tribe"), pair).await.unwrap(), vec![]);
    assert!(list(&app, &ana, 0, "").await.unwrap().blocks.is_empty());
    assert_eq!(audit_count(&app, "UNBLOCK", &bob.id).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_services_check_blocks_and_people_only_block() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let bob = app.active_user("bob@example.org").await;

    let status = check(&app, &ana, vec![user_id(&ana).to_string(), bob.id.clone()])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");

    let status = block(&app, &service("tribe"), &bob.id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_blocks_names_bad_ids_and_refuses_too_many() {
    let app = spawn_app().await;
    let tribe = service("tribe");

    let status = check(&app, &tribe, vec![Uuid::new_v4().to_string(), "x".into()])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "user_ids[1]");

    let too_many = (0..1001).map(|_| Uuid::new_v4().to_string()).collect();
    assert_invalid_field(
        &check(&app, &tribe, too_many).await.unwrap_err(),
        "user_ids",
    );

    // Repeats count once: 1000 distinct ids plus repeats are accepted.
    let mut ids: Vec<String> = (0..1000).map(|_| Uuid::new_v4().to_string()).collect();
    ids.extend(ids[..10].to_vec());
    assert_eq!(check(&app, &tribe, ids).await.unwrap(), vec![]);
    assert_eq!(check(&app, &tribe, vec![]).await.unwrap(), vec![]);
}

/// 1000 people, blocks in both directions among them and with people outside the set: the
/// check returns exactly the blocks whose both sides are in the set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_blocks_finds_every_pair_among_a_thousand_people() {
    let app = spawn_app().await;
    let people: Vec<Uuid> = (0..1100).map(|_| Uuid::now_v7()).collect();
    app.execute(
        "INSERT INTO users.accounts (id, email, password_hash, status) \
         SELECT id, id::text || '@example.org', 'x', 'ACTIVE' FROM unnest($1::uuid[]) AS id",
        &[&people],
    )
    .await;
    let (inside, outside) = people.split_at(1000);
    let mut made: Vec<(Uuid, Uuid)> = vec![
        (inside[0], inside[1]),
        (inside[1], inside[0]),
        (inside[2], inside[999]),
        (inside[500], inside[3]),
        (inside[998], inside[4]),
        (inside[7], outside[0]),
        (outside[1], inside[8]),
        (outside[2], outside[3]),
    ];
    // Many more blocks of people in the set by people outside it, and the reverse.
    for (i, stranger) in outside.iter().enumerate().skip(4) {
        made.push((*stranger, inside[i * 9]));
        made.push((inside[i * 7], *stranger));
    }
    let (blockers, blocked): (Vec<Uuid>, Vec<Uuid>) = made.iter().copied().unzip();
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])",
        &[&blockers, &blocked],
    )
    .await;
    let in_set: HashSet<Uuid> = inside.iter().copied().collect();
    let expected: HashSet<(String, String)> = made
        .iter()
        .filter(|(a, b)| in_set.contains(a) && in_set.contains(b))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(expected.len(), 5);

    let ids: Vec<String> = inside.iter().map(Uuid::to_string).collect();
    let mut timings = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let pairs = check(&app, &service("tribe"), ids.clone()).await.unwrap();
        timings.push(started.elapsed());
        assert_eq!(pairs.len(), expected.len(), "no pair twice");
        assert_eq!(pairs.into_iter().collect::<HashSet<_>>(), expected);
    }
    timings.sort();
    eprintln!(
        "CheckBlocks of 1000 ids: median {:?}, max {:?}",
        timings[5], timings[9]
    );
}
