-- The directories groups were imported from, one row per source name, written
-- by every import (ReplaceSource) and removed with the source's listings. The
-- listings themselves are the groups rows with that source; how many there are
-- is counted from them when asked, because a stored count would go stale as
-- soon as a person deleted one listing by hand.
CREATE TABLE sources (
	name        TEXT PRIMARY KEY,
	format      TEXT NOT NULL DEFAULT '', -- "meeting-guide", "bmlt", "csv"
	last_import TEXT NOT NULL             -- local clock (UTC), when the last import committed
) WITHOUT ROWID;
