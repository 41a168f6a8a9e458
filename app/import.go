package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// reportNotesShown caps the record notes the report dialog lists; the
// copied report has them all.
const reportNotesShown = 200

// directoryFiles are the file types Import… offers.
var directoryFiles = []string{".json", ".csv"}

// importer runs Import…: choose a file, say which source it is, watch it
// being read (and cancel it), then read the report. The service changes the
// directory in one transaction at the end, so a cancelled or failed import
// leaves it as it was.
type importer struct {
	win fyne.Window
	dir referral.DirectoryService
	bg  background
	// fallbackZone is the zone listings get when neither they, their
	// meeting places nor the form give one (Settings.FeedZone), for the
	// form to say so.
	fallbackZone func() string
	changed      func() // the directory changed; screens showing it refresh

	// The dialogs of the import in progress, kept so tests can drive them.
	form     *importForm
	progress *progressDialog
	report   *importReport
}

func newImporter(win fyne.Window, dir referral.DirectoryService, bg background,
	fallbackZone func() string, changed func()) *importer {
	return &importer{win: win, dir: dir, bg: bg, fallbackZone: fallbackZone, changed: changed}
}

// importJob is one file on its way into the directory.
type importJob struct {
	file     fyne.URI
	open     io.ReadCloser // the reader the file dialog opened, until used
	sources  []referral.Source
	opts     referral.ImportOptions
	fileName string
}

// reader returns the file's reader, reopening the file for a second attempt.
func (j *importJob) reader() (io.ReadCloser, error) {
	if r := j.open; r != nil {
		j.open = nil
		return r, nil
	}
	return storage.Reader(j.file)
}

func (j *importJob) close() {
	if j.open != nil {
		j.open.Close()
		j.open = nil
	}
}

// onImport starts importing a new directory file.
func (i *importer) onImport() { i.chooseFile("") }

// onRefresh imports a newer file of an existing source.
func (i *importer) onRefresh(source string) { i.chooseFile(source) }

func (i *importer) chooseFile(source string) {
	d := dialog.NewFileOpen(func(file fyne.URIReadCloser, err error) {
		if err != nil {
			showFailure(i.win, "import: open file", err, "")
			return
		}
		if file != nil {
			i.onFileChosen(file, source)
		}
	}, i.win)
	d.SetFilter(storage.NewExtensionFileFilter(directoryFiles))
	d.Show()
}

// onFileChosen asks how to read the file once the sources are known, so the
// form can say when it refreshes one. source is the name to refresh, or "".
func (i *importer) onFileChosen(file fyne.URIReadCloser, source string) {
	job := &importJob{file: file.URI(), open: file, fileName: file.URI().Name()}
	if source == "" {
		source = sourceSlug(file.URI().Name())
	}
	// No zone is proposed: the service finds each listing's from its data
	// and meeting places, and falls back to Settings' on its own.
	job.opts = referral.ImportOptions{Source: source}
	i.bg.run(func() {
		sources, err := i.dir.Sources(context.Background())
		fyne.Do(func() {
			if err != nil {
				job.close()
				showFailure(i.win, "import: sources", err, "")
				return
			}
			job.sources = sources
			i.askOptions(job, nil)
		})
	})
}

// sourceSlug proposes a source name from a file name: "AA SEPIA.json" → "aa-sepia".
func sourceSlug(fileName string) string {
	base := strings.TrimSuffix(fileName, path.Ext(fileName))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 || b.String() == referral.SourceManual {
		return "directory"
	}
	return b.String()
}

// importForm asks which source a file is and how to read what it leaves out.
type importForm struct {
	job     *importJob
	name    *widget.Entry
	notice  *widget.Label
	program *widget.SelectEntry // empty: read from the file
	zone    *widget.SelectEntry
	problem *widget.Label
	dialog  *dialog.FormDialog
}

// askOptions shows the import form; problem, when set, is why the last
// attempt was refused, shown above the fields so they can be changed.
func (i *importer) askOptions(job *importJob, problem error) {
	f := &importForm{job: job}
	f.name = widget.NewEntry()
	f.name.Validator = validSourceName
	f.name.OnChanged = f.onNameChanged
	f.notice = widget.NewLabel("")
	f.notice.Wrapping = fyne.TextWrapWord
	f.notice.Importance = widget.LowImportance
	f.program = widget.NewSelectEntry(programNames(""))
	f.program.PlaceHolder = lang.L("Read from the file")
	f.program.Validator = validImportProgram
	f.zone = widget.NewSelectEntry(usTimeZones)
	f.zone.PlaceHolder = lang.L("Found from the meeting places")

	f.name.SetText(job.opts.Source)
	f.onNameChanged(job.opts.Source)
	f.program.SetText(string(job.opts.Program))
	f.zone.SetText(job.opts.TimeZone)

	fileLabel := widget.NewLabel(job.fileName)
	fileLabel.Truncation = fyne.TextTruncateEllipsis
	var items []*widget.FormItem
	if problem != nil {
		f.problem = widget.NewLabel(referral.ErrorMessage(problem) + "\n" +
			lang.L("Change the program or time zone below and import again, or cancel and choose another file."))
		f.problem.Wrapping = fyne.TextWrapWord
		f.problem.Importance = widget.DangerImportance
		items = append(items, widget.NewFormItem("", f.problem))
	}
	items = append(items,
		widget.NewFormItem(lang.L("File"), fileLabel),
		widget.NewFormItem(lang.L("Source name"), f.name),
		widget.NewFormItem("", f.notice),
		&widget.FormItem{Text: lang.L("Program"), Widget: f.program,
			HintText: lang.L("For listings that do not name one, as in most AA and Al-Anon files; any fellowship's name")},
		&widget.FormItem{Text: lang.L("Time zone"), Widget: f.zone,
			HintText: lang.L("Optional: only for listings whose own data and meeting places give no zone. Left empty, they get {{.Zone}} from Settings.",
				map[string]any{"Zone": i.fallbackZone()})},
	)
	f.dialog = dialog.NewForm(lang.L("Import a directory file"), lang.L("Import"), lang.L("Cancel"), items,
		func(ok bool) { i.onOptionsDone(f, ok) }, i.win)
	f.dialog.Resize(fyne.NewSize(560, f.dialog.MinSize().Height))
	i.form = f
	f.dialog.Show()
}

// validImportProgram accepts no program (read from the file) or any
// fellowship's name ParseProgram takes.
func validImportProgram(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if _, err := referral.ParseProgram(text); err != nil {
		return errors.New(referral.ErrorMessage(err))
	}
	return nil
}

func validSourceName(name string) error {
	switch strings.TrimSpace(name) {
	case "":
		return errors.New(lang.L("Give the source a name"))
	case referral.SourceManual:
		return errors.New(lang.L("“manual” is for groups added by hand"))
	}
	return nil
}

// onNameChanged says whether the import adds a source or replaces one.
func (f *importForm) onNameChanged(name string) {
	name = strings.TrimSpace(name)
	for _, s := range f.job.sources {
		if s.Name == name {
			f.notice.SetText(lang.L("This will refresh {{.Name}}: listings that vanished from the file are removed, your notes are kept.",
				map[string]any{"Name": name}))
			return
		}
	}
	f.notice.SetText(lang.L("A new source: its listings join the directory."))
}

func (i *importer) onOptionsDone(f *importForm, ok bool) {
	i.form = nil
	if !ok {
		f.job.close()
		return
	}
	opts := &f.job.opts
	opts.Source = strings.TrimSpace(f.name.Text)
	opts.Program = ""
	if strings.TrimSpace(f.program.Text) != "" {
		opts.Program = readProgram(f.program.Text) // valid: the form checked it
	}
	opts.TimeZone = strings.TrimSpace(f.zone.Text)
	i.run(f.job)
}

// run imports the file off the UI goroutine behind a progress dialog whose
// Cancel cancels the import's context.
func (i *importer) run(job *importJob) {
	r, err := job.reader()
	if err != nil {
		showFailure(i.win, "import: open file", err, "")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := newProgressDialog(i.win, lang.L("Importing {{.File}}", map[string]any{"File": job.fileName}),
		lang.L("Opening the file…"), cancel)
	opts := job.opts
	job.opts.Force = false // a "Replace anyway" holds for the run it was given for
	opts.Progress = p.reporter(func(n int) string {
		return lang.L("Read {{.N}} listings…", map[string]any{"N": n})
	})
	i.progress = p
	p.show()
	i.bg.run(func() {
		report, err := i.dir.Import(ctx, r, opts)
		r.Close()
		cancelled := err != nil && ctx.Err() != nil
		cancel()
		fyne.Do(func() { i.finished(job, report, err, cancelled) })
	})
}

func (i *importer) finished(job *importJob, report *referral.ImportReport, err error, cancelled bool) {
	i.progress.hide()
	i.progress = nil
	var shrink *referral.ShrinkError
	switch {
	case cancelled:
		dialog.ShowInformation(lang.L("Import cancelled"), lang.L("Import cancelled; the directory was not changed."), i.win)
	case err == nil:
		i.changed()
		i.showReport(job, report)
	case errors.As(err, &shrink):
		i.askReplaceAnyway(job, shrink)
	case referral.ErrorCode(err) == referral.EINVALID:
		i.askOptions(job, err)
	default:
		showFailure(i.win, "import", err,
			lang.L("The directory was not changed. Try again; if it keeps failing, check the file."))
	}
}

// askReplaceAnyway asks before an import that would remove more than half of
// a source's listings, saying how many: a feed cut short or the wrong file is
// likelier than a fellowship that closed most of its meetings. Replace
// anyway reads the file again and imports it with Force; Cancel leaves the
// directory as it is.
func (i *importer) askReplaceAnyway(job *importJob, shrink *referral.ShrinkError) {
	title, msg := shrinkQuestion(job.fileName, []*referral.ShrinkError{shrink})
	askDestructive(i.win, title, msg, lang.L("Replace anyway"), func() {
		job.opts.Force = true
		i.run(job)
	})
}

// shrinkQuestion is the title and text of the question before imports that
// would each remove more than half of a source's listings; what names the
// file, the address or the sources refreshed.
func shrinkQuestion(what string, shrinks []*referral.ShrinkError) (title, msg string) {
	removing := 0
	var lines []string
	for _, s := range shrinks {
		removing += s.Removing
		line := lang.L("{{.File}} would remove {{.Removing}} of the {{.Active}} active listings of {{.Source}}, more than half.",
			map[string]any{"File": what, "Removing": s.Removing, "Active": s.Active, "Source": s.Source})
		if len(shrinks) > 1 {
			line = lang.L("{{.Source}} would lose {{.Removing}} of its {{.Active}} active listings, more than half.",
				map[string]any{"Source": s.Source, "Removing": s.Removing, "Active": s.Active})
		}
		lines = append(lines, line)
	}
	msg = strings.Join(lines, "\n") + " " +
		lang.L("A download cut short or another intergroup's file does that too; nothing has been changed yet.") + "\n\n"
	if len(shrinks) == 1 {
		msg += lang.L("Replace anyway only if {{.Source}} really lists that few meetings now.", map[string]any{"Source": shrinks[0].Source})
	} else {
		msg += lang.L("Replace anyway only if these sources really list that few meetings now.")
	}
	msg += " " + lang.L("Your notes on the groups are kept, and logged referrals still print.")
	return lang.L("Remove {{.N}} listings?", map[string]any{"N": removing}), msg
}

// importReport is the dialog an import ends with.
type importReport struct {
	text        string // the whole report, for the clipboard
	counts      *fyne.Container
	zone        *widget.Label // the source's zone and how its listings got theirs
	zoneWarning *widget.Label // shown when that zone is a guess
	notes       *widget.Label
	copy        *widget.Button
	dialog      *dialog.CustomDialog
}

func (i *importer) showReport(job *importJob, r *referral.ImportReport) {
	rep := &importReport{text: reportText(job.fileName, r)}
	headline := widget.NewLabel(lang.L("{{.File}} was read as {{.Format}} into the source {{.Source}}.", map[string]any{
		"File": job.fileName, "Format": fileFormatChoice().labelOr(r.Format), "Source": r.Source}))
	headline.Wrapping = fyne.TextWrapWord

	rep.counts = container.NewGridWithColumns(3)
	for _, c := range reportCounts(r) {
		n := widget.NewLabelWithStyle(fmt.Sprint(c.n), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		rep.counts.Add(container.NewBorder(nil, nil, n, nil, widget.NewLabel(c.label)))
	}
	rep.zone = wrapped(zoneLine(r.Zone), widget.MediumImportance)
	setShown(rep.zone, rep.zone.Text != "")
	rep.zoneWarning = wrapped(strings.Join(reportWarnings(r), "\n"), widget.WarningImportance)
	setShown(rep.zoneWarning, rep.zoneWarning.Text != "")

	lines := noteLines(r)
	shown := lines[:min(len(lines), reportNotesShown)]
	if len(lines) > len(shown) {
		shown = append(shown, lang.L("…and {{.N}} more; Copy report has them all.", map[string]any{"N": len(lines) - len(shown)}))
	}
	if len(shown) == 0 {
		shown = []string{lang.L("Every record was read as it was.")}
	}
	rep.notes = widget.NewLabel(strings.Join(shown, "\n"))
	rep.notes.Wrapping = fyne.TextWrapWord
	notes := container.NewVScroll(rep.notes)
	notes.SetMinSize(fyne.NewSize(600, 220))

	content := container.NewBorder(
		container.NewVBox(headline, rep.counts, rep.zone, rep.zoneWarning, widget.NewLabelWithStyle(lang.L("Skipped and repaired records"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		nil, nil, nil, notes)
	rep.copy = widget.NewButtonWithIcon(lang.L("Copy report"), theme.ContentCopyIcon(), rep.onCopy)
	rep.dialog = dialog.NewCustomWithoutButtons(lang.L("Import finished"), content, i.win)
	closeButton := widget.NewButton(lang.L("Close"), rep.dialog.Hide)
	closeButton.Importance = widget.HighImportance
	rep.dialog.SetButtons([]fyne.CanvasObject{rep.copy, closeButton})
	i.report = rep
	rep.dialog.Show()
}

func (rep *importReport) onCopy() {
	fyne.CurrentApp().Clipboard().SetContent(rep.text)
	rep.copy.SetText(lang.L("Copied"))
}

type reportCount struct {
	label string
	n     int
}

func reportCounts(r *referral.ImportReport) []reportCount {
	return []reportCount{
		{lang.L("added"), r.Added},
		{lang.L("updated"), r.Updated},
		{lang.L("removed (gone from the file)"), r.Removed},
		{lang.L("unchanged"), r.Unchanged},
		{lang.L("skipped"), len(r.Skipped)},
		{lang.L("repaired"), len(r.Repaired)},
		{lang.L("service meetings: kept, never suggested"), r.Service},
		{lang.L("contradictory, read the safer way"), len(r.Contradictions)},
	}
}

// noteLines says, one line per record, what was skipped, repaired or read
// the safer way and why, then which type codes are kept unexplained.
func noteLines(r *referral.ImportReport) []string {
	var out []string
	for _, n := range r.Skipped {
		out = append(out, lang.L("Skipped {{.Record}}: {{.Why}}", map[string]any{"Record": recordName(n), "Why": noteWhy(n)}))
	}
	for _, n := range r.Repaired {
		out = append(out, lang.L("Repaired {{.Record}}: {{.Why}}", map[string]any{"Record": recordName(n), "Why": noteWhy(n)}))
	}
	for _, n := range r.Contradictions {
		out = append(out, lang.L("Contradicts itself, {{.Record}}: {{.Why}}", map[string]any{"Record": recordName(n), "Why": noteWhy(n)}))
	}
	if len(r.UnknownTypes) > 0 {
		out = append(out, lang.L("Type codes no vocabulary explains, kept as they are: {{.Codes}}",
			map[string]any{"Codes": strings.Join(r.UnknownTypes, ", ")}))
	}
	return out
}

// zoneLine says which time zone the source got and how its listings got
// theirs: "Time zone: America/Chicago, from 201 of 206 meeting places. Of
// the listings, 12 named their own, 190 took their meeting place's and 4 the
// source's." A report without a zone (a service that does not tell) says
// nothing.
// reportWarnings are what the person importing should act on: a guessed
// zone, and in-person listings distance cannot find.
func reportWarnings(r *referral.ImportReport) []string {
	var ws []string
	if w := r.Zone.Warning(); w != "" {
		ws = append(ws, w)
	}
	if r.Unplaced > 0 {
		ws = append(ws, lang.L("{{.N}} in-person listings have no map location and no ZIP code, so they cannot be found by distance; they can be found by town.",
			map[string]any{"N": r.Unplaced}))
	}
	return ws
}

func zoneLine(z referral.ZoneReport) string {
	if z.Zone == "" {
		return ""
	}
	return lang.L("Time zone: {{.Zone}}. Of the listings, {{.Own}} named their own, {{.AtPlace}} took their meeting place's and {{.FromSource}} the source's.",
		map[string]any{"Zone": z.String(), "Own": z.Own, "AtPlace": z.AtPlace, "FromSource": z.FromSource})
}

func recordName(n referral.RecordNote) string {
	s := lang.L("record {{.N}}", map[string]any{"N": n.Index + 1})
	if n.Name != "" {
		s += " “" + n.Name + "”"
	}
	if n.SourceID != "" {
		s += " (" + n.SourceID + ")"
	}
	return s
}

func noteWhy(n referral.RecordNote) string {
	if n.Field == "" {
		return n.Text
	}
	return n.Text + " [" + n.Field + "]"
}

// reportText is the whole report as plain text, for pasting into an email
// to whoever publishes the directory.
func reportText(fileName string, r *referral.ImportReport) string {
	var b strings.Builder
	b.WriteString(lang.L("Import of {{.File}} into {{.Source}} ({{.Format}})", map[string]any{
		"File": fileName, "Source": r.Source, "Format": fileFormatChoice().labelOr(r.Format)}))
	b.WriteString("\n")
	for _, c := range reportCounts(r) {
		fmt.Fprintf(&b, "%d %s\n", c.n, c.label)
	}
	for _, l := range append([]string{zoneLine(r.Zone)}, reportWarnings(r)...) {
		if l != "" {
			b.WriteString(l + "\n")
		}
	}
	for _, l := range noteLines(r) {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// fileFormatChoice names the directory file formats the service reads and writes.
func fileFormatChoice() choice[string] {
	return newChoice(
		pair[string]{"meeting-guide", "Meeting Guide JSON"},
		pair[string]{"csv", "CSV (12 Step Meeting List)"},
		pair[string]{"bmlt", "BMLT JSON (NA)"},
	)
}

// labelOr names a format, or repeats a code the app does not know.
func (c choice[T]) labelOr(v T) string {
	if l := c.label(v); l != "" {
		return l
	}
	return fmt.Sprint(v)
}
