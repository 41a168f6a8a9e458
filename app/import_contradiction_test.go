package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestImportReportCountsContradictions: listings that contradict themselves
// are counted in the report and each is named with what was done.
func TestImportReportCountsContradictions(t *testing.T) {
	h := newHarness(t)
	h.imp.onFileChosen(directoryFile(t, "na.json", "Open Door",
		"contradiction: listed as both open and closed: kept as both, read as closed for family members"), "")
	h.tapDialogButton("Import")
	rep := h.imp.report
	if rep == nil {
		t.Fatal("no report after the import")
	}
	if got := countsShown(rep)["contradictory, read the safer way"]; got != "1" {
		t.Errorf("contradictions counted %q, want 1 (counts %v)", got, countsShown(rep))
	}
	const line = "Contradicts itself, record 2 (r1): listed as both open and closed: kept as both, read as closed for family members [types]"
	if said := h.said(); !strings.Contains(said, line) {
		t.Errorf("the report does not say %q: %q", line, said)
	}
	h.tapDialogButton("Copy report")
	if clip := fyne.CurrentApp().Clipboard().Content(); !strings.Contains(clip, "1 contradictory, read the safer way") || !strings.Contains(clip, line) {
		t.Errorf("the copied report lacks the contradiction: %q", clip)
	}
}
