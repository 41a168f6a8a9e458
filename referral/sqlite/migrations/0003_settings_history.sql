-- The clinic's settings: one row (id = 1), absent until first saved, when
-- Settings reads the domain's defaults. One typed row rather than key/value
-- pairs so that a save replaces every setting in one statement and the
-- columns, not a parser, say what each value is. The logo is the picture
-- file's bytes, so the database alone carries everything a sheet needs.
CREATE TABLE settings (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	clinic_name    TEXT NOT NULL DEFAULT '',
	clinic_address TEXT NOT NULL DEFAULT '',
	clinic_phone   TEXT NOT NULL DEFAULT '',
	clinic_website TEXT NOT NULL DEFAULT '',
	clinic_logo    BLOB,                      -- PNG or JPEG; NULL for none
	counselor      TEXT NOT NULL DEFAULT '',
	default_miles  REAL NOT NULL,
	sheet_lang     TEXT NOT NULL,
	sheet_paper    TEXT NOT NULL,
	-- Guarded here too: 0 would make every purge delete the whole log.
	retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
	feed_timezone  TEXT NOT NULL DEFAULT '',  -- '' = the machine's zone
	modified_at    TEXT NOT NULL              -- local clock (UTC)
);

-- The referral log: one row per sheet handed out. It holds client data, so it
-- keeps only what DESIGN §5 allows (an optional label the counselor makes up,
-- the needs, the groups) and rows are deleted once older than the retention
-- period. needs, referred and follow_up are JSON documents whose keys are fixed
-- by the record types in history.go; nothing selects on them.
-- AUTOINCREMENT: an id is never reused, so a History screen left open never
-- shows or deletes another client's entry in place of a purged one.
CREATE TABLE referrals (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	created_at   TEXT NOT NULL,             -- local clock (UTC); retention counts from here
	client_label TEXT NOT NULL DEFAULT '',
	lang         TEXT NOT NULL DEFAULT '',
	paper        TEXT NOT NULL DEFAULT '',
	large        INTEGER NOT NULL DEFAULT 0 CHECK (large IN (0, 1)),
	needs        TEXT NOT NULL DEFAULT '{}',
	referred     TEXT NOT NULL DEFAULT '[]', -- snapshots of the groups, in sheet order
	follow_up    TEXT                        -- NULL until recorded
);

-- Newest-first listing and the purge both walk creation time.
CREATE INDEX referrals_created ON referrals (created_at, id);
