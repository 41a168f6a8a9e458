package app

import (
	"context"
	"errors"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

const (
	// historyPage is how many log entries one query brings; Load more
	// brings the next page.
	historyPage = 50
)

// historyScreen is the History area: the referral log newest first on the
// left; on the right the chosen entry with Reprint…, Record follow-up… and
// Delete entry…. The log holds sensitive client data: nothing from an
// entry's label or notes goes into a log line or an error message.
type historyScreen struct {
	win      fyne.Window
	history  referral.HistoryService
	groups   referral.GroupService
	sheets   referral.SheetRenderer
	settings referral.SettingsService
	bg       background
	zones    *clinicZones // the zone a reprint prints online times in
	now      func() time.Time
	loc      *time.Location
	changed  func() // a group's curation changed; screens showing the directory refresh
	openURL  func(*url.URL) error

	retentionDays int // for the empty state: entries older than this are deleted

	entries  []*referral.Referral // the rows of the list, newest first
	total    int                  // how many entries the log holds
	selected *referral.Referral   // the entry in the detail pane, or nil

	count *widget.Label
	list  *widget.List
	more  *widget.Button

	when, label, groupsText, sheet, followUp, notes *widget.Label
	reprint, recordFollowUp, delete                 *widget.Button
	detail, placeholder                             fyne.CanvasObject

	browse    fyne.CanvasObject
	empty     fyne.CanvasObject
	emptyNote *widget.Label
	content   *fyne.Container

	// The dialogs in progress, kept so tests can drive them.
	pending *reprintJob   // the reprint waiting for its file
	form    *followUpForm // the follow-up being recorded

	seq          int  // numbers loads so a stale answer is dropped
	moveSelected bool // the screen itself is moving the list selection
}

func newHistoryScreen(win fyne.Window, s Services, bg background, zones *clinicZones, changed func()) *historyScreen {
	h := &historyScreen{win: win, history: s.History, groups: s.Groups, sheets: s.Sheets, settings: s.Settings,
		bg: bg, zones: zones, now: s.Now, loc: time.Local, changed: changed, retentionDays: referral.DefaultRetentionDays,
		openURL: func(u *url.URL) error { return fyne.CurrentApp().OpenURL(u) }}
	h.buildUI()
	h.refresh()
	return h
}

func (h *historyScreen) buildUI() {
	h.count = widget.NewLabel("")
	h.count.Importance = widget.LowImportance
	h.list = widget.NewList(h.listLength, newReferralRow, h.updateReferralRow)
	h.list.OnSelected = h.onEntrySelected
	h.more = widget.NewButton(lang.L("Load more"), h.onLoadMore)
	h.more.Hide()
	left := container.NewBorder(h.count, h.more, nil, nil, h.list)

	h.when = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.when.SizeName = theme.SizeNameSubHeadingText
	h.label = widget.NewLabel("")
	h.groupsText = widget.NewLabel("")
	h.groupsText.Wrapping = fyne.TextWrapWord
	h.sheet = widget.NewLabel("")
	h.followUp = wrapped("", widget.MediumImportance)
	h.notes = wrapped("", widget.MediumImportance)
	h.reprint = widget.NewButtonWithIcon(lang.L("Reprint…"), theme.DocumentPrintIcon(), h.onReprint)
	h.reprint.Importance = widget.HighImportance
	h.recordFollowUp = widget.NewButtonWithIcon(lang.L("Record follow-up…"), theme.DocumentCreateIcon(), h.onRecordFollowUp)
	h.delete = widget.NewButtonWithIcon(lang.L("Delete entry…"), theme.DeleteIcon(), h.onDelete)
	h.delete.Importance = widget.DangerImportance

	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	body := container.NewVBox(
		h.when, h.label,
		widget.NewSeparator(), heading(lang.L("Groups referred")), h.groupsText, h.sheet,
		widget.NewSeparator(), heading(lang.L("Follow-up")), h.followUp, h.notes,
	)
	actions := container.NewHBox(h.reprint, h.recordFollowUp, layout.NewSpacer(), h.delete)
	h.detail = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), actions), nil, nil,
		container.NewVScroll(container.NewPadded(body)))
	h.detail.Hide()
	h.placeholder = container.NewCenter(widget.NewLabel(lang.L("Choose a referral in the list to reprint it or record a follow-up.")))

	split := container.NewHSplit(left, container.NewStack(h.placeholder, h.detail))
	split.Offset = 0.45
	h.browse = split

	h.emptyNote = widget.NewLabel("")
	h.empty = container.NewCenter(widget.NewCard(lang.L("No referrals yet"), "",
		container.NewVBox(
			widget.NewLabel(lang.L("Referrals appear here when you save or print a sheet from the Referral screen.")),
			h.emptyNote,
		)))
	h.setRetentionDays(h.retentionDays)
	h.empty.Hide()
	h.content = container.NewStack(h.browse, h.empty)
}

// setRetentionDays tells the empty state how long entries are kept.
func (h *historyScreen) setRetentionDays(days int) {
	h.retentionDays = days
	h.emptyNote.SetText(lang.L("Entries older than {{.Days}} days are deleted automatically.", map[string]any{"Days": days}))
}

// newReferralRow is one list row: when and the label, the groups, and the
// follow-up.
func newReferralRow() fyne.CanvasObject {
	when := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	when.Truncation = fyne.TextTruncateEllipsis
	groups := widget.NewLabel("")
	groups.Truncation = fyne.TextTruncateEllipsis
	follow := widget.NewLabel("")
	follow.Truncation = fyne.TextTruncateEllipsis
	follow.Importance = widget.LowImportance
	return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), when, groups, follow)
}

func (h *historyScreen) listLength() int { return len(h.entries) }

func (h *historyScreen) updateReferralRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(h.entries) {
		return
	}
	r := h.entries[id]
	row := o.(*fyne.Container).Objects
	when := h.whenText(r)
	if r.ClientLabel != "" {
		when += " · " + r.ClientLabel
	}
	row[0].(*widget.Label).SetText(when)
	row[1].(*widget.Label).SetText(referredText(r.Groups, ", ") + " · " + langChoice().label(sheetLang(r.Lang)))
	row[2].(*widget.Label).SetText(followUpText(r))
}

func (h *historyScreen) whenText(r *referral.Referral) string {
	return momentText(r.Created.In(h.loc), true)
}

// referredText names the referred groups with their programs.
func referredText(gs []referral.ReferredGroup, sep string) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = g.Name
		if g.Program != "" {
			names[i] += " (" + string(g.Program) + ")"
		}
	}
	return strings.Join(names, sep)
}

func sheetLang(l referral.Lang) referral.Lang {
	return referral.Sheet{Lang: l}.Language()
}

// followUpText sums up what the client said at follow-up, in one line.
func followUpText(r *referral.Referral) string {
	if r.FollowUp == nil {
		return lang.L("No follow-up yet")
	}
	return lang.L("Follow-up: {{.What}}", map[string]any{"What": followUpAnswers(r.FollowUp, r)})
}

// followUpAnswers lists the answers: "went to X, felt welcome".
func followUpAnswers(f *referral.FollowUp, r *referral.Referral) string {
	var parts []string
	switch f.Went {
	case referral.AnswerYes:
		if g, ok := r.Referred(f.GroupID); ok && f.GroupID != 0 {
			parts = append(parts, lang.L("went to {{.Group}}", map[string]any{"Group": g.Name}))
		} else {
			parts = append(parts, lang.L("went to a group"))
		}
	case referral.AnswerNo:
		parts = append(parts, lang.L("did not go"))
	default:
		parts = append(parts, lang.L("not known whether they went"))
	}
	switch f.FeltWelcome {
	case referral.AnswerYes:
		parts = append(parts, lang.L("felt welcome"))
	case referral.AnswerNo:
		parts = append(parts, lang.L("did not feel welcome"))
	}
	if f.NotWelcomeOnMedication {
		parts = append(parts, lang.L("was told people on medication are not welcome"))
	}
	return strings.Join(parts, ", ")
}

// refresh loads the newest entries off the UI goroutine, as many as the list
// shows already, so a refresh after Load more keeps the rows loaded.
func (h *historyScreen) refresh() {
	if h.history == nil {
		h.showEntries(h.seq, nil, 0, nil, false) // a window opened without a log, as in some tests
		return
	}
	h.seq++
	seq, filter := h.seq, referral.ReferralFilter{Limit: max(historyPage, len(h.entries))}
	h.bg.run(func() {
		rs, total, err := h.history.FindReferrals(context.Background(), filter)
		fyne.Do(func() { h.showEntries(seq, rs, total, err, false) })
	})
}

func (h *historyScreen) onLoadMore() {
	h.seq++
	seq, filter := h.seq, referral.ReferralFilter{Offset: len(h.entries), Limit: historyPage}
	h.bg.run(func() {
		rs, total, err := h.history.FindReferrals(context.Background(), filter)
		fyne.Do(func() { h.showEntries(seq, rs, total, err, true) })
	})
}

// showEntries shows a page of the log, replacing the rows or adding to them.
// Entries logged since the first page shift the offsets, so a page may
// repeat rows already shown; those are skipped.
func (h *historyScreen) showEntries(seq int, rs []*referral.Referral, total int, err error, more bool) {
	if seq != h.seq {
		return
	}
	if err != nil {
		showFailure(h.win, "history: load", err, "")
		return
	}
	if more {
		for _, r := range rs {
			if !slices.ContainsFunc(h.entries, func(x *referral.Referral) bool { return x.ID == r.ID }) {
				h.entries = append(h.entries, r)
			}
		}
	} else {
		h.entries = rs
	}
	h.total = max(total, len(h.entries))
	h.list.Refresh()
	h.count.SetText(h.countText())
	setShown(h.more, len(h.entries) < h.total)
	h.reselect()
	setShown(h.empty, h.total == 0)
	setShown(h.browse, h.total > 0)
}

func (h *historyScreen) countText() string {
	switch {
	case h.total == 1:
		return lang.L("1 referral")
	case len(h.entries) < h.total:
		return lang.L("Newest {{.Shown}} of {{.Total}} referrals", map[string]any{"Shown": len(h.entries), "Total": h.total})
	default:
		return lang.L("{{.Total}} referrals, newest first", map[string]any{"Total": h.total})
	}
}

// reselect shows the selected entry's fresh copy, or clears the detail pane
// if it is no longer listed.
func (h *historyScreen) reselect() {
	h.moveSelected = true
	defer func() { h.moveSelected = false }()
	if h.selected != nil {
		for i, r := range h.entries {
			if r.ID == h.selected.ID {
				h.list.Select(i)
				h.showDetail(r)
				return
			}
		}
	}
	h.list.UnselectAll()
	h.showDetail(nil)
}

func (h *historyScreen) onEntrySelected(id widget.ListItemID) {
	if h.moveSelected || id >= len(h.entries) {
		return
	}
	h.showDetail(h.entries[id])
}

// showDetail fills the right side with r, or the placeholder when nil.
func (h *historyScreen) showDetail(r *referral.Referral) {
	h.selected = r
	setShown(h.detail, r != nil)
	setShown(h.placeholder, r == nil)
	if r == nil {
		return
	}
	h.when.SetText(h.whenText(r))
	if r.ClientLabel == "" {
		h.label.SetText(lang.L("No client label"))
	} else {
		h.label.SetText(lang.L("Client label: {{.Label}}", map[string]any{"Label": r.ClientLabel}))
	}
	h.groupsText.SetText("• " + referredText(r.Groups, "\n• "))
	h.sheet.SetText(sheetText(r))
	h.followUp.SetText(lang.L("No follow-up yet"))
	h.notes.SetText("")
	if f := r.FollowUp; f != nil {
		h.followUp.SetText(sentence(followUpAnswers(f, r)))
		h.notes.SetText(lang.L("Recorded {{.When}}", map[string]any{"When": momentText(f.Recorded.In(h.loc), true)}))
		if f.Notes != "" {
			h.notes.SetText(h.notes.Text + "\n" + lang.L("Notes: {{.Notes}}", map[string]any{"Notes": f.Notes}))
		}
	}
	setShown(h.notes, h.notes.Text != "")
	h.detail.Refresh() // lay out again for the wrapped texts' new heights
}

// sheetText says how the sheet was printed: "English · Letter · large print".
func sheetText(r *referral.Referral) string {
	sh := referral.Sheet{Lang: r.Lang, Paper: r.Paper}
	parts := []string{langChoice().label(sh.Language()), paperChoice().label(sh.PaperSize())}
	if r.Large {
		parts = append(parts, lang.L("large print"))
	}
	return lang.L("Sheet: {{.How}}", map[string]any{"How": strings.Join(parts, " · ")})
}

// reprintJob is a sheet ready to render, waiting for the file to save it to.
type reprintJob struct {
	sheet referral.Sheet
	// missing names the referred groups left out: logged before the log kept
	// the printed cards, and no longer in the directory.
	missing []string
	// removed names the groups printed from the log that the directory no
	// longer lists; their cards say so.
	removed []string
}

// onReprint builds the sheet as it was printed, looking up which referred
// groups the directory still lists, then asks where to save it.
func (h *historyScreen) onReprint() {
	r := h.selected
	if r == nil {
		return
	}
	now := h.now()
	h.bg.run(func() {
		ctx := context.Background()
		job, err := h.prepareReprint(ctx, r, now)
		fyne.Do(func() {
			if err != nil {
				showFailure(h.win, "history: reprint", err, "")
				return
			}
			h.askReprintFile(job)
		})
	})
}

func (h *historyScreen) prepareReprint(ctx context.Context, r *referral.Referral, now time.Time) (*reprintJob, error) {
	st, err := loadSettings(ctx, h.settings)
	if err != nil {
		return nil, err
	}
	listed, err := referral.FindReferred(ctx, h.groups, r)
	if err != nil {
		return nil, err
	}
	job := &reprintJob{}
	var left []referral.ReferredGroup
	job.sheet, left = r.Reprint(st, now, listed)
	for _, rg := range left {
		job.missing = append(job.missing, rg.Name)
	}
	for _, i := range job.sheet.Removed {
		job.removed = append(job.removed, job.sheet.Groups[i].Name)
	}
	// Today's zone, as today's settings head the sheet: the saved or this
	// computer's, else the guess for the client's ZIP of the referral.
	job.sheet.ClinicZone = h.zones.forClient(st, r.Needs.Origin)
	return job, nil
}

// askReprintFile says which groups are gone, if any, then offers the save
// dialog; with no group left there is nothing to print.
func (h *historyScreen) askReprintFile(job *reprintJob) {
	if len(job.sheet.Groups) == 0 {
		dialog.ShowInformation(lang.L("Nothing to reprint"),
			lang.L("None of the groups on this referral is listed in the directory any more: {{.Names}}. Make a new referral from the Referral screen.",
				map[string]any{"Names": strings.Join(job.missing, ", ")}), h.win)
		return
	}
	h.pending = job
	if len(job.missing) == 0 && len(job.removed) == 0 {
		h.chooseSheetFile(job)
		return
	}
	var say []string
	if len(job.removed) > 0 {
		say = append(say, removedText(job))
	}
	if len(job.missing) > 0 {
		say = append(say, missingText(job),
			lang.L("The sheet lists the other {{.N}}.", map[string]any{"N": groupsText(len(job.sheet.Groups))}))
	}
	d := dialog.NewConfirm(lang.L("Reprint"), strings.Join(say, "\n"),
		func(ok bool) {
			if ok {
				h.chooseSheetFile(job)
			} else {
				h.pending = nil
			}
		}, h.win)
	d.SetConfirmText(lang.L("Choose file…"))
	d.SetDismissText(lang.L("Cancel"))
	d.Show()
}

// removedText says which groups print as they were, marked, though the
// directory no longer lists them.
func removedText(job *reprintJob) string {
	if len(job.removed) == 1 {
		return lang.L("{{.Name}} has been removed from the directory since; the sheet prints it as it was, marked to call ahead.",
			map[string]any{"Name": job.removed[0]})
	}
	return lang.L("{{.Names}} have been removed from the directory since; the sheet prints them as they were, marked to call ahead.",
		map[string]any{"Names": strings.Join(job.removed, ", ")})
}

func missingText(job *reprintJob) string {
	if len(job.missing) == 1 {
		return lang.L("{{.Name}} is no longer listed in the directory.", map[string]any{"Name": job.missing[0]})
	}
	return lang.L("{{.Names}} are no longer listed in the directory.", map[string]any{"Names": strings.Join(job.missing, ", ")})
}

func (h *historyScreen) chooseSheetFile(job *reprintJob) {
	askSaveFile(h.win, "reprint", sheetFileName(job.sheet.Date), ".pdf", func(file fyne.URIWriteCloser) {
		if file == nil {
			h.pending = nil
			return
		}
		h.onReprintTo(file)
	})
}

// onReprintTo renders the pending sheet off the UI goroutine and saves it to
// file, which the save dialog has created.
func (h *historyScreen) onReprintTo(file fyne.URIWriteCloser) {
	job := h.pending
	h.pending = nil
	if job == nil {
		file.Close()
		return
	}
	h.reprint.Disable()
	h.bg.run(func() {
		err := h.writeSheet(context.Background(), file, job.sheet)
		fyne.Do(func() { h.reprinted(file.URI(), job, err) })
	})
}

// writeSheet saves the sheet as the Referral screen's Save… does (see
// writeSheetFile and writeURI): never a half-written file, a failed save
// removes the file the save dialog created, and a local file is readable by
// the user only, as it holds client data.
func (h *historyScreen) writeSheet(ctx context.Context, file fyne.URIWriteCloser, sheet referral.Sheet) error {
	render := func(w io.Writer) error {
		return h.sheets.RenderPDF(ctx, w, sheet)
	}
	if file.URI().Scheme() == "file" {
		file.Close()
		return writeSheetFile(file.URI().Path(), render)
	}
	return writeURI(file, render)
}

func (h *historyScreen) reprinted(file fyne.URI, job *reprintJob, err error) {
	h.reprint.Enable()
	if err != nil {
		showFailure(h.win, "reprint", err, lang.L("No file was saved. Try again, or choose another folder."))
		return
	}
	msg := lang.L("Saved the sheet with {{.Groups}} to {{.File}}. Open it to print it.",
		map[string]any{"Groups": groupsText(len(job.sheet.Groups)), "File": file.Name()})
	if len(job.removed) > 0 {
		msg += "\n" + removedText(job)
	}
	if len(job.missing) > 0 {
		msg += "\n" + missingText(job)
	}
	d := dialog.NewConfirm(lang.L("Sheet saved"), msg, func(open bool) {
		if open {
			h.onOpen(file)
		}
	}, h.win)
	d.SetConfirmText(lang.L("Open"))
	d.SetDismissText(lang.L("Close"))
	d.Show()
}

// onOpen hands the saved sheet to the system's PDF viewer, to print from.
func (h *historyScreen) onOpen(file fyne.URI) {
	u, err := url.Parse(file.String())
	if err == nil {
		err = h.openURL(u)
	}
	if err != nil {
		fyne.LogError("reprint: open sheet", err)
		dialog.ShowError(errors.New(lang.L("The sheet could not be opened. Open {{.File}} from its folder to print it.",
			map[string]any{"File": file.Name()})), h.win)
	}
}

// onDelete asks first: an entry cannot be brought back.
func (h *historyScreen) onDelete() {
	r := h.selected
	if r == nil {
		return
	}
	askDestructive(h.win, lang.L("Delete entry?"),
		lang.L("Delete the referral of {{.When}} from the log? Its follow-up is deleted too. This cannot be undone.",
			map[string]any{"When": h.whenText(r)}),
		lang.L("Delete entry"), func() { h.deleteEntry(r.ID) })
}

func (h *historyScreen) deleteEntry(id int64) {
	h.delete.Disable() // until the write is done: it may wait for another program's
	h.bg.run(func() {
		err := h.history.DeleteReferral(context.Background(), id)
		fyne.Do(func() {
			h.delete.Enable()
			if err != nil {
				showFailure(h.win, "history: delete", err, "")
			}
			h.refresh()
		})
	})
}
