package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"referraldesk/referral"
)

var _ referral.MatchService = (*GroupService)(nil)

// matchIndex is the whole directory held in memory as a referral.Index, so a
// match reads only the few rows of the groups it returns: reading 250,000
// groups and indexing them takes a couple of seconds, a match over the index
// a few milliseconds. The index keeps each group's facts in compact form,
// not the decoded group (see referral.NewIndexFrom).
//
// Each index is marked with the database's Version when it was built, and
// Match rebuilds when the Version has moved since: any commit moves it, by
// this GroupService, another one on the same DB, or another process (the
// command line beside the window). The Version is read before the groups
// are, so a write that commits while they are being read makes the next
// Match rebuild again rather than serve a stale index.
type matchIndex struct {
	current atomic.Pointer[builtIndex]
	build   sync.Mutex // one rebuild at a time; concurrent Matches wait for it
}

type builtIndex struct {
	ix      *referral.Index
	version int64 // DB.Version before the groups were read
}

// Match ranks the whole directory for the needs at time now (see
// referral.Match). The first Match after a write reads the directory and
// builds the index, which takes seconds at 250,000 groups: call it off the UI
// goroutine. An empty directory is an ENOTFOUND error asking for an import.
//
// What another process committed (the command line beside the window) is
// seen as soon as it is committed: the index is rebuilt (see matchIndex).
func (s *GroupService) Match(ctx context.Context, needs referral.Needs, now time.Time) (referral.Result, error) {
	if err := needs.Validate(); err != nil {
		return referral.Result{}, err
	}
	for retried := false; ; retried = true {
		ix, err := s.index(ctx)
		if err != nil {
			return referral.Result{}, err
		}
		res := ix.Match(needs, now)
		err = s.readCandidates(ctx, res.Candidates)
		if referral.ErrorCode(err) == referral.ECONFLICT && !retried {
			// A candidate was deleted after the index was built: the
			// deletion moved the Version, so the next index is rebuilt.
			continue
		}
		if err != nil {
			return referral.Result{}, err
		}
		return res, nil
	}
}

// readCandidates replaces the sketches of groups the index holds (see
// referral.NewIndexFrom) in each candidate's Group and Also with the groups
// as stored, read in one transaction; the caller may change them. A group
// no longer stored is an ECONFLICT error.
func (s *GroupService) readCandidates(ctx context.Context, cands []referral.Candidate) error {
	var ids []any
	for _, c := range cands {
		ids = append(ids, c.Group.ID)
		for _, g := range c.Also {
			ids = append(ids, g.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var groups []*referral.Group
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+
			` WHERE g.id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
		if err != nil {
			return err
		}
		groups, err = scanGroups(rows)
		return err
	})
	if err != nil {
		return fmt.Errorf("read matched groups: %w", err)
	}
	byID := make(map[int64]*referral.Group, len(groups))
	for _, g := range groups {
		byID[g.ID] = g
	}
	for i := range cands {
		c := &cands[i]
		c.Group = byID[c.Group.ID]
		gone := c.Group == nil
		for j, g := range c.Also {
			c.Also[j] = byID[g.ID]
			gone = gone || c.Also[j] == nil
		}
		if gone {
			return referral.Errorf(referral.ECONFLICT, "The directory changed while matching. Match again.")
		}
	}
	return nil
}

// index returns an index of the directory as it is now, building it if the
// one held is missing or older than the last commit.
func (s *GroupService) index(ctx context.Context) (*referral.Index, error) {
	if ix, _, err := s.heldIndex(ctx); ix != nil || err != nil {
		return ix, err
	}
	s.match.build.Lock()
	defer s.match.build.Unlock()
	// The Match this one waited for may have built it.
	ix, version, err := s.heldIndex(ctx)
	if ix != nil || err != nil {
		return ix, err
	}
	if ix, err = s.buildIndex(ctx); err != nil {
		return nil, err
	}
	if ix.Len() == 0 {
		return nil, referral.Errorf(referral.ENOTFOUND, "The directory is empty. Import a directory first.")
	}
	s.match.current.Store(&builtIndex{ix: ix, version: version})
	return ix, nil
}

// heldIndex returns the index held when nothing was committed since it was
// built (else nil), and the database's Version now.
func (s *GroupService) heldIndex(ctx context.Context) (*referral.Index, int64, error) {
	version, err := s.db.Version(ctx)
	if err != nil {
		return nil, 0, err
	}
	if b := s.match.current.Load(); b != nil && b.version == version {
		return b.ix, version, nil
	}
	return nil, version, nil
}

// buildIndex indexes every group, hidden and inactive ones included (Match
// counts them under the rule that turns them away). Rows are decoded one at
// a time into a Group the index does not keep, so only the index's compact
// form of the directory is held, never every group decoded.
func (s *GroupService) buildIndex(ctx context.Context) (*referral.Index, error) {
	var ix *referral.Index
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+` ORDER BY g.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var scanErr error
		ix = referral.NewIndexFrom(func(yield func(*referral.Group) bool) {
			var g referral.Group
			for rows.Next() {
				if scanErr = scanGroup(rows, &g); scanErr != nil || !yield(&g) {
					return
				}
			}
		})
		if scanErr != nil {
			return scanErr
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("load directory for matching: %w", err)
	}
	return ix, nil
}

var _ referral.PlaceFinder = (*GroupService)(nil)

// Places completes the name of a city, town or region from the in-person
// groups of the directory (see referral.Index.Places); an empty directory
// has none. It reads the match index, so its first call after a write waits
// for the rebuild as Match does.
func (s *GroupService) Places(ctx context.Context, prefix string, limit int) ([]string, error) {
	ix, err := s.index(ctx)
	if referral.ErrorCode(err) == referral.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ix.Places(prefix, limit), nil
}
