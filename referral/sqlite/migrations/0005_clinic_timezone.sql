-- The clinic's own time zone, apart from the feeds' fallback: online groups'
-- times are read and printed in it. '' = not saved (the window asks once when
-- the machine's zone is UTC or unknown).
ALTER TABLE settings ADD COLUMN clinic_timezone TEXT NOT NULL DEFAULT '';
