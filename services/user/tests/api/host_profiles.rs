//! HostProfileService: one host profile per person, idempotent creation, reads hidden by
//! blocks, updates by the owner or an admin (audited), and ratings counted once per rating id
//! with an exact sum and count, also under concurrent deliveries.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::admin_service_client::AdminServiceClient;
use circle_proto::user::v1::host_profile_service_client::HostProfileServiceClient;
use circle_testkit::principal::service;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};
use crate::profiles::{make_admin, mask, person};

fn hosts(app: &TestApp) -> HostProfileServiceClient<Channel> {
    HostProfileServiceClient::new(app.channel.clone())
}

async fn create(
    app: &TestApp,
    caller: &Principal,
    request_id: &str,
    host_name: &str,
    host_bio: &str,
) -> Result<pb::HostProfile, Status> {
    let message = pb::CreateHostProfileRequest {
        request_id: request_id.to_owned(),
        host_name: host_name.to_owned(),
        host_bio: host_bio.to_owned(),
    };
    hosts(app)
        .create_host_profile(app.request(caller, message))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

async fn get(app: &TestApp, caller: &Principal, user_id: &str) -> Result<pb::HostProfile, Status> {
    let message = pb::GetHostProfileRequest {
        user_id: user_id.to_owned(),
    };
    hosts(app)
        .get_host_profile(app.request(caller, message))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

async fn update(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
    profile: pb::HostProfile,
    paths: &[&str],
) -> Result<pb::HostProfile, Status> {
    let message = pb::UpdateHostProfileRequest {
        user_id: user_id.to_owned(),
        host_profile: Some(profile),
        update_mask: mask(paths),
    };
    hosts(app)
        .update_host_profile(app.request(caller, message))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

async fn rate(
    app: &TestApp,
    caller: &Principal,
    rating_id: Uuid,
    host_user_id: &str,
    rating: i32,
) -> Result<pb::HostProfile, Status> {
    let message = pb::RecordHostRatingRequest {
        rating_id: rating_id.to_string(),
        host_user_id: host_user_id.to_owned(),
        rating,
    };
    hosts(app)
        .record_host_rating(app.request(caller, message))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

/// The audit entries about a resource, newest first, as an admin lists them.
pub async fn audit_of(
    app: &TestApp,
    admin: &Principal,
    resource_type: &str,
    resource_id: &str,
) -> Vec<pb::AuditEntry> {
    let message = pb::ListAuditEntriesRequest {
        resource_type: resource_type.to_owned(),
        resource_id: resource_id.to_owned(),
        page_size: 100,
        ..Default::default()
    };
    AdminServiceClient::new(app.channel.clone())
        .list_audit_entries(app.request(admin, message))
        .await
        .expect("the audit log")
        .into_inner()
        .entries
}

/// The mask paths an audit entry names.
pub fn audited_paths(entry: &pb::AuditEntry) -> Vec<String> {
    use prost_types::value::Kind;
    let paths = entry
        .metadata
        .as_ref()
        .and_then(|fields| fields.fields.get("paths"))
        .and_then(|value| value.kind.as_ref());
    match paths {
        Some(Kind::ListValue(list)) => list
            .values
            .iter()
            .map(|value| match &value.kind {
                Some(Kind::StringValue(path)) => path.clone(),
                other => panic!("a path, not {other:?}"),
            })
            .collect(),
        other => panic!("paths in {entry:?}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_profile_is_seen_by_everyone_signed_in_and_by_services() {
    let app = spawn_app().await;
    let (ana_id, ana) = person(&app, "ana@example.org").await;
    let (_, bob) = person(&app, "bob@example.org").await;

    let created = create(
        &app,
        &ana,
        "",
        "Ana's Supper Club",
        "Dinners for strangers.",
    )
    .await
    .unwrap();
    assert_eq!(created.user_id, ana_id);
    assert_eq!(created.host_name, "Ana's Supper Club");
    assert_eq!(created.host_bio, "Dinners for strangers.");
    assert_eq!((created.rating_sum, created.rating_count), (0, 0));
    for caller in [&ana, &bob, &service("event")] {
        assert_eq!(get(&app, caller, &ana_id).await.unwrap(), created);
    }
    let status = get(&app, &bob, &Uuid::now_v7().to_string())
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    assert_invalid_field(&get(&app, &bob, "nope").await.unwrap_err(), "user_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_has_at_most_one_host_profile_and_a_replayed_creation_returns_it() {
    let app = spawn_app().await;
    let (_, ana) = person(&app, "ana@example.org").await;
    let request_id = Uuid::now_v7().to_string();

    let first = create(&app, &ana, &request_id, "Ana", "").await.unwrap();
    assert_eq!(first.host_bio, "");
    let replay = create(&app, &ana, &request_id, "Ana", "").await.unwrap();
    assert_eq!(replay, first);
    let status = create(&app, &ana, &request_id, "Someone else", "")
        .await
        .unwrap_err();
    assert_reason(&status, Code::InvalidArgument, "REQUEST_ID_REUSED");
    for other_request in [Uuid::now_v7().to_string(), String::new()] {
        let status = create(&app, &ana, &other_request, "Ana", "")
            .await
            .unwrap_err();
        assert_reason(&status, Code::AlreadyExists, "HOST_PROFILE_EXISTS");
    }
    let count = app
        .db
        .admin_client()
        .await
        .query_one("SELECT count(*) FROM users.host_profiles", &[])
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_host_fields_are_refused_naming_the_field_and_services_do_not_host() {
    let app = spawn_app().await;
    let (_, ana) = person(&app, "ana@example.org").await;
    let long_name = "n".repeat(51);
    let long_bio = "b".repeat(501);
    for (request_id, name, bio, field) in [
        ("", "   ", "", "host_name"),
        ("", long_name.as_str(), "", "host_name"),
        ("", "Two\nlines", "", "host_name"),
        ("", "Ana", long_bio.as_str(), "host_bio"),
        ("not-a-uuid", "Ana", "", "request_id"),
    ] {
        let status = create(&app, &ana, request_id, name, bio).await.unwrap_err();
        assert_invalid_field(&status, field);
    }
    let status = create(&app, &service("event"), "", "Bot", "")
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_either_way_hides_host_profiles_as_it_hides_profiles() {
    let app = spawn_app().await;
    let (ana_id, ana) = person(&app, "ana@example.org").await;
    let (bob_id, bob) = person(&app, "bob@example.org").await;
    let (_, cem) = person(&app, "cem@example.org").await;
    create(&app, &ana, "", "Ana hosts", "").await.unwrap();
    create(&app, &bob, "", "Bob hosts", "").await.unwrap();
    let ana_uuid: Uuid = ana_id.parse().unwrap();
    let bob_uuid: Uuid = bob_id.parse().unwrap();
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
        &[&ana_uuid, &bob_uuid],
    )
    .await;

    // Bob, blocked by Ana, cannot see hers; Ana, who blocked him, cannot see his.
    for (viewer, host) in [(&bob, &ana_id), (&ana, &bob_id)] {
        let status = get(&app, viewer, host).await.unwrap_err();
        assert_reason(&status, Code::NotFound, "NOT_FOUND");
    }
    // Everyone else still does, and so do the owners themselves.
    assert_eq!(
        get(&app, &cem, &ana_id).await.unwrap().host_name,
        "Ana hosts"
    );
    assert_eq!(
        get(&app, &ana, &ana_id).await.unwrap().host_name,
        "Ana hosts"
    );
    // A suspended host is hidden from others.
    app.execute(
        "UPDATE users.accounts SET status = 'SUSPENDED' WHERE id = $1",
        &[&bob_uuid],
    )
    .await;
    let status = get(&app, &cem, &bob_id).await.unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_and_admins_update_by_mask_and_only_admin_edits_are_audited() {
    let app = spawn_app().await;
    let (ana_id, ana) = person(&app, "ana@example.org").await;
    let (_, bob) = person(&app, "bob@example.org").await;
    let (root_id, root) = person(&app, "root@example.org").await;
    make_admin(&app, &root_id).await;
    let created = create(&app, &ana, "", "Ana", "Old bio").await.unwrap();

    let change = pb::HostProfile {
        host_name: "Ignored".into(),
        host_bio: "New bio".into(),
        ..Default::default()
    };
    let updated = update(&app, &ana, &ana_id, change.clone(), &["host_bio"])
        .await
        .unwrap();
    assert_eq!(updated.host_name, "Ana");
    assert_eq!(updated.host_bio, "New bio");
    assert!(
        audit_of(&app, &root, "host_profile", &created.id)
            .await
            .is_empty()
    );

    let status = update(&app, &bob, &ana_id, change.clone(), &["host_bio"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = update(&app, &service("event"), &ana_id, change, &["host_bio"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");

    let rename = pb::HostProfile {
        host_name: "Ana's Table".into(),
        ..Default::default()
    };
    let updated = update(
        &app,
        &root,
        &ana_id,
        rename.clone(),
        &["host_name", "host_bio"],
    )
    .await
    .unwrap();
    assert_eq!(
        (updated.host_name.as_str(), updated.host_bio.as_str()),
        ("Ana's Table", "")
    );
    let entries = audit_of(&app, &root, "host_profile", &created.id).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].action, "PROFILE_UPDATED_BY_ADMIN");
    assert_eq!(entries[0].actor_id, root_id);
    assert_eq!(entries[0].subject_id, ana_id);
    assert_eq!(audited_paths(&entries[0]), ["host_name", "host_bio"]);

    for (paths, field) in [
        (&["rating_sum"][..], "update_mask"),
        (&["host_name"][..], "host_profile.host_name"),
    ] {
        let empty = pb::HostProfile::default();
        let status = update(&app, &ana, &ana_id, empty, paths).await.unwrap_err();
        assert_invalid_field(&status, field);
    }
    let (_, cem) = person(&app, "cem@example.org").await;
    let cem_id = cem.user_id().unwrap().to_string();
    let status = update(&app, &cem, &cem_id, rename, &["host_name"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_counts_once_per_rating_id_and_another_under_the_same_id_is_refused() {
    let app = spawn_app().await;
    let event = service("event");
    let (ana_id, ana) = person(&app, "ana@example.org").await;
    let (bob_id, bob) = person(&app, "bob@example.org").await;
    let (root_id, root) = person(&app, "root@example.org").await;
    make_admin(&app, &root_id).await;
    create(&app, &ana, "", "Ana", "").await.unwrap();
    create(&app, &bob, "", "Bob", "").await.unwrap();

    let first = Uuid::now_v7();
    let rated = rate(&app, &event, first, &ana_id, 5).await.unwrap();
    assert_eq!((rated.rating_sum, rated.rating_count), (5, 1));
    let again = rate(&app, &event, first, &ana_id, 5).await.unwrap();
    assert_eq!((again.rating_sum, again.rating_count), (5, 1));
    let rated = rate(&app, &event, Uuid::now_v7(), &ana_id, 2)
        .await
        .unwrap();
    assert_eq!((rated.rating_sum, rated.rating_count), (7, 2));

    for (host, rating) in [(&ana_id, 4), (&bob_id, 5)] {
        let status = rate(&app, &event, first, host, rating).await.unwrap_err();
        assert_reason(&status, Code::AlreadyExists, "RATING_ID_REUSED");
    }
    for rating in [0, 6, -1] {
        let status = rate(&app, &event, Uuid::now_v7(), &ana_id, rating)
            .await
            .unwrap_err();
        assert_invalid_field(&status, "rating");
    }
    let status = rate(&app, &event, Uuid::now_v7(), &Uuid::now_v7().to_string(), 3)
        .await
        .unwrap_err();
    assert_invalid_field_or_not_found(&status, "host_user_id");
    // People rate through events, never here: not even an admin or the host.
    for person in [&ana, &root] {
        let status = rate(&app, person, Uuid::now_v7(), &ana_id, 5)
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let ana_now = get(&app, &bob, &ana_id).await.unwrap();
    assert_eq!((ana_now.rating_sum, ana_now.rating_count), (7, 2));
    let bob_now = get(&app, &ana, &bob_id).await.unwrap();
    assert_eq!((bob_now.rating_sum, bob_now.rating_count), (0, 0));
}

/// NOT_FOUND naming the request field that pointed at nothing.
fn assert_invalid_field_or_not_found(status: &Status, field: &str) {
    assert_reason(status, Code::NotFound, "NOT_FOUND");
    let violations = status
        .get_details_bad_request()
        .expect("a bad request detail")
        .field_violations;
    assert_eq!(violations[0].field, field, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_of_one_rating_count_once_and_different_ones_all_count() {
    let app = spawn_app().await;
    let (ana_id, ana) = person(&app, "ana@example.org").await;
    create(&app, &ana, "", "Ana", "").await.unwrap();

    let same = Uuid::now_v7();
    let deliveries = (0..20).map(|_| {
        let (app, ana_id) = (&app, &ana_id);
        async move { rate(app, &service("event"), same, ana_id, 4).await }
    });
    for result in futures::future::join_all(deliveries).await {
        let host = result.expect("every delivery is answered");
        assert_eq!((host.rating_sum, host.rating_count), (4, 1));
    }

    let ratings = (0..20).map(|i| {
        let (app, ana_id) = (&app, &ana_id);
        async move { rate(app, &service("event"), Uuid::now_v7(), ana_id, i % 5 + 1).await }
    });
    for result in futures::future::join_all(ratings).await {
        result.expect("every rating is counted");
    }
    let host = get(&app, &ana, &ana_id).await.unwrap();
    // 4 from before, and 1 to 5 four times each.
    assert_eq!((host.rating_sum, host.rating_count), (4 + 4 * 15, 21));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creations_leave_one_host_profile() {
    let app = spawn_app().await;
    let (_, ana) = person(&app, "ana@example.org").await;
    let replayed = Uuid::now_v7().to_string();
    let same = (0..10).map(|_| {
        let (app, ana, replayed) = (&app, &ana, &replayed);
        async move { create(app, ana, replayed, "Ana", "").await }
    });
    let ids: Vec<String> = futures::future::join_all(same)
        .await
        .into_iter()
        .map(|result| result.expect("the same request is answered alike").id)
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");

    let (_, bob) = person(&app, "bob@example.org").await;
    let different = (0..10).map(|_| {
        let (app, bob) = (&app, &bob);
        async move { create(app, bob, &Uuid::now_v7().to_string(), "Bob", "").await }
    });
    let results = futures::future::join_all(different).await;
    assert_eq!(results.iter().filter(|result| result.is_ok()).count(), 1);
    for status in results.into_iter().filter_map(Result::err) {
        assert_reason(&status, Code::AlreadyExists, "HOST_PROFILE_EXISTS");
    }
}
