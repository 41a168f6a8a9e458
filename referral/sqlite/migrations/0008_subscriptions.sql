-- Sources kept current from the web (referral.Subscription): one row per
-- subscribed source, written when an import by URL succeeds and stamped at
-- every refresh attempt, successful or not. A refresh that fails changes
-- nothing in the directory, only last_attempt, last_status and last_result
-- here. Removing a source (its sources row) forgets its subscription.
CREATE TABLE subscriptions (
	source        TEXT PRIMARY KEY REFERENCES sources (name) ON DELETE CASCADE,
	url           TEXT NOT NULL,
	program       TEXT NOT NULL DEFAULT '',
	format        TEXT NOT NULL DEFAULT '', -- '' = detected at each refresh
	timezone      TEXT NOT NULL DEFAULT '',
	etag          TEXT NOT NULL DEFAULT '', -- the validators of the feed last imported
	last_modified TEXT NOT NULL DEFAULT '',
	last_success  TEXT,                     -- local clock (UTC); NULL = never
	last_attempt  TEXT,
	last_status   TEXT NOT NULL DEFAULT '', -- updated, unchanged, failed
	last_result   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- feed.refresh_days: refresh subscriptions older than this at start; 0 = only
-- when asked.
ALTER TABLE settings ADD COLUMN feed_refresh_days INTEGER NOT NULL DEFAULT 0;
