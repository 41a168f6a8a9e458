-- Service meetings (business, district, intergroup, committee…) are never
-- offered to clients; imports mark them (referral.Group.Service). Listings
-- stored before that are marked in Go right after this script
-- (markServiceMeetings in migrate.go), by name and by the BUS type code.
SELECT 1;
