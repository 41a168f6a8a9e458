package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"referraldesk/referral"
)

// writer holds the statements that write groups, prepared once per
// transaction so a bulk create of 250,000 groups compiles each SQL text once.
type writer struct {
	now                                 string
	insertGroup, updateGroup, searchRow *sql.Stmt
	upsertCuration, deleteCuration      *sql.Stmt
	selectCuration                      *sql.Stmt
}

func prepareWriter(ctx context.Context, tx *sql.Tx, now string) (*writer, error) {
	w := &writer{now: now}
	var errs []error
	prepare := func(query string) *sql.Stmt {
		st, err := tx.PrepareContext(ctx, query)
		errs = append(errs, err)
		return st
	}
	w.insertGroup = prepare(`INSERT INTO groups
		(source, source_id, updated, name, program, attendance, timezone, days, lat, lon, coords_from_zip, data, group_key, created_at, modified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	w.updateGroup = prepare(`UPDATE groups SET
		source = ?, source_id = ?, updated = ?, name = ?, program = ?, attendance = ?, timezone = ?,
		days = ?, lat = ?, lon = ?, coords_from_zip = ?, data = ?, group_key = ?, modified_at = ?
		WHERE id = ?`)
	w.searchRow = prepare(`INSERT OR REPLACE INTO groups_fts
		(rowid, name, program, location, address, city, regions, notes, facets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	w.upsertCuration = prepare(`INSERT INTO curation
		(group_key, source, medication_friendly, verified_on, notes, hidden, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (group_key) DO UPDATE SET
		medication_friendly = excluded.medication_friendly, verified_on = excluded.verified_on,
		notes = excluded.notes, hidden = excluded.hidden, modified_at = excluded.modified_at`)
	w.deleteCuration = prepare(`DELETE FROM curation WHERE group_key = ?`)
	w.selectCuration = prepare(`SELECT medication_friendly, verified_on, notes, hidden
		FROM curation WHERE group_key = ?`)
	if err := errors.Join(errs...); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare group statements: %w", err)
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.insertGroup, w.updateGroup, w.searchRow, w.upsertCuration, w.deleteCuration, w.selectCuration} {
		if st != nil {
			st.Close()
		}
	}
}

// columns returns the groups column values of g after source and source_id.
func columns(g *referral.Group) ([]any, error) {
	data, err := encodeData(g)
	if err != nil {
		return nil, err
	}
	var lat, lon any
	if c := g.Place.Coords; c != nil {
		lat, lon = c.Lat, c.Lon
	}
	return []any{nullTime(g.Updated), g.Name, string(g.Program), string(g.Attendance), g.TimeZone,
		weekdays(g.Sessions), lat, lon, g.Place.CoordsFromZIP, data, referral.GroupKey(g)}, nil
}

// insert stores g as a new row and sets g.ID.
func (w *writer) insert(ctx context.Context, g *referral.Group) error {
	cols, err := columns(g)
	if err != nil {
		return err
	}
	args := append(append([]any{g.Source, g.SourceID}, cols...), w.now, w.now)
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
	cols, err := columns(g)
	if err != nil {
		return err
	}
	args := append(append([]any{g.Source, g.SourceID}, cols...), w.now, g.ID)
	if _, err := w.updateGroup.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("update group %d: %w", g.ID, conflict(g, err))
	}
	return nil
}

// index writes g's search row, once its curation is known (Hidden is a
// facet). The program column carries every name of the program, so "alanon"
// or "narcotics" find the groups.
func (w *writer) index(ctx context.Context, g *referral.Group) error {
	program := strings.Join(g.Program.Info().Names(), " ")
	notes := strings.TrimSpace(g.Notes + "\n" + g.Place.Notes)
	_, err := w.searchRow.ExecContext(ctx, g.ID, g.Name, program, g.Place.Location, g.Place.Address,
		g.Place.City, strings.Join(g.Place.Regions, "\n"), notes, strings.Join(facetTokens(g), " "))
	if err != nil {
		return fmt.Errorf("index group %d: %w", g.ID, err)
	}
	return nil
}

// setGroupCuration stores c for the group g belongs to (referral.GroupKey),
// so it holds for every listing of it; a zero Curation (nothing known)
// removes the row rather than storing emptiness for every group.
func (w *writer) setGroupCuration(ctx context.Context, g *referral.Group, c referral.Curation) error {
	key := referral.GroupKey(g)
	var err error
	if c == (referral.Curation{}) {
		_, err = w.deleteCuration.ExecContext(ctx, key)
	} else {
		_, err = w.upsertCuration.ExecContext(ctx, key, g.Source, string(c.MedicationFriendly),
			nullTime(c.VerifiedOn), c.Notes, c.Hidden, w.now)
	}
	if err != nil {
		return fmt.Errorf("store curation of %q from %s: %w", g.Name, g.Source, err)
	}
	return nil
}

// curation reads the stored curation of a group; none is the zero Curation.
func (w *writer) curation(ctx context.Context, key string) (referral.Curation, error) {
	var c referral.Curation
	var verified sql.NullString
	err := w.selectCuration.QueryRowContext(ctx, key).Scan(&c.MedicationFriendly, &verified, &c.Notes, &c.Hidden)
	if errors.Is(err, sql.ErrNoRows) {
		return referral.Curation{}, nil
	}
	if err == nil {
		c.VerifiedOn, err = parseTime(verified)
	}
	if err != nil {
		return referral.Curation{}, fmt.Errorf("read curation of group %q: %w", key, err)
	}
	return c, nil
}

// indexGroup rewrites the search rows of every listing of a group, whose
// curation (the hidden facet) is shared.
func (w *writer) indexGroup(ctx context.Context, tx *sql.Tx, key string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+groupColumns+` FROM groups g `+curationJoin+` WHERE g.group_key = ?`, key)
	if err != nil {
		return fmt.Errorf("index group %q: %w", key, err)
	}
	listings, err := scanGroups(rows)
	if err != nil {
		return fmt.Errorf("index group %q: %w", key, err)
	}
	for _, g := range listings {
		if err := w.index(ctx, g); err != nil {
			return err
		}
	}
	return nil
}
