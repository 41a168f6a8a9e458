package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// listingOf is a small valid feed listing near central Philadelphia.
func listingOf(source, id, name string) *referral.Group {
	return &referral.Group{
		Source: source, SourceID: id, Name: name, Program: referral.ProgramAA,
		Updated:    time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
		Sessions:   []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}},
		TimeZone:   "America/New_York",
		Attendance: referral.InPerson,
		Place: referral.Place{Address: "1625 Locust St", City: "Philadelphia", State: "PA",
			Coords: &referral.Point{Lat: 39.9486, Lon: -75.1695}},
	}
}

// feedOf is a parsed feed: one listing per id, named after it.
func feedOf(source string, ids ...string) []*referral.Group {
	var groups []*referral.Group
	for _, id := range ids {
		groups = append(groups, listingOf(source, id, "Group "+id))
	}
	return groups
}

// rawQuery reads one value through a connection of its own.
func rawQuery(t *testing.T, path, query string, dest any, args ...any) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRow(query, args...).Scan(dest); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// sourceState is what a source holds: SourceID → group name and ID.
func sourceState(t *testing.T, s *sqlite.GroupService, source string) map[string]*referral.Group {
	t.Helper()
	groups, _, err := s.FindGroups(context.Background(),
		referral.GroupFilter{Source: source, IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*referral.Group{}
	for _, g := range groups {
		byID[g.SourceID] = g
	}
	return byID
}

func TestReplaceSource(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	// Neighbours that every import below must leave alone.
	other := listingOf("na-gnyr", "a", "Group a of NA")
	manual := listingOf("", "", "Typed by hand")
	if err := s.CreateGroups(ctx, []*referral.Group{other, manual}); err != nil {
		t.Fatal(err)
	}
	src := referral.Source{Name: "aasepia", Format: "meeting-guide"}
	renamed := feedOf("aasepia", "a", "b", "d")
	renamed[1].Name = "Group b, renamed"
	moved := feedOf("aasepia", "a", "b", "d")
	moved[1].Name = "Group b, renamed"
	moved[2].Place.Coords = &referral.Point{Lat: 40.0, Lon: -75.2}

	steps := []struct {
		name   string
		groups []*referral.Group
		want   sqlite.ImportCounts
		names  map[string]string // SourceID → name after the step
	}{
		{"first import adds", feedOf("aasepia", "a", "b", "c"), sqlite.ImportCounts{Added: 3},
			map[string]string{"a": "Group a", "b": "Group b", "c": "Group c"}},
		{"same file changes nothing", feedOf("aasepia", "a", "b", "c"), sqlite.ImportCounts{Unchanged: 3},
			map[string]string{"a": "Group a", "b": "Group b", "c": "Group c"}},
		{"adds, updates and removes", renamed, sqlite.ImportCounts{Added: 1, Updated: 1, Removed: 1, Unchanged: 1},
			map[string]string{"a": "Group a", "b": "Group b, renamed", "d": "Group d"}},
		{"coordinates alone are a change", moved, sqlite.ImportCounts{Updated: 1, Unchanged: 2},
			map[string]string{"a": "Group a", "b": "Group b, renamed", "d": "Group d"}},
		{"empty file empties the source", nil, sqlite.ImportCounts{Removed: 3}, map[string]string{}},
	}
	ids := map[string]int64{}
	for k, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			// Each import runs at a later clock, so a rewritten row would
			// show a new modified_at.
			now := fixedNow.Add(time.Duration(k) * time.Hour)
			db.SetClock(func() time.Time { return now })
			var before string
			if k == 1 {
				rawQuery(t, path, `SELECT group_concat(modified_at) FROM groups WHERE source = 'aasepia'`, &before)
			}
			got, err := s.ReplaceSource(ctx, src, step.groups)
			if err != nil {
				t.Fatal(err)
			}
			if got != step.want {
				t.Errorf("counts = %+v, want %+v", got, step.want)
			}
			state := sourceState(t, s, "aasepia")
			if len(state) != len(step.names) {
				t.Errorf("source holds %d groups, want %d", len(state), len(step.names))
			}
			for id, name := range step.names {
				g := state[id]
				if g == nil || g.Name != name {
					t.Errorf("listing %s = %v, want name %q", id, g, name)
					continue
				}
				if prev, ok := ids[id]; ok && prev != g.ID {
					t.Errorf("listing %s moved from ID %d to %d; a referral log would lose it", id, prev, g.ID)
				}
				ids[id] = g.ID
			}
			for _, g := range step.groups {
				if g.ID != state[g.SourceID].ID {
					t.Errorf("returned ID of %s = %d, stored %d", g.SourceID, g.ID, state[g.SourceID].ID)
				}
			}
			if k == 1 {
				var after string
				rawQuery(t, path, `SELECT group_concat(modified_at) FROM groups WHERE source = 'aasepia'`, &after)
				if after != before {
					t.Errorf("re-import rewrote rows: modified_at %s, was %s", after, before)
				}
			}
			for _, g := range []*referral.Group{other, manual} {
				if got, err := s.FindGroupByID(ctx, g.ID); err != nil || got.Name != g.Name {
					t.Errorf("neighbour %q changed: %v, %v", g.Name, got, err)
				}
			}
		})
	}
}

func TestReplaceSourceSearchAndCuration(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	src := referral.Source{Name: "aasepia"}
	if _, err := s.ReplaceSource(ctx, src, feedOf("aasepia", "a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	b := sourceState(t, s, "aasepia")["b"]
	curation := referral.Curation{Hidden: true, Notes: "Moved away", MedicationFriendly: referral.MedicationNo}
	if _, err := s.SetCuration(ctx, b.ID, curation); err != nil {
		t.Fatal(err)
	}

	// b leaves the feed and comes back, then is renamed by the feed: it
	// keeps the clinic's curation and the hidden facet of its search row.
	if _, err := s.ReplaceSource(ctx, src, feedOf("aasepia", "a", "c")); err != nil {
		t.Fatal(err)
	}
	back := feedOf("aasepia", "a", "b", "c")
	back[1].Curation = referral.Curation{Notes: "a feed cannot set this"}
	counts, err := s.ReplaceSource(ctx, src, back)
	if err != nil {
		t.Fatal(err)
	}
	if counts != (sqlite.ImportCounts{Added: 1, Unchanged: 2}) {
		t.Errorf("counts = %+v", counts)
	}
	back = feedOf("aasepia", "a", "b", "c")
	back[1].Name = "Riverside Hope"
	if counts, err = s.ReplaceSource(ctx, src, back); err != nil {
		t.Fatal(err)
	}
	if counts != (sqlite.ImportCounts{Updated: 1, Unchanged: 2}) {
		t.Errorf("counts after the rename = %+v", counts)
	}
	if back[1].Curation != curation {
		t.Errorf("returned curation = %+v, want %+v", back[1].Curation, curation)
	}
	got := sourceState(t, s, "aasepia")["b"]
	if got.Curation != curation {
		t.Errorf("stored curation = %+v, want %+v", got.Curation, curation)
	}

	cases := []struct {
		name string
		f    referral.GroupFilter
		want []string
	}{
		{"new name found", referral.GroupFilter{Text: "riverside", IncludeHidden: true}, []string{"Riverside Hope"}},
		{"hidden stays hidden", referral.GroupFilter{Text: "riverside"}, nil},
		{"counted apart from visible", referral.GroupFilter{Source: "aasepia"}, []string{"Group a", "Group c"}},
		{"old name gone", referral.GroupFilter{Text: "group b", IncludeHidden: true}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assertNames(t, s, c.f, c.want...) })
	}
}

func TestReplaceSourceRefuses(t *testing.T) {
	badURL := feedOf("aasepia", "x", "y", "z")
	badURL[1].Online.URL = "zoom.example/j/1"
	dup := feedOf("aasepia", "x", "y", "x")
	foreign := feedOf("aasepia", "x", "y")
	foreign[1].Source = "gnyr"
	noID := feedOf("aasepia", "x", "")
	badZone := feedOf("aasepia", "x", "y")
	badZone[1].TimeZone = "America/Filadelfia"
	// Written in id order, told in the file's: "b" is the first to mend.
	twoBad := feedOf("aasepia", "b", "a")
	twoBad[0].TimeZone = "America/Filadelfia"
	twoBad[1].Online.URL = "zoom.example/j/1"

	cases := []struct {
		name   string
		src    string
		groups []*referral.Group
		want   []string // in the message
	}{
		{"invalid listing", "aasepia", badURL, []string{"Listing 2 of 3", `"y"`, "link"}},
		{"invalid zone after a valid one", "aasepia", badZone, []string{"Listing 2 of 2", "Filadelfia"}},
		{"the file's first invalid listing", "aasepia", twoBad, []string{"Listing 1 of 2", `"b"`, "Filadelfia"}},
		{"duplicate id", "aasepia", dup, []string{"Listing 3 of 3", `"x"`, "listing 1 has the same id"}},
		{"another source's listing", "aasepia", foreign, []string{"Listing 2 of 2", `"gnyr"`}},
		{"listing without id", "aasepia", noID, []string{"Listing 2 of 2", "no id"}},
		{"no source name", " ", feedOf("", "x"), []string{"no source name"}},
		{"manual is not a source", referral.SourceManual, feedOf(referral.SourceManual, "x"), []string{"by hand"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := openTestDB(t)
			s := sqlite.NewGroupService(db)
			if _, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, feedOf("aasepia", "x", "old")); err != nil {
				t.Fatal(err)
			}
			_, err := s.ReplaceSource(ctx, referral.Source{Name: c.src}, c.groups)
			wantCode(t, err, referral.EINVALID)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			if state := sourceState(t, s, "aasepia"); len(state) != 2 || state["old"] == nil {
				t.Errorf("refused import changed the directory: %v", state)
			}
		})
	}
}

// cancelAfter is a context that cancels itself on the n-th call of Err, so a
// test can stop an import in the middle of its transaction.
type cancelAfter struct {
	context.Context
	left   atomic.Int64
	cancel context.CancelFunc
}

func newCancelAfter(n int64) *cancelAfter {
	ctx, cancel := context.WithCancel(context.Background())
	c := &cancelAfter{Context: ctx, cancel: cancel}
	c.left.Store(n)
	return c
}

// clones copies groups, so one import's IDs do not leak into another's.
func clones(groups []*referral.Group) []*referral.Group {
	out := make([]*referral.Group, len(groups))
	for i, g := range groups {
		c := *g
		out[i] = &c
	}
	return out
}

func (c *cancelAfter) Err() error {
	if c.left.Add(-1) == 0 {
		c.cancel()
	}
	return c.Context.Err()
}

func TestReplaceSourceCancelled(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	src := referral.Source{Name: "aasepia", Format: "csv"}
	first := make([]string, 3000)
	for i := range first {
		first[i] = fmt.Sprint(i)
	}
	if _, err := s.ReplaceSource(ctx, src, feedOf("aasepia", first...)); err != nil {
		t.Fatal(err)
	}
	before := sourceState(t, s, "aasepia")
	sources, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The second import renames every listing, drops the first thousand and
	// adds a thousand; it is cancelled after it has written some of that.
	var second []*referral.Group
	for i := 1000; i < 4000; i++ {
		g := listingOf("aasepia", fmt.Sprint(i), fmt.Sprintf("Renamed %d", i))
		second = append(second, g)
	}
	// How often the import looks at its context is its own business: count
	// it on a copy of the directory, then cancel at the last look but one,
	// which falls after most of the import is written.
	dryDB, _ := openTestDB(t)
	dry := sqlite.NewGroupService(dryDB)
	if _, err := dry.ReplaceSource(ctx, src, feedOf("aasepia", first...)); err != nil {
		t.Fatal(err)
	}
	counter := newCancelAfter(-1)
	if _, err := dry.ReplaceSource(counter, src, clones(second)); err != nil {
		t.Fatal(err)
	}
	looks := -1 - counter.left.Load()
	if looks < 3 {
		t.Fatalf("the import checked its context %d times; the test needs it checked while writing", looks)
	}
	cancelled := newCancelAfter(looks - 1)
	db.SetClock(func() time.Time { return fixedNow.Add(time.Hour) })
	_, err = s.ReplaceSource(cancelled, referral.Source{Name: "aasepia", Format: "meeting-guide"}, second)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if second[0].ID != 0 {
		t.Errorf("a rolled-back import left ID %d on its group", second[0].ID)
	}
	after := sourceState(t, s, "aasepia")
	if len(after) != len(before) {
		t.Fatalf("source holds %d groups after a cancelled import, want %d", len(after), len(before))
	}
	for id, g := range before {
		if a := after[id]; a == nil || a.Name != g.Name || a.ID != g.ID {
			t.Fatalf("listing %s = %+v after a cancelled import, want %+v", id, a, g)
		}
	}
	if got, _ := s.Sources(ctx); !slices.Equal(got, sources) {
		t.Errorf("sources = %+v after a cancelled import, want %+v", got, sources)
	}
}

func TestSources(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	later := fixedNow.Add(48 * time.Hour)
	imports := []struct {
		src referral.Source
		ids []string
		at  time.Time
	}{
		{referral.Source{Name: "gnyr", Format: "bmlt"}, []string{"1", "2"}, fixedNow},
		{referral.Source{Name: "aasepia", Format: "meeting-guide"}, []string{"a", "b", "c"}, fixedNow},
		{referral.Source{Name: "aasepia", Format: "csv"}, []string{"a", "b", "c", "d"}, later},
		{referral.Source{Name: "alanonma", Format: "meeting-guide"}, []string{"x"}, later},
	}
	for _, imp := range imports {
		db.SetClock(func() time.Time { return imp.at })
		if _, err := s.ReplaceSource(ctx, imp.src, feedOf(imp.src.Name, imp.ids...)); err != nil {
			t.Fatal(err)
		}
	}
	// A listing deleted by hand is gone from the count at once.
	d := sourceState(t, s, "aasepia")["d"]
	if err := s.DeleteGroup(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetCuration(ctx, sourceState(t, s, "alanonma")["x"].ID, referral.Curation{Notes: "kind chair"}); err != nil {
		t.Fatal(err)
	}

	want := []referral.Source{
		{Name: "aasepia", Format: "csv", Groups: 3, LastImport: later},
		{Name: "alanonma", Format: "meeting-guide", Groups: 1, LastImport: later},
		{Name: "gnyr", Format: "bmlt", Groups: 2, LastImport: fixedNow},
	}
	assertSources(t, s, want...)

	left := []referral.Source{want[0], want[2]}
	removals := []struct {
		name, source string
		code         string
		want         []referral.Source
	}{
		{"removes listings and record", "alanonma", "", left},
		{"unknown source", "nosuch", referral.ENOTFOUND, left},
		{"already removed", "alanonma", referral.ENOTFOUND, left},
		{"manual groups are not a source", referral.SourceManual, referral.EINVALID, left},
	}
	for _, r := range removals {
		t.Run(r.name, func(t *testing.T) {
			err := s.RemoveSource(ctx, r.source)
			wantCode(t, err, r.code)
			assertSources(t, s, r.want...)
		})
	}
	if n := len(sourceState(t, s, "alanonma")); n != 0 {
		t.Errorf("removed source still has %d groups", n)
	}

	// Curation is kept: the listing comes back with it.
	back := feedOf("alanonma", "x")
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "alanonma"}, back); err != nil {
		t.Fatal(err)
	}
	if back[0].Curation.Notes != "kind chair" {
		t.Errorf("curation after RemoveSource and re-import = %+v", back[0].Curation)
	}
}

func assertSources(t *testing.T, s *sqlite.GroupService, want ...referral.Source) {
	t.Helper()
	got, err := s.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, func(a, b referral.Source) bool {
		return a.Name == b.Name && a.Format == b.Format && a.Groups == b.Groups && a.LastImport.Equal(b.LastImport)
	}) {
		t.Errorf("sources =\n%+v\nwant\n%+v", got, want)
	}
}

// TestBulkImportBuildsItsIndexesAgain: an import that brings more listings
// than the directory holds sets the groups table's indexes aside while it
// inserts them and builds them again before it commits. The file has the
// same indexes after as before, a search and a match read it as before, and
// an import into a directory already bigger than it keeps them in step as
// it goes.
func TestBulkImportBuildsItsIndexesAgain(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	raw := rawDB(t, path)
	schema := func() string {
		t.Helper()
		return strings.Join(column[string](t, raw, `SELECT name || ': ' || sql FROM sqlite_schema
			WHERE type = 'index' AND tbl_name = 'groups' AND sql IS NOT NULL ORDER BY name`), "\n")
	}
	before := schema()
	if !strings.Contains(before, "groups_name") || !strings.Contains(before, "groups_lat") {
		t.Fatalf("the new file's indexes:\n%s", before)
	}
	s := sqlite.NewGroupService(db)
	sepia := sepiaFeed.groups(t) // 2,000 listings into an empty directory
	if counts, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, sepia); err != nil || counts.Added != len(sepia) {
		t.Fatalf("import: %+v, %v", counts, err)
	}
	if after := schema(); after != before {
		t.Errorf("indexes after the import:\n%s\nwant:\n%s", after, before)
	}
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	// The name index orders the plain list, read from the table before an
	// index is held.
	first, _, err := s.FindGroups(ctx, referral.GroupFilter{Limit: 3})
	if err != nil || len(first) != 3 {
		t.Fatalf("the plain list: %d groups, %v", len(first), err)
	}
	// Fewer listings than the directory holds: kept in step row by row.
	alanon := alanonFeed.groups(t)
	if len(alanon) >= len(sepia) {
		t.Fatalf("the Al-Anon feed (%d) must be smaller than SEPIA's (%d) for this", len(alanon), len(sepia))
	}
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "alanonma"}, alanon); err != nil {
		t.Fatal(err)
	}
	if after := schema(); after != before {
		t.Errorf("indexes after the second import:\n%s\nwant:\n%s", after, before)
	}
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after the second import: %q, %v", check, err)
	}
}

// TestImportIDsAreNewAndReturned: an import writes its new listings many to
// a statement; each still gets an id no group ever had, even one deleted
// since, and the id returned is the one stored.
func TestImportIDsAreNewAndReturned(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	first := feedOf("gnyr", "a", "b", "c")
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "gnyr"}, first); err != nil {
		t.Fatal(err)
	}
	highest := first[2].ID
	if err := s.DeleteGroup(ctx, highest); err != nil {
		t.Fatal(err)
	}
	// More than one statement's rows and not a multiple of them, so both
	// the full statement and the last, shorter one are written.
	var ids []string
	for i := range 150 {
		ids = append(ids, fmt.Sprintf("m%03d", i))
	}
	groups := feedOf("aasepia", ids...)
	counts, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, groups)
	if err != nil || counts.Added != len(ids) {
		t.Fatalf("import: %+v, %v; want %d added", counts, err, len(ids))
	}
	stored := sourceState(t, s, "aasepia")
	seen := map[int64]bool{}
	for _, g := range groups {
		if g.ID <= highest {
			t.Errorf("listing %s has id %d; group %d was deleted, so every new id is above it", g.SourceID, g.ID, highest)
		}
		if seen[g.ID] {
			t.Errorf("listing %s shares id %d", g.SourceID, g.ID)
		}
		seen[g.ID] = true
		if got := stored[g.SourceID]; got == nil || got.ID != g.ID || got.Name != g.Name {
			t.Errorf("listing %s returned with id %d; stored as %+v", g.SourceID, g.ID, got)
		}
	}
}
