// @generated automatically by Diesel CLI.

pub mod users {
    diesel::table! {
        users.accounts (id) {
            id -> Uuid,
            email -> Text,
            password_hash -> Text,
            status -> Text,
            role -> Text,
            email_verified_at -> Nullable<Timestamptz>,
            created_at -> Timestamptz,
            updated_at -> Timestamptz,
            deleted_at -> Nullable<Timestamptz>,
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

    diesel::joinable!(email_verification_codes -> accounts (user_id));
    diesel::joinable!(refresh_tokens -> sessions (session_id));
    diesel::joinable!(sessions -> accounts (user_id));

    diesel::allow_tables_to_appear_in_same_query!(
        accounts,
        email_verification_codes,
        refresh_tokens,
        sessions,
    );
}
