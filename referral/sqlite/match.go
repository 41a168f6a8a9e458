package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"referraldesk/referral"
)

var _ referral.MatchService = (*GroupService)(nil)

// matchIndex is the whole directory held in memory as a referral.Index, so a
// match reads no rows: loading 250,000 groups and indexing them takes a couple
// of seconds, a match over the index a few milliseconds.
//
// Every write through the GroupService bumps version after it commits; Match
// rebuilds when the index it holds was built at an older version. The version
// is read before the groups are, so a write that commits while they are being
// read makes the next Match rebuild again rather than serve a stale index.
type matchIndex struct {
	version atomic.Uint64
	current atomic.Pointer[builtIndex]
	build   sync.Mutex // one rebuild at a time; concurrent Matches wait for it
}

type builtIndex struct {
	ix      *referral.Index
	version uint64
}

// write runs fn as db.write does and then marks the match index out of date.
// It marks even when fn failed: a commit that reports an error may still have
// happened, and a needless rebuild costs only time.
func (s *GroupService) write(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	err := s.db.write(ctx, fn)
	s.match.version.Add(1)
	return err
}

// writeBulk is write for bulk writes (see DB.writeBulk).
func (s *GroupService) writeBulk(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	err := s.db.writeBulk(ctx, fn)
	s.match.version.Add(1)
	return err
}

// Match ranks the whole directory for the needs at time now (see
// referral.Match). The first Match after a write loads the directory and
// builds the index, which takes seconds at 250,000 groups: call it off the UI
// goroutine. An empty directory is an ENOTFOUND error asking for an import.
//
// Writes by another process (the command line beside the window) are not
// seen until this GroupService writes or is opened again.
func (s *GroupService) Match(ctx context.Context, needs referral.Needs, now time.Time) (referral.Result, error) {
	if err := needs.Validate(); err != nil {
		return referral.Result{}, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return referral.Result{}, err
	}
	res := ix.Match(needs, now)
	// The candidates point into the index, which other Matches read at the
	// same time: the caller gets copies it may change.
	for i := range res.Candidates {
		c := &res.Candidates[i]
		c.Group = cloneGroup(c.Group)
		c.Also = slices.Clone(c.Also)
		for j, g := range c.Also {
			c.Also[j] = cloneGroup(g)
		}
	}
	return res, nil
}

// index returns an index of the directory as it is now, building it if the
// one held is missing or older than the last write.
func (s *GroupService) index(ctx context.Context) (*referral.Index, error) {
	if b := s.match.current.Load(); b != nil && b.version == s.match.version.Load() {
		return b.ix, nil
	}
	s.match.build.Lock()
	defer s.match.build.Unlock()
	version := s.match.version.Load()
	if b := s.match.current.Load(); b != nil && b.version == version {
		return b.ix, nil // built by the Match this one waited for
	}
	groups, err := s.allGroups(ctx)
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		return nil, referral.Errorf(referral.ENOTFOUND, "The directory is empty. Import a directory first.")
	}
	ix := referral.NewIndex(groups)
	s.match.current.Store(&builtIndex{ix: ix, version: version})
	return ix, nil
}

// allGroups reads every group, hidden and inactive ones included: Match
// counts them under the rule that turns them away.
func (s *GroupService) allGroups(ctx context.Context) ([]*referral.Group, error) {
	var groups []*referral.Group
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+` ORDER BY g.id`)
		if err != nil {
			return fmt.Errorf("load directory for matching: %w", err)
		}
		if groups, err = scanGroups(rows); err != nil {
			return fmt.Errorf("load directory for matching: %w", err)
		}
		return nil
	})
	return groups, err
}

// cloneGroup copies g deeply enough that changing the copy, its slices or its
// coordinates leaves g as it was.
func cloneGroup(g *referral.Group) *referral.Group {
	c := *g
	c.Sessions = slices.Clone(g.Sessions)
	c.Types = slices.Clone(g.Types)
	c.Place.Regions = slices.Clone(g.Place.Regions)
	if g.Place.Coords != nil {
		p := *g.Place.Coords
		c.Place.Coords = &p
	}
	c.Attributes.Languages = slices.Clone(g.Attributes.Languages)
	c.Attributes.Formats = slices.Clone(g.Attributes.Formats)
	return &c
}
