-- Where a tribe meets and how full it is, what it is about, its activity log, its goals, and
-- the outbox of its facts.

ALTER TABLE tribes
    ADD COLUMN location_name text NOT NULL DEFAULT '' CHECK (char_length(location_name) <= 120),
    ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90),
    ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    -- ACTIVE members, kept in step under the tribe's row lock; the CHECK is the last line
    -- against an overfilled tribe.
    ADD COLUMN member_count smallint NOT NULL DEFAULT 0,
    -- The last message, event or membership change; the lifecycle job reads it.
    ADD COLUMN last_activity_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT tribes_location_whole CHECK ((latitude IS NULL) = (longitude IS NULL)),
    ADD CONSTRAINT tribes_member_count_within_capacity
        CHECK (member_count BETWEEN 0 AND max_members);

UPDATE tribes SET member_count = (
    SELECT count(*) FROM tribe_members m WHERE m.tribe_id = tribes.id AND m.status = 'ACTIVE'
);

ALTER TABLE tribe_members
    -- Who invited a PENDING member; NULL for a PENDING request to join.
    ADD COLUMN invited_by uuid,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE INDEX tribe_members_by_user ON tribe_members (user_id);
CREATE INDEX tribe_members_listing ON tribe_members (tribe_id, joined_at, user_id);

CREATE TABLE tribe_interests (
    tribe_id uuid NOT NULL REFERENCES tribes (id) ON DELETE CASCADE,
    category text NOT NULL CHECK (category IN ('OUTDOOR_ADVENTURES', 'ARTS_CULTURE',
        'FOOD_DINING', 'SPORTS_FITNESS', 'GAMES_ENTERTAINMENT', 'LEARNING_EDUCATION',
        'TECHNOLOGY', 'WELLNESS_MINDFULNESS')),
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    is_primary boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tribe_id, category, name)
);

CREATE INDEX tribe_interests_by_category ON tribe_interests (category, tribe_id);

CREATE TABLE tribe_activities (
    id uuid PRIMARY KEY,
    tribe_id uuid NOT NULL REFERENCES tribes (id) ON DELETE CASCADE,
    -- Who acted; NULL when the service did (the lifecycle job).
    user_id uuid,
    activity_type text NOT NULL CHECK (activity_type IN ('TRIBE_CREATED', 'TRIBE_UPDATED',
        'TRIBE_DISSOLVED', 'STATUS_CHANGED', 'MEMBER_JOINED', 'MEMBER_LEFT', 'MEMBER_REMOVED',
        'MEMBER_INVITED', 'JOIN_REQUESTED', 'JOIN_DECLINED', 'CREATOR_TRANSFERRED',
        'EVENT_CREATED', 'EVENT_COMPLETED', 'AI_SUGGESTION', 'CHALLENGE_CREATED',
        'CHALLENGE_COMPLETED')),
    description text NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tribe_activities_feed ON tribe_activities (tribe_id, created_at DESC, id DESC);

CREATE TABLE tribe_goals (
    id uuid PRIMARY KEY,
    tribe_id uuid NOT NULL REFERENCES tribes (id) ON DELETE CASCADE,
    title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
    description text NOT NULL CHECK (char_length(description) <= 1000),
    created_by uuid NOT NULL,
    target_date timestamptz,
    completed_at timestamptz,
    completed_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tribe_goals_completion_whole CHECK ((completed_at IS NULL) = (completed_by IS NULL))
);

CREATE INDEX tribe_goals_by_tribe ON tribe_goals (tribe_id, created_at DESC, id DESC);

-- Facts for other services, written in the transaction of the change and relayed at least once.
CREATE TABLE outbox (id uuid PRIMARY KEY, fact_id uuid NOT NULL, consumer text NOT NULL,
  topic text NOT NULL, aggregate_id text NOT NULL, payload bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz, last_error text,
  UNIQUE (fact_id, consumer));
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
