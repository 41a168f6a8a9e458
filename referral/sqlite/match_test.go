package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// tuesdayEvening asks for Tuesday evening groups within 10 miles of central
// Philadelphia.
func tuesdayEvening() referral.Needs {
	return referral.Needs{
		Origin: &referral.Point{Lat: 39.9526, Lon: -75.1652}, ZIP: "19107", MaxMiles: 10,
		Days: []time.Weekday{time.Tuesday}, Times: []referral.TimeBand{referral.Evening},
		Substances: []referral.Substance{referral.SubstanceOpioids}, Limit: 20,
	}
}

// matchNow is a Tuesday morning in Philadelphia.
var matchNow = time.Date(2025, 3, 4, 9, 0, 0, 0, mustLoad("America/New_York"))

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// matchedIDs is the sorted SourceIDs of the candidates, "manual" for groups
// added by hand (their ids are random).
func matchedIDs(t *testing.T, s *sqlite.GroupService, needs referral.Needs) []string {
	t.Helper()
	res, err := s.Match(context.Background(), needs, matchNow)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range res.Candidates {
		id := c.Group.SourceID
		if c.Group.Source == referral.SourceManual {
			id = referral.SourceManual
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func TestMatchEmptyDirectory(t *testing.T) {
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	_, err := s.Match(context.Background(), tuesdayEvening(), matchNow)
	wantCode(t, err, referral.ENOTFOUND)
	if got := referral.ErrorMessage(err); got != "The directory is empty. Import a directory first." {
		t.Errorf("message = %q", got)
	}

	bad := tuesdayEvening()
	bad.MaxMiles = -1
	_, err = s.Match(context.Background(), bad, matchNow)
	wantCode(t, err, referral.EINVALID)
}

// TestMatchSeesEdits makes every kind of write and checks that the very next
// Match sees it: the index must never answer from before a write.
func TestMatchSeesEdits(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	src := referral.Source{Name: "aasepia"}
	if _, err := s.ReplaceSource(ctx, src, feedOf("aasepia", "a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	id := func(sourceID string) int64 { return sourceState(t, s, "aasepia")[sourceID].ID }
	// Names differ per listing so the matcher does not fold them into one.
	byHand := listingOf("", "", "Typed by hand")
	byHand.Place.Address = "1 Market St"

	steps := []struct {
		name string
		edit func(t *testing.T) error
		want []string
	}{
		{"first match builds the index", func(*testing.T) error { return nil }, []string{"a", "b", "c"}},
		{"hide a group", func(t *testing.T) error {
			_, err := s.SetCuration(ctx, id("b"), referral.Curation{Hidden: true})
			return err
		}, []string{"a", "c"}},
		{"move a group to Wednesday", func(t *testing.T) error {
			g, err := s.FindGroupByID(ctx, id("c"))
			if err != nil {
				return err
			}
			g.Sessions[0].Day = time.Wednesday
			return s.UpdateGroup(ctx, g)
		}, []string{"a"}},
		{"add a group by hand", func(t *testing.T) error {
			return s.CreateGroup(ctx, byHand)
		}, []string{"a", referral.SourceManual}},
		{"delete a group", func(t *testing.T) error { return s.DeleteGroup(ctx, byHand.ID) }, []string{"a"}},
		{"import brings c back to Tuesday and adds d", func(t *testing.T) error {
			_, err := s.ReplaceSource(ctx, src, feedOf("aasepia", "a", "b", "c", "d"))
			return err
		}, []string{"a", "c", "d"}},
		{"unhide b", func(t *testing.T) error {
			_, err := s.SetCuration(ctx, id("b"), referral.Curation{})
			return err
		}, []string{"a", "b", "c", "d"}},
		{"remove the source", func(t *testing.T) error {
			if err := s.CreateGroups(ctx, []*referral.Group{listingOf("gnyr", "n1", "NA nearby")}); err != nil {
				return err
			}
			return s.RemoveSource(ctx, "aasepia")
		}, []string{"n1"}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			if err := step.edit(t); err != nil {
				t.Fatal(err)
			}
			if got := matchedIDs(t, s, tuesdayEvening()); !slices.Equal(got, step.want) {
				t.Errorf("matched %v, want %v", got, step.want)
			}
		})
	}
}

// TestMatchReturnsCopies changes what Match returned; the index, shared with
// other Matches, must not see it.
func TestMatchReturnsCopies(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, feedOf("aasepia", "a")); err != nil {
		t.Fatal(err)
	}
	res, err := s.Match(ctx, tuesdayEvening(), matchNow)
	if err != nil || len(res.Candidates) != 1 {
		t.Fatalf("Match = %+v, %v", res, err)
	}
	g := res.Candidates[0].Group
	g.Name = "Changed by the caller"
	g.Sessions[0].Day = time.Friday
	g.Place.Coords.Lat = 0
	again, err := s.Match(ctx, tuesdayEvening(), matchNow)
	if err != nil || len(again.Candidates) != 1 || again.Candidates[0].Group.Name != "Group a" {
		t.Fatalf("second Match = %+v, %v; the caller's change reached the index", again, err)
	}
}

// TestMatchConcurrent matches from several goroutines while another writes
// (run with -race): every Match sees a whole directory, before or after a
// write, never a torn one.
func TestMatchConcurrent(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = fmt.Sprintf("g%02d", i)
	}
	groups := feedOf("aasepia", ids...)
	for i, g := range groups {
		g.Place.Address = fmt.Sprintf("%d Locust St", i+1)
	}
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, groups); err != nil {
		t.Fatal(err)
	}
	target := groups[0].ID

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 4 {
		wg.Go(func() {
			for range 15 {
				res, err := s.Match(ctx, tuesdayEvening(), matchNow)
				if err != nil {
					errs <- err
					return
				}
				// 40 listings, one of them hidden or not.
				if n := res.Matched; n != 39 && n != 40 {
					errs <- fmt.Errorf("matched %d groups, want 39 or 40", n)
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 10 {
			if _, err := s.SetCuration(ctx, target, referral.Curation{Hidden: i%2 == 0}); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The last write unhid the group; the next Match must say so.
	if got := matchedIDs(t, s, tuesdayEvening()); len(got) != 20 {
		t.Errorf("after the writes: %d candidates, want the limit of 20", len(got))
	}
	res, err := s.Match(ctx, tuesdayEvening(), matchNow)
	if err != nil || res.Matched != 40 {
		t.Errorf("after the writes: matched %d, %v; want 40", res.Matched, err)
	}
}
