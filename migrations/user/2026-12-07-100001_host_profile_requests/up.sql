-- Creating a host profile is idempotent by the client's request id: a replay of the same
-- request returns the profile it created.
ALTER TABLE host_profiles ADD COLUMN request_id uuid;
