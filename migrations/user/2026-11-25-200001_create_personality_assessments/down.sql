DROP TABLE personality_assessments;
