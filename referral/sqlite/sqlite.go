// Package sqlite is Referral Desk's store: one SQLite file (modernc.org/sqlite,
// pure Go) that holds the directory of groups, the clinic's curation of them,
// the referral log and the settings, and the indexes of the directory it
// keeps in memory for matching and for the Directory search box.
//
// Open refuses any file it did not make: a file that is not SQLite at all is
// never handed to SQLite, and a SQLite file belonging to another program (no
// Referral Desk application id and not empty) is only ever read, never written.
// Schema changes are embedded migrations/*.sql files, run in name order, each in
// its own transaction and recorded in the migrations table; a file that records
// a migration this build does not know comes from a newer Referral Desk and is
// refused rather than half-understood.
//
// Two at once, at any size. The window and the command line beside it may use
// one file together, and one of them may be importing 250,000 listings, which
// holds the write lock for several seconds. Reads run in read-only (deferred)
// transactions and, in WAL mode, never wait for a writer: they see the
// database as the last commit left it. Writes run in BEGIN IMMEDIATE
// transactions (the _txlock DSN key) and wait for the write lock as long as it
// is held — each attempt waits busyTimeout, then the next begins — until their
// context ends or lockPatience runs out; DB.OnWait lets the window say what it
// is waiting for. A person never sees "database is locked". The one write
// made while a client waits, the referral of a printed sheet, does not wait
// for an import: it is kept on disk beside the file and entered once the
// lock is free (pending.go).
//
// Other writers seen. DB.Version is PRAGMA data_version on a connection of its
// own that never writes: the number moves with every commit of any other
// connection, this process's pool and other processes alike, so the window
// and the match index (GroupService.Match) notice what the command line
// changed. This program's own writes that change no listing (the referral
// log, settings, subscriptions: aside.go) note the step they made, so the
// match index is not rebuilt after each of them.
//
// The Directory search (FindGroups) runs over a referral.SearchIndex held
// beside the match index and built from the same read of the rows (see
// matchIndex): it picks the page and counts the total, and only the page's
// rows are read from the file. The file has no full-text index since
// migration 0014. SQLite's (FTS5 with prefix indexes) made a search count
// its matches in the index, 13-24 ms for the 200,000 that one letter finds
// at 250,000 listings, 27-54 ms in all, and made every import write it, a
// quarter of an import's time. Held in memory, a search takes 7-9 ms, most
// of it reading the 1,000 rows the list shows; the price is memory, about
// 23 MB more at 250,000 listings, and a rebuild after another program's
// commit. An index in memory had been ruled out while every edit rebuilt
// it; since edits are patched in (edit), only imports do.
//
// Imports (import.go). ReplaceSource writes a source's listings in one
// transaction, as close to a bare insert of the same rows as it can: in
// SourceID order, so the unique (source, source_id) index grows at one
// place; new rows 64 to an INSERT that names no id and uses OR FAIL, so
// SQLite keeps no statement journal (an explicit id or a constraint that
// aborts the statement makes it keep one); each row validated, encoded and
// its values boxed on a second goroutine while the rows before it are
// written; and, when it brings at least as many rows as the table holds,
// with the table's other indexes dropped until every row is in and built
// again, sorted once, before the commit (setIndexesAside). 250,000 listings
// take 3.6-3.8 s to store after 2.8-3.0 s of parsing, 2.36 times a bare
// decode and insert with no index (BenchmarkImportBare250k).
//
// Faults (faults.go). What SQLite reports about the file itself becomes one
// message saying what to do, wherever it happens: damaged (restore a backup),
// disk full, read-only, cannot be read or written, still locked by another
// writer. A file found damaged, by any read or by DB.Check (run before a
// source is replaced), is never written to again. Only a damaged file ever
// suggests restoring a backup: a full disk or a read-only folder leaves a
// healthy database that a restore would overwrite.
//
// Read-only fallback. When the write-ahead files cannot be made beside the
// database (a read-only folder or file system, a full disk), Open opens it for
// reading only, so the referral log and the directory can still be looked at,
// and every write says why it cannot be done.
//
// The folder. A new folder is made 0700 and the file 0600. An existing
// folder looser than that is made 0700 only when it is the app's own (see
// tightenFolder): another folder the database was put in is not ours to change.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"referraldesk/referral"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// applicationID marks a Referral Desk database in the SQLite header; it is set
// by the first migration ("RDS1").
const applicationID = 0x52445331

// sqliteHeader starts every SQLite 3 database file; the whole header is
// headerSize bytes, with the application id at appIDOffset.
const (
	sqliteHeader = "SQLite format 3\x00"
	headerSize   = 100
	appIDOffset  = 68
)

// busyTimeout is how long one attempt at the write lock waits (SQLite's
// busy_timeout) before it reports SQLITE_BUSY; beginWrite then tells OnWait
// and tries again. Reads almost never wait, in WAL mode.
const busyTimeout = time.Second

// lockPatience is how long a write waits for another writer in all: far
// longer than the longest import or refresh, short enough that a writer
// that hung does not stop this one for good.
const lockPatience = 15 * time.Minute

// access is one way of opening the file, with its DSN query.
type access struct {
	name  string
	query string
	// immutable opens take no locks and ignore the write-ahead log (see
	// connect), so they are used only on a file whose log is empty.
	immutable bool
}

var (
	readWrite = access{name: "read-write", query: fmt.Sprintf(
		"_pragma=journal_mode(WAL)&_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_txlock=immediate", busyTimeout.Milliseconds())}
	readOnlyAccess  = access{name: "read-only", query: fmt.Sprintf("mode=ro&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds())}
	immutableAccess = access{name: "read-only, immutable", query: "mode=ro&immutable=1", immutable: true}
)

// DB is an open Referral Desk database.
type DB struct {
	db   *sql.DB
	path string

	// refuse is what every write says when Open could open the file for
	// reading only; nil when it is writable.
	refuse error
	// damaged is set once SQLite found the file damaged: every write is
	// refused from then on.
	damaged atomic.Bool

	// watch is the connection Version asks; it never writes (see Version).
	watchMu sync.Mutex
	watch   *sql.Conn

	waitMu  sync.Mutex
	waiters int // writes waiting for the write lock now

	seenVersion atomic.Int64 // the last Version read
	aside       asideSteps   // the Version steps of writeAside (aside.go)

	// pending enters the referrals kept while another writer held the
	// lock (pending.go); ctx ends when the DB closes.
	pending struct {
		mu      sync.Mutex
		started bool // the goroutine runs
		closed  bool // Close has stopped it; none starts again
		kick    chan struct{}
		ctx     context.Context
		stop    context.CancelFunc
		done    sync.WaitGroup
		bad     sync.Map // files logged as not being entries, by path
	}

	clock atomic.Pointer[func() time.Time] // see Now

	// Upgraded holds what the schema upgrades of this Open want the person
	// to know, one sentence each (none when nothing was upgraded or all
	// went without remark).
	Upgraded []string

	// OnWait, when set, is told true when a write has waited a second for
	// another writer (an import or refresh, here or in another process) and
	// is still waiting, and false once no write waits any more: it got the
	// lock, its context ended or it gave up. It is called on the writing
	// goroutine, never twice in a row with the same value; set it before
	// the DB is shared.
	OnWait func(waiting bool)
}

// Now is the DB's clock: the current time, unless SetClock gave another.
// It stamps the local created/modified columns, never the feed's dates.
func (db *DB) Now() time.Time {
	if fn := db.clock.Load(); fn != nil {
		return (*fn)()
	}
	return time.Now()
}

// SetClock makes fn the DB's clock; tests fix it so. It may be called while
// the DB is in use: Open starts entering kept referrals at once.
func (db *DB) SetClock(fn func() time.Time) { db.clock.Store(&fn) }

// Open opens the database file at path, creating it (and its folder, 0700) if it
// does not exist, and brings its schema up to date. The file is made 0600.
//
// A file that can be read but not written (see connect) opens read-only;
// its DB then refuses every write with the reason.
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

	c, err := connect(path, readWrite, readOnlyAccess, immutableAccess)
	if err != nil {
		return nil, fault(path, err)
	}
	if c.refuse != nil {
		log.Printf("database %s opened %s: it could not be opened for writing (%v)", path, c.way, c.why)
	}
	db := &DB{db: c.db, path: path, refuse: c.refuse}
	db.pending.kick = make(chan struct{}, 1)
	db.pending.ctx, db.pending.stop = context.WithCancel(context.Background())
	ctx := context.Background()
	if err := db.migrate(ctx); err != nil {
		c.db.Close()
		return nil, err
	}
	if db.watch, err = c.db.Conn(ctx); err != nil {
		c.db.Close()
		return nil, db.fault(fmt.Errorf("open database %s: %w", path, err))
	}
	db.tightenFolder()
	// Referrals kept while another writer held the file, here or by a
	// program since closed, go into the log once the lock is free.
	if db.writable() == nil && db.hasPending() {
		db.enterPendingLater()
	}
	return db, nil
}

// connection is an open handle on the file and what its writes must answer
// (nil when it was opened read-write).
type connection struct {
	db     *sql.DB
	refuse error
	way    string // how it was opened, when not read-write
	why    error  // what opening it read-write said
}

// connect opens path the first of the ways that can read it, and says what
// writes must answer when that way is not read-write.
//
// A WAL database is read through its -shm index, which the first reader
// creates beside the file. When that cannot be made — a read-only folder or
// file system, a full disk — a read-write open fails; a read-only one works
// when the index exists already. Failing that, an immutable open reads the
// file without index, locks or log. That is safe only while nobody writes
// the file, so it is used only when its log is empty or absent (a log with
// commits in it would be ignored, hiding them) and the index could not be
// made: no other process has the database open for writing then, since it
// would have made the index. On a read-only file system nobody can start
// writing. On a full disk another process could start once space is freed:
// this handle would not see its commits, and a checkpoint of theirs could
// change pages under a read of this one. That risk is why it is the last
// way tried; a restart, once there is space, opens the file normally again.
func connect(path string, ways ...access) (connection, error) {
	var first error
	for i, way := range ways {
		if way.immutable && !emptyLog(path) {
			continue
		}
		sqldb, err := sql.Open("sqlite", dsn(path, way.query))
		if err == nil {
			// Opening is lazy: a first read makes SQLite open the file and
			// its index.
			err = sqldb.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(new(int))
			if err != nil {
				sqldb.Close()
			}
		}
		if err == nil {
			if i == 0 {
				return connection{db: sqldb}, nil
			}
			return connection{db: sqldb, refuse: refusal(path, first), way: way.name, why: first}, nil
		}
		if first == nil {
			first = err
		}
		if !outOfReach(err) {
			break // damaged, or not a database: no other way reads it better
		}
	}
	return connection{}, first
}

// emptyLog reports whether the database's write-ahead log holds nothing:
// absent or empty.
func emptyLog(path string) bool {
	info, err := os.Stat(path + "-wal")
	return errors.Is(err, fs.ErrNotExist) || err == nil && info.Mode().IsRegular() && info.Size() == 0
}

// Close closes the database. SQLite checkpoints the WAL into the main file when
// the last connection closes. Closing twice does nothing more.
func (db *DB) Close() error {
	// Kept referrals not entered by then stay on disk for the next Open.
	db.stopEntering()
	db.watchMu.Lock()
	var errs []error
	if db.watch != nil {
		errs = append(errs, db.watch.Close())
		db.watch = nil
	}
	db.watchMu.Unlock()
	if err := errors.Join(append(errs, db.db.Close())...); err != nil {
		return fmt.Errorf("close database %s: %w", db.path, err)
	}
	return nil
}

var _ referral.ChangeWatcher = (*DB)(nil)

// Version is a number that differs from an earlier reading when anything was
// committed to the database in between, by this process or another. It is
// PRAGMA data_version on a connection of its own: SQLite moves that number
// for the commits of every connection but the one asking, and this one
// never writes.
//
// A moved number is also when a writer may have let go of the lock: the
// referrals kept meanwhile, by this program or another (a command line
// that has ended since), are entered then.
func (db *DB) Version(ctx context.Context) (int64, error) {
	v, err := db.version(ctx)
	if err == nil && db.seenVersion.Swap(v) != v && db.writable() == nil && db.hasPending() {
		db.enterPendingLater()
	}
	return v, err
}

func (db *DB) version(ctx context.Context) (int64, error) {
	db.watchMu.Lock()
	defer db.watchMu.Unlock()
	if db.watch == nil {
		return 0, fmt.Errorf("database %s version: %w", db.path, sql.ErrConnDone)
	}
	var v int64
	if err := db.watch.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, db.fault(fmt.Errorf("database %s version: %w", db.path, err))
	}
	return v, nil
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
		return folderNotFile(path)
	}
	header := make([]byte, headerSize)
	n, err := io.ReadFull(f, header)
	switch {
	case n == 0 && (err == io.EOF || err == nil):
		// An empty file is an empty SQLite database (e.g. made by touch).
	case err != nil && err != io.ErrUnexpectedEOF:
		return cannotOpen(path, err)
	case n < len(sqliteHeader) || !bytes.Equal(header[:len(sqliteHeader)], []byte(sqliteHeader)):
		return notOurs(path)
	default:
		ours := n == headerSize && binary.BigEndian.Uint32(header[appIDOffset:]) == applicationID
		if err := probe(path, ours); err != nil {
			return err
		}
	}
	// The file is ours (or empty and about to be): keep it readable by the
	// user only, since it will hold counselors' notes and referral records.
	// The WAL and shared-memory files SQLite creates copy this mode. On a
	// read-only file system nobody can change the file, so it opens
	// (read-only) as it is.
	if info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, syscall.EROFS) {
			return cannotOpen(path, err)
		}
	}
	return nil
}

// tightenFolder makes the database's folder 0700 when it is looser and is
// the app's own: it holds nothing but the database, the files SQLite keeps
// beside it, the backups folder and hidden temporary files of ours. Any
// other folder — a home folder, /tmp, a folder shared with other files —
// is the person's to set, and a sticky folder is shared by design; they are
// left as they are. Mode bits say nothing about privacy on Windows, so
// nothing is changed there.
func (db *DB) tightenFolder() {
	dir := filepath.Dir(db.path)
	info, err := os.Stat(dir)
	if runtime.GOOS == "windows" || err != nil || info.Mode().Perm()&0o077 == 0 ||
		info.Mode()&fs.ModeSticky != 0 || !db.ownFolder(dir) {
		return
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		log.Printf("could not make the database folder %s private (it is %04o): %v", dir, info.Mode().Perm(), err)
		return
	}
	log.Printf("made the database folder %s private: it was %04o, it is 0700 now", dir, info.Mode().Perm())
}

// ownFolder reports whether dir holds only what Referral Desk keeps there
// (see tightenFolder) and is not the home or temporary folder.
func (db *DB) ownFolder(dir string) bool {
	home, _ := os.UserHomeDir()
	for _, shared := range []string{home, os.TempDir()} {
		if shared != "" && sameFile(dir, shared) {
			return false
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case slices.Contains(companions(filepath.Clean(db.path)), path) && !e.IsDir():
		case (path == db.backupDir() || path == db.pendingDir()) && e.IsDir():
		case e.Type().IsRegular() && ourTemporary(e.Name()):
		default:
			return false
		}
	}
	return true
}

// ourTemporary reports whether name is a hidden temporary file Referral
// Desk makes beside the database.
func ourTemporary(name string) bool {
	for _, pattern := range []string{tempPattern, checkPattern} {
		if ok, _ := filepath.Match(pattern, name); ok {
			return true
		}
	}
	return false
}

// probe opens an existing SQLite file read-only to decide whether it belongs to
// Referral Desk: it does if it carries our application id, or holds no schema
// at all (a new, empty database). Read-only, so another program's database is
// left exactly as it was. ours says whether the header carries our id, which
// tells a damaged Referral Desk database from a file that is not one.
func probe(path string, ours bool) error {
	c, err := connect(path, readOnlyAccess, immutableAccess)
	if err != nil {
		return unreadable(path, ours, err)
	}
	ro := c.db
	defer ro.Close()
	var appID, objects int64
	err = ro.QueryRow(`PRAGMA application_id`).Scan(&appID)
	if err == nil {
		err = ro.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&objects)
	}
	if err != nil {
		return unreadable(path, ours, err)
	}
	if appID != applicationID && objects > 0 {
		return notOurs(path)
	}
	return nil
}

// unreadable is the message for a SQLite file that SQLite could not read:
// what fault makes of the error, except that a file not carrying our id is
// not called a damaged Referral Desk database.
func unreadable(path string, ours bool, err error) error {
	mapped := fault(path, err)
	switch code := referral.ErrorCode(mapped); {
	case code == referral.EDAMAGED && ours, code != referral.EDAMAGED && code != referral.EINTERNAL:
		return mapped
	}
	return referral.Errorf(referral.EINVALID,
		"%s cannot be read as a Referral Desk database (%s); choose another file with --db.", path, reason(err))
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
// recorded yet, each in its own write transaction (see DB.write: it waits
// for another writer, and a read-only or damaged file refuses it).
//
// An up-to-date file is only read: every write transaction takes the write
// lock, so beginning one per recorded migration made a command opened during
// a long import wait for it.
func (db *DB) migrate(ctx context.Context) error {
	names, err := knownMigrations()
	if err != nil {
		return err
	}
	recorded, err := db.recordedMigrations(ctx)
	if err != nil {
		return db.fault(fmt.Errorf("open database %s: read migrations: %w", db.path, err))
	}
	if err := db.refuseNewer(names, recorded); err != nil {
		return err
	}
	if len(recorded) < len(names) {
		// An upgrade writes: a file that cannot take it says so before
		// a backup of it is attempted.
		if err := db.writable(); err != nil {
			return fmt.Errorf("open database %s: upgrade: %w", db.path, err)
		}
	}
	if err := db.backupBeforeUpgrade(ctx, names, recorded); err != nil {
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
		return nil, err
	}
	if exists == 0 {
		return nil, nil
	}
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
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

// migrateFile runs one migration and records it, unless another process
// ran it first while this one waited for the write lock.
func (db *DB) migrateFile(ctx context.Context, name string) error {
	script, err := migrationFS.ReadFile("migrations/" + name)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx, _ string) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		} else if n != 0 {
			return nil
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
		_, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name)
		return err
	})
}

// write runs fn in a write (BEGIN IMMEDIATE) transaction, committing when fn
// returns nil. now is the transaction's clock reading, the same for every row.
// It waits for the write lock while another writer holds it (beginWrite),
// and is refused at once on a file found damaged or opened read-only.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	if err := db.writable(); err != nil {
		return err
	}
	return db.fault(db.transact(ctx, db.db.BeginTx, fn))
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
	if err := db.writable(); err != nil {
		return err
	}
	return db.fault(db.onBulkConn(ctx, func(conn *sql.Conn) error {
		return db.transact(ctx, conn.BeginTx, fn)
	}))
}

func (db *DB) onBulkConn(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return withCache(ctx, conn, bulkCacheKiB, func() error { return fn(conn) })
}

// withCache runs fn with the page cache of on (a connection, or the
// transaction holding one) at kib KiB, and puts the cache back after.
func withCache(ctx context.Context, on interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}, kib int, fn func() error) error {
	var old int64
	if err := on.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
		return err
	}
	if _, err := on.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, kib)); err != nil {
		return err
	}
	defer on.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, old))
	return fn()
}

// beginner is sql.DB.BeginTx or sql.Conn.BeginTx.
type beginner func(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)

// transact runs fn in a write transaction begun by begin, waiting for the
// write lock, and commits when fn returns nil.
func (db *DB) transact(ctx context.Context, begin beginner, fn func(tx *sql.Tx, now string) error) error {
	return db.transactWaiting(ctx, begin, patient, fn)
}

// lockWait is how a write waits for the write lock: for how long in all,
// and whether OnWait hears of it.
type lockWait struct {
	patience time.Duration
	tell     bool
}

// patient is how a person's write waits: as long as lockPatience, saying so.
var patient = lockWait{patience: lockPatience, tell: true}

// transactWaiting is transact, waiting for the write lock as w says.
func (db *DB) transactWaiting(ctx context.Context, begin beginner, w lockWait, fn func(tx *sql.Tx, now string) error) error {
	tx, err := db.beginWrite(ctx, begin, w)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// beginWrite begins a BEGIN IMMEDIATE transaction, trying again for as long
// as another connection holds the write lock: each attempt waits
// busyTimeout inside SQLite, so after the first one failed the write has
// waited a second and OnWait hears of it. It stops when ctx ends (with
// ctx's error) or after w.patience (SQLITE_BUSY, which fault words); a
// patience of 0 makes one attempt. OnWait hears only when w.tell.
func (db *DB) beginWrite(ctx context.Context, begin beginner, w lockWait) (*sql.Tx, error) {
	start := time.Now()
	waiting := false
	defer func() {
		if waiting {
			db.wait(false)
		}
	}()
	for {
		tx, err := begin(ctx, nil)
		switch {
		case err == nil || !isBusy(err):
			return tx, err
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case time.Since(start) >= w.patience:
			return nil, err
		}
		if !waiting && w.tell {
			waiting = true
			db.wait(true)
		}
	}
}

// wait counts the writes waiting for the write lock and tells OnWait when
// the first starts waiting and when the last stops.
func (db *DB) wait(start bool) {
	db.waitMu.Lock()
	defer db.waitMu.Unlock()
	before := db.waiters > 0
	if start {
		db.waiters++
	} else {
		db.waiters--
	}
	if now := db.waiters > 0; now != before && db.OnWait != nil {
		db.OnWait(now)
	}
}

// read runs fn in a read-only transaction so its queries see one snapshot.
// It never waits for a writer.
func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.fault(err)
	}
	defer tx.Rollback()
	return db.fault(fn(tx))
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
