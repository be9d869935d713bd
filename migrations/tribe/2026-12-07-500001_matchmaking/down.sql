DELETE FROM tribe_members WHERE status = 'DECLINED';
ALTER TABLE tribe_members
    DROP CONSTRAINT tribe_members_status_check,
    ADD CONSTRAINT tribe_members_status_check
        CHECK (status IN ('PENDING', 'ACTIVE', 'INACTIVE', 'LEFT', 'REMOVED'));
DROP TABLE match_groups;
DROP TABLE matchmaking_runs;
