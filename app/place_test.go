package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// menuOf opens a SelectEntry's menu as a person would and reads its items.
func menuOf(t *testing.T, win fyne.Window, e *widget.SelectEntry) []string {
	t.Helper()
	test.Tap(e.ActionItem.(fyne.Tappable))
	overlays := win.Canvas().Overlays()
	pop := overlays.Top()
	if pop == nil {
		t.Fatal("the menu did not open")
	}
	defer overlays.Remove(pop)
	var items []string
	for _, o := range test.LaidOutObjects(pop) {
		if txt, ok := o.(*canvas.Text); ok && txt.Visible() && txt.Text != "" {
			items = append(items, txt.Text)
		}
	}
	return items
}

// A counselor whose client has no US ZIP types the town instead; the field
// completes from the directory's places and the cards say where.
func TestReferralFindsGroupsByTownWithoutAZIP(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	test.Type(h.f.place, "ph")
	h.settle() // the lookup waits for typing to pause
	if got := menuOf(t, h.win, h.f.place); !slices.Equal(got, []string{"Philadelphia", "Phoenixville"}) {
		t.Fatalf("typing ph offers %q, want the directory's towns starting so", got)
	}
	h.f.place.SetText("Philadelphia")
	h.settle()
	if h.match.last.Place != "Philadelphia" || h.match.last.Origin != nil {
		t.Fatalf("matched needs place %q origin %v, want the town and no ZIP", h.match.last.Place, h.match.last.Origin)
	}
	if len(h.s.cards) == 0 {
		t.Fatalf("no group offered in Philadelphia; the results say %q", h.notice())
	}
	c := h.s.cards[0]
	if got := distanceText(c.cand); got != "in Philadelphia" {
		t.Errorf("the card says %q, want where it is rather than miles", got)
	}
	if strings.Contains(h.notice(), "ZIP") {
		t.Errorf("with a town given, the results still ask for a ZIP: %q", h.notice())
	}
}
