// @generated automatically by Diesel CLI.

pub mod tribes {
    diesel::table! {
        tribes.tribe_members (tribe_id, user_id) {
            tribe_id -> Uuid,
            user_id -> Uuid,
            role -> Text,
            status -> Text,
            joined_at -> Timestamptz,
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
        }
    }

    diesel::joinable!(tribe_members -> tribes (tribe_id));

    diesel::allow_tables_to_appear_in_same_query!(tribe_members, tribes,);
}
