ALTER TABLE internal_metrics DROP COLUMN late_arrivals;
DROP TABLE attendance_outcomes;
