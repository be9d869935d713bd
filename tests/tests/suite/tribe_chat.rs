//! A tribe's chat and discovery through the edge: messages pushed live to a follower over the
//! edge's stream pass-through, read state, and searching public tribes near a point (by default
//! around the person's profile position, within their max travel distance).

use std::time::Duration;

use circle_e2e::Suite;
use circle_proto::common::v1::GeoPoint;
use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
use circle_proto::edge::v1::tribe_service_client::TribeServiceClient;
use circle_proto::edge::v1::{
    CreateTribeRequest, GetReadStateRequest, InterestCategory, JoinTribeRequest, MatchingProfile,
    MessageType, SearchTribesRequest, SendMessageRequest, SubscribeRequest, TribeInterest,
    UpdateMatchingProfileRequest,
};
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tokio_stream::StreamExt;
use tonic::Code;
use tonic::transport::Channel;

fn tribes(suite: &Suite) -> TribeServiceClient<Channel> {
    TribeServiceClient::new(suite.channel("edge"))
}

fn berlin() -> Option<GeoPoint> {
    Some(GeoPoint {
        latitude: 52.52,
        longitude: 13.405,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_chat_live_through_the_edge() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@chat.test").await;
    let ben = suite.sign_up("ben@chat.test").await;
    let eve = suite.sign_up("eve@chat.test").await;
    let tribe = tribes(&suite)
        .create_tribe(ana.call(CreateTribeRequest {
            name: "Night owls".into(),
            location: berlin(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .tribe
        .unwrap();
    tribes(&suite)
        .join_tribe(ben.call(JoinTribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap();

    let mut live = tribes(&suite)
        .subscribe(ana.call(SubscribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap()
        .into_inner();
    let sent = tribes(&suite)
        .send_message(ben.call(SendMessageRequest {
            tribe_id: tribe.id.clone(),
            r#type: MessageType::Text.into(),
            content: "Who is up for a late walk?".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let received = tokio::time::timeout(Duration::from_secs(5), live.next())
        .await
        .expect("pushed within 5 s")
        .expect("the stream goes on")
        .unwrap()
        .message
        .unwrap();
    assert_eq!(received, sent);
    assert_eq!(received.sender_id, ben.user_id);

    let state = tribes(&suite)
        .get_read_state(ana.call(GetReadStateRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .read_state
        .unwrap();
    assert_eq!(state.unread_count, 1);

    let refused = tribes(&suite)
        .subscribe(eve.call(SubscribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "NOT_A_MEMBER");
    let refused = tribes(&suite)
        .send_message(eve.call(SendMessageRequest {
            tribe_id: tribe.id.clone(),
            r#type: MessageType::Text.into(),
            content: "hi".into(),
        }))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "NOT_A_MEMBER");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_find_tribes_near_them_through_the_edge() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@search.test").await;
    for (name, latitude, category) in [
        ("Climbers", 52.50, InterestCategory::SportsFitness),
        ("Painters", 52.55, InterestCategory::ArtsCulture),
        ("Far away", 48.14, InterestCategory::SportsFitness),
    ] {
        tribes(&suite)
            .create_tribe(ana.call(CreateTribeRequest {
                name: name.into(),
                location: Some(GeoPoint {
                    latitude,
                    longitude: 13.4,
                }),
                interests: vec![TribeInterest {
                    category: category.into(),
                    name: "it".into(),
                    primary: true,
                }],
                ..Default::default()
            }))
            .await
            .unwrap();
    }
    let found = tribes(&suite)
        .search_tribes(ana.call(SearchTribesRequest {
            near: berlin(),
            radius_km: Some(30.0),
            categories: vec![InterestCategory::SportsFitness.into()],
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<String> = found
        .tribes
        .iter()
        .map(|f| f.tribe.as_ref().unwrap().name.clone())
        .collect();
    assert_eq!(names, ["Climbers"]);

    let refused = tribes(&suite)
        .search_tribes(ana.call(SearchTribesRequest {
            near: berlin(),
            radius_km: Some(0.0),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&refused, "radius_km");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_search_around_their_profile_within_their_travel_distance() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@around.test").await;
    // About 5 and 20 km north of Berlin's centre.
    for (name, latitude) in [("Near", 52.565), ("Middle", 52.70)] {
        tribes(&suite)
            .create_tribe(ana.call(CreateTribeRequest {
                name: name.into(),
                location: Some(GeoPoint {
                    latitude,
                    longitude: 13.405,
                }),
                ..Default::default()
            }))
            .await
            .unwrap();
    }
    let around_me = async || {
        tribes(&suite)
            .search_tribes(ana.call(SearchTribesRequest::default()))
            .await
    };
    // No position in the profile yet.
    assert_invalid_field(&around_me().await.unwrap_err(), "near");

    ProfileServiceClient::new(suite.channel("edge"))
        .update_matching_profile(ana.call(UpdateMatchingProfileRequest {
            user_id: ana.user_id.clone(),
            matching_profile: Some(MatchingProfile {
                position: berlin(),
                max_travel_km: 10,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["position".into(), "max_travel_km".into()],
            }),
        }))
        .await
        .unwrap();
    let found = around_me().await.unwrap().into_inner();
    let names: Vec<String> = found
        .tribes
        .iter()
        .map(|f| f.tribe.as_ref().unwrap().name.clone())
        .collect();
    assert_eq!(names, ["Near"]);
}
