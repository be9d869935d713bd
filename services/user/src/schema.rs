// @generated automatically by Diesel CLI.

pub mod users {
    diesel::table! {
        users.accounts (id) {
            id -> Uuid,
            email -> Text,
            password_hash -> Nullable<Text>,
            status -> Text,
            role -> Text,
            email_verified_at -> Nullable<Timestamptz>,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
            deleted_at -> Nullable<Timestamptz>,
            erased_at -> Nullable<Timestamptz>,
        }
    }

    diesel::table! {
        users.achievements (id) {
            id -> Uuid,
            name -> Text,
            description -> Text,
            category -> Text,
            points -> Int4,
            icon_url -> Text,
            criteria -> Jsonb,
            request_id -> Nullable<Uuid>,
            requested -> Nullable<Jsonb>,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.attendance_outcomes (user_id, event_id) {
            event_id -> Uuid,
            user_id -> Uuid,
            outcome -> Text,
            recorded_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.audit_log (id) {
            id -> Uuid,
            actor_id -> Nullable<Uuid>,
            actor_service -> Nullable<Text>,
            action -> Text,
            resource_type -> Text,
            resource_id -> Text,
            subject_id -> Nullable<Uuid>,
            ip_address -> Nullable<Text>,
            user_agent -> Nullable<Text>,
            metadata -> Jsonb,
            created_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.blocks (blocker_id, blocked_id) {
            blocker_id -> Uuid,
            blocked_id -> Uuid,
            created_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.connect_again (owner_id, connected_id) {
            owner_id -> Uuid,
            connected_id -> Uuid,
            wants -> Bool,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.connections (id) {
            id -> Uuid,
            owner_id -> Uuid,
            connected_id -> Uuid,
            event_id -> Uuid,
            met_at -> Timestamptz,
            snapshot_name -> Nullable<Text>,
            snapshot_face_card_url -> Nullable<Text>,
            was_photo_authentic -> Bool,
            is_favorite -> Bool,
            private_notes -> Text,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.consent_changes (id) {
            id -> Uuid,
            user_id -> Uuid,
            purpose -> Text,
            granted -> Bool,
            changed_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.consents (user_id, purpose) {
            user_id -> Uuid,
            purpose -> Text,
            granted -> Bool,
            granted_at -> Nullable<Timestamptz>,
            withdrawn_at -> Nullable<Timestamptz>,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.email_verification_codes (user_id) {
            user_id -> Uuid,
            code_hash -> Text,
            attempts -> Int4,
            created_at -> Timestamptz,
            expires_at -> Timestamptz,
            consumed_at -> Nullable<Timestamptz>,
        }
    }

    diesel::table! {
        users.host_profiles (id) {
            id -> Uuid,
            user_id -> Uuid,
            host_name -> Text,
            host_bio -> Nullable<Text>,
            rating_sum -> Int8,
            rating_count -> Int8,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
            request_id -> Nullable<Uuid>,
        }
    }

    diesel::table! {
        users.host_ratings (rating_id) {
            rating_id -> Uuid,
            host_id -> Uuid,
            rating -> Int4,
            recorded_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.interests (id) {
            id -> Uuid,
            name -> Text,
            category -> Text,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.internal_metrics (user_id) {
            user_id -> Uuid,
            absentee_rating -> Float8,
            events_attended -> Int4,
            no_shows -> Int4,
            internal_attractiveness_rating -> Nullable<Float8>,
            updated_at -> Timestamptz,
            late_arrivals -> Int4,
        }
    }

    diesel::table! {
        users.matching_profiles (user_id) {
            user_id -> Uuid,
            latitude -> Nullable<Float8>,
            longitude -> Nullable<Float8>,
            communication_style -> Nullable<Text>,
            max_travel_km -> Nullable<Int4>,
            opted_in -> Bool,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.oauth_identities (id) {
            id -> Uuid,
            user_id -> Uuid,
            provider -> Text,
            subject -> Text,
            email -> Nullable<Text>,
            created_at -> Timestamptz,
            last_sign_in_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.personal_details (user_id) {
            user_id -> Uuid,
            phone_number -> Nullable<Text>,
            last_name -> Nullable<Text>,
            birth_date -> Nullable<Date>,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.personality_assessments (id) {
            id -> Uuid,
            user_id -> Uuid,
            openness -> Int2,
            conscientiousness -> Int2,
            extraversion -> Int2,
            agreeableness -> Int2,
            neuroticism -> Int2,
            request_id -> Nullable<Uuid>,
            assessed_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.profile_interests (user_id, interest_id) {
            user_id -> Uuid,
            interest_id -> Uuid,
            level -> Text,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.profile_photos (id) {
            id -> Uuid,
            user_id -> Uuid,
            request_id -> Uuid,
            image_url -> Text,
            taken_in_app -> Bool,
            created_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.refresh_tokens (id) {
            id -> Uuid,
            session_id -> Uuid,
            token_hash -> Text,
            created_at -> Timestamptz,
            expires_at -> Timestamptz,
            rotated_at -> Nullable<Timestamptz>,
        }
    }

    diesel::table! {
        users.reports (id) {
            id -> Uuid,
            reporter_id -> Uuid,
            reported_id -> Uuid,
            category -> Text,
            comments -> Text,
            request_id -> Nullable<Text>,
            status -> Text,
            created_at -> Timestamptz,
            resolved_at -> Nullable<Timestamptz>,
            resolved_by -> Nullable<Uuid>,
            outcome -> Nullable<Text>,
            action -> Nullable<Text>,
        }
    }

    diesel::table! {
        users.sessions (id) {
            id -> Uuid,
            user_id -> Uuid,
            device -> Nullable<Text>,
            ip_address -> Nullable<Text>,
            user_agent -> Nullable<Text>,
            created_at -> Timestamptz,
            last_used_at -> Timestamptz,
            revoked_at -> Nullable<Timestamptz>,
        }
    }

    diesel::table! {
        users.social_profiles (user_id) {
            user_id -> Uuid,
            first_name -> Nullable<Text>,
            preferred_name -> Nullable<Text>,
            bio -> Nullable<Text>,
            gender -> Nullable<Text>,
            occupation -> Nullable<Text>,
            location_name -> Nullable<Text>,
            current_photo_id -> Nullable<Uuid>,
            current_face_card_photo_id -> Nullable<Uuid>,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
        }
    }

    diesel::table! {
        users.user_achievements (id) {
            id -> Uuid,
            user_id -> Uuid,
            achievement_id -> Uuid,
            points -> Int4,
            metadata -> Jsonb,
            awarded_at -> Timestamptz,
        }
    }

    diesel::joinable!(attendance_outcomes -> accounts (user_id));
    diesel::joinable!(consent_changes -> accounts (user_id));
    diesel::joinable!(consents -> accounts (user_id));
    diesel::joinable!(email_verification_codes -> accounts (user_id));
    diesel::joinable!(host_profiles -> accounts (user_id));
    diesel::joinable!(host_ratings -> host_profiles (host_id));
    diesel::joinable!(internal_metrics -> accounts (user_id));
    diesel::joinable!(matching_profiles -> accounts (user_id));
    diesel::joinable!(oauth_identities -> accounts (user_id));
    diesel::joinable!(personal_details -> accounts (user_id));
    diesel::joinable!(personality_assessments -> accounts (user_id));
    diesel::joinable!(profile_interests -> accounts (user_id));
    diesel::joinable!(profile_interests -> interests (interest_id));
    diesel::joinable!(profile_photos -> accounts (user_id));
    diesel::joinable!(refresh_tokens -> sessions (session_id));
    diesel::joinable!(sessions -> accounts (user_id));
    diesel::joinable!(social_profiles -> accounts (user_id));
    diesel::joinable!(user_achievements -> accounts (user_id));
    diesel::joinable!(user_achievements -> achievements (achievement_id));

    diesel::allow_tables_to_appear_in_same_query!(
        accounts,
        achievements,
        attendance_outcomes,
        audit_log,
        blocks,
        connect_again,
        connections,
        consent_changes,
        consents,
        email_verification_codes,
        host_profiles,
        host_ratings,
        interests,
        internal_metrics,
        matching_profiles,
        oauth_identities,
        personal_details,
        personality_assessments,
        profile_interests,
        profile_photos,
        refresh_tokens,
        reports,
        sessions,
        social_profiles,
        user_achievements,
    );
}
