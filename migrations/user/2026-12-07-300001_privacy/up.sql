-- Privacy (GDPR): consent to marketing and analytics, and erasure.

-- A person's current answer per purpose, with when it was last given and last withdrawn
-- (no row: never asked, which counts as not granted).
CREATE TABLE consents (
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('MARKETING', 'ANALYTICS')),
    granted boolean NOT NULL,
    granted_at timestamptz,
    withdrawn_at timestamptz,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, purpose),
    CONSTRAINT consents_granted_when CHECK (NOT granted OR granted_at IS NOT NULL)
);

-- Every change of a consent, oldest first: the proof of what the person agreed to when.
CREATE TABLE consent_changes (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('MARKETING', 'ANALYTICS')),
    granted boolean NOT NULL,
    changed_at timestamptz NOT NULL
);

CREATE INDEX consent_changes_user ON consent_changes (user_id, changed_at, id);

-- An erased account keeps its id (other services and the audit log refer to it) but no
-- personal data; it is always a deleted one.
ALTER TABLE accounts
    ADD COLUMN erased_at timestamptz,
    ADD CONSTRAINT accounts_erased_deleted
        CHECK (erased_at IS NULL OR (status = 'DELETED' AND deleted_at IS NOT NULL));
