DROP TABLE internal_metrics;
DROP TABLE matching_profiles;
DROP TABLE social_profiles;
DROP TABLE personal_details;
DROP TABLE audit_log;
