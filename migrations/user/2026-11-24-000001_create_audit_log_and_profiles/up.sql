-- What every part of the user domain builds on: the audit log of sensitive actions, the three
-- views of a person (private details, public social profile, Tribe matching fields), and the
-- internal metrics no person ever reads.

-- Rows are never updated or deleted; erasure anonymizes the subject's own rows elsewhere.
CREATE TABLE audit_log (
    id uuid PRIMARY KEY,
    -- A person, or NULL with actor_service set when a service acted on its own behalf.
    actor_id uuid,
    actor_service text,
    action text NOT NULL,
    resource_type text NOT NULL,
    resource_id text NOT NULL,
    -- Whose data the action touched, when it is a person's.
    subject_id uuid,
    ip_address text,
    user_agent text,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_one_actor CHECK ((actor_id IS NULL) <> (actor_service IS NULL))
);

CREATE INDEX audit_log_actor ON audit_log (actor_id, created_at DESC, id DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_id, created_at DESC, id DESC);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, created_at DESC, id DESC);

-- One person, three views, one table each (all rows created on first write):
-- the private details only the owner, admins and services read;
CREATE TABLE personal_details (
    user_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    phone_number text,
    last_name text,
    birth_date date,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- the public social profile everyone sees (age comes from personal_details.birth_date);
CREATE TABLE social_profiles (
    user_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    first_name text,
    preferred_name text,
    bio text,
    gender text,
    occupation text,
    location_name text,
    current_photo_id uuid,
    current_face_card_photo_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- and the Tribe fields matchmaking works from.
CREATE TABLE matching_profiles (
    user_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    latitude double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    communication_style text
        CHECK (communication_style IN ('DIRECT', 'THOUGHTFUL', 'SUPPORTIVE', 'ANALYTICAL', 'EXPRESSIVE')),
    max_travel_km integer CHECK (max_travel_km BETWEEN 1 AND 500),
    -- Whether the person takes part in automatic tribe matching.
    opted_in boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT matching_profiles_position_whole CHECK ((latitude IS NULL) = (longitude IS NULL))
);

CREATE INDEX matching_profiles_opted_in ON matching_profiles (user_id) WHERE opted_in;

-- Written by the system from facts (attendance, matching); read by internal callers only.
CREATE TABLE internal_metrics (
    user_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    -- 1.0 is perfectly reliable; each no-show or late arrival lowers it.
    absentee_rating double precision NOT NULL DEFAULT 1.0 CHECK (absentee_rating BETWEEN 0 AND 1),
    events_attended integer NOT NULL DEFAULT 0 CHECK (events_attended >= 0),
    no_shows integer NOT NULL DEFAULT 0 CHECK (no_shows >= 0),
    internal_attractiveness_rating double precision,
    updated_at timestamptz NOT NULL DEFAULT now()
);
