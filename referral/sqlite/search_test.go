package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// stJohn is a directory in which "st john" is found in each part of a group:
// the search, that listed 95 rows alphabetically with no word of why.
var stJohn = []struct {
	name, location, address, city, directions, notes string
	hidden, inactive                                 bool
}{
	// The name holds both words.
	{name: "St. John's Serenity"},
	{name: "st johns early birds"},
	// The place holds them, or what the name lacks.
	{name: "Hope Group", location: "St. John's Church"},
	{name: "St. Mark's Hope", address: "12 Johnson Ave"},
	{name: "Early Risers", city: "St. Johnsbury"},
	// Only the notes or directions hold a word.
	{name: "Big Book", notes: "Use the St. John Street door."},
	{name: "Keep It Simple", directions: "Behind St. John's, in the hall"},
	{name: "Living Sober", address: "40 St. Paul Ave", notes: "Ask for John at the door."},
	// Not found: one word only, or left out by the filter.
	{name: "Back to Basics", location: "St. Paul's"},
	{name: "St. John's Hidden", hidden: true},
	{name: "St. John Closed", inactive: true},
}

// stJohnRanked is what "st john" lists: the names first, then the places,
// then the rest, each rank in name order with case folded ("st johns" before
// "St. John's": a space sorts before a full stop).
var stJohnRanked = []string{
	"st johns early birds", "St. John's Serenity",
	"Early Risers", "Hope Group", "St. Mark's Hope",
	"Big Book", "Keep It Simple", "Living Sober",
}

func seedStJohn(t *testing.T) *sqlite.GroupService {
	t.Helper()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	var groups []*referral.Group
	for i, x := range stJohn {
		g := group(x.name, referral.ProgramAA, referral.InPerson, time.Monday, x.city, "feed", fmt.Sprint(i))
		g.Place.Location, g.Place.Address, g.Place.Notes, g.Notes = x.location, x.address, x.directions, x.notes
		g.Updated = time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC)
		g.Curation.Hidden = x.hidden
		if x.inactive {
			g.Attendance = referral.Inactive
		}
		groups = append(groups, g)
	}
	if err := s.CreateGroups(context.Background(), groups); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSearchRanksNamesFirst(t *testing.T) {
	s := seedStJohn(t)
	ctx := context.Background()
	for _, f := range []referral.GroupFilter{
		{Text: "st john"},
		{Text: "John St."},     // the order of the words does not count
		{Text: "  st   joh  "}, // nor spaces; the last word only begun
		// A date filter counts in the groups table, not the index: the
		// ranks come out the same.
		{Text: "st john", UpdatedBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		groups, total, err := s.FindGroups(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(groups); !slices.Equal(got, stJohnRanked) || total != len(stJohnRanked) {
			t.Errorf("FindGroups(%+v) = %q, total %d\nwant %q, total %d", f, got, total, stJohnRanked, len(stJohnRanked))
		}
	}

	// Hidden and inactive groups join their rank when asked for.
	groups, total, err := s.FindGroups(ctx, referral.GroupFilter{Text: "st john", IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string{"st johns early birds", "St. John Closed", "St. John's Hidden", "St. John's Serenity"}, stJohnRanked[2:]...)
	if got := names(groups); !slices.Equal(got, want) || total != len(want) {
		t.Errorf("with hidden and inactive: %q, total %d\nwant %q, total %d", got, total, want, len(want))
	}

	// A date filter that leaves some out leaves them out of their rank.
	cut := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC) // before Early Risers (the 5th)
	groups, total, err = s.FindGroups(ctx, referral.GroupFilter{Text: "st john", UpdatedBefore: cut})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"st johns early birds", "St. John's Serenity", "Hope Group", "St. Mark's Hope"}; !slices.Equal(names(groups), want) || total != 4 {
		t.Errorf("updated before the 5th: %q, total %d; want %q, 4", names(groups), total, want)
	}
}

// TestSearchPagesAcrossRanks: every page, wherever it starts and however
// long, is that part of the one ranked list, and the total is all of it.
func TestSearchPagesAcrossRanks(t *testing.T) {
	s := seedStJohn(t)
	ctx := context.Background()
	n := len(stJohnRanked)
	for offset := 0; offset <= n+1; offset++ {
		for limit := 0; limit <= n+1; limit++ {
			groups, total, err := s.FindGroups(ctx, referral.GroupFilter{Text: "st john", Offset: offset, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			end := n
			if limit > 0 {
				end = min(n, offset+limit)
			}
			want := stJohnRanked[min(offset, n):max(end, min(offset, n))]
			if got := names(groups); !slices.Equal(got, want) || total != n {
				t.Errorf("offset %d, limit %d: %q, total %d; want %q, total %d", offset, limit, got, total, want, n)
			}
		}
	}
}

// TestSearchPagesAcrossBigRanks: pages of two ranks of many matches each,
// and across their boundary, are parts of the one ranked list.
func TestSearchPagesAcrossBigRanks(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	var groups []*referral.Group
	var byName, byNotes []string
	for i := range 60 {
		name := fmt.Sprintf("Plan %02d", 59-i) // stored in reverse name order
		groups = append(groups, group(name, referral.ProgramAA, referral.InPerson, time.Monday, "Erie", "x", fmt.Sprint(i)))
		byName = append([]string{name}, byName...)
	}
	for i := range 45 {
		g := group(fmt.Sprintf("Group %02d", 44-i), referral.ProgramAA, referral.InPerson, time.Monday, "Erie", "x", fmt.Sprint(100+i))
		g.Notes = "Plans change on holidays; call first."
		groups = append(groups, g)
		byNotes = append([]string{g.Name}, byNotes...)
	}
	if err := s.CreateGroups(ctx, groups); err != nil {
		t.Fatal(err)
	}
	want := append(byName, byNotes...)
	for _, tt := range []struct {
		name          string
		offset, limit int
	}{
		{"names, walked", 0, 2},
		{"the last name and the first note, the notes walked", 59, 2},
		{"notes only, walked", 62, 2},
		{"across, both sorted", 50, 20},
		{"the end, without a limit", 58, 0},
	} {
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

func TestSearchFoldsAccentsAndReadsPrefixes(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	var groups []*referral.Group
	for i, x := range []struct{ name, location string }{
		{"Grupo Niño Dios", ""},
		{"Grupo Renacer", "Iglesia del Niño Jesús"},
		{"O'Brien's Way", ""},
		{"Brien Ortiz Hall Group", ""},
		{"Hope", "O'Briens Hall"},
		{"Al-Anon Family Group", ""},
	} {
		g := group(x.name, referral.ProgramNA, referral.InPerson, time.Friday, "", "x", fmt.Sprint(i))
		g.Place.Location = x.location
		groups = append(groups, g)
	}
	if err := s.CreateGroups(ctx, groups); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"nino", []string{"Grupo Niño Dios", "Grupo Renacer"}},
		{"NIÑO", []string{"Grupo Niño Dios", "Grupo Renacer"}},
		{"grupo jesus", []string{"Grupo Renacer"}},
		{"ni", []string{"Grupo Niño Dios", "Grupo Renacer"}},
		// A word with punctuation inside is its words joined: "o" then
		// "brien…", typed with the apostrophe or without.
		{"o'brien", []string{"O'Brien's Way", "Hope"}},
		{"obrien", []string{"O'Brien's Way", "Hope"}},
		{"alanon", []string{"Al-Anon Family Group"}},
		{"al-an", []string{"Al-Anon Family Group"}},
	} {
		assertNames(t, s, referral.GroupFilter{Text: tt.text}, tt.want...)
	}
}

// TestSearchDoesNotFindFilterTokens: a search for "all", "hidden" or "d2"
// finds the groups with those words, not what a filter of the same name
// (attendance, program, weekday, hidden) selects.
func TestSearchDoesNotFindFilterTokens(t *testing.T) {
	s := seedStJohn(t)
	for _, f := range []referral.GroupFilter{
		{Text: "all"},
		{Text: "hidden"},
		{Text: "hidden", IncludeHidden: true},
		{Text: "d2"}, // Monday's token
	} {
		groups, total, err := s.FindGroups(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		if f.Text == "hidden" && f.IncludeHidden {
			want = []string{"St. John's Hidden"}
		}
		if !slices.Equal(names(groups), want) || total != len(want) {
			t.Errorf("FindGroups(%+v) = %q, total %d; want %q", f, names(groups), total, want)
		}
	}
}

// TestCountWithAnOffsetPastTheEnd: the count the Directory shows for what
// its check box leaves out reads no group.
func TestCountWithAnOffsetPastTheEnd(t *testing.T) {
	s := seedStJohn(t)
	for _, text := range []string{"", "st john"} {
		groups, total, err := s.FindGroups(context.Background(),
			referral.GroupFilter{Text: text, IncludeHidden: true, IncludeInactive: true, Offset: 1 << 62, Limit: 1})
		want := len(stJohn)
		if text != "" {
			want = len(stJohnRanked) + 2
		}
		if err != nil || len(groups) != 0 || total != want {
			t.Errorf("%q with the offset past the end: %d groups, total %d, %v; want none, %d", text, len(groups), total, err, want)
		}
	}
}

// TestTextHitsSayWhyTheStoreFoundAGroup: the fields TextHits names for each
// group a search found are those the search found it by: none for a group
// found by name, the place for one found by its place, the notes for the
// rest. It folds words as the search index does.
func TestTextHitsSayWhyTheStoreFoundAGroup(t *testing.T) {
	s := seedStJohn(t)
	groups, _, err := s.FindGroups(context.Background(), referral.GroupFilter{Text: "st john"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]referral.TextHit{
		"st johns early birds": nil,
		"St. John's Serenity":  nil,
		"Hope Group":           {{Field: referral.SearchLocation, Text: "St. John's Church", At: 0}},
		"St. Mark's Hope":      {{Field: referral.SearchAddress, Text: "12 Johnson Ave", At: 3}},
		"Early Risers":         {{Field: referral.SearchCity, Text: "St. Johnsbury", At: 0}},
		"Big Book":             {{Field: referral.SearchNotes, Text: "Use the St. John Street door.", At: 8}},
		"Keep It Simple":       {{Field: referral.SearchDirections, Text: "Behind St. John's, in the hall", At: 7}},
		"Living Sober": {
			{Field: referral.SearchAddress, Text: "40 St. Paul Ave", At: 3},
			{Field: referral.SearchNotes, Text: "Ask for John at the door.", At: 8},
		},
	}
	for _, g := range groups {
		if got := referral.TextHits(g, "st john"); !slices.Equal(got, want[g.Name]) {
			t.Errorf("TextHits(%q) = %+v, want %+v", g.Name, got, want[g.Name])
		}
	}

	// Accents and the words a word joins are read as the index reads them.
	g := &referral.Group{Name: "Grupo Renacer", Program: referral.ProgramNA,
		Place: referral.Place{Location: "Iglesia del Niño", Regions: []string{"Centro", "O'Brien Park"}}}
	for _, tt := range []struct {
		text string
		want []referral.TextHit
	}{
		{"grupo nino", []referral.TextHit{{Field: referral.SearchLocation, Text: "Iglesia del Niño", At: 12}}},
		{"o'bri", []referral.TextHit{{Field: referral.SearchRegions, Text: "Centro, O'Brien Park", At: 8}}},
		{"narcotics", []referral.TextHit{{Field: referral.SearchProgram, Text: "NA, Narcotics Anonymous, Narcóticos Anónimos", At: 4}}},
		{"renacer", nil},
		{"  ", nil},
	} {
		if got := referral.TextHits(g, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("TextHits(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

// TestListTotalLeavesOutOnce: the unfiltered list counts every group less
// those it leaves out; a group both hidden and inactive is left out once.
func TestListTotalLeavesOutOnce(t *testing.T) {
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	ctx := context.Background()
	both := group("Gone and Hidden", referral.ProgramAA, referral.Inactive, time.Monday, "Camden", "feed", "1")
	both.Curation.Hidden = true
	hidden := group("Hidden Only", referral.ProgramAA, referral.InPerson, time.Monday, "Camden", "feed", "2")
	hidden.Curation.Hidden = true
	shown := group("Shown", referral.ProgramAA, referral.InPerson, time.Monday, "Camden", "feed", "3")
	if err := s.CreateGroups(ctx, []*referral.Group{both, hidden, shown}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    referral.GroupFilter
		want []string
	}{
		{referral.GroupFilter{}, []string{"Shown"}},
		{referral.GroupFilter{IncludeHidden: true}, []string{"Hidden Only", "Shown"}},
		{referral.GroupFilter{IncludeInactive: true}, []string{"Shown"}},
		{referral.GroupFilter{IncludeHidden: true, IncludeInactive: true}, []string{"Gone and Hidden", "Hidden Only", "Shown"}},
	} {
		groups, total, err := s.FindGroups(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(groups); !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("FindGroups(%+v) = %q, total %d; want %q, %d", c.f, got, total, c.want, len(c.want))
		}
	}
	// Shown again by a person: counted again.
	if _, err := s.SetCuration(ctx, hidden.ID, referral.Curation{}); err != nil {
		t.Fatal(err)
	}
	if _, total, err := s.FindGroups(ctx, referral.GroupFilter{}); err != nil || total != 2 {
		t.Errorf("after showing %q: total %d, %v; want 2", hidden.Name, total, err)
	}
}

// TestSearchTotalMatchesPageWhileWriting: the total and the page are read
// in two transactions (see FindGroups); while another writer commits, every
// answer must still be one directory's, its page as long as its total.
func TestSearchTotalMatchesPageWhileWriting(t *testing.T) {
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	ctx := context.Background()
	var seed []*referral.Group
	for i := range 200 {
		seed = append(seed, group(fmt.Sprintf("Serenity %03d", i), referral.ProgramAA, referral.InPerson, time.Monday, "Camden", "feed", fmt.Sprint(i)))
	}
	if err := s.CreateGroups(ctx, seed); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := range 100 {
			g := group(fmt.Sprintf("Serenity new %03d", i), referral.ProgramAA, referral.InPerson, time.Monday, "Camden", "feed", fmt.Sprint("n", i))
			if err := s.CreateGroup(ctx, g); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for writing := true; writing; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			writing = false
		default:
		}
		for _, text := range []string{"", "serenity"} {
			groups, total, err := s.FindGroups(ctx, referral.GroupFilter{Text: text})
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) != total || total < 200 || total > 300 {
				t.Fatalf("FindGroups(%q) while writing: %d groups, total %d", text, len(groups), total)
			}
		}
	}
}

// TestSearchPageOfABigRank: a short page of a rank with many more matches
// than rows (counted only so far, and walked in name order) is still that
// part of the one ranked list, with the total of all of it.
func TestSearchPageOfABigRank(t *testing.T) {
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	ctx := context.Background()
	var groups []*referral.Group
	for i := range 45 {
		g := group(fmt.Sprintf("Serenity %02d", 44-i), referral.ProgramAA, referral.InPerson, time.Monday, "Camden", "feed", fmt.Sprint(i))
		g.Updated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		groups = append(groups, g)
	}
	for i, name := range []string{"Hope", "Basics", "Unity"} {
		g := group(name, referral.ProgramAA, referral.InPerson, time.Monday, "Serenity Springs", "feed", fmt.Sprint("p", i))
		g.Updated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		groups = append(groups, g)
	}
	if err := s.CreateGroups(ctx, groups); err != nil {
		t.Fatal(err)
	}
	for _, base := range []referral.GroupFilter{
		{Text: "seren"},
		{Text: "seren", UpdatedBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, // counted in the groups table
	} {
		all, total, err := s.FindGroups(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		if total != 48 || len(all) != 48 || all[0].Name != "Serenity 00" || all[45].Name != "Basics" {
			t.Fatalf("FindGroups(%+v) = %d groups from %q, total %d; want 48 from \"Serenity 00\", places after the names", base, len(all), all[0].Name, total)
		}
		for _, limit := range []int{1, 2} {
			for _, offset := range []int{0, 1, 44, 45, 47} {
				f := base
				f.Offset, f.Limit = offset, limit
				page, total, err := s.FindGroups(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if want := names(all[offset:min(offset+limit, len(all))]); !slices.Equal(names(page), want) || total != 48 {
					t.Errorf("FindGroups(%+v) = %q, total %d; want %q, 48", f, names(page), total, want)
				}
			}
		}
	}
}

// TestSearchGivenUpStillBuildsTheIndex: the first search after the indexes
// went out of date waits for them to be built; a counselor who types on
// gives that search up, and the next one finds them built rather than
// starting again.
func TestSearchGivenUpStillBuildsTheIndex(t *testing.T) {
	s := seedStJohn(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // given up before it began
	if _, _, err := s.FindGroups(ctx, referral.GroupFilter{Text: "st john"}); err == nil {
		t.Fatal("a search given up answered")
	}
	held := sqlite.HeldIndex(s)
	if held == nil {
		t.Fatal("the search given up left no index built")
	}
	got, total, err := s.FindGroups(context.Background(), referral.GroupFilter{Text: "st john"})
	if err != nil || total != len(stJohnRanked) || !slices.Equal(names(got), stJohnRanked) {
		t.Fatalf("the next search: %q, total %d, %v; want %q", names(got), total, err, stJohnRanked)
	}
	if sqlite.HeldIndex(s) != held {
		t.Error("the next search built the index again")
	}
}
