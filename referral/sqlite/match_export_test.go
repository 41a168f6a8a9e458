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
