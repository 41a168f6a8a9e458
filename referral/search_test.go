package referral

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// searchWordsPool are the words random listings are made of: accents,
// apostrophes, hyphens, a prefix of another word and a word of a program.
var searchWordsPool = []string{"St.", "John's", "Johnson", "Hope", "Niño", "Al-Anon", "O'Brien",
	"Serenity", "serene", "Main", "Camden", "Church", "Basics", "Anonymous", "12:30", "Women's"}

func randomListing(r *rand.Rand, id int64) *Group {
	words := func(n int) string {
		var w []string
		for range 1 + r.IntN(n) {
			w = append(w, searchWordsPool[r.IntN(len(searchWordsPool))])
		}
		return strings.Join(w, " ")
	}
	maybe := func(n int) string {
		if r.IntN(3) == 0 {
			return ""
		}
		return words(n)
	}
	g := &Group{
		ID: id, Name: words(3), Program: []Program{ProgramAA, ProgramNA, ProgramSMART}[r.IntN(3)],
		Attendance: []Attendance{InPerson, Online, Hybrid, Inactive}[r.IntN(4)],
		Source:     []string{"feed", "manual"}[r.IntN(2)],
		Place:      Place{Location: maybe(2), Address: maybe(2), City: maybe(1), Notes: maybe(3)},
		Notes:      maybe(4),
	}
	if r.IntN(3) == 0 {
		g.Place.Regions = []string{words(1)}
	}
	switch r.IntN(6) {
	case 0, 1, 2:
		g.Updated = time.Date(2024, 1, 1+r.IntN(60), 0, 0, 0, 0, time.UTC)
	case 3: // years a feed may give that nanoseconds since 1970 cannot hold
		g.Updated = time.Date([]int{1600, 2300, 9999}[r.IntN(3)], 1, 1, 0, 0, 0, 0, time.UTC)
	case 4:
		g.Updated = time.Unix(0, 0).UTC()
	}
	for range r.IntN(3) {
		g.Sessions = append(g.Sessions, Session{Day: time.Weekday(r.IntN(7)), Start: 600, End: 660})
	}
	g.Curation.Hidden = r.IntN(6) == 0
	return g
}

// wantFind is what FindGroups must list for f, worked out group by group:
// each rank found word by word in the fields, the filters one by one.
// Each group's fields are folded once, in folded.
func wantFind(groups []*Group, folded map[*Group][searchClasses][]foldedSearch, f GroupFilter) ([]int64, int) {
	words := SearchQuery(f.Text)
	holds := func(texts []foldedSearch, w string) bool {
		for _, t := range texts {
			if t.find(w) >= 0 {
				return true
			}
		}
		return false
	}
	rank := func(g *Group) int {
		if len(words) == 0 {
			return 0
		}
		classes, ok := folded[g]
		if !ok {
			forSearchFields(g, func(class int, text string) { classes[class] = append(classes[class], foldSearch(text)) })
			folded[g] = classes
		}
		for r := range searchClasses {
			var upTo []foldedSearch
			for c := 0; c <= r; c++ {
				upTo = append(upTo, classes[c]...)
			}
			all := true
			for _, w := range words {
				all = all && holds(upTo, w)
			}
			if all {
				return r
			}
		}
		return -1
	}
	passes := func(g *Group) bool {
		days := 0
		for _, s := range g.Sessions {
			days |= 1 << s.Day
		}
		switch {
		case f.Program != "" && g.Program != f.Program,
			f.Source != "" && g.Source != f.Source,
			f.Attendance != "" && g.Attendance != f.Attendance,
			!f.IncludeInactive && f.Attendance != Inactive && g.Attendance == Inactive,
			f.Weekday != nil && days&(1<<*f.Weekday) == 0,
			!f.IncludeHidden && g.Curation.Hidden,
			!f.UpdatedBefore.IsZero() && (g.Updated.IsZero() || !g.Updated.Before(f.UpdatedBefore)):
			return false
		}
		return true
	}
	type found struct {
		g    *Group
		rank int
	}
	var list []found
	for _, g := range groups {
		if r := rank(g); r >= 0 && passes(g) {
			list = append(list, found{g, r})
		}
	}
	slices.SortFunc(list, func(a, b found) int {
		return cmp.Or(a.rank-b.rank, compareNoCase(a.g.Name, b.g.Name), cmp.Compare(a.g.ID, b.g.ID))
	})
	var ids []int64
	for i, x := range list {
		if i >= f.Offset && (f.Limit == 0 || i < f.Offset+f.Limit) {
			ids = append(ids, x.g.ID)
		}
	}
	return ids, len(list)
}

func randomFilter(r *rand.Rand) GroupFilter {
	var f GroupFilter
	for range r.IntN(3) {
		w := searchWordsPool[r.IntN(len(searchWordsPool))]
		f.Text += " " + strings.ToLower(w[:1+r.IntN(len(w))])
	}
	switch r.IntN(8) {
	case 0:
		f.Program = ProgramNA
	case 1:
		f.Attendance = Online
	case 2:
		d := time.Weekday(r.IntN(7))
		f.Weekday = &d
	case 3:
		f.Source = "manual"
	case 4:
		f.UpdatedBefore = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	case 5:
		f.Attendance = Inactive
	}
	f.IncludeHidden, f.IncludeInactive = r.IntN(2) == 0, r.IntN(2) == 0
	if r.IntN(2) == 0 {
		f.Offset, f.Limit = r.IntN(30), 1+r.IntN(20)
	}
	return f
}

// TestSearchIndexFindsWhatEachGroupHolds: a SearchIndex lists, ranks,
// filters and pages exactly as the listings, read one by one, say it
// should, before and after listings are replaced, dropped and added.
func TestSearchIndexFindsWhatEachGroupHolds(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 13))
	byID := map[int64]*Group{}
	var listings []*Group
	for id := int64(1); id <= 400; id++ {
		g := randomListing(r, id)
		byID[id] = g
		listings = append(listings, g)
	}
	_, ix := NewIndexes(slices.Values(listings), len(listings))
	current := func() []*Group {
		var gs []*Group
		for _, g := range byID {
			gs = append(gs, g)
		}
		return gs
	}
	folded := map[*Group][searchClasses][]foldedSearch{}
	check := func(when string) {
		t.Helper()
		groups := current()
		for range 150 {
			f := randomFilter(r)
			ids, total := ix.Find(f)
			wantIDs, wantTotal := wantFind(groups, folded, f)
			if !slices.Equal(ids, wantIDs) || total != wantTotal {
				t.Fatalf("%s: Find(%+v) = %v, %d; want %v, %d", when, f, ids, total, wantIDs, wantTotal)
			}
		}
		if ix.Len() != len(byID) {
			t.Fatalf("%s: Len %d; want %d", when, ix.Len(), len(byID))
		}
	}
	check("built")
	next := int64(1000)
	for step := range 30 {
		var drop []int64
		var add []*Group
		for range 1 + r.IntN(3) {
			id := int64(1 + r.IntN(400))
			switch r.IntN(3) {
			case 0: // edited: the same ID, new text and facts
				if byID[id] != nil {
					g := randomListing(r, id)
					byID[id] = g
					add = append(add, g)
				}
			case 1: // deleted
				if byID[id] != nil {
					delete(byID, id)
					drop = append(drop, id)
				}
			default: // created
				next++
				g := randomListing(r, next)
				byID[next] = g
				add = append(add, g)
			}
		}
		ix.Replace(drop, add)
		check(fmt.Sprintf("after replacement %d", step))
	}
}

// TestSearchTerms: a field's terms are its words, and the words of each
// space-separated part joined; a typed part is one term.
func TestSearchTerms(t *testing.T) {
	var got []string
	searchTerms("St. John's  Niño-Dios 12:30", func(term string, at int) { got = append(got, fmt.Sprint(term, "@", at)) })
	want := []string{"st@0", "john@4", "s@4", "johns@4", "nino@12", "dios@12", "ninodios@12", "12@23", "30@23", "1230@23"}
	// A run of words to the end of a part is a term too.
	var runs []string
	searchTerms("St.John's 7:00-12:30pm", func(term string, at int) { runs = append(runs, fmt.Sprint(term, "@", at)) })
	if wantRuns := []string{"st@0", "john@0", "s@0", "stjohns@0", "johns@0", "7@10", "00@10", "12@10", "30pm@10",
		"7001230pm@10", "001230pm@10", "1230pm@10"}; !slices.Equal(runs, wantRuns) {
		t.Errorf("terms %q; want %q", runs, wantRuns)
	}
	if !slices.Equal(got, want) {
		t.Errorf("terms %q; want %q", got, want)
	}
	// Folded rune by rune, a part's words are those nameWords folds.
	for _, part := range []string{"A.A.", "12-Step", "(215)", "--", "O'Brien's", "x", "Room#4B",
		"Niño", "SÃO", "José’s", "Ñandú-Über", "e\u0301cole", "½", "İstanbul", "–", "٣٤"} {
		var fast []string
		searchTerms(part, func(term string, _ int) { fast = append(fast, term) })
		words := nameWords(part)
		for i := range max(len(words)-1, 0) {
			words = append(words, strings.Join(words[i:len(nameWords(part))], ""))
		}
		if !slices.Equal(fast, words) {
			t.Errorf("terms of %q: %q; nameWords: %q", part, fast, words)
		}
	}
	if q := SearchQuery(" o'Brien  ¿ NIÑO- "); !slices.Equal(q, []string{"obrien", "nino"}) {
		t.Errorf("SearchQuery = %q; want [obrien nino]", q)
	}
}

// forSearchFields calls fn with each text of g a search looks in, and its
// class: the listing's own (forListingText), then its program's names and
// aliases (ProgramInfo), which the index keeps once a program.
func forSearchFields(g *Group, fn func(class int, text string)) {
	forListingText(g, fn)
	for _, n := range g.Program.Info().Names() {
		fn(classOther, n)
	}
}
