-- Sign-in with an identity provider: an account created that way has no password until its
-- owner sets one, and each (provider, subject) pair is linked to exactly one account.

ALTER TABLE accounts ALTER COLUMN password_hash DROP NOT NULL;

CREATE TABLE oauth_identities (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    provider text NOT NULL CHECK (provider IN ('GOOGLE', 'APPLE', 'FACEBOOK')),
    -- The provider's stable id of the person (the ID token's "sub").
    subject text NOT NULL,
    -- The verified email the provider vouched for when the link was made.
    email text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT oauth_identities_provider_subject_key UNIQUE (provider, subject)
);

CREATE INDEX oauth_identities_user_id ON oauth_identities (user_id);
