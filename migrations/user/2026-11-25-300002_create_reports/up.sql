-- Reports one person files about another (Momento seed), queued for the moderators.
CREATE TABLE reports (
    id uuid PRIMARY KEY,
    reporter_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reported_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    category text NOT NULL
        CHECK (category IN ('HARASSMENT', 'SPAM', 'INAPPROPRIATE_CONTENT', 'FAKE_PROFILE',
                            'SAFETY_CONCERN', 'OTHER')),
    comments text NOT NULL DEFAULT '' CHECK (char_length(comments) <= 2000),
    -- The reporter's key for a retried ReportUser; NULL when none was given.
    request_id text,
    status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED')),
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolved_by uuid,
    outcome text CHECK (char_length(outcome) <= 2000),
    action text CHECK (action IN ('NONE', 'SUSPEND', 'BAN')),
    CONSTRAINT reports_not_self CHECK (reporter_id <> reported_id),
    CONSTRAINT reports_resolution_whole CHECK (
        (status = 'RESOLVED') = (resolved_at IS NOT NULL)
        AND (resolved_at IS NULL) = (resolved_by IS NULL)
        AND (resolved_at IS NULL) = (outcome IS NULL)
        AND (resolved_at IS NULL) = (action IS NULL)
    ),
    CONSTRAINT reports_request_once UNIQUE (reporter_id, request_id)
);

-- The moderation queue: oldest first within a status.
CREATE INDEX reports_queue ON reports (status, created_at, id);
-- Reports about one person.
CREATE INDEX reports_reported ON reports (reported_id);
