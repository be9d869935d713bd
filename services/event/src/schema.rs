// @generated automatically by Diesel CLI.

pub mod events {
    diesel::table! {
        events.events (id) {
            id -> Uuid,
            title -> Text,
            description -> Text,
            status -> Text,
            owner_id -> Uuid,
            starts_at -> Timestamptz,
            ends_at -> Nullable<Timestamptz>,
            request_id -> Nullable<Uuid>,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
        }
    }
}
