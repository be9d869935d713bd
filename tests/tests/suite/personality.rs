//! PersonalityService through the edge: a person records and reads their OCEAN traits; others
//! are refused; bad scores are named.

use circle_e2e::Suite;
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::personality_service_client::PersonalityServiceClient;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::Code;
use tonic::transport::Channel;
use uuid::Uuid;

fn traits(scores: [i32; 5]) -> edge::PersonalityTraits {
    let [o, c, e, a, n] = scores.map(Some);
    edge::PersonalityTraits {
        openness: o,
        conscientiousness: c,
        extraversion: e,
        agreeableness: a,
        neuroticism: n,
    }
}

fn client(suite: &Suite) -> PersonalityServiceClient<Channel> {
    PersonalityServiceClient::new(suite.channel("edge"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_records_and_reads_their_traits_through_the_edge() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@x.test").await;
    let mut personality = client(&suite);
    let request_id = Uuid::new_v4().to_string();

    let create = |scores, request_id: &str| edge::CreatePersonalityAssessmentRequest {
        traits: Some(traits(scores)),
        request_id: request_id.to_owned(),
    };
    let first = personality
        .create_personality_assessment(ana.call(create([70, 60, 50, 40, 30], &request_id)))
        .await
        .expect("recorded")
        .into_inner()
        .assessment
        .expect("an assessment");
    let replayed = personality
        .create_personality_assessment(ana.call(create([70, 60, 50, 40, 30], &request_id)))
        .await
        .expect("replayed")
        .into_inner()
        .assessment;
    assert_eq!(replayed.as_ref(), Some(&first));
    let status = personality
        .create_personality_assessment(ana.call(create([71, 60, 50, 40, 30], &request_id)))
        .await
        .unwrap_err();
    assert_reason(&status, Code::InvalidArgument, "REQUEST_ID_REUSED");

    let second = personality
        .create_personality_assessment(ana.call(create([10, 20, 30, 40, 50], "")))
        .await
        .expect("recorded again")
        .into_inner()
        .assessment
        .expect("an assessment");

    let current = personality
        .get_personality(ana.call(edge::GetPersonalityRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .expect("read")
        .into_inner()
        .personality
        .expect("a personality");
    assert_eq!(current.assessment_id, second.id);
    assert_eq!(current.traits, Some(traits([10, 20, 30, 40, 50])));

    let history = personality
        .list_personality_assessments(ana.call(edge::ListPersonalityAssessmentsRequest {
            user_id: ana.user_id.clone(),
            page_size: 1,
            page_token: String::new(),
        }))
        .await
        .expect("history")
        .into_inner();
    assert_eq!(history.assessments.len(), 1);
    assert_eq!(history.assessments[0].id, second.id);
    let rest = personality
        .list_personality_assessments(ana.call(edge::ListPersonalityAssessmentsRequest {
            user_id: ana.user_id.clone(),
            page_size: 1,
            page_token: history.next_page_token,
        }))
        .await
        .expect("second page")
        .into_inner();
    assert_eq!(rest.assessments[0].id, first.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_reach_the_caller_through_the_edge() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@x.test").await;
    let bob = suite.sign_up("bob@x.test").await;
    let mut personality = client(&suite);
    personality
        .create_personality_assessment(ana.call(edge::CreatePersonalityAssessmentRequest {
            traits: Some(traits([50; 5])),
            request_id: String::new(),
        }))
        .await
        .expect("recorded");

    let status = personality
        .create_personality_assessment(ana.call(edge::CreatePersonalityAssessmentRequest {
            traits: Some(traits([50, 50, 50, 50, 101])),
            request_id: String::new(),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "traits.neuroticism");

    let status = personality
        .get_personality(bob.call(edge::GetPersonalityRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");

    let status = personality
        .list_personality_assessments(ana.call(edge::ListPersonalityAssessmentsRequest {
            user_id: ana.user_id.clone(),
            page_size: 10,
            page_token: "garbage".into(),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_token");

    let status = personality
        .get_personality(tonic::Request::new(edge::GetPersonalityRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);

    // An admin reads anyone's traits.
    suite.make_admin(&bob).await;
    personality
        .get_personality(bob.call(edge::GetPersonalityRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .expect("an admin reads them");
}
