-- Whether lat and lon are the Census point of the listing's ZIP, placed there
-- on import because the feed gave no coordinates (referral.Place.CoordsFromZIP),
-- rather than the feed's own. A column beside lat and lon, not a key in data:
-- it says what those two columns are.
ALTER TABLE groups ADD COLUMN coords_from_zip INTEGER NOT NULL DEFAULT 0 CHECK (coords_from_zip IN (0, 1));
