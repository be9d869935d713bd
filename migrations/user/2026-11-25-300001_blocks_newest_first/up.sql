-- ListBlocks pages through one person's blocks newest first, keyset on (created_at, blocked_id).
CREATE INDEX blocks_blocker_newest ON blocks (blocker_id, created_at DESC, blocked_id DESC);
