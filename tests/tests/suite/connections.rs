//! The memory book through the edge: connections recorded by a service inside, read and
//! changed by their owners only, mutual connect-again matches, and the internal methods the
//! edge does not offer.

use circle_core::auth::{AccessTokenKey, IdentityKey, Principal};
use circle_e2e::{ACCESS_TOKEN_SECRET, IDENTITY_SECRET, SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::connection_service_client::ConnectionServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::connection_service_client::ConnectionServiceClient as InternalClient;
use circle_testkit::principal::service;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::Code;
use tonic::transport::Channel;

fn connections(suite: &Suite) -> ConnectionServiceClient<Channel> {
    ConnectionServiceClient::new(suite.channel("edge"))
}

/// What the edge forwards inside for `person`.
fn principal_of(person: &SignedIn) -> Principal {
    let claims = AccessTokenKey::new(ACCESS_TOKEN_SECRET)
        .verify(&person.access_token)
        .expect("a valid access token");
    Principal::User {
        id: claims.sub,
        role: claims.role,
        session_id: claims.sid,
    }
}

/// Reports an event's attendees to the user service directly, as `caller`.
async fn record(
    suite: &Suite,
    caller: &Principal,
    attendees: &[&SignedIn],
) -> Result<i32, tonic::Status> {
    let message = user::RecordEventConnectionsRequest {
        event_id: uuid::Uuid::now_v7().to_string(),
        attendee_ids: attendees.iter().map(|p| p.user_id.clone()).collect(),
        meet_time: Some(prost_types::Timestamp {
            seconds: chrono::Utc::now().timestamp(),
            nanos: 0,
        }),
    };
    InternalClient::new(suite.channel("user"))
        .record_event_connections(IdentityKey::new(IDENTITY_SECRET).outgoing(caller, message))
        .await
        .map(|response| response.into_inner().created_count)
}

async fn list(suite: &Suite, owner: &SignedIn) -> Vec<edge::Connection> {
    connections(suite)
        .list_connections(owner.call(edge::ListConnectionsRequest {
            page_size: 0,
            page_token: String::new(),
            favorites_only: false,
        }))
        .await
        .expect("own connections")
        .into_inner()
        .connections
}

async fn update(
    suite: &Suite,
    caller: &SignedIn,
    connection: edge::Connection,
    paths: &[&str],
) -> Result<edge::Connection, tonic::Status> {
    connections(suite)
        .update_connection(caller.call(edge::UpdateConnectionRequest {
            connection: Some(connection),
            update_mask: Some(prost_types::FieldMask {
                paths: paths.iter().map(|p| p.to_string()).collect(),
            }),
        }))
        .await
        .map(|response| response.into_inner().connection.expect("a connection"))
}

async fn matches(suite: &Suite, owner: &SignedIn) -> Vec<edge::ConnectAgainMatch> {
    connections(suite)
        .list_connect_again_matches(owner.call(edge::ListConnectAgainMatchesRequest {
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .expect("own matches")
        .into_inner()
        .matches
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_their_owners_alone_through_the_edge() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@connections.test").await;
    let ben = suite.sign_up("ben@connections.test").await;
    let ben_id: uuid::Uuid = ben.user_id.parse().unwrap();
    suite
        .db
        .admin_client()
        .await
        .execute(
            "INSERT INTO users.social_profiles (user_id, first_name) VALUES ($1, 'Ben')",
            &[&ben_id],
        )
        .await
        .expect("a social profile");
    let created = record(&suite, &service("event"), &[&ana, &ben]).await;
    assert_eq!(created.expect("recorded"), 2);

    let anas = list(&suite, &ana).await;
    assert_eq!(anas.len(), 1);
    let mut with_ben = anas[0].clone();
    assert_eq!(with_ben.connected_user_id, ben.user_id);
    assert_eq!(with_ben.snapshot_name, "Ben");
    with_ben.favorite = true;
    with_ben.private_notes = "Great hiking stories".into();
    with_ben.connect_again = edge::ConnectAgain::Yes as i32;
    let updated = update(
        &suite,
        &ana,
        with_ben.clone(),
        &["favorite", "private_notes", "connect_again"],
    )
    .await
    .expect("the owner updates");
    assert!(updated.favorite);
    assert_eq!(updated.connect_again(), edge::ConnectAgain::Yes);

    // Ben sees neither Ana's record nor her notes; he cannot change it.
    let get = connections(&suite)
        .get_connection(ben.call(edge::GetConnectionRequest {
            connection_id: with_ben.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&get, Code::NotFound, "NOT_FOUND");
    let hijack = update(&suite, &ben, with_ben.clone(), &["private_notes"]).await;
    assert_reason(&hijack.unwrap_err(), Code::NotFound, "NOT_FOUND");
    let bens = list(&suite, &ben).await;
    assert_eq!(bens.len(), 1);
    assert_eq!(bens[0].private_notes, "");
    assert!(matches(&suite, &ana).await.is_empty());

    let mut with_ana = bens[0].clone();
    with_ana.connect_again = edge::ConnectAgain::Yes as i32;
    update(&suite, &ben, with_ana, &["connect_again"])
        .await
        .expect("Ben says yes too");
    let of_ana = matches(&suite, &ana).await;
    assert_eq!(of_ana.len(), 1);
    assert_eq!(of_ana[0].user_id, ben.user_id);
    let latest = of_ana[0].latest_connection.as_ref().unwrap();
    assert_eq!(latest.private_notes, "Great hiking stories");
    let of_ben = matches(&suite, &ben).await;
    assert_eq!(of_ben.len(), 1);
    assert_eq!(
        of_ben[0].latest_connection.as_ref().unwrap().private_notes,
        "",
        "Ana's notes never reach Ben"
    );

    let fetched = connections(&suite)
        .get_connection(ana.call(edge::GetConnectionRequest {
            connection_id: with_ben.id.clone(),
        }))
        .await
        .expect("the owner reads it")
        .into_inner()
        .connection
        .unwrap();
    assert_eq!(fetched.private_notes, "Great hiking stories");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edge_refuses_misuse_and_offers_no_internal_methods() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@connections.test").await;
    let ben = suite.sign_up("ben@connections.test").await;
    record(&suite, &service("event"), &[&ana, &ben])
        .await
        .unwrap();
    let mine = list(&suite, &ana).await.remove(0);

    let anonymous = connections(&suite)
        .list_connections(edge::ListConnectionsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);

    let bad_mask = update(&suite, &ana, mine.clone(), &["snapshot_name"]).await;
    assert_invalid_field(&bad_mask.unwrap_err(), "update_mask");
    let mut unknown_wish = mine.clone();
    unknown_wish.connect_again = 9;
    let refused = update(&suite, &ana, unknown_wish, &["connect_again"]).await;
    assert_invalid_field(&refused.unwrap_err(), "connection.connect_again");
    let mut long_notes = mine.clone();
    long_notes.private_notes = "n".repeat(2001);
    let refused = update(&suite, &ana, long_notes, &["private_notes"]).await;
    assert_invalid_field(&refused.unwrap_err(), "connection.private_notes");
    let paged = connections(&suite)
        .list_connections(ana.call(edge::ListConnectionsRequest {
            page_size: -5,
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&paged, "page_size");

    // A person's own identity inside is refused the internal methods ...
    let by_person = record(&suite, &principal_of(&ana), &[&ana, &ben]).await;
    assert_reason(
        &by_person.unwrap_err(),
        Code::PermissionDenied,
        "PERMISSION_DENIED",
    );
    // ... and the edge serves no internal ConnectionService at all.
    let through_edge = InternalClient::new(suite.channel("edge"))
        .record_event_connections(ana.call(user::RecordEventConnectionsRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(through_edge.code(), Code::Unimplemented);
    assert_eq!(list(&suite, &ana).await.len(), 1);
}
