package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
)

// openNamed opens the group named name in the Directory's form.
func (h *harness) openNamed(name string) *groupForm {
	h.t.Helper()
	h.open(h.dir.content)
	for i, g := range h.dir.shown {
		if g.Name == name {
			h.dir.list.Select(i)
			return h.dir.form
		}
	}
	h.t.Fatalf("the list has no %q", name)
	return nil
}

// A listing changed in another window since the form loaded it: Save shows
// theirs beside the counselor's and does what the counselor chooses.
func TestSaveOverAListingChangedElsewhereAsks(t *testing.T) {
	for _, c := range []struct {
		button         string
		name, location string // stored after the choice
	}{
		{"Save mine", "Serenity Seekers", "St. Mark's Church, Room 4"},
		{"Take theirs", "Serenity Seekers NA", "St. Mark's Church"},
	} {
		t.Run(c.button, func(t *testing.T) {
			h := newHarness(t, sampleGroups()...)
			f := h.openNamed("Serenity Seekers")
			id := f.base.ID
			f.location.SetText("St. Mark's Church, Room 4")
			h.fake.change(id, func(g *referral.Group) {
				g.Name = "Serenity Seekers NA"
				g.Curation.Notes = "Confirmed by phone"
			})
			writes := h.fake.writes
			test.Tap(f.save)

			said := strings.Join(texts(h.dialogOnTop()), " ")
			for _, want := range []string{"changed in another window", "Name", "Serenity Seekers NA", "Counselor notes",
				"Confirmed by phone", "(empty)"} {
				if !strings.Contains(said, want) {
					t.Errorf("the question says %q, without %q", said, want)
				}
			}
			if strings.Contains(said, "Location") {
				t.Errorf("the question lists the location, which only the counselor changed: %q", said)
			}
			if h.fake.writes != writes || !f.save.Disabled() {
				t.Fatal("saved, or Save came back on, before the counselor chose")
			}
			h.tapDialogButton(c.button)
			g := h.fake.byID(id)
			if g.Name != c.name || g.Place.Location != c.location {
				t.Errorf("after %s the store holds %q at %q", c.button, g.Name, g.Place.Location)
			}
			if f.name.Text != c.name || f.location.Text != c.location || f.save.Disabled() {
				t.Errorf("after %s the form shows %q at %q (Save off %v)", c.button, f.name.Text, f.location.Text, f.save.Disabled())
			}
		})
	}
}

// What the form does not show changed elsewhere (a re-import's type codes):
// nothing to ask, and the save keeps it.
func TestSaveOverUnshownChangesAsksNothing(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	f := h.openNamed("Family Hope")
	id := f.base.ID
	h.fake.change(id, func(g *referral.Group) { g.Types = append(g.Types, "XYZ"); g.Place.Regions = []string{"Boston"} })
	f.counselorNotes.SetText(f.counselorNotes.Text + " Zoom only.")
	test.Tap(f.save)
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a change the form does not show made Save ask: %q", texts(top))
	}
	g := h.fake.byID(id)
	if g.Curation.Notes != "Ask for Pat Zoom only." || !slices.Contains(g.Types, "XYZ") || !slices.Equal(g.Place.Regions, []string{"Boston"}) {
		t.Errorf("saved notes %q, types %q, regions %q", g.Curation.Notes, g.Types, g.Place.Regions)
	}
	if f.status.Text != "Saved" {
		t.Errorf("the form says %q", f.status.Text)
	}
}

// A listing deleted elsewhere while open: keep the counselor's version as
// a group added by hand, or let it go.
func TestSaveAListingDeletedElsewhere(t *testing.T) {
	t.Run("Save as new group", func(t *testing.T) {
		h := newHarness(t, sampleGroups()...)
		f := h.openNamed("Family Hope")
		old := f.base.ID
		f.placeNotes.SetText("Online only")
		h.fake.remove(old)
		test.Tap(f.save)
		if said := strings.Join(texts(h.dialogOnTop()), " "); !strings.Contains(said, "was deleted from the directory") {
			t.Fatalf("the question says %q", said)
		}
		h.tapDialogButton("Save as new group")
		g := h.fake.byName("Family Hope")
		if g == nil || g.ID == old || g.Source != referral.SourceManual || g.Place.Notes != "Online only" || g.Curation.Notes != "Ask for Pat" {
			t.Fatalf("saved as new: %+v", g)
		}
		if f.base.ID != g.ID || !slices.Contains(h.listNames(), "Family Hope") {
			t.Errorf("the form shows group %d and the list %q", f.base.ID, h.listNames())
		}
	})
	t.Run("Discard", func(t *testing.T) {
		h := newHarness(t, sampleGroups()...)
		f := h.openNamed("Family Hope")
		f.placeNotes.SetText("Online only")
		h.fake.remove(f.base.ID)
		test.Tap(f.save)
		h.tapDialogButton("Discard")
		if h.fake.byName("Family Hope") != nil || h.dir.editing || slices.Contains(h.listNames(), "Family Hope") {
			t.Errorf("after Discard: stored %v, form open %v, list %q", h.fake.byName("Family Hope") != nil, h.dir.editing, h.listNames())
		}
	})
}

// A damaged database seen by any screen raises the window's banner.
func TestDamageSeenBySavingShowsTheBanner(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil, sampleGroups()...)
	f := h.openNamed("Family Hope")
	if h.main.damage.text() != "" {
		t.Fatal("a sound database shows the damage banner")
	}
	h.fake.failErr = referral.Errorf(referral.EDAMAGED, "The database file is damaged, so nothing more is saved to it. Restore a backup in Settings → Backups.")
	f.placeNotes.SetText("Online only")
	test.Tap(f.save)
	if got := h.main.damage.text(); !strings.Contains(got, "The database file is damaged") {
		t.Errorf("the banner says %q", got)
	}
	if said := strings.Join(texts(h.dialogOnTop()), " "); !strings.Contains(said, "damaged") {
		t.Errorf("the failed save says %q", said)
	}
}
