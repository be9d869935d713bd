-- Matchmaking: its runs (one RUNNING at a time, across instances), the group each run formed
-- for a tribe with the reasons it gave, and invitations a person declined.

CREATE TABLE matchmaking_runs (
    id uuid PRIMARY KEY,
    trigger text NOT NULL CHECK (trigger IN ('ADMIN', 'SCHEDULE')),
    -- The admin who started it; NULL for the schedule.
    started_by uuid,
    status text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    -- Opted-in people the user service listed.
    candidate_count integer NOT NULL DEFAULT 0 CHECK (candidate_count >= 0),
    -- Listed but without a location, a travel distance or an assessment.
    skipped_count integer NOT NULL DEFAULT 0 CHECK (skipped_count >= 0),
    -- Listed but already matched (a pending invitation or a matched tribe they belong to).
    excluded_count integer NOT NULL DEFAULT 0 CHECK (excluded_count >= 0),
    -- Given to the matching library.
    input_count integer NOT NULL DEFAULT 0 CHECK (input_count >= 0),
    placed_count integer NOT NULL DEFAULT 0 CHECK (placed_count >= 0),
    group_count integer NOT NULL DEFAULT 0 CHECK (group_count >= 0),
    objective double precision NOT NULL DEFAULT 0,
    duration_ms bigint CHECK (duration_ms >= 0),
    failure text,
    CONSTRAINT matchmaking_runs_finished_whole
        CHECK ((status = 'RUNNING') = (finished_at IS NULL AND duration_ms IS NULL)),
    CONSTRAINT matchmaking_runs_failure_explained
        CHECK ((status = 'FAILED') = (failure IS NOT NULL))
);

-- Never two runs at once: a second RUNNING row is a unique violation, whichever instance
-- inserts it.
CREATE UNIQUE INDEX matchmaking_runs_one_running ON matchmaking_runs ((true))
    WHERE status = 'RUNNING';
CREATE INDEX matchmaking_runs_listing ON matchmaking_runs (started_at DESC, id DESC);

CREATE TABLE match_groups (
    tribe_id uuid PRIMARY KEY REFERENCES tribes (id) ON DELETE CASCADE,
    run_id uuid NOT NULL REFERENCES matchmaking_runs (id),
    -- How many the run put in the group.
    group_size smallint NOT NULL CHECK (group_size BETWEEN 4 AND 8),
    score double precision NOT NULL,
    -- The library's reasons: shared interests with how many hold each, the mean interest,
    -- trait and style similarities, and the farthest travel to the meeting point.
    reasons jsonb NOT NULL
);

CREATE INDEX match_groups_by_run ON match_groups (run_id);

ALTER TABLE tribe_members
    DROP CONSTRAINT tribe_members_status_check,
    ADD CONSTRAINT tribe_members_status_check
        CHECK (status IN ('PENDING', 'ACTIVE', 'INACTIVE', 'LEFT', 'REMOVED', 'DECLINED'));
