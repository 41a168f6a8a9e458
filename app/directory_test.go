package app

import (
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func sampleGroups() []referral.Group {
	return []referral.Group{
		{
			Name: "Serenity Seekers", Program: referral.ProgramNA, Attendance: referral.InPerson,
			Sessions: []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}},
			TimeZone: "America/New_York",
			Place:    referral.Place{Location: "St. Mark's Church", City: "Philadelphia", Coords: &referral.Point{Lat: 39.95, Lon: -75.17}},
		},
		{
			Name: "Grupo Niños de Dios", Program: referral.ProgramAA, Attendance: referral.Hybrid,
			Sessions: []referral.Session{{Day: time.Saturday, Start: 10 * 60, End: referral.NoTime}},
			Place:    referral.Place{City: "Camden"},
			Online:   referral.OnlineAccess{URL: "https://zoom.us/j/123"},
		},
		{
			Name: "Family Hope", Program: referral.ProgramAlAnon, Attendance: referral.Online,
			Source: "al-anon-ma", SourceID: "fh-1",
			Sessions: []referral.Session{{Day: time.Monday, Start: 18*60 + 30, End: 19*60 + 30}},
			Online:   referral.OnlineAccess{URL: "https://meet.example.org/fh"},
			Curation: referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "Ask for Pat"},
		},
	}
}

func TestEmptyDirectoryWelcomes(t *testing.T) {
	h := newHarness(t)
	if !h.dir.empty.Visible() || h.dir.browse.Visible() {
		t.Fatal("an empty directory should show the welcome card instead of the list")
	}
	test.AssertRendersToMarkup(t, "directory_empty.xml", h.win.Canvas())

	test.Tap(h.dir.emptyActions.Objects[0].(fyne.Tappable))
	if h.dir.empty.Visible() || !h.dir.form.content.Visible() {
		t.Fatal("Add group on the welcome card should open an empty form")
	}
}

func TestTypingFilterShrinksList(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	if got := h.listNames(); len(got) != 3 {
		t.Fatalf("list shows %q, want all 3 groups", got)
	}
	finds := h.fake.finds

	test.Type(h.dir.search, "seren")
	if h.fake.finds != finds {
		t.Fatal("the directory was queried on every key; it should wait for typing to pause")
	}
	// One search waits for the typing to pause (the window's watcher may
	// wait beside it); each search also counts what the hidden box leaves
	// out, so the store's calls do not tell searches apart.
	searches := 0
	for _, d := range h.timers.waiting() {
		if d == searchDelay {
			searches++
		}
	}
	if searches != 1 {
		t.Fatalf("%d debounced searches wait after typing 5 letters, want 1", searches)
	}
	h.timers.fire()
	if got, want := h.listNames(), []string{"Serenity Seekers"}; !slices.Equal(got, want) {
		t.Fatalf("after typing %q the list shows %q, want %q", h.dir.search.Text, got, want)
	}
	if got := h.dir.count.Text; got != "1 group" {
		t.Errorf("count says %q", got)
	}

	h.dir.search.SetText("ninos")
	h.timers.fire()
	if got, want := h.listNames(), []string{"Grupo Niños de Dios"}; !slices.Equal(got, want) {
		t.Fatalf("accent-free search: list shows %q, want %q", got, want)
	}

	h.dir.search.SetText("nothing like this")
	h.timers.fire()
	if h.dir.list.Length() != 0 || !h.dir.noMatch.Visible() {
		t.Fatal("a search that matches nothing should say so")
	}
	h.dir.onClearFilters()
	h.timers.fire()
	if h.dir.list.Length() != 3 || h.dir.noMatch.Visible() {
		t.Fatal("Clear filters should bring every group back")
	}
}

func TestFilterSelects(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	h.dir.program.SetSelected("AA (Alcoholics Anonymous)") // as the sheet names it
	if got := h.listNames(); !slices.Equal(got, []string{"Grupo Niños de Dios"}) {
		t.Fatalf("program AA: list shows %q", got)
	}
	h.dir.program.SetSelectedIndex(0)
	h.dir.weekday.SetSelected("Monday")
	if got := h.listNames(); !slices.Equal(got, []string{"Family Hope"}) {
		t.Fatalf("Monday: list shows %q", got)
	}
	h.dir.weekday.SetSelectedIndex(0)
	h.dir.attendance.SetSelected(attendanceChoice().label(referral.InPerson))
	if got := h.listNames(); !slices.Equal(got, []string{"Serenity Seekers"}) {
		t.Fatalf("in person: list shows %q", got)
	}
}

func TestAddGroup(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	f := h.dir.form
	test.Tap(h.dir.add)
	if !f.content.Visible() || f.delete.Visible() {
		t.Fatal("Add group should open an empty form without Delete")
	}
	test.Type(f.name, "Hope Tuesday")
	f.program.SetText(string(referral.ProgramSMART))
	test.Tap(f.addSession)
	row := f.sessions[0]
	row.day.SetSelected("Wednesday")
	test.Type(row.start, "18:00")
	test.Type(row.end, "19:15")
	test.Type(f.city, "Philadelphia")
	test.Type(f.lat, "39.95")
	test.Type(f.lon, "-75.16")
	test.Tap(f.attrCheck(referral.AttrSecular))
	test.Type(f.languages, "en, ES")
	f.medication.SetSelected(medicationChoice().label(referral.MedicationYes))
	test.Tap(f.verifiedToday)
	test.Tap(f.hidden)
	test.Tap(f.save)

	saved := h.fake.byName("Hope Tuesday")
	if saved == nil {
		t.Fatalf("the group did not reach the directory; form says %q", texts(f.content))
	}
	want := referral.Session{Day: time.Wednesday, Start: 18 * 60, End: 19*60 + 15}
	if len(saved.Sessions) != 1 || saved.Sessions[0] != want || saved.Program != referral.ProgramSMART ||
		saved.Place.City != "Philadelphia" || saved.Place.Coords == nil || saved.Place.Coords.Lon != -75.16 ||
		!saved.Attributes.Secular || !slices.Equal(saved.Attributes.Languages, []string{"en", "es"}) ||
		saved.Curation.MedicationFriendly != referral.MedicationYes || !saved.Curation.Hidden ||
		saved.Curation.VerifiedOn.Format(dateLayout) != "2026-03-14" || saved.Attendance != referral.InPerson {
		t.Fatalf("saved group is %+v", saved)
	}
	// Hidden, it leaves the list, which leaves hidden groups out at first,
	// and the count line says so; the form keeps showing it.
	if slices.Contains(h.listNames(), "Hope Tuesday") {
		t.Fatalf("the new hidden group is listed with hidden groups left out: %q", h.listNames())
	}
	if got, want := h.dir.count.Text, "3 groups · 1 hidden or inactive not shown"; got != want {
		t.Errorf("count line says %q, want %q", got, want)
	}
	test.Tap(h.dir.showAll)
	if !slices.Contains(h.listNames(), "Hope Tuesday") {
		t.Fatalf("ticking Include hidden and inactive groups does not list the new group: %q", h.listNames())
	}
	if f.status.Text != "Saved" || !f.delete.Visible() || f.base.ID != saved.ID {
		t.Fatalf("after saving: status %q, delete shown %v, form id %d", f.status.Text, f.delete.Visible(), f.base.ID)
	}
	if f.dirty() {
		t.Error("a just-saved form should have no unsaved edits")
	}
	h.timers.fire()
	if f.status.Text != "" {
		t.Error("the Saved notice should go away")
	}
}

func TestInvalidFormShowsProblemsAndSavesNothing(t *testing.T) {
	h := newHarness(t)
	f := h.dir.form
	test.Tap(h.dir.add)
	test.Tap(f.addSession)
	f.sessions[0].day.SetSelected("Friday")
	test.Type(f.sessions[0].start, "20:00")
	test.Type(f.sessions[0].end, "19:00")
	test.Type(f.url, "zoom.us/j/42")
	test.Type(f.lat, "north")
	test.Tap(f.save)

	if h.fake.writes != 0 {
		t.Fatal("an invalid group was written")
	}
	for field, want := range map[string]string{
		"Name":             "needs a name",
		"Program":          "Choose the group's program",
		"Online.URL":       "must start with http:// or https://",
		"Place.Coords.Lat": "decimal degrees",
	} {
		l := f.problems[field]
		if !l.Visible() || !strings.Contains(l.Text, want) {
			t.Errorf("beside %s: %q (shown %v), want it to say %q", field, l.Text, l.Visible(), want)
		}
	}
	if p := f.sessions[0].problem; !p.Visible() || !strings.Contains(p.Text, "not after the start time") {
		t.Errorf("beside the meeting time: %q", p.Text)
	}
	if !f.summary.Visible() || !strings.Contains(f.summary.Text, "Name") || !strings.Contains(f.summary.Text, "Conference link") {
		t.Errorf("summary: %q", f.summary.Text)
	}
	if f.problems["City"] != nil && f.problems["Place.City"].Visible() {
		t.Error("a field with no problem shows one")
	}
	capture(t, h.win, "/tmp/directory-invalid.png")

	// Fixing the fields clears the messages and saves.
	test.Type(f.name, "Late Night Hope")
	f.program.SetText(string(referral.ProgramNA))
	f.sessions[0].end.SetText("21:00")
	f.url.SetText("https://zoom.us/j/42")
	f.lat.SetText("")
	test.Tap(f.save)
	if h.fake.writes != 1 || f.summary.Visible() || f.problems["Name"].Visible() {
		t.Fatalf("after fixing: writes %d, summary %q", h.fake.writes, f.summary.Text)
	}
}

func TestServiceErrorShowsItsMessageOnly(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	h.dir.list.Select(0)
	h.fake.failErr = errors.New("sqlite: disk I/O error at /home/clinic/db")
	test.Tap(h.dir.form.save)
	said := strings.Join(texts(h.dialogOnTop()), " ")
	if !strings.Contains(said, "Internal error") || strings.Contains(said, "sqlite") {
		t.Fatalf("the error dialog says %q", said)
	}
	if h.dir.form.save.Disabled() {
		t.Error("Save stays disabled after a failed save")
	}
}

func TestDeleteAsksFirst(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	h.dir.list.Select(2) // sorted by name: Family Hope, Grupo…, Serenity Seekers
	f := h.dir.form
	if f.name.Text != "Serenity Seekers" {
		t.Fatalf("form shows %q", f.name.Text)
	}
	test.Tap(f.delete)
	if said := strings.Join(texts(h.dialogOnTop()), " "); !strings.Contains(said, "Serenity Seekers") {
		t.Fatalf("the confirmation does not name the group: %q", said)
	}
	h.tapDialogButton("Cancel")
	if h.fake.count() != 3 || h.fake.writes != 0 {
		t.Fatal("Cancel deleted the group")
	}

	test.Tap(f.delete)
	h.tapDialogButton("Delete")
	if h.fake.byName("Serenity Seekers") != nil || h.fake.count() != 2 {
		t.Fatal("confirming did not delete the group")
	}
	if slices.Contains(h.listNames(), "Serenity Seekers") || f.content.Visible() {
		t.Fatalf("after delete: list %q, form shown %v", h.listNames(), f.content.Visible())
	}
}

func TestImportedGroupDeleteSuggestsHiding(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	h.dir.list.Select(0) // Family Hope, from a feed
	if !h.dir.form.sourceNote.Visible() {
		t.Error("an imported group's form should say edits last until the next import")
	}
	test.Tap(h.dir.form.delete)
	if said := strings.Join(texts(h.dialogOnTop()), " "); !strings.Contains(said, "Hidden") {
		t.Errorf("deleting an imported group should suggest hiding it: %q", said)
	}
}

func TestSwitchingGroupsKeepsUnsavedEdits(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	f := h.dir.form
	h.dir.list.Select(0)
	f.counselorNotes.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	test.Type(f.counselorNotes, " on Mondays")

	h.dir.list.Select(1)
	if f.name.Text != "Family Hope" {
		t.Fatal("switching groups dropped unsaved edits without asking")
	}
	h.tapDialogButton("Keep editing")
	if f.counselorNotes.Text != "Ask for Pat on Mondays" {
		t.Fatalf("notes are now %q", f.counselorNotes.Text)
	}

	h.dir.list.Select(1)
	h.tapDialogButton("Discard changes")
	if f.name.Text != "Grupo Niños de Dios" || f.dirty() {
		t.Fatalf("after discarding the form shows %q", f.name.Text)
	}
	if got := h.fake.byName("Family Hope").Curation.Notes; got != "Ask for Pat" {
		t.Fatalf("discarded notes were saved: %q", got)
	}
}

func TestEditKeepsWhatTheFormDoesNotShow(t *testing.T) {
	late := referral.Group{
		Name: "Midnight Group", Program: referral.ProgramNA, Attendance: referral.InPerson,
		Source: "bmlt", SourceID: "77", Types: []string{"O", "D", "RF"},
		Attributes: referral.Attributes{Openness: referral.Open, Formats: []referral.Format{referral.FormatDiscussion}},
		Sessions:   []referral.Session{{Day: time.Friday, Start: 23 * 60, End: 24*60 + 30}},
	}
	h := newHarness(t, late)
	h.dir.list.Select(0)
	f := h.dir.form
	if f.dirty() {
		t.Fatal("a freshly loaded group reads back different from itself")
	}
	test.Tap(f.attrCheck(referral.AttrNewcomer))
	test.Tap(f.save)
	got := h.fake.byName("Midnight Group")
	// RF (rotating format) has no box: it stays; newcomer's NA code joins.
	if got == nil || !got.Attributes.Newcomer || got.Sessions[0].End != 24*60+30 ||
		got.Source != "bmlt" || !slices.Equal(got.Types, []string{"O", "D", "RF", "B"}) {
		t.Fatalf("updated group is %+v (form: %q)", got, texts(f.content))
	}
}

func TestStaleQueryIsIgnored(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	var queued []func()
	h.dir.bg.run = func(f func()) { queued = append(queued, f) }

	h.dir.search.SetText("serenity")
	h.dir.refresh() // older query
	h.dir.search.SetText("")
	h.dir.refresh() // newer query
	queued[1]()
	queued[0]() // the old answer arrives last, and its query was cancelled
	if h.dir.list.Length() != 3 {
		t.Fatalf("a stale answer replaced the newer one: %d rows", h.dir.list.Length())
	}
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("a cancelled query showed an error")
	}
}

func TestWindowHasDirectoryArea(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	if h.win.Title() != "Referral Desk" || h.main.tabs.Selected().Text != "Directory" {
		t.Fatalf("window %q with tabs %v", h.win.Title(), h.main.tabs.Items)
	}
	h.dir.list.Select(2)
	capture(t, h.win, "/tmp/directory.png")
}

// capture writes the window as the test driver draws it, when asked with
// REFERRALDESK_CAPTURE=1, for a person to look at.
func capture(t *testing.T, w fyne.Window, path string) {
	if os.Getenv("REFERRALDESK_CAPTURE") == "" {
		return
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

func TestLateSaveDoesNotPullTheFormBack(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	var queued []func()
	h.dir.bg.run = func(f func()) { queued = append(queued, f) }
	f := h.dir.form
	h.dir.list.Select(0)
	test.Tap(f.attrCheck(referral.AttrNewcomer))
	test.Tap(f.save)
	if !f.save.Disabled() {
		t.Error("Save should wait for the save in flight")
	}
	h.dir.list.Select(1)
	h.tapDialogButton("Discard changes")
	for len(queued) > 0 { // the save reads the listing again, then writes
		q := queued[0]
		queued = queued[1:]
		q()
	}
	if f.name.Text != "Grupo Niños de Dios" || f.save.Disabled() {
		t.Fatalf("the late save pulled the form back to %q", f.name.Text)
	}
	if !h.fake.byName("Family Hope").Attributes.Newcomer {
		t.Fatal("the save itself was lost")
	}
}

// newStoreDirectory is the Directory over a real store holding groups, as
// the program runs it, for what only the store does (ranking a search).
func newStoreDirectory(t *testing.T, groups ...*referral.Group) (*directoryScreen, *timers) {
	t.Helper()
	store := newStoreOf(t, groups...)
	ts := &timers{}
	win := test.NewTempWindow(t, nil)
	d := newDirectoryScreen(win, store, background{run: func(f func()) { f() }, after: ts.after}, func() {}, nil)
	win.SetContent(d.content)
	win.Resize(fyne.NewSize(1180, 760))
	return d, ts
}

// newStoreOf is a real store holding groups, on the test app.
func newStoreOf(t *testing.T, groups ...*referral.Group) *sqlite.GroupService {
	t.Helper()
	test.NewTempApp(t)
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := sqlite.NewGroupService(db)
	if err := store.CreateGroups(context.Background(), groups); err != nil {
		t.Fatal(err)
	}
	return store
}

// listRows returns the list's rows in order as a counselor reads them: the
// lines of each, top to bottom, without those it does not show.
func listRows(d *directoryScreen) [][]string {
	var rows [][]string
	for id := range d.list.Length() {
		row := d.list.CreateItem()
		d.list.UpdateItem(id, row)
		var lines []string
		for _, o := range row.(*fyne.Container).Objects {
			if l := o.(*widget.Label); l.Visible() {
				lines = append(lines, l.Text)
			}
		}
		rows = append(rows, lines)
	}
	return rows
}

// The issue: a search for "st john" listed 95 rows alphabetically with no
// word of why each matched. The groups it names come first; the others say,
// under the name, where the words are.
func TestDirectorySearchRanksNamesFirstAndSaysWhereTheRestMatched(t *testing.T) {
	g := func(name string, edit func(*referral.Group)) *referral.Group {
		x := &referral.Group{Name: name, Program: referral.ProgramAA, Attendance: referral.InPerson,
			Sessions: []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}}}
		if edit != nil {
			edit(x)
		}
		return x
	}
	d, ts := newStoreDirectory(t,
		g("Big Book", func(x *referral.Group) {
			x.Notes = "Park behind the school and use the side door marked St. John's Hall, second floor."
		}),
		g("Hope Group", func(x *referral.Group) { x.Place.Location, x.Place.City = "St. John's Church", "Camden" }),
		g("St. John's Serenity", func(x *referral.Group) { x.Place.Location = "St. John's Church" }),
		g("Back to Basics", func(x *referral.Group) { x.Place.City = "St. Paul" }),
		g("St. John's Closed", func(x *referral.Group) { x.Attendance = referral.Inactive }),
		g("St. John's Hidden", func(x *referral.Group) { x.Curation.Hidden = true }),
	)
	if d.showAll.Checked {
		t.Fatal("Include hidden and inactive groups starts ticked")
	}
	test.Type(d.search, "st john")
	ts.fire()

	want := [][]string{
		{"St. John's Serenity", "AA · Tue 19:00–20:00 · St. John's Church"},
		{"Hope Group", "matched in location: St. John's Church", "AA · Tue 19:00–20:00 · Camden"},
		{"Big Book", "matched in notes: …St. John's Hall, second floor.", "AA · Tue 19:00–20:00"},
	}
	if got := listRows(d); !reflect.DeepEqual(got, want) {
		t.Errorf("typing %q lists\n%q\nwant\n%q", d.search.Text, got, want)
	}
	if got, want := d.count.Text, "3 groups · 2 hidden or inactive not shown"; got != want {
		t.Errorf("count line says %q, want %q", got, want)
	}
	// A row with the matched-in line is drawn tall enough for it, each
	// line below the one before.
	rowsDrawn := 0
	visible(d.list, func(o fyne.CanvasObject) {
		row, ok := o.(*fyne.Container)
		if !ok || len(row.Objects) != 3 {
			return
		}
		rowsDrawn++
		name := row.Objects[0].(*widget.Label).Text
		if row.Size().Height < row.MinSize().Height {
			t.Errorf("row %q is %v tall, its lines need %v", name, row.Size().Height, row.MinSize().Height)
		}
		top := float32(-1)
		for _, l := range row.Objects {
			if l.Visible() {
				if l.Position().Y <= top {
					t.Errorf("in row %q, %q is drawn over the line above it", name, l.(*widget.Label).Text)
				}
				top = l.Position().Y
			}
		}
	})
	if rowsDrawn != 3 {
		t.Errorf("%d rows drawn, want 3", rowsDrawn)
	}
	capture(t, d.win, "/tmp/directory-search.png")

	test.Tap(d.showAll)
	want = append([][]string{
		{"St. John's Closed", "AA · Tue 19:00–20:00 · Inactive"},
		{"St. John's Hidden", "AA · Tue 19:00–20:00 · hidden"},
	}, want...)
	if got := listRows(d); !reflect.DeepEqual(got, want) {
		t.Errorf("with hidden and inactive ticked the list is\n%q\nwant\n%q", got, want)
	}
	if got := d.count.Text; got != "5 groups" {
		t.Errorf("with hidden and inactive ticked the count line says %q", got)
	}

	// A search that finds groups by name only shows no matched-in line.
	d.search.SetText("serenity")
	ts.fire()
	if got, want := listRows(d), [][]string{{"St. John's Serenity", "AA · Tue 19:00–20:00 · St. John's Church"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("typing %q lists %q, want %q", d.search.Text, got, want)
	}
}

// Hidden and inactive groups are left out at first, as a referral leaves
// them out; the count line says how many, ticking the box lists them and
// Clear filters leaves them out again.
func TestDirectoryLeavesOutHiddenAndInactiveAtFirst(t *testing.T) {
	gs := sampleGroups()
	hidden, closed := gs[0], gs[1]
	hidden.Name, hidden.Curation.Hidden = "Quiet Hour", true
	closed.Name, closed.Attendance, closed.Online = "Closed Circle", referral.Inactive, referral.OnlineAccess{}
	h := newHarness(t, append(gs, hidden, closed)...)
	if h.dir.showAll.Checked {
		t.Fatal("Include hidden and inactive groups starts ticked")
	}
	if got, want := h.listNames(), []string{"Family Hope", "Grupo Niños de Dios", "Serenity Seekers"}; !slices.Equal(got, want) {
		t.Fatalf("at first the list shows %q, want %q", got, want)
	}
	if got, want := h.dir.count.Text, "3 groups · 2 hidden or inactive not shown"; got != want {
		t.Errorf("count line says %q, want %q", got, want)
	}

	test.Tap(h.dir.showAll)
	if got := h.listNames(); !slices.Contains(got, "Quiet Hour") || !slices.Contains(got, "Closed Circle") || len(got) != 5 {
		t.Fatalf("ticked, the list shows %q", got)
	}
	if got := h.dir.count.Text; got != "5 groups" {
		t.Errorf("ticked, the count line says %q", got)
	}

	// The box is what leaves them out, whatever else narrows the list.
	test.Tap(h.dir.showAll)
	h.dir.weekday.SetSelected("Tuesday") // Serenity Seekers and Quiet Hour
	if got, want := h.dir.count.Text, "1 group · 1 hidden or inactive not shown"; got != want {
		t.Errorf("Tuesday: count line says %q, want %q", got, want)
	}
	h.dir.weekday.SetSelected("Monday") // Family Hope only
	if got := h.dir.count.Text; got != "1 group" {
		t.Errorf("Monday, nothing left out: count line says %q", got)
	}

	test.Tap(h.dir.showAll)
	h.dir.onClearFilters()
	if h.dir.showAll.Checked || len(h.listNames()) != 3 {
		t.Errorf("after Clear filters the box is ticked %v and the list shows %q", h.dir.showAll.Checked, h.listNames())
	}
}

// A directory of only hidden groups is not empty: it does not welcome the
// counselor to import one, it says what the box leaves out.
func TestDirectoryOfHiddenGroupsIsNotEmpty(t *testing.T) {
	g := sampleGroups()[0]
	g.Curation.Hidden = true
	h := newHarness(t, g)
	if h.dir.empty.Visible() || !h.dir.browse.Visible() || !h.dir.noMatch.Visible() {
		t.Fatalf("welcome shown %v, list shown %v, no-match shown %v", h.dir.empty.Visible(), h.dir.browse.Visible(), h.dir.noMatch.Visible())
	}
	if got, want := h.dir.count.Text, "0 groups · 1 hidden or inactive not shown"; got != want {
		t.Errorf("count line says %q, want %q", got, want)
	}
	test.Tap(h.dir.showAll)
	if h.dir.noMatch.Visible() || !slices.Equal(h.listNames(), []string{g.Name}) {
		t.Errorf("ticked: list %q, no-match shown %v", h.listNames(), h.dir.noMatch.Visible())
	}
}

// TestDirectorySaysItIsSearchingWhileASearchIsSlow: a query still under way
// after slowSearch (the first search after another program's import waits
// seconds for the directory's index) says so on the count line, and the
// count comes back with the answer; a fast one never says it.
func TestDirectorySaysItIsSearchingWhileASearchIsSlow(t *testing.T) {
	store := newStoreOf(t,
		&referral.Group{Name: "Hope Group", Program: referral.ProgramAA, Attendance: referral.InPerson},
		&referral.Group{Name: "Serenity", Program: referral.ProgramNA, Attendance: referral.Online})
	var held []func() // queries started and not yet run
	runHeld := func() {
		for len(held) > 0 {
			f := held[0]
			held = held[1:]
			f()
		}
	}
	ts := &timers{}
	win := test.NewTempWindow(t, nil)
	d := newDirectoryScreen(win, store, background{run: func(f func()) { held = append(held, f) }, after: ts.after}, func() {}, nil)
	win.SetContent(d.content)
	runHeld()
	if got := d.count.Text; got != "2 groups" {
		t.Fatalf("count line %q; want \"2 groups\"", got)
	}
	if ts.fire() != 0 {
		t.Error("a query that answered at once left its \"Searching…\" to fire")
	}

	test.Type(d.search, "hope")
	ts.fire() // the typing pause ends: the search starts
	if len(held) != 1 {
		t.Fatalf("%d queries under way; want the search", len(held))
	}
	ts.fire() // and is still under way after slowSearch
	if got := d.count.Text; got != "Searching…" {
		t.Errorf("count line %q while the search is under way; want \"Searching…\"", got)
	}
	runHeld()
	if got := d.count.Text; got != "1 group" || d.list.Length() != 1 {
		t.Errorf("count line %q, %d rows once the search answered; want \"1 group\", 1", got, d.list.Length())
	}
}
