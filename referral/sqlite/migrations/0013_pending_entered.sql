-- The referrals kept beside the database while another writer held it
-- (pending.go) that have been entered into the log, by their file's name.
-- 0011 kept the name on the entry's row, and a file a crash left behind
-- after the commit that entered it was not entered again while that row
-- lived, but it came back once the counselor deleted the entry or it was
-- purged. The names entered stay here, apart from the log, until the
-- retention period has passed over them too.
CREATE TABLE pending_entered (key TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO pending_entered (key) SELECT pending_key FROM referrals WHERE pending_key IS NOT NULL;
