-- How each person turned up to each event, as reported by the event service; the internal
-- metrics are computed from these rows, so a repeated or corrected report counts once.
CREATE TABLE attendance_outcomes (
    event_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    outcome text NOT NULL CHECK (outcome IN ('ATTENDED', 'LATE', 'NO_SHOW')),
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, event_id)
);

-- Late arrivals lower the absentee rating too (half as much as a no-show).
ALTER TABLE internal_metrics
    ADD COLUMN late_arrivals integer NOT NULL DEFAULT 0 CHECK (late_arrivals >= 0);
