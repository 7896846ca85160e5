-- An activity's start and end time (minutes of the day) and a description, so that a
-- volunteer knows when to come and what it is about.
ALTER TABLE activities ADD COLUMN start_min INTEGER NOT NULL DEFAULT 540;
ALTER TABLE activities ADD COLUMN end_min INTEGER NOT NULL DEFAULT 660;
ALTER TABLE activities ADD COLUMN description TEXT NOT NULL DEFAULT '';
