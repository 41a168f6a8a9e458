package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

const (
	// lpstatWait and lpWait bound the CUPS commands: both only talk to the
	// local scheduler, which answers in well under a second, so a longer
	// wait means it is stuck, and Print must not stay busy for ever.
	lpstatWait = 10 * time.Second
	lpWait     = 30 * time.Second
	// maxCopies is far more copies of a referral sheet than anyone needs;
	// a number beyond it is a slip of the finger.
	maxCopies = 99
)

// runCommand runs a program and returns what it wrote to stdout; a program
// that fails returns an *exec.ExitError holding its stderr. It runs in the
// C.UTF-8 locale: lpstat's sentences are parsed, and only the untranslated
// ones are known, while UTF-8 keeps a translated job title intact. The
// window's $LANGUAGE (see UseLanguage) is left out, as gettext may follow
// it under C.UTF-8.
func runCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANGUAGE=")
	return cmd.Output()
}

// printers are the CUPS print queues this computer knows, and the one the
// system prints to by default ("" when none is set).
type printers struct {
	names []string
	def   string
}

// findPrinters asks CUPS for its printers with `lpstat -p -d`. The error,
// when there is no printer to offer, is a sentence saying why, for the
// message shown if the PDF viewer cannot be opened either.
func findPrinters(ctx context.Context, run func(context.Context, string, ...string) ([]byte, error)) (printers, error) {
	if _, err := exec.LookPath("lp"); err != nil {
		return printers{}, errNoPrintSystem()
	}
	ctx, cancel := context.WithTimeout(ctx, lpstatWait)
	defer cancel()
	out, err := run(ctx, "lpstat", "-p", "-d")
	if errors.Is(err, exec.ErrNotFound) {
		return printers{}, errNoPrintSystem()
	}
	// lpstat exits 1 when CUPS has no queues, and may fail over one broken
	// queue while listing the rest: what it listed counts either way.
	p := parseLpstat(out)
	if len(p.names) > 0 {
		return p, nil
	}
	if err != nil {
		fyne.LogError("sheet: lpstat", fmt.Errorf("%w: %s", err, toolSaid(err)))
	}
	return printers{}, referral.Errorf(referral.ENOTFOUND, "%s", lang.L("No printer is set up on this computer."))
}

// errNoPrintSystem is built when needed, so lang.L sees the translations.
func errNoPrintSystem() error {
	return referral.Errorf(referral.ENOTFOUND, "%s",
		lang.L("This computer has no printer system (the CUPS commands lp and lpstat)."))
}

// parseLpstat reads the printers and the default from lpstat -p -d in the
// C locale: each queue is a line "printer NAME is idle.  enabled since …"
// (or "now printing …", "disabled since …", a stopped queue's reason
// following on an indented line), and the default is "system default
// destination: NAME" or "…: NAME/INSTANCE", which lp -d takes as it is.
// A default that names no listed queue is ignored.
func parseLpstat(out []byte) printers {
	var p printers
	def := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "printer "); ok {
			if name := firstField(rest); name != "" && !slices.Contains(p.names, name) {
				p.names = append(p.names, name)
			}
		} else if rest, ok := strings.CutPrefix(line, "system default destination: "); ok {
			def = firstField(rest)
		}
	}
	queue, _, _ := strings.Cut(def, "/")
	if slices.Contains(p.names, queue) {
		if def != queue {
			p.names = append(p.names, def) // the instance is what the default prints with
		}
		p.def = def
	}
	return p
}

// firstField is s up to its first white space: CUPS names have none.
func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// sendToPrinter hands the PDF at path to CUPS with lp. lp returns once the
// scheduler has its own copy of the file, so path may go right after. The
// job title names no client, as every user of the computer can read it in
// the queue.
func sendToPrinter(ctx context.Context, run func(context.Context, string, ...string) ([]byte, error),
	printer string, copies int, path string) error {
	ctx, cancel := context.WithTimeout(ctx, lpWait)
	defer cancel()
	_, err := run(ctx, "lp", "-d", printer, "-n", strconv.Itoa(copies), "-t", lang.L("Referral sheet"), path)
	if err == nil {
		return nil
	}
	fyne.LogError("sheet: lp", err)
	why := toolSaid(err)
	if ctx.Err() != nil {
		why = lang.L("the printer system did not answer")
	} else if why == "" {
		why = err.Error()
	}
	return referral.Errorf(referral.EINVALID, "%s", lang.L(
		"{{.Printer}} did not take the sheet: {{.Why}}. Check the printer and try again, or use Save PDF… to keep the sheet.",
		map[string]any{"Printer": printer, "Why": why}))
}

// toolSaid is the first thing a failed command wrote to stderr, without
// its "lp: " prefix and final full stop, so it reads inside a sentence.
func toolSaid(err error) string {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(exit.Stderr)), "\n")
	if i := strings.Index(line, ": "); i > 0 && !strings.Contains(line[:i], " ") {
		line = line[i+2:] // "lp: …", "lpstat: …"
	}
	return strings.TrimSuffix(strings.TrimSpace(line), ".")
}

// printDialog asks which printer and how many copies. Print is the main
// button and Enter in Copies presses it.
type printDialog struct {
	printer *widget.Select
	copies  *widget.Entry
	print   *widget.Button
	cancel  *widget.Button
	dialog  *dialog.CustomDialog
}

// newPrintDialog offers ps with the default chosen and one copy; onPrint
// gets the choice, onCancel runs when the dialog closes without printing.
func newPrintDialog(win fyne.Window, ps printers, onPrint func(printer string, copies int), onCancel func()) *printDialog {
	d := &printDialog{printer: newSelect(ps.names, nil), copies: widget.NewEntry()}
	def := ps.def
	if def == "" {
		def = ps.names[0]
	}
	d.printer.SetSelected(def)
	d.copies.SetText("1")
	d.copies.Validator = validCopies
	// Fyne holds an error back while the entry has the cursor, and the
	// cursor starts here: without this a bad number would only show, and
	// turn Print off, once the counselor left the field.
	d.copies.AlwaysShowValidationError = true
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Printer"), d.printer),
		&widget.FormItem{Text: lang.L("Copies"), Widget: d.copies,
			HintText: lang.L("From 1 to {{.Max}}", map[string]any{"Max": maxCopies})},
	)
	printed := false
	submit := func() {
		n, err := parseCopies(d.copies.Text)
		if err != nil || d.printer.Selected == "" {
			return // the hint under Copies says what to fix
		}
		printed = true
		d.dialog.Hide()
		onPrint(d.printer.Selected, n)
	}
	d.print = widget.NewButton(lang.L("Print"), submit)
	d.print.Importance = widget.HighImportance
	d.cancel = widget.NewButton(lang.L("Cancel"), func() { d.dialog.Hide() })
	d.copies.OnSubmitted = func(string) { submit() }
	form.SetOnValidationChanged(func(err error) { enable(d.print, err == nil) })

	d.dialog = dialog.NewCustomWithoutButtons(lang.L("Print the sheet"), container.NewPadded(form), win)
	d.dialog.SetButtons([]fyne.CanvasObject{d.cancel, d.print})
	d.dialog.SetOnClosed(func() {
		if !printed {
			onCancel()
		}
	})
	d.dialog.Resize(fyne.NewSize(max(420, d.dialog.MinSize().Width), d.dialog.MinSize().Height))
	return d
}

// show opens the dialog with the cursor in Copies, so Enter prints.
func (d *printDialog) show(win fyne.Window) {
	d.dialog.Show()
	win.Canvas().Focus(d.copies)
}

// parseCopies reads a whole number of copies from 1 to maxCopies.
func parseCopies(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > maxCopies {
		return 0, errors.New(lang.L("Type a number of copies from 1 to {{.Max}}", map[string]any{"Max": maxCopies}))
	}
	return n, nil
}

func validCopies(s string) error {
	_, err := parseCopies(s)
	return err
}
