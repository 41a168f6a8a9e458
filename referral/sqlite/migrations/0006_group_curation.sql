-- The clinic's curation belongs to a group, not to each weekday listing of it
-- (see referral.GroupKey). Every listing stores its group's key; curation is
-- keyed by it. The old per-listing rows are merged in Go right after this
-- script (mergeListingCuration in migrate.go), in the same transaction, since
-- the key is computed from a listing's name and place as Go folds them.
ALTER TABLE groups ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
CREATE INDEX groups_group_key ON groups (group_key);

ALTER TABLE curation RENAME TO listing_curation;

-- Keyed by group_key with no foreign key, as before by (source, source_id):
-- an import that removes a group and later adds it back finds its curation.
-- source is kept to tell which sources have any curation without a scan.
CREATE TABLE curation (
	group_key           TEXT NOT NULL PRIMARY KEY,
	source              TEXT NOT NULL,
	medication_friendly TEXT NOT NULL DEFAULT '' CHECK (medication_friendly IN ('', 'unknown', 'yes', 'no')),
	verified_on         TEXT,             -- NULL if never verified
	notes               TEXT NOT NULL DEFAULT '',
	hidden              INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
	modified_at         TEXT NOT NULL     -- local clock
) WITHOUT ROWID;
CREATE INDEX curation_source ON curation (source);
