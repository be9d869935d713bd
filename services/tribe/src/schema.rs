// @generated automatically by Diesel CLI.

pub mod tribes {
    diesel::table! {
        tribes.match_groups (tribe_id) {
            tribe_id -> Uuid,
            run_id -> Uuid,
            group_size -> Int2,
            score -> Float8,
            reasons -> Jsonb,
        }
    }

    diesel::table! {
        tribes.matchmaking_runs (id) {
            id -> Uuid,
            trigger -> Text,
            started_by -> Nullable<Uuid>,
            status -> Text,
            started_at -> Timestamptz,
            finished_at -> Nullable<Timestamptz>,
            candidate_count -> Int4,
            skipped_count -> Int4,
            excluded_count -> Int4,
            input_count -> Int4,
            placed_count -> Int4,
            group_count -> Int4,
            objective -> Float8,
            duration_ms -> Nullable<Int8>,
            failure -> Nullable<Text>,
        }
    }

    diesel::table! {
        tribes.tribe_activities (id) {
            id -> Uuid,
            tribe_id -> Uuid,
            user_id -> Nullable<Uuid>,
            activity_type -> Text,
            description -> Text,
            metadata -> Jsonb,
            created_at -> Timestamptz,
        }
    }

    diesel::table! {
        tribes.tribe_goals (id) {
            id -> Uuid,
            tribe_id -> Uuid,
            title -> Text,
            description -> Text,
            created_by -> Uuid,
            target_date -> Nullable<Timestamptz>,
            completed_at -> Nullable<Timestamptz>,
            completed_by -> Nullable<Uuid>,
            created_at -> Timestamptz,
        }
    }

    diesel::table! {
        tribes.tribe_interests (tribe_id, category, name) {
            tribe_id -> Uuid,
            category -> Text,
            name -> Text,
            is_primary -> Bool,
        }
    }

    diesel::table! {
        tribes.tribe_members (tribe_id, user_id) {
            tribe_id -> Uuid,
            user_id -> Uuid,
            role -> Text,
            status -> Text,
            joined_at -> Timestamptz,
            invited_by -> Nullable<Uuid>,
            updated_at -> Timestamptz,
            read_sent_at -> Nullable<Timestamptz>,
            read_message_id -> Nullable<Uuid>,
        }
    }

    diesel::table! {
        tribes.tribe_messages (id) {
            id -> Uuid,
            tribe_id -> Uuid,
            user_id -> Nullable<Uuid>,
            message_type -> Text,
            content -> Text,
            metadata -> Jsonb,
            sent_at -> Timestamptz,
        }
    }

    diesel::table! {
        tribes.tribes (id) {
            id -> Uuid,
            name -> Text,
            description -> Text,
            status -> Text,
            privacy -> Text,
            max_members -> Int2,
            creator_id -> Uuid,
            request_id -> Nullable<Uuid>,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
            location_name -> Text,
            latitude -> Nullable<Float8>,
            longitude -> Nullable<Float8>,
            member_count -> Int2,
            last_activity_at -> Timestamptz,
        }
    }

    diesel::joinable!(match_groups -> matchmaking_runs (run_id));
    diesel::joinable!(match_groups -> tribes (tribe_id));
    diesel::joinable!(tribe_activities -> tribes (tribe_id));
    diesel::joinable!(tribe_goals -> tribes (tribe_id));
    diesel::joinable!(tribe_interests -> tribes (tribe_id));
    diesel::joinable!(tribe_members -> tribes (tribe_id));
    diesel::joinable!(tribe_messages -> tribes (tribe_id));

    diesel::allow_tables_to_appear_in_same_query!(
        match_groups,
        matchmaking_runs,
        tribe_activities,
        tribe_goals,
        tribe_interests,
        tribe_members,
        tribe_messages,
        tribes,
    );
}
