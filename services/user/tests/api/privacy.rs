//! PrivacyService: consents with their times and history (the owner changes them, admins read
//! them), the export of everything held about a person (every table, no secret, audited), soft
//! deletion, and erasure (anonymized once, one "user.erased" fact however many calls race).

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::privacy_service_client::PrivacyServiceClient;
use circle_testkit::principal::user_id;
use prost::Message;
use tonic::transport::Channel;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, assert_invalid_field, assert_reason, spawn_app};
use crate::moderation::{admin, audited};

fn client(app: &TestApp) -> PrivacyServiceClient<Channel> {
    PrivacyServiceClient::new(app.channel.clone())
}

async fn get_consents(
    app: &TestApp,
    caller: &Principal,
    user: Uuid,
) -> Result<pb::Consents, Status> {
    let request = pb::GetConsentsRequest {
        user_id: user.to_string(),
    };
    client(app)
        .get_consents(app.request(caller, request))
        .await
        .map(|response| response.into_inner().consents.expect("consents"))
}

/// Sets the consents named in `paths` to `marketing` and `analytics`.
async fn set_consents(
    app: &TestApp,
    caller: &Principal,
    user: Uuid,
    marketing: bool,
    analytics: bool,
    paths: &[&str],
) -> Result<pb::Consents, Status> {
    let request = pb::UpdateConsentsRequest {
        consents: Some(pb::Consents {
            user_id: user.to_string(),
            marketing: Some(pb::Consent {
                granted: marketing,
                ..Default::default()
            }),
            analytics: Some(pb::Consent {
                granted: analytics,
                ..Default::default()
            }),
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| (*path).to_owned()).collect(),
        }),
    };
    client(app)
        .update_consents(app.request(caller, request))
        .await
        .map(|response| response.into_inner().consents.expect("consents"))
}

async fn export(app: &TestApp, caller: &Principal, user: Uuid) -> Result<String, Status> {
    let request = pb::ExportUserDataRequest {
        user_id: user.to_string(),
    };
    client(app)
        .export_user_data(app.request(caller, request))
        .await
        .map(|response| response.into_inner().document)
}

async fn delete(app: &TestApp, caller: &Principal, user: Uuid) -> Result<pb::User, Status> {
    let request = pb::DeleteUserRequest {
        user_id: user.to_string(),
    };
    client(app)
        .delete_user(app.request(caller, request))
        .await
        .map(|response| response.into_inner().user.expect("a user"))
}

async fn erase(
    app: &TestApp,
    caller: &Principal,
    user: Uuid,
) -> Result<prost_types::Timestamp, Status> {
    let request = pb::EraseUserRequest {
        user_id: user.to_string(),
    };
    client(app)
        .erase_user(app.request(caller, request))
        .await
        .map(|response| response.into_inner().erase_time.expect("an erase time"))
}

/// Something in every table that holds personal data of `ana`, one row each (two assessments,
/// for their history), with `bob` as the other person where one is needed; bob's memory book
/// remembers ana too.
async fn seed_everything(app: &TestApp, ana: Uuid, bob: Uuid) {
    let statements = [
        "INSERT INTO users.personal_details (user_id, phone_number, last_name, birth_date) \
         VALUES ($1, '+4915112345678', 'Lovelace', '1990-05-17')",
        "INSERT INTO users.social_profiles (user_id, first_name, bio) \
         VALUES ($1, 'Ana', 'Climbs on weekends')",
        "INSERT INTO users.matching_profiles (user_id, latitude, longitude, communication_style, \
         max_travel_km, opted_in) VALUES ($1, 52.52, 13.405, 'DIRECT', 25, true)",
        "INSERT INTO users.profile_photos (id, user_id, request_id, image_url, taken_in_app, \
         created_at) VALUES (gen_random_uuid(), $1, gen_random_uuid(), \
         'https://cdn.example/ana-face.jpg', true, now())",
        "INSERT INTO users.personality_assessments (id, user_id, openness, conscientiousness, \
         extraversion, agreeableness, neuroticism, assessed_at) VALUES \
         (gen_random_uuid(), $1, 71, 50, 50, 50, 50, now() - interval '1 day'), \
         (gen_random_uuid(), $1, 73, 50, 50, 50, 50, now())",
        "WITH interest AS (INSERT INTO users.interests (id, name, category) \
         VALUES (gen_random_uuid(), 'Bouldering', 'SPORTS_FITNESS') RETURNING id) \
         INSERT INTO users.profile_interests (user_id, interest_id, level) \
         SELECT $1, id, 'HIGH' FROM interest",
        "INSERT INTO users.oauth_identities (id, user_id, provider, subject, email) \
         VALUES (gen_random_uuid(), $1, 'GOOGLE', 'google-subject-of-ana', 'ana@example.org')",
        "INSERT INTO users.host_profiles (id, user_id, host_name, host_bio, rating_sum, \
         rating_count, created_at, updated_at) \
         VALUES (gen_random_uuid(), $1, 'Ana hosts', 'Sunrise hikes', 9, 2, now(), now())",
        "INSERT INTO users.attendance_outcomes (event_id, user_id, outcome, recorded_at) \
         VALUES ('00000000-0000-7000-8000-0000000000e1', $1, 'ATTENDED', now())",
        "WITH achievement AS (INSERT INTO users.achievements (id, name, description, category, \
         points, icon_url, criteria) VALUES (gen_random_uuid(), 'First ascent', 'Climbed once', \
         'MILESTONE', 10, 'https://cdn.example/first.png', '{}') RETURNING id) \
         INSERT INTO users.user_achievements (id, user_id, achievement_id, points, metadata) \
         SELECT gen_random_uuid(), $1, id, 10, '{\"event\": \"crag\"}' FROM achievement",
    ];
    for statement in statements {
        app.execute(statement, &[&ana]).await;
    }
    let between = [
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
        "INSERT INTO users.reports (id, reporter_id, reported_id, category, comments) \
         VALUES (gen_random_uuid(), $1, $2, 'SPAM', 'sends ads for sunglasses')",
        "INSERT INTO users.connections (id, owner_id, connected_id, event_id, met_at, \
         snapshot_name, snapshot_face_card_url, was_photo_authentic, is_favorite, private_notes) \
         VALUES (gen_random_uuid(), $1, $2, '00000000-0000-7000-8000-0000000000e1', now(), \
         'Bob', 'https://cdn.example/bob-face.jpg', false, true, 'met at the crag')",
        "INSERT INTO users.connections (id, owner_id, connected_id, event_id, met_at, \
         snapshot_name, snapshot_face_card_url, was_photo_authentic) \
         VALUES (gen_random_uuid(), $2, $1, '00000000-0000-7000-8000-0000000000e1', now(), \
         'Ana', 'https://cdn.example/ana-face.jpg', true)",
        "INSERT INTO users.connect_again (owner_id, connected_id, wants) VALUES ($1, $2, true)",
    ];
    for statement in between {
        app.execute(statement, &[&ana, &bob]).await;
    }
}

/// The secrets the users schema holds for `user`: their password hash, refresh token hashes
/// and verification code hash.
async fn secrets_of(app: &TestApp, user: Uuid) -> Vec<String> {
    let client = app.db.admin_client().await;
    let mut secrets = Vec::new();
    for query in [
        "SELECT password_hash FROM users.accounts WHERE id = $1 AND password_hash IS NOT NULL",
        "SELECT t.token_hash FROM users.refresh_tokens t \
         JOIN users.sessions s ON s.id = t.session_id WHERE s.user_id = $1",
        "SELECT code_hash FROM users.email_verification_codes WHERE user_id = $1",
    ] {
        for row in client.query(query, &[&user]).await.unwrap() {
            secrets.push(row.get::<_, String>(0));
        }
    }
    secrets
}

async fn erased_facts(app: &TestApp, user: Uuid) -> Vec<pb::UserErased> {
    app.db
        .admin_client()
        .await
        .query(
            "SELECT payload FROM users.outbox WHERE topic = 'user.erased' AND aggregate_id = $1",
            &[&user.to_string()],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|row| pb::UserErased::decode(row.get::<_, Vec<u8>>(0).as_slice()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consents_are_granted_and_withdrawn_with_their_times_and_history() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let ana_id = user_id(&ana);

    let never_asked = get_consents(&app, &ana, ana_id).await.unwrap();
    assert_eq!(never_asked.user_id, ana_id.to_string());
    for consent in [&never_asked.marketing, &never_asked.analytics] {
        assert_eq!(consent.as_ref(), Some(&pb::Consent::default()));
    }

    // The mask decides: analytics is not named, so its `true` is ignored.
    let granted = set_consents(&app, &ana, ana_id, true, true, &["marketing"])
        .await
        .unwrap();
    let marketing = granted.marketing.unwrap();
    assert!(marketing.granted);
    assert!(marketing.grant_time.is_some() && marketing.withdraw_time.is_none());
    assert_eq!(granted.analytics, Some(pb::Consent::default()));

    let changed = set_consents(&app, &ana, ana_id, false, true, &["marketing", "analytics"])
        .await
        .unwrap();
    let withdrawn = changed.marketing.unwrap();
    assert!(!withdrawn.granted);
    assert_eq!(
        withdrawn.grant_time, marketing.grant_time,
        "the grant time stays"
    );
    assert!(withdrawn.withdraw_time.is_some());
    assert!(changed.analytics.unwrap().granted);
    assert_eq!(
        get_consents(&app, &ana, ana_id).await.unwrap().marketing,
        Some(withdrawn)
    );

    // Giving the same answer again is no change: no history row, no audit entry.
    set_consents(&app, &ana, ana_id, false, true, &["marketing", "analytics"])
        .await
        .unwrap();
    let history = app
        .db
        .count(
            "SELECT count(*) FROM users.consent_changes WHERE user_id = $1",
            &[&ana_id],
        )
        .await;
    assert_eq!(history, 3);
    let audited = audited(&app, "CONSENTS_CHANGED", &ana_id.to_string()).await;
    assert_eq!(
        audited,
        [
            serde_json::json!({ "MARKETING": true }),
            serde_json::json!({ "MARKETING": false, "ANALYTICS": true }),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owner_changes_consents_and_only_they_and_admins_read_them() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let boss = admin(&app, "boss@example.org").await;
    let ana_id = user_id(&ana);

    let status = get_consents(&app, &bob, ana_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    get_consents(&app, &boss, ana_id).await.unwrap();
    let status = get_consents(&app, &boss, Uuid::now_v7()).await.unwrap_err();
    assert_not_found_field(&status, "user_id");

    for caller in [&bob, &boss] {
        let status = set_consents(&app, caller, ana_id, true, true, &["marketing"])
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let status = set_consents(&app, &ana, ana_id, true, true, &[])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "update_mask");
    let status = set_consents(&app, &ana, ana_id, true, true, &["granted"])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "update_mask");
    let status = client(&app)
        .update_consents(app.request(&ana, pb::UpdateConsentsRequest::default()))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "consents");
    let status = client(&app)
        .get_consents(app.request(
            &ana,
            pb::GetConsentsRequest {
                user_id: "me".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "user_id");
    let consents = get_consents(&app, &ana, ana_id).await.unwrap();
    assert!(!consents.marketing.unwrap().granted);
}

/// NOT_FOUND naming `field`.
#[track_caller]
fn assert_not_found_field(status: &Status, field: &str) {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    let violations = status.get_details_bad_request().expect("a BadRequest");
    assert_eq!(violations.field_violations[0].field, field);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_carries_every_section_with_its_data_and_no_secret() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let (ana_id, bob_id) = (user_id(&ana), user_id(&bob));
    seed_everything(&app, ana_id, bob_id).await;
    set_consents(&app, &ana, ana_id, true, false, &["marketing", "analytics"])
        .await
        .unwrap();

    let text = export(&app, &ana, ana_id).await.unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let at = |pointer: &str| {
        document
            .pointer(pointer)
            .cloned()
            .unwrap_or_else(|| panic!("{pointer} missing in {document:#}"))
    };
    assert_eq!(at("/user_id"), ana_id.to_string());
    assert_eq!(at("/account/email"), "ana@example.org");
    assert_eq!(at("/account/status"), "ACTIVE");
    assert_eq!(at("/personal_details/phone_number"), "+4915112345678");
    assert_eq!(at("/personal_details/last_name"), "Lovelace");
    assert_eq!(at("/personal_details/birth_date"), "1990-05-17");
    assert_eq!(at("/social_profile/first_name"), "Ana");
    assert_eq!(at("/social_profile/bio"), "Climbs on weekends");
    assert_eq!(at("/matching_profile/latitude"), 52.52);
    assert_eq!(at("/matching_profile/communication_style"), "DIRECT");
    assert_eq!(
        at("/photos/0/image_url"),
        "https://cdn.example/ana-face.jpg"
    );
    assert_eq!(at("/personality_assessments/0/openness"), 71);
    assert_eq!(at("/personality_assessments/1/openness"), 73);
    assert_eq!(at("/interests/0/name"), "Bouldering");
    assert_eq!(at("/interests/0/level"), "HIGH");
    assert_eq!(at("/blocks/0/blocked_id"), bob_id.to_string());
    assert_eq!(at("/reports/0/reported_id"), bob_id.to_string());
    assert_eq!(at("/reports/0/comments"), "sends ads for sunglasses");
    assert_eq!(at("/connections/0/connected_id"), bob_id.to_string());
    assert_eq!(at("/connections/0/private_notes"), "met at the crag");
    assert_eq!(
        document["connections"].as_array().unwrap().len(),
        1,
        "bob's memory book is bob's"
    );
    assert_eq!(at("/connect_again/0/wants"), true);
    assert_eq!(at("/sessions/0/ip_address"), "203.0.113.7");
    assert_eq!(at("/sessions/0/device"), "test-device");
    let actions: Vec<&str> = document["audit_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["LOGIN", "CONSENTS_CHANGED"]);
    assert_eq!(at("/consents/0/purpose"), "ANALYTICS");
    assert_eq!(at("/consents/0/granted"), false);
    assert_eq!(at("/consents/1/purpose"), "MARKETING");
    assert_eq!(at("/consents/1/granted"), true);
    assert_eq!(document["consent_history"].as_array().unwrap().len(), 2);
    assert_eq!(at("/oauth_identities/0/provider"), "GOOGLE");
    assert_eq!(at("/oauth_identities/0/subject"), "google-subject-of-ana");
    assert_eq!(at("/host_profile/host_name"), "Ana hosts");
    assert_eq!(at("/attendance/0/outcome"), "ATTENDED");
    assert_eq!(at("/achievements/0/name"), "First ascent");
    assert_eq!(at("/achievements/0/points"), 10);
    assert_eq!(at("/achievements/0/metadata/event"), "crag");

    let secrets = secrets_of(&app, ana_id).await;
    assert_eq!(secrets.len(), 3, "a password, a refresh token and a code");
    for secret in secrets {
        assert!(!text.contains(&secret), "{secret} in the export");
    }
    for word in ["password", "token_hash", "code_hash", "absentee"] {
        assert!(!text.contains(word), "{word} in the export");
    }
    assert_eq!(
        audited(&app, "DATA_EXPORTED", &ana_id.to_string()).await,
        [serde_json::json!({})]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owner_or_an_admin_exports_and_an_actors_address_stays_theirs() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let boss = admin(&app, "boss@example.org").await;
    let ana_id = user_id(&ana);

    let status = export(&app, &bob, ana_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = export(&app, &boss, Uuid::now_v7()).await.unwrap_err();
    assert_not_found_field(&status, "user_id");

    // The admin's export is an entry about ana made by the admin: in ana's next export it
    // shows without the admin's address.
    let by_admin: serde_json::Value =
        serde_json::from_str(&export(&app, &boss, ana_id).await.unwrap()).unwrap();
    assert_eq!(by_admin["account"]["email"], "ana@example.org");
    app.execute(
        "UPDATE users.audit_log SET ip_address = '198.51.100.9' WHERE action = 'DATA_EXPORTED'",
        &[],
    )
    .await;
    let own: serde_json::Value =
        serde_json::from_str(&export(&app, &ana, ana_id).await.unwrap()).unwrap();
    let entries = own["audit_log"].as_array().unwrap();
    let exported = entries
        .iter()
        .find(|entry| entry["action"] == "DATA_EXPORTED")
        .unwrap();
    assert_eq!(exported["actor_id"], user_id(&boss).to_string());
    assert!(exported["ip_address"].is_null(), "{exported}");
    assert_eq!(entries[0]["ip_address"], "203.0.113.7", "ana's own login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_ends_the_sessions_and_every_sign_in() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let boss = admin(&app, "boss@example.org").await;
    let (ana_id, bob_id) = (user_id(&ana), user_id(&bob));

    let status = delete(&app, &bob, ana_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");

    let deleted = delete(&app, &ana, ana_id).await.unwrap();
    assert_eq!(deleted.status(), pb::UserStatus::Deleted);
    let stamped = app
        .db
        .count(
            "SELECT count(*) FROM users.accounts WHERE id = $1 AND deleted_at IS NOT NULL \
             AND erased_at IS NULL",
            &[&ana_id],
        )
        .await;
    assert_eq!(stamped, 1);
    let status = get_consents(&app, &ana, ana_id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = app.login("ana@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_DELETED");
    assert_eq!(
        audited(&app, "STATUS_CHANGED", &ana_id.to_string()).await,
        [serde_json::json!({
            "old": "ACTIVE",
            "new": "DELETED",
            "reason": "deleted at the owner's request",
        })]
    );

    // An admin deletes someone else; deleting again changes nothing.
    for _ in 0..2 {
        let deleted = delete(&app, &boss, bob_id).await.unwrap();
        assert_eq!(deleted.status(), pb::UserStatus::Deleted);
    }
    assert_eq!(
        audited(&app, "STATUS_CHANGED", &bob_id.to_string()).await,
        [serde_json::json!({
            "old": "ACTIVE",
            "new": "DELETED",
            "reason": "deleted by an admin",
        })]
    );
    let status = delete(&app, &boss, Uuid::now_v7()).await.unwrap_err();
    assert_not_found_field(&status, "user_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_anonymizes_the_person_once_and_frees_the_email() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let boss = admin(&app, "boss@example.org").await;
    let (ana_id, bob_id) = (user_id(&ana), user_id(&bob));
    seed_everything(&app, ana_id, bob_id).await;
    set_consents(&app, &ana, ana_id, true, true, &["marketing", "analytics"])
        .await
        .unwrap();

    let status = erase(&app, &bob, ana_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let erased_at = erase(&app, &ana, ana_id).await.unwrap();

    let row = app
        .db
        .admin_client()
        .await
        .query_one(
            "SELECT email, password_hash IS NULL, status, deleted_at IS NOT NULL, \
             erased_at IS NOT NULL FROM users.accounts WHERE id = $1",
            &[&ana_id],
        )
        .await
        .unwrap();
    assert_eq!(
        row.get::<_, String>(0),
        format!("erased-{ana_id}@erased.invalid")
    );
    assert!(row.get::<_, bool>(1), "the password is gone");
    assert_eq!(row.get::<_, String>(2), "DELETED");
    assert!(row.get::<_, bool>(3) && row.get::<_, bool>(4));
    let gone = [
        "SELECT count(*) FROM users.personal_details WHERE user_id = $1 \
         AND (phone_number IS NOT NULL OR last_name IS NOT NULL OR birth_date IS NOT NULL)",
        "SELECT count(*) FROM users.social_profiles WHERE user_id = $1 \
         AND (first_name IS NOT NULL OR bio IS NOT NULL)",
        "SELECT count(*) FROM users.matching_profiles WHERE user_id = $1 \
         AND (latitude IS NOT NULL OR opted_in)",
        "SELECT count(*) FROM users.profile_photos WHERE user_id = $1",
        "SELECT count(*) FROM users.personality_assessments WHERE user_id = $1",
        "SELECT count(*) FROM users.profile_interests WHERE user_id = $1",
        "SELECT count(*) FROM users.oauth_identities WHERE user_id = $1",
        "SELECT count(*) FROM users.host_profiles WHERE user_id = $1 AND host_name <> ''",
        "SELECT count(*) FROM users.connections WHERE owner_id = $1",
        "SELECT count(*) FROM users.connect_again WHERE owner_id = $1",
        "SELECT count(*) FROM users.connections WHERE connected_id = $1 \
         AND (snapshot_name IS NOT NULL OR snapshot_face_card_url IS NOT NULL)",
        "SELECT count(*) FROM users.sessions WHERE user_id = $1 \
         AND (revoked_at IS NULL OR ip_address IS NOT NULL OR device IS NOT NULL)",
        "SELECT count(*) FROM users.consents WHERE user_id = $1 AND granted",
        "SELECT count(*) FROM users.email_verification_codes WHERE user_id = $1",
    ];
    for query in gone {
        assert_eq!(app.db.count(query, &[&ana_id]).await, 0, "{query}");
    }
    // What others hold stays: bob's memory book still has the meeting, the block still stands.
    let kept = [
        "SELECT count(*) FROM users.connections WHERE connected_id = $1",
        "SELECT count(*) FROM users.blocks WHERE blocker_id = $1",
        "SELECT count(*) FROM users.reports WHERE reporter_id = $1",
    ];
    for query in kept {
        assert_eq!(app.db.count(query, &[&ana_id]).await, 1, "{query}");
    }

    let facts = erased_facts(&app, ana_id).await;
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].user_id, ana_id.to_string());
    assert_eq!(facts[0].erase_time, Some(erased_at));
    let entries = audited(&app, "ACCOUNT_ERASED", &ana_id.to_string()).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["previous_status"], "ACTIVE");
    assert_eq!(entries[0]["photos_deleted"], 1);
    assert_eq!(entries[0]["consents_withdrawn"], 2);
    let metadata = entries[0].to_string();
    for personal in [
        "ana@example.org",
        "Lovelace",
        "+4915112345678",
        "cdn.example",
    ] {
        assert!(!metadata.contains(personal), "{personal} in {metadata}");
    }

    // Erasing again (an admin now: ana's sessions are over) finds it done.
    let status = erase(&app, &ana, ana_id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    assert_eq!(erase(&app, &boss, ana_id).await.unwrap(), erased_at);
    assert_eq!(erased_facts(&app, ana_id).await.len(), 1);
    assert_eq!(
        audited(&app, "ACCOUNT_ERASED", &ana_id.to_string())
            .await
            .len(),
        1
    );

    // Nothing personal is left to export but the audit trail (kept as the security record it
    // is, addresses included), and the address is free for a new account.
    let leftover = export(&app, &boss, ana_id).await.unwrap();
    for personal in [
        "ana@example.org",
        "Lovelace",
        "Climbs",
        "ana-face",
        "Bouldering",
    ] {
        assert!(!leftover.contains(personal), "{personal} in {leftover}");
    }
    let leftover: serde_json::Value = serde_json::from_str(&leftover).unwrap();
    for session in leftover["sessions"].as_array().unwrap() {
        assert!(session["ip_address"].is_null() && session["device"].is_null());
    }
    let status = app.login("ana@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "INVALID_CREDENTIALS");
    let again = app.active_user("ana@example.org").await;
    assert_ne!(again.id, ana_id.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_erasures_erase_once_with_one_fact() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let boss = admin(&app, "boss@example.org").await;
    let ana_id = user_id(&ana);

    let calls = [&ana, &boss, &ana, &boss].map(|caller| erase(&app, caller, ana_id));
    let outcomes = futures::future::join_all(calls).await;
    let times: Vec<prost_types::Timestamp> = outcomes
        .into_iter()
        .filter_map(|outcome| match outcome {
            Ok(time) => Some(time),
            // One of ana's calls may start after the erasure ended her session.
            Err(status) => {
                assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
                None
            }
        })
        .collect();
    assert!(times.len() >= 2, "both of the admin's calls succeed");
    assert!(times.windows(2).all(|pair| pair[0] == pair[1]), "{times:?}");
    assert_eq!(erased_facts(&app, ana_id).await.len(), 1);
    assert_eq!(
        audited(&app, "ACCOUNT_ERASED", &ana_id.to_string())
            .await
            .len(),
        1
    );
}
