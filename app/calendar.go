package app

import (
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// The sheet bar's Calendar… button saves the ticked groups as a calendar
// file (.ics) the client adds to their phone: each meeting repeats weekly on
// the group's own clock (see referral.Calendar). It is saved like the PDF,
// through the same dialog and the same safe write, and names no client.
// Saving it logs nothing: the referral log records sheets handed out.

// newCalendarButton is the bar's Calendar… button.
func (b *sheetBar) newCalendarButton() *widget.Button {
	return widget.NewButtonWithIcon(lang.L("Calendar…"), theme.CalendarIcon(), b.onCalendar)
}

// onCalendar asks where to save the calendar of the ticked groups.
func (b *sheetBar) onCalendar() {
	job, err := b.job()
	if err != nil {
		showFailure(b.win, "calendar", err, "")
		return
	}
	askSaveFile(b.win, "calendar", calendarFileName(job.sheet.Date), ".ics", func(file fyne.URIWriteCloser) {
		if file != nil {
			b.onCalendarChosen(file, job)
		}
	})
}

// calendarFileName proposes a file name from the date alone, as
// sheetFileName does: the client's name stays off the disk.
func calendarFileName(date time.Time) string {
	return "support-groups-" + date.Format("2006-01-02") + ".ics"
}

// onCalendarChosen writes the calendar into the file the dialog created: a
// local file through a temporary one (see writeSheetFile), any other
// location in one write once the calendar is complete.
func (b *sheetBar) onCalendarChosen(file fyne.URIWriteCloser, job sheetJob) {
	write := func() error {
		if file.URI().Scheme() == "file" {
			file.Close()
			return writeSheetFile(file.URI().Path(), calendarOf(job))
		}
		return writeURI(file, calendarOf(job))
	}
	b.setBusy(true)
	b.bg.run(func() {
		err := write()
		fyne.Do(func() { b.calendarSaved(err) })
	})
}

// calendarOf returns a function that writes the job's groups as a
// calendar, in the sheet's language and from the sheet's moment on.
func calendarOf(job sheetJob) func(io.Writer) error {
	cal := referral.Calendar{Groups: job.sheet.Groups, Now: job.sheet.Date, Lang: job.sheet.Language()}
	return cal.WriteICS
}

func (b *sheetBar) calendarSaved(err error) {
	b.setBusy(false)
	if err != nil {
		showFailure(b.win, "calendar", err, "")
		return
	}
	dialog.ShowInformation(lang.L("Calendar ready"), lang.L(
		"Saved. Send the file to the client's phone, or open it there, to add the meetings to its calendar."), b.win)
}
