DROP TABLE user_achievements;
DROP TABLE achievements;
