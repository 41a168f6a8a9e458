// Package sqlite is Referral Desk's store: one SQLite file (modernc.org/sqlite,
// pure Go) that holds the directory of groups, the clinic's curation of them and
// a full-text index for the Directory search box.
//
// Open refuses any file it did not make: a file that is not SQLite at all is
// never handed to SQLite, and a SQLite file belonging to another program (no
// Referral Desk application id and not empty) is only ever read, never written.
// Schema changes are embedded migrations/*.sql files, run in name order, each in
// its own transaction and recorded in the migrations table; a file that records
// a migration this build does not know comes from a newer Referral Desk and is
// refused rather than half-understood.
//
// Writes run in BEGIN IMMEDIATE transactions (the _txlock DSN key), so a write
// waits for the write lock under busy_timeout instead of failing when another
// process — the command line beside the window — is writing too. Reads run in
// read-only (deferred) transactions and, in WAL mode, never block on writers.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"referraldesk/referral"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// applicationID marks a Referral Desk database in the SQLite header; it is set
// by the first migration ("RDS1").
const applicationID = 0x52445331

// sqliteHeader starts every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// DB is an open Referral Desk database.
type DB struct {
	db   *sql.DB
	path string

	// Now returns the current time; tests replace it to fix the clock. It
	// stamps the local created/modified columns, never the feed's dates.
	Now func() time.Time

	// Upgraded holds what the schema upgrades of this Open want the person
	// to know, one sentence each (none when nothing was upgraded or all
	// went without remark).
	Upgraded []string
}

// Open opens the database file at path, creating it (and its folder, 0700) if it
// does not exist, and brings its schema up to date. The file is made 0600.
func Open(path string) (*DB, error) {
	if strings.TrimSpace(path) == "" {
		return nil, referral.Errorf(referral.EINVALID, "No database file was given; choose one with --db.")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, referral.Errorf(referral.EINVALID,
			"Cannot create the folder for the database %s: %s; choose another file with --db.", path, reason(err))
	}
	if err := prepareFile(path); err != nil {
		return nil, err
	}

	sqldb, err := sql.Open("sqlite", dsn(path, "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{db: sqldb, path: path, Now: time.Now}
	if err := db.migrate(context.Background()); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database. SQLite checkpoints the WAL into the main file when
// the last connection closes.
func (db *DB) Close() error {
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.path, err)
	}
	return nil
}

// dsn builds a modernc URI for path. The path is escaped because SQLite decodes
// %XX in URI paths and the driver splits the DSN at the first '?'.
func dsn(path, query string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path) + "?" + query
}

// prepareFile makes sure path is a file Open may hand to SQLite: absent (it is
// created, empty, 0600), empty, or a Referral Desk database. Anything else is
// refused before SQLite can touch it, so a mistyped --db never damages a file.
func prepareFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		// os.OpenFile's mode passes through the umask, which can only take
		// bits away; the explicit Chmod just makes the intent plain.
		return errors.Join(f.Close(), os.Chmod(path, 0o600))
	}
	if !errors.Is(err, fs.ErrExist) {
		return cannotOpen(path, err)
	}

	f, err = os.Open(path)
	if err != nil {
		return cannotOpen(path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return cannotOpen(path, err)
	}
	if info.IsDir() {
		return referral.Errorf(referral.EINVALID, "%s is a folder, not a Referral Desk database; choose a file with --db.", path)
	}
	header := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, header)
	switch {
	case n == 0 && (err == io.EOF || err == nil):
		// An empty file is an empty SQLite database (e.g. made by touch).
	case err != nil && err != io.ErrUnexpectedEOF:
		return cannotOpen(path, err)
	case !bytes.Equal(header[:n], []byte(sqliteHeader)):
		return notOurs(path)
	default:
		if err := probe(path); err != nil {
			return err
		}
	}
	// The file is ours (or empty and about to be): keep it readable by the
	// user only, since it will hold counselors' notes and referral records.
	// The WAL and shared-memory files SQLite creates copy this mode.
	if info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return cannotOpen(path, err)
		}
	}
	return nil
}

// probe opens an existing SQLite file read-only to decide whether it belongs to
// Referral Desk: it does if it carries our application id, or holds no schema
// at all (a new, empty database). Read-only, so another program's database is
// left exactly as it was.
func probe(path string) error {
	ro, err := sql.Open("sqlite", dsn(path, "mode=ro&_pragma=busy_timeout(5000)"))
	if err != nil {
		return cannotOpen(path, err)
	}
	defer ro.Close()
	var appID, objects int64
	err = ro.QueryRow(`PRAGMA application_id`).Scan(&appID)
	if err == nil {
		err = ro.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&objects)
	}
	if err != nil {
		// A file with a valid header but a damaged body ends up here.
		return referral.Errorf(referral.EINVALID,
			"%s cannot be read as a Referral Desk database (%s); restore a backup or choose another file with --db.", path, reason(err))
	}
	if appID != applicationID && objects > 0 {
		return notOurs(path)
	}
	return nil
}

func notOurs(path string) error {
	return referral.Errorf(referral.EINVALID,
		"%s is not a Referral Desk database; choose another file with --db.", path)
}

func cannotOpen(path string, err error) error {
	return referral.Errorf(referral.EINVALID,
		"Cannot open the database %s: %s; check that you may read and write it, or choose another file with --db.", path, reason(err))
}

// reason is the part of an OS error worth showing a person ("permission
// denied"), without repeating the path the message already names.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// migrate runs, in name order, every embedded migration the file has not
// recorded yet, each in its own transaction.
//
// An up-to-date file is only read: every transaction here takes the write
// lock (the DSN asks for BEGIN IMMEDIATE), so beginning one per recorded
// migration made a command opened during a long import wait for it, and fail
// with "database is locked" once the busy timeout ran out.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	slices.Sort(names)
	for i := range names {
		names[i] = strings.TrimPrefix(names[i], "migrations/")
	}
	recorded, err := db.recordedMigrations(ctx)
	if err != nil {
		return err
	}
	if recorded == nil {
		if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
			return fmt.Errorf("open database %s: create migrations table: %w", db.path, err)
		}
	}
	if err := db.refuseNewer(names, recorded); err != nil {
		return err
	}
	for _, name := range names {
		if slices.Contains(recorded, name) {
			continue
		}
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("open database %s: migration %s: %w", db.path, name, err)
		}
	}
	return nil
}

// recordedMigrations lists the migrations the file has recorded, reading
// only; nil when it has no migrations table yet (a new file).
func (db *DB) recordedMigrations(ctx context.Context) ([]string, error) {
	var exists int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'migrations'`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("open database %s: read migrations: %w", db.path, err)
	}
	if exists == 0 {
		return nil, nil
	}
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("open database %s: read migrations: %w", db.path, err)
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("open database %s: read migrations: %w", db.path, err)
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

// refuseNewer stops a file written by a newer Referral Desk: its schema may mean
// things this build would misread or overwrite.
func (db *DB) refuseNewer(known, recorded []string) error {
	for _, name := range recorded {
		if !slices.Contains(known, name) {
			return referral.Errorf(referral.EINVALID,
				"%s was written by a newer version of Referral Desk; update Referral Desk, or choose another file with --db.", db.path)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n != 0 {
		return nil
	}
	script, err := migrationFS.ReadFile("migrations/" + name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return err
	}
	if step, ok := goSteps[name]; ok {
		note, err := step(ctx, tx)
		if err != nil {
			return err
		}
		if note != "" {
			db.Upgraded = append(db.Upgraded, note)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// write runs fn in a write (BEGIN IMMEDIATE) transaction, committing when fn
// returns nil. now is the transaction's clock reading, the same for every row.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// bulkCacheKiB is the page cache of a bulk write. An import of 250,000
// groups inserts into the name, id and latitude indexes at random places;
// with SQLite's default 2 MB cache it spills dirty pages to the WAL and reads
// them back all the time (38 s → 23 s of storing 250,000 groups with 32 MB;
// 64 and 128 MB gained nothing more). The cache is given back afterwards.
const bulkCacheKiB = 32 << 10

// writeBulk runs fn as write does, on a connection whose page cache is
// bulkCacheKiB for the transaction and put back after.
func (db *DB) writeBulk(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var old int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCacheKiB)); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, old))
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// read runs fn in a read-only transaction so its queries see one snapshot.
func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// timeLayout stores instants as fixed-width UTC text: exact to the nanosecond,
// readable in the sqlite3 shell, and ordered the same as text and as time.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime is a time column where NULL stands for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s.String, err)
	}
	return t, nil
}
