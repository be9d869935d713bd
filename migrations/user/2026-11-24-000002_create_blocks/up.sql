-- A block is a hard stop between two people, whichever of them asks about it.
CREATE TABLE blocks (
    blocker_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    blocked_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CONSTRAINT blocks_not_self CHECK (blocker_id <> blocked_id)
);

-- "Who blocked me" and the reverse direction of batch checks.
CREATE INDEX blocks_blocked_id ON blocks (blocked_id);
