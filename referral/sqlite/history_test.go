package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

const day = 24 * time.Hour

// clock is a settable db.Now for tests that let time pass.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

// openHistory opens a fresh database with a settable clock.
func openHistory(t *testing.T) (*sqlite.HistoryService, *sqlite.DB, *clock, string) {
	t.Helper()
	db, path := openTestDB(t)
	c := &clock{now: fixedNow}
	db.SetClock(c.Now)
	return sqlite.NewHistoryService(db), db, c, path
}

// rawDB opens the file on a connection of its own, as another program would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// storedRows counts the log's rows in the file, expired ones included.
func storedRows(t *testing.T, path string) int {
	t.Helper()
	var n int
	if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM referrals`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fullReferral() *referral.Referral {
	return &referral.Referral{
		ClientLabel: "Tue 3pm J.",
		Needs: referral.Needs{
			For: referral.ForSelf, Substances: []referral.Substance{referral.SubstanceOpioids, referral.SubstanceAlcohol},
			ZIP: "19107", Origin: &referral.Point{Lat: 39.9523, Lon: -75.1638}, MaxMiles: 5,
			Days: []time.Weekday{time.Tuesday, time.Thursday}, Times: []referral.TimeBand{referral.Evening},
			Attend: referral.AttendInPerson, Gender: referral.GenderWoman, WomenOnly: true,
			LGBTQ: true, YoungPeople: true, Languages: []string{"es"}, Wheelchair: true, ASL: true, Childcare: true,
			MOUD: true, Approach: referral.ApproachSecular, Limit: 3,
		},
		Groups: []referral.ReferredGroup{
			{GroupID: 4, Source: "aa-sepia", SourceID: "st-marks", Name: "Tuesday Night Hope", Program: referral.ProgramAA},
			{GroupID: 9, Source: referral.SourceManual, SourceID: "m-1", Name: "MAT Circle", Program: referral.ProgramMAR},
		},
		Lang: referral.Spanish, Paper: referral.A4, Large: true,
	}
}

func logReferral(t *testing.T, h *sqlite.HistoryService, r *referral.Referral) *referral.Referral {
	t.Helper()
	if err := h.LogReferral(context.Background(), r); err != nil {
		t.Fatalf("LogReferral: %v", err)
	}
	return r
}

func assertReferral(t *testing.T, got, want *referral.Referral) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("referral differs\n got: %+v\nwant: %+v", got, want)
	}
}

func referralIDs(t *testing.T, h *sqlite.HistoryService, f referral.ReferralFilter) ([]int64, int) {
	t.Helper()
	list, total, err := h.FindReferrals(context.Background(), f)
	if err != nil {
		t.Fatalf("FindReferrals: %v", err)
	}
	var ids []int64
	for _, r := range list {
		ids = append(ids, r.ID)
	}
	return ids, total
}

func TestHistoryLogAndFind(t *testing.T) {
	ctx := context.Background()
	h, db, c, path := openHistory(t)

	r := fullReferral()
	r.FollowUp = &referral.FollowUp{Went: referral.AnswerYes} // ignored: follow-ups come later
	logReferral(t, h, r)
	if r.ID == 0 || !r.Created.Equal(fixedNow) || r.FollowUp != nil {
		t.Fatalf("after LogReferral: ID %d, Created %v, FollowUp %v", r.ID, r.Created, r.FollowUp)
	}
	got, err := h.FindReferralByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertReferral(t, got, r)

	// Newest first, with paging and the total.
	c.advance(time.Hour)
	second := logReferral(t, h, &referral.Referral{Groups: fullReferral().Groups[:1]})
	c.advance(time.Hour)
	third := logReferral(t, h, &referral.Referral{ClientLabel: "third", Groups: fullReferral().Groups[1:]})
	ids, total := referralIDs(t, h, referral.ReferralFilter{})
	if want := []int64{third.ID, second.ID, r.ID}; !reflect.DeepEqual(ids, want) || total != 3 {
		t.Errorf("FindReferrals = %v of %d, want %v of 3", ids, total, want)
	}
	ids, total = referralIDs(t, h, referral.ReferralFilter{Offset: 1, Limit: 1})
	if want := []int64{second.ID}; !reflect.DeepEqual(ids, want) || total != 3 {
		t.Errorf("page 2 = %v of %d, want %v of 3", ids, total, want)
	}
	if ids, total = referralIDs(t, h, referral.ReferralFilter{Offset: 5}); ids != nil || total != 3 {
		t.Errorf("past the end = %v of %d", ids, total)
	}

	// The file keeps it all, and stays the user's own.
	db.Close()
	h = sqlite.NewHistoryService(reopen(t, path))
	got, err = h.FindReferralByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertReferral(t, got, r)
	if m := mode(t, path); m != 0o600 {
		t.Errorf("database mode = %v, want 0600", m)
	}
}

func TestHistoryInvalidWritesNothing(t *testing.T) {
	const secret = "Jordan Q. Smithson"
	ctx := context.Background()
	h, _, _, path := openHistory(t)
	r := fullReferral()
	r.ClientLabel = secret + strings.Repeat("!", 40)
	err := h.LogReferral(ctx, r)
	wantCode(t, err, referral.EINVALID)
	if strings.Contains(err.Error(), "Jordan") {
		t.Errorf("error quotes the client label: %v", err)
	}
	if r.ID != 0 || storedRows(t, path) != 0 {
		t.Errorf("refused entry was stored (ID %d)", r.ID)
	}
}

func TestHistoryFollowUp(t *testing.T) {
	ctx := context.Background()
	h, db, c, _ := openHistory(t)
	groups := sqlite.NewGroupService(db)

	g := fullGroup()
	g.Curation = referral.Curation{Notes: "Chair is kind to newcomers."}
	if err := groups.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	sheet := referral.DefaultSettings().Sheet(fixedNow)
	sheet.FirstName = "Sam"
	sheet.Groups = []*referral.Group{g}
	r := logReferral(t, h, referral.NewReferral(sheet, referral.Needs{MOUD: true}, ""))

	c.advance(7 * day)
	f := referral.FollowUp{Went: referral.AnswerYes, GroupID: g.ID, FeltWelcome: referral.AnswerNo,
		NotWelcomeOnMedication: true, Notes: "told to come back off methadone"}
	got, err := h.RecordFollowUp(ctx, r.ID, f)
	if err != nil {
		t.Fatalf("RecordFollowUp: %v", err)
	}
	f.Recorded = c.now
	if got.FollowUp == nil || *got.FollowUp != f {
		t.Fatalf("FollowUp = %+v, want %+v", got.FollowUp, f)
	}
	stored, err := h.FindReferralByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertReferral(t, stored, got)

	// The counselor confirms the proposed curation; the store applies it.
	proposal, ok := stored.ProposedCuration(g)
	if !ok || proposal.MedicationFriendly != referral.MedicationNo {
		t.Fatalf("ProposedCuration = %+v, %v", proposal, ok)
	}
	applied, err := groups.SetCuration(ctx, g.ID, proposal)
	if err != nil {
		t.Fatal(err)
	}
	wantNotes := "Chair is kind to newcomers.\nClient follow-up 2025-03-11: reported not welcoming to people on medication."
	if applied.Curation.Medication() != referral.MedicationNo || applied.Curation.Notes != wantNotes {
		t.Errorf("curation = %+v, want not medication-friendly with notes %q", applied.Curation, wantNotes)
	}

	// A later follow-up replaces the first; an invalid one changes nothing.
	c.advance(day)
	if _, err := h.RecordFollowUp(ctx, r.ID, referral.FollowUp{Went: referral.AnswerYes, GroupID: 999}); referral.ErrorCode(err) != referral.EINVALID {
		t.Fatalf("follow-up naming a group not referred: %v, want EINVALID", err)
	}
	again, _ := h.FindReferralByID(ctx, r.ID)
	assertReferral(t, again, got)
	got, err = h.RecordFollowUp(ctx, r.ID, referral.FollowUp{Went: referral.AnswerNo})
	if err != nil || got.FollowUp.Went != referral.AnswerNo || !got.FollowUp.Recorded.Equal(c.now) {
		t.Errorf("second follow-up = %+v, %v", got.FollowUp, err)
	}

	_, err = h.RecordFollowUp(ctx, 12345, f)
	wantCode(t, err, referral.ENOTFOUND)
}

func TestHistoryDelete(t *testing.T) {
	ctx := context.Background()
	h, _, _, _ := openHistory(t)
	r := logReferral(t, h, fullReferral())
	keep := logReferral(t, h, fullReferral())
	if err := h.DeleteReferral(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	_, err := h.FindReferralByID(ctx, r.ID)
	wantCode(t, err, referral.ENOTFOUND)
	wantCode(t, h.DeleteReferral(ctx, r.ID), referral.ENOTFOUND)
	if ids, _ := referralIDs(t, h, referral.ReferralFilter{}); !reflect.DeepEqual(ids, []int64{keep.ID}) {
		t.Errorf("after delete: %v, want [%d]", ids, keep.ID)
	}
	// A new entry never takes a deleted entry's id.
	if next := logReferral(t, h, fullReferral()); next.ID <= keep.ID {
		t.Errorf("new id %d reuses an old one", next.ID)
	}
}

func TestHistoryRetention(t *testing.T) {
	ctx := context.Background()
	h, db, c, path := openHistory(t)
	old := logReferral(t, h, fullReferral()) // day 0
	c.advance(2 * day)
	middle := logReferral(t, h, fullReferral()) // day 2
	c.advance(60 * day)
	recent := logReferral(t, h, fullReferral()) // day 62

	// Day 91: the first entry is 91 days old, the second 89. Reads hide the
	// expired one before any purge has run; the file still has it.
	c.advance(29 * day)
	ids, total := referralIDs(t, h, referral.ReferralFilter{})
	if want := []int64{recent.ID, middle.ID}; !reflect.DeepEqual(ids, want) || total != 2 {
		t.Errorf("day 91: %v of %d, want %v", ids, total, want)
	}
	if _, err := h.FindReferralByID(ctx, old.ID); referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("FindReferralByID(expired) = %v, want ENOTFOUND", err)
	}
	if _, err := h.RecordFollowUp(ctx, old.ID, referral.FollowUp{}); referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("RecordFollowUp(expired) = %v, want ENOTFOUND", err)
	}
	if n := storedRows(t, path); n != 3 {
		t.Errorf("rows before the purge = %d, want 3", n)
	}

	// The next entry purges it.
	newest := logReferral(t, h, fullReferral())
	if n := storedRows(t, path); n != 3 {
		t.Errorf("rows after LogReferral = %d, want 3", n)
	}

	// A shorter retention hides and deletes more at once.
	settings := sqlite.NewSettingsService(db)
	st := referral.DefaultSettings()
	st.RetentionDays = 30
	if err := settings.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	ids, _ = referralIDs(t, h, referral.ReferralFilter{})
	if want := []int64{newest.ID, recent.ID}; !reflect.DeepEqual(ids, want) {
		t.Errorf("30-day retention: %v, want %v", ids, want)
	}
	if n := storedRows(t, path); n != 2 {
		t.Errorf("rows after saving 30 days = %d, want 2", n)
	}

	// PurgeExpired (run at start) and PurgeReferrals (by date).
	c.advance(31 * day)
	if n, err := h.PurgeExpired(ctx); err != nil || n != 2 {
		t.Errorf("PurgeExpired = %d, %v; want 2", n, err)
	}
	logReferral(t, h, fullReferral())
	if n, err := h.PurgeReferrals(ctx, c.now.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("PurgeReferrals = %d, %v; want 1", n, err)
	}
	if n := storedRows(t, path); n != 0 {
		t.Errorf("rows at the end = %d, want 0", n)
	}
}

// TestHistoryErasesDeletedEntries reads the database file itself: a deleted
// or purged entry must not linger in free pages or in the WAL.
func TestHistoryErasesDeletedEntries(t *testing.T) {
	const label, notes = "QZX-label-7f3", "QZX-notes-7f3"
	ctx := context.Background()
	h, db, c, path := openHistory(t)
	fileHas := func(s string) bool {
		t.Helper()
		for _, p := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(p)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(s)) {
				return true
			}
		}
		return false
	}
	logSecret := func() *referral.Referral {
		r := fullReferral()
		r.ClientLabel = label
		logReferral(t, h, r)
		if _, err := h.RecordFollowUp(ctx, r.ID, referral.FollowUp{Went: referral.AnswerNo, Notes: notes}); err != nil {
			t.Fatal(err)
		}
		return r
	}

	r := logSecret()
	logReferral(t, h, fullReferral()) // a neighbour on the same page
	if !fileHas(label) || !fileHas(notes) {
		t.Fatal("the test cannot see entries in the file at all")
	}
	if _, err := h.RecordFollowUp(ctx, r.ID, referral.FollowUp{Went: referral.AnswerNo}); err != nil {
		t.Fatal(err)
	}
	if fileHas(notes) {
		t.Error("the notes of a replaced follow-up are still in the database file")
	}
	if err := h.DeleteReferral(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if fileHas(label) || fileHas(notes) {
		t.Error("a deleted entry is still in the database file")
	}

	logSecret()
	c.advance(91 * day)
	if n, err := h.PurgeExpired(ctx); err != nil || n != 2 {
		t.Fatalf("PurgeExpired = %d, %v", n, err)
	}
	db.Close()
	if fileHas(label) || fileHas(notes) {
		t.Error("a purged entry is still in the database file")
	}
}

// TestHistoryKeepsThePrintedCards: the log keeps each group as its card
// printed it, every field of it, and nothing of the sheet's first name or of
// the clinic's own notes on the group.
func TestHistoryKeepsThePrintedCards(t *testing.T) {
	ctx := context.Background()
	h, db, _, path := openHistory(t)
	card := fullGroup()
	card.ID = 4
	// As Candidate.Listing prints a group listed once per weekday.
	card.Sessions = append(card.Sessions, referral.Session{Day: time.Thursday, Start: 19 * 60, End: 20 * 60})
	bare := &referral.Group{ID: 9, Source: referral.SourceManual, SourceID: "m-1", Name: "MAT Circle",
		Program: referral.ProgramMAR, Attendance: referral.Online}
	sheet := referral.Sheet{Clinic: referral.Clinic{Name: "Broad Street Clinic"}, Date: fixedNow, FirstName: "Xiomara",
		Groups: []*referral.Group{card, bare}, Lang: referral.Spanish}
	r := logReferral(t, h, referral.NewReferral(sheet, fullReferral().Needs, "R. intake"))

	want := *fullGroup()
	want.ID, want.Sessions = 4, card.Sessions
	want.Curation.Notes = ""
	for _, h := range []*sqlite.HistoryService{h, sqlite.NewHistoryService(reopen(t, path))} {
		got, err := h.FindReferralByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		assertReferral(t, got, r)
		if p := got.Groups[0].Printed; p == nil || !reflect.DeepEqual(*p, want) {
			t.Errorf("printed card read back\n got: %+v\nwant: %+v", p, want)
		}
		if p := got.Groups[1].Printed; p == nil || !reflect.DeepEqual(*p, *bare) {
			t.Errorf("printed card read back\n got: %+v\nwant: %+v", p, bare)
		}
	}
	db.Close()
	var file []byte // the database as a copy of it would carry it
	for _, f := range []string{path, path + "-wal"} {
		raw, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		file = append(file, raw...)
	}
	if !bytes.Contains(file, []byte("Side door, basement")) {
		t.Fatal("the test cannot see the printed card in the file at all")
	}
	for _, secret := range []string{"Xiomara", "Chair is kind"} {
		if bytes.Contains(file, []byte(secret)) {
			t.Errorf("the database file holds %q", secret)
		}
	}
}

// TestHistoryReadsEntriesWithoutPrintedCards: entries logged before the log
// kept the cards still read, with no card to reprint from.
func TestHistoryReadsEntriesWithoutPrintedCards(t *testing.T) {
	h, _, _, path := openHistory(t)
	r := logReferral(t, h, fullReferral())
	rawExec(t, path, `UPDATE referrals SET referred = ? WHERE id = ?`,
		`[{"group_id":4,"source":"aa-sepia","source_id":"st-marks","name":"Tuesday Night Hope","program":"AA"}]`, r.ID)
	got, err := h.FindReferralByID(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []referral.ReferredGroup{fullReferral().Groups[0]}
	if !reflect.DeepEqual(got.Groups, want) {
		t.Errorf("Groups = %+v, want %+v", got.Groups, want)
	}
}

// TestFindReferredBySourceID: a reprint finds a referred listing by its
// source and source id, also after an import removed it and a later one
// added it back under a new id.
func TestFindReferredBySourceID(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	gs := sqlite.NewGroupService(db)
	stay := group("Stays", referral.ProgramNA, referral.InPerson, time.Tuesday, "Philadelphia", "na", "stays")
	back := group("Comes Back", referral.ProgramNA, referral.InPerson, time.Wednesday, "Philadelphia", "na", "back")
	gone := group("Gone", referral.ProgramNA, referral.InPerson, time.Thursday, "Philadelphia", "na", "gone")
	hidden := group("Hidden", referral.ProgramNA, referral.InPerson, time.Friday, "Philadelphia", "na", "hidden")
	hidden.Curation.Hidden = true
	for _, g := range []*referral.Group{stay, back, gone, hidden} {
		if err := gs.CreateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	sheet := referral.Sheet{Date: fixedNow, Groups: []*referral.Group{stay, back, gone, hidden}}
	r := referral.NewReferral(sheet, referral.Needs{}, "")
	// An entry may name its group by directory id alone.
	r.Groups = append(r.Groups, referral.ReferredGroup{GroupID: stay.ID, Name: stay.Name})

	oldID := back.ID
	for _, id := range []int64{back.ID, gone.ID} {
		if err := gs.DeleteGroup(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	back.ID = 0
	if err := gs.CreateGroup(ctx, back); err != nil {
		t.Fatal(err)
	}
	if back.ID == oldID {
		t.Fatal("the test needs the listing back under a new id")
	}
	listed, err := referral.FindReferred(ctx, gs, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, g := range listed {
		id := int64(-1)
		if g != nil {
			id = g.ID
		}
		got = append(got, id)
	}
	if want := []int64{stay.ID, back.ID, -1, hidden.ID, stay.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("FindReferred found ids %v, want %v (-1: not listed)", got, want)
	}
	if _, err := gs.FindGroupBySourceID(ctx, "na", "gone"); referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("FindGroupBySourceID of a removed listing = %v, want ENOTFOUND", err)
	}
}
