package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"referraldesk/referral"
)

// Referrals logged while another writer holds the database.
//
// SQLite lets one connection write at a time, and an import of 250,000
// listings holds the write lock for its whole transaction, many seconds. A
// sheet is made while the client waits, so logging it must not wait for
// that. LogReferral waits logPatience for the lock, enough for any edit or
// settings save to end; when another writer still holds it, the entry is
// written as a file of its own into the pending folder beside the database
// (the file's name with "-pending"), synced to disk before LogReferral
// returns, and entered into the log once the lock is free: by a goroutine
// of this DB that waits for it, by the next LogReferral, or by the next
// Open, of this program or another.
//
// Entering is idempotent: the file's name is the entry's pending_key, unique
// in the referrals table, and the file is removed only after the commit that
// entered it. A crash in between leaves the file, whose next entering finds
// the key taken and adds nothing. A file that cannot be read as an entry is
// left where it is and logged, never deleted, so a person can look at it;
// it does not stop the others.
//
// The alternatives were weighed: committing the import in parts lets a
// crash leave half a feed in the directory, and a referral log in a
// database file of its own would split every backup and restore in two.

// logPatience is how long LogReferral waits for another writer before it
// keeps the entry beside the database instead.
const logPatience = 250 * time.Millisecond

// pendingEntry is a referral kept in the pending folder: the referrals row
// but its id, which entering it gives.
type pendingEntry struct {
	Created  string          `json:"created_at"`
	Label    string          `json:"client_label"`
	Lang     string          `json:"lang"`
	Paper    string          `json:"paper"`
	Large    bool            `json:"large"`
	Needs    json.RawMessage `json:"needs"`
	Referred json.RawMessage `json:"referred"`
}

// pendingFile is an entry read from the pending folder, by its key (the
// file's name without .json).
type pendingFile struct {
	key   string
	entry pendingEntry
}

// pendingSuffix ends every kept entry's file name; pendingTemp names one
// being written.
const (
	pendingSuffix = ".json"
	pendingTemp   = ".entry-*.tmp"
)

// pendingDir is the folder of referrals waiting to be entered into the log.
func (db *DB) pendingDir() string { return db.path + "-pending" }

// errHeld says that another writer held the write lock for all of
// logPatience.
var errHeld = errors.New("another writer holds the database")

// writeSoon is DB.writeAside waiting for another writer at most
// logPatience, without telling OnWait; errHeld when the lock stayed held.
func (db *DB) writeSoon(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	return db.onAsideConn(ctx, logPatience, func(conn *sql.Conn) error {
		err := db.transactAside(ctx, conn, lockWait{}, fn)
		if isBusy(err) {
			return errHeld
		}
		return db.fault(err)
	})
}

// writeQuietly is DB.writeAside without telling OnWait: a write nobody
// waits for.
func (db *DB) writeQuietly(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	return db.onAsideConn(ctx, 0, func(conn *sql.Conn) error {
		return db.fault(db.transactAside(ctx, conn, lockWait{patience: lockPatience}, fn))
	})
}

// keepPending writes e into the pending folder, synced, and has it entered
// once the write lock is free.
func (db *DB) keepPending(e pendingEntry) error {
	if err := db.writePending(e); err != nil {
		return referral.Errorf(referral.EUNAVAILABLE,
			"The referral log is busy with an import, and the referral could not be kept for it until then: %s. The sheet is fine; make it again once the import is done to log it.", reason(err))
	}
	db.enterPendingLater()
	return nil
}

func (db *DB) writePending(e pendingEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	dir := db.pendingDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, pendingTemp)
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	// The name orders entries by when they were made; the temporary
	// file's random part keeps two made at once apart.
	random := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(tmp), ".entry-"), ".tmp")
	name := filepath.Join(dir, time.Now().UTC().Format(pendingKeyLayout)+"-"+random+pendingSuffix)
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename, on file systems that need it
		d.Close()
	}
	return nil
}

// hasPending reports whether the pending folder holds any entry, by its
// names alone: Open and every moved Version ask, and reading and parsing
// each file is for the write that enters them.
func (db *DB) hasPending() bool {
	names, _ := filepath.Glob(filepath.Join(db.pendingDir(), "*"+pendingSuffix))
	return len(names) > 0
}

// pendingEntries reads the entries in the pending folder, oldest first. A
// file that is not an entry is logged and left out; a folder that cannot be
// read has none.
func (db *DB) pendingEntries() []pendingFile {
	dirents, err := os.ReadDir(db.pendingDir())
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			log.Printf("referral log: cannot read the referrals kept in %s: %v", db.pendingDir(), err)
		}
		return nil
	}
	var files []pendingFile
	for _, d := range dirents {
		name := d.Name()
		path := filepath.Join(db.pendingDir(), name)
		if ok, _ := filepath.Match(pendingTemp, name); ok && d.Type().IsRegular() {
			// One a crash left half written: never entered, and it holds
			// client data. A minute is far longer than writing one takes.
			if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
				erase(path)
			}
			continue
		}
		if !d.Type().IsRegular() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, pendingSuffix) {
			continue
		}
		data, err := os.ReadFile(path)
		var e pendingEntry
		if err == nil {
			err = json.Unmarshal(data, &e)
		}
		if err == nil {
			_, err = time.Parse(timeLayout, e.Created)
		}
		if err != nil {
			if _, said := db.pending.bad.LoadOrStore(path, true); !said {
				log.Printf("referral log: %s is not a referral this program kept (%v); it is left as it is", path, err)
			}
			continue
		}
		files = append(files, pendingFile{key: strings.TrimSuffix(name, pendingSuffix), entry: e})
	}
	slices.SortFunc(files, func(a, b pendingFile) int { return strings.Compare(a.key, b.key) })
	return files
}

// enterPending enters the kept entries into the log in tx and returns their
// keys, for removePending once tx has committed. An entry entered before
// (its file outlived the commit) is not entered twice, even when its row
// has been deleted or purged since: its key is in pending_entered.
func enterPending(ctx context.Context, tx *sql.Tx, files []pendingFile) ([]string, error) {
	keys := make([]string, 0, len(files))
	for _, f := range files {
		res, err := tx.ExecContext(ctx, `INSERT INTO pending_entered (key) VALUES (?) ON CONFLICT DO NOTHING`, f.key)
		var n int64
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil {
			return nil, fmt.Errorf("log referral kept during another write: %w", err)
		}
		if n == 1 {
			e := f.entry
			needs, referred := []byte(e.Needs), []byte(e.Referred) // stored as LogReferral stores them
			if len(needs) == 0 || string(needs) == "null" {
				needs = []byte("{}")
			}
			if len(referred) == 0 || string(referred) == "null" {
				referred = []byte("[]")
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO referrals (created_at, client_label, lang, paper, large, needs, referred, pending_key)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				e.Created, e.Label, e.Lang, e.Paper, e.Large, needs, referred, f.key)
			if err != nil {
				return nil, fmt.Errorf("log referral kept during another write: %w", err)
			}
		}
		keys = append(keys, f.key)
	}
	return keys, nil
}

// pendingKeyLayout starts a kept entry's key: when its file was written,
// in UTC, so that keys sort and compare as times.
const pendingKeyLayout = "20060102T150405.000000000"

// forgetEntered drops from pending_entered the keys of files written before
// the retention cutoff: an entry that old is purged as soon as it is
// entered (enterPending runs before the purge), so none can come back.
func forgetEntered(ctx context.Context, tx *sql.Tx, cutoff time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM pending_entered WHERE key < ?`, cutoff.UTC().Format(pendingKeyLayout)); err != nil {
		return fmt.Errorf("purge referrals: %w", err)
	}
	return nil
}

// removePending removes the files of entries entered into the log. Their
// bytes are overwritten first: they hold client data, which the log
// erases with secure_delete.
func (db *DB) removePending(keys []string) {
	for _, key := range keys {
		erase(filepath.Join(db.pendingDir(), key+pendingSuffix))
	}
}

// erase overwrites the file at path with zeros and removes it.
func erase(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		if info, err := f.Stat(); err == nil {
			f.WriteAt(make([]byte, info.Size()), 0)
			f.Sync()
		}
		f.Close()
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Printf("referral log: could not remove %s: %v", path, err)
	}
}

// enterPendingLater has the goroutine that enters kept entries wait for the
// write lock and enter them; started by the first call.
func (db *DB) enterPendingLater() {
	db.pending.mu.Lock()
	defer db.pending.mu.Unlock()
	if db.pending.closed {
		return // the next Open enters them
	}
	if !db.pending.started {
		db.pending.started = true
		db.pending.done.Add(1)
		go db.enterPendingLoop()
	}
	select {
	case db.pending.kick <- struct{}{}:
	default: // it will look again anyway
	}
}

// enterPendingLoop enters the kept entries each time it is kicked, until the
// DB closes. A failure (other than a closed, damaged or read-only file) is
// tried again a minute later; what is not entered by Close stays on disk
// for the next Open.
func (db *DB) enterPendingLoop() {
	defer db.pending.done.Done()
	ctx := db.pending.ctx
	for {
		select {
		case <-ctx.Done():
			return
		case <-db.pending.kick:
		}
		for {
			err := db.enterPendingNow(ctx)
			if err == nil || ctx.Err() != nil || db.writable() != nil {
				break
			}
			log.Printf("referral log: could not enter the referrals kept during another write (%v); trying again in a minute", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Minute):
			}
		}
	}
}

// stopEntering stops the goroutine that enters kept entries, for Close,
// and makes one last short attempt (logPatience) to enter what is kept: a
// command line that kept an entry while the window imported enters it
// itself when the import has just committed. What is still kept stays on
// disk for the next Open.
func (db *DB) stopEntering() {
	db.pending.mu.Lock()
	db.pending.closed = true
	db.pending.mu.Unlock()
	db.pending.stop()
	db.pending.done.Wait()
	if db.writable() == nil {
		db.enterPendingWith(context.Background(), db.writeSoon)
	}
}

// enterPendingNow waits for the write lock, as long as a write may, and
// enters every kept entry, purging what has expired as LogReferral does.
func (db *DB) enterPendingNow(ctx context.Context) error {
	return db.enterPendingWith(ctx, db.writeQuietly)
}

// erasingWith enters them, reading the folder with the lock held: another
// process may have entered some meanwhile, or LogReferral here.
func (db *DB) enterPendingWith(ctx context.Context, write func(context.Context, func(*sql.Tx, string) error) error) error {
	if !db.hasPending() {
		return nil
	}
	return db.erasingWith(ctx, write, func(tx *sql.Tx, now time.Time) (int, error) {
		return purgeExpired(ctx, tx, now)
	})
}
