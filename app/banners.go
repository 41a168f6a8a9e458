package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// The window's two lines about the database itself rather than any
// screen: a red banner while the database is damaged, and a quiet line
// while a write waits for another program's import.

// deskWindow is the main window as its screens see it: a fyne.Window that
// also raises the damaged-database banner. Screens report failures through
// showFailure with the window they were given, so a damaged database seen
// by any of them raises the one banner without each screen being wired to
// it.
type deskWindow struct {
	fyne.Window
	damaged func(err error) // on the UI goroutine
}

// noticeDamage raises win's banner when err says the database is damaged;
// it reports whether it did. A window that is not the main window (a
// screen built alone in a test) has no banner.
func noticeDamage(win fyne.Window, err error) bool {
	if referral.ErrorCode(err) != referral.EDAMAGED {
		return false
	}
	if d, ok := win.(*deskWindow); ok && d.damaged != nil {
		d.damaged(err)
	}
	return true
}

// damageBanner is the red band across the top of the window while the
// database is damaged: the store's message and the way on, its backups.
type damageBanner struct {
	message *widget.RichText
	backups *widget.Button
	content fyne.CanvasObject
}

func newDamageBanner(onBackups func()) *damageBanner {
	b := &damageBanner{message: widget.NewRichText()}
	b.message.Wrapping = fyne.TextWrapWord
	b.backups = widget.NewButtonWithIcon(lang.L("Backups…"), theme.HistoryIcon(), onBackups)
	icon := widget.NewIcon(theme.NewColoredResource(theme.ErrorIcon(), theme.ColorNameForegroundOnError))
	band := canvas.NewRectangle(theme.Color(theme.ColorNameError))
	b.content = container.NewStack(band, container.NewPadded(
		container.NewBorder(nil, nil, icon, container.NewCenter(b.backups), b.message)))
	b.content.Hide()
	return b
}

// show puts the message of err on the banner and shows it.
func (b *damageBanner) show(err error) {
	b.message.Segments = []widget.RichTextSegment{&widget.TextSegment{
		Text:  referral.ErrorMessage(err),
		Style: widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnError},
	}}
	b.message.Refresh()
	b.content.Show()
}

func (b *damageBanner) hide() { b.content.Hide() }

// text is what the banner says, "" while it is hidden.
func (b *damageBanner) text() string {
	if !b.content.Visible() {
		return ""
	}
	return b.message.String()
}

// waitingLine is the line along the bottom of the window while a write of
// this window waits for another program's write (an import on the command
// line or in a second window) to finish. It is not a dialog: the
// counselor may read and type meanwhile; the buttons of the writes that
// wait stay off until their write is done.
type waitingLine struct {
	bar     *widget.ProgressBarInfinite
	label   *widget.Label
	content fyne.CanvasObject
	waiting int // writes waiting now: several may wait at once
}

func newWaitingLine() *waitingLine {
	l := &waitingLine{bar: widget.NewProgressBarInfinite()}
	l.label = widget.NewLabel(lang.L("Waiting for the import to finish… Another Referral Desk (a window or the command line) is changing the database; what you asked for is done as soon as it has finished."))
	l.label.Wrapping = fyne.TextWrapWord
	l.bar.Stop()
	shade := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	bar := container.NewGridWrap(fyne.NewSize(160, l.bar.MinSize().Height), l.bar)
	l.content = container.NewStack(shade, container.NewBorder(widget.NewSeparator(), nil,
		container.NewPadded(container.NewCenter(bar)), nil, l.label))
	l.content.Hide()
	return l
}

// set counts one write starting or ending its wait, and shows the line
// while any waits.
func (l *waitingLine) set(waiting bool) {
	if waiting {
		l.waiting++
	} else {
		l.waiting = max(0, l.waiting-1)
	}
	if l.waiting > 0 && !l.content.Visible() {
		l.content.Show()
		l.bar.Start()
	} else if l.waiting == 0 && l.content.Visible() {
		l.bar.Stop()
		l.content.Hide()
	}
}
