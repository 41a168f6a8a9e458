package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// fakeSheets is a referral.SheetRenderer that writes a small text "PDF"
// naming the groups, and previews as solid pages.
type fakeSheets struct {
	mu         sync.Mutex
	pages      int   // how many pages Preview returns
	previewErr error // returned by Preview, if set
	renderErr  error // returned by RenderPDF after a partial write, if set
	rendered   []referral.Sheet
	previewed  []referral.Sheet
}

func (f *fakeSheets) RenderPDF(_ context.Context, w io.Writer, s referral.Sheet) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rendered = append(f.rendered, s)
	fmt.Fprintf(w, "%%PDF-1.4 fake lang=%s paper=%s large=%v\n", s.Language(), s.PaperSize(), s.Large)
	if f.renderErr != nil {
		return f.renderErr
	}
	fmt.Fprintf(w, "For: %s\n", s.FirstName)
	for _, g := range s.Groups {
		fmt.Fprintln(w, g.Name)
	}
	_, err := io.WriteString(w, "%EOF\n")
	return err
}

func (f *fakeSheets) Preview(_ context.Context, s referral.Sheet, _ int) ([]image.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.previewed = append(f.previewed, s)
	if f.previewErr != nil {
		return nil, f.previewErr
	}
	var out []image.Image
	for i := range f.pages {
		img := image.NewRGBA(image.Rect(0, 0, 85, 110)) // Letter's shape
		draw.Draw(img, img.Bounds(), image.NewUniform(color.Gray{Y: uint8(250 - 30*i)}), image.Point{}, draw.Src)
		out = append(out, img)
	}
	return out, nil
}

// fakeLog is a referral.HistoryService that keeps what LogReferral gets.
type fakeLog struct {
	mu     sync.Mutex
	logged []*referral.Referral
	err    error // returned by LogReferral, if set
}

func (f *fakeLog) LogReferral(_ context.Context, r *referral.Referral) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	r.ID = int64(len(f.logged) + 1) // entered at once, as a store with no other writer does
	c := *r
	f.logged = append(f.logged, &c)
	return nil
}

func (f *fakeLog) FindReferrals(context.Context, referral.ReferralFilter) ([]*referral.Referral, int, error) {
	return nil, 0, nil
}

func (f *fakeLog) FindReferralByID(context.Context, int64) (*referral.Referral, error) {
	return nil, referral.Errorf(referral.ENOTFOUND, "not found")
}

func (f *fakeLog) RecordFollowUp(context.Context, int64, referral.FollowUp) (*referral.Referral, error) {
	return nil, referral.Errorf(referral.ENOTFOUND, "not found")
}

func (f *fakeLog) DeleteReferral(context.Context, int64) error { return nil }

func (f *fakeLog) PurgeReferrals(context.Context, time.Time) (int, error) { return 0, nil }

// sheetHarness is the Referral screen with a renderer, a log and a folder
// for print files, and the list of groups for ZIP 19107 showing.
type sheetHarness struct {
	*referralHarness
	bar     *sheetBar
	sheets  *fakeSheets
	log     *fakeLog
	logHook int      // calls of the window's referral-logged hook
	opened  []string // the files Print handed the PDF viewer
}

func newSheetHarness(t *testing.T, groups []*referral.Group) *sheetHarness {
	t.Helper()
	h := &sheetHarness{referralHarness: newReferralHarness(t, groups),
		sheets: &fakeSheets{pages: 2}, log: &fakeLog{}}
	h.bar = h.s.sheet
	h.bar.sheets, h.bar.history = h.sheets, h.log
	h.bar.logged = func() { h.logHook++ }
	h.bar.printRoot = t.TempDir()
	h.bar.openViewer = handOver(&h.opened)
	// No CUPS here, whatever the machine has: these tests are about the viewer.
	h.bar.runPrint = func(context.Context, string, ...string) ([]byte, error) { return nil, exec.ErrNotFound }
	h.typeZIP("19107")
	return h
}

// said returns the words of the dialog on top, or "" when none shows.
func (h *sheetHarness) said() string {
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), " ")
}

func (h *sheetHarness) tickedNames() []string {
	gs, _ := h.s.chosenGroups()
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func (h *sheetHarness) buttonsEnabled() bool {
	b := h.bar
	on := !b.preview.Disabled()
	if on != !b.save.Disabled() || on != !b.print.Disabled() {
		h.t.Fatalf("Preview, Save PDF… and Print disagree: %v %v %v", b.preview.Disabled(), b.save.Disabled(), b.print.Disabled())
	}
	return on
}

// moreGroups adds NA groups close by, so more than a sheet's worth fit.
func moreGroups(n int) []*referral.Group {
	gs := directoryGroups()
	for i := range n {
		gs = append(gs, &referral.Group{ID: int64(100 + i), Name: fmt.Sprintf("Extra %d", i+1),
			Program: referral.ProgramNA, Attendance: referral.InPerson, Sessions: at(time.Weekday(i%7), 12+i%6),
			TimeZone: "America/New_York", Updated: referralNow.AddDate(0, -1, 0),
			Place: referral.Place{City: "Philadelphia", Coords: nearby(0.2 + float64(i)/10)}})
	}
	return gs
}

func TestSheetButtonsNeedATick(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	if len(h.tickedNames()) != 3 || !h.buttonsEnabled() {
		t.Fatalf("with %q ticked the buttons should work", h.tickedNames())
	}
	for _, c := range h.s.cards {
		if c.check.Checked {
			test.Tap(c.check)
		}
	}
	if h.buttonsEnabled() {
		t.Error("with no group ticked Preview, Save PDF… and Print should be off")
	}
	if got := h.bar.hint.Text; got != "Tick up to 8 groups to print" {
		t.Errorf("with no tick the hint says %q", got)
	}
	test.Tap(h.s.cards[1].check)
	if !h.buttonsEnabled() {
		t.Error("one tick should turn the buttons on")
	}

	h.f.zip.SetText("191") // the list gives way to a hint: nothing to print
	if h.buttonsEnabled() {
		t.Error("with no list the buttons should be off")
	}
}

func TestSheetTooManyGroups(t *testing.T) {
	h := newSheetHarness(t, moreGroups(6))
	h.f.limit.SetSelected("10")
	h.settle()
	if len(h.s.cards) < 9 {
		t.Fatalf("%d groups listed, the test needs 9", len(h.s.cards))
	}
	for _, c := range h.s.cards[:9] {
		if !c.check.Checked {
			test.Tap(c.check)
		}
	}
	if got := h.bar.hint.Text; got != "A sheet lists at most 8 groups; untick 1" {
		t.Errorf("with 9 ticked the hint says %q", got)
	}
	if h.buttonsEnabled() {
		t.Error("with 9 ticked the buttons should be off")
	}
	capture(t, h.win, "/tmp/sheet-too-many.png")
	test.Tap(h.s.cards[0].check)
	if !h.buttonsEnabled() {
		t.Error("back to 8 ticked, the buttons should work again")
	}
}

func TestSheetPreviewShowsPages(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Type(h.bar.firstName, "Maria")
	h.bar.large.SetChecked(true)
	capture(t, h.win, "/tmp/sheet-bar.png")
	test.Tap(h.bar.preview)

	if h.bar.progress != nil {
		t.Error("the progress dialog should be gone once the pages are drawn")
	}
	p := h.bar.shown
	if p == nil || len(p.pages) != 2 {
		t.Fatalf("the preview should show 2 pages; it said %q", h.said())
	}
	for _, img := range p.pages {
		if img.FillMode != canvas.ImageFillContain {
			t.Error("a page should keep its shape (FillMode contain)")
		}
	}
	var images int
	visible(h.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if _, ok := o.(*canvas.Image); ok {
			images++
		}
	})
	if images < 2 {
		t.Errorf("the dialog shows %d images, want the 2 pages", images)
	}
	said := h.said()
	for _, want := range []string{"Page 1 of 2", "Page 2 of 2"} {
		if !strings.Contains(said, want) {
			t.Errorf("the preview says %q, want %q", said, want)
		}
	}
	s := h.sheets.previewed[0]
	if got, want := namesOf(s.Groups), h.tickedNames(); !slices.Equal(got, want) {
		t.Errorf("previewed groups %q, want the ticked ones in order %q", got, want)
	}
	if s.FirstName != "Maria" || !s.Large || s.Language() != referral.English || !s.Date.Equal(referralNow) {
		t.Errorf("previewed sheet: name %q, large %v, lang %s, date %v", s.FirstName, s.Large, s.Language(), s.Date)
	}
	capture(t, h.win, "/tmp/sheet-preview.png")

	// Print from inside the preview prints the very sheet shown.
	var printBtn *widget.Button
	visible(h.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Print" {
			printBtn = b
		}
	})
	if printBtn == nil {
		t.Fatal("the preview has no Print button")
	}
	test.Tap(printBtn)
	if len(h.opened) != 1 || len(h.log.logged) != 1 {
		t.Fatalf("Print in the preview: %d opened, %d logged", len(h.opened), len(h.log.logged))
	}
}

func namesOf(gs []*referral.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func TestSheetPreviewWithoutPdftoppm(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	h.sheets.previewErr = referral.Errorf(referral.ENOTFOUND,
		"the preview needs the pdftoppm program (Debian package poppler-utils); Save PDF and Print still work")
	test.Tap(h.bar.preview)
	said := h.said()
	if !strings.Contains(said, "The preview needs the pdftoppm program") || !strings.Contains(said, "Save PDF and Print still work") {
		t.Errorf("without pdftoppm the window says %q", said)
	}
	if h.bar.shown != nil || !h.buttonsEnabled() {
		t.Error("no preview should show, and the buttons should still work")
	}
}

func TestSheetSaveWritesFileAndLogsReferral(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Type(h.bar.firstName, "Maria")
	test.Type(h.bar.label, "Tue 3pm M.")
	h.bar.lang.SetSelected("Español")
	h.bar.paper.SetSelected("A4")
	job, err := h.bar.job()
	if err != nil {
		t.Fatal(err)
	}
	if got := sheetFileName(job.sheet.Date); got != "referral-2026-03-10.pdf" {
		t.Errorf("proposed file name %q", got)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "referral-2026-03-10.pdf")
	w, err := storage.Writer(storage.NewFileURI(path)) // as the save dialog hands it over
	if err != nil {
		t.Fatal(err)
	}
	h.bar.onFileChosen(w, job)

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "%PDF-1.4 fake lang=es paper=a4") {
		t.Errorf("the file starts %q", got[:min(len(got), 40)])
	}
	for _, name := range h.tickedNames() {
		if !strings.Contains(string(got), name) {
			t.Errorf("the sheet does not list %s", name)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("the sheet's mode is %v, want 0600", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d files, want only the sheet", len(entries))
	}

	if len(h.log.logged) != 1 {
		t.Fatalf("%d referrals logged, want 1", len(h.log.logged))
	}
	r := h.log.logged[0]
	if r.ClientLabel != "Tue 3pm M." || r.Lang != referral.Spanish || r.Paper != referral.A4 || r.Needs.ZIP != "19107" {
		t.Errorf("logged %+v", r)
	}
	if got, want := len(r.Groups), len(h.tickedNames()); got != want {
		t.Errorf("logged %d groups, want %d", got, want)
	}
	if strings.Contains(fmt.Sprintf("%+v", *r), "Maria") {
		t.Error("the first name reached the referral log")
	}
	if h.logHook != 1 {
		t.Errorf("the window heard of %d logged referrals, want 1", h.logHook)
	}
	if said := h.said(); !strings.Contains(said, "Saved. Added to the referral log.") {
		t.Errorf("after saving the window says %q", said)
	}
}

func TestSheetSaveToUnwritableFolder(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Type(h.bar.firstName, "Maria")
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
	h.bar.saveTo(filepath.Join(dir, "referral.pdf"), job)

	said := h.said()
	if want := "Could not save the sheet to " + dir + ": permission denied. Choose another folder."; !strings.Contains(said, want) {
		t.Errorf("the window says %q, want %q", said, want)
	}
	if strings.Contains(said, "Maria") || strings.Contains(said, "referral.pdf") {
		t.Errorf("the message names the client or the file: %q", said)
	}
	if entries, _ := os.ReadDir(dir); dir != "/sys" && len(entries) != 0 {
		t.Errorf("the folder holds %d files", len(entries))
	}
	if len(h.log.logged) != 0 || h.logHook != 0 {
		t.Error("an unsaved sheet was logged")
	}
	if !h.buttonsEnabled() {
		t.Error("the buttons should work again after a failed save")
	}
}

func TestSheetRenderErrorLeavesNothing(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	h.sheets.renderErr = errors.New("gofpdf: something broke")
	dir := t.TempDir()
	path := filepath.Join(dir, "referral.pdf")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	job, _ := h.bar.job()
	h.bar.onFileChosen(w, job)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed render left %d files behind", len(entries))
	}
	said := h.said()
	if !strings.Contains(said, "Internal error") || strings.Contains(said, "gofpdf") {
		t.Errorf("the window says %q", said)
	}
	if len(h.log.logged) != 0 {
		t.Error("an unsaved sheet was logged")
	}
}

// handOver is an opener that hands each file to a viewer and ends at once,
// as gio open and kde-open do; it records the files.
func handOver(opened *[]string) func(string) (<-chan error, error) {
	return func(path string) (<-chan error, error) {
		*opened = append(*opened, path)
		return ended(nil), nil
	}
}

// ended is an opener's exit that has happened already.
func ended(err error) <-chan error {
	done := make(chan error, 1)
	done <- err
	return done
}

func TestSheetPrintOpensPrivateFile(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Tap(h.bar.print)
	if len(h.opened) != 1 {
		t.Fatalf("Print opened %v", h.opened)
	}
	first := h.opened[0]
	if filepath.Base(first) != "referral-sheet.pdf" || filepath.Dir(filepath.Dir(first)) != h.bar.printRoot {
		t.Errorf("the print file is %s", first)
	}
	if fi, err := os.Stat(first); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the print file: %v, mode %v", err, fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(first)); fi.Mode().Perm() != 0o700 {
		t.Errorf("the print folder's mode is %v, want 0700", fi.Mode().Perm())
	}
	if len(h.log.logged) != 1 || h.logHook != 1 || !strings.Contains(h.said(), "Added to the referral log.") {
		t.Errorf("after Print: %d logged, hook %d, window says %q", len(h.log.logged), h.logHook, h.said())
	}

}

// printFolders lists the print folders left under the harness's root.
func (h *sheetHarness) printFolders() []string {
	dirs, _ := filepath.Glob(filepath.Join(h.bar.printRoot, printDirPattern))
	return dirs
}

func gone(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

// An opener that hands the file over and ends (gio open, kde-open): the
// viewer starts and reads it within seconds, so the file goes a minute on.
func TestPrintFileGoesOnceTheViewerHasIt(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	h.timers.fire() // the match's debounce, so only Print's timer is left
	test.Tap(h.bar.print)
	path := h.opened[0]
	if gone(path) {
		t.Fatal("the print file went before the viewer could read it")
	}
	if got := h.timers.waitingBesidesWatch(); !slices.Equal(got, []time.Duration{printGrace}) || printGrace > printKeep {
		t.Errorf("timers %v after Print, want the file removed after %v", got, printGrace)
	}
	h.timers.fire()
	if !gone(path) || len(h.printFolders()) != 0 {
		t.Errorf("after the timer the print file is still there (%v)", h.printFolders())
	}
}

// An opener that is the viewer itself (xdg-open running evince in the
// foreground): the file goes when it closes, or after ten minutes.
func TestPrintFileOfAViewerLeftOpenGoesAfterTenMinutes(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	h.timers.fire()
	h.bar.viewerStart = 10 * time.Millisecond
	h.bar.openViewer = func(path string) (<-chan error, error) {
		h.opened = append(h.opened, path)
		return make(chan error), nil // never closed
	}
	test.Tap(h.bar.print)
	if len(h.log.logged) != 1 || !strings.Contains(h.said(), "open in your PDF viewer") {
		t.Fatalf("a viewer still open: %d logged, the window says %q", len(h.log.logged), h.said())
	}
	if got := h.timers.waitingBesidesWatch(); !slices.Equal(got, []time.Duration{10 * time.Minute}) {
		t.Errorf("timers %v after Print, want the file removed after ten minutes at most", got)
	}
	if gone(h.opened[0]) {
		t.Fatal("the file went while the viewer may still read it")
	}
	h.timers.fire()
	if !gone(h.opened[0]) {
		t.Error("the print file outlived its ten minutes")
	}
}

func TestPrintFileGoesWhenTheViewerCloses(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	h.bar.viewerStart = 10 * time.Millisecond
	closed := make(chan error)
	h.bar.openViewer = func(path string) (<-chan error, error) {
		h.opened = append(h.opened, path)
		return closed, nil
	}
	test.Tap(h.bar.print)
	path := h.opened[0]
	if gone(path) {
		t.Fatal("the file went while the viewer is open")
	}
	closed <- nil // the counselor closes the viewer
	for deadline := time.Now().Add(5 * time.Second); !gone(path); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the print file stays after the viewer closed")
		}
	}
}

func TestPrintFileGoesWhenTheWindowCloses(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Tap(h.bar.print)
	test.Tap(h.bar.print)
	if len(h.opened) != 2 || len(h.printFolders()) != 2 {
		t.Fatalf("two prints opened %v and left %v", h.opened, h.printFolders())
	}
	h.win.Close()
	if len(h.printFolders()) != 0 {
		t.Errorf("after the window closed, print folders %v are left", h.printFolders())
	}
}

func TestSheetPrintWithoutViewer(t *testing.T) {
	for _, c := range []struct {
		name   string
		opener func(string) (<-chan error, error)
	}{
		{"no opener", func(string) (<-chan error, error) {
			return nil, errors.New(`exec: "xdg-open": executable file not found in $PATH`)
		}},
		{"no viewer for PDF", func(string) (<-chan error, error) { return ended(errors.New("exit status 3")), nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newSheetHarness(t, directoryGroups())
			h.bar.openViewer = c.opener
			test.Tap(h.bar.print)
			said := h.said()
			if !strings.Contains(said, "Could not open a PDF viewer") || !strings.Contains(said, "Use Save PDF…") ||
				strings.Contains(said, "xdg-open") || strings.Contains(said, "exit status") {
				t.Errorf("without a viewer the window says %q", said)
			}
			if len(h.log.logged) != 0 {
				t.Error("a sheet no viewer opened was logged")
			}
			if len(h.printFolders()) != 0 {
				t.Errorf("with no viewer to read it, the print file stays: %v", h.printFolders())
			}
			if !h.buttonsEnabled() {
				t.Error("Print stays off after the failure")
			}
		})
	}
}

// The real opener, with a stand-in for xdg-open on the PATH that finds no
// viewer, as xdg-open does on a machine without one.
func TestOpenInViewerRunsTheSystemOpener(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the stand-in is a shell script named xdg-open")
	}
	bin := t.TempDir()
	got := filepath.Join(bin, "asked")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + got + "\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	exited, err := openInViewer("/tmp/referraldesk-print-1/referral-sheet.pdf")
	if err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := <-exited; !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Errorf("the opener ended with %v, want its exit status 3", err)
	}
	if b, _ := os.ReadFile(got); string(b) != "/tmp/referraldesk-print-1/referral-sheet.pdf" {
		t.Errorf("xdg-open was asked to open %q", b)
	}

	t.Setenv("PATH", t.TempDir()) // no xdg-open at all
	if _, err := openInViewer("/tmp/x.pdf"); err == nil {
		t.Error("with no opener on the PATH, starting it succeeded")
	}
}

// A run that crashed leaves its print folders; the next start removes them,
// but not the young ones another running window may still be printing from.
func TestStalePrintFilesGoAtStart(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	old, young := filepath.Join(root, "referraldesk-print-old"), filepath.Join(root, "referraldesk-print-young")
	other := filepath.Join(root, "someone-elses")
	for _, d := range []string{old, young, other} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, printFileName), []byte("%PDF"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{old, other} {
		if err := os.Chtimes(d, now.Add(-printKeep-time.Minute), now.Add(-printKeep-time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	removeStalePrintFiles(root, now)
	if !gone(old) || gone(young) || gone(other) {
		t.Errorf("after the start's clean-up: old gone %v, young gone %v, another program's gone %v", gone(old), gone(young), gone(other))
	}
}

func TestSheetValidatesFirst(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Type(h.bar.firstName, strings.Repeat("x", 41))
	test.Tap(h.bar.save)
	if said := h.said(); !strings.Contains(said, "first name is too long") {
		t.Errorf("a long first name: the window says %q", said)
	}
	if len(h.sheets.rendered) != 0 {
		t.Error("an invalid sheet was drawn")
	}
}

func TestSheetLabelTooLong(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	test.Type(h.bar.label, strings.Repeat("y", referral.MaxClientLabel+1))
	if h.buttonsEnabled() || !strings.Contains(h.bar.hint.Text, "at most 40 letters") {
		t.Errorf("a 41-letter label: hint %q", h.bar.hint.Text)
	}
}

func TestSheetLogFailureStillSaved(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	h.log.err = referral.Errorf(referral.EINVALID, "The label is too long.")
	path := filepath.Join(t.TempDir(), "referral.pdf")
	job, _ := h.bar.job()
	h.bar.saveTo(path, job)
	if _, err := os.Stat(path); err != nil {
		t.Fatal("the sheet should be saved even when the log refuses it")
	}
	if said := h.said(); !strings.Contains(said, "Saved.") || !strings.Contains(said, "could not be added to the referral log") {
		t.Errorf("the window says %q", said)
	}
	if h.logHook != 0 {
		t.Error("the History hook ran for a referral not logged")
	}
}

func TestSheetSettingsApplied(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	st := referral.DefaultSettings()
	st.SheetLang, st.SheetPaper, st.DefaultMiles = referral.Spanish, referral.A4, 25
	st.Counselor, st.Clinic.Name = "Dana Ruiz", "Eastside Clinic"
	h.main.onSettingsChanged(st)
	if h.bar.lang.Selected != "Español" || h.bar.paper.Selected != "A4" {
		t.Errorf("with sheet.lang=es, sheet.paper=a4 the bar shows %q, %q", h.bar.lang.Selected, h.bar.paper.Selected)
	}
	if h.f.miles.Text != "25" {
		t.Errorf("an untouched distance should follow the settings; it shows %q", h.f.miles.Text)
	}
	job, err := h.bar.job()
	if err != nil {
		t.Fatal(err)
	}
	if job.sheet.Counselor != "Dana Ruiz" || job.sheet.Clinic.Name != "Eastside Clinic" || job.sheet.Lang != referral.Spanish {
		t.Errorf("the sheet is headed %+v", job.sheet)
	}

	h.f.miles.SetText("5") // the counselor's own choices for this client
	h.bar.paper.SetSelected("Letter")
	st.DefaultMiles, st.SheetLang = 15, referral.English
	h.main.onSettingsChanged(st)
	if h.f.miles.Text != "5" || h.bar.paper.Selected != "Letter" {
		t.Errorf("choices the counselor made were replaced: %q miles, %q", h.f.miles.Text, h.bar.paper.Selected)
	}
	if h.bar.lang.Selected != "English" {
		t.Errorf("the language nobody chose should follow the settings; it shows %q", h.bar.lang.Selected)
	}
}

func TestWriteSheetFile(t *testing.T) {
	write := func(w io.Writer) error { _, err := io.WriteString(w, "%PDF-1.4 whole"); return err }

	t.Run("writes 0600", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a.pdf")
		if err := writeSheetFile(path, write); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != int64(len("%PDF-1.4 whole")) {
			t.Fatalf("stat: %v %v", fi, err)
		}
	})
	t.Run("failure keeps the old file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a.pdf")
		os.WriteFile(path, []byte("old sheet"), 0o600)
		err := writeSheetFile(path, func(w io.Writer) error {
			io.WriteString(w, "%PDF-1.4 half")
			return errors.New("boom")
		})
		if err == nil {
			t.Fatal("no error")
		}
		if got, _ := os.ReadFile(path); string(got) != "old sheet" {
			t.Errorf("the old file holds %q", got)
		}
		if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
			t.Errorf("%d files left, want the old one only", len(entries))
		}
	})
	t.Run("full disk", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "a.pdf")
		os.WriteFile(path, nil, 0o600) // as the save dialog leaves it
		err := writeSheetFile(path, func(w io.Writer) error {
			return fmt.Errorf("pdf: output: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC})
		})
		if got, want := referral.ErrorMessage(err), "Could not save the sheet to "+dir+": the disk is full. Choose another folder."; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%d files left behind", len(entries))
		}
	})
	t.Run("full disk the renderer does not wrap", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "a.pdf")
		err := writeSheetFile(path, func(w io.Writer) error {
			if f, ok := w.(*writeRecorder); ok {
				f.w = &failingWriter{err: &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}}
			}
			w.Write([]byte("%PDF"))
			return errors.New("gofpdf: output failed") // not wrapped
		})
		if got, want := referral.ErrorMessage(err), "Could not save the sheet to "+dir+": the disk is full. Choose another folder."; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%d files left behind", len(entries))
		}
	})
}

type failingWriter struct{ err error }

func (f *failingWriter) Write([]byte) (int, error) { return 0, f.err }

// fixedSettings is a referral.SettingsService whose saved settings never
// change.
type fixedSettings referral.Settings

func (f fixedSettings) Settings(context.Context) (referral.Settings, error) {
	return referral.Settings(f), nil
}

func (f fixedSettings) SaveSettings(context.Context, referral.Settings) error { return nil }

func TestSheetDefaultsFromSavedSettings(t *testing.T) {
	st := referral.DefaultSettings()
	st.SheetLang, st.SheetPaper, st.DefaultMiles = referral.Spanish, referral.A4, 3
	bg := background{run: func(f func()) { f() }, after: (&timers{}).after}
	dirs := newFakeDirectory(newFakeGroups())
	s := Services{Groups: newFakeGroups(), Directory: dirs, Subscriptions: newFakeSubscriptions(dirs), Settings: fixedSettings(st),
		Locate: &fakeLocator{}, Places: fakePlaces{}, Zones: noZones(t), MachineZone: "America/New_York"}
	m := newMainWindow(startedBefore(t), complete(t, s), bg)
	t.Cleanup(m.win.Close)
	bar := m.referral.sheet
	if bar.lang.Selected != "Español" || bar.paper.Selected != "A4" || m.referral.form.miles.Text != "3" {
		t.Errorf("saved es, a4, 3 miles: the screen shows %q, %q, %q miles",
			bar.lang.Selected, bar.paper.Selected, m.referral.form.miles.Text)
	}
}

func TestSheetSaveButtonOpensTheFileDialog(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	if !h.buttonsEnabled() {
		t.Fatal("with the top groups ticked, Save PDF… should be on")
	}
	test.Tap(h.bar.save) // a file dialog sized before it is shown panics in Fyne 2.8
	if h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Save PDF… should open a file dialog")
	}
}

// TestSheetSavedWhileAnotherProgramWrites: while another program holds the
// database for writing (an import on the command line), a saved sheet is
// not held up by it: the window says it is in the referral log and that
// History shows it once the import is done, and it is listed then.
func TestSheetSavedWhileAnotherProgramWrites(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	history := sqlite.NewHistoryService(db)
	h.bar.history = history

	holder, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	job, err := h.bar.job()
	if err != nil {
		t.Fatal(err)
	}
	w, err := storage.Writer(storage.NewFileURI(filepath.Join(t.TempDir(), "sheet.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	h.bar.onFileChosen(w, job)
	if said := h.said(); !strings.Contains(said, "Saved. Added to the referral log; History shows it once the import under way has finished.") {
		t.Errorf("with another program writing, the window says %q", said)
	}
	if h.logHook != 1 {
		t.Errorf("the window heard of %d logged referrals, want 1", h.logHook)
	}

	tx.Rollback()
	deadline := time.Now().Add(20 * time.Second)
	for {
		list, _, err := history.FindReferrals(context.Background(), referral.ReferralFilter{})
		if err == nil && len(list) == 1 && list[0].Needs.ZIP == "19107" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("20 s after the other program was done, History lists %d entries (%v); want the sheet", len(list), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
