DROP TABLE oauth_identities;
-- Accounts without a password cannot log in by password either way.
UPDATE accounts SET password_hash = '!' WHERE password_hash IS NULL;
ALTER TABLE accounts ALTER COLUMN password_hash SET NOT NULL;
