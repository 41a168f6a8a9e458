package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"referraldesk/referral"
)

// writer holds the statements that write groups, prepared once per
// transaction so a bulk create of 250,000 groups compiles each SQL text once.
type writer struct {
	now                            string
	insertGroup, updateGroup       *sql.Stmt
	upsertCuration, deleteCuration *sql.Stmt
	selectCuration                 *sql.Stmt
}

func prepareWriter(ctx context.Context, tx *sql.Tx, now string) (*writer, error) {
	w := &writer{now: now}
	var errs []error
	prepare := func(query string) *sql.Stmt {
		st, err := tx.PrepareContext(ctx, query)
		errs = append(errs, err)
		return st
	}
	w.insertGroup = prepare(insertRows(1))
	w.updateGroup = prepare(`UPDATE groups SET
		source = ?, source_id = ?, updated = ?, name = ?, program = ?, attendance = ?, timezone = ?,
		days = ?, lat = ?, lon = ?, coords_from_zip = ?, data = ?, group_key = ?, modified_at = ?
		WHERE id = ?`)
	w.upsertCuration = prepare(`INSERT INTO curation
		(group_key, source, medication_friendly, verified_on, notes, hidden, own, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (group_key) DO UPDATE SET
		medication_friendly = excluded.medication_friendly, verified_on = excluded.verified_on,
		notes = excluded.notes, hidden = excluded.hidden, own = excluded.own, modified_at = excluded.modified_at`)
	w.deleteCuration = prepare(`DELETE FROM curation WHERE group_key = ?`)
	w.selectCuration = prepare(curationOfKey)
	if err := errors.Join(errs...); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare group statements: %w", err)
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.insertGroup, w.updateGroup, w.upsertCuration, w.deleteCuration, w.selectCuration} {
		if st != nil {
			st.Close()
		}
	}
}

// preparedRow is what writing g's row works out of it before the row is
// written: its JSON document, its group key (referral.GroupKey) and the
// values of the columns from source to group_key, in that order (see
// newRowColumns). An import works them out ahead, beside the writing
// (preparedAhead): boxing 13 values for each of 250,000 rows took a third
// of a second.
type preparedRow struct {
	data    []byte
	key     string
	columns []any
}

func prepareRow(g *referral.Group) (preparedRow, error) {
	data, err := encodeData(g)
	if err != nil {
		return preparedRow{}, err
	}
	key := referral.GroupKey(g)
	var lat, lon any
	if c := g.Place.Coords; c != nil {
		lat, lon = c.Lat, c.Lon
	}
	columns := []any{g.Source, g.SourceID, nullTime(g.Updated), g.Name, string(g.Program), string(g.Attendance),
		g.TimeZone, weekdays(g.Sessions), lat, lon, g.Place.CoordsFromZIP, data, key}
	return preparedRow{data: data, key: key, columns: columns}, nil
}

// insert stores g as a new row and sets g.ID.
func (w *writer) insert(ctx context.Context, g *referral.Group) error {
	p, err := prepareRow(g)
	if err != nil {
		return err
	}
	args := append(p.columns, w.now, w.now)
	res, err := w.insertGroup.ExecContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("create group %q: %w", g.Name, conflict(g, err))
	}
	if g.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("create group %q: %w", g.Name, err)
	}
	return nil
}

// update replaces the directory data of the stored group g.ID.
func (w *writer) update(ctx context.Context, g *referral.Group) error {
	p, err := prepareRow(g)
	if err != nil {
		return err
	}
	return w.updatePrepared(ctx, g, p)
}

// updatePrepared is update with g's row prepared.
func (w *writer) updatePrepared(ctx context.Context, g *referral.Group, p preparedRow) error {
	args := append(p.columns, w.now, g.ID)
	if _, err := w.updateGroup.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("update group %d: %w", g.ID, conflict(g, err))
	}
	return nil
}

// setGroupCuration makes the group g belongs to (referral.GroupKey) show c,
// for every listing of it, and sets g's Curation and Published to what is
// stored. This desk's row keeps only the fields in which c differs from
// what the group's source published (none, when it published nothing); a
// row with no such field is removed rather than stored empty for every
// group.
func (w *writer) setGroupCuration(ctx context.Context, g *referral.Group, c referral.Curation) error {
	key := referral.GroupKey(g)
	row, err := w.curation(ctx, key)
	if err != nil {
		return err
	}
	row.own = c.Differs(row.published)
	row.local = referral.MergeCuration(c, row.own, referral.Curation{}) // the fields not set stay empty
	if row.own == 0 {
		_, err = w.deleteCuration.ExecContext(ctx, key)
	} else {
		_, err = w.upsertCuration.ExecContext(ctx, key, g.Source, string(row.local.MedicationFriendly),
			nullTime(row.local.VerifiedOn), row.local.Notes, row.local.Hidden, ownColumn(row.own), w.now)
	}
	if err != nil {
		return fmt.Errorf("store curation of %q from %s: %w", g.Name, g.Source, err)
	}
	g.Curation, g.Published = row.shown(), row.published
	return nil
}

// copyCuration gives the group g belongs to this desk's curation in from
// (another group's row), and sets g's Curation to what it then shows.
func (w *writer) copyCuration(ctx context.Context, g *referral.Group, from curationRow) error {
	key := referral.GroupKey(g)
	row, err := w.curation(ctx, key)
	if err != nil {
		return err
	}
	row.own, row.local = from.own, from.local
	_, err = w.upsertCuration.ExecContext(ctx, key, g.Source, string(row.local.MedicationFriendly),
		nullTime(row.local.VerifiedOn), row.local.Notes, row.local.Hidden, ownColumn(row.own), w.now)
	if err != nil {
		return fmt.Errorf("store curation of %q from %s: %w", g.Name, g.Source, err)
	}
	g.Curation, g.Published = row.shown(), row.published
	return nil
}

// curation reads the stored curation of a group; none is the zero row.
func (w *writer) curation(ctx context.Context, key string) (curationRow, error) {
	var d curationDest
	if err := w.selectCuration.QueryRowContext(ctx, key).Scan(d.targets()...); err != nil {
		return curationRow{}, fmt.Errorf("read curation of group %q: %w", key, err)
	}
	row, bad, err := d.row()
	if err != nil {
		return curationRow{}, fmt.Errorf("read curation of group %q: %w", key, err)
	}
	if bad != "" {
		logBadDate(strconv.Quote(key), bad)
	}
	return row, nil
}
