package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"referraldesk/referral"
)

var _ referral.GroupService = (*GroupService)(nil)

// GroupService is the directory of groups and their curation, stored in a DB.
type GroupService struct {
	db    *DB
	match matchIndex // see match.go
}

// NewGroupService returns the group directory kept in db.
func NewGroupService(db *DB) *GroupService {
	return &GroupService{db: db}
}

// FindGroupByID returns one group, or an ENOTFOUND error.
func (s *GroupService) FindGroupByID(ctx context.Context, id int64) (*referral.Group, error) {
	var g *referral.Group
	err := s.db.read(ctx, func(tx *sql.Tx) (err error) {
		g, err = findGroupByID(ctx, tx, id)
		return err
	})
	return g, err
}

// FindGroups returns the groups the filter selects, ordered by name (ASCII
// case folded) then id, and how many match in all. Asking for Attendance
// Inactive includes inactive groups without IncludeInactive. With typed
// text, the groups are ranked as referral.GroupFilter says: those whose name
// holds every word, then those whose name and place do, then the rest, each
// rank in name order.
//
// The search runs over the referral.SearchIndex held beside the match
// index (see matchIndex), which picks the page and counts the total; only
// the page's rows are read from the file, and read again over new indexes
// when another program committed meanwhile. The first search after such a
// commit (an import beside the window) waits for both indexes to be built
// again, seconds at 250,000 listings, unless Prepare had them rebuilt when
// the plain list was asked for. The plain list, with no text, does not
// wait: until the indexes are current it is read from the groups table, in
// the same order.
func (s *GroupService) FindGroups(ctx context.Context, f referral.GroupFilter) ([]*referral.Group, int, error) {
	for retried := false; ; retried = true {
		var b *builtIndex
		var err error
		if len(referral.SearchQuery(f.Text)) == 0 {
			if b, _, err = s.heldIndex(ctx); err == nil && b == nil {
				s.buildSoon()
				return s.findInTable(ctx, f)
			}
		} else {
			// A build under way is finished even when the search that
			// waits for it is given up (the counselor typed on): the next
			// one finds it built instead of starting again.
			b, err = s.index(context.WithoutCancel(ctx))
		}
		if err != nil {
			return nil, 0, err
		}
		ids, total := b.search.Find(f)
		groups, err := s.readGroups(ctx, ids)
		if err == nil && !retried {
			// The rows were read in a transaction of their own: another
			// program's commit since the index was current (an import
			// renaming or hiding a listing) means this page and total may
			// not be the directory's now. Search again, over new indexes.
			if after, verr := s.db.Version(ctx); verr == nil && !s.db.asideOnly(b.version, after) {
				continue
			}
		}
		if referral.ErrorCode(err) == referral.ECONFLICT && !retried {
			// A group was deleted after the index was built: the deletion
			// moved the Version, so the next index is built again.
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		return groups, total, nil
	}
}

// Prepare has the indexes of FindGroups and Match built in the background,
// from buildAfterPrepare on and whenever the plain list (FindGroups with no
// text) finds them older than the directory, so that a counselor's first
// search or match after the window opens, or after an import beside it,
// does not wait for them. The window calls it; a command that answers once
// and exits does not.
func (s *GroupService) Prepare() {
	now := time.Now()
	s.match.prepared.Store(&now)
	s.match.prepare.Store(true)
	s.buildSoon()
}

// buildAfterPrepare is how long after Prepare the background build waits to
// begin: the window's first rows and first frame come before building the
// indexes of 250,000 listings takes both cores and the collector. Over
// 250,000 listings (BenchmarkWindowUp250k) the first rows came in 118-194 ms
// and the first frame in 228-729 ms while the build ran beside them; 72-93
// and 137-349 ms with it waiting. A search or match before then builds the
// indexes at once.
const buildAfterPrepare = time.Second

// buildSoon starts building the indexes on a goroutine of its own, unless
// Prepare was not called or a build is under way. A build that fails is
// not reported: the next FindGroups or Match builds again and says why.
func (s *GroupService) buildSoon() {
	if !s.match.prepare.Load() || !s.match.building.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.match.building.Store(false)
		if at := s.match.prepared.Load(); at != nil {
			time.Sleep(time.Until(at.Add(buildAfterPrepare)))
		}
		s.index(context.Background())
	}()
}

// readGroups reads the groups with ids, in that order, in one read
// transaction. A group no longer stored is an ECONFLICT error.
func (s *GroupService) readGroups(ctx context.Context, ids []int64) ([]*referral.Group, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	var groups []*referral.Group
	err = s.db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+
			` WHERE g.id IN (SELECT value FROM json_each(?))`, string(list))
		if err != nil {
			return err
		}
		groups, err = scanGroups(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find groups: %w", err)
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	ordered := make([]*referral.Group, len(ids))
	for _, g := range groups {
		ordered[at[g.ID]] = g
	}
	for _, g := range ordered {
		if g == nil {
			return nil, referral.Errorf(referral.ECONFLICT, "The directory changed while searching. Search again.")
		}
	}
	return ordered, nil
}

// findInTable is FindGroups with no text, read from the groups table: the
// total, then the page, in one read transaction.
func (s *GroupService) findInTable(ctx context.Context, f referral.GroupFilter) ([]*referral.Group, int, error) {
	where, args := groupWhere(f)
	offset := max(f.Offset, 0)
	var groups []*referral.Group
	var total int
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups g `+curationJoin+` WHERE `+where, args...).Scan(&total)
		if err != nil || total == 0 || offset >= total {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+` WHERE `+where+
			` ORDER BY g.name COLLATE NOCASE, g.id`+limitOffset(f.Limit, offset), args...)
		if err != nil {
			return err
		}
		groups, err = scanGroups(rows)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find groups: %w", err)
	}
	return groups, total, nil
}

// CreateGroup validates and stores a new group and sets its ID. A group with no
// Source becomes referral.SourceManual with a generated SourceID. When the group
// carries no curation, curation already stored for its Source and SourceID (from
// before an import removed and re-added it) is kept and read into g.Curation.
func (s *GroupService) CreateGroup(ctx context.Context, g *referral.Group) error {
	if err := g.Validate(); err != nil {
		return err // as Validate made it, without CreateGroups' batch position
	}
	return s.CreateGroups(ctx, []*referral.Group{g})
}

// CreateGroups stores many new groups in one transaction with prepared
// statements, as a feed import does: all are stored, or (on any error) none.
// Each group is treated as CreateGroup treats it. Every group is validated
// before anything is written; the first invalid one is reported.
func (s *GroupService) CreateGroups(ctx context.Context, groups []*referral.Group) error {
	for i, g := range groups {
		if err := g.Validate(); err != nil {
			return fmt.Errorf("create group %d of %d: %w", i+1, len(groups), err)
		}
		if err := assignSource(g); err != nil {
			return err
		}
	}
	err := s.edit(ctx, func(tx *sql.Tx, now string, ch *indexChange) error {
		w, err := prepareWriter(ctx, tx, now)
		if err != nil {
			return err
		}
		defer w.close()
		curated, err := curatedSources(ctx, tx)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if err := w.insert(ctx, g); err != nil {
				return err
			}
			if g.Curation.Said() != 0 {
				err = w.setGroupCuration(ctx, g, g.Curation)
			} else if curated[g.Source] {
				var row curationRow
				row, err = w.curation(ctx, referral.GroupKey(g))
				g.Curation, g.Published = row.shown(), row.published
			}
			if err != nil {
				return err
			}
			ch.group(referral.GroupKey(g)) // its curation may be the group's new curation
		}
		return nil
	})
	if err != nil {
		for _, g := range groups {
			g.ID = 0 // nothing was stored
		}
	}
	return err
}

// UpdateGroup validates and replaces the directory data of the group with g.ID,
// and its curation. A group with no Source keeps the stored Source and SourceID.
func (s *GroupService) UpdateGroup(ctx context.Context, g *referral.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.edit(ctx, func(tx *sql.Tx, now string, ch *indexChange) error {
		source, sourceID, err := provenance(ctx, tx, g.ID)
		if err != nil {
			return err
		}
		if g.Source == "" {
			g.Source, g.SourceID = source, sourceID
		} else if err := assignSource(g); err != nil {
			return err
		}
		var oldKey string
		if err := tx.QueryRowContext(ctx, `SELECT group_key FROM groups WHERE id = ?`, g.ID).Scan(&oldKey); err != nil {
			return fmt.Errorf("update group %d: %w", g.ID, err)
		}
		w, err := prepareWriter(ctx, tx, now)
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.update(ctx, g); err != nil {
			return err
		}
		// A changed name or place makes the listing part of another group
		// (see referral.GroupKey): the curation given with the edit is that
		// group's now, for all its listings. The old group's stays with the
		// listings that still belong to it.
		if err := w.setGroupCuration(ctx, g, g.Curation); err != nil {
			return err
		}
		if err := dropOrphanCuration(ctx, tx, oldKey); err != nil {
			return err
		}
		ch.listing(g.ID)
		ch.group(referral.GroupKey(g))
		return nil
	})
}

// DeleteGroup removes a group and its curation: a person deleting a group means
// it. (An import that drops a listing deletes only the groups row, so the
// curation is there when the listing comes back.)
func (s *GroupService) DeleteGroup(ctx context.Context, id int64) error {
	return s.edit(ctx, func(tx *sql.Tx, now string, ch *indexChange) error {
		var key string
		if err := tx.QueryRowContext(ctx, `SELECT group_key FROM groups WHERE id = ?`, id).Scan(&key); errors.Is(err, sql.ErrNoRows) {
			return notFound(id)
		} else if err != nil {
			return fmt.Errorf("delete group %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM groups WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete group %d: %w", id, err)
		}
		ch.listing(id)
		return dropOrphanCuration(ctx, tx, key)
	})
}

// dropOrphanCuration removes the curation of a group a person has left no
// listing of (by deleting or editing them). It goes with the group's last
// listing, not before: the other weekdays are still the same group. An
// import never calls it, so a listing that leaves a feed finds its curation
// when it comes back.
func dropOrphanCuration(ctx context.Context, tx *sql.Tx, key string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM curation WHERE group_key = ?
		AND NOT EXISTS (SELECT 1 FROM groups WHERE group_key = ?)`, key, key); err != nil {
		return fmt.Errorf("delete curation of group %q: %w", key, err)
	}
	return nil
}

// SetCuration replaces this desk's curation of a group so that it shows c
// (see referral.GroupService) and returns the group as stored.
func (s *GroupService) SetCuration(ctx context.Context, id int64, c referral.Curation) (*referral.Group, error) {
	var g *referral.Group
	err := s.edit(ctx, func(tx *sql.Tx, now string, ch *indexChange) error {
		var err error
		if g, err = findGroupByID(ctx, tx, id); err != nil {
			return err
		}
		g.Curation = c
		if err := g.Validate(); err != nil {
			return err
		}
		w, err := prepareWriter(ctx, tx, now)
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.setGroupCuration(ctx, g, c); err != nil {
			return err
		}
		ch.group(referral.GroupKey(g)) // the hidden state of every listing may have changed
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// assignSource gives a hand-made group its provenance. A feed group must bring
// its own SourceID: a made-up one would make the next import of that feed add
// the listing a second time.
func assignSource(g *referral.Group) error {
	switch {
	case g.Source == "":
		g.Source = referral.SourceManual
		fallthrough
	case g.Source == referral.SourceManual && g.SourceID == "":
		g.SourceID = "m-" + randomHex(8)
	case g.SourceID == "":
		return &referral.Error{
			Code:     referral.EINVALID,
			Message:  fmt.Sprintf("Group %q from %s has no id in that directory; re-import the file or add the group by hand.", g.Name, g.Source),
			Problems: []referral.Problem{{Field: "SourceID", Message: "a group from a directory needs that directory's id"}},
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails; see crypto/rand.Read
	return hex.EncodeToString(b)
}

// groupColumns are read by scanGroup, in its order; curationJoin provides c
// and p (see curationColumns).
const (
	directoryColumns = `g.id, g.source, g.source_id, g.updated, g.name, g.program, g.attendance,
		g.timezone, g.lat, g.lon, g.coords_from_zip, g.data`
	groupColumns = directoryColumns + `, ` + curationColumns
	curationJoin = `LEFT JOIN curation c ON c.group_key = g.group_key
		LEFT JOIN published_curation p ON p.group_key = g.group_key`
)

func findGroupByID(ctx context.Context, tx *sql.Tx, id int64) (*referral.Group, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+` WHERE g.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find group %d: %w", id, err)
	}
	groups, err := scanGroups(rows)
	if err != nil {
		return nil, fmt.Errorf("find group %d: %w", id, err)
	}
	if len(groups) == 0 {
		return nil, notFound(id)
	}
	return groups[0], nil
}

func notFound(id int64) error {
	return referral.Errorf(referral.ENOTFOUND, "Group %d is not in the directory; it may have been deleted or removed by an import.", id)
}

// groupKey returns the Source and SourceID of group id, or ENOTFOUND.
func provenance(ctx context.Context, tx *sql.Tx, id int64) (source, sourceID string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT source, source_id FROM groups WHERE id = ?`, id).Scan(&source, &sourceID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", notFound(id)
	} else if err != nil {
		return "", "", fmt.Errorf("find group %d: %w", id, err)
	}
	return source, sourceID, nil
}

// scanGroups reads every row of groupColumns rows holds. Each row's JSON
// document is decoded on a goroutine of its own while the rows after it are
// read: decoding is a third of reading the Directory's 1,000 rows (4.6 of
// 12 ms), and the two overlap on a second core.
func scanGroups(rows *sql.Rows) ([]*referral.Group, error) {
	defer rows.Close()
	pending := make(chan scannedGroup, 128)
	decoded := make(chan error, 1)
	go func() {
		var first error
		for sg := range pending {
			if err := sg.finish(); err != nil && first == nil {
				first = err
			}
		}
		decoded <- first
	}()
	var groups []*referral.Group
	var err error
	for rows.Next() {
		g := new(referral.Group)
		var sg scannedGroup
		if sg, err = scanColumns(rows, g); err != nil {
			break
		}
		pending <- sg
		groups = append(groups, g)
	}
	close(pending)
	if derr := <-decoded; err == nil {
		err = derr
	}
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return nil, err
	}
	return groups, nil
}

// scanGroup reads the row of groupColumns rows is on into g, replacing all
// of g.
func scanGroup(rows *sql.Rows, g *referral.Group) error {
	sg, err := scanColumns(rows, g)
	if err != nil {
		return err
	}
	return sg.finish()
}

// scannedGroup is a group read from its row but for its JSON document,
// which finish decodes.
type scannedGroup struct {
	g        *referral.Group
	data     []byte
	lat, lon sql.NullFloat64
	fromZIP  bool
}

// scanColumns reads the row of groupColumns rows is on into g, replacing
// all of g, except what finish sets.
func scanColumns(rows *sql.Rows, g *referral.Group) (scannedGroup, error) {
	var (
		updated sql.NullString
		cur     curationDest
	)
	sg := scannedGroup{g: g}
	*g = referral.Group{}
	err := rows.Scan(append([]any{&g.ID, &g.Source, &g.SourceID, &updated, &g.Name, &g.Program, &g.Attendance,
		&g.TimeZone, &sg.lat, &sg.lon, &sg.fromZIP, &sg.data}, cur.targets()...)...)
	if err != nil {
		return sg, err
	}
	// A date this build cannot read (written by hand, or by another tool)
	// makes that one date unknown, not every match and list fail.
	if g.Updated, err = parseTime(updated); err != nil {
		log.Printf("referraldesk: group %d: last-updated date %q cannot be read; shown as unknown", g.ID, updated.String)
	}
	row, bad, err := cur.row()
	if err != nil {
		return sg, fmt.Errorf("group %d: %w", g.ID, err)
	}
	if bad != "" {
		logBadDate(g.ID, bad)
	}
	g.Curation, g.Published = row.shown(), row.published
	return sg, nil
}

// finish decodes the group's JSON document and sets the columns that go
// inside the parts it fills (the place's coordinates).
func (sg scannedGroup) finish() error {
	g := sg.g
	if err := decodeData(sg.data, g); err != nil {
		return err
	}
	if sg.lat.Valid && sg.lon.Valid {
		g.Place.Coords = &referral.Point{Lat: sg.lat.Float64, Lon: sg.lon.Float64}
	}
	g.Place.CoordsFromZIP = sg.fromZIP
	return nil
}

// groupWhere turns a filter, but for its text, into a WHERE clause over
// groups g and curation c. Values always travel as arguments, never inside
// the SQL text.
func groupWhere(f referral.GroupFilter) (string, []any) {
	where := []string{"TRUE"}
	var args []any
	add := func(cond string, arg ...any) {
		where = append(where, cond)
		args = append(args, arg...)
	}
	if f.Program != "" {
		add(`g.program = ?`, string(f.Program))
	}
	if f.Attendance != "" {
		add(`g.attendance = ?`, string(f.Attendance))
	}
	if !f.IncludeInactive && f.Attendance != referral.Inactive {
		add(`g.attendance <> ?`, string(referral.Inactive))
	}
	if d := f.Weekday; d != nil && *d >= time.Sunday && *d <= time.Saturday {
		add(`g.days & ? <> 0`, 1<<*d)
	} else if d != nil {
		add(`FALSE`) // no session falls on an unknown day
	}
	if f.Source != "" {
		add(`g.source = ?`, f.Source)
	}
	if !f.IncludeHidden {
		add(shownHidden + ` IS NOT 1`)
	}
	if !f.UpdatedBefore.IsZero() {
		add(`g.updated < ?`, formatTime(f.UpdatedBefore))
	}
	return strings.Join(where, " AND "), args
}

func limitOffset(limit, offset int) string {
	switch {
	case limit > 0 && offset > 0:
		return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
	case limit > 0:
		return fmt.Sprintf(" LIMIT %d", limit)
	case offset > 0:
		return fmt.Sprintf(" LIMIT -1 OFFSET %d", offset)
	}
	return ""
}

// curatedSources lists the sources that have any curation, own or
// published, so a bulk create looks curation up only where some may exist
// (usually nowhere, on import).
func curatedSources(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT source FROM curation UNION SELECT source FROM published_curation`)
	if err != nil {
		return nil, fmt.Errorf("list curated sources: %w", err)
	}
	defer rows.Close()
	sources := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("list curated sources: %w", err)
		}
		sources[s] = true
	}
	return sources, rows.Err()
}

// conflict turns a UNIQUE (source, source_id) violation into ECONFLICT.
func conflict(g *referral.Group, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return referral.Errorf(referral.ECONFLICT,
			"A group from %s with id %q is already in the directory; edit that group instead.", g.Source, g.SourceID)
	}
	return err
}
