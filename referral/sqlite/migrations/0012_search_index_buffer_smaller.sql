-- The full-text index's in-memory buffer (FTS5 hashsize; 0010 set 64 MB)
-- goes down to 8 MB. Measured again on this 2-core machine, with 64 MB an
-- import of a 211 MB Meeting Guide feed (240,000 listings) peaked at 629 MB
-- of memory, about 100 MB of it this buffer, and with 8 MB it stores
-- 250,000 listings as fast (the store part of BenchmarkImport250k 16.0-17.3
-- s against 16.4-18.3 s) and searches them as fast (BenchmarkSearch250k
-- within a few percent either way). The memory is what an import may hold
-- at most: 2.5 times the file (issue 13).
INSERT INTO groups_fts (groups_fts, rank) VALUES ('hashsize', 8388608);
