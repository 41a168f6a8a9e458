package sqlite_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/feed"
	"referraldesk/referral/sqlite"
)

// One desk of a clinic network curates and publishes; the others subscribe.

// publish is what the curating desk puts on the clinic's intranet: its
// source exported as Meeting Guide with the curation.
func publish(t *testing.T, s *sqlite.GroupService, source string) []byte {
	t.Helper()
	groups, _, err := s.FindGroups(context.Background(), referral.GroupFilter{Source: source, IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := feed.WriteMeetingGuideWith(&buf, groups, feed.WriteOptions{Curation: true}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// subscribe is what every other desk does with the file: import it as a
// source of its own.
func subscribe(t *testing.T, s *sqlite.GroupService, source string, file []byte) sqlite.ImportCounts {
	t.Helper()
	res, err := feed.Parse(context.Background(), bytes.NewReader(file), feed.Options{Source: source, TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) > 0 {
		t.Fatalf("the published file lost a listing: %v", res.Skipped[0])
	}
	counts, err := s.ReplaceSource(context.Background(), referral.Source{Name: source, Format: string(res.Format)}, res.Groups)
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

func curate(t *testing.T, s *sqlite.GroupService, g *referral.Group, c referral.Curation) {
	t.Helper()
	if _, err := s.SetCuration(context.Background(), g.ID, c); err != nil {
		t.Fatal(err)
	}
}

// from is c as a subscriber shows it: the publisher's, from source.
func from(c referral.Curation, source string) referral.Curation {
	if c.Said() != 0 {
		c.From = source
	}
	return c
}

var (
	verified1 = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	verified2 = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
)

// TestPublishSubscribeRoundTrip: the SEPIA directory, curated on one desk
// (every field, alone and together, notes with line breaks and markup),
// published and subscribed to on another, shows every listing there with
// the same curation, from the subscribed source, and hides what it hid.
func TestPublishSubscribeRoundTrip(t *testing.T) {
	ctx := context.Background()
	dbA, _ := openTestDB(t)
	central := sqlite.NewGroupService(dbA)
	if _, err := central.ReplaceSource(ctx, referral.Source{Name: "aasepia", Format: "meeting-guide"}, sepiaFeed.groups(t)); err != nil {
		t.Fatal(err)
	}
	curations := []referral.Curation{
		{MedicationFriendly: referral.MedicationYes},
		{MedicationFriendly: referral.MedicationNo, VerifiedOn: verified1},
		{VerifiedOn: verified2},
		{Notes: "Ask for Dana at the door.\nParking behind the church."},
		{Hidden: true},
		{MedicationFriendly: referral.MedicationYes, VerifiedOn: verified1, Notes: "Chair: <b>Sam</b> & Lee", Hidden: true},
	}
	listings, _, err := central.FindGroups(ctx, referral.GroupFilter{Source: "aasepia", IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range curations {
		curate(t, central, listings[i*100], c)
	}
	published := sourceState(t, central, "aasepia")

	dbB, _ := openTestDB(t)
	desk := sqlite.NewGroupService(dbB)
	subscribe(t, desk, "central", publish(t, central, "aasepia"))
	got := sourceState(t, desk, "central")
	if len(got) != len(published) {
		t.Fatalf("the subscribing desk has %d listings, the publisher %d", len(got), len(published))
	}
	curated, hidden := 0, 0
	for id, p := range published {
		g := got[id]
		if g == nil {
			t.Errorf("listing %q did not arrive", id)
			continue
		}
		want := from(p.Curation, "central")
		if g.Curation != want || g.Published != want {
			t.Errorf("%q %s: shows %+v (published %+v), want %+v", id, p.Name, g.Curation, g.Published, want)
		}
		if p.Curation.Said() != 0 {
			curated++
		}
		if p.Curation.Hidden {
			hidden++
		}
	}
	if curated < len(curations) || hidden < 2 {
		t.Fatalf("%d listings curated, %d hidden: the test curated too little", curated, hidden)
	}
	// Hidden by the publisher is hidden here: the search index agrees.
	shown, total, err := desk.FindGroups(ctx, referral.GroupFilter{Source: "central", IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(published)-hidden || len(shown) != total {
		t.Errorf("without hidden groups: %d listed of %d, want %d", len(shown), total, len(published)-hidden)
	}
}

// TestLocalCurationWinsOverPublished: what a subscribing desk sets itself
// wins field by field and stays through every re-import; the fields it did
// not set follow the publisher's changes, and setting one back to the
// publisher's value follows the publisher again.
func TestLocalCurationWinsOverPublished(t *testing.T) {
	ctx := context.Background()
	dbA, _ := openTestDB(t)
	central := sqlite.NewGroupService(dbA)
	a, b, c := listingOf("sepia", "a", "Early Night Out"), listingOf("sepia", "b", "Old City"), listingOf("sepia", "c", "Noon Step")
	if _, err := central.ReplaceSource(ctx, referral.Source{Name: "sepia"}, []*referral.Group{a, b, c}); err != nil {
		t.Fatal(err)
	}
	curate(t, central, a, referral.Curation{MedicationFriendly: referral.MedicationYes, VerifiedOn: verified1, Notes: "Ask for Dana"})
	curate(t, central, b, referral.Curation{Hidden: true, Notes: "closed for repairs"})
	curate(t, central, c, referral.Curation{MedicationFriendly: referral.MedicationNo})

	dbB, _ := openTestDB(t)
	desk := sqlite.NewGroupService(dbB)
	subscribe(t, desk, "central", publish(t, central, "sepia"))
	here := sourceState(t, desk, "central")
	// This desk learned otherwise about a's medication and keeps its own
	// notes; it sends clients to b, which the publisher hid.
	curate(t, desk, here["a"], referral.Curation{MedicationFriendly: referral.MedicationNo, VerifiedOn: verified1, Notes: "Our client was turned away in June"})
	curate(t, desk, here["b"], referral.Curation{Notes: "closed for repairs"})

	aHere := sourceState(t, desk, "central")["a"]
	if want := (referral.Curation{MedicationFriendly: referral.MedicationNo, VerifiedOn: verified1,
		Notes: "Our client was turned away in June", From: "central"}); aHere.Curation != want {
		t.Errorf("a shows %+v, want %+v", aHere.Curation, want)
	}
	if got := aHere.Overridden(); got != referral.CuratedMedication|referral.CuratedNotes {
		t.Errorf("a: this desk's own fields over the publisher's are %04b, want medication and notes", got)
	}
	if got := aHere.PublishedShown(); got != referral.CuratedVerifiedOn {
		t.Errorf("a: the publisher's fields shown are %04b, want the verified date", got)
	}
	assertNames(t, desk, referral.GroupFilter{Source: "central"}, "Early Night Out", "Noon Step", "Old City")

	// The publisher changes everything; the desk imports the new file.
	curate(t, central, a, referral.Curation{MedicationFriendly: referral.MedicationYes, VerifiedOn: verified2, Notes: "Ask for Sam", Hidden: true})
	curate(t, central, b, referral.Curation{Hidden: true, Notes: "reopened in the annex"})
	curate(t, central, c, referral.Curation{})
	if counts := subscribe(t, desk, "central", publish(t, central, "sepia")); counts != (sqlite.ImportCounts{Unchanged: 3}) {
		t.Errorf("the re-import counted %+v; the listings did not change", counts)
	}
	here = sourceState(t, desk, "central")
	for id, want := range map[string]referral.Curation{
		"a": {MedicationFriendly: referral.MedicationNo, VerifiedOn: verified2, Notes: "Our client was turned away in June", Hidden: true, From: "central"},
		"b": {Notes: "reopened in the annex", From: "central"},
		"c": {},
	} {
		if here[id].Curation != want {
			t.Errorf("after the re-import %s shows %+v, want %+v", id, here[id].Curation, want)
		}
	}
	// a is hidden now by the publisher, though its listing did not change;
	// b stays shown by this desk. The count (of the search index) agrees.
	assertNames(t, desk, referral.GroupFilter{Source: "central"}, "Noon Step", "Old City")
	if _, total, err := desk.FindGroups(ctx, referral.GroupFilter{Source: "central"}); err != nil || total != 2 {
		t.Errorf("FindGroups counts %d, %v; want 2", total, err)
	}
	if res, err := desk.Match(ctx, tuesdayEvening(), matchNow); err != nil || len(res.Candidates) != 2 {
		t.Errorf("Match = %d candidates, %v; want Old City and Noon Step", len(res.Candidates), err)
	}

	// Giving the publisher's value back follows the publisher again.
	g := here["a"]
	g.Curation.MedicationFriendly = referral.MedicationYes
	curate(t, desk, g, g.Curation)
	curate(t, central, a, referral.Curation{MedicationFriendly: referral.MedicationNo, VerifiedOn: verified2, Notes: "Ask for Sam"})
	subscribe(t, desk, "central", publish(t, central, "sepia"))
	if want := (referral.Curation{MedicationFriendly: referral.MedicationNo, VerifiedOn: verified2,
		Notes: "Our client was turned away in June", From: "central"}); sourceState(t, desk, "central")["a"].Curation != want {
		t.Errorf("a shows %+v after following the publisher's medication mark again, want %+v", sourceState(t, desk, "central")["a"].Curation, want)
	}
}

// TestPublishedCurationIsTheSources: published curation belongs to the
// source that carried it. Another source's import leaves it, removing the
// source removes its listings but a re-import finds it again, and a group
// typed in by hand has none.
func TestPublishedCurationIsTheSources(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	g := listingOf("central", "a", "Early Night Out")
	g.Published = referral.Curation{MedicationFriendly: referral.MedicationYes, From: "central"}
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "central"}, []*referral.Group{g}); err != nil {
		t.Fatal(err)
	}
	if g.Curation != g.Published {
		t.Errorf("ReplaceSource handed back %+v, want the published %+v", g.Curation, g.Published)
	}
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "other"}, feedOf("other", "x")); err != nil {
		t.Fatal(err)
	}
	if got := sourceState(t, s, "central")["a"].Curation; got != g.Published {
		t.Errorf("another source's import left %+v", got)
	}
	manual := listingOf("", "", "Early Night Out")
	if err := s.CreateGroup(ctx, manual); err != nil {
		t.Fatal(err)
	}
	if manual.Curation != (referral.Curation{}) || manual.Published != (referral.Curation{}) {
		t.Errorf("a group added by hand got %+v, published %+v", manual.Curation, manual.Published)
	}
	// A file of the source that carries no curation takes it away.
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "central"}, feedOf("central", "a")); err != nil {
		t.Fatal(err)
	}
	if got := sourceState(t, s, "central")["a"]; got.Curation != (referral.Curation{}) || got.Published != (referral.Curation{}) {
		t.Errorf("a file without curation left %+v, published %+v", got.Curation, got.Published)
	}
}

// TestCurationUpgradeToPublished: curation stored before there were
// publishers keeps what it said, and the fields it left empty show a
// publisher's once the desk subscribes.
func TestCurationUpgradeToPublished(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	g := listingOf("central", "a", "Early Night Out")
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "central"}, []*referral.Group{g}); err != nil {
		t.Fatal(err)
	}
	curate(t, s, g, referral.Curation{Notes: "ours", Hidden: true})
	db.Close()
	rawExec(t, path, `DROP TABLE published_curation;
		ALTER TABLE curation DROP COLUMN own;
		DELETE FROM migrations WHERE name = '0009_published_curation.sql'`)
	s = sqlite.NewGroupService(reopen(t, path))
	if got := curationOf(t, s, g.ID); got != (referral.Curation{Notes: "ours", Hidden: true}) {
		t.Fatalf("after the upgrade: %+v", got)
	}
	again := listingOf("central", "a", "Early Night Out")
	again.Published = referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "theirs", From: "central"}
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "central"}, []*referral.Group{again}); err != nil {
		t.Fatal(err)
	}
	if got, want := curationOf(t, s, g.ID), (referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "ours", Hidden: true, From: "central"}); got != want {
		t.Errorf("subscribed after the upgrade: %+v, want %+v", got, want)
	}
}

// TestFindGroupsNotUpdatedSince: UpdatedBefore lists the listings the
// source last changed before it, counts them all beyond the page, and
// leaves out listings with no date.
func TestFindGroupsNotUpdatedSince(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	groups := feedOf("sepia", "old", "older", "new", "undated", "hidden")
	for i, d := range []time.Time{
		time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), {}, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		groups[i].Updated = d
	}
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "sepia"}, groups); err != nil {
		t.Fatal(err)
	}
	curate(t, s, groups[4], referral.Curation{Hidden: true})
	yearAgo := time.Date(2023, 5, 6, 0, 0, 0, 0, time.UTC)
	assertNames(t, s, referral.GroupFilter{UpdatedBefore: yearAgo}, "Group old", "Group older")
	assertNames(t, s, referral.GroupFilter{UpdatedBefore: yearAgo, IncludeHidden: true}, "Group hidden", "Group old", "Group older")
	page, total, err := s.FindGroups(ctx, referral.GroupFilter{UpdatedBefore: yearAgo, IncludeHidden: true, Limit: 1, Offset: 1})
	if err != nil || total != 3 || len(page) != 1 || page[0].Name != "Group old" {
		t.Errorf("page 2 of 1 = %q of %d, %v; want Group old of 3", names(page), total, err)
	}
}
