//! Blocking through the edge: block, list, unblock, the refusals, what a service then sees
//! when it asks the user service which people blocked one another, and profiles hidden both ways.

use circle_core::auth::{IdentityKey, Principal};
use circle_e2e::{IDENTITY_SECRET, SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::block_service_client::BlockServiceClient;
use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::block_service_client::BlockServiceClient as InternalBlocks;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::Code;
use tonic::transport::Channel;

fn blocks(suite: &Suite) -> BlockServiceClient<Channel> {
    BlockServiceClient::new(suite.channel("edge"))
}

/// The blocked pairs among `ids`, as the tribe service would ask.
async fn check_as_tribe(suite: &Suite, ids: &[&str]) -> Vec<(String, String)> {
    let request = IdentityKey::new(IDENTITY_SECRET).outgoing(
        &Principal::Service {
            name: "tribe".into(),
        },
        user::CheckBlocksRequest {
            user_ids: ids.iter().map(|id| id.to_string()).collect(),
        },
    );
    InternalBlocks::new(suite.channel("user"))
        .check_blocks(request)
        .await
        .expect("the tribe service may check blocks")
        .into_inner()
        .pairs
        .into_iter()
        .map(|pair| (pair.blocker_id, pair.blocked_id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_blocks_lists_and_unblocks_through_the_edge() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@blocks.test").await;
    let bob = suite.sign_up("bob@blocks.test").await;
    let mut client = blocks(&suite);

    let block = client
        .block_user(ana.call(edge::BlockUserRequest {
            user_id: bob.user_id.clone(),
        }))
        .await
        .expect("blocking")
        .into_inner()
        .block
        .expect("a block");
    assert_eq!(block.user_id, bob.user_id);
    assert!(block.create_time.is_some());
    client
        .block_user(ana.call(edge::BlockUserRequest {
            user_id: bob.user_id.clone(),
        }))
        .await
        .expect("blocking again is not an error");

    let listed = client
        .list_blocks(ana.call(edge::ListBlocksRequest {
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .expect("listing")
        .into_inner();
    assert_eq!(listed.blocks, vec![block]);
    assert_eq!(listed.next_page_token, "");
    let bobs = client
        .list_blocks(bob.call(edge::ListBlocksRequest::default()))
        .await
        .expect("listing")
        .into_inner();
    assert!(bobs.blocks.is_empty(), "Bob blocked nobody");

    let pair = (ana.user_id.clone(), bob.user_id.clone());
    assert_eq!(
        check_as_tribe(&suite, &[&bob.user_id, &ana.user_id]).await,
        vec![pair]
    );

    client
        .unblock_user(ana.call(edge::UnblockUserRequest {
            user_id: bob.user_id.clone(),
        }))
        .await
        .expect("unblocking");
    assert!(
        check_as_tribe(&suite, &[&bob.user_id, &ana.user_id])
            .await
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edge_refuses_blocking_yourself_nobody_or_anonymously() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@blocks.test").await;
    let mut client = blocks(&suite);

    let status = client
        .block_user(ana.call(edge::BlockUserRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "user_id");

    let status = client
        .block_user(ana.call(edge::BlockUserRequest {
            user_id: uuid::Uuid::new_v4().to_string(),
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");

    let status = client
        .block_user(ana.call(edge::BlockUserRequest::default()))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "user_id");

    let status = client
        .list_blocks(edge::ListBlocksRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
}

/// What `caller` gets reading `target`'s profile through the edge.
async fn read_profile(
    suite: &Suite,
    caller: &SignedIn,
    target: &SignedIn,
) -> Result<edge::Profile, tonic::Status> {
    ProfileServiceClient::new(suite.channel("edge"))
        .get_profile(caller.call(edge::GetProfileRequest {
            user_id: target.user_id.clone(),
        }))
        .await
        .map(|response| response.into_inner().profile.expect("a profile"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_hides_both_profiles_until_it_is_lifted() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@blocks.test").await;
    let bob = suite.sign_up("bob@blocks.test").await;
    read_profile(&suite, &bob, &ana)
        .await
        .expect("visible before");
    read_profile(&suite, &ana, &bob)
        .await
        .expect("visible before");

    let mut client = blocks(&suite);
    client
        .block_user(ana.call(edge::BlockUserRequest {
            user_id: bob.user_id.clone(),
        }))
        .await
        .expect("blocking");
    for (caller, target) in [(&bob, &ana), (&ana, &bob)] {
        let status = read_profile(&suite, caller, target).await.unwrap_err();
        assert_reason(&status, Code::NotFound, "NOT_FOUND");
    }

    client
        .unblock_user(ana.call(edge::UnblockUserRequest {
            user_id: bob.user_id.clone(),
        }))
        .await
        .expect("unblocking");
    read_profile(&suite, &bob, &ana)
        .await
        .expect("visible again");
    read_profile(&suite, &ana, &bob)
        .await
        .expect("visible again");
}
