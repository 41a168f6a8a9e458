-- The Directory search no longer reads SQLite's full-text index: it runs
-- over an index held in memory beside the match index, built from the
-- groups table (referral.SearchIndex). The full-text table goes, and the
-- trigger that kept it in step with deletes: an import no longer writes a
-- search row for every listing, four times over with its prefix indexes.
-- The pages it held are free for the file's next rows.
DROP TRIGGER groups_fts_delete;
DROP TABLE groups_fts;
-- The index by program served only the Directory's program filter, which
-- the index in memory answers now; an import no longer keeps it in step.
DROP INDEX groups_program;
