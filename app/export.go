package app

import (
	"bytes"
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// exportFormats are the formats Export… writes, with their file extensions.
var exportFormats = []struct{ format, ext string }{
	{"meeting-guide", ".json"},
	{"csv", ".csv"},
}

// exporter runs Export…: choose a format and a source, then a file.
type exporter struct {
	win fyne.Window
	dir referral.DirectoryService
	bg  background

	// The dialogs of the export in progress, kept so tests can drive them.
	form     *exportForm
	progress *progressDialog
}

func newExporter(win fyne.Window, dir referral.DirectoryService, bg background) *exporter {
	return &exporter{win: win, dir: dir, bg: bg}
}

// exportJob is what to export: the whole directory, or one source of the
// given size.
type exportJob struct {
	format, ext  string
	source       string
	groups       int
	withCuration bool // the clinic's curation goes into the file too
}

func (j exportJob) fileName() string {
	name := j.source
	if name == "" {
		name = "referral-desk-directory"
	}
	return name + j.ext
}

// onExport asks what to export once the sources are known.
func (e *exporter) onExport() {
	e.bg.run(func() {
		sources, err := e.dir.Sources(context.Background())
		fyne.Do(func() {
			if err != nil {
				showFailure(e.win, "export: sources", err, "")
				return
			}
			e.askOptions(sources)
		})
	})
}

// exportForm asks which format and which source to export.
type exportForm struct {
	sources  []referral.Source
	format   *widget.Select
	source   *widget.Select
	curation *widget.Check // Meeting Guide only
	dialog   *dialog.FormDialog
}

func (e *exporter) askOptions(sources []referral.Source) {
	f := &exportForm{sources: sources}
	var formats []string
	for _, x := range exportFormats {
		formats = append(formats, fileFormatChoice().label(x.format))
	}
	// Off by default, every time: counselor notes must not leave the
	// clinic by accident.
	f.curation = widget.NewCheck(lang.L("Include the clinic's curation, counselor notes too"), nil)
	f.format = newSelect(formats, func(string) {
		if exportFormats[f.format.SelectedIndex()].format == "meeting-guide" {
			f.curation.Enable()
		} else {
			f.curation.SetChecked(false)
			f.curation.Disable()
		}
	})
	f.format.SetSelectedIndex(0)
	names := []string{lang.L("All groups")}
	for _, s := range sources {
		names = append(names, s.Name)
	}
	f.source = newSelect(names, nil)
	f.source.SetSelectedIndex(0)
	items := []*widget.FormItem{
		{Text: lang.L("Format"), Widget: f.format,
			HintText: lang.L("Meeting Guide JSON for apps and websites, CSV for spreadsheets")},
		{Text: lang.L("Groups"), Widget: f.source,
			HintText: lang.L("The whole directory, with groups added by hand, or one imported source")},
		{Text: lang.L("Curation"), Widget: f.curation,
			HintText: lang.L("For the clinic's other desks to import or subscribe to; Meeting Guide JSON only")},
	}
	f.dialog = dialog.NewForm(lang.L("Export the directory"), lang.L("Choose file…"), lang.L("Cancel"), items,
		func(ok bool) { e.onOptionsDone(f, ok) }, e.win)
	f.dialog.Resize(fyne.NewSize(520, f.dialog.MinSize().Height))
	e.form = f
	f.dialog.Show()
}

// job reads the form.
func (f *exportForm) job() exportJob {
	x := exportFormats[f.format.SelectedIndex()]
	j := exportJob{format: x.format, ext: x.ext, withCuration: f.curation.Checked}
	if i := f.source.SelectedIndex(); i > 0 {
		j.source, j.groups = f.sources[i-1].Name, f.sources[i-1].Groups
	}
	return j
}

func (e *exporter) onOptionsDone(f *exportForm, ok bool) {
	e.form = nil
	if !ok {
		return
	}
	job := f.job()
	askSaveFile(e.win, "export", job.fileName(), job.ext, func(file fyne.URIWriteCloser) {
		if file != nil {
			e.onFileChosen(file, job)
		}
	})
}

// onFileChosen writes the export off the UI goroutine behind a progress
// dialog whose Cancel stops it.
func (e *exporter) onFileChosen(file fyne.URIWriteCloser, job exportJob) {
	ctx, cancel := context.WithCancel(context.Background())
	p := newProgressDialog(e.win, lang.L("Exporting to {{.File}}", map[string]any{"File": file.URI().Name()}),
		lang.L("Writing the directory…"), cancel)
	e.progress = p
	p.show()
	e.bg.run(func() {
		err := writeExport(ctx, e.dir, file, job)
		cancelled := err != nil && ctx.Err() != nil
		cancel()
		fyne.Do(func() { e.finished(file.URI(), job, err, cancelled) })
	})
}

// writeExport has the service write into memory first, and copies to the
// file only a complete export: a failed or cancelled export removes the file
// the save dialog created, so no half-written file looks finished.
func writeExport(ctx context.Context, dir referral.DirectoryService, file fyne.URIWriteCloser, job exportJob) error {
	var buf bytes.Buffer
	err := dir.Export(ctx, &buf, referral.ExportOptions{Format: job.format, Source: job.source, WithCuration: job.withCuration})
	if err == nil {
		if _, werr := buf.WriteTo(file); werr != nil {
			err = fileError(werr)
		}
	}
	if cerr := file.Close(); cerr != nil && err == nil {
		err = fileError(cerr)
	}
	if err != nil {
		if derr := storage.Delete(file.URI()); derr != nil {
			fyne.LogError("export: remove unfinished file", derr)
		}
	}
	return err
}

// fileError logs why a file could not be written and says so in words.
func fileError(err error) error {
	fyne.LogError("export: write file", err)
	return referral.Errorf(referral.EINVALID, "%s",
		lang.L("The file could not be written. Check there is space on the disk and that you may save in that folder."))
}

func (e *exporter) finished(file fyne.URI, job exportJob, err error, cancelled bool) {
	e.progress.hide()
	e.progress = nil
	switch {
	case cancelled:
		dialog.ShowInformation(lang.L("Export cancelled"), lang.L("Export cancelled; no file was saved."), e.win)
	case err != nil:
		showFailure(e.win, "export", err, lang.L("No file was saved. Try again, or choose another folder."))
	default:
		dialog.ShowInformation(lang.L("Export saved"), exportedText(file.Name(), job), e.win)
	}
}

func exportedText(fileName string, job exportJob) string {
	format := fileFormatChoice().label(job.format)
	var text string
	if job.source == "" {
		text = lang.L("Saved the whole directory as {{.Format}} to {{.File}}.",
			map[string]any{"Format": format, "File": fileName})
	} else {
		text = lang.L("Saved {{.Groups}} of {{.Source}} as {{.Format}} to {{.File}}.", map[string]any{
			"Groups": groupsText(job.groups), "Source": job.source, "Format": format, "File": fileName})
	}
	if job.withCuration {
		text += "\n" + lang.L("The file holds the clinic's curation and counselor notes: keep it on the clinic's own server or shared folder.")
	}
	return text
}

// groupsText counts groups in words: "1 group", "12 groups".
func groupsText(n int) string {
	if n == 1 {
		return lang.L("1 group")
	}
	return lang.L("{{.N}} groups", map[string]any{"N": n})
}
