package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
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
// Each rank is a column filter in the search index (see searchRanks), so a
// rank is counted there, as the total is (see countExpression), and read by a
// query of its own. Offset and Limit are cut across the ranks by their
// counts, and a rank is counted only when the page reaches past the ranks
// before it: the Directory's first 1,000 of "st john" in 250,000 listings
// count the total and the name rank (3,000), and read the name rank alone,
// about as fast as the unranked list was. A count also picks the plan for
// its rank's page: few matches are looked up and sorted; many are found
// faster by walking the name index in order and stopping once the page is
// full (40,000 matches: ~8x faster). A date has no token in the index, so a
// filter on UpdatedBefore is counted in the groups table.
func (s *GroupService) FindGroups(ctx context.Context, f referral.GroupFilter) ([]*referral.Group, int, error) {
	var groups []*referral.Group
	var total int
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		words := matchExpression(f.Text)
		last := len(searchRanks) - 1
		var err error
		if total, err = countGroups(ctx, tx, f, words, last); err != nil {
			return err
		}
		offset := max(f.Offset, 0)
		if total == 0 || offset >= total {
			return nil
		}
		if words == "" {
			groups, err = findPage(ctx, tx, f, "", total, offset, f.Limit)
			return err
		}
		end := total
		if f.Limit > 0 {
			end = min(end, offset+f.Limit)
		}
		before := 0 // the matches in the ranks before r
		for r := range searchRanks {
			upTo := total // the matches in rank r and those before it
			if r < last {
				if upTo, err = countGroups(ctx, tx, f, words, r); err != nil {
					return err
				}
			}
			if from, to := max(offset, before), min(end, upTo); from < to {
				page, err := findPage(ctx, tx, f, rankExpression(words, r), upTo-before, from-before, to-from)
				if err != nil {
					return err
				}
				groups = append(groups, page...)
			}
			if before = upTo; before >= end {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return groups, total, nil
}

// countGroups counts the groups f selects whose words are found within the
// columns of search rank r (see searchRanks); words is f's matchExpression.
func countGroups(ctx context.Context, tx *sql.Tx, f referral.GroupFilter, words string, r int) (int, error) {
	var n int
	var err error
	if f.UpdatedBefore.IsZero() {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM groups_fts WHERE groups_fts MATCH ?`, countExpression(f, words, r)).Scan(&n)
	} else {
		var match string
		if words != "" {
			match = within(words, r)
		}
		where, args := groupWhere(f, match)
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM groups g `+curationJoin+` WHERE `+where, args...).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count groups: %w", err)
	}
	return n, nil
}

// findPage reads the page [offset, offset+limit) of the groups f selects
// that the search index query match finds (all, when match is ""), in name
// order. n is how many there are, which picks the plan (see FindGroups).
func findPage(ctx context.Context, tx *sql.Tx, f referral.GroupFilter, match string, n, offset, limit int) ([]*referral.Group, error) {
	where, args := groupWhere(f, match)
	from := `groups g`
	if match != "" && limit > 0 && n >= 20*(offset+limit) {
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
	err := s.db.write(ctx, func(tx *sql.Tx, now string) error {
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
			if err := w.index(ctx, g); err != nil {
				return err
			}
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
	return s.db.write(ctx, func(tx *sql.Tx, now string) error {
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
		return w.indexGroup(ctx, tx, referral.GroupKey(g))
	})
}

// DeleteGroup removes a group and its curation: a person deleting a group means
// it. (An import that drops a listing deletes only the groups row, so the
// curation is there when the listing comes back.)
func (s *GroupService) DeleteGroup(ctx context.Context, id int64) error {
	return s.db.write(ctx, func(tx *sql.Tx, now string) error {
		var key string
		if err := tx.QueryRowContext(ctx, `SELECT group_key FROM groups WHERE id = ?`, id).Scan(&key); errors.Is(err, sql.ErrNoRows) {
			return notFound(id)
		} else if err != nil {
			return fmt.Errorf("delete group %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM groups WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete group %d: %w", id, err)
		}
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
	err := s.db.write(ctx, func(tx *sql.Tx, now string) error {
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

func scanGroups(rows *sql.Rows) ([]*referral.Group, error) {
	defer rows.Close()
	var groups []*referral.Group
	for rows.Next() {
		g := new(referral.Group)
		if err := scanGroup(rows, g); err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}

// scanGroup reads the row of groupColumns rows is on into g, replacing all
// of g.
func scanGroup(rows *sql.Rows, g *referral.Group) error {
	var (
		updated  sql.NullString
		lat, lon sql.NullFloat64
		fromZIP  bool
		data     []byte
		cur      curationDest
	)
	*g = referral.Group{}
	err := rows.Scan(append([]any{&g.ID, &g.Source, &g.SourceID, &updated, &g.Name, &g.Program, &g.Attendance,
		&g.TimeZone, &lat, &lon, &fromZIP, &data}, cur.targets()...)...)
	if err != nil {
		return err
	}
	if err := decodeData(data, g); err != nil {
		return err
	}
	if lat.Valid && lon.Valid {
		g.Place.Coords = &referral.Point{Lat: lat.Float64, Lon: lon.Float64}
	}
	g.Place.CoordsFromZIP = fromZIP
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
	var not []string
	if !f.IncludeInactive && f.Attendance != referral.Inactive {
		not = append(not, "a"+hex.EncodeToString([]byte(referral.Inactive)))
	}
	if !f.IncludeHidden {
		not = append(not, "hidden")
	}
	if len(not) > 0 {
		expr += " NOT (facets : (" + strings.Join(not, " OR ") + "))"
	}
	return expr
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
