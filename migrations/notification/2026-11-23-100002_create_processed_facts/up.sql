-- Facts from other services' outboxes that were applied here, so each is applied once.
CREATE TABLE processed_facts (fact_id uuid PRIMARY KEY, topic text NOT NULL,
  producer text NOT NULL, processed_at timestamptz NOT NULL DEFAULT now());
