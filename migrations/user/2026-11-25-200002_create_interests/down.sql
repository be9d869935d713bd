DROP TABLE profile_interests;
DROP TABLE interests;
