package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"referraldesk/referral"
)

// rowsPerInsert is how many new groups one INSERT statement of an import
// writes (newRows): 15 values a row, far below SQLite's limit of variables.
const rowsPerInsert = 64

// newRowColumns are the columns a new group's row is written with, in the
// order of insertRows' values: by newRows, and one row at a time by
// writer.insert.
const newRowColumns = `(source, source_id, updated, name, program, attendance, timezone, days, lat, lon,
	coords_from_zip, data, group_key, created_at, modified_at)`

// newRows writes the new listings of an import, rowsPerInsert rows to one
// INSERT: SQLite and the driver pay for each statement run (binding, the
// call, the halt), not only for each row. One row a statement, writing the
// 250,000 new rows of BenchmarkImport250k took 3.5 s; 64 to one, 2.6 s.
//
// The statement names no id and uses OR FAIL. Naming the id (SQLite checks
// that an explicit rowid is an integer, which may abort the statement) or a
// constraint that aborts it would make SQLite keep a journal of every page
// the statement changes, which cost more than the batching saved. OR FAIL
// keeps what a failed statement wrote before it failed; the import then
// rolls its whole transaction back.
//
// Each row's id is the one AUTOINCREMENT gives it: one more than the
// largest id the table has ever held (sqlite_sequence), counting up within
// a statement. newRows works them out as it adds the rows, so each group
// knows its id at once, and checks the last of each statement against
// LastInsertId. That is only right while no one else adds groups, which
// holds in the import's write transaction.
type newRows struct {
	tx      *sql.Tx
	now     any       // the clock's time as written, boxed once
	full    *sql.Stmt // rowsPerInsert rows
	next    int64     // the id the next row gets
	args    []any
	pending []*referral.Group // added, not yet written
}

func startNewRows(ctx context.Context, tx *sql.Tx, now string) (*newRows, error) {
	r := &newRows{tx: tx, now: now, args: make([]any, 0, 15*rowsPerInsert)}
	err := tx.QueryRowContext(ctx, `SELECT max(
		coalesce((SELECT max(id) FROM groups), 0),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'groups'), 0))`).Scan(&r.next)
	if err != nil {
		return nil, fmt.Errorf("read the last group id: %w", err)
	}
	r.next++
	if r.full, err = tx.PrepareContext(ctx, insertRows(rowsPerInsert)); err != nil {
		return nil, fmt.Errorf("prepare group insert: %w", err)
	}
	return r, nil
}

// insertRows is an INSERT of n groups.
func insertRows(n int) string {
	row := `(?` + strings.Repeat(`, ?`, 14) + `)`
	return `INSERT OR FAIL INTO groups ` + newRowColumns + ` VALUES ` + strings.TrimSuffix(strings.Repeat(row+`, `, n), `, `)
}

// add sets g.ID and writes g's row, prepared as p, with the rows after it.
func (r *newRows) add(ctx context.Context, g *referral.Group, p preparedRow) error {
	g.ID = r.next
	r.next++
	r.args = append(r.args, p.columns...)
	r.args = append(r.args, r.now, r.now)
	r.pending = append(r.pending, g)
	if len(r.pending) == rowsPerInsert {
		return r.flush(ctx)
	}
	return nil
}

// flush writes the rows added and not yet written; an import calls it
// before it reads groups again or commits.
func (r *newRows) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	first, last := r.pending[0], r.pending[len(r.pending)-1]
	var res sql.Result
	var err error
	if len(r.pending) == rowsPerInsert {
		res, err = r.full.ExecContext(ctx, r.args...)
	} else {
		res, err = r.tx.ExecContext(ctx, insertRows(len(r.pending)), r.args...)
	}
	var id int64
	if err == nil {
		id, err = res.LastInsertId()
	}
	if err == nil && id != last.ID {
		err = fmt.Errorf("the last was given id %d, not %d", id, last.ID)
	}
	if err != nil {
		return fmt.Errorf("create groups %q to %q: %w", first.Name, last.Name, err)
	}
	r.args, r.pending = r.args[:0], r.pending[:0]
	return nil
}

func (r *newRows) close() { r.full.Close() }
