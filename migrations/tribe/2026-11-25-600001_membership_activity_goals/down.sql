DROP TABLE outbox;
DROP TABLE tribe_goals;
DROP TABLE tribe_activities;
DROP TABLE tribe_interests;
DROP INDEX tribe_members_listing;
DROP INDEX tribe_members_by_user;
ALTER TABLE tribe_members DROP COLUMN updated_at, DROP COLUMN invited_by;
ALTER TABLE tribes
    DROP CONSTRAINT tribes_member_count_within_capacity,
    DROP CONSTRAINT tribes_location_whole,
    DROP COLUMN last_activity_at,
    DROP COLUMN member_count,
    DROP COLUMN longitude,
    DROP COLUMN latitude,
    DROP COLUMN location_name;
