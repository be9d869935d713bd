DROP INDEX blocks_blocker_newest;
