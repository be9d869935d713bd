//! ConnectionService: connections recorded for the event service, private to their owners,
//! connect-again wishes, mutual matches, and the refusals and mutual matches the matching engine
//! reads (with its candidates).

use std::collections::HashSet;

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::connection_service_client::ConnectionServiceClient;
use circle_testkit::principal::service;
use tonic::Code;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};
use crate::matching::{batch, list as list_candidates, sorted};

/// A signed-in person of a test: their id and the identity the edge forwards for them.
struct Person {
    id: String,
    principal: Principal,
}

async fn person(app: &TestApp, email: &str) -> Person {
    let (login, principal) = app.signed_in(email).await;
    Person {
        id: login.user.expect("a user").id,
        principal,
    }
}

fn client(app: &TestApp) -> ConnectionServiceClient<Channel> {
    ConnectionServiceClient::new(app.channel.clone())
}

fn event_service() -> Principal {
    service("event")
}

fn now() -> prost_types::Timestamp {
    circle_core::wire::timestamp(chrono::Utc::now())
}

async fn set_profile(app: &TestApp, who: &Person, first: Option<&str>, preferred: Option<&str>) {
    let id: Uuid = who.id.parse().unwrap();
    app.execute(
        "INSERT INTO users.social_profiles (user_id, first_name, preferred_name) \
         VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE \
         SET first_name = excluded.first_name, preferred_name = excluded.preferred_name",
        &[&id, &first, &preferred],
    )
    .await;
}

async fn record(
    app: &TestApp,
    caller: &Principal,
    event_id: &str,
    attendees: &[&Person],
) -> Result<i32, tonic::Status> {
    let request = pb::RecordEventConnectionsRequest {
        event_id: event_id.to_owned(),
        attendee_ids: attendees.iter().map(|person| person.id.clone()).collect(),
        meet_time: Some(now()),
    };
    client(app)
        .record_event_connections(app.request(caller, request))
        .await
        .map(|response| response.into_inner().created_count)
}

async fn list(app: &TestApp, owner: &Person, favorites_only: bool) -> Vec<pb::Connection> {
    let request = pb::ListConnectionsRequest {
        page_size: 100,
        page_token: String::new(),
        favorites_only,
    };
    client(app)
        .list_connections(app.request(&owner.principal, request))
        .await
        .expect("own connections")
        .into_inner()
        .connections
}

/// `owner`'s (most recent) connection with `other`.
async fn connection_with(app: &TestApp, owner: &Person, other: &Person) -> pb::Connection {
    list(app, owner, false)
        .await
        .into_iter()
        .find(|connection| connection.connected_user_id == other.id)
        .unwrap_or_else(|| panic!("{} has a connection with {}", owner.id, other.id))
}

fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|path| path.to_string()).collect(),
    })
}

async fn update(
    app: &TestApp,
    caller: &Principal,
    connection: pb::Connection,
    paths: &[&str],
) -> Result<pb::Connection, tonic::Status> {
    let request = pb::UpdateConnectionRequest {
        connection: Some(connection),
        update_mask: mask(paths),
    };
    client(app)
        .update_connection(app.request(caller, request))
        .await
        .map(|response| response.into_inner().connection.expect("a connection"))
}

async fn say_connect_again(app: &TestApp, owner: &Person, other: &Person, wish: pb::ConnectAgain) {
    let mut connection = connection_with(app, owner, other).await;
    connection.connect_again = wish as i32;
    update(app, &owner.principal, connection, &["connect_again"])
        .await
        .expect("the owner says whether to connect again");
}

async fn matches(app: &TestApp, owner: &Person) -> Vec<pb::ConnectAgainMatch> {
    let request = pb::ListConnectAgainMatchesRequest {
        page_size: 100,
        page_token: String::new(),
    };
    client(app)
        .list_connect_again_matches(app.request(&owner.principal, request))
        .await
        .expect("own matches")
        .into_inner()
        .matches
}

async fn refusals(
    app: &TestApp,
    caller: &Principal,
    people: &[&Person],
) -> Result<HashSet<(String, String)>, tonic::Status> {
    let request = pb::ListConnectAgainRefusalsRequest {
        user_ids: people.iter().map(|person| person.id.clone()).collect(),
        page_size: 0,
        page_token: String::new(),
    };
    client(app)
        .list_connect_again_refusals(app.request(caller, request))
        .await
        .map(|response| {
            response
                .into_inner()
                .refusals
                .into_iter()
                .map(|pair| (pair.refuser_id, pair.refused_id))
                .collect()
        })
}

/// Puts `people` in the matchmaking pool.
async fn opt_in(app: &TestApp, people: &[&Person]) {
    for who in people {
        let id: Uuid = who.id.parse().unwrap();
        app.execute(
            "INSERT INTO users.matching_profiles (user_id, opted_in) VALUES ($1, true)",
            &[&id],
        )
        .await;
    }
}

/// What the matching engine reads about `who` among `candidates`.
fn candidate<'a>(
    candidates: &'a [pb::MatchingCandidate],
    who: &Person,
) -> &'a pb::MatchingCandidate {
    candidates
        .iter()
        .find(|candidate| candidate.user_id == who.id)
        .expect("an eligible candidate")
}

fn new_event() -> String {
    Uuid::now_v7().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_records_each_ordered_pair_once_with_snapshots_of_that_time() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let cy = person(&app, "cy@example.com").await;
    set_profile(&app, &ana, Some("Anabel"), Some("Ana")).await;
    set_profile(&app, &ben, Some("Benjamin"), Some("  ")).await;
    let event = new_event();

    let created = record(&app, &event_service(), &event, &[&ana, &ben, &cy]).await;
    assert_eq!(created.expect("recorded"), 6);
    let again = record(&app, &event_service(), &event, &[&cy, &ben, &ana, &ana]).await;
    assert_eq!(again.expect("repeat"), 0, "a repeat records nothing");

    let of_ana = list(&app, &ana, false).await;
    assert_eq!(of_ana.len(), 2);
    let with_ben = connection_with(&app, &ana, &ben).await;
    assert_eq!(with_ben.user_id, ana.id);
    assert_eq!(with_ben.event_id, event);
    assert_eq!(with_ben.snapshot_name, "Benjamin", "blank preferred name");
    assert_eq!(with_ben.snapshot_face_card_url, "");
    assert!(!with_ben.was_photo_authentic);
    assert!(!with_ben.favorite);
    assert_eq!(with_ben.connect_again(), pb::ConnectAgain::Unspecified);
    assert_eq!(connection_with(&app, &ana, &cy).await.snapshot_name, "");
    assert_eq!(connection_with(&app, &ben, &ana).await.snapshot_name, "Ana");

    // The snapshot keeps the name of the time; a later event takes the new one.
    set_profile(&app, &ana, Some("Anabel"), Some("Bel")).await;
    record(&app, &event_service(), &event, &[&ana, &ben])
        .await
        .unwrap();
    assert_eq!(connection_with(&app, &ben, &ana).await.snapshot_name, "Ana");
    let later = new_event();
    assert_eq!(
        record(&app, &event_service(), &later, &[&ana, &ben])
            .await
            .unwrap(),
        2
    );
    let names: HashSet<String> = list(&app, &ben, false)
        .await
        .into_iter()
        .filter(|connection| connection.connected_user_id == ana.id)
        .map(|connection| connection.snapshot_name)
        .collect();
    assert_eq!(names, HashSet::from(["Ana".to_owned(), "Bel".to_owned()]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_services_record_connections() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let refused = record(&app, &ana.principal, &new_event(), &[&ana, &ben]).await;
    assert_reason(
        &refused.unwrap_err(),
        Code::PermissionDenied,
        "PERMISSION_DENIED",
    );
    assert!(list(&app, &ana, false).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_names_the_bad_field() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let good = || pb::RecordEventConnectionsRequest {
        event_id: new_event(),
        attendee_ids: vec![ana.id.clone(), ben.id.clone()],
        meet_time: Some(now()),
    };
    let far_ahead = circle_core::wire::timestamp(chrono::Utc::now() + chrono::Duration::days(3));
    let cases = [
        (
            pb::RecordEventConnectionsRequest {
                event_id: String::new(),
                ..good()
            },
            "event_id",
        ),
        (
            pb::RecordEventConnectionsRequest {
                attendee_ids: vec![ana.id.clone(), ana.id.clone()],
                ..good()
            },
            "attendee_ids",
        ),
        (
            pb::RecordEventConnectionsRequest {
                attendee_ids: vec![ana.id.clone(), "not-a-uuid".into()],
                ..good()
            },
            "attendee_ids",
        ),
        (
            pb::RecordEventConnectionsRequest {
                attendee_ids: (0..201).map(|_| Uuid::new_v4().to_string()).collect(),
                ..good()
            },
            "attendee_ids",
        ),
        (
            pb::RecordEventConnectionsRequest {
                meet_time: None,
                ..good()
            },
            "meet_time",
        ),
        (
            pb::RecordEventConnectionsRequest {
                meet_time: Some(far_ahead),
                ..good()
            },
            "meet_time",
        ),
    ];
    for (request, field) in cases {
        let status = client(&app)
            .record_event_connections(app.request(&event_service(), request))
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }
    let stranger = pb::RecordEventConnectionsRequest {
        attendee_ids: vec![ana.id.clone(), Uuid::new_v4().to_string()],
        ..good()
    };
    let status = client(&app)
        .record_event_connections(app.request(&event_service(), stranger))
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    assert!(
        list(&app, &ana, false).await.is_empty(),
        "nothing half-done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_who_blocked_each_other_are_not_connected() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let cy = person(&app, "cy@example.com").await;
    let (ana_id, ben_id): (Uuid, Uuid) = (ana.id.parse().unwrap(), ben.id.parse().unwrap());
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
        &[&ben_id, &ana_id],
    )
    .await;
    let created = record(&app, &event_service(), &new_event(), &[&ana, &ben, &cy]).await;
    assert_eq!(created.unwrap(), 4);
    let of_ana: Vec<String> = list(&app, &ana, false)
        .await
        .into_iter()
        .map(|connection| connection.connected_user_id)
        .collect();
    assert_eq!(of_ana, std::slice::from_ref(&cy.id));
    assert_eq!(list(&app, &ben, false).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_does_not_exist_for_anyone_but_its_owner() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let cy = person(&app, "cy@example.com").await;
    let admin = person(&app, "admin@example.com").await;
    let admin_id: Uuid = admin.id.parse().unwrap();
    app.execute(
        "UPDATE users.accounts SET role = 'ADMIN' WHERE id = $1",
        &[&admin_id],
    )
    .await;
    record(&app, &event_service(), &new_event(), &[&ana, &ben])
        .await
        .unwrap();
    let mut anas = connection_with(&app, &ana, &ben).await;
    anas.private_notes = "lovely".into();
    let anas = update(&app, &ana.principal, anas, &["private_notes"])
        .await
        .unwrap();

    let get = |caller: Principal, id: String| {
        let mut client = client(&app);
        let request = app.request(&caller, pb::GetConnectionRequest { connection_id: id });
        async move { client.get_connection(request).await }
    };
    let unknown = get(cy.principal.clone(), Uuid::now_v7().to_string())
        .await
        .unwrap_err();
    assert_reason(&unknown, Code::NotFound, "NOT_FOUND");
    for outsider in [&ben, &cy, &admin] {
        let status = get(outsider.principal.clone(), anas.id.clone())
            .await
            .unwrap_err();
        assert_reason(&status, Code::NotFound, "NOT_FOUND");
        assert_eq!(status.message(), unknown.message(), "no existence leaks");
        let mut attempt = anas.clone();
        attempt.favorite = true;
        attempt.private_notes = "mine now".into();
        let status = update(
            &app,
            &outsider.principal,
            attempt,
            &["favorite", "private_notes"],
        )
        .await
        .unwrap_err();
        assert_reason(&status, Code::NotFound, "NOT_FOUND");
    }
    let status = get(service("tribe"), anas.id.clone()).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");

    let owned = get(ana.principal.clone(), anas.id.clone())
        .await
        .unwrap()
        .into_inner()
        .connection
        .unwrap();
    assert_eq!(owned.private_notes, "lovely");
    assert!(!owned.favorite, "the outsiders changed nothing");
    let bens = connection_with(&app, &ben, &ana).await;
    assert_eq!(bens.private_notes, "", "notes are not the other side's");
    assert!(list(&app, &admin, false).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_changes_the_masked_fields_only() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let cy = person(&app, "cy@example.com").await;
    record(&app, &event_service(), &new_event(), &[&ana, &ben, &cy])
        .await
        .unwrap();
    let original = connection_with(&app, &ana, &ben).await;

    let mut change = original.clone();
    change.favorite = true;
    change.private_notes = "not in the mask".into();
    change.snapshot_name = "Mallory".into();
    let updated = update(&app, &ana.principal, change, &["favorite"])
        .await
        .unwrap();
    assert!(updated.favorite);
    assert_eq!(updated.private_notes, "");
    assert_eq!(updated.snapshot_name, original.snapshot_name);
    let time = |connection: &pb::Connection| {
        let at = connection.update_time.unwrap();
        (at.seconds, at.nanos)
    };
    assert!(time(&updated) > time(&original));

    let mut change = updated.clone();
    change.favorite = false;
    change.private_notes = "Met at the climbing gym.\nLikes bouldering.".into();
    let updated = update(&app, &ana.principal, change, &["private_notes"])
        .await
        .unwrap();
    assert!(updated.favorite, "favorite was not in the mask");
    assert_eq!(
        updated.private_notes,
        "Met at the climbing gym.\nLikes bouldering."
    );

    let favorites = list(&app, &ana, true).await;
    assert_eq!(favorites.len(), 1);
    assert_eq!(favorites[0].id, original.id);
    assert_eq!(list(&app, &ana, false).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_refuse_bad_masks_and_values_by_field() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    record(&app, &event_service(), &new_event(), &[&ana, &ben])
        .await
        .unwrap();
    let original = connection_with(&app, &ana, &ben).await;
    let with = |edit: fn(&mut pb::Connection)| {
        let mut connection = original.clone();
        edit(&mut connection);
        connection
    };
    let cases: [(pb::Connection, &[&str], &str); 6] = [
        (original.clone(), &[], "update_mask"),
        (original.clone(), &["snapshot_name"], "update_mask"),
        (original.clone(), &["favorite", "event_id"], "update_mask"),
        (
            with(|c| c.private_notes = "x".repeat(2001)),
            &["private_notes"],
            "connection.private_notes",
        ),
        (
            with(|c| c.connect_again = 7),
            &["connect_again"],
            "connection.connect_again",
        ),
        (
            with(|c| c.id = "nope".into()),
            &["favorite"],
            "connection.id",
        ),
    ];
    for (connection, paths, field) in cases {
        let status = update(&app, &ana.principal, connection, paths)
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }
    let status = client(&app)
        .update_connection(app.request(
            &ana.principal,
            pb::UpdateConnectionRequest {
                connection: None,
                update_mask: mask(&["favorite"]),
            },
        ))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "connection");
    let notes = with(|c| c.private_notes = "é".repeat(2000));
    let kept = update(&app, &ana.principal, notes, &["private_notes"]).await;
    assert_eq!(kept.unwrap().private_notes.chars().count(), 2000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_saying_yes_is_a_mutual_match() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let cy = person(&app, "cy@example.com").await;
    set_profile(&app, &ben, Some("Ben"), None).await;
    record(&app, &event_service(), &new_event(), &[&ana, &ben, &cy])
        .await
        .unwrap();
    // Ana and Ben met at a second event too: the wish is about the person, not the event.
    let second = new_event();
    record(&app, &event_service(), &second, &[&ana, &ben])
        .await
        .unwrap();

    say_connect_again(&app, &ana, &ben, pb::ConnectAgain::Yes).await;
    assert!(matches(&app, &ana).await.is_empty(), "one side is no match");
    say_connect_again(&app, &cy, &ana, pb::ConnectAgain::Yes).await;
    say_connect_again(&app, &ben, &ana, pb::ConnectAgain::Yes).await;

    let of_ana = matches(&app, &ana).await;
    assert_eq!(of_ana.len(), 1, "{of_ana:?}");
    assert_eq!(of_ana[0].user_id, ben.id);
    let latest = of_ana[0].latest_connection.as_ref().unwrap();
    assert_eq!(latest.user_id, ana.id);
    assert_eq!(latest.event_id, second, "the most recent meeting");
    assert_eq!(latest.snapshot_name, "Ben");
    let of_ben = matches(&app, &ben).await;
    assert_eq!(of_ben.len(), 1);
    assert_eq!(of_ben[0].user_id, ana.id);
    assert!(matches(&app, &cy).await.is_empty());
    for connection in list(&app, &ana, false).await {
        let expected = if connection.connected_user_id == ben.id {
            pb::ConnectAgain::Yes
        } else {
            pb::ConnectAgain::Unspecified
        };
        assert_eq!(
            connection.connect_again(),
            expected,
            "every record shows it"
        );
    }

    // A block ends the match; so does a change of mind.
    let (ana_id, ben_id): (Uuid, Uuid) = (ana.id.parse().unwrap(), ben.id.parse().unwrap());
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
        &[&ana_id, &ben_id],
    )
    .await;
    assert!(matches(&app, &ben).await.is_empty());
    app.execute("DELETE FROM users.blocks", &[]).await;
    assert_eq!(matches(&app, &ben).await.len(), 1);
    say_connect_again(&app, &ben, &ana, pb::ConnectAgain::Unspecified).await;
    assert!(matches(&app, &ana).await.is_empty());
    say_connect_again(&app, &ben, &ana, pb::ConnectAgain::No).await;
    assert!(matches(&app, &ana).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matching_engine_reads_refusals_among_a_pool() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let cy = person(&app, "cy@example.com").await;
    let dee = person(&app, "dee@example.com").await;
    record(
        &app,
        &event_service(),
        &new_event(),
        &[&ana, &ben, &cy, &dee],
    )
    .await
    .unwrap();
    say_connect_again(&app, &ana, &ben, pb::ConnectAgain::No).await;
    say_connect_again(&app, &cy, &ana, pb::ConnectAgain::No).await;
    say_connect_again(&app, &dee, &ana, pb::ConnectAgain::No).await;
    say_connect_again(&app, &ben, &cy, pb::ConnectAgain::Yes).await;

    let engine = service("tribe");
    assert_eq!(
        refusals(&app, &engine, &[&ana, &ben]).await.unwrap(),
        HashSet::from([(ana.id.clone(), ben.id.clone())])
    );
    assert_eq!(
        refusals(&app, &engine, &[&ana, &ben, &cy]).await.unwrap(),
        HashSet::from([
            (ana.id.clone(), ben.id.clone()),
            (cy.id.clone(), ana.id.clone())
        ])
    );
    assert!(
        refusals(&app, &engine, &[&ben, &cy])
            .await
            .unwrap()
            .is_empty()
    );

    // Page by page, every pair exactly once.
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = pb::ListConnectAgainRefusalsRequest {
            user_ids: [&ana, &ben, &cy, &dee].map(|p| p.id.clone()).to_vec(),
            page_size: 1,
            page_token,
        };
        let page = client(&app)
            .list_connect_again_refusals(app.request(&engine, request))
            .await
            .unwrap()
            .into_inner();
        assert!(page.refusals.len() <= 1);
        seen.extend(page.refusals);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(seen.len(), 3, "{seen:?}");

    let refused = refusals(&app, &ana.principal, &[&ana, &ben]).await;
    assert_reason(
        &refused.unwrap_err(),
        Code::PermissionDenied,
        "PERMISSION_DENIED",
    );
    assert_invalid_field(
        &refusals(&app, &engine, &[&ana]).await.unwrap_err(),
        "user_ids",
    );
    let bad_token = client(&app)
        .list_connect_again_refusals(app.request(
            &engine,
            pb::ListConnectAgainRefusalsRequest {
                user_ids: vec![ana.id.clone(), ben.id.clone()],
                page_size: 0,
                page_token: "zz".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_invalid_field(&bad_token, "page_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_through_every_connection_once() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    for _ in 0..5 {
        record(&app, &event_service(), &new_event(), &[&ana, &ben])
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = client(&app)
            .list_connections(app.request(
                &ana.principal,
                pb::ListConnectionsRequest {
                    page_size: 2,
                    page_token,
                    favorites_only: false,
                },
            ))
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        seen.extend(page.connections.into_iter().map(|c| (c.meet_time, c.id)));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    let distinct: HashSet<_> = seen.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(distinct.len(), 5);
    let times: Vec<_> = seen.iter().map(|(at, _)| at.unwrap()).collect();
    assert!(
        times
            .windows(2)
            .all(|w| (w[0].seconds, w[0].nanos) >= (w[1].seconds, w[1].nanos)),
        "most recently met first"
    );

    for (page_size, page_token, field) in [(-1, "", "page_size"), (10, "garbage", "page_token")] {
        let status = client(&app)
            .list_connections(app.request(
                &ana.principal,
                pb::ListConnectionsRequest {
                    page_size,
                    page_token: page_token.into(),
                    favorites_only: false,
                },
            ))
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
        let status = client(&app)
            .list_connect_again_matches(app.request(
                &ana.principal,
                pb::ListConnectAgainMatchesRequest {
                    page_size,
                    page_token: page_token.into(),
                },
            ))
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }
}

/// Adds a photo of `who` taken `days_ago`, returning its id.
async fn add_photo(app: &TestApp, who: &Person, url: &str, in_app: bool, days_ago: i32) -> Uuid {
    let (id, user_id): (Uuid, Uuid) = (Uuid::now_v7(), who.id.parse().unwrap());
    app.execute(
        "INSERT INTO users.profile_photos (id, user_id, request_id, image_url, taken_in_app, created_at) \
         VALUES ($1, $2, $1, $3, $4, now() - make_interval(days => $5))",
        &[&id, &user_id, &url, &in_app, &days_ago],
    )
    .await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_keep_the_face_card_and_authenticity_of_that_time() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    set_profile(&app, &ana, Some("Ana"), None).await;
    set_profile(&app, &ben, Some("Ben"), None).await;
    let card = add_photo(&app, &ana, "https://cdn.test/ana-card.png", true, 3).await;
    let ana_id: Uuid = ana.id.parse().unwrap();
    app.execute(
        "UPDATE users.social_profiles SET current_face_card_photo_id = $1 WHERE user_id = $2",
        &[&card, &ana_id],
    )
    .await;
    // Ben's only in-app photo is older than the twelve months authenticity lasts.
    add_photo(&app, &ben, "https://cdn.test/ben-old.png", true, 400).await;
    add_photo(&app, &ben, "https://cdn.test/ben-upload.png", false, 1).await;
    record(&app, &event_service(), &new_event(), &[&ana, &ben])
        .await
        .unwrap();

    let with_ana = connection_with(&app, &ben, &ana).await;
    assert_eq!(
        with_ana.snapshot_face_card_url,
        "https://cdn.test/ana-card.png"
    );
    assert!(with_ana.was_photo_authentic);
    let with_ben = connection_with(&app, &ana, &ben).await;
    assert_eq!(with_ben.snapshot_face_card_url, "");
    assert!(!with_ben.was_photo_authentic);

    // Later changes to Ana's photos do not touch what Ben's memory book recorded.
    app.execute("DELETE FROM users.profile_photos WHERE id = $1", &[&card])
        .await;
    let kept = connection_with(&app, &ben, &ana).await;
    assert_eq!(kept.snapshot_face_card_url, "https://cdn.test/ana-card.png");
    assert!(kept.was_photo_authentic);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_wanting_to_connect_again_puts_both_on_each_others_avoid_list() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.com").await;
    let ben = person(&app, "ben@example.com").await;
    let cy = person(&app, "cy@example.com").await;
    opt_in(&app, &[&ana, &ben, &cy]).await;
    record(&app, &event_service(), &new_event(), &[&ana, &ben, &cy])
        .await
        .unwrap();
    say_connect_again(&app, &ana, &ben, pb::ConnectAgain::No).await;
    say_connect_again(&app, &ana, &cy, pb::ConnectAgain::Yes).await;

    let tribe = service("tribe");
    let avoid = |candidates: &[pb::MatchingCandidate], who: &Person| {
        sorted(candidate(candidates, who).avoid_user_ids.clone())
    };
    let candidates = batch(
        &app,
        &tribe,
        vec![ana.id.clone(), ben.id.clone(), cy.id.clone()],
    )
    .await
    .expect("the matching engine reads candidates");
    assert_eq!(avoid(&candidates, &ana), vec![ben.id.clone()]);
    assert_eq!(avoid(&candidates, &ben), vec![ana.id.clone()]);
    assert!(avoid(&candidates, &cy).is_empty(), "a yes avoids nobody");

    // Withdrawing the no takes them off again.
    say_connect_again(&app, &ana, &ben, pb::ConnectAgain::Unspecified).await;
    let candidates = batch(&app, &tribe, vec![ana.id.clone(), ben.id.clone()])
        .await
        .expect("the matching engine reads candidates");
    assert!(avoid(&candidates, &ana).is_empty());
    assert!(avoid(&candidates, &ben).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_who_both_want_to_connect_again_are_on_each_others_connect_again_list() {
    let app = spawn_app().await;
    let tribe = service("tribe");
    let ana = person(&app, "ana@example.org").await;
    let ben = person(&app, "ben@example.org").await;
    let cy = person(&app, "cy@example.org").await;
    let dee = person(&app, "dee@example.org").await;
    let fay = person(&app, "fay@example.org").await;
    let everyone = [&ana, &ben, &cy, &dee, &fay];
    opt_in(&app, &everyone).await;
    record(&app, &event_service(), &new_event(), &everyone)
        .await
        .unwrap();
    // Ana and Ben, and Ana and Fay, both say yes to each other.
    say_connect_again(&app, &ana, &ben, pb::ConnectAgain::Yes).await;
    say_connect_again(&app, &ben, &ana, pb::ConnectAgain::Yes).await;
    say_connect_again(&app, &ana, &fay, pb::ConnectAgain::Yes).await;
    say_connect_again(&app, &fay, &ana, pb::ConnectAgain::Yes).await;
    // Ana says yes to Cy, who says nothing; Ben says yes to Dee, who says nothing back.
    say_connect_again(&app, &ana, &cy, pb::ConnectAgain::Yes).await;
    say_connect_again(&app, &ben, &dee, pb::ConnectAgain::Yes).await;
    // Ana says yes to Dee, who says no.
    say_connect_again(&app, &ana, &dee, pb::ConnectAgain::Yes).await;
    say_connect_again(&app, &dee, &ana, pb::ConnectAgain::No).await;

    let ids = everyone.map(|who| who.id.clone()).to_vec();
    let batched = batch(&app, &tribe, ids).await.unwrap();
    let listed = list_candidates(&app, &tribe, 100, "")
        .await
        .unwrap()
        .candidates;
    for candidates in [&batched, &listed] {
        let of = |who: &Person| candidate(candidates, who).connect_again_user_ids.clone();
        assert_eq!(
            of(&ana),
            sorted(vec![ben.id.clone(), fay.id.clone()]),
            "both mutual matches, by id; not the one-sided yes to Cy nor the no from Dee"
        );
        assert_eq!(
            of(&ben),
            vec![ana.id.clone()],
            "a one-sided yes is no match"
        );
        assert_eq!(of(&fay), vec![ana.id.clone()]);
        assert!(of(&cy).is_empty(), "a yes they did not return is no match");
        assert!(of(&dee).is_empty(), "a no is no match");
        // The no keeps Ana and Dee apart, as before.
        assert_eq!(
            candidate(candidates, &ana).avoid_user_ids,
            vec![dee.id.clone()]
        );
        assert_eq!(
            candidate(candidates, &dee).avoid_user_ids,
            vec![ana.id.clone()]
        );
    }

    // The other one need not be among the people asked for.
    let alone = batch(&app, &tribe, vec![ben.id.clone()]).await.unwrap();
    assert_eq!(alone[0].connect_again_user_ids, vec![ana.id.clone()]);

    // A change of mind ends the match for both.
    say_connect_again(&app, &ben, &ana, pb::ConnectAgain::Unspecified).await;
    let candidates = batch(&app, &tribe, vec![ana.id.clone(), ben.id.clone()])
        .await
        .unwrap();
    assert_eq!(
        candidate(&candidates, &ana).connect_again_user_ids,
        vec![fay.id.clone()]
    );
    assert!(
        candidate(&candidates, &ben)
            .connect_again_user_ids
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_blocked_either_way_are_no_connect_again_match() {
    let app = spawn_app().await;
    let tribe = service("tribe");
    let ana = person(&app, "ana@example.org").await;
    let ben = person(&app, "ben@example.org").await;
    opt_in(&app, &[&ana, &ben]).await;
    record(&app, &event_service(), &new_event(), &[&ana, &ben])
        .await
        .unwrap();
    say_connect_again(&app, &ana, &ben, pb::ConnectAgain::Yes).await;
    say_connect_again(&app, &ben, &ana, pb::ConnectAgain::Yes).await;
    let (ana_id, ben_id): (Uuid, Uuid) = (ana.id.parse().unwrap(), ben.id.parse().unwrap());
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
        &[&ben_id, &ana_id],
    )
    .await;

    let candidates = batch(&app, &tribe, vec![ana.id.clone(), ben.id.clone()])
        .await
        .unwrap();
    for (me, other) in [(&ana, &ben), (&ben, &ana)] {
        let me = candidate(&candidates, me);
        assert!(
            me.connect_again_user_ids.is_empty(),
            "as in ListConnectAgainMatches"
        );
        assert_eq!(me.avoid_user_ids, vec![other.id.clone()]);
    }
}
