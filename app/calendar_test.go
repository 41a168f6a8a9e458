package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// saveInDialog saves through the file dialog on top, as a counselor does:
// it checks the proposed name, then taps Save. The dialog opens in dir, as
// it opens in the folder last saved to.
func (h *sheetHarness) saveInDialog(wantName string) {
	h.t.Helper()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no file dialog is showing")
	}
	var name *widget.Entry
	var save *widget.Button
	visible(top, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			name = x
		case *widget.Button:
			if x.Text == "Save" {
				save = x
			}
		}
	})
	if name == nil || save == nil {
		h.t.Fatalf("the dialog is not a file save dialog: %q", texts(top))
	}
	if name.Text != wantName {
		h.t.Errorf("the dialog proposes %q, want %q", name.Text, wantName)
	}
	test.Tap(save)
}

func TestCalendarSavesTheTickedGroups(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Type(h.bar.firstName, "Maria")
	test.Type(h.bar.label, "Tue 3pm M.")
	dir := t.TempDir()
	fyne.CurrentApp().Preferences().SetString("fyne:fileDialogLastFolder", storage.NewFileURI(dir).String())
	ticked := h.tickedNames()
	if len(ticked) == 0 || h.bar.calendar.Disabled() {
		t.Fatalf("with %q ticked Calendar… should be on", ticked)
	}

	test.Tap(h.bar.calendar)
	h.saveInDialog("support-groups-2026-03-10.ics")

	path := filepath.Join(dir, "support-groups-2026-03-10.ics")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no calendar was saved: %v", err)
	}
	text := strings.ReplaceAll(string(raw), "\r\n ", "") // unfolded
	if n := strings.Count(text, "BEGIN:VEVENT"); n != len(ticked) {
		t.Errorf("%d events, want one per ticked group's session (%d)", n, len(ticked))
	}
	for _, name := range ticked {
		if !strings.Contains(text, "\r\nSUMMARY:"+name+" (") {
			t.Errorf("the calendar has no event for %s", name)
		}
	}
	if !strings.Contains(text, "DTSTART;TZID=America/New_York:20260310T190000") ||
		!strings.Contains(text, "RRULE:FREQ=WEEKLY;BYDAY=TU") || !strings.Contains(text, "BEGIN:VTIMEZONE\r\nTZID:America/New_York") {
		t.Errorf("Serenity Seekers should meet tonight at 19:00 and every Tuesday on Philadelphia's clock:\n%s", text)
	}
	if strings.Contains(text, "Maria") || strings.Contains(text, "Tue 3pm") {
		t.Error("the calendar names the client")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("the calendar's mode is %v, want 0600", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d files, want only the calendar", len(entries))
	}
	if said := h.said(); !strings.Contains(said, "Send the file to the client's phone") {
		t.Errorf("after saving the window says %q", said)
	}
	if len(h.log.logged) != 0 || h.logHook != 0 {
		t.Error("a calendar alone was logged as a referral")
	}
	if !h.buttonsEnabled() || h.bar.calendar.Disabled() {
		t.Error("the buttons should work again once the calendar is saved")
	}
}

func TestCalendarSaveToUnwritableFolder(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if os.Geteuid() == 0 {
		dir = "/sys" // root may write anywhere else; sysfs refuses even root
	}
	job, err := h.bar.job()
	if err != nil {
		t.Fatal(err)
	}
	w := unwritable{uri: storage.NewFileURI(filepath.Join(dir, "groups.ics"))}
	h.bar.onCalendarChosen(w, job)
	if said := h.said(); !strings.Contains(said, "Could not save") || !strings.Contains(said, "permission denied") {
		t.Errorf("the window says %q", said)
	}
	if entries, _ := os.ReadDir(dir); dir != "/sys" && len(entries) != 0 {
		t.Errorf("the folder holds %d files", len(entries))
	}
	if h.bar.calendar.Disabled() {
		t.Error("Calendar… should work again after a failed save")
	}
}

// unwritable is the file a save dialog hands over for a path in a folder
// the user may not write to: the dialog made nothing there.
type unwritable struct{ uri fyne.URI }

func (u unwritable) URI() fyne.URI               { return u.uri }
func (u unwritable) Write(p []byte) (int, error) { return 0, os.ErrPermission }
func (u unwritable) Close() error                { return nil }
