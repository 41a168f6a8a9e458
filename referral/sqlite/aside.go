package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Writes beside the directory.
//
// The match index is held while DB.Version stays where it was when the
// index was built, and any commit moves Version. Most commits change no
// listing at all: a referral logged for each sheet, a follow-up, the
// settings, a subscription's last attempt. After each of those, rebuilding
// the index from every row (3 s at 250,000 listings) would make the next
// client's match wait. So these writes go through writeAside, which notes
// the Version before and after its commit when nothing else committed in
// between (the same reading of the writing connection's data_version that
// GroupService.edit makes), and the index stays current across such
// steps (asideOnly).

// asideSteps holds at most this many steps; more are forgotten, and an
// index built before them is rebuilt, as after any other commit.
const maxAsideSteps = 1024

// asideSteps maps a Version to the Version one commit of writeAside moved
// it to.
type asideSteps struct {
	mu   sync.Mutex
	next map[int64]int64
}

func (a *asideSteps) add(before, after int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next == nil || len(a.next) >= maxAsideSteps {
		a.next = make(map[int64]int64)
	}
	a.next[before] = after
}

// asideOnly reports whether every commit from Version from to Version to
// was one of writeAside: the directory read at from is the one at to.
func (db *DB) asideOnly(from, to int64) bool {
	db.aside.mu.Lock()
	defer db.aside.mu.Unlock()
	for range maxAsideSteps {
		if from == to {
			return true
		}
		next, ok := db.aside.next[from]
		if !ok {
			return false
		}
		from = next
	}
	return false
}

// writeAside is DB.write for a write that changes no listing and no
// curation (see above).
func (db *DB) writeAside(ctx context.Context, fn func(tx *sql.Tx, now string) error) error {
	return db.onAsideConn(ctx, 0, func(conn *sql.Conn) error {
		return db.fault(db.transactAside(ctx, conn, patient, fn))
	})
}

// onAsideConn runs fn on a connection of its own, for writeAside and its
// kin, once the file is known writable. busy, when not 0, replaces
// busyTimeout on the connection for each attempt at the lock.
func (db *DB) onAsideConn(ctx context.Context, busy time.Duration, fn func(conn *sql.Conn) error) error {
	if err := db.writable(); err != nil {
		return err
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return db.fault(err)
	}
	defer conn.Close()
	if busy != 0 {
		// busy_timeout is the connection's; it goes back to the pool's own.
		if err := setBusyTimeout(ctx, conn, busy); err != nil {
			return db.fault(err)
		}
		defer setBusyTimeout(context.WithoutCancel(ctx), conn, busyTimeout)
	}
	return fn(conn)
}

// transactAside runs fn in a write transaction on conn, waiting for the lock
// as w says, and notes the step its commit made in Version when no other
// connection committed meanwhile. Its errors are SQLite's as they came.
func (db *DB) transactAside(ctx context.Context, conn *sql.Conn, w lockWait, fn func(tx *sql.Tx, now string) error) error {
	var from asideMark
	err := db.transactWaiting(ctx, conn.BeginTx, w, func(tx *sql.Tx, now string) error {
		if err := fn(tx, now); err != nil {
			return err
		}
		// The write lock is held: nobody else commits until this does.
		from = db.markAside(ctx, tx)
		return nil
	})
	if err == nil {
		db.noteAside(ctx, conn, from)
	}
	return err
}

// checkpointAside truncates the write-ahead log (writeErasing does, after
// erasing client data). A checkpoint commits nothing, yet resetting the log
// moves the other connections' data_version, so it is noted as a step of
// its own, when no other connection committed meanwhile.
func (db *DB) checkpointAside(ctx context.Context) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	from := db.markAside(ctx, conn)
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err == nil {
		db.noteAside(ctx, conn, from)
	}
}

// asideMark is where a step beside the directory starts: the Version, and
// the data_version of the connection taking the step.
type asideMark struct {
	version, seen int64
	ok            bool // both were read
}

// rowQuerier is a *sql.Tx or a *sql.Conn.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) markAside(ctx context.Context, q rowQuerier) asideMark {
	var m asideMark
	var err error
	if m.version, err = db.version(ctx); err == nil {
		m.ok = q.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&m.seen) == nil
	}
	return m
}

// noteAside records the step from m to the Version now, once conn has
// taken it. The connection's data_version moves with every other
// connection's commit, not its own: unmoved, only this step happened.
func (db *DB) noteAside(ctx context.Context, conn *sql.Conn, m asideMark) {
	if !m.ok {
		return
	}
	after, err := db.version(ctx)
	var seen int64
	if err == nil && after != m.version && conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&seen) == nil && seen == m.seen {
		db.aside.add(m.version, after)
	}
}

func setBusyTimeout(ctx context.Context, conn *sql.Conn, d time.Duration) error {
	_, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, d.Milliseconds()))
	return err
}
