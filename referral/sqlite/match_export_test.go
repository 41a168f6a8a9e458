package sqlite

import (
	"database/sql"

	"referraldesk/referral"
)

// Exported for the benchmarks in package sqlite_test: the SQL a developer
// would write against the store decodes rows the way the store does.
const (
	GroupColumns = groupColumns
	CurationJoin = curationJoin
)

func ScanGroups(rows *sql.Rows) ([]*referral.Group, error) { return scanGroups(rows) }

// HeldIndex is the match index s holds now, nil before the first Match: a
// test tells a replaced index (the same one) from a rebuilt one.
func HeldIndex(s *GroupService) *referral.Index {
	if b := s.match.current.Load(); b != nil {
		return b.ix
	}
	return nil
}
