// @generated automatically by Diesel CLI.

pub mod payments {
    diesel::table! {
        payments.customers (id) {
            id -> Uuid,
            user_id -> Uuid,
            #[max_length = 3]
            currency_code -> Bpchar,
            created_at -> Timestamptz,
        }
    }

    diesel::table! {
        payments.idempotency_records (user_id, request_id) {
            user_id -> Uuid,
            request_id -> Uuid,
            request_fingerprint -> Bytea,
            response -> Nullable<Bytea>,
            status_code -> Nullable<Int4>,
            status_message -> Nullable<Text>,
            status_details -> Nullable<Bytea>,
            created_at -> Timestamptz,
        }
    }

    diesel::allow_tables_to_appear_in_same_query!(customers, idempotency_records,);
}
