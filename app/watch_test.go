package app

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
)

// storeHarness is the desk window watching a store that other programs
// write to, with backups.
type storeHarness struct {
	*deskHarness
	changes *fakeChanges
	backups *fakeBackups
}

func newStoreHarness(t *testing.T, st referral.Settings, backups *fakeBackups, gs ...referral.Group) *storeHarness {
	t.Helper()
	if backups == nil {
		backups = newFakeBackups()
	}
	changes := &fakeChanges{}
	d := newDeskHarnessWith(t, st, nil, func(s *Services) { s.Changes, s.Backups = changes, backups }, gs...)
	return &storeHarness{deskHarness: d, changes: changes, backups: backups}
}

// elsewhere makes change as another program does (it commits) and lets the
// window's next look at the store come, and the work that starts.
func (h *storeHarness) elsewhere(change func()) { elsewhere(h.changes, h.timers, change) }

func elsewhere(changes *fakeChanges, ts *timers, change func()) {
	change()
	changes.commit()
	ts.fire() // the watcher's reading
	ts.fire() // what it started: a debounced match
}

func (h *storeHarness) sourceNames() []string {
	var out []string
	for _, r := range h.sources.rows {
		out = append(out, r.name.Text)
	}
	return out
}

// The issue: the Sources screen never showed a source imported on the
// command line meanwhile. Every screen showing stored data shows it once
// the window looks again.
func TestWindowShowsWhatAnotherProgramCommitted(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil, sampleGroups()...)
	h.open(h.dir.content)
	finds := h.fake.finds
	h.timers.fire()
	if h.fake.finds != finds {
		t.Error("the Directory was queried again though nothing was committed")
	}

	h.elsewhere(func() {
		h.fake.add(referral.Group{Name: "Added Elsewhere", Program: referral.ProgramAA, Attendance: referral.Online,
			Source: "sepia", SourceID: "ae-1", Online: referral.OnlineAccess{URL: "https://meet.example.org/ae"},
			Sessions: []referral.Session{{Day: time.Friday, Start: 12 * 60, End: 13 * 60}}})
		h.dirs.mu.Lock()
		h.dirs.sources["sepia"] = referral.Source{Name: "sepia", Format: "meeting-guide", Groups: 1, LastImport: testNow}
		h.dirs.mu.Unlock()
		r := cloneReferral(referralLog()[2])
		r.ID = 0
		if err := h.history.LogReferral(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	})
	if got := h.listNames(); !slices.Contains(got, "Added Elsewhere") {
		t.Errorf("the Directory shows %q, without the group added elsewhere", got)
	}
	if got := h.sourceNames(); !slices.Equal(got, []string{"sepia"}) {
		t.Errorf("the Sources screen shows %q, want the source imported elsewhere", got)
	}
	if h.main.history.total != 1 {
		t.Errorf("the History shows %d referrals, want the one logged elsewhere", h.main.history.total)
	}
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("the reload showed a dialog: %q", texts(top))
	}
}

// Coming back to the window looks at once, without waiting for the timer.
func TestWindowLooksAgainWhenItComesToTheFront(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil, sampleGroups()...)
	h.open(h.dir.content)
	asked := h.changes.questions()
	h.fake.add(referral.Group{Name: "Added Elsewhere", Program: referral.ProgramNA, Attendance: referral.Online,
		Online: referral.OnlineAccess{URL: "https://meet.example.org/x"}, Sessions: at(time.Monday, 18)})
	h.changes.commit()
	h.main.onForeground()
	if h.changes.questions() != asked+1 || !slices.Contains(h.listNames(), "Added Elsewhere") {
		t.Errorf("after coming to the front: asked %d times more, list %q", h.changes.questions()-asked, h.listNames())
	}
	if got := h.timers.waiting(); !slices.Contains(got, watchEvery) || watchEvery > 3*time.Second {
		t.Errorf("timers %v: the next look should come in %v, at most 3 s", got, watchEvery)
	}
	h.win.Close()
	if n := h.timers.fire(); n != 0 {
		t.Errorf("%d timers fired after the window closed", n)
	}
	if h.changes.questions() != asked+1 {
		t.Error("a closed window kept asking the store")
	}
}

// The window's own writes move the version too; the reload after one keeps
// the group the counselor has open, as it is.
func TestOwnWriteReloadsQuietly(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil, sampleGroups()...)
	h.open(h.dir.content)
	h.dir.list.Select(1)
	f := h.dir.form
	name, loads := f.base.Name, f.loads
	f.counselorNotes.SetText(f.counselorNotes.Text + " Call first.")
	h.elsewhere(func() {})
	if f.loads != loads || f.base.Name != name || !strings.HasSuffix(f.counselorNotes.Text, "Call first.") {
		t.Errorf("the reload reloaded the form: loads %d→%d, notes %q", loads, f.loads, f.counselorNotes.Text)
	}
	if !h.dir.editing || h.win.Canvas().Overlays().Top() != nil {
		t.Error("the reload closed the form or showed a dialog")
	}
}

// A listing changed elsewhere shows in a form the counselor has not edited;
// one being edited keeps the edits (Save asks).
func TestOpenListingFollowsTheStoreUntilEdited(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil, sampleGroups()...)
	h.open(h.dir.content)
	h.dir.list.Select(2) // Serenity Seekers
	f := h.dir.form
	id := f.base.ID
	h.elsewhere(func() { h.fake.change(id, func(g *referral.Group) { g.Place.Location = "St. Luke's Hall" }) })
	if f.location.Text != "St. Luke's Hall" {
		t.Errorf("an unedited form shows %q, want the location saved elsewhere", f.location.Text)
	}
	test.Type(f.placeNotes, "Side door")
	h.elsewhere(func() { h.fake.change(id, func(g *referral.Group) { g.Place.Location = "Town Hall" }) })
	if f.location.Text != "St. Luke's Hall" || f.placeNotes.Text != "Side door" {
		t.Errorf("a form being edited was reloaded: %q, %q", f.location.Text, f.placeNotes.Text)
	}
}

// The Referral screen matches the same needs again: what the counselor
// typed and ticked stays, and the list stays where it was scrolled to.
func TestReferralMatchesAgainWhenTheDirectoryChangedElsewhere(t *testing.T) {
	changes := &fakeChanges{}
	rh := newReferralHarness(t, directoryGroups(), func(s *Services) { s.Changes = changes })
	rh.typeZIP("19107")
	test.Type(rh.s.sheet.firstName, "Maria")
	first := rh.names()[0]
	test.Tap(rh.card(first).check) // untick the best
	rh.win.Resize(fyne.NewSize(1180, 500))
	scroll := rh.s.list.(*container.Scroll)
	scroll.Offset = fyne.NewPos(0, 60)
	scroll.Refresh()
	matches := rh.match.calls

	elsewhere(changes, rh.timers, func() {
		rh.match.mu.Lock()
		rh.match.groups = append(rh.match.groups, &referral.Group{ID: 20, Name: "New Tuesday Group", Program: referral.ProgramNA,
			Attendance: referral.InPerson, Sessions: at(time.Tuesday, 18), TimeZone: "America/New_York",
			Place: referral.Place{City: "Philadelphia", Coords: nearby(0.2)}})
		rh.match.mu.Unlock()
	})
	if rh.match.calls != matches+1 || !slices.Contains(rh.names(), "New Tuesday Group") {
		t.Fatalf("after the change: %d more matches, list %q", rh.match.calls-matches, rh.names())
	}
	if rh.s.sheet.firstName.Text != "Maria" || rh.card(first).check.Checked {
		t.Errorf("the rematch changed what the counselor did: name %q, %s ticked %v", rh.s.sheet.firstName.Text,
			first, rh.card(first).check.Checked)
	}
	if scroll.Offset.Y != 60 {
		t.Errorf("the list scrolled to %v, want it left at 60", scroll.Offset.Y)
	}
}

// A window whose database cannot be asked says so once in the log, not
// every few seconds, and goes on asking.
func TestWatcherFailureIsNotRepeated(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil)
	h.changes.mu.Lock()
	h.changes.err = referral.Errorf(referral.EDAMAGED, "The database file is damaged. Restore a backup in Settings → Backups.")
	h.changes.mu.Unlock()
	h.timers.fire()
	if got := h.main.damage.text(); !strings.Contains(got, "damaged") {
		t.Errorf("a damaged database seen by the watcher shows %q on the banner", got)
	}
	h.main.damage.hide()
	h.timers.fire()
	if h.main.damage.text() != "" {
		t.Error("the same failure was reported again")
	}
	if got := h.timers.waiting(); !slices.Contains(got, watchEvery) {
		t.Errorf("after failing the watcher stopped asking (timers %v)", got)
	}
}

// The waiting line shows while a write waits for another program's write,
// and the button whose write waits stays off until it is done.
func TestWaitingForAnotherWriter(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil)
	w := &MainWindow{Window: h.win, m: h.main}
	s := h.main.settings
	h.open(s.content)
	if h.main.waiting.content.Visible() {
		t.Fatal("the waiting line shows with nothing waiting")
	}
	var queued []func()
	h.main.bg.run = func(f func()) { queued = append(queued, f) }
	s.bg.run = h.main.bg.run
	s.counselor.SetText("Sam Lee")
	test.Tap(s.save)
	w.WaitingForWriter(true) // the store's write has waited a second
	said := strings.Join(texts(h.main.waiting.content), " ")
	if !h.main.waiting.content.Visible() || !strings.Contains(said, "Waiting for the import to finish") {
		t.Errorf("while a write waits the line says %q (shown %v)", said, h.main.waiting.content.Visible())
	}
	if !h.main.waiting.bar.Running() {
		t.Error("the waiting line's bar does not move")
	}
	if !s.save.Disabled() {
		t.Error("Save is on while its write waits")
	}
	if h.win.Canvas().Overlays().Top() != nil {
		t.Error("waiting shows a dialog; it must leave the window usable")
	}
	for len(queued) > 0 {
		q := queued[0]
		queued = queued[1:]
		q()
	}
	w.WaitingForWriter(false)
	if h.main.waiting.content.Visible() || h.main.waiting.bar.Running() {
		t.Error("the waiting line stays after the write got through")
	}
	if s.save.Disabled() || s.status.Text != "Saved" || h.settings.s.Counselor != "Sam Lee" {
		t.Errorf("after the wait: Save off %v, status %q, saved counselor %q", s.save.Disabled(), s.status.Text, h.settings.s.Counselor)
	}
}

// Remove this source… stays off while its write runs (it may wait for an
// import elsewhere), and the row goes once it is done.
func TestRemoveSourceButtonsWaitForTheWrite(t *testing.T) {
	h := newStoreHarness(t, clinicSettings(), nil, sampleGroups()...)
	h.dirs.mu.Lock()
	h.dirs.sources["al-anon-ma"] = referral.Source{Name: "al-anon-ma", Format: "meeting-guide", Groups: 1}
	h.dirs.mu.Unlock()
	h.sources.refresh()
	h.open(h.sources.content)
	var queued []func()
	h.sources.bg.run = func(f func()) { queued = append(queued, f) }
	row := h.sources.rows[0]
	test.Tap(row.remove)
	h.tapDialogButton("Remove source")
	if !row.remove.Disabled() || !row.refresh.Disabled() {
		t.Error("the row's buttons are on while its removal waits")
	}
	h.sources.bg.run = func(f func()) { f() }
	for _, q := range queued {
		q()
	}
	if len(h.sources.rows) != 0 {
		t.Errorf("after the removal Sources shows %q", h.sourceNames())
	}
}
