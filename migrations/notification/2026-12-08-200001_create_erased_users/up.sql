-- People who were erased (the fact "user.erased"): their notifications and deliveries are
-- deleted, and facts about them that arrive later (relays are not ordered across services)
-- write nothing. Only the anonymous account id is kept.
CREATE TABLE erased_users (
    user_id uuid PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now()
);
