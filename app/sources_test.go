package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
)

// importedGroups are two sources' listings beside one group added by hand.
func importedGroups() []referral.Group {
	g := func(name, source string, p referral.Program) referral.Group {
		return referral.Group{Name: name, Program: p, Attendance: referral.Online, Source: source, SourceID: name}
	}
	return []referral.Group{
		g("Tuesday Hope", "aa-sepia", referral.ProgramAA),
		g("Morning Light", "aa-sepia", referral.ProgramAA),
		g("Clean and Serene", "na-philly", referral.ProgramNA),
		g("Hand Typed", referral.SourceManual, referral.ProgramSMART),
	}
}

func newSourcesHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, importedGroups()...)
	h.dirs.sources = map[string]referral.Source{
		"aa-sepia":  {Name: "aa-sepia", Format: "meeting-guide", Groups: 2, LastImport: time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)},
		"na-philly": {Name: "na-philly", Format: "bmlt", Groups: 1, LastImport: time.Date(2025, 12, 24, 9, 30, 0, 0, time.UTC)},
	}
	h.sources.refresh()
	for _, tab := range h.main.tabs.Items {
		if tab.Content == h.sources.content {
			h.main.tabs.Select(tab)
		}
	}
	return h
}

func TestSourcesListsEachSource(t *testing.T) {
	h := newSourcesHarness(t)
	if h.sources.empty.Visible() || len(h.sources.rows) != 2 {
		t.Fatalf("Sources shows %d rows (empty card %v)", len(h.sources.rows), h.sources.empty.Visible())
	}
	for i, want := range []struct{ name, about string }{
		{"aa-sepia", "Meeting Guide JSON · 2 groups · imported 2 Jan 2026 15:04"},
		{"na-philly", "BMLT JSON (NA) · 1 group · imported 24 Dec 2025 09:30"},
	} {
		r := h.sources.rows[i]
		if r.name.Text != want.name || r.about.Text != want.about {
			t.Errorf("row %d: %q / %q, want %q / %q", i, r.name.Text, r.about.Text, want.name, want.about)
		}
		if r.refresh.Text != "Refresh from file…" || r.remove.Text != "Remove this source…" {
			t.Errorf("row %d buttons: %q, %q", i, r.refresh.Text, r.remove.Text)
		}
	}
	capture(t, h.win, "/tmp/sources.png")
}

func TestRemoveSourceAsksFirst(t *testing.T) {
	h := newSourcesHarness(t)
	test.Tap(h.sources.rows[0].remove)
	capture(t, h.win, "/tmp/sources-remove.png")
	said := h.said()
	if !strings.Contains(said, "Remove aa-sepia?") || !strings.Contains(said, "2 groups") || !strings.Contains(said, "notes on them are kept") {
		t.Fatalf("the confirmation says %q", said)
	}
	h.tapDialogButton("Cancel")
	if len(h.dirs.removed) != 0 || h.fake.count() != 4 {
		t.Fatal("Cancel removed the source")
	}

	test.Tap(h.sources.rows[0].remove)
	h.tapDialogButton("Remove source")
	if !slices.Equal(h.dirs.removed, []string{"aa-sepia"}) {
		t.Fatalf("removed %q", h.dirs.removed)
	}
	if len(h.sources.rows) != 1 || h.sources.rows[0].name.Text != "na-philly" {
		t.Fatalf("Sources did not refresh: %d rows", len(h.sources.rows))
	}
	if got, want := h.listNames(), []string{"Clean and Serene", "Hand Typed"}; !slices.Equal(got, want) {
		t.Fatalf("the Directory list shows %q, want %q", got, want)
	}
}

func TestNoSourcesTellsHowToImport(t *testing.T) {
	h := newHarness(t)
	h.main.tabs.SelectIndex(len(h.main.tabs.Items) - 1)
	capture(t, h.win, "/tmp/sources-empty.png")
	if !h.sources.empty.Visible() || h.sources.browse.Visible() {
		t.Fatal("with no sources the area should say how to import")
	}
	said := strings.Join(texts(h.sources.empty), " ")
	for _, want := range []string{"Import a directory file", "Meeting Guide JSON", "BMLT", "CSV"} {
		if !strings.Contains(said, want) {
			t.Errorf("the empty Sources area does not mention %q: %q", want, said)
		}
	}
}
