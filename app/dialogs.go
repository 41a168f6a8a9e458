package app

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// progressEvery spaces progress updates ("Read N listings…") so fast work
// does not flood the UI goroutine.
const progressEvery = 100 * time.Millisecond

// showFailure tells the counselor what went wrong in words they can act on,
// and what to do next; an internal error's detail goes to the log under what.
// A damaged database also raises the window's banner (see noticeDamage).
func showFailure(win fyne.Window, what string, err error, hint string) {
	if referral.ErrorCode(err) == referral.EINTERNAL {
		fyne.LogError(what, err)
	}
	noticeDamage(win, err)
	msg := referral.ErrorMessage(err)
	if hint != "" {
		msg += "\n\n" + hint
	}
	dialog.ShowError(errors.New(msg), win)
}

// askDestructive asks before something that cannot be undone; the confirm
// button names the act and is marked as dangerous.
func askDestructive(win fyne.Window, title, msg, act string, onConfirm func()) {
	d := dialog.NewConfirm(title, msg, func(ok bool) {
		if ok {
			onConfirm()
		}
	}, win)
	d.SetConfirmText(act)
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// askChoice asks a question only its two buttons answer: there is no
// Cancel, as leaving it open-ended would leave the work half done. first
// and second label the buttons left to right; the second is the main one.
func askChoice(win fyne.Window, title string, body fyne.CanvasObject, first, second string, onFirst, onSecond func()) {
	var d *dialog.CustomDialog
	a := widget.NewButton(first, func() { d.Hide(); onFirst() })
	b := widget.NewButton(second, func() { d.Hide(); onSecond() })
	b.Importance = widget.HighImportance // Enter taps it (see confirmTopDialog)
	d = dialog.NewCustomWithoutButtons(title, body, win)
	d.SetButtons([]fyne.CanvasObject{a, b})
	d.Resize(fyne.NewSize(max(480, d.MinSize().Width), d.MinSize().Height))
	d.Show()
}

// progressDialog shows long work, with a Cancel button when the work can
// be stopped. Its status is updated from the working goroutine, at most
// every progressEvery.
type progressDialog struct {
	status    *widget.Label
	bar       *widget.ProgressBarInfinite // work of unknown length; nil with meter
	meter     *widget.ProgressBar         // work that can say how far it got; nil with bar
	cancel    *widget.Button
	dialog    *dialog.CustomDialog
	stop      context.CancelFunc
	cancelled bool // touched on the UI goroutine only

	mu   sync.Mutex
	last time.Time
}

// newProgressDialog is a progress dialog for work of unknown length; with
// stop nil it has no Cancel button, for work that must not stop half way.
func newProgressDialog(win fyne.Window, title, status string, stop context.CancelFunc) *progressDialog {
	p := &progressDialog{bar: widget.NewProgressBarInfinite()}
	p.build(win, title, status, stop, p.bar)
	return p
}

// newMeterDialog is a progress dialog whose bar fills as setMeter says.
func newMeterDialog(win fyne.Window, title, status string, stop context.CancelFunc) *progressDialog {
	p := &progressDialog{meter: widget.NewProgressBar()}
	p.build(win, title, status, stop, p.meter)
	return p
}

func (p *progressDialog) build(win fyne.Window, title, status string, stop context.CancelFunc, bar fyne.CanvasObject) {
	p.stop, p.status = stop, widget.NewLabel(status)
	p.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), p.onCancel)
	content := container.NewVBox(bar, p.status)
	p.dialog = dialog.NewCustomWithoutButtons(title, content, win)
	if stop != nil {
		p.dialog.SetButtons([]fyne.CanvasObject{p.cancel})
	}
	p.dialog.Resize(fyne.NewSize(420, p.dialog.MinSize().Height))
}

func (p *progressDialog) show() { p.dialog.Show() }

func (p *progressDialog) hide() {
	if p.bar != nil {
		p.bar.Stop()
	}
	p.dialog.Hide()
}

// reporter returns a progress callback that shows text(n) now and then.
func (p *progressDialog) reporter(text func(n int) string) func(int) {
	return func(n int) {
		p.now(func() { p.status.SetText(text(n)) })
	}
}

// now runs show on the UI goroutine unless it ran less than progressEvery
// ago or the work was cancelled; it may be called from any goroutine.
func (p *progressDialog) now(show func()) {
	p.mu.Lock()
	t := time.Now()
	due := t.Sub(p.last) >= progressEvery
	if due {
		p.last = t
	}
	p.mu.Unlock()
	if due {
		fyne.Do(func() {
			if !p.cancelled {
				show()
			}
		})
	}
}

func (p *progressDialog) onCancel() {
	p.cancelled = true
	p.cancel.Disable()
	p.status.SetText(lang.L("Cancelling…"))
	// Last: once the import sees the cancel it finishes on its own goroutine,
	// and nothing here may touch the dialog after that.
	p.stop()
}

// confirmTopDialog answers the dialog on top when Enter is pressed with
// nothing in it focused. A dialog shows with nothing focused, and a
// focused Fyne button answers Space only, so the window answers Enter
// (see mainWindow.onTypedKey) for every dialog, Fyne's own included: it taps the dialog's main (high-importance) button or, when it
// has only one, that one. A choice between a dangerous act and Cancel has
// neither, so Enter never confirms what cannot be undone. It reports
// whether a button was tapped.
func confirmTopDialog(c fyne.Canvas) bool {
	if c.Overlays().Top() == nil || c.Focused() != nil {
		return false
	}
	buttons := dialogButtons(c)
	for _, b := range buttons {
		if b.Importance == widget.HighImportance {
			b.OnTapped()
			return true
		}
	}
	if len(buttons) == 1 {
		buttons[0].OnTapped()
		return true
	}
	return false
}

// dismissTopDialog closes the dialog on top when Escape is pressed with
// nothing in it focused, by tapping its Close or Cancel button. A dialog
// without one (a question only its answers may close) stays. It reports
// whether a button was tapped.
func dismissTopDialog(c fyne.Canvas) bool {
	if c.Overlays().Top() == nil || c.Focused() != nil {
		return false
	}
	ways := []string{lang.L("Close"), lang.L("Cancel")}
	for _, b := range dialogButtons(c) {
		if slices.Contains(ways, b.Text) {
			b.OnTapped()
			return true
		}
	}
	return false
}

// dialogButtons are the buttons of the dialog on top that can be pressed.
// Fyne offers no public walk of a dialog's widgets; moving the focus
// through it visits every button it has.
func dialogButtons(c fyne.Canvas) []*widget.Button {
	var buttons []*widget.Button
	var first fyne.Focusable
	for range maxDialogStops {
		c.FocusNext()
		f := c.Focused()
		if f == nil || f == first {
			break
		}
		if first == nil {
			first = f
		}
		if b, ok := f.(*widget.Button); ok && !b.Disabled() {
			buttons = append(buttons, b)
		}
	}
	c.Unfocus()
	return buttons
}

// maxDialogStops bounds the walk through a dialog's Tab stops.
const maxDialogStops = 200

// askSaveFile asks where to save a new file, proposing name and showing
// only the files ending in ext. chosen gets the file the dialog created,
// or nil when it was cancelled or could not be created (the failure, named
// what in the log, is already shown then).
func askSaveFile(win fyne.Window, what, name, ext string, chosen func(file fyne.URIWriteCloser)) {
	d := dialog.NewFileSave(func(file fyne.URIWriteCloser, err error) {
		if err != nil {
			showFailure(win, what+": create file", err, "")
			file = nil
		}
		chosen(file)
	}, win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	// Only once shown: a file dialog has no window to size before, and
	// FileDialog.Resize panics then. The whole window leaves room for long
	// folder names.
	d.Show()
	d.Resize(win.Canvas().Size())
}
