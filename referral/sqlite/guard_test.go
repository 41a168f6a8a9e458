package sqlite_test

import (
	"context"
	"errors"
	"maps"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// TestReplaceSourceCheckedAsksFirst: the check gets the source's active
// listings and how many of them the new groups drop, and its refusal leaves
// the listings, their curation and the source's record as they were.
func TestReplaceSourceCheckedAsksFirst(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	src := referral.Source{Name: "aasepia", Format: "meeting-guide"}
	first := feedOf("aasepia", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
	for _, g := range first[8:] { // i and j closed: never offered, so not counted
		g.Attendance = referral.Inactive
	}
	if _, err := s.ReplaceSource(ctx, src, first); err != nil {
		t.Fatal(err)
	}
	curated := referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "Ask for Rosa"}
	if _, err := s.SetCuration(ctx, first[4].ID, curated); err != nil { // e, which the next file drops
		t.Fatal(err)
	}
	before := sourceState(t, s, "aasepia")
	sourcesBefore, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The next file keeps a, b, c and the closed i, and adds x: of the 8
	// active listings, 5 would go.
	next := feedOf("aasepia", "a", "b", "c", "i", "x")
	next[3].Attendance = referral.Inactive
	refusal := errors.New("refused")
	var asked [][2]int
	counts, err := s.ReplaceSourceChecked(ctx, referral.Source{Name: "aasepia", Format: "csv"}, next, func(active, removing int) error {
		asked = append(asked, [2]int{active, removing})
		return refusal
	})
	if !errors.Is(err, refusal) || counts != (sqlite.ImportCounts{}) {
		t.Fatalf("a refused replacement = %+v, %v; want the check's error and no counts", counts, err)
	}
	if len(asked) != 1 || asked[0] != [2]int{8, 5} {
		t.Fatalf("the check was asked %v, want once with 8 active and 5 removing", asked)
	}
	after := sourceState(t, s, "aasepia")
	if !maps.EqualFunc(before, after, func(a, b *referral.Group) bool {
		return a.ID == b.ID && a.Name == b.Name && a.Curation == b.Curation
	}) {
		t.Errorf("a refused replacement changed the source: %d listings before, %d after", len(before), len(after))
	}
	if sourcesAfter, err := s.Sources(ctx); err != nil || len(sourcesAfter) != 1 || sourcesAfter[0] != sourcesBefore[0] {
		t.Errorf("a refused replacement recorded the source: %+v, was %+v (%v)", sourcesAfter, sourcesBefore, err)
	}
	for i, g := range next {
		if g.ID != 0 {
			t.Errorf("refused group %d was handed back with ID %d", i, g.ID)
		}
	}

	// Allowed, the same file removes all it does not list; e's curation
	// stays for its return.
	counts, err = s.ReplaceSourceChecked(ctx, src, next, func(active, removing int) error { return nil })
	if err != nil || counts != (sqlite.ImportCounts{Added: 1, Unchanged: 4, Removed: 6}) {
		t.Fatalf("an allowed replacement = %+v, %v; want 1 added, 4 unchanged, 6 removed", counts, err)
	}
	back := feedOf("aasepia", "a", "b", "c", "e", "x")
	if _, err := s.ReplaceSource(ctx, src, back); err != nil {
		t.Fatal(err)
	}
	if e := sourceState(t, s, "aasepia")["e"]; e == nil || e.Curation != curated {
		t.Errorf("e came back as %+v; want its curation %+v", e, curated)
	}
}

func TestReplaceSourceCheckedNewSourceHasNothingToLose(t *testing.T) {
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	var asked [][2]int
	_, err := s.ReplaceSourceChecked(context.Background(), referral.Source{Name: "new", Format: "csv"}, feedOf("new", "a"),
		func(active, removing int) error {
			asked = append(asked, [2]int{active, removing})
			return nil
		})
	if err != nil || len(asked) != 1 || asked[0] != [2]int{0, 0} {
		t.Fatalf("a new source: %v, asked %v; want asked once with 0 and 0", err, asked)
	}
}
