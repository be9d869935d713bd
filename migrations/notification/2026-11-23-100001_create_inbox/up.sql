-- Every person's inbox and the deliveries of each notification over its channels.
-- user_id is the user service's account id: a plain uuid, since that service owns the users.

CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    type text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    -- After this the notification no longer shows in the inbox (e.g. a code that expired).
    expires_at timestamptz
);

-- The inbox, newest first, read with keyset pagination over (created_at, id).
CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC, id DESC);

-- One row per channel a notification goes out on. IN_APP is delivered when the notification is
-- written; EMAIL is PENDING until the mail channel accepted it, retried by a sweeper meanwhile.
CREATE TABLE deliveries (
    id uuid PRIMARY KEY,
    notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    channel text NOT NULL CHECK (channel IN ('IN_APP', 'EMAIL', 'PUSH')),
    -- The address on the channel: the email address, a device token; none for IN_APP.
    destination text,
    status text NOT NULL CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    CONSTRAINT deliveries_notification_channel_key UNIQUE (notification_id, channel),
    CONSTRAINT deliveries_destination_required
        CHECK (channel = 'IN_APP' OR destination IS NOT NULL),
    CONSTRAINT deliveries_sent_at_iff_sent CHECK ((status = 'SENT') = (sent_at IS NOT NULL))
);

-- What the sweeper retries.
CREATE INDEX deliveries_pending ON deliveries (created_at) WHERE status = 'PENDING';
