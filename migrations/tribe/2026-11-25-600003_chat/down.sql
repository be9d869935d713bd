ALTER TABLE tribe_members
    DROP CONSTRAINT tribe_members_read_position_whole,
    DROP COLUMN read_message_id,
    DROP COLUMN read_sent_at;
DROP TABLE tribe_messages;
