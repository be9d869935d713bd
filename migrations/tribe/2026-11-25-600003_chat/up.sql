-- Chat: each tribe's messages and each member's read position.

CREATE TABLE tribe_messages (
    id uuid PRIMARY KEY,
    tribe_id uuid NOT NULL REFERENCES tribes (id) ON DELETE CASCADE,
    -- The sender; NULL for what the service posts (SYSTEM, EVENT, AI_PROMPT).
    user_id uuid,
    message_type text NOT NULL
        CHECK (message_type IN ('TEXT', 'IMAGE', 'SYSTEM', 'AI_PROMPT', 'EVENT')),
    content text NOT NULL CHECK (char_length(content) BETWEEN 1 AND 4000),
    metadata jsonb NOT NULL DEFAULT '{}',
    -- The clock, not the transaction's start: history is in the order messages were written.
    sent_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT tribe_messages_sender_by_type
        CHECK ((user_id IS NULL) = (message_type IN ('SYSTEM', 'AI_PROMPT', 'EVENT')))
);

CREATE INDEX tribe_messages_history ON tribe_messages (tribe_id, sent_at DESC, id DESC);

ALTER TABLE tribe_members
    -- The last message the member has read, as its (sent_at, id); NULL before the first.
    ADD COLUMN read_sent_at timestamptz,
    ADD COLUMN read_message_id uuid,
    ADD CONSTRAINT tribe_members_read_position_whole
        CHECK ((read_sent_at IS NULL) = (read_message_id IS NULL));
