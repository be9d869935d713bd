ALTER TABLE accounts DROP CONSTRAINT accounts_erased_deleted, DROP COLUMN erased_at;
DROP TABLE consent_changes;
DROP TABLE consents;
