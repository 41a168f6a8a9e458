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
	db.Now = c.Now
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
