package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// replaceNeeds are needs that read every part of the index: the grid near
// Philadelphia, the online list, the places, the widening at larger radii
// and other times, and the counts of every rule.
func replaceNeeds() map[string]referral.Needs {
	base := tuesdayEvening()
	out := map[string]referral.Needs{"either, Tuesday evening": base}
	n := base
	n.Attend = referral.AttendInPerson
	n.MOUD = true
	out["in person, MOUD"] = n
	n = base
	n.Attend = referral.AttendOnline
	n.MaxMiles = 0
	out["online only"] = n
	n = base
	n.For = referral.ForFamily
	n.Days, n.Times = nil, nil
	out["family, any time"] = n
	n = base
	n.Origin, n.ZIP, n.MaxMiles = nil, "", 0
	n.Place = "Philadelphia"
	n.Attend = referral.AttendInPerson
	out["in Philadelphia"] = n
	n = base
	n.WomenOnly, n.MaxMiles, n.Limit = true, 2, 50
	out["women only, 2 miles"] = n
	return out
}

// resultText is everything a Result says, with the candidates' groups as
// stored, so two results can be compared as text.
func resultText(r referral.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "matched %d excluded %v\n", r.Matched, r.Excluded)
	for _, c := range r.Candidates {
		var also []int64
		for _, g := range c.Also {
			also = append(also, g.ID)
		}
		fmt.Fprintf(&b, "%d %q %v %+v also%v score %.9g dist %.6f online %v in %q next %s sessions %v reasons %v cautions %v\n",
			c.Group.ID, c.Group.Name, c.Group.Sessions, c.Group.Curation, also, c.Score, c.DistanceMiles, c.JoinOnline,
			c.InPlace, c.NextMeeting.Format(time.RFC3339), c.Sessions, c.Reasons, c.Cautions)
	}
	for _, w := range r.Widen {
		fmt.Fprintf(&b, "widen %s %d %v\n", w.Rule, w.Count, w.Phrase)
	}
	return b.String()
}

// sameAsRebuilt checks that every need matches on s (whose index was
// replaced in) as on a new GroupService of db, which builds its index from
// every row, and that the places complete alike.
func sameAsRebuilt(t *testing.T, step string, s *sqlite.GroupService, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	fresh := sqlite.NewGroupService(db)
	for name, n := range replaceNeeds() {
		got, err := s.Match(ctx, n, matchNow)
		if err != nil {
			t.Fatalf("%s: %s: %v", step, name, err)
		}
		want, err := fresh.Match(ctx, n, matchNow)
		if err != nil {
			t.Fatalf("%s: %s: %v", step, name, err)
		}
		if a, b := resultText(got), resultText(want); a != b {
			t.Fatalf("%s: %s: the replaced index and a rebuilt one disagree:\n%s\n--- rebuilt:\n%s", step, name, a, b)
		}
	}
	// The Directory's searches too: the replaced search index against one
	// built from every row, and, with no text, against the groups table
	// (fresh holds no index until a search with text builds it).
	for _, f := range []referral.GroupFilter{
		{}, {IncludeHidden: true}, {Attendance: referral.Hybrid}, {Text: "tuesday"},
		{Text: "hope", IncludeHidden: true}, {Text: "kensington"}, {Text: "phil", Limit: 5, Offset: 3}, {},
	} {
		got, gotTotal, err1 := s.FindGroups(ctx, f)
		want, wantTotal, err2 := fresh.FindGroups(ctx, f)
		if err1 != nil || err2 != nil || gotTotal != wantTotal || fmt.Sprint(idsOf(got)) != fmt.Sprint(idsOf(want)) {
			t.Fatalf("%s: FindGroups(%+v) = %d of %d, %v; rebuilt: %d of %d, %v", step, f, len(got), gotTotal, err1, len(want), wantTotal, err2)
		}
	}
	for _, prefix := range []string{"", "p", "n"} {
		got, err1 := s.Places(ctx, prefix, 20)
		want, err2 := fresh.Places(ctx, prefix, 20)
		if err1 != nil || err2 != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: Places(%q) = %q, %v; rebuilt: %q, %v", step, prefix, got, err1, want, err2)
		}
	}
}

// TestMatchAfterEditsEqualsRebuild edits, curates, creates and deletes
// listings of the real feeds and checks after each write that the indexes
// the write replaced its listings in match and search exactly as ones
// rebuilt from every row, and that they were replaced, not rebuilt.
func TestMatchAfterEditsEqualsRebuild(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	for _, f := range []realFeed{sepiaFeed, alanonFeed, gnyrFeed} {
		if _, err := s.ReplaceSource(ctx, referral.Source{Name: f.opts.Source}, f.groups(t)); err != nil {
			t.Fatal(err)
		}
	}
	sameAsRebuilt(t, "imported", s, db)
	held := sqlite.HeldIndex(s)
	first, err := s.Match(ctx, tuesdayEvening(), matchNow)
	if err != nil || len(first.Candidates) < 6 {
		t.Fatalf("Match = %d candidates, %v", len(first.Candidates), err)
	}
	pick := func(k int) *referral.Group {
		t.Helper()
		g, err := s.FindGroupByID(ctx, first.Candidates[k].Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	steps := []struct {
		name  string
		write func() error
	}{
		{"renamed, another time", func() error {
			g := pick(0)
			g.Name += " (Tuesday Night)"
			g.Sessions = []referral.Session{{Day: time.Tuesday, Start: 18*60 + 30, End: 19*60 + 30}}
			return s.UpdateGroup(ctx, g)
		}},
		{"moved to another cell and online", func() error {
			g := pick(1)
			g.Place.Coords = &referral.Point{Lat: 40.35, Lon: -75.0}
			g.Attendance = referral.Hybrid
			g.Online = referral.OnlineAccess{URL: "https://example.org/meet"}
			return s.UpdateGroup(ctx, g)
		}},
		{"hidden", func() error {
			_, err := s.SetCuration(ctx, pick(2).ID, referral.Curation{Hidden: true})
			return err
		}},
		{"not medication-friendly", func() error {
			_, err := s.SetCuration(ctx, pick(3).ID, referral.Curation{MedicationFriendly: referral.MedicationNo})
			return err
		}},
		{"deleted", func() error { return s.DeleteGroup(ctx, pick(4).ID) }},
		{"another listing of a group added", func() error {
			g := pick(5)
			g.ID, g.Source, g.SourceID = 0, "", ""
			g.Sessions = []referral.Session{{Day: time.Thursday, Start: 19 * 60, End: 20 * 60}}
			return s.CreateGroup(ctx, g)
		}},
		{"a new group in a new town", func() error {
			g := listingOf("", "", "Kensington Hope")
			g.Place.City = "Kensingtonville"
			g.Place.Coords = &referral.Point{Lat: 39.99, Lon: -75.12}
			return s.CreateGroup(ctx, g)
		}},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		sameAsRebuilt(t, st.name, s, db)
		if sqlite.HeldIndex(s) != held {
			t.Fatalf("%s: the index was rebuilt, not replaced in", st.name)
		}
	}
}

// matchedABC imports the listings a, b and c into db and matches them for
// a Tuesday evening, so that the GroupService returned holds its index.
func matchedABC(t *testing.T, db *sqlite.DB) (*sqlite.GroupService, referral.Result) {
	t.Helper()
	ctx := context.Background()
	s := sqlite.NewGroupService(db)
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, feedOf("aasepia", "a", "b", "c")); err != nil {
		t.Fatal(err)
	}
	res, err := s.Match(ctx, tuesdayEvening(), matchNow)
	if err != nil || len(res.Candidates) != 3 {
		t.Fatalf("Match = %d candidates, %v", len(res.Candidates), err)
	}
	return s, res
}

// TestMatchRebuildsAfterAnotherWriter checks that a write of another
// connection, which the index was not told of, rebuilds it.
func TestMatchRebuildsAfterAnotherWriter(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s, res := matchedABC(t, db)
	held := sqlite.HeldIndex(s)
	other := reopen(t, path)
	defer other.Close()
	if err := sqlite.NewGroupService(other).DeleteGroup(ctx, res.Candidates[0].Group.ID); err != nil {
		t.Fatal(err)
	}
	// This GroupService's own edit comes after the other's: it must not
	// be replaced into an index that has not seen the deletion.
	g, err := s.FindGroupByID(ctx, res.Candidates[1].Group.ID)
	if err != nil {
		t.Fatal(err)
	}
	g.Name = "Renamed"
	if err := s.UpdateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	sameAsRebuilt(t, "after another writer", s, db)
	if sqlite.HeldIndex(s) == held {
		t.Error("the index was replaced in after another connection's write; it must be rebuilt")
	}
	if res, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil || len(res.Candidates) != 2 {
		t.Errorf("Match = %d candidates, %v; want the 2 left", len(res.Candidates), err)
	}
}

// TestMatchWhileEditing matches on other goroutines while edits are
// replaced in the index (run with -race), then checks the index against a
// rebuilt one.
func TestMatchWhileEditing(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: sepiaFeed.opts.Source}, sepiaFeed.groups(t)); err != nil {
		t.Fatal(err)
	}
	res, err := s.Match(ctx, tuesdayEvening(), matchNow)
	if err != nil || len(res.Candidates) == 0 {
		t.Fatalf("Match = %d candidates, %v", len(res.Candidates), err)
	}
	g, err := s.FindGroupByID(ctx, res.Candidates[0].Group.ID)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			for {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				if _, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil && referral.ErrorCode(err) != referral.ECONFLICT {
					errs <- err
					return
				}
			}
		}()
	}
	name := g.Name
	for i := range 20 {
		g.Name = fmt.Sprintf("%s %d", name, i)
		if err := s.UpdateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	sameAsRebuilt(t, "after edits while matching", s, db)
}

// TestMatchOnceEqualsMatch checks that a match reading only the needs' part
// of the directory gives the whole index's Result, counts and widening
// included, over the real feeds with hidden, placeless, session-less and
// service listings outside the area.
func TestMatchOnceEqualsMatch(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	for _, f := range []realFeed{sepiaFeed, alanonFeed, gnyrFeed} {
		if _, err := s.ReplaceSource(ctx, referral.Source{Name: f.opts.Source}, f.groups(t)); err != nil {
			t.Fatal(err)
		}
	}
	// Far from Philadelphia, met in person only: one hidden, one without a
	// map point, one without sessions, one a service meeting.
	far, _, err := s.FindGroups(ctx, referral.GroupFilter{Source: "gnyr", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var inPerson []*referral.Group
	for _, g := range far {
		if g.Attendance == referral.InPerson && g.Place.Coords != nil && !g.Service {
			inPerson = append(inPerson, g)
		}
	}
	if len(inPerson) < 4 {
		t.Fatalf("only %d in-person gnyr listings", len(inPerson))
	}
	if _, err := s.SetCuration(ctx, inPerson[0].ID, referral.Curation{Hidden: true}); err != nil {
		t.Fatal(err)
	}
	edits := []func(g *referral.Group){
		func(g *referral.Group) { g.Place.Coords, g.Place.CoordsFromZIP = nil, false },
		func(g *referral.Group) { g.Sessions = nil },
		func(g *referral.Group) { g.Service = true },
	}
	for i, edit := range edits {
		g := inPerson[i+1]
		edit(g)
		if err := s.UpdateGroup(ctx, g); err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
	}
	needs := replaceNeeds()
	n := tuesdayEvening()
	n.Attend, n.MaxMiles = referral.AttendOnline, 0
	needs["online only, no miles"] = n
	n = tuesdayEvening()
	n.Attend, n.MaxMiles, n.Limit = referral.AttendInPerson, 0.5, 30
	needs["in person, half a mile"] = n
	n = tuesdayEvening()
	n.Origin = &referral.Point{Lat: 40.7128, Lon: -74.0060}
	n.ZIP, n.Days, n.Times = "10007", nil, nil
	needs["New York, any time"] = n
	for name, n := range needs {
		got, err := sqlite.NewGroupService(db).MatchOnce(ctx, n, matchNow)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := sqlite.NewGroupService(db).Match(ctx, n, matchNow)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a, b := resultText(got), resultText(want); a != b {
			t.Errorf("%s: MatchOnce and Match disagree:\n%s\n--- Match:\n%s", name, a, b)
		}
	}
	fresh := sqlite.NewGroupService(db)
	if _, err := fresh.MatchOnce(ctx, tuesdayEvening(), matchNow); err != nil {
		t.Fatal(err)
	}
	if sqlite.HeldIndex(fresh) != nil {
		t.Error("MatchOnce built the whole index")
	}
}

// TestMatchKeptAcrossWritesBesideTheDirectory: a referral logged for a sheet,
// its follow-up, the settings, a subscription's attempt and a referral kept
// during another program's write and entered later change no listing, so
// the next Match uses the index it holds rather than rebuilding it from
// every row (3 s at 250,000 listings). A write of another connection still
// rebuilds it: what it changed is not known.
func TestMatchKeptAcrossWritesBesideTheDirectory(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	db.SetClock(func() time.Time { return fixedNow })
	s, res := matchedABC(t, db)
	h := sqlite.NewHistoryService(db)
	held := sqlite.HeldIndex(s)
	r := fullReferral()
	r.Groups[0].GroupID = res.Candidates[0].Group.ID
	steps := []struct {
		name  string
		write func() error
	}{
		{"a referral logged", func() error { return h.LogReferral(ctx, r) }},
		{"its follow-up", func() error {
			_, err := h.RecordFollowUp(ctx, r.ID, referral.FollowUp{Went: referral.AnswerYes, GroupID: r.Groups[0].GroupID})
			return err
		}},
		{"a referral deleted (erased, and the log checkpointed)", func() error {
			extra := fullReferral()
			if err := h.LogReferral(ctx, extra); err != nil {
				return err
			}
			return h.DeleteReferral(ctx, extra.ID)
		}},
		{"the settings saved", func() error { return sqlite.NewSettingsService(db).SaveSettings(ctx, referral.DefaultSettings()) }},
		{"a subscription's attempt", func() error {
			return sqlite.NewSubscriptionStore(db).Subscribe(ctx, referral.Subscription{Source: "aasepia",
				URL: "http://127.0.0.1:1/feed.json", LastStatus: referral.RefreshUpdated})
		}},
		{"a referral kept during another write, then entered", func() error {
			holder := holdWriteLock(t, path)
			if err := h.LogReferral(ctx, fullReferral()); err != nil {
				return err
			}
			holder.release() // the holder's own commit rebuilds; it is matched past below
			awaitLogged(t, h, 2)
			if _, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil {
				return err
			}
			held = sqlite.HeldIndex(s)
			return h.LogReferral(ctx, fullReferral())
		}},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil || len(res.Candidates) != 3 {
			t.Fatalf("after %s: Match = %d candidates, %v", st.name, len(res.Candidates), err)
		}
		if sqlite.HeldIndex(s) != held {
			t.Errorf("after %s the match index was rebuilt; it changed no listing", st.name)
		}
	}

	other := reopen(t, path)
	if err := sqlite.NewHistoryService(other).LogReferral(ctx, fullReferral()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil {
		t.Fatal(err)
	}
	if sqlite.HeldIndex(s) == held {
		t.Error("after another connection's write the index was kept; what it changed is not known, so it must be rebuilt")
	}
}

func idsOf(groups []*referral.Group) []int64 {
	var ids []int64
	for _, g := range groups {
		ids = append(ids, g.ID)
	}
	return ids
}
