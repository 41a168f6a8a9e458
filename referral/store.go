package referral

import (
	"context"
	"time"
)

// The store beside the directory: what a screen needs to know about the
// database file itself rather than the groups in it — whether someone else
// changed it, whether it is healthy, and its backups.

// ChangeWatcher tells a screen that what it shows may be out of date because
// something was committed to the store, by this program or another one (the
// command line beside the window, a second window).
type ChangeWatcher interface {
	// Version returns a number that differs from an earlier reading when
	// anything was committed in between. It costs one pragma on one
	// connection, so a window may ask on focus and every few seconds.
	Version(ctx context.Context) (int64, error)
}

// Backup is one backup copy of the database.
type Backup struct {
	Path  string    // the copy's file
	Taken time.Time // when it was made
	Size  int64     // bytes
	// Automatic marks the copies the store makes itself before it changes
	// the directory or upgrades the schema; only the newest few are kept.
	// Copies made on request are never removed by the store.
	Automatic bool
	// Why says what the copy was made before, e.g. "before importing
	// SEPIA"; empty for a copy made on request.
	Why string
}

// RestoreReport says what a restore did.
type RestoreReport struct {
	From     string // the file restored
	Previous Backup // the copy of the database as it was before the restore
	Groups   int    // listings in the restored directory
}

// BackupService keeps and restores copies of the database.
type BackupService interface {
	// BackUp writes a consistent copy of the database, readable by the
	// user only, to path; an empty path means a new file in the backups
	// folder. It works while another process writes.
	BackUp(ctx context.Context, path string) (Backup, error)
	// Backups lists the copies in the backups folder, newest first.
	Backups(ctx context.Context) ([]Backup, error)
	// Restore checks the file at path (a SQLite file, intact, a Referral
	// Desk database no newer than this version), keeps the current
	// database as a backup, and then replaces the database's content with
	// the file's in one step. A file it refuses changes nothing (EINVALID,
	// saying why).
	Restore(ctx context.Context, path string) (RestoreReport, error)
	// Check looks the database over for damage (SQLite's quick check):
	// nil when it is sound, an EDAMAGED error when it is not, after which
	// the store refuses every write.
	Check(ctx context.Context) error
}
