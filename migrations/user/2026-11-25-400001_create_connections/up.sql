-- The memory book (Momento): a record for each person someone met at an event, owned by the
-- person who met them, with snapshots of how the other person appeared at that time.
CREATE TABLE connections (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    connected_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The event service's event: a plain reference, no foreign key across services.
    event_id uuid NOT NULL,
    met_at timestamptz NOT NULL,
    snapshot_name text,
    snapshot_face_card_url text,
    was_photo_authentic boolean NOT NULL,
    is_favorite boolean NOT NULL DEFAULT false,
    private_notes text NOT NULL DEFAULT '' CHECK (char_length(private_notes) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT connections_once_per_event UNIQUE (owner_id, connected_id, event_id),
    CONSTRAINT connections_not_self CHECK (owner_id <> connected_id)
);

-- The memory book, most recently met first.
CREATE INDEX connections_owner_met ON connections (owner_id, met_at DESC, id DESC);
CREATE INDEX connections_owner_favorites ON connections (owner_id, met_at DESC, id DESC)
    WHERE is_favorite;
CREATE INDEX connections_connected_id ON connections (connected_id);

-- Whether an owner wants to attend another event with a person they met: about the person,
-- so one row per pair whatever the number of events met at (no row: not said). Set through
-- one of the owner's connections with that person.
CREATE TABLE connect_again (
    owner_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    connected_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    wants boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, connected_id)
);

-- The reverse direction of mutual matches and of refusals among a set of people.
CREATE INDEX connect_again_connected_id ON connect_again (connected_id, owner_id);
