package app

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// cups is a stand-in for CUPS's lpstat and lp: shell scripts on a PATH of
// their own. lpstat prints what the test gives it; lp records its
// arguments and the bytes of the file it was given, then says and exits
// as told.
type cups struct {
	t   *testing.T
	dir string
}

// lpstatListing is lpstat -p -d in the C locale on a computer with three
// queues, one of them stopped, and a default.
const lpstatListing = `printer Basement disabled since Tue 02 Jun 2026 09:12:00 AM EDT -
	Paused
printer Front_Desk is idle.  enabled since Mon 01 Jun 2026 08:00:00 AM EDT
printer Office now printing Office-41.  enabled since Mon 01 Jun 2026 08:00:00 AM EDT
system default destination: Front_Desk
`

func newCUPS(t *testing.T) *cups {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-ins are shell scripts")
	}
	c := &cups{t: t, dir: t.TempDir()}
	t.Setenv("PATH", c.dir)
	return c
}

// newPrintHarness is the Sheet bar of a computer whose CUPS lists
// lpstatListing and whose lp takes every job; a test changes either by
// installing it again.
func newPrintHarness(t *testing.T) (*sheetHarness, *cups) {
	c := newCUPS(t)
	c.lpstat(lpstatListing, "", 0)
	c.lp("", 0)
	h := newSheetHarness(t, directoryGroups())
	h.bar.runPrint = runCommand // the stand-ins on PATH, not the harness's "no CUPS"
	return h, c
}

// lpstat installs an lpstat that prints out and errOut and exits with code.
func (c *cups) lpstat(out, errOut string, code int) {
	c.write("lpstat.out", out)
	c.write("lpstat.err", errOut)
	c.script("lpstat", "/bin/cat "+c.path("lpstat.out")+"\n/bin/cat "+c.path("lpstat.err")+" >&2\n", code)
}

// lp installs an lp that keeps its arguments, one a line, and a copy of
// its last argument, the file; then writes errOut and exits with code.
func (c *cups) lp(errOut string, code int) {
	c.write("lp.err", errOut)
	c.script("lp", `for a in "$@"; do printf '%s\n' "$a"; done > `+c.path("lp.args")+`
eval "last=\${$#}"
/bin/cp "$last" `+c.path("lp.pdf")+`
/bin/cat `+c.path("lp.err")+` >&2
`, code)
}

func (c *cups) script(name, body string, code int) {
	c.t.Helper()
	text := "#!/bin/sh\n" + body + "exit " + string(rune('0'+code)) + "\n"
	if err := os.WriteFile(c.path(name), []byte(text), 0o700); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cups) write(name, text string) {
	c.t.Helper()
	if err := os.WriteFile(c.path(name), []byte(text), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cups) path(name string) string { return filepath.Join(c.dir, name) }

// lpArgs is what lp was run with, or nil when it was not run.
func (c *cups) lpArgs() []string {
	b, err := os.ReadFile(c.path("lp.args"))
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// lpFile is the file lp was given, as it was when lp ran.
func (c *cups) lpFile() string {
	b, _ := os.ReadFile(c.path("lp.pdf"))
	return string(b)
}

// wantLp checks lp printed a complete PDF on printer, copies times, under
// a title that names no client, and that the file is gone.
func (h *sheetHarness) wantLp(c *cups, printer, copies string) {
	h.t.Helper()
	args := c.lpArgs()
	if len(args) != 7 {
		h.t.Fatalf("lp ran with %q", args)
	}
	want := []string{"-d", printer, "-n", copies, "-t", "Referral sheet"}
	if !slices.Equal(args[:6], want) {
		h.t.Errorf("lp ran with %q, want %q then the file", args, want)
	}
	if f := c.lpFile(); !strings.HasPrefix(f, "%PDF-") || !strings.HasSuffix(f, "%EOF\n") {
		h.t.Errorf("lp was given %q, not a whole PDF", f)
	}
	if !gone(args[6]) || len(h.printFolders()) != 0 {
		h.t.Errorf("the print file is still there after lp returned: %v", h.printFolders())
	}
}

func TestPrintOffersThePrintersWithTheDefaultChosen(t *testing.T) {
	h, c := newPrintHarness(t)
	test.Tap(h.bar.print)
	d := h.bar.printing
	if d == nil {
		t.Fatalf("Print shows no printer choice; the window says %q", h.said())
	}
	if !slices.Equal(d.printer.Options, []string{"Basement", "Front_Desk", "Office"}) || d.printer.Selected != "Front_Desk" {
		t.Errorf("printers %q with %q chosen, want the three with Front_Desk", d.printer.Options, d.printer.Selected)
	}
	if d.copies.Text != "1" {
		t.Errorf("copies %q, want 1", d.copies.Text)
	}
	if c.lpArgs() != nil || len(h.log.logged) != 0 {
		t.Error("something was printed or logged before the counselor chose")
	}

	d.printer.SetSelected("Office")
	d.copies.SetText("2")
	test.Tap(d.print)
	h.wantLp(c, "Office", "2")
	if said := h.said(); !strings.Contains(said, "Sent to Office.") || len(h.log.logged) != 1 {
		t.Errorf("after printing: %d logged, the window says %q", len(h.log.logged), said)
	}
	if len(h.opened) != 0 {
		t.Errorf("the PDF viewer was opened too: %v", h.opened)
	}
	if !h.buttonsEnabled() {
		t.Error("Print stays off after printing")
	}
}

// Enter in the dialog prints one copy on the default printer: the cursor
// starts in Copies.
func TestPrintEnterPrintsOneCopyOnTheDefault(t *testing.T) {
	h, c := newPrintHarness(t)
	test.Tap(h.bar.print)
	focused := h.win.Canvas().Focused()
	if h.bar.printing == nil || focused != h.bar.printing.copies {
		t.Fatalf("the print dialog shows %v, with %T focused", h.bar.printing != nil, focused)
	}
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.wantLp(c, "Front_Desk", "1")
	if !strings.Contains(h.said(), "Sent to Front_Desk.") {
		t.Errorf("the window says %q", h.said())
	}
}

func TestPrintCopiesMustBeANumber(t *testing.T) {
	h, c := newPrintHarness(t)
	test.Tap(h.bar.print)
	d := h.bar.printing
	for _, bad := range []string{"0", "two", "", "100", "-1"} {
		d.copies.SetText(bad)
		if !d.print.Disabled() {
			t.Errorf("with copies %q Print is on", bad)
		}
		d.copies.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	if c.lpArgs() != nil {
		t.Fatalf("lp ran with copies it should refuse: %q", c.lpArgs())
	}
	if said := strings.Join(canvasTexts(h.win.Canvas().Overlays().Top()), " "); !strings.Contains(said, "Type a number of copies from 1 to 99") {
		t.Errorf("the dialog says %q about bad copies", said)
	}
	d.copies.SetText(" 3 ")
	if d.print.Disabled() {
		t.Fatal("with 3 copies Print is off")
	}
	test.Tap(d.print)
	h.wantLp(c, "Front_Desk", "3")
}

func TestPrintCancelPrintsAndLogsNothing(t *testing.T) {
	h, c := newPrintHarness(t)
	test.Tap(h.bar.print)
	test.Tap(h.bar.printing.cancel)
	if c.lpArgs() != nil || len(h.log.logged) != 0 || len(h.printFolders()) != 0 {
		t.Errorf("after Cancel: lp ran with %q, %d logged, files %v", c.lpArgs(), len(h.log.logged), h.printFolders())
	}
	if h.bar.printing != nil || !h.buttonsEnabled() {
		t.Error("after Cancel the sheet bar is still busy")
	}
}

func TestPrintWhenLpFails(t *testing.T) {
	h, c := newPrintHarness(t)
	c.lp("lp: The printer or class does not exist.\n", 1)
	test.Tap(h.bar.print)
	test.Tap(h.bar.printing.print)
	said := h.said()
	if !strings.Contains(said, "Front_Desk did not take the sheet: The printer or class does not exist.") ||
		!strings.Contains(said, "Save PDF…") || strings.Contains(said, "exit status") {
		t.Errorf("when lp fails the window says %q", said)
	}
	if len(h.log.logged) != 0 {
		t.Error("a sheet the printer refused was logged")
	}
	if args := c.lpArgs(); len(args) != 7 || !gone(args[6]) || len(h.printFolders()) != 0 {
		t.Errorf("after lp failed the print file stays: %v", h.printFolders())
	}
	if !h.buttonsEnabled() {
		t.Error("Print stays off after the failure")
	}
}

// CUPS with no queues (lpstat exits 1 saying so) leaves the PDF viewer.
func TestPrintWithNoPrinterOpensTheViewer(t *testing.T) {
	h, c := newPrintHarness(t)
	c.lpstat("no system default destination\n", "lpstat: No destinations added.\n", 1)
	test.Tap(h.bar.print)
	if h.bar.printing != nil || len(h.opened) != 1 || c.lpArgs() != nil {
		t.Fatalf("with no printer: dialog %v, viewer got %v, lp ran with %q", h.bar.printing != nil, h.opened, c.lpArgs())
	}
	if !strings.Contains(h.said(), "open in your PDF viewer") {
		t.Errorf("the window says %q", h.said())
	}

	h.bar.openViewer = func(string) (<-chan error, error) { return ended(errNoViewer), nil }
	test.Tap(h.bar.print)
	if said := h.said(); !strings.Contains(said, "No printer is set up on this computer.") || !strings.Contains(said, "Use Save PDF…") {
		t.Errorf("with neither printer nor viewer the window says %q", said)
	}
}

func TestPrintWithoutPrinterSystemOpensTheViewer(t *testing.T) {
	newCUPS(t) // a PATH with neither lp nor lpstat
	h := newSheetHarness(t, directoryGroups())
	h.bar.runPrint = runCommand
	test.Tap(h.bar.print)
	if h.bar.printing != nil || len(h.opened) != 1 {
		t.Fatalf("without CUPS: dialog %v, viewer got %v", h.bar.printing != nil, h.opened)
	}
	h.timers.fire() // the viewer has had the file long enough

	h.bar.openViewer = func(string) (<-chan error, error) { return ended(errNoViewer), nil }
	test.Tap(h.bar.print)
	said := h.said()
	if !strings.Contains(said, "This computer has no printer system (the CUPS commands lp and lpstat).") ||
		!strings.Contains(said, "Use Save PDF…") {
		t.Errorf("with neither CUPS nor viewer the window says %q", said)
	}
	if len(h.printFolders()) != 0 {
		t.Errorf("print files stay: %v", h.printFolders())
	}
}

// errNoViewer is xdg-open finding no PDF viewer.
var errNoViewer = errors.New("exit status 3")

func TestParseLpstat(t *testing.T) {
	for _, c := range []struct {
		name, out string
		names     []string
		def       string
	}{
		{"three queues", lpstatListing, []string{"Basement", "Front_Desk", "Office"}, "Front_Desk"},
		{"no default", "printer A is idle.  enabled since x\nno system default destination\n", []string{"A"}, ""},
		{"default instance", "printer A is idle.  enabled since x\nsystem default destination: A/duplex\n",
			[]string{"A", "A/duplex"}, "A/duplex"},
		{"default not listed", "printer A is idle.  enabled since x\nsystem default destination: Gone\n", []string{"A"}, ""},
		{"nothing", "", nil, ""},
		{"a reason that starts like a queue", "printer A disabled since x -\n\tprinter jammed\n", []string{"A"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := parseLpstat([]byte(c.out))
			if !slices.Equal(p.names, c.names) || p.def != c.def {
				t.Errorf("got %q default %q, want %q default %q", p.names, p.def, c.names, c.def)
			}
		})
	}
}

// Whatever lpstat prints, Print offers names lp -d can take and a default
// among them.
func FuzzParseLpstat(f *testing.F) {
	f.Add([]byte(lpstatListing))
	f.Add([]byte("system default destination: A/b\nprinter A is idle.\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		p := parseLpstat(out)
		for _, n := range p.names {
			if n == "" || strings.ContainsAny(n, " \t\r\n") {
				t.Errorf("printer name %q", n)
			}
		}
		if p.def != "" && !slices.Contains(p.names, p.def) {
			t.Errorf("default %q is not among %q", p.def, p.names)
		}
	})
}
