-- The global interest catalog (Momento's interests, each in a Tribe category) and the interests
-- people pick from it with a level (Tribe's Interest: LOW, MEDIUM, HIGH).

-- pg_trgm is an extension a superuser creates in public (scripts/db.sh, the test template), so
-- that this migration needs no more than the service role's rights. Say so instead of failing
-- on an unknown operator class.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        RAISE EXCEPTION 'extension pg_trgm is missing in this database: '
            'run scripts/db.sh up, or CREATE EXTENSION pg_trgm SCHEMA public as a superuser';
    END IF;
END
$$;

CREATE TABLE interests (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
    category text NOT NULL CHECK (category IN ('OUTDOOR_ADVENTURES', 'ARTS_CULTURE', 'FOOD_DINING',
        'SPORTS_FITNESS', 'GAMES_ENTERTAINMENT', 'LEARNING_EDUCATION', 'TECHNOLOGY',
        'WELLNESS_MINDFULNESS')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Names are unique whatever their case; the catalog lists in this order.
CREATE UNIQUE INDEX interests_name_unique ON interests (lower(name));
CREATE INDEX interests_category_name ON interests (category, lower(name), id);
-- Prefix (LIKE 'abc%') and similarity (<%) search.
CREATE INDEX interests_name_trgm ON interests USING gin (lower(name) gin_trgm_ops);

CREATE TABLE profile_interests (
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    interest_id uuid NOT NULL REFERENCES interests (id) ON DELETE CASCADE,
    level text NOT NULL CHECK (level IN ('LOW', 'MEDIUM', 'HIGH')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, interest_id)
);

-- A person's interests, newest first.
CREATE INDEX profile_interests_user_page ON profile_interests (user_id, created_at DESC, interest_id DESC);
-- Who picked an interest.
CREATE INDEX profile_interests_interest ON profile_interests (interest_id);
