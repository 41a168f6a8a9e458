-- Marks the file as a Referral Desk database so Open can tell it apart from
-- another program's SQLite file (which it must never change). 0x52445331 = "RDS1".
PRAGMA application_id = 1380209457;

-- One row per group as its directory lists it. Columns are what queries filter,
-- sort or join on (and what the later feed import, geo pre-filter and export
-- need); the rest of the listing is a JSON document in data, because nothing
-- ever selects on it and one column keeps the write and read code short. Its
-- keys are fixed by the record types in group.go, not by Go field names.
-- AUTOINCREMENT: an id is never reused, so a referral log entry or an open
-- window never comes to point at a different group after a delete.
CREATE TABLE groups (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	source      TEXT NOT NULL,            -- feed name, or 'manual'
	source_id   TEXT NOT NULL,            -- the feed's slug or id
	updated     TEXT,                     -- the feed's last change (UTC), NULL if unknown
	name        TEXT NOT NULL,
	program     TEXT NOT NULL,
	attendance  TEXT NOT NULL CHECK (attendance IN ('in_person', 'online', 'hybrid', 'inactive')),
	timezone    TEXT NOT NULL DEFAULT '',
	days        INTEGER NOT NULL DEFAULT 0, -- bit 1<<weekday (Sunday = 0) set for each day with a session
	lat         REAL,                     -- NULL when the directory gives no coordinates
	lon         REAL,
	data        TEXT NOT NULL DEFAULT '{}',
	created_at  TEXT NOT NULL,            -- local clock, when this row was first stored
	modified_at TEXT NOT NULL,            -- local clock, when this row was last written
	UNIQUE (source, source_id)
);

-- The Directory list: ordered by name (ASCII case folded) then id; the rowid
-- that ends every index gives the id order for free.
CREATE INDEX groups_name ON groups (name COLLATE NOCASE);
CREATE INDEX groups_program ON groups (program);
-- The distance pre-filter of matching: a latitude band, then longitude.
CREATE INDEX groups_lat ON groups (lat) WHERE lat IS NOT NULL;

-- The clinic's own knowledge of a group. Keyed by (source, source_id), not by
-- groups.id and with no foreign key, on purpose: an import that removes a
-- listing and later adds it back creates a new id, and the counselor's notes
-- must still be there. Only DeleteGroup (a person deleting) removes a row.
CREATE TABLE curation (
	source              TEXT NOT NULL,
	source_id           TEXT NOT NULL,
	medication_friendly TEXT NOT NULL DEFAULT '' CHECK (medication_friendly IN ('', 'unknown', 'yes', 'no')),
	verified_on         TEXT,             -- NULL if never verified
	notes               TEXT NOT NULL DEFAULT '',
	hidden              INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
	modified_at         TEXT NOT NULL,    -- local clock
	PRIMARY KEY (source, source_id)
) WITHOUT ROWID;

-- Text search. Contentless (the words live in groups.data already) with
-- contentless_delete so rows can be replaced and deleted; rowid = groups.id.
-- remove_diacritics 2 lets "nino" find "Niño". The prefix indexes make the
-- short prefixes typed in the Directory search box cheap.
--
-- facets holds one token per filterable property (see facetTokens in Go), so
-- FindGroups counts its matches inside the full-text index alone: counting
-- 40,000 matches by looking each row up in groups and curation costs ~100x more.
CREATE VIRTUAL TABLE groups_fts USING fts5 (
	name, program, location, address, city, regions, notes, facets,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '1 2 3'
);

-- The Go code that writes a group writes its search row (it derives the text,
-- e.g. program aliases); deletes go through this trigger so that every way of
-- removing groups, including an import's bulk delete, keeps the index in step.
CREATE TRIGGER groups_fts_delete AFTER DELETE ON groups BEGIN
	DELETE FROM groups_fts WHERE rowid = OLD.id;
END;
