package sqlite_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// fullGroup sets every field, so a round trip shows any field the store loses.
func fullGroup() *referral.Group {
	return &referral.Group{
		Source:   "aa-sepia",
		SourceID: "st-marks-tuesday",
		Updated:  time.Date(2024, 11, 2, 14, 5, 6, 789, time.UTC),
		Name:     "Tuesday Night Hope",
		Program:  referral.ProgramAA,
		Sessions: []referral.Session{
			{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60},
			{Day: time.Sunday, Start: 0, End: referral.NoTime},
		},
		TimeZone:   "America/New_York",
		Attendance: referral.Hybrid,
		Place: referral.Place{
			Location: "St. Mark's Church", Address: "1625 Locust St", City: "Philadelphia",
			State: "PA", PostalCode: "19103", Country: "US",
			Coords:      &referral.Point{Lat: 39.9486, Lon: -75.1695},
			Approximate: true, CoordsFromZIP: true, Notes: "Side door, basement", Regions: []string{"Center City", "Rittenhouse"},
		},
		Online: referral.OnlineAccess{URL: "https://zoom.example/j/1", URLNotes: "pw 123", Phone: "+1 215 555 0100", PhoneNotes: "ext 9"},
		Attributes: referral.Attributes{
			Openness: referral.Open, Audience: referral.WomenOnly, LGBTQ: true, YoungPeople: true, Seniors: true,
			Secular: true, Newcomer: true, Languages: []string{"en", "es"}, Wheelchair: true, ASL: true, Childcare: true,
			Formats: []referral.Format{referral.FormatSpeaker, referral.FormatStep},
		},
		Types: []string{"O", "W", "X", "ONL"},
		Notes: "Bring a friend.",
		Contact: referral.Contact{Entity: "SEPIA Intergroup", Phone: "215-555-0199", Email: "help@sepia.example",
			Website: "https://sepia.example", FeedbackURL: "https://sepia.example/feedback"},
		Curation: referral.Curation{MedicationFriendly: referral.MedicationYes,
			VerifiedOn: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), Notes: "Chair is kind to newcomers.", Hidden: false},
	}
}

// group is a small valid group for filter tests.
func group(name string, p referral.Program, a referral.Attendance, day time.Weekday, city, source, sourceID string) *referral.Group {
	return &referral.Group{
		Name: name, Program: p, Attendance: a, Source: source, SourceID: sourceID,
		Sessions: []referral.Session{{Day: day, Start: 18 * 60, End: referral.NoTime}},
		Place:    referral.Place{City: city},
	}
}

func assertGroup(t *testing.T, got, want *referral.Group) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("group differs\n got: %+v\nwant: %+v", got, want)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := referral.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

// countAll counts every stored group, hidden and inactive ones too.
func countAll(t *testing.T, s *sqlite.GroupService) int {
	t.Helper()
	_, n, err := s.FindGroups(context.Background(), referral.GroupFilter{IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGroupLifecycle(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)

	g := fullGroup()
	if err := s.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if g.ID == 0 {
		t.Fatal("CreateGroup did not set ID")
	}
	got, err := s.FindGroupByID(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertGroup(t, got, g)

	t.Run("update replaces data and search words", func(t *testing.T) {
		g.Name = "Wednesday Serenity"
		g.Sessions = []referral.Session{{Day: time.Wednesday, Start: 12 * 60, End: 13 * 60}}
		g.Place.Coords = nil
		g.Curation = referral.Curation{Notes: "moved to noon"}
		if err := s.UpdateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindGroupByID(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		assertGroup(t, got, g)
		assertNames(t, s, referral.GroupFilter{Text: "serenity"}, "Wednesday Serenity")
		assertNames(t, s, referral.GroupFilter{Text: "tuesday"})
		assertNames(t, s, referral.GroupFilter{Weekday: new(time.Wednesday)}, "Wednesday Serenity")
	})
	t.Run("update without source keeps it", func(t *testing.T) {
		g2 := *g
		g2.Source, g2.SourceID = "", ""
		if err := s.UpdateGroup(ctx, &g2); err != nil {
			t.Fatal(err)
		}
		if g2.Source != g.Source || g2.SourceID != g.SourceID {
			t.Errorf("source = %q %q, want %q %q", g2.Source, g2.SourceID, g.Source, g.SourceID)
		}
	})
	t.Run("set curation", func(t *testing.T) {
		c := referral.Curation{MedicationFriendly: referral.MedicationNo, Hidden: true}
		got, err := s.SetCuration(ctx, g.ID, c)
		if err != nil {
			t.Fatal(err)
		}
		if got.Curation != c || got.Name != g.Name {
			t.Errorf("SetCuration returned %+v", got)
		}
		assertNames(t, s, referral.GroupFilter{})
		assertNames(t, s, referral.GroupFilter{IncludeHidden: true}, g.Name)
		for _, f := range []referral.GroupFilter{{Limit: 1}, {Text: "serenity", Limit: 1}} {
			if _, total, err := s.FindGroups(ctx, f); err != nil || total != 0 {
				t.Errorf("hidden group counted: FindGroups(%+v) total = %d, %v", f, total, err)
			}
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := s.DeleteGroup(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.FindGroupByID(ctx, g.ID)
		wantCode(t, err, referral.ENOTFOUND)
		assertNames(t, s, referral.GroupFilter{Text: "serenity", IncludeHidden: true})

		// Deleting by hand removes the curation too.
		again := fullGroup()
		again.Curation = referral.Curation{}
		if err := s.CreateGroup(ctx, again); err != nil {
			t.Fatal(err)
		}
		if again.Curation != (referral.Curation{}) {
			t.Errorf("curation after delete and re-create = %+v, want none", again.Curation)
		}
	})
}

func TestCreateManualGroup(t *testing.T) {
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	a := group("Kitchen Table", referral.ProgramSMART, referral.InPerson, time.Monday, "Camden", "", "")
	b := group("Kitchen Table", referral.ProgramSMART, referral.InPerson, time.Monday, "Camden", "", "")
	for _, g := range []*referral.Group{a, b} {
		if err := s.CreateGroup(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		if g.Source != referral.SourceManual || !strings.HasPrefix(g.SourceID, "m-") {
			t.Errorf("source = %q %q, want manual and m-…", g.Source, g.SourceID)
		}
	}
	if a.SourceID == b.SourceID {
		t.Errorf("two manual groups share SourceID %q", a.SourceID)
	}
}

func TestGroupErrors(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	a := group("A", referral.ProgramNA, referral.InPerson, time.Monday, "", "na", "1")
	b := group("B", referral.ProgramNA, referral.InPerson, time.Monday, "", "na", "2")
	if err := s.CreateGroups(ctx, []*referral.Group{a, b}); err != nil {
		t.Fatal(err)
	}
	missing := group("Gone", referral.ProgramNA, referral.InPerson, time.Monday, "", "na", "9")
	missing.ID = 999

	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"find missing", func() error { _, err := s.FindGroupByID(ctx, 999); return err }, referral.ENOTFOUND},
		{"update missing", func() error { return s.UpdateGroup(ctx, missing) }, referral.ENOTFOUND},
		{"delete missing", func() error { return s.DeleteGroup(ctx, 999) }, referral.ENOTFOUND},
		{"curate missing", func() error { _, err := s.SetCuration(ctx, 999, referral.Curation{Hidden: true}); return err }, referral.ENOTFOUND},
		{"create duplicate source id", func() error {
			return s.CreateGroup(ctx, group("A again", referral.ProgramNA, referral.InPerson, time.Monday, "", "na", "1"))
		}, referral.ECONFLICT},
		{"update onto another's source id", func() error {
			b2 := *b
			b2.SourceID = "1"
			return s.UpdateGroup(ctx, &b2)
		}, referral.ECONFLICT},
		{"feed group without source id", func() error {
			return s.CreateGroup(ctx, group("No id", referral.ProgramNA, referral.InPerson, time.Monday, "", "na", ""))
		}, referral.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.call(), tt.code)
			if n := countAll(t, s); n != 2 {
				t.Errorf("%d groups stored, want 2", n)
			}
		})
	}
}

// TestInvalidWritesNothing checks every write validates first and that an
// invalid group leaves the database as it was.
func TestInvalidWritesNothing(t *testing.T) {
	ctx := context.Background()
	breakers := []struct {
		name   string
		break_ func(g *referral.Group)
	}{
		{"no name", func(g *referral.Group) { g.Name = " " }},
		{"no program", func(g *referral.Group) { g.Program = "" }},
		{"unknown time zone", func(g *referral.Group) { g.TimeZone = "Mars/Olympus" }},
		{"bad attendance", func(g *referral.Group) { g.Attendance = "sometimes" }},
		{"end before start", func(g *referral.Group) { g.Sessions[0].End = g.Sessions[0].Start - 1 }},
		{"latitude out of range", func(g *referral.Group) { g.Place.Coords = &referral.Point{Lat: 91} }},
		{"bad curation", func(g *referral.Group) { g.Curation.MedicationFriendly = "maybe" }},
	}
	for _, bk := range breakers {
		t.Run(bk.name, func(t *testing.T) {
			db, _ := openTestDB(t)
			s := sqlite.NewGroupService(db)
			stored := fullGroup()
			if err := s.CreateGroup(ctx, stored); err != nil {
				t.Fatal(err)
			}

			bad := fullGroup()
			bad.SourceID = "other"
			bk.break_(bad)
			err := s.CreateGroup(ctx, bad)
			wantCode(t, err, referral.EINVALID)
			if want := bad.Validate(); err.Error() != want.Error() {
				t.Errorf("CreateGroup error = %q, want Validate's %q", err, want)
			}
			if bad.ID != 0 {
				t.Errorf("invalid group got ID %d", bad.ID)
			}

			good := fullGroup()
			good.SourceID = "good"
			wantCode(t, s.CreateGroups(ctx, []*referral.Group{good, bad}), referral.EINVALID)
			if good.ID != 0 {
				t.Errorf("valid group of a refused batch got ID %d", good.ID)
			}
			if n := countAll(t, s); n != 1 {
				t.Errorf("%d groups stored, want 1", n)
			}

			update := fullGroup()
			update.ID = stored.ID
			bk.break_(update)
			wantCode(t, s.UpdateGroup(ctx, update), referral.EINVALID)
			got, err := s.FindGroupByID(ctx, stored.ID)
			if err != nil {
				t.Fatal(err)
			}
			assertGroup(t, got, stored)
		})
	}
	t.Run("set curation", func(t *testing.T) {
		db, _ := openTestDB(t)
		s := sqlite.NewGroupService(db)
		stored := fullGroup()
		if err := s.CreateGroup(ctx, stored); err != nil {
			t.Fatal(err)
		}
		_, err := s.SetCuration(ctx, stored.ID, referral.Curation{MedicationFriendly: "maybe", Hidden: true})
		wantCode(t, err, referral.EINVALID)
		got, err := s.FindGroupByID(ctx, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		assertGroup(t, got, stored)
	})
}

// TestCurationSurvivesReimport plays what a feed import does: it deletes the
// groups row of a listing that vanished (not through DeleteGroup, which is a
// person deleting) and later adds the listing again with a new id.
func TestCurationSurvivesReimport(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	g := fullGroup()
	if err := s.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	curation := g.Curation

	rawExec(t, path, `DELETE FROM groups WHERE source = ? AND source_id = ?`, g.Source, g.SourceID)
	_, err := s.FindGroupByID(ctx, g.ID)
	wantCode(t, err, referral.ENOTFOUND)
	assertNames(t, s, referral.GroupFilter{Text: "hope"}) // the trigger emptied the search row

	back := fullGroup()
	back.Curation = referral.Curation{} // feeds carry no curation
	if err := s.CreateGroups(ctx, []*referral.Group{back}); err != nil {
		t.Fatal(err)
	}
	if back.ID == g.ID {
		t.Fatalf("re-added group kept id %d; the test needs a new one", g.ID)
	}
	if back.Curation != curation {
		t.Errorf("CreateGroups curation = %+v, want %+v", back.Curation, curation)
	}
	got, err := s.FindGroupByID(ctx, back.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Curation != curation {
		t.Errorf("stored curation = %+v, want %+v", got.Curation, curation)
	}
}

func assertNames(t *testing.T, s *sqlite.GroupService, f referral.GroupFilter, want ...string) {
	t.Helper()
	groups, _, err := s.FindGroups(context.Background(), f)
	if err != nil {
		t.Fatalf("FindGroups(%+v): %v", f, err)
	}
	if got := names(groups); !slices.Equal(got, want) {
		t.Errorf("FindGroups(%+v) = %q, want %q", f, got, want)
	}
}

func names(groups []*referral.Group) []string {
	n := []string{}
	for _, g := range groups {
		n = append(n, g.Name)
	}
	return n
}

// seedDirectory stores a small directory for the filter tests.
func seedDirectory(t *testing.T) *sqlite.GroupService {
	t.Helper()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	hidden := group("hidden gem", referral.ProgramAlAnon, referral.InPerson, time.Tuesday, "Camden", "aa-sepia", "a3")
	hidden.Curation.Hidden = true
	groups := []*referral.Group{
		group("Hope on Spruce", referral.ProgramAA, referral.InPerson, time.Monday, "Philadelphia", "aa-sepia", "a1"),
		group("Grupo Niño Feliz", referral.ProgramNA, referral.Online, time.Wednesday, "São Paulo", "na-bmlt", "n1"),
		group("Saturday Serenity", referral.ProgramSMART, referral.Hybrid, time.Saturday, "Camden", "", ""),
		group("closed down", referral.ProgramAA, referral.Inactive, time.Monday, "Philadelphia", "aa-sepia", "a2"),
		hidden,
		group("apple tree", referral.ProgramAA, referral.InPerson, time.Friday, "Media", "aa-sepia", "a4"),
	}
	if err := s.CreateGroups(context.Background(), groups); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFindGroups(t *testing.T) {
	s := seedDirectory(t)
	active := []string{"apple tree", "Grupo Niño Feliz", "Hope on Spruce", "Saturday Serenity"}
	tests := []struct {
		name   string
		filter referral.GroupFilter
		want   []string
		total  int
	}{
		{"everything active and visible, by name ignoring case", referral.GroupFilter{}, active, 4},
		{"include hidden", referral.GroupFilter{IncludeHidden: true},
			[]string{"apple tree", "Grupo Niño Feliz", "hidden gem", "Hope on Spruce", "Saturday Serenity"}, 5},
		{"include inactive", referral.GroupFilter{IncludeInactive: true},
			[]string{"apple tree", "closed down", "Grupo Niño Feliz", "Hope on Spruce", "Saturday Serenity"}, 5},
		{"include hidden and inactive", referral.GroupFilter{IncludeHidden: true, IncludeInactive: true},
			[]string{"apple tree", "closed down", "Grupo Niño Feliz", "hidden gem", "Hope on Spruce", "Saturday Serenity"}, 6},
		{"program", referral.GroupFilter{Program: referral.ProgramAA}, []string{"apple tree", "Hope on Spruce"}, 2},
		{"attendance online", referral.GroupFilter{Attendance: referral.Online}, []string{"Grupo Niño Feliz"}, 1},
		{"attendance inactive asks for inactive", referral.GroupFilter{Attendance: referral.Inactive}, []string{"closed down"}, 1},
		{"weekday", referral.GroupFilter{Weekday: new(time.Monday)}, []string{"Hope on Spruce"}, 1},
		{"weekday with inactive", referral.GroupFilter{Weekday: new(time.Monday), IncludeInactive: true},
			[]string{"closed down", "Hope on Spruce"}, 2},
		{"weekday sunday matches none", referral.GroupFilter{Weekday: new(time.Sunday)}, []string{}, 0},
		{"weekday out of range matches none", referral.GroupFilter{Weekday: new(time.Weekday(-1))}, []string{}, 0},
		{"source", referral.GroupFilter{Source: "aa-sepia"}, []string{"apple tree", "Hope on Spruce"}, 2},
		{"manual source", referral.GroupFilter{Source: referral.SourceManual}, []string{"Saturday Serenity"}, 1},
		{"filters combine", referral.GroupFilter{Source: "aa-sepia", Weekday: new(time.Friday)}, []string{"apple tree"}, 1},
		{"limit", referral.GroupFilter{Limit: 2}, active[:2], 4},
		{"offset and limit", referral.GroupFilter{Offset: 2, Limit: 1}, active[2:3], 4},
		{"offset without limit", referral.GroupFilter{Offset: 1}, active[1:], 4},
		{"offset past the end", referral.GroupFilter{Offset: 10, Limit: 5}, []string{}, 4},
		// "a" also starts AA and the aliases "alcoholics anonymous" and "narcotics anonymous".
		{"limit with text", referral.GroupFilter{Text: "a", Limit: 1}, []string{"apple tree"}, 3},
		{"text with filters", referral.GroupFilter{Text: "a", Program: referral.ProgramAA, IncludeInactive: true},
			[]string{"apple tree", "closed down", "Hope on Spruce"}, 3},
		{"text with hidden", referral.GroupFilter{Text: "camden", IncludeHidden: true}, []string{"hidden gem", "Saturday Serenity"}, 2},
		{"text and weekday", referral.GroupFilter{Text: "philadelphia", Weekday: new(time.Monday), IncludeInactive: true},
			[]string{"closed down", "Hope on Spruce"}, 2},
		{"text and source", referral.GroupFilter{Text: "camden", Source: referral.SourceManual}, []string{"Saturday Serenity"}, 1},
		{"text and attendance", referral.GroupFilter{Text: "sao", Attendance: referral.Online}, []string{"Grupo Niño Feliz"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups, total, err := s.FindGroups(context.Background(), tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(groups); !slices.Equal(got, tt.want) {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
			if total != tt.total {
				t.Errorf("total = %d, want %d", total, tt.total)
			}
			// A full page makes FindGroups count in the search index; that
			// count must agree with the rows the filter selects.
			one := tt.filter
			one.Offset, one.Limit = 0, 1
			if _, total, err := s.FindGroups(context.Background(), one); err != nil || total != tt.total {
				t.Errorf("total with Limit 1 = %d, %v; want %d", total, err, tt.total)
			}
		})
	}
}

func TestFindGroupsText(t *testing.T) {
	s := seedDirectory(t)
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"prefix of a city", "phil", []string{"Hope on Spruce"}},
		{"without accent finds accent", "nino", []string{"Grupo Niño Feliz"}},
		{"with accent", "NIÑO", []string{"Grupo Niño Feliz"}},
		{"city without accent", "Sao", []string{"Grupo Niño Feliz"}},
		{"every word must match, in any order", "spruce hope", []string{"Hope on Spruce"}},
		{"one word matches nothing", "hope xyz", []string{}},
		{"program", "smart", []string{"Saturday Serenity"}},
		{"program alias", "narcotics", []string{"Grupo Niño Feliz"}},
		{"blank", "   ", []string{"apple tree", "Grupo Niño Feliz", "Hope on Spruce", "Saturday Serenity"}},
		{"hidden stays hidden", "gem", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertNames(t, s, referral.GroupFilter{Text: tt.text}, tt.want...)
		})
	}
}

// TestFindGroupsHostileText checks that FTS5 query syntax typed into the search
// box is read as plain text and never an error.
func TestFindGroupsHostileText(t *testing.T) {
	s := seedDirectory(t)
	hope := []string{"Hope on Spruce"}
	tests := []struct {
		text string
		want []string // nil: any result, as long as there is no error
	}{
		{`"`, nil}, {`""`, nil}, {`*`, nil}, {`-`, nil}, {`(`, nil}, {`)`, nil}, {`^`, nil}, {`:`, nil},
		{`OR`, nil}, {`AND`, nil}, {`NOT`, nil}, {`NEAR`, nil}, {`hope OR`, nil}, {`OR hope`, nil},
		{`"hope`, hope}, {`hope"`, hope}, {`hope*`, hope}, {`-hope`, hope}, {`(hope)`, hope},
		{`NEAR(hope spruce)`, nil}, {`name:hope`, nil}, {`^hope`, hope}, {`hope + spruce`, hope},
		{`'`, nil}, {`\`, nil}, {`%`, nil}, {`_`, nil}, {`hope AND NOT spruce`, nil}, {"hope\x00", nil},
		{`{name}: hope`, nil}, {`"" ""`, nil}, {`*hope*`, hope}, {`h*pe`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			groups, _, err := s.FindGroups(context.Background(), referral.GroupFilter{Text: tt.text})
			if err != nil {
				t.Fatalf("FindGroups(%q): %v", tt.text, err)
			}
			if tt.want != nil && !slices.Equal(names(groups), tt.want) {
				t.Errorf("FindGroups(%q) = %q, want %q", tt.text, names(groups), tt.want)
			}
		})
	}
}

// TestFindGroupsManyMatches covers both page plans: walking the name index
// (many matches for the page) and sorting the matches (few, or no limit).
func TestFindGroupsManyMatches(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	var groups []*referral.Group
	var want []string
	for i := range 60 {
		name := fmt.Sprintf("Plan %02d", 59-i) // stored in reverse name order
		if i%2 == 0 {
			name = strings.ToLower(name)
		}
		groups = append(groups, group(name, referral.ProgramAA, referral.InPerson, time.Monday, "Erie", "x", fmt.Sprint(i)))
		want = append([]string{name}, want...)
	}
	if err := s.CreateGroups(ctx, groups); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		offset, limit int
	}{
		{"first page, index walk", 0, 2},
		{"later page, index walk", 5, 2},
		{"page too big to walk", 10, 20},
		{"no limit", 50, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.FindGroups(ctx, referral.GroupFilter{Text: "plan", Offset: tt.offset, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			end := len(want)
			if tt.limit > 0 {
				end = tt.offset + tt.limit
			}
			if !slices.Equal(names(got), want[tt.offset:end]) || total != len(want) {
				t.Errorf("got %q, total %d; want %q, %d", names(got), total, want[tt.offset:end], len(want))
			}
		})
	}
}
