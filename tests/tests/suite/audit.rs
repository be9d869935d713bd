//! The audit log through the edge: admins read what happened to a person or a resource, newest
//! first; nobody else reads it.

use circle_e2e::Suite;
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::block_service_client::BlockServiceClient;
use circle_proto::edge::v1::moderation_service_client::ModerationServiceClient;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::Code;

fn text(entry: &edge::AuditEntry, key: &str) -> String {
    match entry
        .metadata
        .as_ref()
        .and_then(|fields| fields.fields.get(key))
    {
        Some(prost_types::Value {
            kind: Some(prost_types::value::Kind::StringValue(value)),
        }) => value.clone(),
        other => panic!("{key} in {entry:?}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_read_the_audit_trail_of_a_person_and_of_a_resource() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@audit.test").await;
    let bob = suite.sign_up("bob@audit.test").await;
    let boss = suite.sign_up("boss@audit.test").await;
    suite.make_admin(&boss).await;
    let mut blocks = BlockServiceClient::new(suite.channel("edge"));
    // Blocking twice leaves one BLOCK entry.
    for _ in 0..2 {
        let request = edge::BlockUserRequest {
            user_id: bob.user_id.clone(),
        };
        blocks.block_user(ana.call(request)).await.unwrap();
    }
    blocks
        .unblock_user(ana.call(edge::UnblockUserRequest {
            user_id: bob.user_id.clone(),
        }))
        .await
        .unwrap();
    let mut moderation = ModerationServiceClient::new(suite.channel("edge"));
    moderation
        .change_user_role(boss.call(edge::ChangeUserRoleRequest {
            user_id: bob.user_id.clone(),
            role: edge::AccountRole::TribeCreator.into(),
        }))
        .await
        .unwrap();

    let about_bob = moderation
        .list_audit_entries(boss.call(edge::ListAuditEntriesRequest {
            user_id: bob.user_id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let actions: Vec<&str> = about_bob
        .entries
        .iter()
        .map(|entry| entry.action.as_str())
        .collect();
    assert_eq!(actions, ["ROLE_CHANGED", "UNBLOCK", "BLOCK", "LOGIN"]);
    let role_change = &about_bob.entries[0];
    assert_eq!(role_change.actor_id, boss.user_id);
    assert_eq!(text(role_change, "old"), "USER");
    assert_eq!(text(role_change, "new"), "TRIBE_CREATOR");
    assert_eq!(about_bob.entries[1].actor_id, ana.user_id);

    moderation
        .change_user_status(boss.call(edge::ChangeUserStatusRequest {
            user_id: bob.user_id.clone(),
            status: edge::AccountStatus::Inactive.into(),
            reason: "asked to pause".into(),
        }))
        .await
        .unwrap();
    let page = |page_token: String| {
        boss.call(edge::ListAuditEntriesRequest {
            resource_type: "account".into(),
            resource_id: bob.user_id.clone(),
            page_size: 1,
            page_token,
            ..Default::default()
        })
    };
    let first = moderation
        .list_audit_entries(page(String::new()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.entries.len(), 1);
    assert_eq!(first.entries[0].action, "STATUS_CHANGED");
    assert_eq!(text(&first.entries[0], "new"), "INACTIVE");
    assert_eq!(text(&first.entries[0], "reason"), "asked to pause");
    let second = moderation
        .list_audit_entries(page(first.next_page_token))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.entries.len(), 1);
    assert_eq!(second.entries[0].action, "ROLE_CHANGED");
    assert!(second.next_page_token.is_empty(), "{second:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_who_are_not_admins_cannot_read_the_audit_log() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@audit.test").await;
    let mut moderation = ModerationServiceClient::new(suite.channel("edge"));

    let status = moderation
        .list_audit_entries(ana.call(edge::ListAuditEntriesRequest {
            user_id: ana.user_id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");

    let boss = suite.sign_up("boss@audit.test").await;
    suite.make_admin(&boss).await;
    let status = moderation
        .list_audit_entries(boss.call(edge::ListAuditEntriesRequest::default()))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "user_id");
}
