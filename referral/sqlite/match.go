package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
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
//
// A counselor's own edit does not rebuild: the writes of this GroupService
// that change a few listings (CreateGroup, UpdateGroup, DeleteGroup,
// SetCuration) note which (indexChange), read those listings back inside
// their transaction and, once committed, replace them in the held index
// (referral.Index.Replace) and mark it with the Version after the commit.
// That is right only if nothing else was committed in between, so it is
// done only when the index was current when the write took the write lock,
// and no other connection committed from then until the Version was read
// after the commit (see edit). Anything else, an import, a restore, a write
// of another process, a declined Replace, leaves the index marked older
// than the database, and the next Match rebuilds it as before.
//
// Concurrency: rebuilds and replacements take the build mutex, one at a
// time. A Match running while a replacement lands sees the directory wholly
// before or wholly after it (the Index's own lock); either is a directory
// that was committed, and the groups it returns are read as stored now.
type matchIndex struct {
	current atomic.Pointer[builtIndex]
	build   sync.Mutex // one rebuild at a time; concurrent Matches wait for it

	prepare  atomic.Bool               // Prepare was called: FindGroups rebuilds in the background
	prepared atomic.Pointer[time.Time] // when, by the monotonic clock (see buildAfterPrepare)
	building atomic.Bool               // a background build is under way

	beforeBuild func(listings int) // see BeforeIndexing
}

type builtIndex struct {
	ix      *referral.Index
	search  *referral.SearchIndex // the Directory's search, built from the same rows (FindGroups)
	version int64                 // DB.Version before the groups were read
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
		b, err := s.index(ctx)
		if err == nil {
			err = nonEmpty(b.ix)
		}
		if err != nil {
			return referral.Result{}, err
		}
		res := b.ix.Match(needs, now)
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

// index returns the indexes of the directory as it is now, building them
// if those held are missing or older than the last commit.
func (s *GroupService) index(ctx context.Context) (*builtIndex, error) {
	if b, _, err := s.heldIndex(ctx); b != nil || err != nil {
		return b, err
	}
	s.match.build.Lock()
	defer s.match.build.Unlock()
	// The call this one waited for may have built it.
	b, version, err := s.heldIndex(ctx)
	if b != nil || err != nil {
		return b, err
	}
	if b, err = s.buildIndex(ctx); err != nil {
		return nil, err
	}
	b.version = version
	s.match.current.Store(b)
	if fn := s.match.beforeBuild; fn != nil {
		fn(b.search.Len()) // the old indexes are garbage now
	}
	return b, nil
}

// nonEmpty is an ENOTFOUND error when ix holds no group (the last ones may
// have been deleted since it was built), asking for an import.
func nonEmpty(ix *referral.Index) error {
	if ix.Len() == 0 {
		return referral.Errorf(referral.ENOTFOUND, "The directory is empty. Import a directory first.")
	}
	return nil
}

// heldIndex returns the indexes held when nothing was committed since they
// were built (else nil), and the database's Version now.
func (s *GroupService) heldIndex(ctx context.Context) (*builtIndex, int64, error) {
	version, err := s.db.Version(ctx)
	if err != nil {
		return nil, 0, err
	}
	if b := s.match.current.Load(); b != nil && s.db.asideOnly(b.version, version) {
		if b.version != version {
			// Only writes beside the directory since: the same indexes,
			// now current at version.
			now := &builtIndex{ix: b.ix, search: b.search, version: version}
			if s.match.current.CompareAndSwap(b, now) {
				b = now
			}
		}
		return b, version, nil
	}
	return nil, version, nil
}

// buildIndex indexes every group, hidden and inactive ones included (Match
// counts them under the rule that turns them away, the Directory lists
// them when asked), for matching and for the search, from one read of the
// rows. Rows are decoded one at a time into a Group neither index keeps, so
// only their compact forms of the directory are held, never every group
// decoded.
func (s *GroupService) buildIndex(ctx context.Context) (*builtIndex, error) {
	b := &builtIndex{}
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		var n int // the indexes' arrays are made this size at once
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups`).Scan(&n); err != nil {
			return err
		}
		if fn := s.match.beforeBuild; fn != nil {
			// The indexes held stay until the new ones replace them.
			held := 0
			if cur := s.match.current.Load(); cur != nil {
				held = cur.search.Len()
			}
			fn(held + n)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+` ORDER BY g.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var scanErr error
		b.ix, b.search = referral.NewIndexes(func(yield func(*referral.Group) bool) {
			var g referral.Group
			for rows.Next() {
				if scanErr = scanGroup(rows, &g); scanErr != nil || !yield(&g) {
					return
				}
			}
		}, n)
		if scanErr != nil {
			return scanErr
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("load directory for matching and searching: %w", err)
	}
	return b, nil
}

// BeforeIndexing has fn called with the number of listings the indexes
// hold: before each build with those held now plus those it is about to
// read (the old indexes stay until the new ones replace them), and after
// it with the new ones alone. The window sets its memory limit by it (the
// indexes are most of what it holds). Call it before the first search or
// match.
func (s *GroupService) BeforeIndexing(fn func(listings int)) { s.match.beforeBuild = fn }

var _ referral.PlaceFinder = (*GroupService)(nil)

// Places completes the name of a city, town or region from the in-person
// groups of the directory (see referral.Index.Places); an empty directory
// has none. It reads the match index, so its first call after a write waits
// for the rebuild as Match does.
func (s *GroupService) Places(ctx context.Context, prefix string, limit int) ([]string, error) {
	b, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	return b.ix.Places(prefix, limit), nil
}

// indexChange is what one write of this GroupService changed in the
// directory, for edit to replace in the held match index.
type indexChange struct {
	ids  []int64  // listings written or deleted
	keys []string // groups (referral.GroupKey) whose curation was written: all their listings
}

// listing notes that the listing id was written or deleted.
func (c *indexChange) listing(id int64) { c.ids = append(c.ids, id) }

// group notes that every listing of the group with key may have changed.
func (c *indexChange) group(key string) { c.keys = append(c.keys, key) }

// maxReplace is the most listings a write may change and still be replaced
// in the held index rather than rebuilt: an edit changes one group's few
// listings; a batch as big as a feed is an import, which rebuilds.
const maxReplace = 500

// replacement is what edit read inside a write's transaction to bring the
// held index up to date after the commit.
type replacement struct {
	index  *builtIndex       // the index held when the write took the write lock
	ids    []int64           // listings to drop
	groups []*referral.Group // the changed listings as committed
	seen   int64             // PRAGMA data_version of the writing connection, in the transaction
}

// edit runs fn as DB.write does, on a connection of its own held until
// after the commit, and then replaces in the held match index the listings
// fn noted in its indexChange (see matchIndex), so the next Match does not
// rebuild the index. A write that cannot be replaced (no index held, one
// older than the database, too many listings) is committed all the same;
// the next Match rebuilds.
//
// The writing connection's PRAGMA data_version moves with the commits of
// every other connection, and not its own: read inside the transaction and
// again after the commit and the Version, the same number says nothing but
// this write was committed since the held index was current.
func (s *GroupService) edit(ctx context.Context, fn func(tx *sql.Tx, now string, ch *indexChange) error) error {
	if err := s.db.writable(); err != nil {
		return err
	}
	conn, err := s.db.db.Conn(ctx)
	if err != nil {
		return s.db.fault(err)
	}
	defer conn.Close()
	var r *replacement
	err = s.db.fault(s.db.transact(ctx, conn.BeginTx, func(tx *sql.Tx, now string) error {
		var ch indexChange
		if err := fn(tx, now, &ch); err != nil {
			return err
		}
		r = s.readReplacement(ctx, tx, ch)
		return nil
	}))
	if err != nil || r == nil {
		return err
	}
	version, err := s.db.Version(ctx)
	if err != nil {
		return nil // committed; the next Match rebuilds
	}
	var seen int64
	if err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&seen); err != nil || seen != r.seen {
		return nil // another connection committed too: the next Match rebuilds
	}
	s.match.build.Lock()
	defer s.match.build.Unlock()
	// A rebuild since the write began may have read the listings as
	// committed already; Replace gives the same index either way.
	// Compared by the indexes, not the pointer: a search meanwhile may have
	// marked the same indexes current at a later aside step (heldIndex).
	if cur := s.match.current.Load(); cur != nil && cur.ix == r.index.ix && r.index.ix.Replace(r.ids, r.groups) {
		r.index.search.Replace(r.ids, r.groups)
		s.match.current.Store(&builtIndex{ix: r.index.ix, search: r.index.search, version: version})
	}
	return nil
}

// readReplacement reads, in the write's transaction tx, the listings ch
// names as they will be committed; nil when the held index cannot take them
// (see edit). It holds the write lock, so no other connection commits while
// it reads the Version.
func (s *GroupService) readReplacement(ctx context.Context, tx *sql.Tx, ch indexChange) *replacement {
	held := s.match.current.Load()
	n := len(ch.ids) + len(ch.keys)
	if held == nil || n == 0 || n > maxReplace {
		return nil
	}
	if v, err := s.db.Version(ctx); err != nil || !s.db.asideOnly(held.version, v) {
		return nil
	}
	r := &replacement{index: held, ids: ch.ids}
	if err := tx.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&r.seen); err != nil {
		return nil
	}
	args := make([]any, 0, n)
	for _, id := range ch.ids {
		args = append(args, id)
	}
	for _, k := range ch.keys {
		args = append(args, k)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+
		` WHERE g.id IN (NULL`+strings.Repeat(", ?", len(ch.ids))+`) OR g.group_key IN (NULL`+strings.Repeat(", ?", len(ch.keys))+`)`, args...)
	if err != nil {
		return nil
	}
	if r.groups, err = scanGroups(rows); err != nil || len(r.groups) > maxReplace {
		return nil
	}
	return r
}

// MatchOnce is Match for a program that matches once and exits, the command
// line: building the index of 250,000 rows for one answer takes seconds, and
// most of that is decoding every row's JSON. Unless this GroupService holds
// a current index already, it reads in full only the rows a match for the
// needs reads one by one, those that meet online and those in the needs'
// area (referral.AreaOf), and only counts the others from their columns
// (readUnread), in one read transaction; referral.MatchPart gives the Result
// the whole index would. Needs that reach everywhere (a place, no ZIP) read
// the whole directory as Match does.
//
// The window keeps Match: it matches many times, and one index serves them all.
func (s *GroupService) MatchOnce(ctx context.Context, needs referral.Needs, now time.Time) (referral.Result, error) {
	if err := needs.Validate(); err != nil {
		return referral.Result{}, err
	}
	area, ok := referral.AreaOf(needs)
	if !ok {
		return s.Match(ctx, needs, now)
	}
	if b, _, err := s.heldIndex(ctx); b != nil || err != nil {
		return s.Match(ctx, needs, now)
	}
	for retried := false; ; retried = true {
		res, err := s.matchPart(ctx, needs, area, now)
		if err == nil {
			err = s.readCandidates(ctx, res.Candidates)
		}
		if referral.ErrorCode(err) == referral.ECONFLICT && !retried {
			continue // a candidate was deleted since: read again
		}
		if err != nil {
			return referral.Result{}, err
		}
		return res, nil
	}
}

// inPart is the SQL condition of the rows MatchPart must be given: those
// that meet online and those with a map point in the area (4 arguments:
// partArgs). The latitude index finds the area's rows, but the online ones
// are found by reading every row's columns, which is fast next to decoding.
// The IS NOT NULL terms keep it true or false, never NULL, so that NOT
// inPart holds every other row.
const inPart = `(g.attendance IN ('online', 'hybrid') OR
	(g.lat IS NOT NULL AND g.lon IS NOT NULL AND g.lat BETWEEN ? AND ? AND g.lon BETWEEN ? AND ?))`

func partArgs(a referral.Area) []any { return []any{a.MinLat, a.MaxLat, a.MinLon, a.MaxLon} }

// matchPart reads the part of the directory a match for needs reads and
// counts the rest, in one snapshot, and matches.
func (s *GroupService) matchPart(ctx context.Context, needs referral.Needs, area referral.Area, now time.Time) (referral.Result, error) {
	var res referral.Result
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		rest, err := readUnread(ctx, tx, area)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+
			` WHERE `+inPart+` ORDER BY g.id`, partArgs(area)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var scanErr error
		read := 0
		res, _ = referral.MatchPart(needs, func(yield func(*referral.Group) bool) {
			for g := range decodeAside(rows, &scanErr) {
				read++
				if !yield(g) {
					return
				}
			}
		}, rest, now)
		if scanErr != nil {
			return scanErr
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if read+rest.Unavailable+rest.Service+rest.Placed+rest.Unplaced == 0 {
			return referral.Errorf(referral.ENOTFOUND, "The directory is empty. Import a directory first.")
		}
		return nil
	})
	if err != nil && referral.ErrorCode(err) != referral.ENOTFOUND {
		return res, fmt.Errorf("load directory for matching: %w", err)
	}
	return res, err
}

// readUnread counts the rows outside the part (see inPart) by what turns
// them away (referral.Unread), from their columns and without decoding
// them. They are met in person only or inactive. A row is unavailable when
// inactive, hidden, or with no session (days = 0: every stored session is
// a valid one, as Validate checks before any write). A service meeting is
// told by the end of its stored JSON: encodeData writes groupRecord's
// fields in order and leaves out false ones, so Service, the last field,
// ends the document as "service":true} exactly when it is set (no object
// inside it has a field of that name). Reading the last bytes of a blob
// costs nothing; searching 100 MB of JSON for the key took a second.
// Hidden rows are few: they are found through the curation tables, not by
// joining every row with them.
func readUnread(ctx context.Context, tx *sql.Tx, area referral.Area) (referral.Unread, error) {
	const (
		gone    = `(g.attendance = 'inactive' OR g.days = 0)`
		service = `substr(CAST(g.data AS BLOB), -15) = CAST('"service":true}' AS BLOB)`
		placed  = `(g.lat IS NOT NULL AND g.lon IS NOT NULL)`
	)
	var u referral.Unread
	err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(`+gone+`), 0),
		coalesce(sum(NOT `+gone+` AND `+service+`), 0),
		coalesce(sum(NOT `+gone+` AND NOT `+service+` AND `+placed+`), 0),
		coalesce(sum(NOT `+gone+` AND NOT `+service+` AND NOT `+placed+`), 0)
		FROM groups g WHERE NOT `+inPart, partArgs(area)...).Scan(&u.Unavailable, &u.Service, &u.Placed, &u.Unplaced)
	if err != nil {
		return u, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+service+`, `+placed+` FROM groups g `+curationJoin+`
		WHERE g.group_key IN (SELECT group_key FROM curation WHERE hidden UNION SELECT group_key FROM published_curation WHERE hidden)
		AND coalesce(`+shownHidden+`, 0) AND NOT `+gone+` AND NOT `+inPart, partArgs(area)...)
	if err != nil {
		return u, err
	}
	defer rows.Close()
	for rows.Next() {
		var isService, isPlaced bool
		if err := rows.Scan(&isService, &isPlaced); err != nil {
			return u, err
		}
		u.Unavailable++
		switch {
		case isService:
			u.Service--
		case isPlaced:
			u.Placed--
		default:
			u.Unplaced--
		}
	}
	return u, rows.Err()
}

// decodeAside yields the groups of rows (of groupColumns), reading the rows
// on another goroutine while this one decodes their JSON, the larger part
// of the work: on two cores the two overlap. The groups are reused, as
// referral.NewIndexFrom allows. The first error is left in *err once the
// sequence ends.
func decodeAside(rows *sql.Rows, err *error) iter.Seq[*referral.Group] {
	return func(yield func(*referral.Group) bool) {
		const depth = 64
		free := make(chan *referral.Group, depth+2)
		for range depth + 2 {
			free <- new(referral.Group)
		}
		pending := make(chan scannedGroup, depth)
		stop := make(chan struct{})
		var readErr error
		go func() {
			defer close(pending)
			for rows.Next() {
				var g *referral.Group
				select {
				case g = <-free:
				case <-stop:
					return
				}
				sg, err := scanColumns(rows, g)
				if err != nil {
					readErr = err
					return
				}
				select {
				case pending <- sg:
				case <-stop:
					return
				}
			}
		}()
		defer func() {
			close(stop)
			for range pending { // wait for the reader to stop using rows
			}
		}()
		for sg := range pending {
			if e := sg.finish(); e != nil {
				*err = e
				return
			}
			if !yield(sg.g) {
				return
			}
			free <- sg.g
		}
		*err = readErr // the reader has ended: pending is closed
	}
}
