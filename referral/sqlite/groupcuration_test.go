package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// weekdays are the listings of one group that meets on days, as feeds list
// it: one listing a weekday, the same name and place.
func weekdays(source, name string, days ...time.Weekday) []*referral.Group {
	var gs []*referral.Group
	for _, d := range days {
		g := listingOf(source, strings.ToLower(strings.ReplaceAll(name, " ", "-"))+"-"+d.String()[:3], name)
		g.Sessions[0].Day = d
		gs = append(gs, g)
	}
	return gs
}

func curationOf(t *testing.T, s *sqlite.GroupService, id int64) referral.Curation {
	t.Helper()
	g, err := s.FindGroupByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return g.Curation
}

// A counselor marks "Early Night Out" medication-friendly on its Sunday
// listing: Tuesday and Thursday say so too, through a re-import as well.
func TestCurationIsTheWholeGroups(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	eno := weekdays("sepia", "Early Night Out", time.Sunday, time.Tuesday, time.Thursday)
	other := listingOf("sepia", "other", "Old City")
	src := referral.Source{Name: "sepia"}
	if _, err := s.ReplaceSource(ctx, src, append(eno, other)); err != nil {
		t.Fatal(err)
	}
	c := referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "Ask for Dana", VerifiedOn: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	if _, err := s.SetCuration(ctx, eno[0].ID, c); err != nil {
		t.Fatal(err)
	}
	for _, g := range eno {
		if got := curationOf(t, s, g.ID); got != c {
			t.Errorf("%s listing: curation %+v, want the group's %+v", g.Sessions[0].Day, got, c)
		}
	}
	if got := curationOf(t, s, other.ID); got != (referral.Curation{}) {
		t.Errorf("another group got %+v", got)
	}

	// Hidden on Thursday's listing hides every listing from the Directory.
	hidden := c
	hidden.Hidden = true
	if _, err := s.SetCuration(ctx, eno[2].ID, hidden); err != nil {
		t.Fatal(err)
	}
	assertNames(t, s, referral.GroupFilter{Text: "early"})
	assertNames(t, s, referral.GroupFilter{Text: "early", IncludeHidden: true}, "Early Night Out", "Early Night Out", "Early Night Out")

	again := append(weekdays("sepia", "Early Night Out", time.Sunday, time.Tuesday, time.Thursday), listingOf("sepia", "other", "Old City"))
	if _, err := s.ReplaceSource(ctx, src, again); err != nil {
		t.Fatal(err)
	}
	for _, g := range again[:3] {
		if got := curationOf(t, s, g.ID); got != hidden {
			t.Errorf("after a re-import, %s: curation %+v, want %+v", g.Sessions[0].Day, got, hidden)
		}
	}

	// Deleting one weekday by hand keeps the group's curation for the others.
	if err := s.DeleteGroup(ctx, again[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := curationOf(t, s, again[1].ID); got != hidden {
		t.Errorf("after deleting Sunday's listing, Tuesday's curation is %+v", got)
	}
}

// TestGroupCurationUpgrade opens a file whose curation is still kept per
// listing (before 0006): listings of one group are merged, a disagreement
// becomes "unknown" with both notes kept, the upgrade says how many, and a
// listing that was away when it ran gets its curation when it comes back.
func TestGroupCurationUpgrade(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	eno := weekdays("sepia", "Early Night Out", time.Sunday, time.Tuesday, time.Thursday)
	oldCity := weekdays("sepia", "Old City", time.Tuesday, time.Thursday)
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "sepia"}, append(eno, oldCity...)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rawExec(t, path, `DROP TABLE curation;
		ALTER TABLE listing_curation RENAME TO curation;
		DROP INDEX groups_group_key;
		ALTER TABLE groups DROP COLUMN group_key;
		DELETE FROM migrations WHERE name = '0006_group_curation.sql';
		DROP TABLE published_curation;
		DELETE FROM migrations WHERE name = '0009_published_curation.sql';
		INSERT INTO curation (source, source_id, medication_friendly, verified_on, notes, hidden, modified_at) VALUES
			('sepia', 'early-night-out-Sun', 'yes', '2026-10-01T00:00:00.000000000Z', 'Welcoming on Sundays', 0, '2026-10-01T00:00:00.000000000Z'),
			('sepia', 'early-night-out-Tue', 'no', NULL, 'Chair said no methadone', 0, '2026-10-02T00:00:00.000000000Z'),
			('sepia', 'old-city-Tue', 'yes', NULL, 'felt welcome', 0, '2026-10-03T00:00:00.000000000Z'),
			('sepia', 'away', 'yes', NULL, 'comes back later', 1, '2026-10-04T00:00:00.000000000Z'),
			('sepia', 'away-thu', '', '2026-09-01T00:00:00.000000000Z', 'Thursday chair is new', 0, '2026-10-04T00:00:00.000000000Z')`)

	db = reopen(t, path)
	if len(db.Upgraded) != 1 || !strings.Contains(db.Upgraded[0], "1 groups whose listings disagreed") {
		t.Errorf("the upgrade said %q, want how many groups disagreed", db.Upgraded)
	}
	s = sqlite.NewGroupService(db)
	for _, g := range eno {
		c := curationOf(t, s, g.ID)
		if c.MedicationFriendly != referral.MedicationUnknown || c.Notes != "Welcoming on Sundays\nChair said no methadone" ||
			!c.VerifiedOn.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("Early Night Out %s: %+v, want unknown with both notes and the latest date", g.Sessions[0].Day, c)
		}
	}
	for _, g := range oldCity {
		if c := curationOf(t, s, g.ID); c.MedicationFriendly != referral.MedicationYes || c.Notes != "felt welcome" {
			t.Errorf("Old City %s: %+v, want Tuesday's curation on Thursday too", g.Sessions[0].Day, c)
		}
	}

	// Both weekday listings of a group that was away come back: both rows
	// are merged into the group's curation, none lost.
	back, backThu := listingOf("sepia", "away", "Back Again"), listingOf("sepia", "away-thu", "Back Again")
	backThu.Sessions[0].Day = time.Thursday
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "sepia"}, append(append(eno, oldCity...), back, backThu)); err != nil {
		t.Fatal(err)
	}
	for _, g := range []*referral.Group{back, backThu} {
		if c := curationOf(t, s, g.ID); !c.Hidden || c.Notes != "comes back later\nThursday chair is new" ||
			c.MedicationFriendly != referral.MedicationYes || !c.VerifiedOn.Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("a listing away during the upgrade came back with %+v", c)
		}
	}
	db.Close()
	if db = reopen(t, path); len(db.Upgraded) != 0 {
		t.Errorf("a second open upgraded again: %q", db.Upgraded)
	}
}

// Curation changed by hand, or by another tool, into what this build does
// not write reads as well as it can: a date in another form is unknown, a
// note stored as a BLOB is its text. The group still lists, is found and
// matches.
func TestCurationStoredByHandReads(t *testing.T) {
	cases := []struct {
		name string
		c    referral.Curation
		sql  string
		want func(referral.Curation) bool
	}{
		{"a date in another form is unknown",
			referral.Curation{MedicationFriendly: referral.MedicationYes, VerifiedOn: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
			`UPDATE curation SET verified_on = '01/02/2026'`,
			func(c referral.Curation) bool {
				return c.VerifiedOn.IsZero() && c.MedicationFriendly == referral.MedicationYes
			}},
		{"a note stored as a BLOB is its text",
			referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "ring twice"},
			`UPDATE curation SET notes = CAST('ring "twice"' AS BLOB)`,
			func(c referral.Curation) bool {
				return c.Notes == `ring "twice"` && c.MedicationFriendly == referral.MedicationYes
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db, path := openTestDB(t)
			s := sqlite.NewGroupService(db)
			g := listingOf("sepia", "a", "Old City")
			if _, err := s.ReplaceSource(ctx, referral.Source{Name: "sepia"}, []*referral.Group{g}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetCuration(ctx, g.ID, c.c); err != nil {
				t.Fatal(err)
			}
			rawExec(t, path, c.sql)
			if got := curationOf(t, s, g.ID); !c.want(got) {
				t.Errorf("curation %+v after %s", got, c.sql)
			}
			if list, _, err := s.FindGroups(ctx, referral.GroupFilter{Text: "old city"}); err != nil || len(list) != 1 {
				t.Errorf("search found %d, %v; want the group", len(list), err)
			}
			if res, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil || len(res.Candidates) != 1 {
				t.Errorf("Match = %d candidates, %v; want the group", len(res.Candidates), err)
			}
		})
	}
}

// A business meeting stored before imports marked service meetings is
// marked on upgrade and no longer matched.
func TestServiceMeetingUpgrade(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	business := listingOf("sepia", "biz", "District 12 Business Meeting")
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "sepia"}, []*referral.Group{business}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rawExec(t, path, `UPDATE groups SET data = json_remove(data, '$.service');
		DELETE FROM migrations WHERE name = '0007_service_meetings.sql'`)
	db = reopen(t, path)
	if len(db.Upgraded) != 1 || !strings.Contains(db.Upgraded[0], "1 service meetings") {
		t.Errorf("the upgrade said %q", db.Upgraded)
	}
	s = sqlite.NewGroupService(db)
	if g, err := s.FindGroupByID(ctx, business.ID); err != nil || !g.Service {
		t.Errorf("after the upgrade: %+v, %v; want it marked a service meeting", g, err)
	}
	if res, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil || len(res.Candidates) != 0 {
		t.Errorf("a business meeting was offered: %v", res.Candidates[0].Group.Name)
	}
}
