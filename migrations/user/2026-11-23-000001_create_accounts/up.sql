-- Accounts and what authenticates them: verification codes, sessions, refresh tokens.
-- Emails are stored trimmed and lowercased by the service, so a plain unique index on the text
-- makes them unique case-insensitively.

CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    password_hash text NOT NULL,
    status text NOT NULL
        CHECK (status IN ('PENDING', 'ACTIVE', 'INACTIVE', 'SUSPENDED', 'DELETED')),
    role text NOT NULL DEFAULT 'USER'
        CHECK (role IN ('USER', 'TRIBE_CREATOR', 'ADMIN')),
    email_verified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT accounts_email_key UNIQUE (email),
    CONSTRAINT accounts_email_normalized CHECK (email = lower(btrim(email)) AND email <> '')
);

-- One live code per account; only its SHA-256 hash (salted with the account id) is kept.
CREATE TABLE email_verification_codes (
    user_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    consumed_at timestamptz
);

CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    device text,
    ip_address text,
    user_agent text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE INDEX sessions_user_id ON sessions (user_id);

-- Refresh tokens are single use: rotating one sets rotated_at and issues the next in the same
-- session. Only the SHA-256 hash of the token is kept.
CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);

CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);
