DROP TABLE host_ratings;
DROP TABLE host_profiles;
