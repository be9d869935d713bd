-- Tribes of 4 to 8 people and their memberships.

CREATE TABLE tribes (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    description text NOT NULL CHECK (char_length(description) <= 1000),
    status text NOT NULL CHECK (status IN ('FORMING', 'ACTIVE', 'AT_RISK', 'INACTIVE', 'DISSOLVED')),
    privacy text NOT NULL CHECK (privacy IN ('PUBLIC', 'PRIVATE')),
    max_members smallint NOT NULL CHECK (max_members BETWEEN 4 AND 8),
    -- A user of the user service (no foreign key across services).
    creator_id uuid NOT NULL,
    -- The creator's idempotency key; NULLs never collide.
    request_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX tribes_creator_id_request_id_key ON tribes (creator_id, request_id);

CREATE TABLE tribe_members (
    tribe_id uuid NOT NULL REFERENCES tribes (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('CREATOR', 'MEMBER')),
    status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'INACTIVE', 'LEFT', 'REMOVED')),
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tribe_id, user_id)
);

-- A tribe has at most one creator.
CREATE UNIQUE INDEX tribe_members_one_creator ON tribe_members (tribe_id) WHERE role = 'CREATOR';
