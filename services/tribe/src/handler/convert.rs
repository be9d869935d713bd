//! Conversions between the contract's messages and domain values. Requests are destructured
//! field by field, so a field added to the contract does not compile until it is handled.

use circle_core::error::invalid_argument;
use circle_core::paging::{Cursor, page_size};
use circle_core::text::field;
use circle_core::wire;
use circle_proto::common::v1 as common;
use circle_proto::tribe::v1 as proto;
use circle_proto::user::v1 as user;
use tonic::Status;

use crate::domain::{
    Activity, ActivityType, Found, GeoPoint, Goal, GoalTitle, Interest, InterestCategory,
    Interests, LocationName, MaxMembers, Member, MemberPost, MemberRole, MembershipStatus, Message,
    NewGoal, NewTribe, RadiusKm, ReadState, Search, SearchCursor, SearchText, TribeDescription,
    TribeDetails, TribeId, TribeName, TribePrivacy, TribeStatus, TribeUpdate, UserId,
    message_type_to_proto,
};

impl TryFrom<proto::CreateTribeRequest> for NewTribe {
    type Error = Status;

    fn try_from(request: proto::CreateTribeRequest) -> Result<Self, Status> {
        let proto::CreateTribeRequest {
            name,
            description,
            privacy,
            max_members,
            request_id,
            location_name,
            location,
            interests,
        } = request;
        Ok(NewTribe {
            name: field("name", TribeName::parse(&name))?,
            description: field("description", TribeDescription::parse(description))?,
            privacy: privacy_from_proto(privacy)?,
            max_members: match max_members {
                0 => MaxMembers::DEFAULT,
                n => field("max_members", MaxMembers::try_from(n))?,
            },
            request_id: wire::optional_uuid("request_id", &request_id)?,
            location_name: field("location_name", LocationName::parse(&location_name))?,
            location: location.map(geo_point).transpose()?,
            interests: interests_from_proto(interests)?,
        })
    }
}

/// The tribe id and the changes an update asks for; the mask names what changes.
pub fn tribe_update(request: proto::UpdateTribeRequest) -> Result<(TribeId, TribeUpdate), Status> {
    let proto::UpdateTribeRequest { tribe, update_mask } = request;
    let paths = wire::mask_paths(
        update_mask.as_ref(),
        &[
            "name",
            "description",
            "privacy",
            "max_members",
            "location_name",
            "location",
            "interests",
        ],
    )?;
    let proto::Tribe {
        id,
        name,
        description,
        status: _,
        privacy,
        max_members,
        creator_id: _,
        create_time: _,
        location_name,
        location,
        member_count: _,
        interests,
    } = tribe.ok_or_else(|| invalid_argument("tribe", "is required"))?;
    let id = wire::uuid("tribe.id", &id).map(TribeId)?;
    let mut update = TribeUpdate::default();
    for path in &paths {
        match path.as_str() {
            "name" => update.name = Some(field("tribe.name", TribeName::parse(&name))?),
            "description" => {
                update.description = Some(field(
                    "tribe.description",
                    TribeDescription::parse(description.clone()),
                )?);
            }
            "privacy" => {
                update.privacy = Some(match proto::TribePrivacy::try_from(privacy) {
                    Ok(proto::TribePrivacy::Public) => TribePrivacy::Public,
                    Ok(proto::TribePrivacy::Private) => TribePrivacy::Private,
                    _ => {
                        return Err(invalid_argument(
                            "tribe.privacy",
                            "must be PUBLIC or PRIVATE",
                        ));
                    }
                });
            }
            "max_members" => {
                update.max_members = Some(field(
                    "tribe.max_members",
                    MaxMembers::try_from(max_members),
                )?);
            }
            "location_name" => {
                update.location_name = Some(field(
                    "tribe.location_name",
                    LocationName::parse(&location_name),
                )?);
            }
            "location" => update.location = Some(location.map(geo_point).transpose()?),
            "interests" => update.interests = Some(interests_from_proto(interests.clone())?),
            _ => unreachable!("mask_paths admits only the listed paths"),
        }
    }
    update.paths = paths;
    Ok((id, update))
}

fn geo_point(point: common::GeoPoint) -> Result<GeoPoint, Status> {
    let common::GeoPoint {
        latitude,
        longitude,
    } = point;
    field("location", GeoPoint::new(latitude, longitude))
}

fn interests_from_proto(raw: Vec<proto::TribeInterest>) -> Result<Interests, Status> {
    let interests = raw
        .into_iter()
        .map(|interest| {
            let proto::TribeInterest {
                category,
                name,
                primary,
            } = interest;
            Ok(Interest {
                category: category_from_proto(category)?,
                name,
                is_primary: primary,
            })
        })
        .collect::<Result<Vec<_>, Status>>()?;
    field("interests", Interests::parse(interests))
}

pub fn category_from_proto(value: i32) -> Result<InterestCategory, Status> {
    use user::InterestCategory as P;
    Ok(match P::try_from(value) {
        Ok(P::OutdoorAdventures) => InterestCategory::OutdoorAdventures,
        Ok(P::ArtsCulture) => InterestCategory::ArtsCulture,
        Ok(P::FoodDining) => InterestCategory::FoodDining,
        Ok(P::SportsFitness) => InterestCategory::SportsFitness,
        Ok(P::GamesEntertainment) => InterestCategory::GamesEntertainment,
        Ok(P::LearningEducation) => InterestCategory::LearningEducation,
        Ok(P::Technology) => InterestCategory::Technology,
        Ok(P::WellnessMindfulness) => InterestCategory::WellnessMindfulness,
        Ok(P::Unspecified) | Err(_) => {
            return Err(invalid_argument(
                "interests.category",
                "must be an InterestCategory",
            ));
        }
    })
}

fn category_to_proto(category: InterestCategory) -> user::InterestCategory {
    use user::InterestCategory as P;
    match category {
        InterestCategory::OutdoorAdventures => P::OutdoorAdventures,
        InterestCategory::ArtsCulture => P::ArtsCulture,
        InterestCategory::FoodDining => P::FoodDining,
        InterestCategory::SportsFitness => P::SportsFitness,
        InterestCategory::GamesEntertainment => P::GamesEntertainment,
        InterestCategory::LearningEducation => P::LearningEducation,
        InterestCategory::Technology => P::Technology,
        InterestCategory::WellnessMindfulness => P::WellnessMindfulness,
    }
}

/// A search, where its page starts, and the page size.
pub fn search(
    request: proto::SearchTribesRequest,
) -> Result<(Search, Option<SearchCursor>, i64), Status> {
    let proto::SearchTribesRequest {
        near,
        radius_km,
        categories,
        with_free_seats,
        query,
        page_size: size,
        page_token,
    } = request;
    let search = Search {
        near: near
            .map(|point| field("near", GeoPoint::new(point.latitude, point.longitude)))
            .transpose()?,
        radius: radius_km
            .map(|km| field("radius_km", RadiusKm::new(km)))
            .transpose()?,
        categories: categories
            .into_iter()
            .map(|category| {
                category_from_proto(category)
                    .map_err(|_| invalid_argument("categories", "must be InterestCategory values"))
            })
            .collect::<Result<_, _>>()?,
        with_free_seats,
        text: field("query", SearchText::parse(&query))?,
    };
    let after = match page_token.as_str() {
        "" => None,
        token => Some(SearchCursor::decode(token).ok_or_else(|| {
            invalid_argument("page_token", "is not a token this search returned")
        })?),
    };
    Ok((search, after, page_size(size)?))
}

impl From<Found> for proto::FoundTribe {
    fn from(found: Found) -> Self {
        let Found {
            tribe,
            distance_km,
            score,
        } = found;
        proto::FoundTribe {
            tribe: Some(tribe.into()),
            distance_km,
            score,
        }
    }
}

impl TryFrom<proto::CreateGoalRequest> for NewGoal {
    type Error = Status;

    fn try_from(request: proto::CreateGoalRequest) -> Result<Self, Status> {
        let proto::CreateGoalRequest {
            tribe_id: id,
            title,
            description,
            target_time,
        } = request;
        Ok(NewGoal {
            tribe_id: tribe_id(&id)?,
            title: field("title", GoalTitle::parse(&title))?,
            description: field("description", TribeDescription::parse(description))?,
            target_date: target_time
                .as_ref()
                .map(|at| wire::from_timestamp("target_time", at))
                .transpose()?,
        })
    }
}

pub fn tribe_id(value: &str) -> Result<TribeId, Status> {
    wire::uuid("tribe_id", value).map(TribeId)
}

pub fn user_id(value: &str) -> Result<UserId, Status> {
    wire::uuid("user_id", value).map(UserId)
}

/// The page size and where the page starts.
pub fn page(page_size_asked: i32, page_token: &str) -> Result<(i64, Option<Cursor>), Status> {
    Ok((page_size(page_size_asked)?, Cursor::decode(page_token)?))
}

pub fn next_page_token(next: Option<Cursor>) -> String {
    next.map(|cursor| cursor.encode()).unwrap_or_default()
}

impl From<TribeDetails> for proto::Tribe {
    fn from(details: TribeDetails) -> Self {
        let TribeDetails { tribe, interests } = details;
        let location = tribe.location().map(|at| common::GeoPoint {
            latitude: at.latitude,
            longitude: at.longitude,
        });
        proto::Tribe {
            id: tribe.id.to_string(),
            name: tribe.name,
            description: tribe.description,
            status: proto::TribeStatus::from(tribe.status).into(),
            privacy: proto::TribePrivacy::from(tribe.privacy).into(),
            max_members: tribe.max_members.get().into(),
            creator_id: tribe.creator_id.to_string(),
            create_time: Some(wire::timestamp(tribe.created_at)),
            location_name: tribe.location_name,
            location,
            member_count: tribe.member_count.into(),
            interests: interests
                .into_iter()
                .map(|interest| proto::TribeInterest {
                    category: category_to_proto(interest.category).into(),
                    name: interest.name,
                    primary: interest.is_primary,
                })
                .collect(),
        }
    }
}

impl From<Member> for proto::Member {
    fn from(member: Member) -> Self {
        let Member {
            tribe_id: _,
            user_id,
            role,
            status,
            joined_at,
            invited_by,
        } = member;
        proto::Member {
            user_id: user_id.to_string(),
            role: match role {
                MemberRole::Creator => proto::MemberRole::Creator,
                MemberRole::Member => proto::MemberRole::Member,
            }
            .into(),
            status: match status {
                MembershipStatus::Pending => proto::MembershipStatus::Pending,
                MembershipStatus::Active => proto::MembershipStatus::Active,
                MembershipStatus::Inactive => proto::MembershipStatus::Inactive,
                MembershipStatus::Left => proto::MembershipStatus::Left,
                MembershipStatus::Removed => proto::MembershipStatus::Removed,
                MembershipStatus::Declined => proto::MembershipStatus::Declined,
            }
            .into(),
            join_time: Some(wire::timestamp(joined_at)),
            invited_by: invited_by.map(|id| id.to_string()).unwrap_or_default(),
        }
    }
}

impl From<Activity> for proto::Activity {
    fn from(activity: Activity) -> Self {
        let Activity {
            id,
            tribe_id,
            user_id,
            activity_type,
            description,
            metadata,
            created_at,
        } = activity;
        let metadata = string_map(metadata);
        proto::Activity {
            id: id.to_string(),
            tribe_id: tribe_id.to_string(),
            user_id: user_id.map(|id| id.to_string()).unwrap_or_default(),
            r#type: activity_type_to_proto(activity_type).into(),
            description,
            metadata,
            create_time: Some(wire::timestamp(created_at)),
        }
    }
}

fn activity_type_to_proto(activity_type: ActivityType) -> proto::ActivityType {
    use proto::ActivityType as P;
    match activity_type {
        ActivityType::TribeCreated => P::TribeCreated,
        ActivityType::TribeUpdated => P::TribeUpdated,
        ActivityType::TribeDissolved => P::TribeDissolved,
        ActivityType::StatusChanged => P::StatusChanged,
        ActivityType::MemberJoined => P::MemberJoined,
        ActivityType::MemberLeft => P::MemberLeft,
        ActivityType::MemberRemoved => P::MemberRemoved,
        ActivityType::MemberInvited => P::MemberInvited,
        ActivityType::JoinRequested => P::JoinRequested,
        ActivityType::JoinDeclined => P::JoinDeclined,
        ActivityType::CreatorTransferred => P::CreatorTransferred,
        ActivityType::EventCreated => P::EventCreated,
        ActivityType::EventCompleted => P::EventCompleted,
        ActivityType::AiSuggestion => P::AiSuggestion,
        ActivityType::ChallengeCreated => P::ChallengeCreated,
        ActivityType::ChallengeCompleted => P::ChallengeCompleted,
    }
}

/// What a member posts: TEXT unless the type says IMAGE; the service's own types are refused.
pub fn member_post(message_type: i32, content: String) -> Result<MemberPost, Status> {
    match proto::MessageType::try_from(message_type) {
        Ok(proto::MessageType::Unspecified | proto::MessageType::Text) => {
            field("content", MemberPost::text(content))
        }
        Ok(proto::MessageType::Image) => field("content", MemberPost::image(content)),
        Ok(_) | Err(_) => Err(invalid_argument(
            "type",
            "members post TEXT or IMAGE; the service posts the others",
        )),
    }
}

impl From<Message> for proto::Message {
    fn from(message: Message) -> Self {
        let Message {
            id,
            tribe_id,
            user_id,
            message_type,
            content,
            metadata,
            sent_at,
        } = message;
        proto::Message {
            id: id.to_string(),
            tribe_id: tribe_id.to_string(),
            sender_id: user_id.map(|id| id.to_string()).unwrap_or_default(),
            r#type: message_type_to_proto(message_type).into(),
            content,
            metadata: string_map(metadata),
            send_time: Some(wire::timestamp(sent_at)),
        }
    }
}

impl From<ReadState> for proto::ReadState {
    fn from(state: ReadState) -> Self {
        let ReadState { last_read, unread } = state;
        proto::ReadState {
            last_read_message_id: last_read.map(|id| id.to_string()).unwrap_or_default(),
            unread_count: unread,
        }
    }
}

/// A JSON object's members as strings (what the feed and chat store is a flat object).
fn string_map(metadata: serde_json::Value) -> std::collections::HashMap<String, String> {
    match metadata {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(key, value)| match value {
                serde_json::Value::String(text) => (key, text),
                other => (key, other.to_string()),
            })
            .collect(),
        _ => Default::default(),
    }
}

impl From<Goal> for proto::Goal {
    fn from(goal: Goal) -> Self {
        let Goal {
            id,
            tribe_id,
            title,
            description,
            created_by,
            target_date,
            completed_at,
            completed_by,
            created_at,
        } = goal;
        proto::Goal {
            id: id.to_string(),
            tribe_id: tribe_id.to_string(),
            title,
            description,
            creator_id: created_by.to_string(),
            target_time: target_date.map(wire::timestamp),
            completed: completed_at.is_some(),
            complete_time: completed_at.map(wire::timestamp),
            completed_by: completed_by.map(|id| id.to_string()).unwrap_or_default(),
            create_time: Some(wire::timestamp(created_at)),
        }
    }
}

impl From<TribeStatus> for proto::TribeStatus {
    fn from(status: TribeStatus) -> Self {
        match status {
            TribeStatus::Forming => proto::TribeStatus::Forming,
            TribeStatus::Active => proto::TribeStatus::Active,
            TribeStatus::AtRisk => proto::TribeStatus::AtRisk,
            TribeStatus::Inactive => proto::TribeStatus::Inactive,
            TribeStatus::Dissolved => proto::TribeStatus::Dissolved,
        }
    }
}

impl From<TribePrivacy> for proto::TribePrivacy {
    fn from(privacy: TribePrivacy) -> Self {
        match privacy {
            TribePrivacy::Public => proto::TribePrivacy::Public,
            TribePrivacy::Private => proto::TribePrivacy::Private,
        }
    }
}

/// Unspecified means PUBLIC.
fn privacy_from_proto(value: i32) -> Result<TribePrivacy, Status> {
    match proto::TribePrivacy::try_from(value) {
        Ok(proto::TribePrivacy::Unspecified | proto::TribePrivacy::Public) => {
            Ok(TribePrivacy::Public)
        }
        Ok(proto::TribePrivacy::Private) => Ok(TribePrivacy::Private),
        Err(_) => Err(invalid_argument("privacy", "is not a TribePrivacy")),
    }
}
