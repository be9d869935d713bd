DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE email_verification_codes;
DROP TABLE accounts;
