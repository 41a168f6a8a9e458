-- A referral logged while another writer holds the database (an import of
-- a big feed holds it for many seconds) is kept as a file beside the
-- database and entered into the log once the writer is done (pending.go).
-- pending_key is that file's name: entering it again after a crash between
-- the commit and the file's removal finds the key taken and adds nothing,
-- so an entry is never logged twice. NULL for entries logged directly;
-- SQLite's unique index lets any number of rows share NULL.
ALTER TABLE referrals ADD COLUMN pending_key TEXT;
CREATE UNIQUE INDEX referrals_pending_key ON referrals (pending_key);
