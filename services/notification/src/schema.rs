// @generated automatically by Diesel CLI.

pub mod notifications {
    diesel::table! {
        notifications.deliveries (id) {
            id -> Uuid,
            notification_id -> Uuid,
            channel -> Text,
            destination -> Nullable<Text>,
            status -> Text,
            attempts -> Int4,
            last_error -> Nullable<Text>,
            created_at -> Timestamptz,
            sent_at -> Nullable<Timestamptz>,
        }
    }

    diesel::table! {
        notifications.erased_users (user_id) {
            user_id -> Uuid,
            erased_at -> Timestamptz,
        }
    }

    diesel::table! {
        notifications.notifications (id) {
            id -> Uuid,
            user_id -> Uuid,
            #[sql_name = "type"]
            type_ -> Text,
            title -> Text,
            body -> Text,
            data -> Jsonb,
            created_at -> Timestamptz,
            read_at -> Nullable<Timestamptz>,
            expires_at -> Nullable<Timestamptz>,
        }
    }

    diesel::joinable!(deliveries -> notifications (notification_id));

    diesel::allow_tables_to_appear_in_same_query!(deliveries, erased_users, notifications,);
}
