package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

const (
	// previewDPI draws pages a little larger than a Letter page is wide on
	// most screens, so the text reads without zooming.
	previewDPI = 96
	// previewPageWidth is how wide a page shows in the preview dialog.
	previewPageWidth = 640
)

// sheetBar is the Sheet bar under the Referral screen's results: who the
// sheet is for (a first name that is printed and never stored), a label for
// the counselor's referral log, the sheet's language, paper and print size,
// and Preview, Save PDF… and Print. A saved or printed sheet is logged.
type sheetBar struct {
	win     fyne.Window
	sheets  referral.SheetRenderer
	history referral.HistoryService
	bg      background
	now     func() time.Time
	// chosen returns the groups ticked to refer, best first, and the needs
	// they were matched for.
	chosen func() ([]*referral.Group, referral.Needs)
	// logged is called on the UI goroutine after a referral is logged, so
	// the History area shows it.
	logged func()
	// nextClient clears the screen for the next client: the main button
	// of the "Sheet ready" dialog.
	nextClient func()
	// openViewer hands the print file to the system's PDF viewer (see
	// openInViewer), and viewerStart is how long Print waits to see
	// whether it took it.
	openViewer  func(path string) (exited <-chan error, err error)
	viewerStart time.Duration
	// printRoot is where Print's private folders go; "" is os.TempDir().
	printRoot string
	prints    *printFiles // what Print left for the viewer, until removed
	// runPrint runs the CUPS commands lpstat and lp (see runCommand).
	runPrint func(ctx context.Context, name string, args ...string) ([]byte, error)
	// relayout lays the screen out again when the bar's height changes.
	relayout func()

	settings referral.Settings // heads the sheet; language and paper defaults

	firstName *widget.Entry
	label     *widget.Entry
	lang      *widget.Select
	paper     *widget.Select
	large     *widget.Check
	hint      *widget.Label
	preview   *widget.Button
	save      *widget.Button
	print     *widget.Button
	calendar  *widget.Button
	busy      bool // a sheet is being drawn or written

	// The dialogs in progress, kept so tests can drive them.
	progress *progressDialog
	shown    *sheetPreview
	printing *printDialog

	content fyne.CanvasObject
}

// sheetJob is one sheet on its way to the screen, a file or the printer,
// with what its referral log entry needs.
type sheetJob struct {
	sheet referral.Sheet
	needs referral.Needs
	label string
}

func newSheetBar(win fyne.Window, s Services, bg background, now func() time.Time) *sheetBar {
	b := &sheetBar{win: win, sheets: s.Sheets, history: s.History, bg: bg, now: now,
		chosen: func() ([]*referral.Group, referral.Needs) { return nil, referral.Needs{} },
		logged: func() {}, nextClient: func() {},
		relayout:   func() {},
		openViewer: openInViewer, viewerStart: viewerStart, prints: newPrintFiles(), runPrint: runCommand,
		settings: referral.DefaultSettings()}
	b.buildUI()
	b.applySettings(b.settings)
	// Files a run that ended without removing them left for the viewer.
	bg.run(func() { removeStalePrintFiles(b.printRoot, time.Now()) })
	return b
}

func (b *sheetBar) buildUI() {
	b.firstName = newEntry(lang.L("First name (optional, not saved)"))
	b.label = newEntry(lang.L("Label for your log (optional)"))
	b.label.OnChanged = func(string) { b.update() }
	b.lang = newSelect(langChoice().labels, nil)
	b.paper = newSelect(paperChoice().labels, nil)
	b.large = widget.NewCheck(lang.L("Large print"), nil)
	b.hint = wrapped("", widget.WarningImportance)
	b.preview = widget.NewButtonWithIcon(lang.L("Preview"), theme.VisibilityIcon(), b.onPreview)
	b.save = widget.NewButtonWithIcon(lang.L("Save PDF…"), theme.DocumentSaveIcon(), b.onSave)
	b.print = widget.NewButtonWithIcon(lang.L("Print"), theme.DocumentPrintIcon(), b.onPrint)
	b.calendar = b.newCalendarButton()
	b.print.Importance = widget.HighImportance

	heading := widget.NewLabelWithStyle(lang.L("Sheet"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.content = container.NewVBox(
		widget.NewSeparator(),
		container.NewBorder(nil, nil, heading, container.NewHBox(b.preview, b.save, b.calendar, b.print)),
		container.NewGridWithColumns(2, b.firstName, b.label),
		container.NewHBox(b.lang, b.paper, b.large),
		b.hint, // shown only when something stops the sheet
	)
}

// applySettings makes the clinic's settings the sheet's header and its
// language and paper defaults. A language or paper the counselor already
// chose for this client stays.
func (b *sheetBar) applySettings(s referral.Settings) {
	was := b.settings
	b.settings = s
	followDefault(b.lang, langChoice().label(was.SheetLang), langChoice().label(s.SheetLang))
	followDefault(b.paper, paperChoice().label(was.SheetPaper), paperChoice().label(s.SheetPaper))
}

// followDefault selects the new default unless sel shows a choice other
// than the old one. An unknown default ("") is the first option.
func followDefault(sel *widget.Select, was, now string) {
	if now == "" {
		now = sel.Options[0]
	}
	if sel.Selected == "" || sel.Selected == was {
		sel.SetSelected(now)
	}
}

// update says what stops a sheet, if anything, and enables the buttons
// when nothing does. It runs whenever a tick, the list or the label changes.
func (b *sheetBar) update() {
	groups, _ := b.chosen()
	problem := b.problem(len(groups))
	b.hint.SetText(problem)
	if b.hint.Visible() != (problem != "") {
		setShown(b.hint, problem != "")
		b.relayout()
	}
	for _, btn := range []*widget.Button{b.preview, b.save, b.calendar, b.print} {
		enable(btn, problem == "" && !b.busy)
	}
}

func (b *sheetBar) problem(ticked int) string {
	switch {
	case ticked == 0:
		return lang.L("Tick up to {{.Max}} groups to print", map[string]any{"Max": referral.MaxSheetGroups})
	case ticked > referral.MaxSheetGroups:
		return lang.L("A sheet lists at most {{.Max}} groups; untick {{.N}}",
			map[string]any{"Max": referral.MaxSheetGroups, "N": ticked - referral.MaxSheetGroups})
	case utf8.RuneCountInString(strings.TrimSpace(b.label.Text)) > referral.MaxClientLabel:
		return lang.L("The label for your log is too long: at most {{.Max}} letters",
			map[string]any{"Max": referral.MaxClientLabel})
	}
	return ""
}

func (b *sheetBar) setBusy(busy bool) {
	b.busy = busy
	b.update()
}

// job reads the bar into a sheet headed by the settings, and checks it.
func (b *sheetBar) job() (sheetJob, error) {
	groups, needs := b.chosen()
	if p := b.problem(len(groups)); p != "" {
		return sheetJob{}, referral.Errorf(referral.EINVALID, "%s.", p)
	}
	s := b.settings.Sheet(b.now())
	if needs.ClinicZone != nil {
		// Online times print in the zone the groups were matched in, which
		// is the saved one or, when none is saved, the guessed one.
		s.ClinicZone = needs.ClinicZone.String()
	}
	s.FirstName = strings.TrimSpace(b.firstName.Text)
	s.Groups = groups
	s.Lang = langChoice().value(b.lang.Selected)
	s.Paper = paperChoice().value(b.paper.Selected)
	s.Large = b.large.Checked
	if err := s.Validate(); err != nil {
		return sheetJob{}, err
	}
	return sheetJob{sheet: s, needs: needs, label: strings.TrimSpace(b.label.Text)}, nil
}

// render returns a function that draws the job's sheet as a PDF.
func (b *sheetBar) render(ctx context.Context, job sheetJob) func(io.Writer) error {
	return func(w io.Writer) error {
		return b.sheets.RenderPDF(ctx, w, job.sheet)
	}
}

// onPreview draws the pages off the UI goroutine behind a progress dialog
// whose Cancel stops it.
func (b *sheetBar) onPreview() {
	job, err := b.job()
	if err != nil {
		showFailure(b.win, "sheet", err, "")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := newProgressDialog(b.win, lang.L("Preview"), lang.L("Drawing the sheet…"), cancel)
	b.progress = p
	p.show()
	b.bg.run(func() {
		pages, err := b.sheets.Preview(ctx, job.sheet, previewDPI)
		cancelled := ctx.Err() != nil
		cancel()
		fyne.Do(func() { b.previewed(job, pages, err, cancelled) })
	})
}

func (b *sheetBar) previewed(job sheetJob, pages []image.Image, err error, cancelled bool) {
	b.progress.hide()
	b.progress = nil
	switch {
	case cancelled:
	case referral.ErrorCode(err) == referral.ENOTFOUND:
		// No rasteriser on this machine: say so, and that the rest works.
		dialog.ShowInformation(lang.L("No preview on this computer"), sentence(referral.ErrorMessage(err)), b.win)
	case err != nil:
		showFailure(b.win, "preview", err, "")
	case len(pages) == 0:
		showFailure(b.win, "preview", fmt.Errorf("preview: no pages"), "")
	default:
		b.showPreview(job, pages)
	}
}

// sheetPreview is the dialog that shows a sheet's pages.
type sheetPreview struct {
	job    sheetJob
	pages  []*canvas.Image
	dialog *dialog.CustomDialog
}

// showPreview shows the pages one under the other, scrolled, with Save PDF…
// and Print for the very sheet shown.
func (b *sheetBar) showPreview(job sheetJob, pages []image.Image) {
	p := &sheetPreview{job: job}
	box := container.NewVBox()
	for i, img := range pages {
		c := canvas.NewImageFromImage(img)
		c.FillMode = canvas.ImageFillContain
		c.ScaleMode = canvas.ImageScaleSmooth
		size := img.Bounds().Size()
		c.SetMinSize(fyne.NewSize(previewPageWidth, previewPageWidth*float32(size.Y)/float32(max(size.X, 1))))
		p.pages = append(p.pages, c)
		page := widget.NewLabelWithStyle(lang.L("Page {{.N}} of {{.Of}}", map[string]any{"N": i + 1, "Of": len(pages)}),
			fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
		box.Add(page)
		box.Add(c)
	}
	p.dialog = dialog.NewCustomWithoutButtons(lang.L("Preview of the sheet"), container.NewVScroll(box), b.win)
	save := widget.NewButtonWithIcon(lang.L("Save PDF…"), theme.DocumentSaveIcon(), func() {
		p.dialog.Hide()
		b.chooseFile(job)
	})
	printBtn := widget.NewButtonWithIcon(lang.L("Print"), theme.DocumentPrintIcon(), func() {
		p.dialog.Hide()
		b.printJob(job)
	})
	printBtn.Importance = widget.HighImportance
	closeBtn := widget.NewButton(lang.L("Close"), func() { p.dialog.Hide() })
	p.dialog.SetButtons([]fyne.CanvasObject{closeBtn, layout.NewSpacer(), save, printBtn})
	p.dialog.SetOnClosed(func() {
		if b.shown == p {
			b.shown = nil
		}
	})
	win := b.win.Canvas().Size()
	p.dialog.Resize(fyne.NewSize(min(win.Width*0.95, previewPageWidth+4*theme.Padding()+theme.ScrollBarSize()*2),
		win.Height*0.95))
	b.shown = p
	p.dialog.Show()
}

// onSave asks where to save the sheet.
func (b *sheetBar) onSave() {
	job, err := b.job()
	if err != nil {
		showFailure(b.win, "sheet", err, "")
		return
	}
	b.chooseFile(job)
}

func (b *sheetBar) chooseFile(job sheetJob) {
	askSaveFile(b.win, "sheet", sheetFileName(job.sheet.Date), ".pdf", func(file fyne.URIWriteCloser) {
		if file != nil {
			b.onFileChosen(file, job)
		}
	})
}

// sheetFileName proposes a file name from the date alone: the client's name
// stays off the disk unless the counselor types it.
func sheetFileName(date time.Time) string {
	return "referral-" + date.Format("2006-01-02") + ".pdf"
}

// onFileChosen saves into the file the dialog created. A local file is
// replaced through a temporary file (see writeSheetFile), so the dialog's
// writer is closed unused; any other location gets the finished PDF in one
// write.
func (b *sheetBar) onFileChosen(file fyne.URIWriteCloser, job sheetJob) {
	if file.URI().Scheme() == "file" {
		file.Close()
		b.saveTo(file.URI().Path(), job)
		return
	}
	b.setBusy(true)
	b.bg.run(func() {
		err := writeURI(file, b.render(context.Background(), job))
		b.finish(job, err, lang.L("Saved."))
	})
}

// writeURI writes a complete PDF or, failing that, removes the file.
func writeURI(file fyne.URIWriteCloser, render func(io.Writer) error) error {
	var buf bytes.Buffer
	err := render(&buf)
	if err == nil {
		_, err = buf.WriteTo(file)
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		storage.Delete(file.URI())
		if referral.ErrorCode(err) == referral.EINTERNAL {
			fyne.LogError("sheet: write file", err)
			err = referral.Errorf(referral.EINVALID, "%s", lang.L("Could not save the sheet there. Choose another folder."))
		}
	}
	return err
}

// saveTo writes the sheet to path off the UI goroutine, then logs it.
func (b *sheetBar) saveTo(path string, job sheetJob) {
	b.setBusy(true)
	b.bg.run(func() {
		err := writeSheetFile(path, b.render(context.Background(), job))
		b.finish(job, err, lang.L("Saved."))
	})
}

// onPrint sends the sheet to a printer the counselor picks, through CUPS
// (see printer.go). Without CUPS or a printer it opens the sheet in the
// system's PDF viewer instead, from which the counselor prints. Either way
// the sheet is a private file that is removed once lp or the viewer has
// it (see removeLater), and when the window closes.
func (b *sheetBar) onPrint() {
	job, err := b.job()
	if err != nil {
		showFailure(b.win, "sheet", err, "")
		return
	}
	b.printJob(job)
}

func (b *sheetBar) printJob(job sheetJob) {
	b.setBusy(true)
	b.bg.run(func() {
		ps, noPrinter := findPrinters(context.Background(), b.runPrint)
		if noPrinter != nil {
			b.viewJob(job, noPrinter)
			return
		}
		fyne.Do(func() { b.askPrinter(job, ps) })
	})
}

// askPrinter shows the print dialog; Cancel leaves nothing printed or
// logged.
func (b *sheetBar) askPrinter(job sheetJob, ps printers) {
	var d *printDialog
	d = newPrintDialog(b.win, ps, func(printer string, copies int) {
		b.printing = nil
		b.bg.run(func() { b.sendJob(job, printer, copies) })
	}, func() {
		if b.printing == d {
			b.printing = nil
		}
		b.setBusy(false)
	})
	b.printing = d
	d.show(b.win)
}

// sendJob runs off the UI goroutine: it writes the print file, hands it to
// lp and removes it as soon as lp returns, as the spooler has its own copy
// by then (and a failed job needs no file).
func (b *sheetBar) sendJob(job sheetJob, printer string, copies int) {
	path, err := writePrintFile(b.printRoot, b.render(context.Background(), job))
	if err == nil {
		b.prints.add(path) // should lp hang, the window's closing removes it
		err = sendToPrinter(context.Background(), b.runPrint, printer, copies, path)
		b.prints.remove(path)
	}
	b.finish(job, err, lang.L("Sent to {{.Printer}}.", map[string]any{"Printer": printer}))
}

// viewJob runs off the UI goroutine: it writes the print file and opens it
// in the PDF viewer. noPrinter says why it is not printed directly.
func (b *sheetBar) viewJob(job sheetJob, noPrinter error) {
	path, err := writePrintFile(b.printRoot, b.render(context.Background(), job))
	if err == nil {
		b.prints.add(path)
		var exited <-chan error
		var handedOver bool
		if exited, handedOver, err = b.view(path, noPrinter); err != nil {
			b.prints.remove(path) // no viewer has it: nothing to keep it for
		} else {
			fyne.Do(func() { b.removeLater(path, exited, handedOver) })
		}
	}
	b.finish(job, err, lang.L("The sheet is open in your PDF viewer: print it from there."))
}

// view starts the viewer on path and waits up to viewerStart for its
// opener to end. One that ends at once with a failure means there is no
// viewer; with success, it has handed the file to one (handedOver). One
// still running is the viewer itself, and exited tells when it closes.
// With no viewer the message also says why there is no printer
// (noPrinter), as the counselor can print neither way.
func (b *sheetBar) view(path string, noPrinter error) (exited <-chan error, handedOver bool, err error) {
	exited, err = b.openViewer(path)
	if err == nil {
		select {
		case err = <-exited:
			exited, handedOver = nil, err == nil
		case <-time.After(b.viewerStart):
		}
	}
	if err != nil {
		fyne.LogError("sheet: open viewer", err)
		return nil, false, referral.Errorf(referral.EINVALID, "%s", lang.L(
			"Could not open a PDF viewer, so the sheet was not printed. {{.Why}} Use Save PDF… to save it, then print the saved file from a computer with a printer.",
			map[string]any{"Why": referral.ErrorMessage(noPrinter)}))
	}
	return exited, handedOver, nil
}

// removeLater removes the print file once the viewer has it: printGrace
// after an opener handed it over, when a viewer that is the opener itself
// closes, and after printKeep at most, as the viewer may stay open.
func (b *sheetBar) removeLater(path string, exited <-chan error, handedOver bool) {
	keep := printKeep
	if handedOver {
		keep = printGrace
	}
	b.bg.after(keep, func() { b.bg.run(func() { b.prints.remove(path) }) })
	if exited != nil {
		go func() {
			<-exited
			b.prints.remove(path)
		}()
	}
}

// finish runs off the UI goroutine once the sheet is written (or not): it
// logs the referral, then reports back.
func (b *sheetBar) finish(job sheetJob, err error, done string) {
	var logErr error
	logged, later := false, false
	if err == nil {
		entry := referral.NewReferral(job.sheet, job.needs, job.label)
		logErr = b.history.LogReferral(context.Background(), entry)
		logged = logErr == nil
		// Kept while another program writes the database (an import);
		// History lists it once that is done.
		later = logged && entry.ID == 0
	}
	fyne.Do(func() {
		b.setBusy(false)
		switch {
		case err != nil:
			showFailure(b.win, "sheet", err, "")
		case logErr != nil:
			if referral.ErrorCode(logErr) == referral.EINTERNAL {
				fyne.LogError("sheet: log referral", logErr)
			}
			noticeDamage(b.win, logErr)
			dialog.ShowInformation(lang.L("Not in the referral log"), done+" "+lang.L(
				"It could not be added to the referral log: {{.Why}}", map[string]any{"Why": referral.ErrorMessage(logErr)}), b.win)
		case logged:
			b.logged()
			// The sheet is in the client's hands: the next thing to do is
			// the next client, so that is the main button (Enter).
			added := lang.L("Added to the referral log.")
			if later {
				added = lang.L("Added to the referral log; History shows it once the import under way has finished.")
			}
			askChoice(b.win, lang.L("Sheet ready"), wrapped(done+" "+added, widget.MediumImportance),
				lang.L("Close"), lang.L("New client"), func() {}, b.nextClient)
		default:
			dialog.ShowInformation(lang.L("Sheet ready"), done, b.win)
		}
	})
}
