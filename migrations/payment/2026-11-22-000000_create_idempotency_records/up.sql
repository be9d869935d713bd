-- The first outcome of every request sent with a request id, replayed to its repeats.

CREATE TABLE idempotency_records (
    -- The key: who sent the request (a user of the user service) and their request id.
    user_id uuid NOT NULL,
    request_id uuid NOT NULL,
    -- SHA-256 of the method and its canonical request: a repeat must match it.
    request_fingerprint bytea NOT NULL CHECK (octet_length(request_fingerprint) = 32),
    -- The outcome, written in the transaction that claimed the key: the encoded response...
    response bytea,
    -- ...or the gRPC status the request was answered with.
    status_code integer CHECK (status_code BETWEEN 1 AND 16),
    status_message text,
    status_details bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, request_id),
    CHECK (response IS NULL OR status_code IS NULL),
    CHECK ((status_code IS NULL) = (status_message IS NULL)),
    CHECK ((status_code IS NULL) = (status_details IS NULL))
);

-- Expired records are purged by age.
CREATE INDEX idempotency_records_created_at ON idempotency_records (created_at);
