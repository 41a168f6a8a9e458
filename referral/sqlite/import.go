package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"sync"

	"referraldesk/referral"
)

// ImportCounts says what ReplaceSource did to the listings of one source.
type ImportCounts struct{ Added, Updated, Removed, Unchanged int }

// ReplaceSource makes the listings of src.Name equal groups, in one
// transaction: listings new to the source are added, those whose directory
// data changed are updated in place (keeping their ID, so a referral log
// entry still points at them), those missing from groups are removed, and the
// rest are counted as unchanged and not written at all, so importing the same
// file twice changes nothing. This desk's curation is never changed: it is
// the clinic's, keyed by the group, and is still there if a removed listing
// comes back. What the groups carry as Published (a file another desk
// exported with its curation) replaces the curation the source published
// before, and shows wherever this desk has not set a field itself. Other
// sources are left alone. The source is recorded for Sources.
//
// An invalid group, a group of another source, or two groups sharing a
// SourceID fail the whole call with an EINVALID error that names the
// listing, and leave the directory as it was: the last two are found
// before the transaction begins, the first while it writes, and then it
// rolls back. So an invalid group is reported only after what comes first
// (the damage check, the backup, which is then removed, and check) has
// passed; feed.Parse hands over no invalid group. Cancelling ctx rolls
// everything back and returns ctx's error.
//
// On success each group's Source, ID, Curation and Published are those
// stored.
//
// ReplaceSource applies no rule on how much may be removed; an import a
// person asked for goes through ReplaceSourceChecked.
func (s *GroupService) ReplaceSource(ctx context.Context, src referral.Source, groups []*referral.Group) (ImportCounts, error) {
	return s.ReplaceSourceChecked(ctx, src, groups, nil)
}

// ReplaceCheck decides whether a replacement may go ahead, given how many
// listings of the source are in the directory now and not inactive (active)
// and how many of those the new groups do not list (removing). Its error
// stops the import and is returned as it is.
type ReplaceCheck func(active, removing int) error

// ReplaceSourceChecked is ReplaceSource with check asked first, inside the
// same transaction and before anything is written, so that the counts it is
// given are the ones the import acts on: no other writer can add or remove a
// listing between the check and the replacement, and a refusal leaves the
// directory, the curation and the source's last import as they were. A nil
// check allows everything.
func (s *GroupService) ReplaceSourceChecked(ctx context.Context, src referral.Source, groups []*referral.Group, check ReplaceCheck) (ImportCounts, error) {
	if err := checkImport(src, groups); err != nil {
		return ImportCounts{}, err
	}
	if err := s.db.checkBeforeReplacing(ctx); err != nil {
		return ImportCounts{}, err
	}
	backedUp, err := s.db.backupBefore(ctx, "before importing "+src.Name)
	if err != nil {
		return ImportCounts{}, err
	}
	// The writer sets IDs and curation as it goes; a failed import must hand
	// the groups back as they came. A feed's groups come with none of
	// them, mostly: only the others are kept (all of them would be 40 MB
	// for 240,000 listings, a tenth of what an import may hold).
	type before struct {
		i    int
		id   int64
		c, p referral.Curation
	}
	var saved []before
	for i, g := range groups {
		if g.ID != 0 || g.Curation != (referral.Curation{}) || g.Published != (referral.Curation{}) {
			saved = append(saved, before{i, g.ID, g.Curation, g.Published})
		}
	}
	var counts ImportCounts
	err = s.db.writeBulk(ctx, func(tx *sql.Tx, now string) error {
		counts = ImportCounts{}
		return replaceSource(ctx, tx, now, src, groups, check, &counts)
	})
	// When nothing changed, the copy holds what the database still does.
	backedUp(err == nil && counts.Added+counts.Updated+counts.Removed > 0)
	if err != nil {
		for _, g := range groups {
			g.ID, g.Curation, g.Published = 0, referral.Curation{}, referral.Curation{}
		}
		for _, b := range saved {
			g := groups[b.i]
			g.ID, g.Curation, g.Published = b.id, b.c, b.p
		}
		if ctx.Err() != nil {
			// Whatever the driver made of the interruption, the cause is
			// the caller's cancellation.
			return ImportCounts{}, fmt.Errorf("import %s: %w", src.Name, ctx.Err())
		}
		return ImportCounts{}, err
	}
	return counts, nil
}

// checkImport checks that the listings of an import are all of src and each
// has an id of its own, before the transaction starts, and gives groups that
// name no source the one being imported. Each listing's own fields are
// validated as its row is worked out (preparedAhead), beside the writing,
// and an invalid one fails the transaction: validating 250,000 listings
// first took 0.4 s of the import's 4.7 s in the store.
func checkImport(src referral.Source, groups []*referral.Group) error {
	switch {
	case strings.TrimSpace(src.Name) == "":
		return referral.Errorf(referral.EINVALID, "The directory has no source name; give it one (for example --source aasepia).")
	case src.Name == referral.SourceManual:
		return referral.Errorf(referral.EINVALID,
			"%q is where groups added by hand are kept; import the file under another source name.", src.Name)
	}
	seen := make(map[string]int, len(groups))
	for i, g := range groups {
		if g.Source == "" {
			g.Source = src.Name
		}
		var err error
		switch first, dup := seen[g.SourceID]; {
		case g.Source != src.Name:
			err = referral.Errorf(referral.EINVALID, "it belongs to source %q, not %q", g.Source, src.Name)
		case g.SourceID == "":
			err = referral.Errorf(referral.EINVALID, "it has no id in that directory")
		case dup:
			err = referral.Errorf(referral.EINVALID, "listing %d has the same id", first+1)
		}
		if err != nil {
			return listingError(src.Name, i, len(groups), g, err)
		}
		seen[g.SourceID] = i
	}
	return nil
}

// listingError names the listing an import refused, keeping the field
// problems so a caller can show them.
func listingError(source string, i, n int, g *referral.Group, err error) error {
	return &referral.Error{
		Code: referral.EINVALID,
		Message: fmt.Sprintf("Listing %d of %d (id %q, %q) in %s cannot be imported: %s; nothing was imported.",
			i+1, n, g.SourceID, g.Name, source, referral.ErrorMessage(err)),
		Problems: referral.ErrorProblems(err),
	}
}

// stored is a listing already in the directory: its id and a sum of every
// column an import writes, to tell unchanged listings from changed ones
// without keeping 250,000 data documents in memory.
type stored struct {
	id     int64
	sum    uint64
	key    string // the group it belonged to (referral.GroupKey)
	active bool   // not inactive: offered to clients
}

func replaceSource(ctx context.Context, tx *sql.Tx, now string, src referral.Source, groups []*referral.Group, check ReplaceCheck, counts *ImportCounts) error {
	seed := maphash.MakeSeed()
	old, err := storedListings(ctx, tx, seed, src.Name)
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(removals(old, groups)); err != nil {
			return err
		}
	}
	if err := replacePublished(ctx, tx, src.Name, groups); err != nil {
		return err
	}
	curation, err := sourceCuration(ctx, tx, src.Name)
	if err != nil {
		return err
	}
	w, err := prepareWriter(ctx, tx, now)
	if err != nil {
		return err
	}
	defer w.close()
	if err := adoptListingCuration(ctx, tx, w, src.Name, groups, curation); err != nil {
		return err
	}
	inserts := 0
	for _, g := range groups {
		if _, ok := old[g.SourceID]; !ok {
			inserts++
		}
	}
	rebuild, err := setIndexesAside(ctx, tx, inserts)
	if err != nil {
		return fmt.Errorf("import %s: %w", src.Name, err)
	}

	added, err := startNewRows(ctx, tx, now)
	if err != nil {
		return fmt.Errorf("import %s: %w", src.Name, err)
	}
	defer added.close()
	order := sourceIDOrder(groups)
	next, stop := preparedAhead(src.Name, groups, order)
	defer stop()
	for k, i := range order {
		g := groups[i]
		// The driver notices cancellation only between statements of its
		// own; checking here keeps a cancelled import from writing on.
		if k%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		row, err := next()
		if err != nil {
			return err
		}
		key := row.key
		g.Curation, g.Published = curation[key].shown(), curation[key].published // as stored, for the caller
		prev, ok := old[g.SourceID]
		if !ok {
			if err := added.add(ctx, g, row); err != nil {
				return fmt.Errorf("import %s: %w", src.Name, err)
			}
			counts.Added++
			continue
		}
		delete(old, g.SourceID)
		g.ID = prev.id
		if key != prev.key && curation[key].own == 0 && curation[prev.key].own != 0 {
			// Renamed or moved by the feed: what the clinic knew of the
			// group comes along (copied: its other listings may stay).
			if err := w.copyCuration(ctx, g, curation[prev.key]); err != nil {
				return err
			}
			row := curation[key]
			row.own, row.local = curation[prev.key].own, curation[prev.key].local
			curation[key] = row
		}
		if l := listingWith(g, row.data); l.sum(seed) == prev.sum {
			counts.Unchanged++
			continue
		}
		if err := w.updatePrepared(ctx, g, row); err != nil {
			return err
		}
		counts.Updated++
	}
	if err := added.flush(ctx); err != nil {
		return fmt.Errorf("import %s: %w", src.Name, err)
	}

	// What is left vanished from the source. Only the groups row goes; the
	// curation stays for its return.
	if len(old) > 0 {
		del, err := tx.PrepareContext(ctx, `DELETE FROM groups WHERE id = ?`)
		if err != nil {
			return fmt.Errorf("import %s: %w", src.Name, err)
		}
		defer del.Close()
		for _, prev := range old {
			if _, err := del.ExecContext(ctx, prev.id); err != nil {
				return fmt.Errorf("import %s: remove group %d: %w", src.Name, prev.id, err)
			}
			counts.Removed++
		}
	}

	if err := rebuild(ctx); err != nil {
		return fmt.Errorf("import %s: %w", src.Name, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sources (name, format, last_import) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET format = excluded.format, last_import = excluded.last_import`,
		src.Name, src.Format, now)
	if err != nil {
		return fmt.Errorf("import %s: record source: %w", src.Name, err)
	}
	return nil
}

// bulkInserts is the fewest new rows an import must bring for it to set the
// groups table's own indexes aside (setIndexesAside).
const bulkInserts = 1000

// rebuildCacheKiB is the page cache while the indexes set aside are built
// again (see setIndexesAside).
const rebuildCacheKiB = 8 << 10

// setIndexesAside drops the indexes of the groups table that an import
// neither reads nor needs to check its rows against (by name, latitude and
// group; not the one that keeps (source, source_id) unique) when it is
// about to insert at least as many rows as the table holds, and returns
// what builds them again, in the same transaction, once every row is in:
// SQLite builds an index from its rows, sorted once, faster than it keeps
// one in step row by row at random places (250,000 listings into an empty
// table: the store half of BenchmarkImport250k from 7.0-7.5 s to 6.0-6.2 s).
// Readers see the indexes as they were until the commit; a failed import
// rolls the drop back with everything else. Otherwise rebuild does nothing.
func setIndexesAside(ctx context.Context, tx *sql.Tx, inserts int) (rebuild func(context.Context) error, err error) {
	nothing := func(context.Context) error { return nil }
	var rows int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups`).Scan(&rows); err != nil {
		return nil, err
	}
	if inserts < bulkInserts || inserts < rows {
		return nothing, nil
	}
	list, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND tbl_name = 'groups' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, err
	}
	type index struct{ name, sql string }
	var aside []index
	for list.Next() {
		var ix index
		if err := list.Scan(&ix.name, &ix.sql); err != nil {
			list.Close()
			return nil, err
		}
		aside = append(aside, ix)
	}
	list.Close()
	if err := list.Err(); err != nil {
		return nil, err
	}
	for _, ix := range aside {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+quoteName(ix.name)); err != nil {
			return nil, fmt.Errorf("set index %s aside: %w", ix.name, err)
		}
	}
	return func(ctx context.Context) error {
		// SQLite sorts an index's keys in memory up to its page cache, the
		// bulk write's 32 MB, and then merges sorted runs from a temporary
		// file. With the cache at rebuildCacheKiB meanwhile, the command
		// line's import of a 211.7 MB feed peaked at 506 MB (2.39 times the
		// file, which an import must stay within 2.5 times of) instead of
		// 559 MB, in the same 14.7 s (BenchmarkImportMemoryCommand).
		return withCache(ctx, tx, rebuildCacheKiB, func() error {
			for _, ix := range aside {
				if _, err := tx.ExecContext(ctx, ix.sql); err != nil {
					return fmt.Errorf("build index %s again: %w", ix.name, err)
				}
			}
			return nil
		})
	}, nil
}

// sourceIDOrder is the positions of groups in SourceID order, the order in
// which an import writes them: the table's unique index of (source,
// source_id) then takes each new row next to the one before instead of at a
// random place.
func sourceIDOrder(groups []*referral.Group) []int {
	// Sorted beside their positions, not through the groups: 250,000 ids
	// sort in a third of the time when each comparison need not fetch two
	// groups first.
	type entry struct {
		id string
		i  int
	}
	entries := make([]entry, len(groups))
	for i, g := range groups {
		entries[i] = entry{g.SourceID, i}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.id, b.id) })
	order := make([]int, len(groups))
	for k, e := range entries {
		order[k] = e.i
	}
	return order
}

// quoteName is name as an SQL identifier.
func quoteName(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// listing is the columns an import writes for one group, typed as they are
// read back, so that a stored row and a new group sum alike when equal.
type listing struct {
	updated                             sql.NullString
	name, program, attendance, timeZone string
	days                                int64
	lat, lon                            sql.NullFloat64
	coordsFromZIP                       bool
	data                                []byte
}

// listingColumns are read by storedListings in listing's order.
const listingColumns = `id, source_id, updated, name, program, attendance, timezone, days, lat, lon, coords_from_zip, data`

// preparedAhead validates each of groups, the listings of source, and works
// out its row (prepareRow), taking them as order lists them, on a goroutine
// of its own while the rows before them are written: validating and
// encoding 250,000 listings takes over a second beside the 2.5 s of
// writing them. next returns the next group's row, or an error: when a
// listing is invalid, that of the first invalid one in the file's order
// (firstInvalid), else encoding's. stop ends the work early and returns
// once the goroutine no longer reads any group.
func preparedAhead(source string, groups []*referral.Group, order []int) (next func() (preparedRow, error), stop func()) {
	type result struct {
		row preparedRow
		err error
	}
	out := make(chan result, 512)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for k, i := range order {
			g := groups[i]
			var row preparedRow
			err := g.Validate()
			if err != nil {
				// Only the groups not yet handed over: the writer sets
				// the curation of those it has, and they were valid.
				err = firstInvalid(source, groups, order[k:])
			} else {
				row, err = prepareRow(g)
			}
			select {
			case out <- result{row, err}:
			case <-quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	next = func() (preparedRow, error) {
		r := <-out
		return r.row, r.err
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(quit)
			<-done
		})
	}
	return next, stop
}

// firstInvalid is the error of the invalid listing that comes first in the
// file among groups[i] for each i of some, of which the first is invalid.
// The import writes in SourceID order, not the file's; a person mending the
// file is told of the listings from its top.
func firstInvalid(source string, groups []*referral.Group, some []int) error {
	first, err := some[0], groups[some[0]].Validate()
	for _, i := range some[1:] {
		if i > first {
			continue
		}
		if e := groups[i].Validate(); e != nil {
			first, err = i, e
		}
	}
	return listingError(source, first, len(groups), groups[first], err)
}

// listingWith is the listing of g, whose JSON document is data.
func listingWith(g *referral.Group, data []byte) listing {
	l := listing{name: g.Name, program: string(g.Program), attendance: string(g.Attendance),
		timeZone: g.TimeZone, days: int64(weekdays(g.Sessions)), coordsFromZIP: g.Place.CoordsFromZIP, data: data}
	if !g.Updated.IsZero() {
		l.updated = sql.NullString{String: formatTime(g.Updated), Valid: true}
	}
	if c := g.Place.Coords; c != nil {
		l.lat = sql.NullFloat64{Float64: c.Lat, Valid: true}
		l.lon = sql.NullFloat64{Float64: c.Lon, Valid: true}
	}
	return l
}

// sum hashes the listing. Each value is written with its length (or a NULL
// mark), so no two different listings run together into the same bytes. A
// 64-bit sum compares one listing with its own earlier version, not all
// listings with each other: a false "unchanged" has a chance of 2⁻⁶⁴ per
// listing.
func (l *listing) sum(seed maphash.Seed) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	var n [9]byte
	num := func(valid bool, x uint64) {
		n[0] = 0
		if valid {
			n[0] = 1
		}
		binary.LittleEndian.PutUint64(n[1:], x)
		h.Write(n[:])
	}
	text := func(valid bool, s string) {
		num(valid, uint64(len(s)))
		h.WriteString(s)
	}
	text(l.updated.Valid, l.updated.String)
	text(true, l.name)
	text(true, l.program)
	text(true, l.attendance)
	text(true, l.timeZone)
	num(true, uint64(l.days))
	num(l.lat.Valid, math.Float64bits(l.lat.Float64))
	num(l.lon.Valid, math.Float64bits(l.lon.Float64))
	num(l.coordsFromZIP, 0)
	num(true, uint64(len(l.data)))
	h.Write(l.data)
	return h.Sum64()
}

// removals counts the active listings of old and how many of them groups
// does not list. SourceIDs are unique in groups (checkImport), so counting
// the kept ones needs no set.
func removals(old map[string]stored, groups []*referral.Group) (active, removing int) {
	kept := 0
	for _, prev := range old {
		if prev.active {
			active++
		}
	}
	for _, g := range groups {
		if prev, ok := old[g.SourceID]; ok && prev.active {
			kept++
		}
	}
	return active, active - kept
}

// storedListings reads the listings of a source, keyed by SourceID.
func storedListings(ctx context.Context, tx *sql.Tx, seed maphash.Seed, source string) (map[string]stored, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+listingColumns+`, group_key FROM groups WHERE source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("import %s: read listings: %w", source, err)
	}
	defer rows.Close()
	listings := map[string]stored{}
	for rows.Next() {
		var (
			id       int64
			sourceID string
			l        listing
			data     sql.RawBytes // valid until Next: summed, never kept
			key      string
		)
		err := rows.Scan(&id, &sourceID, &l.updated, &l.name, &l.program, &l.attendance, &l.timeZone,
			&l.days, &l.lat, &l.lon, &l.coordsFromZIP, &data, &key)
		if err != nil {
			return nil, fmt.Errorf("import %s: read listings: %w", source, err)
		}
		l.data = data
		listings[sourceID] = stored{id: id, sum: l.sum(seed), key: key, active: l.attendance != string(referral.Inactive)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("import %s: read listings: %w", source, err)
	}
	return listings, nil
}

// adoptListingCuration moves the curation of listings that were away when
// curation became per group (see mergeListingCuration) to their group, now
// that the import brings them back; a group already curated keeps its own.
func adoptListingCuration(ctx context.Context, tx *sql.Tx, w *writer, source string, groups []*referral.Group, curation map[string]curationRow) error {
	waiting, err := listingCurations(ctx, tx, source)
	if err != nil || len(waiting) == 0 {
		return err
	}
	bySourceID := make(map[string]*referral.Group, len(groups))
	for _, g := range groups {
		bySourceID[g.SourceID] = g
	}
	// A group back with several weekday listings has a row for each: merge
	// them as the upgrade did, so no note or date is lost.
	rows := map[string][]referral.Curation{}
	first := map[string]*referral.Group{}
	var keys []string
	for _, lc := range waiting {
		g, ok := bySourceID[lc.sourceID]
		if !ok {
			continue
		}
		key := referral.GroupKey(g)
		if _, seen := first[key]; !seen {
			first[key] = g
			keys = append(keys, key)
		}
		rows[key] = append(rows[key], lc.c)
		if _, err := tx.ExecContext(ctx, `DELETE FROM listing_curation WHERE source = ? AND source_id = ?`, lc.source, lc.sourceID); err != nil {
			return fmt.Errorf("import %s: adopt curation: %w", source, err)
		}
	}
	for _, key := range keys {
		if curation[key].own != 0 {
			continue // the group has curation of its own now; it stands
		}
		merged, _ := mergeCurations(rows[key])
		if err := w.setGroupCuration(ctx, first[key], merged); err != nil {
			return err
		}
		row, err := w.curation(ctx, key)
		if err != nil {
			return err
		}
		curation[key] = row
	}
	return nil
}

// Sources lists the imported sources by name, each with how many of its
// listings are in the directory now.
func (s *GroupService) Sources(ctx context.Context) ([]referral.Source, error) {
	var sources []referral.Source
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT s.name, s.format, s.last_import,
			(SELECT count(*) FROM groups g WHERE g.source = s.name)
			FROM sources s ORDER BY s.name`)
		if err != nil {
			return fmt.Errorf("list sources: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var src referral.Source
			var last sql.NullString
			if err := rows.Scan(&src.Name, &src.Format, &last, &src.Groups); err != nil {
				return fmt.Errorf("list sources: %w", err)
			}
			if src.LastImport, err = parseTime(last); err != nil {
				return fmt.Errorf("list sources: %w", err)
			}
			sources = append(sources, src)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return sources, nil
}

// RemoveSource deletes every listing of a source and the record of its
// imports. Curation is kept in case the source is imported again. Groups added
// by hand are not a source and are refused; an unknown name is ENOTFOUND.
func (s *GroupService) RemoveSource(ctx context.Context, name string) error {
	if name == referral.SourceManual {
		return referral.Errorf(referral.EINVALID,
			"Groups added by hand are not an imported directory; delete them one by one in the Directory.")
	}
	if err := s.db.checkBeforeReplacing(ctx); err != nil {
		return err
	}
	backedUp, err := s.db.backupBefore(ctx, "before removing "+name)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *sql.Tx, now string) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM groups WHERE source = ?`, name)
		if err != nil {
			return fmt.Errorf("remove source %s: %w", name, err)
		}
		groups, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("remove source %s: %w", name, err)
		}
		if res, err = tx.ExecContext(ctx, `DELETE FROM sources WHERE name = ?`, name); err != nil {
			return fmt.Errorf("remove source %s: %w", name, err)
		}
		recorded, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("remove source %s: %w", name, err)
		}
		if groups == 0 && recorded == 0 {
			return referral.Errorf(referral.ENOTFOUND,
				"No directory named %q has been imported; check the name in the list of sources.", name)
		}
		return nil
	})
	backedUp(err == nil)
	return err
}
