//! Public messages that are wire-identical copies of internal ones (same field numbers, names,
//! types and cardinalities, nested messages and enums likewise) cross by being encoded as one and
//! decoded as the other. The pairs are declared once, in [`wire_identical!`] below, which both
//! allows the copy (both ways) and lists the pair for the test that compares the two
//! descriptors: a field added to one side only fails that test, as a destructuring would fail
//! to compile.

use prost::Message;

use crate::error::Error;

/// `Self` encodes to what `To` decodes, field for field.
pub trait WireCopy<To>: Message {
    /// The two full protobuf names, for the error that cannot happen while the test holds.
    const PAIR: (&'static str, &'static str);
}

/// `from` as the wire-identical `To`.
pub fn copy<From, To>(from: &From) -> Result<To, Error>
where
    From: WireCopy<To>,
    To: Message + Default,
{
    To::decode(from.encode_to_vec().as_slice()).map_err(|source| Error::WireCopy {
        from: From::PAIR.0,
        to: From::PAIR.1,
        source,
    })
}

/// `edge::Tribe = tribe::Tribe,`: circle_proto::edge::v1::Tribe (circle.edge.v1.Tribe) and
/// circle_proto::tribe::v1::Tribe (circle.tribe.v1.Tribe) copy into each other. Both Rust path
/// and protobuf name come from the same words, so neither can name another message.
macro_rules! wire_identical {
    ($($a:ident :: $a_name:ident = $b:ident :: $b_name:ident,)*) => {
        $(
            impl WireCopy<circle_proto::$b::v1::$b_name> for circle_proto::$a::v1::$a_name {
                const PAIR: (&'static str, &'static str) = (
                    concat!("circle.", stringify!($a), ".v1.", stringify!($a_name)),
                    concat!("circle.", stringify!($b), ".v1.", stringify!($b_name)),
                );
            }
            impl WireCopy<circle_proto::$a::v1::$a_name> for circle_proto::$b::v1::$b_name {
                const PAIR: (&'static str, &'static str) = (
                    concat!("circle.", stringify!($b), ".v1.", stringify!($b_name)),
                    concat!("circle.", stringify!($a), ".v1.", stringify!($a_name)),
                );
            }
        )*

        /// Every declared pair, by full protobuf names.
        #[cfg(test)]
        const PAIRS: &[(&str, &str)] = &[$(
            <circle_proto::$a::v1::$a_name as WireCopy<circle_proto::$b::v1::$b_name>>::PAIR,
        )*];
    };
}

wire_identical! {
    // TribeService
    edge::CreateTribeRequest = tribe::CreateTribeRequest,
    edge::CreateTribeResponse = tribe::CreateTribeResponse,
    edge::GetTribeRequest = tribe::GetTribeRequest,
    edge::GetTribeResponse = tribe::GetTribeResponse,
    edge::UpdateTribeRequest = tribe::UpdateTribeRequest,
    edge::UpdateTribeResponse = tribe::UpdateTribeResponse,
    edge::DissolveTribeRequest = tribe::DissolveTribeRequest,
    edge::DissolveTribeResponse = tribe::DissolveTribeResponse,
    edge::JoinTribeRequest = tribe::JoinTribeRequest,
    edge::JoinTribeResponse = tribe::JoinTribeResponse,
    edge::InviteMemberRequest = tribe::InviteMemberRequest,
    edge::InviteMemberResponse = tribe::InviteMemberResponse,
    edge::ApproveMemberRequest = tribe::ApproveMemberRequest,
    edge::ApproveMemberResponse = tribe::ApproveMemberResponse,
    edge::DeclineMemberRequest = tribe::DeclineMemberRequest,
    edge::DeclineMemberResponse = tribe::DeclineMemberResponse,
    edge::LeaveTribeRequest = tribe::LeaveTribeRequest,
    edge::LeaveTribeResponse = tribe::LeaveTribeResponse,
    edge::RemoveMemberRequest = tribe::RemoveMemberRequest,
    edge::RemoveMemberResponse = tribe::RemoveMemberResponse,
    edge::TransferCreatorRoleRequest = tribe::TransferCreatorRoleRequest,
    edge::TransferCreatorRoleResponse = tribe::TransferCreatorRoleResponse,
    edge::ListMembersRequest = tribe::ListMembersRequest,
    edge::ListMembersResponse = tribe::ListMembersResponse,
    edge::ListActivitiesRequest = tribe::ListActivitiesRequest,
    edge::ListActivitiesResponse = tribe::ListActivitiesResponse,
    edge::CreateGoalRequest = tribe::CreateGoalRequest,
    edge::CreateGoalResponse = tribe::CreateGoalResponse,
    edge::CompleteGoalRequest = tribe::CompleteGoalRequest,
    edge::CompleteGoalResponse = tribe::CompleteGoalResponse,
    edge::ListGoalsRequest = tribe::ListGoalsRequest,
    edge::ListGoalsResponse = tribe::ListGoalsResponse,
    edge::SearchTribesRequest = tribe::SearchTribesRequest,
    edge::SearchTribesResponse = tribe::SearchTribesResponse,
    edge::SendMessageRequest = tribe::SendMessageRequest,
    edge::SendMessageResponse = tribe::SendMessageResponse,
    edge::ListMessagesRequest = tribe::ListMessagesRequest,
    edge::ListMessagesResponse = tribe::ListMessagesResponse,
    edge::MarkReadRequest = tribe::MarkReadRequest,
    edge::MarkReadResponse = tribe::MarkReadResponse,
    edge::GetReadStateRequest = tribe::GetReadStateRequest,
    edge::GetReadStateResponse = tribe::GetReadStateResponse,
    edge::SubscribeRequest = tribe::SubscribeRequest,
    edge::SubscribeResponse = tribe::SubscribeResponse,
    // MatchmakingService
    edge::StartMatchmakingRunRequest = tribe::StartMatchmakingRunRequest,
    edge::StartMatchmakingRunResponse = tribe::StartMatchmakingRunResponse,
    edge::GetMatchmakingRunRequest = tribe::GetMatchmakingRunRequest,
    edge::GetMatchmakingRunResponse = tribe::GetMatchmakingRunResponse,
    edge::ListMatchmakingRunsRequest = tribe::ListMatchmakingRunsRequest,
    edge::ListMatchmakingRunsResponse = tribe::ListMatchmakingRunsResponse,
    edge::ListMatchInvitationsRequest = tribe::ListMatchInvitationsRequest,
    edge::ListMatchInvitationsResponse = tribe::ListMatchInvitationsResponse,
    edge::AcceptMatchInvitationRequest = tribe::AcceptMatchInvitationRequest,
    edge::AcceptMatchInvitationResponse = tribe::AcceptMatchInvitationResponse,
    edge::DeclineMatchInvitationRequest = tribe::DeclineMatchInvitationRequest,
    edge::DeclineMatchInvitationResponse = tribe::DeclineMatchInvitationResponse,
    edge::GetMatchReasonsRequest = tribe::GetMatchReasonsRequest,
    edge::GetMatchReasonsResponse = tribe::GetMatchReasonsResponse,
    // ProfileService
    edge::GetProfileRequest = user::GetProfileRequest,
    edge::GetProfileResponse = user::GetProfileResponse,
    edge::UpdatePersonalDetailsResponse = user::UpdatePersonalDetailsResponse,
    edge::UpdateSocialProfileResponse = user::UpdateSocialProfileResponse,
    edge::UpdateMatchingProfileResponse = user::UpdateMatchingProfileResponse,
    edge::CreateProfilePhotoRequest = user::CreateProfilePhotoRequest,
    edge::CreateProfilePhotoResponse = user::CreateProfilePhotoResponse,
    edge::ListProfilePhotosRequest = user::ListProfilePhotosRequest,
    edge::ListProfilePhotosResponse = user::ListProfilePhotosResponse,
    edge::DeleteProfilePhotoRequest = user::DeleteProfilePhotoRequest,
    edge::DeleteProfilePhotoResponse = user::DeleteProfilePhotoResponse,
    // AchievementService
    edge::CreateAchievementRequest = user::CreateAchievementRequest,
    edge::CreateAchievementResponse = user::CreateAchievementResponse,
    edge::UpdateAchievementRequest = user::UpdateAchievementRequest,
    edge::UpdateAchievementResponse = user::UpdateAchievementResponse,
    edge::GetAchievementRequest = user::GetAchievementRequest,
    edge::GetAchievementResponse = user::GetAchievementResponse,
    edge::ListAchievementsRequest = user::ListAchievementsRequest,
    edge::ListAchievementsResponse = user::ListAchievementsResponse,
    edge::ListUserAchievementsRequest = user::ListUserAchievementsRequest,
    edge::ListUserAchievementsResponse = user::ListUserAchievementsResponse,
    // PrivacyService
    edge::GetConsentsRequest = user::GetConsentsRequest,
    edge::GetConsentsResponse = user::GetConsentsResponse,
    edge::UpdateConsentsResponse = user::UpdateConsentsResponse,
    edge::ExportUserDataRequest = user::ExportUserDataRequest,
    edge::ExportUserDataResponse = user::ExportUserDataResponse,
    edge::DeleteUserRequest = user::DeleteUserRequest,
    edge::EraseUserRequest = user::EraseUserRequest,
    edge::EraseUserResponse = user::EraseUserResponse,
    // HostProfileService
    edge::CreateHostProfileRequest = user::CreateHostProfileRequest,
    edge::CreateHostProfileResponse = user::CreateHostProfileResponse,
    edge::GetHostProfileRequest = user::GetHostProfileRequest,
    edge::GetHostProfileResponse = user::GetHostProfileResponse,
    edge::UpdateHostProfileResponse = user::UpdateHostProfileResponse,
    // InterestService
    edge::CreateInterestRequest = user::CreateInterestRequest,
    edge::CreateInterestResponse = user::CreateInterestResponse,
    edge::UpdateInterestRequest = user::UpdateInterestRequest,
    edge::UpdateInterestResponse = user::UpdateInterestResponse,
    edge::GetInterestRequest = user::GetInterestRequest,
    edge::GetInterestResponse = user::GetInterestResponse,
    edge::ListInterestsRequest = user::ListInterestsRequest,
    edge::ListInterestsResponse = user::ListInterestsResponse,
    edge::SearchInterestsRequest = user::SearchInterestsRequest,
    edge::SearchInterestsResponse = user::SearchInterestsResponse,
    edge::AddProfileInterestRequest = user::AddProfileInterestRequest,
    edge::AddProfileInterestResponse = user::AddProfileInterestResponse,
    edge::UpdateProfileInterestRequest = user::UpdateProfileInterestRequest,
    edge::UpdateProfileInterestResponse = user::UpdateProfileInterestResponse,
    edge::RemoveProfileInterestRequest = user::RemoveProfileInterestRequest,
    edge::RemoveProfileInterestResponse = user::RemoveProfileInterestResponse,
    edge::ListProfileInterestsRequest = user::ListProfileInterestsRequest,
    edge::ListProfileInterestsResponse = user::ListProfileInterestsResponse,
    // ModerationService
    edge::ListReportsResponse = user::ListReportsResponse,
    edge::ResolveReportResponse = user::ResolveReportResponse,
    edge::ListAuditEntriesRequest = user::ListAuditEntriesRequest,
    edge::ListAuditEntriesResponse = user::ListAuditEntriesResponse,
    // PersonalityService
    edge::CreatePersonalityAssessmentRequest = user::CreatePersonalityAssessmentRequest,
    edge::CreatePersonalityAssessmentResponse = user::CreatePersonalityAssessmentResponse,
    edge::GetPersonalityRequest = user::GetPersonalityRequest,
    edge::GetPersonalityResponse = user::GetPersonalityResponse,
    edge::ListPersonalityAssessmentsRequest = user::ListPersonalityAssessmentsRequest,
    edge::ListPersonalityAssessmentsResponse = user::ListPersonalityAssessmentsResponse,
    // SessionService
    edge::ListSessionsRequest = user::ListSessionsRequest,
    edge::ListSessionsResponse = user::ListSessionsResponse,
    edge::RevokeSessionRequest = user::RevokeSessionRequest,
    edge::RevokeSessionResponse = user::RevokeSessionResponse,
    edge::RevokeOtherSessionsRequest = user::RevokeOtherSessionsRequest,
    edge::RevokeOtherSessionsResponse = user::RevokeOtherSessionsResponse,
    edge::ChangePasswordRequest = user::ChangePasswordRequest,
    edge::ChangePasswordResponse = user::ChangePasswordResponse,
    // BlockService
    edge::BlockUserRequest = user::BlockUserRequest,
    edge::UnblockUserRequest = user::UnblockUserRequest,
    edge::UnblockUserResponse = user::UnblockUserResponse,
    edge::ListBlocksRequest = user::ListBlocksRequest,
    // ConnectionService
    edge::GetConnectionRequest = user::GetConnectionRequest,
    edge::ListConnectionsRequest = user::ListConnectionsRequest,
    edge::ListConnectAgainMatchesRequest = user::ListConnectAgainMatchesRequest,
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    use prost_types::field_descriptor_proto::Type;
    use prost_types::{
        DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorSet,
    };

    use super::*;

    /// Every message and enum of a descriptor set by full name (with the leading dot, as
    /// fields name their types).
    #[derive(Default)]
    struct Catalog {
        messages: HashMap<String, DescriptorProto>,
        enums: HashMap<String, EnumDescriptorProto>,
    }

    impl Catalog {
        fn of(set: &FileDescriptorSet) -> Self {
            let mut catalog = Catalog::default();
            for file in &set.file {
                let scope = format!(".{}", file.package());
                for message in &file.message_type {
                    catalog.add_message(&scope, message);
                }
                for e in &file.enum_type {
                    catalog
                        .enums
                        .insert(format!("{scope}.{}", e.name()), e.clone());
                }
            }
            catalog
        }

        fn add_message(&mut self, scope: &str, message: &DescriptorProto) {
            let name = format!("{scope}.{}", message.name());
            for nested in &message.nested_type {
                self.add_message(&name, nested);
            }
            for e in &message.enum_type {
                self.enums.insert(format!("{name}.{}", e.name()), e.clone());
            }
            self.messages.insert(name, message.clone());
        }

        /// How the messages `a` and `b` differ on the wire, one line a difference.
        fn differences(&self, a: &str, b: &str) -> Vec<String> {
            let mut found = Vec::new();
            self.compare_messages(a, b, &mut BTreeSet::new(), &mut found);
            found
        }

        fn compare_messages(
            &self,
            a: &str,
            b: &str,
            seen: &mut BTreeSet<(String, String)>,
            found: &mut Vec<String>,
        ) {
            if a == b || !seen.insert((a.to_owned(), b.to_owned())) {
                return;
            }
            let (Some(left), Some(right)) = (self.messages.get(a), self.messages.get(b)) else {
                found.push(format!("{a} ~ {b}: no such message"));
                return;
            };
            let by_number = |m: &DescriptorProto| {
                m.field
                    .iter()
                    .map(|f| (f.number(), f.clone()))
                    .collect::<BTreeMap<_, _>>()
            };
            let (left_fields, right_fields) = (by_number(left), by_number(right));
            let numbers: BTreeSet<i32> = left_fields
                .keys()
                .chain(right_fields.keys())
                .copied()
                .collect();
            for number in numbers {
                match (left_fields.get(&number), right_fields.get(&number)) {
                    (Some(l), Some(r)) => {
                        self.compare_fields(a, b, (left, l), (right, r), seen, found)
                    }
                    (Some(l), None) => {
                        found.push(format!("{a}.{} ({number}): not in {b}", l.name()))
                    }
                    (None, Some(r)) => {
                        found.push(format!("{b}.{} ({number}): not in {a}", r.name()))
                    }
                    (None, None) => unreachable!("numbers come from the two sides"),
                }
            }
        }

        fn compare_fields(
            &self,
            a: &str,
            b: &str,
            (left_message, left): (&DescriptorProto, &FieldDescriptorProto),
            (right_message, right): (&DescriptorProto, &FieldDescriptorProto),
            seen: &mut BTreeSet<(String, String)>,
            found: &mut Vec<String>,
        ) {
            let place = format!("{a}.{} ~ {b}.{}", left.name(), right.name());
            if left.name() != right.name() {
                found.push(format!("{place}: names differ"));
            }
            if left.r#type() != right.r#type() {
                found.push(format!(
                    "{place}: {:?} and {:?}",
                    left.r#type(),
                    right.r#type()
                ));
                return;
            }
            if left.label() != right.label() || left.proto3_optional() != right.proto3_optional() {
                found.push(format!("{place}: cardinalities differ"));
            }
            let oneof = |message: &DescriptorProto, field: &FieldDescriptorProto| {
                field
                    .oneof_index
                    .filter(|_| !field.proto3_optional())
                    .and_then(|i| message.oneof_decl.get(usize::try_from(i).ok()?))
                    .map(|o| o.name().to_owned())
            };
            if oneof(left_message, left) != oneof(right_message, right) {
                found.push(format!("{place}: oneofs differ"));
            }
            match left.r#type() {
                Type::Message | Type::Group => {
                    self.compare_messages(left.type_name(), right.type_name(), seen, found)
                }
                Type::Enum => self.compare_enums(left.type_name(), right.type_name(), found),
                _ => {}
            }
        }

        fn compare_enums(&self, a: &str, b: &str, found: &mut Vec<String>) {
            if a == b {
                return;
            }
            let (Some(left), Some(right)) = (self.enums.get(a), self.enums.get(b)) else {
                found.push(format!("{a} ~ {b}: no such enum"));
                return;
            };
            let values = |e: &EnumDescriptorProto| {
                let prefix = format!("{}_", screaming_snake(e.name()));
                e.value
                    .iter()
                    .map(|v| {
                        let name = v.name();
                        (
                            v.number(),
                            name.strip_prefix(&prefix).unwrap_or(name).to_owned(),
                        )
                    })
                    .collect::<BTreeMap<_, _>>()
            };
            let (left_values, right_values) = (values(left), values(right));
            if left_values != right_values {
                found.push(format!(
                    "{a} ~ {b}: values differ: {left_values:?} and {right_values:?}"
                ));
            }
        }
    }

    /// `MembershipStatus` -> `MEMBERSHIP_STATUS`, the prefix of the enum's value names.
    fn screaming_snake(name: &str) -> String {
        let mut out = String::new();
        let chars: Vec<char> = name.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let word_starts = i > 0
                && c.is_uppercase()
                && (!chars[i - 1].is_uppercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
            if word_starts {
                out.push('_');
            }
            out.extend(c.to_uppercase());
        }
        out
    }

    fn circle() -> Catalog {
        let set = FileDescriptorSet::decode(circle_proto::FILE_DESCRIPTOR_SET)
            .expect("the proto crate's descriptor set decodes");
        Catalog::of(&set)
    }

    #[test]
    fn every_declared_pair_is_wire_identical() {
        let catalog = circle();
        let differences: Vec<String> = PAIRS
            .iter()
            .flat_map(|(a, b)| catalog.differences(&format!(".{a}"), &format!(".{b}")))
            .collect();
        assert!(differences.is_empty(), "{differences:#?}");
    }

    #[test]
    fn a_declared_pair_copies_both_ways() {
        let inside = circle_proto::tribe::v1::GetTribeRequest {
            tribe_id: "t1".into(),
        };
        let outside: circle_proto::edge::v1::GetTribeRequest = copy(&inside).unwrap();
        assert_eq!(outside.tribe_id, "t1");
        let back: circle_proto::tribe::v1::GetTribeRequest = copy(&outside).unwrap();
        assert_eq!(back, inside);
    }

    #[test]
    fn enum_prefixes_are_the_screaming_names() {
        assert_eq!(screaming_snake("MembershipStatus"), "MEMBERSHIP_STATUS");
        assert_eq!(screaming_snake("OAuthProvider"), "O_AUTH_PROVIDER");
        assert_eq!(screaming_snake("Status"), "STATUS");
    }

    fn field(name: &str, number: i32, r#type: Type, type_name: &str) -> FieldDescriptorProto {
        let mut field = FieldDescriptorProto {
            name: Some(name.into()),
            number: Some(number),
            type_name: (!type_name.is_empty()).then(|| type_name.into()),
            ..Default::default()
        };
        field.set_type(r#type);
        field.set_label(prost_types::field_descriptor_proto::Label::Optional);
        field
    }

    fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
        DescriptorProto {
            name: Some(name.into()),
            field: fields,
            ..Default::default()
        }
    }

    fn color(name: &str, values: &[(&str, i32)]) -> EnumDescriptorProto {
        EnumDescriptorProto {
            name: Some(name.into()),
            value: values
                .iter()
                .map(|(name, number)| prost_types::EnumValueDescriptorProto {
                    name: Some((*name).into()),
                    number: Some(*number),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    /// Two packages, each with a message `Outer` holding a nested `Inner` and an enum; `changes`
    /// alters the second package's copy.
    fn two_sides(change: impl FnOnce(&mut DescriptorProto, &mut EnumDescriptorProto)) -> Catalog {
        let side = |package: &str, enum_name: &str, prefix: &str| {
            let inner = message(
                "Inner",
                vec![
                    field("label", 1, Type::String, ""),
                    field("shade", 2, Type::Enum, &format!(".{package}.{enum_name}")),
                ],
            );
            let outer = message(
                "Outer",
                vec![
                    field("id", 1, Type::String, ""),
                    field("inner", 2, Type::Message, &format!(".{package}.Inner")),
                ],
            );
            let shades = color(
                enum_name,
                &[
                    (&format!("{prefix}_UNSPECIFIED"), 0),
                    (&format!("{prefix}_RED"), 1),
                ],
            );
            (package.to_owned(), vec![outer, inner], shades)
        };
        let (a_package, a_messages, a_enum) = side("a.v1", "Color", "COLOR");
        let (b_package, mut b_messages, mut b_enum) = side("b.v1", "Shade", "SHADE");
        change(&mut b_messages[1], &mut b_enum);
        let file = |package: String, messages, e| prost_types::FileDescriptorProto {
            package: Some(package),
            message_type: messages,
            enum_type: vec![e],
            ..Default::default()
        };
        Catalog::of(&FileDescriptorSet {
            file: vec![
                file(a_package, a_messages, a_enum),
                file(b_package, b_messages, b_enum),
            ],
        })
    }

    fn differences(catalog: &Catalog) -> Vec<String> {
        catalog.differences(".a.v1.Outer", ".b.v1.Outer")
    }

    #[test]
    fn the_comparison_sees_every_kind_of_difference_in_nested_types() {
        assert_eq!(differences(&two_sides(|_, _| {})), Vec::<String>::new());

        let added = two_sides(|inner, _| inner.field.push(field("note", 3, Type::String, "")));
        assert_eq!(
            differences(&added),
            [".b.v1.Inner.note (3): not in .a.v1.Inner"]
        );

        let renamed = two_sides(|inner, _| inner.field[0].name = Some("title".into()));
        assert_eq!(
            differences(&renamed),
            [".a.v1.Inner.label ~ .b.v1.Inner.title: names differ"]
        );

        let retyped = two_sides(|inner, _| inner.field[0].set_type(Type::Bytes));
        assert_eq!(
            differences(&retyped),
            [".a.v1.Inner.label ~ .b.v1.Inner.label: String and Bytes"]
        );

        let repeated = two_sides(|inner, _| {
            inner.field[0].set_label(prost_types::field_descriptor_proto::Label::Repeated)
        });
        assert_eq!(
            differences(&repeated),
            [".a.v1.Inner.label ~ .b.v1.Inner.label: cardinalities differ"]
        );

        let optional = two_sides(|inner, _| inner.field[0].proto3_optional = Some(true));
        assert_eq!(
            differences(&optional),
            [".a.v1.Inner.label ~ .b.v1.Inner.label: cardinalities differ"]
        );

        let more_values = two_sides(|_, shade| {
            shade.value.push(prost_types::EnumValueDescriptorProto {
                name: Some("SHADE_BLUE".into()),
                number: Some(2),
                ..Default::default()
            })
        });
        let found = differences(&more_values);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(".a.v1.Color ~ .b.v1.Shade: values differ"),
            "{found:?}"
        );

        let renumbered = two_sides(|_, shade| shade.value[1].number = Some(7));
        assert_eq!(differences(&renumbered).len(), 1);

        let renamed_value = two_sides(|_, shade| shade.value[1].name = Some("SHADE_ROSE".into()));
        assert_eq!(differences(&renamed_value).len(), 1);
    }

    #[test]
    fn an_unknown_message_is_a_difference() {
        let catalog = two_sides(|_, _| {});
        assert_eq!(
            catalog.differences(".a.v1.Outer", ".b.v1.Missing"),
            [".a.v1.Outer ~ .b.v1.Missing: no such message"]
        );
    }
}
