package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// writeHolder is another program holding the database's write lock, as an
// import does for the length of its transaction.
type writeHolder struct {
	db   *sql.DB
	conn *sql.Conn
}

func holdWriteLock(t *testing.T, path string) *writeHolder {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A write, so that its commit moves the others' data_version as an
	// import's does.
	for _, q := range []string{`BEGIN IMMEDIATE`, `UPDATE migrations SET name = name`} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	h := &writeHolder{db: raw, conn: conn}
	t.Cleanup(h.release)
	return h
}

// release commits and lets go of the lock; twice does nothing more.
func (h *writeHolder) release() {
	if h.conn == nil {
		return
	}
	h.conn.ExecContext(context.Background(), `COMMIT`)
	h.conn.Close()
	h.db.Close()
	h.conn = nil
}

// keptFiles lists the referrals waiting beside the database at path.
func keptFiles(t *testing.T, path string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(path+"-pending", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// awaitLogged waits until the log lists n entries, failing after 20 s, and
// returns them newest first.
func awaitLogged(t testing.TB, h *sqlite.HistoryService, n int) []*referral.Referral {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		list, total, err := h.FindReferrals(context.Background(), referral.ReferralFilter{})
		if err != nil {
			t.Fatalf("FindReferrals: %v", err)
		}
		if total == n {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("the referral log lists %d entries 20 s on, want %d", total, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReferralLoggedWhileAnotherWriterHolds: a sheet's referral, logged while
// another program holds the write lock, is not waited for: it is kept on
// disk beside the database, listed once the lock is free, as it was made,
// and its file is gone. OnWait hears nothing, as nothing waits.
func TestReferralLoggedWhileAnotherWriterHolds(t *testing.T) {
	h, db, _, path := openHistory(t)
	var waits waitLog
	db.OnWait = waits.onWait
	first := logReferral(t, h, fullReferral())

	holder := holdWriteLock(t, path)
	r := fullReferral()
	r.ClientLabel = "during the import"
	start := time.Now()
	if err := h.LogReferral(context.Background(), r); err != nil {
		t.Fatalf("LogReferral while another program writes: %v", err)
	}
	t.Logf("LogReferral returned after %v with the lock held elsewhere", time.Since(start).Round(time.Millisecond))
	if r.ID != 0 || !r.Created.Equal(fixedNow) {
		t.Errorf("a kept referral has ID %d and Created %v; want 0 (not entered yet) and %v", r.ID, r.Created, fixedNow)
	}
	if kept := keptFiles(t, path); len(kept) != 1 {
		t.Fatalf("%d referrals kept beside the database, want 1: %v", len(kept), kept)
	}
	if mode(t, path+"-pending") != 0o700 || mode(t, keptFiles(t, path)[0]) != 0o600 {
		t.Errorf("kept referral folder %v, file %v; want 0700 and 0600: they hold client data",
			mode(t, path+"-pending"), mode(t, keptFiles(t, path)[0]))
	}
	if _, total, _ := h.FindReferrals(context.Background(), referral.ReferralFilter{}); total != 1 {
		t.Errorf("the log lists %d entries while the other writer holds it, want the 1 entered before", total)
	}

	holder.release()
	list := awaitLogged(t, h, 2)
	got := list[0]
	if got.ID <= first.ID || got.ClientLabel != "during the import" || !got.Created.Equal(fixedNow) ||
		got.Lang != r.Lang || got.Paper != r.Paper || !got.Large || len(got.Groups) != 2 ||
		!slices.Equal(got.Needs.Days, r.Needs.Days) || got.Needs.ZIP != "19107" {
		t.Errorf("entered as %+v; want the referral as it was made, after entry %d", got, first.ID)
	}
	if kept := keptFiles(t, path); len(kept) != 0 {
		t.Errorf("entered, yet still kept: %v", kept)
	}
	if told := waits.told(); len(told) != 0 {
		t.Errorf("OnWait was told %v; a kept referral waits for nothing", told)
	}
}

// TestKeptReferralEnteredAtNextOpen: a referral kept while another program
// wrote, by a window closed before it was done, is entered by the next
// Open once the lock is free; nothing is lost.
func TestKeptReferralEnteredAtNextOpen(t *testing.T) {
	h, db, _, path := openHistory(t)
	holder := holdWriteLock(t, path)
	logReferral(t, h, fullReferral())
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if kept := keptFiles(t, path); len(kept) != 1 {
		t.Fatalf("after Close %d referrals are kept, want the 1 not entered", len(kept))
	}
	holder.release()

	awaitLogged(t, sqlite.NewHistoryService(reopen(t, path)), 1)
	if kept := keptFiles(t, path); len(kept) != 0 {
		t.Errorf("entered at Open, yet still kept: %v", kept)
	}
}

// TestKeptReferralEnteredOnce: when a crash leaves a kept referral's file
// after the commit that entered it, entering it again adds nothing; and a
// file in the folder that is not a referral is left there, not deleted, and
// does not stop the others.
func TestKeptReferralEnteredOnce(t *testing.T) {
	h, _, _, path := openHistory(t)
	holder := holdWriteLock(t, path)
	logReferral(t, h, fullReferral())
	kept := keptFiles(t, path)
	if len(kept) != 1 {
		t.Fatalf("%d kept, want 1", len(kept))
	}
	saved, err := os.ReadFile(kept[0])
	if err != nil {
		t.Fatal(err)
	}
	stranger := filepath.Join(path+"-pending", "notes.json")
	if err := os.WriteFile(stranger, []byte("not a referral"), 0o600); err != nil {
		t.Fatal(err)
	}
	holder.release()
	awaitLogged(t, h, 1)

	// The file as a crash after the commit would have left it.
	if err := os.WriteFile(kept[0], saved, 0o600); err != nil {
		t.Fatal(err)
	}
	second := logReferral(t, h, fullReferral())
	if second.ID == 0 {
		t.Fatal("with no other writer, LogReferral entered nothing at once")
	}
	list := awaitLogged(t, h, 2)
	if list[0].ID != second.ID {
		t.Errorf("newest entry %d, want %d", list[0].ID, second.ID)
	}
	left := keptFiles(t, path)
	if len(left) != 1 || left[0] != stranger {
		t.Errorf("left in the folder: %v; want only %s, which is not a referral", left, stranger)
	}
	if data, _ := os.ReadFile(stranger); !strings.Contains(string(data), "not a referral") {
		t.Errorf("the stranger's file was changed: %q", data)
	}

	// Deleted by the counselor, then the leftover file again: the entry
	// does not come back.
	if err := h.DeleteReferral(context.Background(), list[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kept[0], saved, 0o600); err != nil {
		t.Fatal(err)
	}
	logReferral(t, h, fullReferral())
	if list := awaitLogged(t, h, 2); list[1].ID != second.ID {
		t.Errorf("after a delete and the leftover file, the log holds %d and %d; the deleted entry came back", list[0].ID, list[1].ID)
	}
	if left := keptFiles(t, path); len(left) != 1 {
		t.Errorf("the leftover file stays: %v", left)
	}
}

// TestKeptReferralStoredAsLogged: an entry kept during another write is
// stored exactly as one logged directly, column by column and type by type.
func TestKeptReferralStoredAsLogged(t *testing.T) {
	h, _, _, path := openHistory(t)
	direct := logReferral(t, h, fullReferral())
	holder := holdWriteLock(t, path)
	logReferral(t, h, fullReferral())
	holder.release()
	list := awaitLogged(t, h, 2)
	raw := rawDB(t, path)
	row := func(id int64) string {
		var s string
		err := raw.QueryRow(`SELECT created_at || '|' || client_label || '|' || lang || '|' || paper || '|' || large || '|' ||
			typeof(needs) || ':' || CAST(needs AS TEXT) || '|' || typeof(referred) || ':' || CAST(referred AS TEXT)
			FROM referrals WHERE id = ?`, id).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := row(direct.ID), row(list[0].ID); a != b {
		t.Errorf("stored directly:\n%s\nkept, then entered:\n%s", a, b)
	}
}

// TestPurgeReachesKeptReferrals: a purge of the whole log also removes an
// entry kept during another write and not entered yet: it does not turn
// up in the log afterwards.
func TestPurgeReachesKeptReferrals(t *testing.T) {
	h, db, _, path := openHistory(t)
	holder := holdWriteLock(t, path)
	logReferral(t, h, fullReferral())
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	holder.release()

	h = sqlite.NewHistoryService(reopen(t, path))
	if _, err := h.PurgeReferrals(context.Background(), fixedNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the entering goroutine, had it anything left
	if _, total, _ := h.FindReferrals(context.Background(), referral.ReferralFilter{}); total != 0 {
		t.Errorf("after purging everything the log lists %d entries", total)
	}
	if kept := keptFiles(t, path); len(kept) != 0 {
		t.Errorf("after purging everything, still kept: %v", kept)
	}
}

// TestKeptByAnotherProgramEntered: a referral kept by the command line while
// another program wrote, the command line having ended since, is entered by
// the window's store once the writer commits: the window's watch reads
// Version, which sees the commit.
func TestKeptByAnotherProgramEntered(t *testing.T) {
	ctx := context.Background()
	window, path := openTestDB(t)
	window.SetClock(func() time.Time { return fixedNow })
	if _, err := window.Version(ctx); err != nil {
		t.Fatal(err)
	}
	holder := holdWriteLock(t, path)
	command := reopen(t, path)
	logReferral(t, sqlite.NewHistoryService(command), fullReferral())
	if err := command.Close(); err != nil {
		t.Fatal(err)
	}
	holder.release()

	h := sqlite.NewHistoryService(window)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := window.Version(ctx); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := h.FindReferrals(ctx, referral.ReferralFilter{}); total == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("20 s after the writer committed, the window's log still misses the kept referral (kept: %v)", keptFiles(t, path))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKeptByAnotherProgramEnteredAtItsClose: the command line kept an entry
// while another program wrote; that writer is done before the command line
// ends, so the command line enters the entry itself as it closes, and the
// window lists it without waiting for any other commit.
func TestKeptByAnotherProgramEnteredAtItsClose(t *testing.T) {
	window, path := openTestDB(t)
	window.SetClock(func() time.Time { return fixedNow })
	holder := holdWriteLock(t, path)
	command := reopen(t, path)
	logReferral(t, sqlite.NewHistoryService(command), fullReferral())
	holder.release()
	if err := command.Close(); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := sqlite.NewHistoryService(window).FindReferrals(context.Background(), referral.ReferralFilter{}); total != 1 {
		t.Errorf("the window lists %d entries once the command line has closed, want the 1 it kept (kept: %v)", total, keptFiles(t, path))
	}
}
