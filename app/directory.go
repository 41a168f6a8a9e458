package app

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	// searchDelay lets a counselor finish a word before the directory is queried.
	searchDelay = 150 * time.Millisecond
	// slowSearch is how long a query may take before the count line says
	// it is still searching: the first search after another program's
	// import waits seconds for the directory's index to be built again.
	slowSearch = 400 * time.Millisecond
	// listLimit caps the rows one query brings into the list; a directory of
	// a quarter of a million groups is narrowed by typing, not scrolling.
	listLimit = 1000
	// savedNoticeFor is how long "Saved" stays beside the Save button.
	savedNoticeFor = 3 * time.Second
	// staleYears is how long ago a listing's source last changed it for
	// the Directory's "not updated for a year" filter.
	staleYears = 1
	// hitChars is the most of a field the matched-in line under a name
	// shows, so a long note does not push the next field out of sight.
	hitChars = 48
)

// directoryScreen is the Directory area: the list of groups with a filter bar
// on the left, the selected group's form on the right, and a welcome card when
// the directory is empty.
type directoryScreen struct {
	win        fyne.Window
	groups     referral.GroupService
	bg         background
	now        func() time.Time
	importFile func() // starts Import…
	onShown    func() // called after each answer is shown; may be nil

	search     *widget.Entry
	program    *widget.Select
	attendance *widget.Select
	weekday    *widget.Select
	showAll    *widget.Check
	stale      *widget.Check // only listings not updated for a year
	count      *widget.Label
	stopSlow   func() // stops the "Searching…" of the query under way
	add        *widget.Button
	list       *widget.List
	noMatch    fyne.CanvasObject

	form        *groupForm
	placeholder fyne.CanvasObject

	browse       fyne.CanvasObject
	empty        fyne.CanvasObject
	emptyActions *fyne.Container // Add group and Import… under the welcome text
	content      *fyne.Container

	shown      []*referral.Group    // the rows of the list
	hits       [][]referral.TextHit // for each row, where the search found it beyond its name
	tallRows   []widget.ListItemID  // the rows made tall for their matched-in line
	rowHeights [2]float32           // a row without and with its matched-in line
	total      int                  // how many groups match, beyond listLimit too
	leftOut    int                  // how many more would match with hidden and inactive ones
	editing    bool                 // the form is showing a group

	seq          int                // numbers queries so a stale answer is dropped
	cancelQuery  context.CancelFunc // cancels the query in flight, if any
	stopSearch   func()             // cancels the pending debounced search
	stopNotice   func()             // cancels hiding the "Saved" notice
	moveSelected bool               // the screen itself is moving the list selection
}

func newDirectoryScreen(win fyne.Window, groups referral.GroupService, bg background, importFile, onShown func()) *directoryScreen {
	s := &directoryScreen{win: win, groups: groups, bg: bg, now: time.Now, importFile: importFile, onShown: onShown}
	s.buildUI()
	s.refresh()
	return s
}

func (s *directoryScreen) buildUI() {
	s.search = widget.NewEntry()
	s.search.PlaceHolder = lang.L("Search name, place, notes…")
	s.search.OnChanged = s.onSearchChanged
	s.program = newSelect(append([]string{lang.L("All programs")}, programTitles()...), s.onFilterChanged)
	s.program.SetSelectedIndex(0)
	s.attendance = newSelect(append([]string{lang.L("Any attendance")}, attendanceChoice().labels...), s.onFilterChanged)
	s.attendance.SetSelectedIndex(0)
	s.weekday = newSelect(append([]string{lang.L("Any day")}, weekdayChoice().labels...), s.onFilterChanged)
	s.weekday.SetSelectedIndex(0)
	// Hidden and inactive groups are left out at first, as a referral
	// leaves them out: a search lists what can be suggested. The count line
	// says how many the box leaves out, so a counselor looking for one (to
	// un-hide it) knows to tick it.
	s.showAll = widget.NewCheck(lang.L("Include hidden and inactive groups"), s.onShowAllChanged)
	s.stale = widget.NewCheck(lang.L("Not updated for a year"), s.onShowAllChanged)
	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance
	// Wrapped, so that its longest form (what the list shows of how many,
	// and what it leaves out) never widens the window.
	s.count.Wrapping = fyne.TextWrapWord
	s.add = widget.NewButtonWithIcon(lang.L("Add group"), theme.ContentAddIcon(), s.onAdd)

	s.list = widget.NewList(s.listLength, newGroupRow, s.updateGroupRow)
	s.list.OnSelected = s.onGroupSelected
	clearFilters := widget.NewButton(lang.L("Clear filters"), s.onClearFilters)
	s.noMatch = container.NewCenter(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("No groups match these filters."), fyne.TextAlignCenter, fyne.TextStyle{}),
		container.NewCenter(clearFilters)))
	s.noMatch.Hide()

	filters := container.NewVBox(
		container.NewBorder(nil, nil, nil, s.add, s.search),
		container.NewGridWithColumns(3, s.program, s.attendance, s.weekday),
		container.NewHBox(s.showAll, s.stale),
		// A line of its own: with what the box leaves out it is long.
		s.count,
	)
	left := container.NewBorder(filters, nil, nil, nil, container.NewStack(s.list, s.noMatch))

	s.form = newGroupForm(func() time.Time { return s.now() })
	s.form.save.OnTapped = s.onSave
	s.form.delete.OnTapped = s.onDelete
	s.form.content.Hide()
	s.placeholder = container.NewCenter(widget.NewLabel(lang.L("Choose a group in the list to see and edit it, or add a new one.")))
	right := container.NewStack(s.placeholder, s.form.content)

	split := container.NewHSplit(left, right)
	split.Offset = 0.4
	s.browse = split

	addFirst := widget.NewButtonWithIcon(lang.L("Add group"), theme.ContentAddIcon(), s.onAdd)
	// Importing is how most directories start, so Import… is the main action.
	importFirst := widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), s.onImport)
	importFirst.Importance = widget.HighImportance
	s.emptyActions = container.NewHBox(addFirst, importFirst)
	s.empty = container.NewCenter(widget.NewCard(lang.L("Your directory is empty"), "",
		container.NewVBox(
			widget.NewLabel(lang.L("Referral Desk suggests support groups from this directory.")),
			widget.NewLabel(lang.L("Import a directory file from AA, NA or Al-Anon with Import…,")),
			widget.NewLabel(lang.L("or add a group by hand with Add group.")),
			s.emptyActions,
		)))
	s.empty.Hide()

	s.content = container.NewStack(s.browse, s.empty)
}

// newGroupRow is one list row: the name over program, times and place. A
// search that found the group by more than its name puts where, in a quiet
// line, between the two (see hitLine); the row is made taller for it (see
// fitRowHeights), so rows found by name stay two lines.
func newGroupRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	hit := widget.NewLabel("")
	hit.Importance = widget.LowImportance
	hit.Truncation = fyne.TextTruncateEllipsis
	hit.Hide()
	about := widget.NewLabel("")
	about.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), name, hit, about)
}

func (s *directoryScreen) listLength() int { return len(s.shown) }

func (s *directoryScreen) updateGroupRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.shown) {
		return
	}
	row := o.(*fyne.Container)
	g := s.shown[id]
	row.Objects[0].(*widget.Label).SetText(g.Name)
	hit := row.Objects[1].(*widget.Label)
	if line := hitLine(s.hits[id]); line != "" {
		hit.SetText(line)
		hit.Show()
	} else {
		hit.Hide()
	}
	about := groupSummary(g)
	if s.stale.Checked && !g.Updated.IsZero() {
		// What the filter is for: how old the listing is.
		about = lang.L("updated {{.Date}}", map[string]any{"Date": g.Updated.Format(dateLayout)}) + " · " + about
	}
	row.Objects[2].(*widget.Label).SetText(about)
	row.Refresh() // a row the list reuses may have gained or lost the matched-in line
}

// fitRowHeights makes the rows with a matched-in line tall enough for it,
// and the rows that had one before and have none now as short as the rest.
func (s *directoryScreen) fitRowHeights() {
	if s.rowHeights == [2]float32{} {
		// Measured once, from a row as the list makes them: the theme and
		// text size do not change while the window is open.
		row := newGroupRow().(*fyne.Container)
		s.rowHeights[0] = row.MinSize().Height
		row.Objects[1].Show()
		s.rowHeights[1] = row.MinSize().Height
	}
	short, tall := s.rowHeights[0], s.rowHeights[1]
	for _, id := range s.tallRows {
		if id >= len(s.hits) || len(s.hits[id]) == 0 {
			s.list.SetItemHeight(id, short)
		}
	}
	s.tallRows = s.tallRows[:0]
	for id, hits := range s.hits {
		if len(hits) > 0 {
			s.list.SetItemHeight(id, tall)
			s.tallRows = append(s.tallRows, id)
		}
	}
}

// hitLine is the quiet line under the name of a group a search found by
// more than its name: "matched in address: 1625 St. John's Way · notes:
// …St. John's parking lot". A field too long to show whole is shown from
// the word found in it.
func hitLine(hits []referral.TextHit) string {
	if len(hits) == 0 {
		return ""
	}
	parts := make([]string, len(hits))
	for i, h := range hits {
		text := h.Text
		if h.At > 0 && utf8.RuneCountInString(text) > hitChars {
			text = "…" + text[h.At:]
		}
		// One line: a note's line breaks would start another.
		text = referral.Truncate(strings.Join(strings.Fields(text), " "), hitChars)
		parts[i] = searchFieldLabel(h.Field) + ": " + text
	}
	return lang.L("matched in {{.Where}}", map[string]any{"Where": strings.Join(parts, " · ")})
}

// searchFieldLabel names a field in the matched-in line, in lower case as
// it stands inside the sentence.
func searchFieldLabel(f referral.SearchField) string {
	switch f {
	case referral.SearchLocation:
		return lang.L("location")
	case referral.SearchAddress:
		return lang.L("address")
	case referral.SearchCity:
		return lang.L("city")
	case referral.SearchRegions:
		return lang.L("region")
	case referral.SearchProgram:
		return lang.L("program")
	case referral.SearchDirections:
		return lang.L("directions")
	case referral.SearchNotes:
		return lang.L("notes")
	}
	return string(f)
}

// filter reads the filter bar.
func (s *directoryScreen) filter() referral.GroupFilter {
	f := referral.GroupFilter{
		Text:            strings.TrimSpace(s.search.Text),
		IncludeHidden:   s.showAll.Checked,
		IncludeInactive: s.showAll.Checked,
		Limit:           listLimit,
	}
	if i := s.program.SelectedIndex(); i > 0 {
		f.Program = referral.Programs[i-1].Program // programTitles' order
	}
	if s.attendance.SelectedIndex() > 0 {
		f.Attendance = attendanceChoice().value(s.attendance.Selected)
		f.IncludeInactive = f.IncludeInactive || f.Attendance == referral.Inactive
	}
	if i := s.weekday.SelectedIndex(); i > 0 {
		d := time.Weekday(i - 1)
		f.Weekday = &d
	}
	if s.stale.Checked {
		f.UpdatedBefore = s.now().AddDate(-staleYears, 0, 0)
	}
	return f
}

// filtered reports whether the filter bar narrows the directory beyond
// leaving out hidden and inactive groups, which it does at first.
func (s *directoryScreen) filtered() bool {
	f := s.filter()
	return f.Text != "" || f.Program != "" || f.Attendance != "" || f.Weekday != nil || !f.UpdatedBefore.IsZero()
}

func (s *directoryScreen) onSearchChanged(string) {
	if s.stopSearch != nil {
		s.stopSearch()
	}
	s.stopSearch = s.bg.after(searchDelay, s.refresh)
}

func (s *directoryScreen) onFilterChanged(string) {
	if s.list == nil {
		return // still building
	}
	s.refresh()
}

func (s *directoryScreen) onShowAllChanged(bool) { s.onFilterChanged("") }

func (s *directoryScreen) onClearFilters() {
	s.search.SetText("")
	s.program.SetSelectedIndex(0)
	s.attendance.SetSelectedIndex(0)
	s.weekday.SetSelectedIndex(0)
	s.showAll.SetChecked(false)
	s.stale.SetChecked(false)
	s.refresh()
}

// refresh queries the directory off the UI goroutine. Only the newest query's
// answer is shown; an older one still in flight is cancelled and ignored.
func (s *directoryScreen) refresh() {
	s.seq++
	seq, filter := s.seq, s.filter()
	if s.cancelQuery != nil {
		s.cancelQuery()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelQuery = cancel
	if s.stopSlow != nil {
		s.stopSlow()
	}
	s.stopSlow = s.bg.after(slowSearch, func() {
		// The answer may have been shown just before this ran: showResults
		// clears cancelQuery.
		if seq == s.seq && s.cancelQuery != nil {
			s.count.SetText(lang.L("Searching…"))
		}
	})
	s.bg.run(func() {
		// What the check box leaves out is counted beside the search, on
		// a connection of its own, so the list waits for the slower of
		// the two rather than for both.
		all := make(chan int, 1)
		go func() { all <- s.countWithHidden(ctx, filter) }()
		groups, total, err := s.groups.FindGroups(ctx, filter)
		var hits [][]referral.TextHit
		if filter.Text != "" && err == nil {
			hits = make([][]referral.TextHit, len(groups))
			for i, g := range groups {
				hits[i] = referral.TextHits(g, filter.Text)
			}
		}
		leftOut := 0
		if n := <-all; n > total {
			leftOut = n - total
		}
		fyne.Do(func() { s.showResults(seq, groups, hits, total, leftOut, err) })
	})
}

// countWithHidden counts what filter selects with hidden and inactive groups
// too (an offset past every match reads none), or returns -1 when filter
// leaves none out. A failed count only leaves the note off the count line:
// the search beside it reports what failed.
func (s *directoryScreen) countWithHidden(ctx context.Context, filter referral.GroupFilter) int {
	if filter.IncludeHidden && filter.IncludeInactive {
		return -1
	}
	filter.IncludeHidden, filter.IncludeInactive = true, true
	filter.Offset, filter.Limit = math.MaxInt, 1
	_, n, err := s.groups.FindGroups(ctx, filter)
	if err != nil {
		return -1
	}
	return n
}

func (s *directoryScreen) showResults(seq int, groups []*referral.Group, hits [][]referral.TextHit, total, leftOut int, err error) {
	if seq != s.seq {
		return // a newer query was started; its answer will come
	}
	s.cancelQuery = nil
	s.stopSlow()
	if err != nil {
		s.showError(err)
		return
	}
	if hits == nil {
		hits = make([][]referral.TextHit, len(groups))
	}
	s.shown, s.hits, s.total, s.leftOut = groups, hits, total, leftOut
	s.fitRowHeights()
	s.list.Refresh()
	s.followStored()
	s.selectCurrent()
	s.count.SetText(countText(len(groups), total, leftOut))
	s.updateView()
	if s.onShown != nil {
		s.onShown()
	}
}

// updateView shows the welcome card while the directory is empty and nothing
// is being added, and the list with its form otherwise; a list left empty by
// the filters (or by leaving out hidden and inactive groups) says so.
func (s *directoryScreen) updateView() {
	welcome := s.total == 0 && s.leftOut == 0 && !s.filtered() && !s.editing
	setShown(s.empty, welcome)
	setShown(s.browse, !welcome)
	setShown(s.noMatch, len(s.shown) == 0 && (s.filtered() || s.leftOut > 0))
}

// countText is the line under the filters: how many groups match, and how
// many more hidden or inactive ones the check box leaves out.
func countText(shown, total, leftOut int) string {
	var text string
	switch {
	case shown < total:
		text = lang.L("First {{.Shown}} of {{.Total}}; type to narrow", map[string]any{"Shown": shown, "Total": total})
	case total == 1:
		text = lang.L("1 group")
	default:
		text = lang.L("{{.Total}} groups", map[string]any{"Total": total})
	}
	if leftOut > 0 {
		text += " · " + lang.L("{{.N}} hidden or inactive not shown", map[string]any{"N": leftOut})
	}
	return text
}

// followStored shows the listing in the form as the list has just read it,
// when it changed elsewhere and the counselor has not started editing it;
// edits in progress stay, and Save asks about the change.
func (s *directoryScreen) followStored() {
	if !s.editing || s.form.base.ID == 0 || s.form.dirty() {
		return
	}
	for _, g := range s.shown {
		if g.ID == s.form.base.ID && !sameListing(g, &s.form.base) {
			s.form.load(g)
			return
		}
	}
}

// selectCurrent highlights the group in the form, if the list shows it,
// without reloading the form.
func (s *directoryScreen) selectCurrent() {
	s.moveSelected = true
	defer func() { s.moveSelected = false }()
	if s.editing && s.form.base.ID != 0 {
		for i, g := range s.shown {
			if g.ID == s.form.base.ID {
				s.list.Select(i)
				return
			}
		}
	}
	s.list.UnselectAll()
}

func (s *directoryScreen) onGroupSelected(id widget.ListItemID) {
	if s.moveSelected || id >= len(s.shown) {
		return
	}
	g := s.shown[id]
	if s.editing && g.ID == s.form.base.ID {
		return
	}
	s.confirmDiscard(func() { s.openGroup(g) })
}

func (s *directoryScreen) onImport() { s.importFile() }

func (s *directoryScreen) onAdd() {
	s.confirmDiscard(func() {
		s.openGroup(&referral.Group{Attendance: referral.InPerson})
		s.win.Canvas().Focus(s.form.name)
	})
}

// confirmDiscard runs proceed at once if the form holds no unsaved edits, and
// otherwise only after the counselor agrees to drop them. If they keep
// editing, the list goes back to showing the group being edited.
func (s *directoryScreen) confirmDiscard(proceed func()) {
	if !s.editing || !s.form.dirty() {
		proceed()
		return
	}
	name := s.form.base.Name
	if name == "" {
		name = lang.L("the new group")
	}
	d := dialog.NewConfirm(lang.L("Discard changes?"),
		lang.L("You changed {{.Name}} but did not save. Discard the changes?", map[string]any{"Name": name}),
		func(discard bool) {
			if discard {
				proceed()
				return
			}
			s.selectCurrent()
		}, s.win)
	d.SetConfirmText(lang.L("Discard changes"))
	d.SetDismissText(lang.L("Keep editing"))
	d.Show()
}

func (s *directoryScreen) openGroup(g *referral.Group) {
	s.form.load(g)
	s.editing = true
	s.form.content.Show()
	s.placeholder.Hide()
	s.selectCurrent()
	s.updateView()
}

func (s *directoryScreen) closeGroup() {
	s.editing = false
	s.form.content.Hide()
	s.placeholder.Show()
	s.selectCurrent()
	s.updateView()
}

// onSave checks the form with the domain's own rules first, so an invalid
// group never reaches the store; the store checks again and its problems are
// shown the same way. An edited listing is read again first, off the UI
// goroutine: another window or the command line may have changed or
// deleted it since the form loaded it (see checkedStored).
func (s *directoryScreen) onSave() {
	g, problems := s.form.read()
	problems = mergeProblems(problems, referral.ErrorProblems(g.Validate()))
	if len(problems) > 0 {
		s.form.showProblems(problems)
		return
	}
	s.setSaving(true)
	loaded, base := s.form.loads, s.form.base
	if g.ID == 0 {
		s.write(g, loaded)
		return
	}
	s.bg.run(func() {
		stored, err := s.groups.FindGroupByID(context.Background(), g.ID)
		fyne.Do(func() { s.checkedStored(g, &base, loaded, stored, err) })
	})
}

// setSaving turns Save and Delete… off while a write runs (it may wait for
// another program's), and on again after.
func (s *directoryScreen) setSaving(saving bool) {
	enable(s.form.save, !saving)
	enable(s.form.delete, !saving)
}

// checkedStored saves mine when the listing is stored as the form loaded
// it (base), and asks first when it changed or went meanwhile. A save the
// counselor has left for another group still goes ahead, with the same
// questions.
func (s *directoryScreen) checkedStored(mine, base *referral.Group, loaded int, stored *referral.Group, err error) {
	switch {
	case referral.ErrorCode(err) == referral.ENOTFOUND:
		s.askDeleted(mine, base.Name, loaded)
	case err != nil:
		s.setSaving(false)
		s.showError(err)
	default:
		if s.form.loads == loaded {
			// Fields the form does not show follow the store: the
			// counselor has not seen them to keep them.
			s.form.rebase(stored)
			mine, _ = s.form.read()
		}
		changes := listingChanges(base, stored, mine)
		if len(changes) == 0 {
			s.write(mine, loaded)
			return
		}
		s.askChanged(stored, mine, changes, loaded)
	}
}

// askChanged shows what another window or the command line changed in the
// listing since the form loaded it, theirs beside the counselor's, and
// lets them save theirs over it or take it into the form.
func (s *directoryScreen) askChanged(stored, mine *referral.Group, changes []listingChange, loaded int) {
	grid := container.New(layout.NewFormLayout())
	bold := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	grid.Add(layout.NewSpacer())
	grid.Add(container.NewGridWithColumns(2, bold(lang.L("Saved now")), bold(lang.L("Yours"))))
	for _, c := range changes {
		grid.Add(widget.NewLabel(c.label))
		grid.Add(container.NewGridWithColumns(2, wrapped(emptyText(c.theirs), widget.MediumImportance),
			wrapped(emptyText(c.mine), widget.MediumImportance)))
	}
	intro := wrapped(lang.L("“{{.Name}}” was changed in another window or on the command line after you opened it. Save yours over it, or take the saved one into the form (your changes are dropped)?",
		map[string]any{"Name": stored.Name}), widget.MediumImportance)
	askChoice(s.win, lang.L("Changed elsewhere"), container.NewVBox(intro, container.NewVScroll(grid)),
		lang.L("Take theirs"), lang.L("Save mine"),
		func() {
			s.setSaving(false)
			if s.form.loads == loaded {
				s.openGroup(stored)
			}
			s.refresh()
		},
		func() { s.write(mine, loaded) })
}

// askDeleted says the listing left the directory while it was open, and
// offers to keep the counselor's version as a group added by hand.
func (s *directoryScreen) askDeleted(mine *referral.Group, name string, loaded int) {
	msg := lang.L("“{{.Name}}” was deleted from the directory in another window or on the command line after you opened it. Save your version as a new group added by hand, or discard it?",
		map[string]any{"Name": name})
	askChoice(s.win, lang.L("Deleted elsewhere"), wrapped(msg, widget.MediumImportance),
		lang.L("Discard"), lang.L("Save as new group"),
		func() {
			s.setSaving(false)
			if s.form.loads == loaded {
				s.closeGroup()
			}
			s.refresh()
		},
		func() {
			g := *mine
			g.ID, g.Source, g.SourceID = 0, "", ""
			g.Published = referral.Curation{}
			s.write(&g, loaded)
		})
}

// write creates or updates g off the UI goroutine and reads it back, so the
// form shows the listing as stored (and the next Save compares with that).
func (s *directoryScreen) write(g *referral.Group, loaded int) {
	s.setSaving(true)
	s.bg.run(func() {
		ctx := context.Background()
		var err error
		if g.ID == 0 {
			err = s.groups.CreateGroup(ctx, g)
		} else {
			err = s.groups.UpdateGroup(ctx, g)
		}
		stored := g
		if err == nil {
			if back, rerr := s.groups.FindGroupByID(ctx, g.ID); rerr == nil {
				stored = back
			}
		}
		fyne.Do(func() { s.saved(stored, loaded, err) })
	})
}

// mergeProblems adds the domain's problems to those found reading the form,
// leaving out fields the form already complained about (a time that is not
// HH:MM also fails the domain's range check).
func mergeProblems(read, validated []referral.Problem) []referral.Problem {
	out := read
	for _, p := range validated {
		if !slices.ContainsFunc(read, func(r referral.Problem) bool { return r.Field == p.Field }) {
			out = append(out, p)
		}
	}
	return out
}

// saved reports a save. If the counselor has meanwhile opened another group
// (loaded changed), the form is left alone and only the list is refreshed.
func (s *directoryScreen) saved(g *referral.Group, loaded int, err error) {
	s.setSaving(false)
	if s.form.loads != loaded {
		if err != nil {
			s.showError(err)
		}
		s.refresh()
		return
	}
	if err != nil {
		if ps := referral.ErrorProblems(err); len(ps) > 0 {
			s.form.showProblems(ps)
			return
		}
		s.showError(err)
		return
	}
	s.openGroup(g)
	s.form.status.SetText(lang.L("Saved"))
	if s.stopNotice != nil {
		s.stopNotice()
	}
	s.stopNotice = s.bg.after(savedNoticeFor, func() { s.form.status.SetText("") })
	s.refresh()
}

func (s *directoryScreen) onDelete() {
	g := s.form.base
	if g.ID == 0 {
		return
	}
	msg := lang.L("Delete “{{.Name}}” from the directory? The clinic's notes about it are deleted too.", map[string]any{"Name": g.Name})
	if g.Source != "" && g.Source != referral.SourceManual {
		msg += "\n" + lang.L("It comes back at the next import of {{.Source}}; to stop suggesting it, mark it Hidden instead.", map[string]any{"Source": g.Source})
	}
	askDestructive(s.win, lang.L("Delete group?"), msg, lang.L("Delete"), func() { s.deleteGroup(g.ID) })
}

func (s *directoryScreen) deleteGroup(id int64) {
	s.setSaving(true)
	s.bg.run(func() {
		err := s.groups.DeleteGroup(context.Background(), id)
		fyne.Do(func() {
			s.setSaving(false)
			if err != nil {
				s.showError(err)
				return
			}
			s.closeGroup()
			s.refresh()
		})
	})
}

// showError tells the counselor what went wrong in words they can act on;
// an internal error's detail goes to the log, not the screen.
func (s *directoryScreen) showError(err error) {
	showFailure(s.win, "directory", err, "")
}

// groupSummary is the second line of a list row: program, times and place.
func groupSummary(g *referral.Group) string {
	parts := []string{string(g.Program)}
	if t := sessionsText(g.Sessions, 3); t != "" {
		parts = append(parts, t)
	}
	if where := whereText(g); where != "" {
		parts = append(parts, where)
	}
	if g.Curation.Hidden {
		parts = append(parts, lang.L("hidden"))
	}
	if g.Service {
		parts = append(parts, lang.L("service meeting, never suggested"))
	}
	return strings.Join(parts, " · ")
}

// sessionsText lists the sessions, the first most of them and how many more.
func sessionsText(ss []referral.Session, most int) string {
	var out []string
	for i, s := range ss {
		if i == most {
			out = append(out, lang.L("+{{.N}} more", map[string]any{"N": len(ss) - most}))
			break
		}
		day := "?"
		if s.Day >= time.Sunday && s.Day <= time.Saturday {
			day = lang.L(weekdayShort[s.Day])
		}
		t := day + " " + s.Start.String()
		if s.End != referral.NoTime {
			t += "–" + s.End.String()
		}
		out = append(out, t)
	}
	return strings.Join(out, ", ")
}

func whereText(g *referral.Group) string {
	city := g.Place.City
	if city == "" {
		city = g.Place.Location
	}
	switch g.Attendance {
	case referral.Online:
		return lang.L("Online")
	case referral.Hybrid:
		if city == "" {
			return lang.L("In person and online")
		}
		return lang.L("{{.City}} and online", map[string]any{"City": city})
	case referral.Inactive:
		return lang.L("Inactive")
	}
	return city
}
