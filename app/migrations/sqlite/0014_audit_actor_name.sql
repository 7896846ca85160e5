-- The actor's name as it was when they acted: a display name can be edited later, and
-- the trail must still say who did what then (the id says who it is now).
ALTER TABLE audit_log ADD COLUMN actor_name TEXT;
