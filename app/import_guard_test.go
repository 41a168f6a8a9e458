package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// dialogButton finds the button labelled text in the top dialog.
func (h *harness) dialogButton(text string) *widget.Button {
	h.t.Helper()
	var b *widget.Button
	visible(h.dialogOnTop(), func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && x.Text == text {
			b = x
		}
	})
	if b == nil {
		h.t.Fatalf("dialog has no %q button; it says %q", text, texts(h.dialogOnTop()))
	}
	return b
}

func TestImportThatRemovesMostListingsAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.imp.onFileChosen(directoryFile(t, "aasepia.json", "Hope", "Serenity", "Dawn", "Noon", "Candlelight"), "")
	h.tapDialogButton("Import")
	h.tapDialogButton("Close")

	// The next download lists two of the five: three would go.
	shrunk := func() { h.imp.onFileChosen(directoryFile(t, "aasepia.json", "Hope", "Serenity"), "aasepia") }
	shrunk()
	h.tapDialogButton("Import")
	said := h.said()
	for _, want := range []string{"Remove 3 listings?",
		"aasepia.json would remove 3 of the 5 active listings of aasepia, more than half.",
		"nothing has been changed yet"} {
		if !strings.Contains(said, want) {
			t.Errorf("the confirmation does not say %q: %q", want, said)
		}
	}
	if b := h.dialogButton("Replace anyway"); b.Importance != widget.DangerImportance {
		t.Errorf("Replace anyway has importance %v, want danger", b.Importance)
	}
	capture(t, h.win, "/tmp/import-replace-anyway.png")
	h.tapDialogButton("Cancel")
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("after Cancel a dialog still shows: %q", h.said())
	}
	if got := h.fake.groupsOf("aasepia"); len(got) != 5 {
		t.Fatalf("Cancel left %q in the source, want all five", got)
	}

	shrunk()
	h.tapDialogButton("Import")
	h.tapDialogButton("Replace anyway")
	if !strings.Contains(h.said(), "Import finished") {
		t.Fatalf("after Replace anyway: %q", h.said())
	}
	if got := countsShown(h.imp.report)["removed (gone from the file)"]; got != "3" {
		t.Errorf("the report says %s removed, want 3", got)
	}
	if got := h.fake.groupsOf("aasepia"); !slices.Equal(got, []string{"Hope", "Serenity"}) {
		t.Errorf("after Replace anyway the source holds %q", got)
	}
	var forced []bool
	for _, o := range h.dirs.imports {
		forced = append(forced, o.Force)
	}
	// First import, refused, cancelled-then-refused again, replaced anyway.
	if !slices.Equal(forced, []bool{false, false, false, true}) {
		t.Errorf("imports forced %v; only the one confirmed may be", forced)
	}
	h.tapDialogButton("Close")

	// A confirmation holds for its run only: the next shrinking file asks again.
	h.imp.onFileChosen(directoryFile(t, "aasepia.json", "Candlelight"), "aasepia")
	h.tapDialogButton("Import")
	if said := h.said(); !strings.Contains(said, "would remove 2 of the 2 active listings of aasepia") {
		t.Fatalf("the next shrinking import did not ask: %q", said)
	}
	if last := h.dirs.imports[len(h.dirs.imports)-1]; last.Force {
		t.Error("the next import was forced without asking")
	}
}

func TestImportOfAFileWithNoMeetingSaysSoAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.imp.onFileChosen(directoryFile(t, "aasepia.json", "Hope", "Serenity"), "")
	h.tapDialogButton("Import")
	h.tapDialogButton("Close")

	h.imp.onFileChosen(directoryFile(t, "aasepia.json", ""), "aasepia")
	h.tapDialogButton("Import")
	f := h.imp.form
	if f == nil || f.problem == nil || !strings.Contains(f.problem.Text, "the file has no meeting in it") {
		t.Fatalf("an empty file should be refused in the form, saying why; the window says %q", h.said())
	}
	if got := h.fake.groupsOf("aasepia"); len(got) != 2 {
		t.Errorf("a refused empty file left %q", got)
	}
	visible(h.dialogOnTop(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Replace anyway" {
			t.Error("a file with no meeting must not offer to replace anyway")
		}
	})
	for _, o := range h.dirs.imports {
		if o.Force {
			t.Errorf("an import was forced: %+v", o)
		}
	}
}
