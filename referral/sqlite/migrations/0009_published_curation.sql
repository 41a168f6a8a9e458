-- One curated directory for a clinic network (see referral/curation.go).
-- What a source's own file says of its groups' curation (a desk that
-- publishes its directory with curation) is kept apart from this desk's,
-- keyed by the group as curation is, and replaced by each import of the
-- source. No foreign key, as for curation: a listing the feed drops for a
-- while finds it again.
CREATE TABLE published_curation (
	group_key           TEXT NOT NULL PRIMARY KEY,
	source              TEXT NOT NULL,
	medication_friendly TEXT NOT NULL DEFAULT '' CHECK (medication_friendly IN ('', 'unknown', 'yes', 'no')),
	verified_on         TEXT,             -- NULL if never verified
	notes               TEXT NOT NULL DEFAULT '',
	hidden              INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX published_curation_source ON published_curation (source);

-- own: the fields of the row this desk set itself, one bit each:
-- medication_friendly 1, verified_on 2, notes 4, hidden 8. The group shows
-- the publisher's value of every other field. Before this there was no
-- publisher: a row set the fields that say anything.
ALTER TABLE curation ADD COLUMN own INTEGER NOT NULL DEFAULT 0 CHECK (own BETWEEN 0 AND 15);
UPDATE curation SET own = (medication_friendly <> '') | ((verified_on IS NOT NULL) << 1)
	| ((notes <> '') << 2) | (hidden << 3);
DELETE FROM curation WHERE own = 0;
