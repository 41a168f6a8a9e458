package sqlite_test

import (
	"context"
	"fmt"
	"reflect"
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
		ClinicZone: mustLoad("America/New_York"),
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

// TestMatchReturnsFullGroups lists one group twice (Tuesday and Thursday,
// as feeds list each weekday apart): the index keeps only what ranking
// reads, yet the candidate and the listing folded into it come back as
// stored, every field.
func TestMatchReturnsFullGroups(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	tue, thu := listingOf("aasepia", "tue", "Locust Street Group"), listingOf("aasepia", "thu", "Locust Street Group")
	thu.Sessions[0].Day = time.Thursday
	for _, g := range []*referral.Group{tue, thu} {
		g.Notes = "Use the side door."
		g.Types = []string{"O", "D", "LIT"}
		g.Contact = referral.Contact{Entity: "SEPIA Intergroup", Phone: "+1 215 555 0100", Email: "help@example.org"}
		g.Online = referral.OnlineAccess{URLNotes: "camera optional"}
		g.Place.Notes = "Basement"
		g.Place.Regions = []string{"Center City"}
		g.Attributes.Formats = []referral.Format{referral.FormatDiscussion}
	}
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, []*referral.Group{tue, thu}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetCuration(ctx, thu.ID, referral.Curation{Notes: "Ask for Pat", MedicationFriendly: referral.MedicationYes}); err != nil {
		t.Fatal(err)
	}
	needs := tuesdayEvening()
	needs.Days, needs.MOUD = []time.Weekday{time.Tuesday, time.Thursday}, true
	res, err := s.Match(ctx, needs, matchNow)
	if err != nil || len(res.Candidates) != 1 || len(res.Candidates[0].Also) != 1 {
		t.Fatalf("Match = %+v, %v; want one candidate with the other listing in Also", res, err)
	}
	c := res.Candidates[0]
	for _, got := range []*referral.Group{c.Group, c.Also[0]} {
		want, err := s.FindGroupByID(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Match returned group %d as\n%+v\nstored as\n%+v", got.ID, got, want)
		}
		if got.Notes == "" || got.Contact.Phone == "" || len(got.Types) == 0 || got.Place.Notes == "" || got.Online.URLNotes == "" {
			t.Errorf("group %d lacks what the index does not keep: %+v", got.ID, got)
		}
	}
	// Curation set on Thursday's listing is the whole group's.
	for _, g := range []*referral.Group{c.Group, c.Also[0]} {
		if g.Curation.Notes != "Ask for Pat" || g.Curation.MedicationFriendly != referral.MedicationYes {
			t.Errorf("listing %d has curation %+v; want the group's, set on Thursday's", g.ID, g.Curation)
		}
	}
}

// TestMatchAfterAnotherProcessDeletes deletes a group through a second
// handle, which this GroupService does not hear of: its Match must not fail
// or offer the group, though its index still holds it.
func TestMatchAfterAnotherProcessDeletes(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	groups := feedOf("aasepia", "a", "b")
	groups[1].Place.Address = "1 Other St"
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, groups); err != nil {
		t.Fatal(err)
	}
	if got := matchedIDs(t, s, tuesdayEvening()); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("before: %v", got)
	}
	other := sqlite.NewGroupService(reopen(t, path))
	if err := other.DeleteGroup(ctx, groups[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := matchedIDs(t, s, tuesdayEvening()); !slices.Equal(got, []string{"b"}) {
		t.Errorf("after the other process deleted a: %v, want [b]", got)
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

func TestPlacesCompleteFromTheDirectory(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	if got, err := s.Places(ctx, "ph", 5); err != nil || len(got) != 0 {
		t.Fatalf("an empty directory completes to %q, %v; want nothing", got, err)
	}
	media := listingOf("src", "m", "Media Group")
	media.Place.City = "Media"
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "src"}, append(feedOf("src", "a", "b"), media)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Places(ctx, "p", 5); err != nil || !slices.Equal(got, []string{"Philadelphia"}) {
		t.Errorf("Places(p) = %q, %v", got, err)
	}
	if got, err := s.Places(ctx, "", 5); err != nil || !slices.Equal(got, []string{"Philadelphia", "Media"}) {
		t.Errorf("Places() = %q, %v; want the town with most groups first", got, err)
	}
}
