//! Internal metrics stay inside: no message of the edge's public services can carry them, and
//! a person with distinctive metrics finds none of them in any of their own reads through the
//! edge; people, admins included, are refused the internal service itself.

use std::collections::{BTreeSet, HashMap};

use circle_core::auth::{AccessTokenKey, IdentityKey, Principal};
use circle_e2e::{ACCESS_TOKEN_SECRET, IDENTITY_SECRET, SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::account_service_client::AccountServiceClient;
use circle_proto::edge::v1::connection_service_client::ConnectionServiceClient;
use circle_proto::edge::v1::host_profile_service_client::HostProfileServiceClient;
use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
use circle_proto::edge::v1::session_service_client::SessionServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::connection_service_client::ConnectionServiceClient as InternalConnections;
use circle_proto::user::v1::internal_metrics_service_client::InternalMetricsServiceClient;
use circle_testkit::principal::service;
use circle_testkit::status::assert_reason;
use prost::Message;
use prost_types::field_descriptor_proto::Type;
use prost_types::{DescriptorProto, FileDescriptorSet};
use tonic::Code;
use uuid::Uuid;

/// Parts of field names that would betray an internal metric.
const FORBIDDEN: [&str; 6] = [
    "absentee",
    "reliab",
    "no_show",
    "late_arrival",
    "matching_score",
    "attractiveness",
];

/// Every message reachable from the services of `package`, by full name, with its field names.
fn reachable_fields(package: &str, only_service: Option<&str>) -> HashMap<String, Vec<String>> {
    let set = FileDescriptorSet::decode(circle_proto::FILE_DESCRIPTOR_SET).expect("descriptors");
    let mut messages: HashMap<String, &DescriptorProto> = HashMap::new();
    fn index<'a>(
        prefix: &str,
        message: &'a DescriptorProto,
        messages: &mut HashMap<String, &'a DescriptorProto>,
    ) {
        let name = format!("{prefix}.{}", message.name());
        for nested in &message.nested_type {
            index(&name, nested, messages);
        }
        messages.insert(name, message);
    }
    let mut roots = Vec::new();
    for file in &set.file {
        for message in &file.message_type {
            index(&format!(".{}", file.package()), message, &mut messages);
        }
        if file.package() != package {
            continue;
        }
        for service in &file.service {
            if only_service.is_some_and(|only| only != service.name()) {
                continue;
            }
            for method in &service.method {
                roots.push(method.input_type().to_owned());
                roots.push(method.output_type().to_owned());
            }
        }
    }
    let mut reached = HashMap::new();
    while let Some(name) = roots.pop() {
        if reached.contains_key(&name) {
            continue;
        }
        let message = messages
            .get(&name)
            .unwrap_or_else(|| panic!("{name} is described"));
        let mut fields = Vec::new();
        for field in &message.field {
            fields.push(field.name().to_owned());
            if field.r#type() == Type::Message {
                roots.push(field.type_name().to_owned());
            }
        }
        reached.insert(name, fields);
    }
    reached
}

fn leaks(reached: &HashMap<String, Vec<String>>) -> BTreeSet<String> {
    reached
        .iter()
        .flat_map(|(message, fields)| {
            fields
                .iter()
                .filter(|field| FORBIDDEN.iter().any(|part| field.contains(part)))
                .map(move |field| format!("{message}.{field}"))
        })
        .collect()
}

#[test]
fn no_message_of_the_public_services_has_a_field_for_internal_metrics() {
    let public = reachable_fields("circle.edge.v1", None);
    // The walk covers the people's own reads (and so could find a leak there).
    for name in [
        ".circle.edge.v1.Profile",
        ".circle.edge.v1.MatchingProfile",
        ".circle.edge.v1.Account",
        ".circle.edge.v1.HostProfile",
        ".circle.edge.v1.Connection",
        ".google.protobuf.Timestamp",
    ] {
        assert!(public.contains_key(name), "{name} is not reached");
    }
    assert_eq!(leaks(&public), BTreeSet::new());
    // The same check finds the figures where they belong.
    let internal = reachable_fields("circle.user.v1", Some("InternalMetricsService"));
    assert!(leaks(&internal).contains(".circle.user.v1.InternalMetrics.absentee_rating"));
    let matching = reachable_fields("circle.user.v1", Some("MatchingService"));
    assert!(leaks(&matching).contains(".circle.user.v1.MatchingCandidate.reliability"));
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

async fn record(
    suite: &Suite,
    caller: &Principal,
    person: &SignedIn,
    outcome: user::AttendanceOutcome,
) -> Result<user::InternalMetrics, tonic::Status> {
    let message = user::RecordAttendanceOutcomeRequest {
        event_id: Uuid::now_v7().to_string(),
        user_id: person.user_id.clone(),
        outcome: outcome.into(),
    };
    InternalMetricsServiceClient::new(suite.channel("user"))
        .record_attendance_outcome(IdentityKey::new(IDENTITY_SECRET).outgoing(caller, message))
        .await
        .map(|response| response.into_inner().metrics.expect("metrics"))
}

/// A response that carries none of the person's internal figures: no field named after one,
/// and neither distinctive value anywhere in its encoding.
fn assert_carries_none<M: Message + std::fmt::Debug>(what: &str, response: &M, values: &[f64]) {
    let text = format!("{response:?}").to_lowercase();
    for part in FORBIDDEN {
        assert!(!text.contains(part), "{what} names {part}: {text}");
    }
    let bytes = response.encode_to_vec();
    for value in values {
        let pattern = value.to_le_bytes();
        assert!(
            !bytes.windows(8).any(|window| window == pattern),
            "{what} carries {value}"
        );
        assert!(!text.contains(&value.to_string()), "{what} shows {value}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_own_reads_through_the_edge_carry_none_of_their_internal_metrics() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@metrics.test").await;
    let ben = suite.sign_up("ben@metrics.test").await;
    let boss = suite.sign_up("boss@metrics.test").await;
    suite.make_admin(&boss).await;
    let event = service("event");

    use user::AttendanceOutcome::{Attended, Late, NoShow};
    let mut metrics = None;
    for outcome in [Late, NoShow, NoShow, Attended, Attended, Attended, Attended] {
        metrics = Some(record(&suite, &event, &ana, outcome).await.unwrap());
    }
    let metrics = metrics.unwrap();
    // 1 - (2 + 0.5) / 7.
    assert_eq!(metrics.absentee_rating, 1.0 - 2.5 / 7.0);
    assert_eq!(
        (
            metrics.events_attended,
            metrics.no_shows,
            metrics.late_arrivals
        ),
        (5, 2, 1)
    );
    let attractiveness = 0.987_654_321_f64;
    let ana_id: Uuid = ana.user_id.parse().unwrap();
    suite
        .db
        .admin_client()
        .await
        .execute(
            "UPDATE users.internal_metrics SET internal_attractiveness_rating = $2 WHERE user_id = $1",
            &[&ana_id, &attractiveness],
        )
        .await
        .unwrap();
    let values = [metrics.absentee_rating, attractiveness];

    // Something in each of Ana's own reads: a host profile and a connection.
    let mut hosts = HostProfileServiceClient::new(suite.channel("edge"));
    let created = hosts
        .create_host_profile(ana.call(edge::CreateHostProfileRequest {
            host_name: "Ana".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_carries_none("CreateHostProfile", &created, &values);
    InternalConnections::new(suite.channel("user"))
        .record_event_connections(IdentityKey::new(IDENTITY_SECRET).outgoing(
            &event,
            user::RecordEventConnectionsRequest {
                event_id: Uuid::now_v7().to_string(),
                attendee_ids: vec![ana.user_id.clone(), ben.user_id.clone()],
                meet_time: Some(prost_types::Timestamp {
                    seconds: chrono::Utc::now().timestamp(),
                    nanos: 0,
                }),
            },
        ))
        .await
        .unwrap();

    let mut profiles = ProfileServiceClient::new(suite.channel("edge"));
    for (what, viewer) in [("own", &ana), ("other's", &ben), ("admin's", &boss)] {
        let response = profiles
            .get_profile(viewer.call(edge::GetProfileRequest {
                user_id: ana.user_id.clone(),
            }))
            .await
            .unwrap()
            .into_inner();
        assert_carries_none(&format!("GetProfile ({what} view)"), &response, &values);
    }
    let updated = profiles
        .update_social_profile(ana.call(edge::UpdateSocialProfileRequest {
            user_id: ana.user_id.clone(),
            social_profile: Some(edge::SocialProfile {
                bio: "Dinners on Fridays.".into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["bio".into()],
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_carries_none("UpdateSocialProfile", &updated, &values);
    let account = AccountServiceClient::new(suite.channel("edge"))
        .get_account(ana.call(edge::GetAccountRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert_carries_none("GetAccount", &account, &values);
    let host = hosts
        .get_host_profile(ana.call(edge::GetHostProfileRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_carries_none("GetHostProfile", &host, &values);
    let connections = ConnectionServiceClient::new(suite.channel("edge"))
        .list_connections(ana.call(edge::ListConnectionsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(connections.connections.len(), 1);
    assert_carries_none("ListConnections", &connections, &values);
    let sessions = SessionServiceClient::new(suite.channel("edge"))
        .list_sessions(ana.call(edge::ListSessionsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_carries_none("ListSessions", &sessions, &values);

    // Inside, a person is refused the internal service, be it the person or an admin ...
    let mut internal = InternalMetricsServiceClient::new(suite.channel("user"));
    for person in [&ana, &boss] {
        let status = internal
            .get_internal_metrics(IdentityKey::new(IDENTITY_SECRET).outgoing(
                &principal_of(person),
                user::GetInternalMetricsRequest {
                    user_id: ana.user_id.clone(),
                },
            ))
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
        let status = record(&suite, &principal_of(person), &ana, Attended)
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    // ... and the edge does not serve it at all.
    let through_edge = InternalMetricsServiceClient::new(suite.channel("edge"))
        .get_internal_metrics(ana.call(user::GetInternalMetricsRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .unwrap_err();
    assert_eq!(through_edge.code(), Code::Unimplemented);
}
