package app

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// fakeHistory is an in-memory referral.HistoryService that validates like
// the store and stamps times from testNow.
type fakeHistory struct {
	mu      sync.Mutex
	entries map[int64]*referral.Referral
	nextID  int64
	deleted []int64
	err     error // returned by FindReferrals, if set
}

func newFakeHistory(rs ...*referral.Referral) *fakeHistory {
	f := &fakeHistory{entries: map[int64]*referral.Referral{}}
	for _, r := range rs {
		c := cloneReferral(r)
		if c.ID == 0 {
			c.ID = f.nextID + 1
		}
		f.nextID = max(f.nextID, c.ID)
		f.entries[c.ID] = c
	}
	return f
}

func cloneReferral(r *referral.Referral) *referral.Referral {
	c := *r
	c.Groups = slices.Clone(r.Groups)
	if r.FollowUp != nil {
		fu := *r.FollowUp
		c.FollowUp = &fu
	}
	return &c
}

func (f *fakeHistory) LogReferral(_ context.Context, r *referral.Referral) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := r.Validate(); err != nil {
		return err
	}
	f.nextID++
	r.ID, r.Created, r.FollowUp = f.nextID, testNow, nil
	f.entries[r.ID] = cloneReferral(r)
	return nil
}

func (f *fakeHistory) FindReferrals(_ context.Context, filter referral.ReferralFilter) ([]*referral.Referral, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, 0, f.err
	}
	var out []*referral.Referral
	for _, r := range f.entries {
		out = append(out, cloneReferral(r))
	}
	slices.SortFunc(out, func(a, b *referral.Referral) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	total := len(out)
	out = out[min(filter.Offset, len(out)):]
	if filter.Limit > 0 && len(out) > filter.Limit {
		out = out[:filter.Limit]
	}
	return out, total, nil
}

func (f *fakeHistory) FindReferralByID(_ context.Context, id int64) (*referral.Referral, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.entries[id]
	if !ok {
		return nil, referral.Errorf(referral.ENOTFOUND, "Referral %d not found.", id)
	}
	return cloneReferral(r), nil
}

func (f *fakeHistory) RecordFollowUp(_ context.Context, id int64, fu referral.FollowUp) (*referral.Referral, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.entries[id]
	if !ok {
		return nil, referral.Errorf(referral.ENOTFOUND, "Referral %d not found.", id)
	}
	c := cloneReferral(r)
	fu.Recorded = testNow
	c.FollowUp = &fu
	if err := c.Validate(); err != nil {
		return nil, err
	}
	f.entries[id] = c
	return cloneReferral(c), nil
}

func (f *fakeHistory) DeleteReferral(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.entries[id]; !ok {
		return referral.Errorf(referral.ENOTFOUND, "Referral %d not found.", id)
	}
	delete(f.entries, id)
	f.deleted = append(f.deleted, id)
	return nil
}

func (f *fakeHistory) PurgeReferrals(_ context.Context, before time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for id, r := range f.entries {
		if r.Created.Before(before) {
			delete(f.entries, id)
			n++
		}
	}
	return n, nil
}

func (f *fakeHistory) entry(id int64) *referral.Referral {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneReferral(f.entries[id])
}

// historyGroups are the directory: IDs 1, 2 and 3 in this order.
func historyGroups() []referral.Group {
	g := func(name string, p referral.Program) referral.Group {
		return referral.Group{Name: name, Program: p, Attendance: referral.Online, Source: "aa-sepia", SourceID: name}
	}
	return []referral.Group{
		g("Tuesday Hope", referral.ProgramAA),
		g("Clean and Serene", referral.ProgramNA),
		g("Morning Light", referral.ProgramAA),
	}
}

func referred(id int64, name string, p referral.Program) referral.ReferredGroup {
	return referral.ReferredGroup{GroupID: id, Source: "aa-sepia", SourceID: name, Name: name, Program: p}
}

var (
	tuesdayHope    = referred(1, "Tuesday Hope", referral.ProgramAA)
	cleanAndSerene = referred(2, "Clean and Serene", referral.ProgramNA)
	morningLight   = referred(3, "Morning Light", referral.ProgramAA)
	goneGroup      = referred(99, "Friday Night Live", referral.ProgramNA)
)

// referralLog is three entries, deliberately not in date order.
func referralLog() []*referral.Referral {
	return []*referral.Referral{
		{ID: 1, Created: testNow.Add(-50 * time.Hour), Groups: []referral.ReferredGroup{morningLight},
			FollowUp: &referral.FollowUp{Went: referral.AnswerNo, Recorded: testNow.Add(-time.Hour)}},
		{ID: 2, Created: testNow.Add(-30 * time.Minute), ClientLabel: "Tue 3pm J.", Lang: referral.Spanish, Paper: referral.A4,
			Groups: []referral.ReferredGroup{tuesdayHope, goneGroup, cleanAndSerene}, Needs: referral.Needs{MOUD: true}},
		{ID: 3, Created: testNow.Add(-26 * time.Hour), ClientLabel: "R. at intake",
			Groups: []referral.ReferredGroup{cleanAndSerene},
			FollowUp: &referral.FollowUp{Went: referral.AnswerYes, GroupID: 2, FeltWelcome: referral.AnswerYes,
				Recorded: testNow.Add(-2 * time.Hour), Notes: "Liked the speaker"}},
	}
}

func newHistoryHarness(t *testing.T, log []*referral.Referral) (*deskHarness, *historyScreen) {
	t.Helper()
	h := newDeskHarness(t, clinicSettings(), log, historyGroups()...)
	h.open(h.main.history.content)
	return h, h.main.history
}

// rows returns what each list row says, one line per row.
func (s *historyScreen) rows() []string {
	var out []string
	for i := range s.listLength() {
		row := newReferralRow()
		s.updateReferralRow(i, row)
		var lines []string
		for _, o := range row.(*fyne.Container).Objects {
			lines = append(lines, o.(*widget.Label).Text)
		}
		out = append(out, strings.Join(lines, " | "))
	}
	return out
}

func (s *historyScreen) selectID(t *testing.T, id int64) {
	t.Helper()
	for i, r := range s.entries {
		if r.ID == id {
			s.list.Select(i)
			return
		}
	}
	t.Fatalf("entry %d is not listed", id)
}

func TestHistoryListsNewestFirst(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	want := []string{
		"Sat 14 Mar 2026 09:30 · Tue 3pm J. | Tuesday Hope (AA), Friday Night Live (NA), Clean and Serene (NA) · Español | No follow-up yet",
		"Fri 13 Mar 2026 08:00 · R. at intake | Clean and Serene (NA) · English | Follow-up: went to Clean and Serene, felt welcome",
		"Thu 12 Mar 2026 08:00 | Morning Light (AA) · English | Follow-up: did not go",
	}
	if got := s.rows(); !slices.Equal(got, want) {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s.count.Text != "3 referrals, newest first" || s.more.Visible() || s.empty.Visible() {
		t.Errorf("count %q, Load more %v, empty %v", s.count.Text, s.more.Visible(), s.empty.Visible())
	}
	if s.detail.Visible() {
		t.Error("no entry is chosen yet")
	}

	s.selectID(t, 3)
	said := strings.Join(texts(s.detail), "\n")
	for _, w := range []string{"Fri 13 Mar 2026 08:00", "Client label: R. at intake", "• Clean and Serene (NA)",
		"Sheet: English · Letter", "Went to Clean and Serene, felt welcome.",
		"Recorded Sat 14 Mar 2026 08:00\nNotes: Liked the speaker"} {
		if !strings.Contains(said, w) {
			t.Errorf("the detail does not say %q:\n%s", w, said)
		}
	}
	capture(t, h.win, "/tmp/history.png")
}

func TestHistoryLoadsMore(t *testing.T) {
	var log []*referral.Referral
	for i := range 2*historyPage + 7 {
		log = append(log, &referral.Referral{ID: int64(i + 1), Created: testNow.Add(-time.Duration(i) * time.Hour),
			Groups: []referral.ReferredGroup{tuesdayHope}})
	}
	h, s := newHistoryHarness(t, log)
	if len(s.entries) != historyPage || !s.more.Visible() || s.count.Text != "Newest 50 of 107 referrals" {
		t.Fatalf("first page: %d rows, Load more %v, count %q", len(s.entries), s.more.Visible(), s.count.Text)
	}
	test.Tap(s.more)
	test.Tap(s.more)
	if len(s.entries) != 107 || s.more.Visible() || s.entries[106].ID != 107 {
		t.Fatalf("after two Load more: %d rows, Load more %v", len(s.entries), s.more.Visible())
	}
	// A referral logged meanwhile comes first; the refresh loads as many
	// rows as were shown, so the oldest goes back behind Load more.
	h.history.LogReferral(context.Background(), &referral.Referral{Groups: []referral.ReferredGroup{morningLight}})
	h.main.onReferralLogged()
	if len(s.entries) != 107 || !strings.Contains(s.rows()[0], "Morning Light") || !s.more.Visible() {
		t.Fatalf("after a new referral: %d rows, first %q", len(s.entries), s.rows()[0])
	}
}

func TestHistoryRefreshesWhenShown(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil, historyGroups()...)
	s := h.main.history
	if !s.empty.Visible() {
		t.Fatal("an empty log should say so")
	}
	h.history.LogReferral(context.Background(), &referral.Referral{ClientLabel: "new", Groups: []referral.ReferredGroup{tuesdayHope}})
	h.open(s.content)
	if s.empty.Visible() || len(s.entries) != 1 {
		t.Fatalf("opening History shows %d entries", len(s.entries))
	}
	h.history.LogReferral(context.Background(), &referral.Referral{Groups: []referral.ReferredGroup{morningLight}})
	h.main.onReferralLogged()
	if len(s.entries) != 2 {
		t.Fatalf("onReferralLogged left %d entries", len(s.entries))
	}
}

func TestHistoryEmptyState(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	s := h.main.history
	h.open(s.content)
	capture(t, h.win, "/tmp/history-empty.png")
	if !s.empty.Visible() || s.browse.Visible() {
		t.Fatal("an empty log should show the empty state only")
	}
	var title string
	visible(s.empty, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Card); ok {
			title = c.Title
		}
	})
	if title != "No referrals yet" {
		t.Errorf("the empty state is titled %q", title)
	}
	said := strings.Join(texts(s.empty), " ")
	want := "Referrals appear here when you save or print a sheet from the Referral screen. " +
		"Entries older than 30 days are deleted automatically."
	if said != want {
		t.Errorf("the empty state says\n%q\nwant\n%q", said, want)
	}
}

// recordFollowUp fills the form and taps Save.
func (h *deskHarness) recordFollowUp(went, group, welcome string, notWelcome bool, notes string) *followUpForm {
	h.t.Helper()
	s := h.main.history
	test.Tap(s.recordFollowUp)
	f := s.form
	if f == nil {
		h.t.Fatal("Record follow-up… shows no form")
	}
	f.went.SetSelected(went)
	if group != "" {
		f.group.SetSelected(group)
	}
	f.welcome.SetSelected(welcome)
	f.medication.SetChecked(notWelcome)
	f.notes.SetText(notes)
	test.Tap(f.save)
	return f
}

func TestFollowUpProposesCurationOnlyOnConfirm(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	s.selectID(t, 2)
	test.Tap(s.recordFollowUp)
	f := s.form
	if got := strings.Join(f.group.Options, ", "); got != "Tuesday Hope, Friday Night Live, Clean and Serene" {
		t.Errorf("the form offers %s", got)
	}
	if !f.group.Disabled() || !f.welcome.Disabled() || !f.medication.Disabled() {
		t.Error("which group and how it went are asked only when the client went")
	}
	f.went.SetSelected("Yes")
	if f.group.Disabled() || f.welcome.Disabled() || f.medication.Disabled() {
		t.Error("after Yes the form should ask which group and how it went")
	}
	capture(t, h.win, "/tmp/history-followup.png")
	h.tapDialogButton("Cancel")
	if s.form != nil || h.history.entry(2).FollowUp != nil {
		t.Fatal("Cancel recorded a follow-up")
	}

	h.recordFollowUp("Yes", "Tuesday Hope", "Don't know", true, "Told to come back off methadone")
	fu := h.history.entry(2).FollowUp
	if fu == nil || fu.Went != referral.AnswerYes || fu.GroupID != 1 || !fu.NotWelcomeOnMedication ||
		fu.Notes != "Told to come back off methadone" {
		t.Fatalf("recorded %+v", fu)
	}
	if got := strings.Join(s.rows(), "\n"); !strings.Contains(got, "Follow-up: went to Tuesday Hope, was told people on medication are not welcome") {
		t.Errorf("the list did not refresh:\n%s", got)
	}
	said := h.said()
	capture(t, h.win, "/tmp/history-curation.png")
	if !strings.Contains(said, "Mark Tuesday Hope as not welcoming to people on medication?") {
		t.Fatalf("after the follow-up the window says %q", said)
	}
	h.tapDialogButton("Leave as is")
	if g := h.fake.byName("Tuesday Hope"); g.Curation.Medication() != referral.MedicationUnknown || g.Curation.Notes != "" {
		t.Fatalf("Leave as is changed the curation: %+v", g.Curation)
	}

	h.recordFollowUp("Yes", "Tuesday Hope", "No", true, "")
	h.tapDialogButton("Mark not welcoming")
	g := h.fake.byName("Tuesday Hope")
	if g.Curation.Medication() != referral.MedicationNo ||
		g.Curation.Notes != "Client follow-up 2026-03-14: reported not welcoming to people on medication." {
		t.Fatalf("after confirming, the curation is %+v", g.Curation)
	}
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog stays open: %q", texts(top))
	}
}

func TestFollowUpShowsTheDomainsMessages(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	s.selectID(t, 2)
	f := h.recordFollowUp("Yes", "Tuesday Hope", "Yes", true, strings.Repeat("x", referral.MaxFollowUpNotes+1))
	if h.history.entry(2).FollowUp != nil {
		t.Fatal("an invalid follow-up was recorded")
	}
	if s.form != f || h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the form should stay open to be corrected")
	}
	for field, want := range map[string]string{
		"FollowUp.NotWelcomeOnMedication": "cannot both feel welcome and not be welcome on medication",
		"FollowUp.Notes":                  "at most 200 letters",
	} {
		if l := f.problems.labels[field]; !l.Visible() || !strings.Contains(l.Text, want) {
			t.Errorf("beside %s: %q, want %q", field, l.Text, want)
		}
	}
	capture(t, h.win, "/tmp/history-followup-problems.png")

	f.welcome.SetSelected("No")
	f.notes.SetText("")
	test.Tap(f.save)
	if fu := h.history.entry(2).FollowUp; fu == nil || fu.FeltWelcome != referral.AnswerNo {
		t.Fatalf("the corrected follow-up was not recorded: %+v", fu)
	}
}

func TestFollowUpOfAWelcomingGroupForAClientOnMedication(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	s.selectID(t, 2) // the needs say MOUD
	h.recordFollowUp("Yes", "Clean and Serene", "Yes", false, "")
	if said := h.said(); !strings.Contains(said, "Mark Clean and Serene as welcoming to people on medication?") {
		t.Fatalf("the window says %q", said)
	}
	h.tapDialogButton("Mark welcoming")
	if g := h.fake.byName("Clean and Serene"); g.Curation.Medication() != referral.MedicationYes {
		t.Fatalf("curation %+v", g.Curation)
	}
}

func TestFollowUpThatDidNotGoProposesNothing(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	s.selectID(t, 2)
	f := h.recordFollowUp("No", "", "Don't know", false, "")
	if fu := h.history.entry(2).FollowUp; fu == nil || fu.Went != referral.AnswerNo || fu.GroupID != 0 {
		t.Fatalf("recorded %+v", fu)
	}
	if f.group.Selected != "" {
		t.Error("a group stays chosen after No")
	}
	if top := h.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog shows: %q", texts(top))
	}
}

func TestReprintWithAGroupGone(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	s.selectID(t, 2)
	test.Tap(s.reprint)
	said := h.said()
	capture(t, h.win, "/tmp/history-reprint.png")
	if !strings.Contains(said, "Friday Night Live is no longer listed in the directory.") ||
		!strings.Contains(said, "The sheet lists the other 2 groups.") {
		t.Fatalf("Reprint… says %q", said)
	}
	h.tapDialogButton("Choose file…") // the save dialog shows; the test plays its part
	w, path := exportFile(t, "referral.pdf")
	s.onReprintTo(w)

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "%PDF-1.4 fake lang=es paper=a4 large=false\nFor: \nTuesday Hope\nClean and Serene\n%EOF\n"; string(got) != want {
		t.Errorf("the file holds %q, want %q", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("the sheet is readable by others: %v", fi.Mode())
	}
	sh := h.sheets.rendered[0]
	if sh.Clinic.Name != "Riverside Recovery Clinic" || sh.Counselor != "Dana Ruiz" || !sh.Date.Equal(testNow) {
		t.Errorf("the sheet is headed %q, %q, %v", sh.Clinic.Name, sh.Counselor, sh.Date)
	}
	if sh.ClinicZone != "America/Chicago" {
		t.Errorf("the reprint prints online times in %q, want this computer's zone", sh.ClinicZone)
	}
	said = h.said()
	if !strings.Contains(said, "Saved the sheet with 2 groups to referral.pdf") || !strings.Contains(said, "Friday Night Live") {
		t.Errorf("after saving the window says %q", said)
	}
	h.tapDialogButton("Open")
	if want := "file://" + path; !slices.Equal(h.opened, []string{want}) {
		t.Errorf("Open handed over %q, want %q", h.opened, want)
	}
}

// TestReprintIsTheSameSheet: an entry that kept its printed cards reprints
// them, Thursday included for a group folded from two listings, and a group
// the directory no longer lists still prints, marked.
func TestReprintIsTheSameSheet(t *testing.T) {
	hope := &historyGroups()[0]
	hope.ID = 1
	hope.Sessions = []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}, {Day: time.Thursday, Start: 19 * 60, End: 20 * 60}}
	gone := &referral.Group{ID: 99, Source: "aa-sepia", SourceID: "Friday Night Live", Name: "Friday Night Live",
		Program: referral.ProgramNA, Attendance: referral.Online, Sessions: []referral.Session{{Day: time.Friday, Start: 20 * 60, End: referral.NoTime}}}
	serene := &historyGroups()[1]
	serene.ID = 2
	sheet := clinicSettings().Sheet(testNow.Add(-48 * time.Hour))
	sheet.FirstName, sheet.Groups, sheet.Lang = "Xiomara", []*referral.Group{hope, gone, serene}, referral.Spanish
	entry := referral.NewReferral(sheet, referral.Needs{}, "")
	entry.ID, entry.Created = 7, testNow.Add(-48*time.Hour)

	h, s := newHistoryHarness(t, []*referral.Referral{entry})
	s.selectID(t, 7)
	test.Tap(s.reprint)
	said := h.said()
	capture(t, h.win, "/tmp/history-reprint-removed.png")
	if !strings.Contains(said, "Friday Night Live has been removed from the directory since; the sheet prints it as it was, marked to call ahead.") ||
		strings.Contains(said, "The sheet lists the other") {
		t.Fatalf("Reprint… says %q", said)
	}
	h.tapDialogButton("Choose file…")
	w, path := exportFile(t, "referral.pdf")
	s.onReprintTo(w)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "%PDF-1.4 fake lang=es paper=a4 large=false\nFor: \nTuesday Hope\nFriday Night Live\nClean and Serene\n%EOF\n"; string(got) != want {
		t.Errorf("the file holds %q, want %q", got, want)
	}
	sh := h.sheets.rendered[0]
	if !slices.Equal(sh.Groups[0].Sessions, hope.Sessions) {
		t.Errorf("Tuesday Hope meets %v, want the days printed: %v", sh.Groups[0].Sessions, hope.Sessions)
	}
	if !slices.Equal(sh.Removed, []int{1}) {
		t.Errorf("the sheet marks %v removed, want Friday Night Live (1)", sh.Removed)
	}
	if !sh.Date.Equal(testNow) || sh.Clinic.Name != "Riverside Recovery Clinic" {
		t.Errorf("the reprint is headed %q, %v; want today's settings and date", sh.Clinic.Name, sh.Date)
	}
	if said := h.said(); !strings.Contains(said, "Saved the sheet with 3 groups") || !strings.Contains(said, "Friday Night Live has been removed") {
		t.Errorf("after saving the window says %q", said)
	}
}

func TestReprintWithEveryGroupGone(t *testing.T) {
	log := []*referral.Referral{{ID: 1, Created: testNow, Groups: []referral.ReferredGroup{goneGroup}}}
	h, s := newHistoryHarness(t, log)
	s.selectID(t, 1)
	test.Tap(s.reprint)
	if said := h.said(); !strings.Contains(said, "None of the groups on this referral is listed") || !strings.Contains(said, "Friday Night Live") {
		t.Fatalf("Reprint… says %q", said)
	}
	if s.pending != nil || len(h.sheets.rendered) != 0 {
		t.Error("nothing should be printed")
	}
}

func TestFailedReprintLeavesNoFile(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	h.sheets.renderErr = errors.New("gofpdf: rune out of range")
	s.selectID(t, 3)
	test.Tap(s.reprint) // every group is listed: straight to the save dialog
	if s.pending == nil {
		t.Fatal("Reprint… should wait for a file")
	}
	w, path := exportFile(t, "referral.pdf")
	s.onReprintTo(w)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed reprint left %s behind (%v)", path, err)
	}
	said := h.said()
	if !strings.Contains(said, "Internal error") || strings.Contains(said, "gofpdf") || strings.Contains(said, "R. at intake") {
		t.Errorf("the failure says %q", said)
	}
	if s.reprint.Disabled() {
		t.Error("Reprint… stays off after a failure")
	}
}

func TestDeleteEntryAsksFirst(t *testing.T) {
	h, s := newHistoryHarness(t, referralLog())
	s.selectID(t, 3)
	test.Tap(s.delete)
	capture(t, h.win, "/tmp/history-delete.png")
	if said := h.said(); !strings.Contains(said, "Delete the referral of Fri 13 Mar 2026 08:00 from the log?") ||
		!strings.Contains(said, "cannot be undone") {
		t.Fatalf("Delete entry… says %q", said)
	}
	h.tapDialogButton("Cancel")
	if len(h.history.deleted) != 0 || len(s.entries) != 3 {
		t.Fatal("Cancel deleted the entry")
	}
	test.Tap(s.delete)
	h.tapDialogButton("Delete entry")
	if !slices.Equal(h.history.deleted, []int64{3}) || len(s.entries) != 2 {
		t.Fatalf("deleted %v; the list shows %d", h.history.deleted, len(s.entries))
	}
	if s.detail.Visible() || s.selected != nil {
		t.Error("the deleted entry still shows")
	}
}
