ALTER TABLE host_profiles DROP COLUMN request_id;
