package app

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// TestFormSaysWhereCurationComesFrom: a group whose source publishes its
// curation says, field by field, which values are the publisher's and
// where this desk's own wins over it, with what the publisher says.
func TestFormSaysWhereCurationComesFrom(t *testing.T) {
	day := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	g := referral.Group{
		Name: "Early Night Out", Program: referral.ProgramAA, Attendance: referral.Online,
		Source: "central", SourceID: "eno", Online: referral.OnlineAccess{URL: "https://zoom.us/j/1"},
		Sessions:  []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}},
		Published: referral.Curation{MedicationFriendly: referral.MedicationYes, VerifiedOn: day, Notes: "Ask for Dana", From: "central"},
		// This desk learned otherwise about medication; the rest is central's.
		Curation: referral.Curation{MedicationFriendly: referral.MedicationNo, VerifiedOn: day, Notes: "Ask for Dana", From: "central"},
	}
	plain := g
	plain.Name, plain.SourceID, plain.Published, plain.Curation = "Old City", "oc", referral.Curation{}, referral.Curation{Notes: "ours"}
	h := newHarness(t, g, plain)
	h.dir.list.Select(0)
	f := h.dir.form
	from := f.curationFrom
	if got := from[referral.CuratedMedication].Text; !strings.Contains(got, "This desk's own") || !strings.Contains(got, "central, which says: Yes") {
		t.Errorf("medication-friendly says %q", got)
	}
	for _, field := range []referral.CurationFields{referral.CuratedVerifiedOn, referral.CuratedNotes} {
		if got := from[field]; !got.Visible() || !strings.HasPrefix(got.Text, "From central.") {
			t.Errorf("field %04b says %q (shown %v), want that it is central's", field, got.Text, got.Visible())
		}
	}
	if from[referral.CuratedHidden].Visible() {
		t.Errorf("hidden, which central says nothing of, says %q", from[referral.CuratedHidden].Text)
	}
	f.scroll.ScrollToBottom()
	capture(t, h.win, "/tmp/groupform-published.png")

	h.dir.list.Select(1)
	for field, l := range from {
		if l.Visible() {
			t.Errorf("a group with no published curation says of field %04b: %q", field, l.Text)
		}
	}
}

// TestDirectoryFiltersListingsNotUpdatedForAYear: the filter lists only
// listings their source last changed over a year ago, dated, and Clear
// filters lets everything back.
func TestDirectoryFiltersListingsNotUpdatedForAYear(t *testing.T) {
	gs := sampleGroups()
	gs[0].Updated = testNow.AddDate(-2, 0, 0)
	gs[1].Updated = testNow.AddDate(0, -3, 0)
	// gs[2] has no date: nothing says it is old.
	h := newHarness(t, gs...)
	h.dir.stale.SetChecked(true)
	if got, want := h.listNames(), []string{"Serenity Seekers"}; !slices.Equal(got, want) {
		t.Fatalf("not updated for a year: %q, want %q", got, want)
	}
	var about []string
	visible(h.dir.list, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && !l.TextStyle.Bold && l.Text != "" {
			about = append(about, l.Text)
		}
	})
	if len(about) != 1 || !strings.HasPrefix(about[0], "updated 2024-03-14 · ") {
		t.Errorf("the row says %q, want the listing's date first", about)
	}
	capture(t, h.win, "/tmp/directory-stale.png")
	h.dir.onClearFilters()
	if h.dir.stale.Checked || len(h.listNames()) != 3 {
		t.Errorf("after Clear filters: stale %v, %q", h.dir.stale.Checked, h.listNames())
	}
}

// TestReferralSaysWhenSourcesAreStale: a quiet line over the results names
// the sources of the groups listed that were last refreshed over 30 days
// ago, and only those.
func TestReferralSaysWhenSourcesAreStale(t *testing.T) {
	gs := directoryGroups()
	for _, g := range gs {
		g.Source = "aasepia"
	}
	h := newReferralHarness(t, gs)
	h.s.dir = newFakeDirectory(newFakeGroups(),
		referral.Source{Name: "aasepia", LastImport: referralNow.Add(-45 * 24 * time.Hour)},
		referral.Source{Name: "unused", LastImport: referralNow.AddDate(-1, 0, 0)})
	h.typeZIP("19107")
	if len(h.s.cards) == 0 {
		t.Fatalf("no groups listed: %s", h.notice())
	}
	want := "Not refreshed for over 30 days: aasepia (45 days ago). Times and places may have changed since."
	if !h.s.stale.Visible() || h.s.stale.Text != want {
		t.Errorf("the results say %q (shown %v), want %q", h.s.stale.Text, h.s.stale.Visible(), want)
	}
	capture(t, h.win, "/tmp/referral-stale.png")

	h.s.dir = newFakeDirectory(newFakeGroups(), referral.Source{Name: "aasepia", LastImport: referralNow.Add(-29 * 24 * time.Hour)})
	h.typeZIP("19107")
	if h.s.stale.Visible() {
		t.Errorf("a source refreshed 29 days ago is called stale: %q", h.s.stale.Text)
	}
}

// TestExportWithCuration: the export form offers the curation for Meeting
// Guide only, off by default; with it ticked the service is asked for it
// and the saved message says what the file holds.
func TestExportWithCuration(t *testing.T) {
	h := newSourcesHarness(t)
	h.exp.onExport()
	f := h.exp.form
	if f.curation.Checked || f.curation.Disabled() {
		t.Fatalf("the curation box starts checked %v, disabled %v; want unchecked and offered", f.curation.Checked, f.curation.Disabled())
	}
	f.curation.SetChecked(true)
	f.format.SetSelectedIndex(1) // CSV carries no curation
	if f.curation.Checked || !f.curation.Disabled() || f.job().withCuration {
		t.Errorf("with CSV the curation box is checked %v, disabled %v", f.curation.Checked, f.curation.Disabled())
	}
	f.format.SetSelectedIndex(0)
	f.curation.SetChecked(true)
	job := f.job()
	if !job.withCuration {
		t.Fatalf("ticked, the job is %+v", job)
	}
	capture(t, h.win, "/tmp/export-curation.png")
	h.tapDialogButton("Cancel")

	w, path := exportFile(t, "central.json")
	h.exp.onFileChosen(w, job)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "format=meeting-guide source=\nwith curation\n") {
		t.Errorf("the service was asked for %q", got)
	}
	if said := h.said(); !strings.Contains(said, "holds the clinic's curation and counselor notes") {
		t.Errorf("after exporting the window says %q", said)
	}
}
