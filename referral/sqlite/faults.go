package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"referraldesk/referral"
)

// What SQLite says about the file itself — damaged, full, read-only, out of
// reach, locked by another writer — is the same whatever the request was, so
// it is turned into a message for a person once, where every request passes
// (DB.read, DB.write, DB.writeBulk, Open), and each service gets it for free.
// Everything else SQLite reports is about a request and stays as it is.

// sqliteCode is the extended result code of the SQLite error in err's chain.
func sqliteCode(err error) (int, bool) {
	var e *modernc.Error
	if !errors.As(err, &e) {
		return 0, false
	}
	return e.Code(), true
}

// fault is err as a person should see it when SQLite's complaint is about
// the database file at path, and err unchanged otherwise (nil, a coded error
// or a request's own failure). Only a damaged file may suggest restoring a
// backup: a full disk or a read-only folder leaves a healthy database that a
// restore would overwrite.
func fault(path string, err error) error {
	var coded *referral.Error
	if err == nil || errors.As(err, &coded) {
		return err
	}
	code, ok := sqliteCode(err)
	if !ok {
		return err
	}
	switch code & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return damagedDatabase(path)
	case sqlite3.SQLITE_FULL:
		return diskFull()
	case sqlite3.SQLITE_READONLY:
		return readOnly(path)
	case sqlite3.SQLITE_BUSY:
		return busy(path)
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR:
		if code == sqlite3.SQLITE_IOERR_SHMSIZE {
			// The shared-memory index beside the file could not be grown;
			// SQLite writes a byte per page to claim the space, and on a
			// full disk that write is what fails.
			return diskFull()
		}
		return unreachable(path)
	}
	return err
}

// fault is fault for this database; a damaged file also stops every later
// write, so nothing is ever written to a file SQLite found damaged.
func (db *DB) fault(err error) error {
	err = fault(db.path, err)
	if referral.ErrorCode(err) == referral.EDAMAGED && !db.damaged.Swap(true) {
		log.Printf("database %s found damaged; it is no longer written to", db.path)
	}
	return err
}

// writable is why no write may start now, or nil: the file was found
// damaged, or Open could only open it for reading.
func (db *DB) writable() error {
	if db.damaged.Load() {
		return damagedDatabase(db.path)
	}
	return db.refuse
}

// Check looks the whole file over for damage with SQLite's quick check
// (every page's structure, without comparing indexes with their tables):
// nil when it is sound, an EDAMAGED error when it is not, after which every
// write is refused. It only reads, so it runs beside other readers and
// writers; it reads every page: 1.8 s for 250,000 listings (a 380 MB file)
// on a 2-core machine, against 6.6 s for importing them.
func (db *DB) Check(ctx context.Context) error {
	var problems []string
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `PRAGMA quick_check`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				return err
			}
			problems = append(problems, p)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("check database %s: %w", db.path, err)
	}
	if len(problems) == 1 && problems[0] == "ok" {
		return nil
	}
	// The check names pages and cells, never their content.
	log.Printf("database %s failed its check: %s", db.path, strings.Join(problems[:min(len(problems), 5)], "; "))
	db.damaged.Store(true)
	return damagedDatabase(db.path)
}

// checkBeforeReplacing is asked before a write that replaces or removes a
// source, which rewrites much of the file: damage may sit where the write
// would not look, and a damaged file must not be written to. A file that
// cannot be written at all says so without the check's seconds of reading.
func (db *DB) checkBeforeReplacing(ctx context.Context) error {
	if err := db.writable(); err != nil {
		return err
	}
	return db.Check(ctx)
}

func damagedDatabase(path string) error {
	return referral.Errorf(referral.EDAMAGED,
		"The database file %s is damaged. Restore a backup (Settings → Backups, or referraldesk backup --list and referraldesk restore FILE).", path)
}

func diskFull() error {
	return referral.Errorf(referral.EUNAVAILABLE, "The disk is full. Free some space and try again; nothing was changed.")
}

func readOnly(path string) error {
	return referral.Errorf(referral.EUNAVAILABLE,
		"The database %s is read-only (the file or its folder cannot be written); reading works, but to change anything make it writable or choose another file with --db.", path)
}

func busy(path string) error {
	return referral.Errorf(referral.EUNAVAILABLE,
		"Another Referral Desk is still writing to %s (an import or refresh); try again when it has finished.", path)
}

func folderNotFile(path string) error {
	return referral.Errorf(referral.EINVALID, "%s is a folder, not a Referral Desk database; choose a file with --db.", path)
}

// unreachable is the message for a file SQLite could not open, read or
// write, with the operating system's reason when it can still be found out:
// SQLite's own ("disk I/O error") says nothing a person can act on.
func unreachable(path string) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return folderNotFile(path)
	}
	why := ""
	if r := osReason(path); r != "" {
		why = " (" + r + ")"
	}
	return referral.Errorf(referral.EUNAVAILABLE,
		"The database %s or its folder cannot be read or written%s; check that the disk is connected and that you may read and write the file and its folder, or choose another file with --db.",
		path, why)
}

// osReason asks the operating system what the file, its write-ahead
// companions and its folder refuse, naming the first that does ("its folder:
// read-only file system"); "" when all of them open for writing.
func osReason(path string) string {
	for _, p := range companions(path) {
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) && p != path {
			continue
		}
		if err != nil {
			return filepath.Base(p) + ": " + reason(err)
		}
		f.Close()
	}
	// An empty hidden file, removed at once, is the only way to ask the
	// folder itself on every system.
	f, err := os.CreateTemp(filepath.Dir(path), checkPattern)
	if err != nil {
		return "its folder: " + reason(err)
	}
	f.Close()
	os.Remove(f.Name())
	return ""
}

// checkPattern names the empty file osReason makes to ask the folder.
const checkPattern = ".referraldesk-check-*.tmp"

// companions are the database file and the files SQLite keeps beside it.
func companions(path string) []string {
	return []string{path, path + "-wal", path + "-shm", path + "-journal"}
}

// isBusy reports whether err is SQLite's "another connection holds the
// lock".
func isBusy(err error) bool {
	code, ok := sqliteCode(err)
	return ok && code&0xff == sqlite3.SQLITE_BUSY
}

// refusal is what every write says on a database Open could only open for
// reading, from the error that kept it from opening for writing.
func refusal(path string, err error) error {
	if code, _ := sqliteCode(err); code&0xff == sqlite3.SQLITE_FULL || code == sqlite3.SQLITE_IOERR_SHMSIZE {
		return diskFull()
	}
	return readOnly(path)
}

// outOfReach reports whether err is about writing the file or its folder
// (full, read-only, cannot be opened or written), so that opening it for
// reading only may still work; damage, or a file that is not a database,
// reads no better that way.
func outOfReach(err error) bool {
	code, ok := sqliteCode(err)
	if !ok {
		return false
	}
	switch code & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR:
		return true
	}
	return false
}
