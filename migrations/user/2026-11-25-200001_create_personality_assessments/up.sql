-- OCEAN personality assessments (Tribe seed 000: PersonalityTrait). One row per assessment with
-- all five scores; a person's latest row is their current personality, older rows are history.
CREATE TABLE personality_assessments (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    openness smallint NOT NULL CHECK (openness BETWEEN 0 AND 100),
    conscientiousness smallint NOT NULL CHECK (conscientiousness BETWEEN 0 AND 100),
    extraversion smallint NOT NULL CHECK (extraversion BETWEEN 0 AND 100),
    agreeableness smallint NOT NULL CHECK (agreeableness BETWEEN 0 AND 100),
    neuroticism smallint NOT NULL CHECK (neuroticism BETWEEN 0 AND 100),
    -- The person's idempotency key of the request that recorded it.
    request_id uuid,
    assessed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT personality_assessments_request UNIQUE (user_id, request_id)
);

-- Current traits and history pages, newest first.
CREATE INDEX personality_assessments_user ON personality_assessments (user_id, assessed_at DESC, id DESC);
