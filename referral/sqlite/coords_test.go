package sqlite_test

import (
	"context"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// TestCoordsFromZIPStored: whether a listing's point is its ZIP's Census
// point survives saving, loading, reopening the file, an edit and an import,
// and an import that changes only that is an update.
func TestCoordsFromZIPStored(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	g := listingOf("aasepia", "zip", "Placed at its ZIP")
	g.Place.PostalCode, g.Place.CoordsFromZIP = "19107", true
	if err := s.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	var column int
	rawQuery(t, path, `SELECT coords_from_zip FROM groups WHERE id = ?`, &column, g.ID)
	if column != 1 {
		t.Errorf("coords_from_zip = %d, want 1", column)
	}
	load := func(s *sqlite.GroupService) *referral.Group {
		t.Helper()
		got, err := s.FindGroupByID(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	assertGroup(t, load(s), g)
	found, _, err := s.FindGroups(ctx, referral.GroupFilter{Source: "aasepia"})
	if err != nil || len(found) != 1 || !found[0].Place.CoordsFromZIP {
		t.Errorf("FindGroups gives %v, %v; want the group placed at its ZIP", found, err)
	}

	db.Close()
	db = reopen(t, path)
	s = sqlite.NewGroupService(db)
	assertGroup(t, load(s), g)

	// A person pins the listing to its door.
	g.Place.CoordsFromZIP = false
	if err := s.UpdateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	assertGroup(t, load(s), g)

	src := referral.Source{Name: "aasepia", Format: "meeting-guide"}
	for _, step := range []struct {
		fromZIP bool
		want    sqlite.ImportCounts
	}{
		{false, sqlite.ImportCounts{Unchanged: 1}},
		{true, sqlite.ImportCounts{Updated: 1}},
		{true, sqlite.ImportCounts{Unchanged: 1}},
	} {
		imported := listingOf("aasepia", "zip", "Placed at its ZIP")
		imported.Place.PostalCode, imported.Place.CoordsFromZIP = "19107", step.fromZIP
		counts, err := s.ReplaceSource(ctx, src, []*referral.Group{imported})
		if err != nil {
			t.Fatal(err)
		}
		if counts != step.want {
			t.Errorf("import with CoordsFromZIP %v: counts %+v, want %+v", step.fromZIP, counts, step.want)
		}
		if got := load(s); got.Place.CoordsFromZIP != step.fromZIP {
			t.Errorf("after the import, CoordsFromZIP = %v, want %v", got.Place.CoordsFromZIP, step.fromZIP)
		}
	}
}

// TestCoordsFromZIPMigration: a file written before the column existed gains
// it, its listings read as placed by the feed, and it stores the flag.
func TestCoordsFromZIPMigration(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	old := listingOf("aasepia", "old", "Stored before ZIP placing")
	if err := sqlite.NewGroupService(db).CreateGroup(ctx, old); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rawExec(t, path, `ALTER TABLE groups DROP COLUMN coords_from_zip;
		DELETE FROM migrations WHERE name = '0004_coords_from_zip.sql'`)

	s := sqlite.NewGroupService(reopen(t, path))
	got, err := s.FindGroupByID(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertGroup(t, got, old)
	placed := listingOf("aasepia", "new", "Placed at its ZIP")
	placed.Place.CoordsFromZIP = true
	if err := s.CreateGroup(ctx, placed); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindGroupByID(ctx, placed.ID); err != nil || !got.Place.CoordsFromZIP {
		t.Errorf("FindGroupByID = %+v, %v; want CoordsFromZIP", got, err)
	}
}
