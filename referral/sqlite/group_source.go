package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"referraldesk/referral"
)

// FindGroupBySourceID returns the listing source lists as sourceID, hidden
// or inactive too, or an ENOTFOUND error. A reprint asks it whether a group
// on an old sheet is still in the directory: a listing an import removed and
// a later import added back has a new id but the same source and source id.
func (s *GroupService) FindGroupBySourceID(ctx context.Context, source, sourceID string) (*referral.Group, error) {
	var g *referral.Group
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM groups WHERE source = ? AND source_id = ?`, source, sourceID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return referral.Errorf(referral.ENOTFOUND, "Listing %q of %s is not in the directory; an import may have removed it.", sourceID, source)
		}
		if err != nil {
			return fmt.Errorf("find listing %q of %s: %w", sourceID, source, err)
		}
		g, err = findGroupByID(ctx, tx, id)
		return err
	})
	return g, err
}
