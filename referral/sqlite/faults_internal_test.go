package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"

	"referraldesk/referral"
)

// TestFaultOfAWriterThatNeverFinishes: the error a write gives up with,
// after lockPatience, names the other writer, never "database is locked".
// lockPatience is far too long to wait out in a test, so the SQLite error
// comes from an attempt that does not wait at all.
func TestFaultOfAWriterThatNeverFinishes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", dsn(path, "_pragma=journal_mode(WAL)&_pragma=busy_timeout(0)&_txlock=immediate"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	holder, other := open(), open()
	if _, err := holder.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()

	_, err = other.Begin()
	if !isBusy(err) {
		t.Fatalf("a second writer got %v, want SQLITE_BUSY", err)
	}
	want := "Another Referral Desk is still writing to " + path + " (an import or refresh); try again when it has finished."
	if got := fault(path, err); referral.ErrorCode(got) != referral.EUNAVAILABLE || referral.ErrorMessage(got) != want {
		t.Errorf("fault = %q (%v), want %q", referral.ErrorMessage(got), got, want)
	}
}
