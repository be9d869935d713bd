-- The achievement catalog (Tribe's Achievement: name, description, category, point value, icon,
-- criteria as JSON) and the awards of it to people (Tribe's UserAchievement).

CREATE TABLE achievements (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 1000),
    category text NOT NULL CHECK (category IN ('PARTICIPATION', 'SOCIAL', 'HOSTING', 'MILESTONE')),
    points integer NOT NULL CHECK (points >= 0),
    icon_url text NOT NULL,
    criteria jsonb NOT NULL CHECK (jsonb_typeof(criteria) = 'object'),
    -- The idempotency key of the create that made the row, and what it asked for: a repeat
    -- with the same key and other values is refused even after the row has been updated.
    request_id uuid UNIQUE,
    requested jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Names are unique whatever their case; the catalog lists in this order.
CREATE UNIQUE INDEX achievements_name_unique ON achievements (lower(name));

CREATE TABLE user_achievements (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    achievement_id uuid NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    -- The achievement's points when it was awarded: a later change of the catalog does not
    -- rewrite what people earned.
    points integer NOT NULL CHECK (points >= 0),
    metadata jsonb NOT NULL CHECK (jsonb_typeof(metadata) = 'object'),
    awarded_at timestamptz NOT NULL DEFAULT now(),
    -- Awarding twice gives one award.
    CONSTRAINT user_achievements_once UNIQUE (user_id, achievement_id)
);

-- A person's awards, newest first.
CREATE INDEX user_achievements_user_page ON user_achievements (user_id, awarded_at DESC, id DESC);
CREATE INDEX user_achievements_achievement ON user_achievements (achievement_id);
