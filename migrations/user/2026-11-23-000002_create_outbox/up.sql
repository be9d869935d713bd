-- Facts for other services, written in the transaction of the change and relayed at least once.
CREATE TABLE outbox (id uuid PRIMARY KEY, fact_id uuid NOT NULL, consumer text NOT NULL,
  topic text NOT NULL, aggregate_id text NOT NULL, payload bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz, last_error text,
  UNIQUE (fact_id, consumer));
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
