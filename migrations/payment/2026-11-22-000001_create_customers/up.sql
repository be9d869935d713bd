-- The payment customer of a person: one per user.

CREATE TABLE customers (
    id uuid PRIMARY KEY,
    -- A user of the user service (no foreign key across services).
    user_id uuid NOT NULL UNIQUE,
    -- ISO 4217 code of the currency the customer pays in.
    currency_code char(3) NOT NULL CHECK (currency_code ~ '^[A-Z]{3}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
