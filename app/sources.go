package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// sourcesScreen is the Sources area: the directory files and feeds groups
// were imported from, each with its format, size and last import and, for a
// feed, its address and what came of its last refresh, to refresh or
// remove; and the Import…, Add feed…, Refresh all and Export… buttons.
type sourcesScreen struct {
	win      fyne.Window
	dir      referral.DirectoryService
	subs     referral.SubscriptionService
	bg       background
	importer *importer
	feeds    *feeds
	exporter *exporter
	changed  func() // a source was removed; screens showing the directory refresh
	loc      *time.Location

	importButton     *widget.Button
	addFeedButton    *widget.Button
	refreshAllButton *widget.Button // shown while a source is subscribed
	exportButton     *widget.Button
	buttons          *fyne.Container // the toolbar's, laid out again when Refresh all shows or goes
	subscribed       int             // how many sources are, for Refresh all's bar
	rows             []*sourceRow
	list             *fyne.Container
	browse           fyne.CanvasObject
	empty            fyne.CanvasObject
	content          *fyne.Container

	seq int // numbers loads so a stale answer is dropped
}

// sourceRow is one source in the list, with its buttons.
type sourceRow struct {
	source referral.Source
	sub    *referral.Subscription // nil for a source imported from files
	name   *widget.Label
	about  *widget.Label
	// from and status say, for a subscribed source, its address and its
	// last successful refresh and last attempt; hidden for a file's.
	from    *widget.Label
	status  *widget.Label
	refresh *widget.Button // fetches the feed again, or asks for a newer file
	remove  *widget.Button
}

func newSourcesScreen(win fyne.Window, dir referral.DirectoryService, subs referral.SubscriptionService, bg background,
	imp *importer, fds *feeds, exp *exporter, changed func()) *sourcesScreen {
	s := &sourcesScreen{win: win, dir: dir, subs: subs, bg: bg, importer: imp, feeds: fds, exporter: exp, changed: changed, loc: time.Local}
	s.buildUI()
	s.refresh()
	return s
}

func (s *sourcesScreen) buildUI() {
	s.importButton = widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), s.importer.onImport)
	s.importButton.Importance = widget.HighImportance
	s.addFeedButton = widget.NewButtonWithIcon(lang.L("Add feed…"), theme.ContentAddIcon(), s.feeds.onAddFeed)
	s.refreshAllButton = widget.NewButtonWithIcon(lang.L("Refresh all"), theme.ViewRefreshIcon(), s.onRefreshAll)
	s.refreshAllButton.Hide()
	s.exportButton = widget.NewButtonWithIcon(lang.L("Export…"), theme.UploadIcon(), s.exporter.onExport)
	intro := widget.NewLabel(lang.L("Directory files and feeds the groups were imported from. Importing or refreshing a source replaces its listings; your notes on groups are kept."))
	intro.Wrapping = fyne.TextWrapWord
	s.buttons = container.NewHBox(s.importButton, s.addFeedButton, s.refreshAllButton, s.exportButton)
	// The buttons go under the text: four of them beside it leave the text
	// no room on a narrow window.
	toolbar := container.NewVBox(intro, s.buttons)

	s.list = container.NewVBox()
	s.browse = container.NewPadded(container.NewBorder(container.NewVBox(toolbar, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(s.list)))

	importFirst := widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), s.importer.onImport)
	importFirst.Importance = widget.HighImportance
	addFirst := widget.NewButtonWithIcon(lang.L("Add feed…"), theme.ContentAddIcon(), s.feeds.onAddFeed)
	// Groups added by hand can be exported before any import.
	exportManual := widget.NewButtonWithIcon(lang.L("Export…"), theme.UploadIcon(), s.exporter.onExport)
	s.empty = container.NewCenter(widget.NewCard(lang.L("No sources yet"), "",
		container.NewVBox(
			widget.NewLabel(lang.L("Import a directory file to fill the directory:")),
			widget.NewLabel(lang.L("a Meeting Guide JSON file from an AA intergroup or Al-Anon area,")),
			widget.NewLabel(lang.L("a BMLT JSON file from an NA region, or a CSV from the 12 Step Meeting List.")),
			widget.NewLabel(lang.L("Import it again later to bring the listings up to date,")),
			widget.NewLabel(lang.L("or add the feed's web address, and Refresh fetches it again when you ask.")),
			container.NewHBox(importFirst, addFirst, exportManual),
		)))
	s.empty.Hide()
	s.content = container.NewStack(s.browse, s.empty)
}

// refresh loads the sources and their subscriptions off the UI goroutine.
func (s *sourcesScreen) refresh() {
	s.seq++
	seq := s.seq
	s.bg.run(func() {
		ctx := context.Background()
		sources, err := s.dir.Sources(ctx)
		var subs []referral.Subscription
		if err == nil {
			subs, err = s.subs.Subscriptions(ctx)
		}
		fyne.Do(func() { s.showSources(seq, sources, subs, err) })
	})
}

func (s *sourcesScreen) showSources(seq int, sources []referral.Source, subs []referral.Subscription, err error) {
	if seq != s.seq {
		return
	}
	if err != nil {
		showFailure(s.win, "sources", err, "")
		return
	}
	bySource := make(map[string]referral.Subscription, len(subs))
	for _, sub := range subs {
		bySource[sub.Source] = sub
	}
	s.rows = nil
	s.list.RemoveAll()
	for i, src := range sources {
		if i > 0 {
			s.list.Add(widget.NewSeparator())
		}
		var sub *referral.Subscription
		if x, ok := bySource[src.Name]; ok {
			sub = &x
		}
		row := s.newRow(src, sub)
		s.rows = append(s.rows, row)
		s.list.Add(container.NewBorder(nil, nil, nil,
			container.NewCenter(container.NewHBox(row.refresh, row.remove)),
			container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), row.name, row.about, row.from, row.status)))
	}
	s.subscribed = len(subs)
	setShown(s.refreshAllButton, len(subs) > 0)
	s.buttons.Refresh()
	setShown(s.empty, len(sources) == 0)
	setShown(s.browse, len(sources) > 0)
}

func (s *sourcesScreen) newRow(src referral.Source, sub *referral.Subscription) *sourceRow {
	r := &sourceRow{source: src, sub: sub}
	r.name = widget.NewLabelWithStyle(src.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.about = widget.NewLabel(s.aboutSource(src))
	r.about.Truncation = fyne.TextTruncateEllipsis
	r.from = widget.NewLabel("")
	r.from.Truncation = fyne.TextTruncateEllipsis
	r.status = widget.NewLabel("")
	r.status.Truncation = fyne.TextTruncateEllipsis
	if sub == nil {
		r.from.Hide()
		r.status.Hide()
		r.refresh = widget.NewButtonWithIcon(lang.L("Refresh from file…"), theme.ViewRefreshIcon(),
			func() { s.importer.onRefresh(src.Name) })
	} else {
		r.from.SetText(lang.L("From {{.URL}}", map[string]any{"URL": sub.URL}))
		r.status.SetText(s.aboutSubscription(*sub))
		if sub.LastStatus == referral.RefreshFailed {
			r.status.Importance = widget.DangerImportance
		}
		r.refresh = widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(),
			func() { s.feeds.refresh([]string{src.Name}, 1, false) })
	}
	r.remove = widget.NewButtonWithIcon(lang.L("Remove this source…"), theme.DeleteIcon(),
		func() { s.onRemove(src) })
	return r
}

// aboutSource is a row's second line: format, size and last import.
func (s *sourcesScreen) aboutSource(src referral.Source) string {
	text := fileFormatChoice().labelOr(src.Format) + " · " + groupsText(src.Groups)
	if !src.LastImport.IsZero() {
		text += " · " + lang.L("imported {{.When}}", map[string]any{"When": momentText(src.LastImport.In(s.loc), false)})
	}
	return text
}

// aboutSubscription is a feed's last line: its last successful refresh and
// its last attempt with the result.
func (s *sourcesScreen) aboutSubscription(sub referral.Subscription) string {
	text := lang.L("Never refreshed successfully")
	if !sub.LastSuccess.IsZero() {
		text = lang.L("Refreshed {{.When}}", map[string]any{"When": momentText(sub.LastSuccess.In(s.loc), false)})
	}
	if !sub.LastAttempt.IsZero() {
		text += " · " + lang.L("last try {{.When}}: {{.Result}}", map[string]any{
			"When": momentText(sub.LastAttempt.In(s.loc), false), "Result": strings.Join(strings.Fields(sub.LastResult), " ")})
	}
	return text
}

func (s *sourcesScreen) rowOf(name string) *sourceRow {
	for _, r := range s.rows {
		if r.source.Name == name {
			return r
		}
	}
	return nil
}

func (s *sourcesScreen) setRowBusy(r *sourceRow, busy bool) {
	if r != nil {
		enable(r.refresh, !busy)
		enable(r.remove, !busy)
	}
}

// onRefreshAll fetches every subscribed source again.
func (s *sourcesScreen) onRefreshAll() { s.feeds.refresh(nil, s.subscribed, false) }

// onRemove asks first, naming the source and what leaves with it.
func (s *sourcesScreen) onRemove(src referral.Source) {
	msg := lang.L("Remove {{.Name}}? Its {{.Groups}} leave the directory and are no longer suggested.",
		map[string]any{"Name": src.Name, "Groups": groupsText(src.Groups)}) + "\n" +
		lang.L("Your notes on them are kept and come back if you import {{.Name}} again.", map[string]any{"Name": src.Name})
	askDestructive(s.win, lang.L("Remove source?"), msg, lang.L("Remove source"), func() { s.removeSource(src.Name) })
}

// removeSource removes it off the UI goroutine; the row's buttons stay off
// until the write is done, as it may wait for another program's.
func (s *sourcesScreen) removeSource(name string) {
	row := s.rowOf(name)
	s.setRowBusy(row, true)
	s.bg.run(func() {
		err := s.dir.RemoveSource(context.Background(), name)
		fyne.Do(func() {
			s.setRowBusy(row, false)
			if err != nil {
				showFailure(s.win, "remove source", err, "")
				return
			}
			s.changed()
		})
	})
}
