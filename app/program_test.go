package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
)

// TestImportAnyFellowship: the import form takes any fellowship's name,
// refuses one too long with the reason, and the report counts the service
// meetings, which the Directory marks.
func TestImportAnyFellowship(t *testing.T) {
	h := newHarness(t)
	h.imp.onFileChosen(directoryFile(t, "ha.json", "#no-program", "Tuesday Hope", "District 7 Business Meeting"), "")
	f := h.imp.form
	if f == nil {
		t.Fatal("choosing a file should ask which source it is")
	}
	f.program.SetText(strings.Repeat("x", 81))
	if err := f.program.Validate(); err == nil || !strings.Contains(err.Error(), "81 characters long") {
		t.Errorf("an 81-character program: %v", err)
	}
	capture(t, h.win, "/tmp/import-program-too-long.png")
	f.program.SetText("Heroin Anonymous")
	if err := f.program.Validate(); err != nil {
		t.Fatalf("Heroin Anonymous refused: %v", err)
	}
	h.tapDialogButton("Import")
	if len(h.dirs.imports) != 1 || h.dirs.imports[0].Program != referral.ProgramHA {
		t.Fatalf("imports asked: %+v", h.dirs.imports)
	}
	if said := h.said(); !strings.Contains(said, "service meetings: kept, never suggested") {
		t.Errorf("the report does not count service meetings: %q", said)
	}
	capture(t, h.win, "/tmp/import-service-report.png")
	h.tapDialogButton("Close")
	capture(t, h.win, "/tmp/directory-service-row.png")
	if rows := strings.Join(texts(h.dir.list), "\n"); !strings.Contains(rows, "HA · Online · service meeting, never suggested") {
		t.Errorf("the Directory does not mark the business meeting:\n%s", rows)
	}
}

// TestGroupFormTakesAnyFellowship: a typed fellowship is kept as typed, a
// known one under its name, and the service mark is saved.
func TestGroupFormTakesAnyFellowship(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	h.dir.list.Select(2) // Serenity Seekers
	f := h.dir.form
	f.program.SetText("gamblers   anonymous")
	test.Tap(f.service)
	capture(t, h.win, "/tmp/groupform-fellowship.png")
	test.Tap(f.save)
	saved := h.fake.byName("Serenity Seekers")
	if saved == nil || saved.Program != "gamblers anonymous" || !saved.Service {
		t.Fatalf("saved %+v; form says %q", saved, texts(f.content))
	}

	f.program.SetText("pills anonymous")
	test.Tap(f.save)
	if saved := h.fake.byName("Serenity Seekers"); saved.Program != referral.ProgramPA {
		t.Errorf("program %q, want %q", saved.Program, referral.ProgramPA)
	}

	f.program.SetText(strings.Repeat("x", 81))
	test.Tap(f.save)
	if p := f.problems["Program"]; p == nil || !p.Visible() || !strings.Contains(p.Text, "81 characters long") {
		t.Errorf("an 81-character program saved or said nothing; form says %q", texts(f.content))
	}
}
