package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"math"
	"strings"
	"time"
	"unicode"

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
// The ranks are read as readPage says; the total is counted apart from the
// page, at the same time (see below). A date has no token in the index, so
// a filter on UpdatedBefore is counted in the groups table.
func (s *GroupService) FindGroups(ctx context.Context, f referral.GroupFilter) ([]*referral.Group, int, error) {
	words := matchExpression(f.Text)
	offset := max(f.Offset, 0)
	// The total and the page are read at once, each in a read transaction
	// of its own on a connection of its own: counting 200,000 matches takes
	// about as long as reading the 1,000 rows the list shows, so the list
	// waits for the longer of the two, not both. Two transactions see the
	// same directory when no commit came between the Version before them
	// and the one after (a read transaction sees the last commit before its
	// first read); when one did, the search is run again in one transaction.
	//
	// A page past the first is read only once the count says it exists,
	// in one transaction: the Directory counts what its check box leaves
	// out by asking for a page past every match, and reading that page
	// meant walking every row to skip it (480 ms for the plain list of
	// 250,000 listings, against 3 ms to count them).
	if before, err := s.db.Version(ctx); err == nil && offset == 0 {
		groups, total, err := s.findConcurrently(ctx, f, words, offset)
		if err != nil {
			return nil, 0, err
		}
		if after, err := s.db.Version(ctx); err == nil && after == before {
			return groups, total, nil
		}
	}
	var groups []*referral.Group
	var total int
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		var err error
		if total, err = countGroups(ctx, tx, f, words, len(searchRanks)-1, 0); err != nil || total == 0 || offset >= total {
			return err
		}
		groups, err = readPage(ctx, tx, f, words, offset, func() (int, error) { return total, nil })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return groups, total, nil
}

// findConcurrently counts the groups f selects in one read transaction
// while it reads the page in another (see FindGroups).
func (s *GroupService) findConcurrently(ctx context.Context, f referral.GroupFilter, words string, offset int) ([]*referral.Group, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type counted struct {
		n   int
		err error
	}
	count := make(chan counted, 1)
	go func() {
		var c counted
		c.err = s.db.read(ctx, func(tx *sql.Tx) (err error) {
			c.n, err = countGroups(ctx, tx, f, words, len(searchRanks)-1, 0)
			return err
		})
		if c.err != nil {
			cancel() // the page is of no use without the total
		}
		count <- c
	}()
	var total *counted
	wait := func() (int, error) {
		if total == nil {
			c := <-count
			total = &c
		}
		return total.n, total.err
	}
	var groups []*referral.Group
	err := s.db.read(ctx, func(tx *sql.Tx) (err error) {
		groups, err = readPage(ctx, tx, f, words, offset, wait)
		return err
	})
	if err != nil {
		cancel() // the count is of no use without the page
	}
	n, cerr := wait()
	if cerr != nil {
		return nil, 0, cerr
	}
	if err != nil {
		return nil, 0, err
	}
	if offset >= n {
		groups = nil // the total says there is no such page
	}
	return groups, n, nil
}

// readPage reads the page of the groups f selects that starts at offset,
// in the order FindGroups gives them; words is f's matchExpression. total
// returns how many groups f selects in all; it is asked only when the page
// reaches into the last search rank, whose size it fixes.
//
// Each rank is a column filter in the search index (see searchRanks), so a
// rank is counted there, as the total is (see countExpression), and read by
// a query of its own. Offset and Limit are cut across the ranks by their
// counts, and a rank is counted only when the page reaches past the ranks
// before it: the Directory's first 1,000 of "st john" in 250,000 listings
// count the name rank (3,000) and read it alone. A count also picks the plan
// for its rank's page: few matches are looked up and sorted; many are found
// faster by walking the name index in order and stopping once the page is
// full (40,000 matches: ~8x faster).
func readPage(ctx context.Context, tx *sql.Tx, f referral.GroupFilter, words string, offset int, total func() (int, error)) ([]*referral.Group, error) {
	if words == "" {
		return findPage(ctx, tx, f, "", 0, offset, f.Limit)
	}
	end := math.MaxInt // where the page ends, when it asks for a Limit
	if f.Limit > 0 {
		end = offset + f.Limit
	}
	var groups []*referral.Group
	last := len(searchRanks) - 1
	before := 0 // the matches in the ranks before r
	for r := range searchRanks {
		var upTo int // the matches in rank r and those before it
		var err error
		if r < last {
			// Counted no further than tells that the rank fills the rest of
			// the page and is walked in name order (see findPage): the name
			// rank of one letter has 100,000 matches, and counting 20,000 of
			// them is five times faster.
			atMost := 0
			if end < math.MaxInt {
				atMost = before + walkFactor*(end-before)
			}
			upTo, err = countGroups(ctx, tx, f, words, r, atMost)
		} else {
			upTo, err = total()
		}
		if err != nil {
			return nil, err
		}
		if from, to := max(offset, before), min(end, upTo); from < to {
			page, err := findPage(ctx, tx, f, rankExpression(words, r), upTo-before, from-before, to-from)
			if err != nil {
				return nil, err
			}
			groups = append(groups, page...)
		}
		if before = upTo; before >= end {
			break
		}
	}
	return groups, nil
}

// countGroups counts the groups f selects whose words are found within the
// columns of search rank r (see searchRanks); words is f's matchExpression.
// With atMost > 0 it counts no more than atMost of them.
func countGroups(ctx context.Context, tx *sql.Tx, f referral.GroupFilter, words string, r, atMost int) (int, error) {
	var n int
	var err error
	limit := ""
	if atMost > 0 {
		limit = fmt.Sprintf(" LIMIT %d", atMost)
	}
	if words == "" && atMost == 0 && f.UpdatedBefore.IsZero() && f.Program == "" && f.Attendance == "" && f.Weekday == nil && f.Source == "" {
		// The whole list, less what it leaves out: SQLite counts a table's
		// rows from its smallest index without looking at any, and the
		// inactive and hidden groups are few next to the rest (214,000 of
		// 250,000: 13 ms as one count in the search index, 6 ms this way).
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM groups`).Scan(&n)
		if not := excluded(f); err == nil && not != "" {
			var out int
			err = tx.QueryRowContext(ctx, `SELECT count(*) FROM groups_fts WHERE groups_fts MATCH ?`, "facets : ("+not+")").Scan(&out)
			n -= out
		}
	} else if f.UpdatedBefore.IsZero() {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT rowid FROM groups_fts WHERE groups_fts MATCH ?`+limit+`)`,
			countExpression(f, words, r)).Scan(&n)
	} else {
		var match string
		if words != "" {
			match = within(words, r)
		}
		where, args := groupWhere(f, match)
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM groups g `+curationJoin+` WHERE `+where+limit+`)`, args...).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count groups: %w", err)
	}
	return n, nil
}

// walkFactor is how many matches per row of the page make findPage walk the
// name index rather than look the matches up and sort them.
const walkFactor = 20

// findPage reads the page [offset, offset+limit) of the groups f selects
// that the search index query match finds (all, when match is ""), in name
// order. n is how many there are, which picks the plan (see readPage).
func findPage(ctx context.Context, tx *sql.Tx, f referral.GroupFilter, match string, n, offset, limit int) ([]*referral.Group, error) {
	where, args := groupWhere(f, match)
	from := `groups g`
	if match != "" && limit > 0 && n >= walkFactor*(offset+limit) {
		from = `groups g INDEXED BY groups_name`
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM `+from+` `+curationJoin+` WHERE `+where+
		` ORDER BY g.name COLLATE NOCASE, g.id`+limitOffset(limit, offset), args...)
	if err != nil {
		return nil, fmt.Errorf("find groups: %w", err)
	}
	groups, err := scanGroups(rows)
	if err != nil {
		return nil, fmt.Errorf("find groups: %w", err)
	}
	return groups, nil
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
			if err := w.indexNew(ctx, g); err != nil {
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
		return w.indexGroup(ctx, tx, referral.GroupKey(g))
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
		ch.group(referral.GroupKey(g))
		return w.indexGroup(ctx, tx, referral.GroupKey(g)) // the hidden facet of every listing may have changed
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
	row, bad := cur.row()
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

// groupWhere turns a filter into a WHERE clause over groups g and curation c,
// with match, when not "", the search index query for f.Text (of one rank,
// or up to one: see searchRanks). Values always travel as arguments, never
// inside the SQL text.
func groupWhere(f referral.GroupFilter, match string) (string, []any) {
	where := []string{"TRUE"}
	var args []any
	add := func(cond string, arg ...any) {
		where = append(where, cond)
		args = append(args, arg...)
	}
	if match != "" {
		add(`g.id IN (SELECT rowid FROM groups_fts WHERE groups_fts MATCH ?)`, match)
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

// matchExpression turns what a person typed into an FTS5 query: every word
// must match the start of a word in the group's text. Each word is quoted, so
// FTS5 syntax in it (" * - ( ) OR NEAR ^ :) is plain text; inside the quotes
// the tokenizer splits "o'brien" into the phrase "o brien". Words with no
// letter or digit would be empty phrases, and are dropped; control characters
// are blanked because FTS5 reads its query as a C string and a NUL ends it.
func matchExpression(text string) string {
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	var terms []string
	for _, word := range strings.Fields(text) {
		if !strings.ContainsFunc(word, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(word, `"`, `""`)+`"*`)
	}
	return strings.Join(terms, " AND ")
}

// facetTokens are the words in the facets column of g's search row: one per
// property a GroupFilter selects on. Program and source names are hex-encoded
// so any name becomes exactly one token.
func facetTokens(g *referral.Group) []string {
	tokens := []string{"all", "a" + hex.EncodeToString([]byte(g.Attendance)),
		"p" + hex.EncodeToString([]byte(g.Program)), "s" + hex.EncodeToString([]byte(g.Source))}
	for day := range 7 {
		if weekdays(g.Sessions)&(1<<day) != 0 {
			tokens = append(tokens, fmt.Sprintf("d%d", day+1)) // d1 = Sunday
		}
	}
	if g.Curation.Hidden {
		tokens = append(tokens, "hidden")
	}
	return tokens
}

// searchRanks are the search index columns in which each rank of a search
// (see referral.GroupFilter) finds the typed words: the name, then the name
// and place, then every column but facets, which hold the filters' tokens
// and no word anyone typed. Each holds the one before it, and rank r is what
// its columns find and rank r-1's do not. A column filter applies to every
// word, but each word may be in any of the columns: "st john" ranks "St.
// Mark's Hope" at St. John's Church second.
var searchRanks = []string{
	`name`,
	`{name location address city regions}`,
	`- {facets}`,
}

// within is the search index query for words (a matchExpression) found in
// the columns of rank r: the matches of that rank and the ranks before it.
func within(words string, r int) string {
	return searchRanks[r] + " : (" + words + ")"
}

// rankExpression is the search index query for the matches of rank r alone.
func rankExpression(words string, r int) string {
	if r == 0 {
		return within(words, r)
	}
	return "(" + within(words, r) + ") NOT (" + within(words, r-1) + ")"
}

// countExpression is the FTS5 query that selects what groupWhere selects with
// within(words, r), so the total (and each rank) is counted in the index. The
// filters are facet tokens.
func countExpression(f referral.GroupFilter, words string, r int) string {
	expr := "(facets : all)"
	if words != "" {
		expr = "(" + within(words, r) + ")"
	}
	and := func(token string) { expr += " AND (facets : " + token + ")" }
	if f.Program != "" {
		and("p" + hex.EncodeToString([]byte(f.Program)))
	}
	if f.Attendance != "" {
		and("a" + hex.EncodeToString([]byte(f.Attendance)))
	}
	if f.Weekday != nil {
		and(fmt.Sprintf("d%d", max(*f.Weekday, -1)+1)) // d0 is unused: an unknown day matches nothing
	}
	if f.Source != "" {
		and("s" + hex.EncodeToString([]byte(f.Source)))
	}
	if not := excluded(f); not != "" {
		expr += " NOT (facets : (" + not + "))"
	}
	return expr
}

// excluded is the facet tokens of the groups f leaves out unless asked for
// (inactive, hidden), joined by OR; "" when it leaves none out.
func excluded(f referral.GroupFilter) string {
	var not []string
	if !f.IncludeInactive && f.Attendance != referral.Inactive {
		not = append(not, "a"+hex.EncodeToString([]byte(referral.Inactive)))
	}
	if !f.IncludeHidden {
		not = append(not, "hidden")
	}
	return strings.Join(not, " OR ")
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
