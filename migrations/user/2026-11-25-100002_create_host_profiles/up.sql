-- The public profile of a person who hosts events (Momento): at most one per person.
CREATE TABLE host_profiles (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    host_name text NOT NULL,
    host_bio text,
    -- The average rating is rating_sum / rating_count, kept exact in integers.
    rating_sum bigint NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
    rating_count bigint NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Each rating fact counted once (the event service may deliver it again).
CREATE TABLE host_ratings (
    rating_id uuid PRIMARY KEY,
    host_id uuid NOT NULL REFERENCES host_profiles (id) ON DELETE CASCADE,
    rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    recorded_at timestamptz NOT NULL
);

CREATE INDEX host_ratings_host ON host_ratings (host_id);
