package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// importTimeLayout shows when a source was last imported, in local time.
const importTimeLayout = "2 Jan 2006 15:04"

// sourcesScreen is the Sources area: the directory files groups were imported
// from, each with its format, size and last import, to refresh or remove, and
// the Import… and Export… buttons.
type sourcesScreen struct {
	win      fyne.Window
	dir      referral.DirectoryService
	bg       background
	importer *importer
	exporter *exporter
	changed  func() // a source was removed; screens showing the directory refresh
	loc      *time.Location

	importButton *widget.Button
	exportButton *widget.Button
	rows         []*sourceRow
	list         *fyne.Container
	browse       fyne.CanvasObject
	empty        fyne.CanvasObject
	content      *fyne.Container

	seq int // numbers loads so a stale answer is dropped
}

// sourceRow is one source in the list, with its buttons.
type sourceRow struct {
	source  referral.Source
	name    *widget.Label
	about   *widget.Label
	refresh *widget.Button
	remove  *widget.Button
}

func newSourcesScreen(win fyne.Window, dir referral.DirectoryService, bg background,
	imp *importer, exp *exporter, changed func()) *sourcesScreen {
	s := &sourcesScreen{win: win, dir: dir, bg: bg, importer: imp, exporter: exp, changed: changed, loc: time.Local}
	s.buildUI()
	s.refresh()
	return s
}

func (s *sourcesScreen) buildUI() {
	s.importButton = widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), s.importer.onImport)
	s.importButton.Importance = widget.HighImportance
	s.exportButton = widget.NewButtonWithIcon(lang.L("Export…"), theme.UploadIcon(), s.exporter.onExport)
	intro := widget.NewLabel(lang.L("Directory files the groups were imported from. Importing a source again replaces its listings; your notes on groups are kept."))
	intro.Wrapping = fyne.TextWrapWord
	toolbar := container.NewBorder(nil, nil, nil, container.NewHBox(s.importButton, s.exportButton), intro)

	s.list = container.NewVBox()
	s.browse = container.NewPadded(container.NewBorder(container.NewVBox(toolbar, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(s.list)))

	importFirst := widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), s.importer.onImport)
	importFirst.Importance = widget.HighImportance
	// Groups added by hand can be exported before any import.
	exportManual := widget.NewButtonWithIcon(lang.L("Export…"), theme.UploadIcon(), s.exporter.onExport)
	s.empty = container.NewCenter(widget.NewCard(lang.L("No sources yet"), "",
		container.NewVBox(
			widget.NewLabel(lang.L("Import a directory file to fill the directory:")),
			widget.NewLabel(lang.L("a Meeting Guide JSON file from an AA intergroup or Al-Anon area,")),
			widget.NewLabel(lang.L("a BMLT JSON file from an NA region, or a CSV from the 12 Step Meeting List.")),
			widget.NewLabel(lang.L("Import it again later to bring the listings up to date.")),
			container.NewHBox(importFirst, exportManual),
		)))
	s.empty.Hide()
	s.content = container.NewStack(s.browse, s.empty)
}

// refresh loads the sources off the UI goroutine.
func (s *sourcesScreen) refresh() {
	s.seq++
	seq := s.seq
	s.bg.run(func() {
		sources, err := s.dir.Sources(context.Background())
		fyne.Do(func() { s.showSources(seq, sources, err) })
	})
}

func (s *sourcesScreen) showSources(seq int, sources []referral.Source, err error) {
	if seq != s.seq {
		return
	}
	if err != nil {
		showFailure(s.win, "sources", err, "")
		return
	}
	s.rows = nil
	s.list.RemoveAll()
	for i, src := range sources {
		if i > 0 {
			s.list.Add(widget.NewSeparator())
		}
		row := s.newRow(src)
		s.rows = append(s.rows, row)
		s.list.Add(container.NewBorder(nil, nil, nil,
			container.NewCenter(container.NewHBox(row.refresh, row.remove)),
			container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), row.name, row.about)))
	}
	setShown(s.empty, len(sources) == 0)
	setShown(s.browse, len(sources) > 0)
}

func (s *sourcesScreen) newRow(src referral.Source) *sourceRow {
	r := &sourceRow{source: src}
	r.name = widget.NewLabelWithStyle(src.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.about = widget.NewLabel(s.aboutSource(src))
	r.about.Truncation = fyne.TextTruncateEllipsis
	r.refresh = widget.NewButtonWithIcon(lang.L("Refresh from file…"), theme.ViewRefreshIcon(),
		func() { s.importer.onRefresh(src.Name) })
	r.remove = widget.NewButtonWithIcon(lang.L("Remove this source…"), theme.DeleteIcon(),
		func() { s.onRemove(src) })
	return r
}

// aboutSource is a row's second line: format, size and last import.
func (s *sourcesScreen) aboutSource(src referral.Source) string {
	text := fileFormatChoice().labelOr(src.Format) + " · " + groupsText(src.Groups)
	if !src.LastImport.IsZero() {
		text += " · " + lang.L("imported {{.When}}", map[string]any{"When": src.LastImport.In(s.loc).Format(importTimeLayout)})
	}
	return text
}

// onRemove asks first, naming the source and what leaves with it.
func (s *sourcesScreen) onRemove(src referral.Source) {
	msg := lang.L("Remove {{.Name}}? Its {{.Groups}} leave the directory and are no longer suggested.",
		map[string]any{"Name": src.Name, "Groups": groupsText(src.Groups)}) + "\n" +
		lang.L("Your notes on them are kept and come back if you import {{.Name}} again.", map[string]any{"Name": src.Name})
	askDestructive(s.win, lang.L("Remove source?"), msg, lang.L("Remove source"), func() { s.removeSource(src.Name) })
}

func (s *sourcesScreen) removeSource(name string) {
	s.bg.run(func() {
		err := s.dir.RemoveSource(context.Background(), name)
		fyne.Do(func() {
			if err != nil {
				showFailure(s.win, "remove source", err, "")
				return
			}
			s.changed()
		})
	})
}
