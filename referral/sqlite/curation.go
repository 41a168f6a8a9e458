package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"slices"
	"strconv"
	"strings"
	"time"

	"referraldesk/referral"
)

// A group's curation is two rows keyed by its group key: this desk's own in
// curation, with own saying which of its fields the desk set, and its
// source's published one in published_curation (see referral/curation.go and
// 0009_published_curation.sql). Reads merge them (referral.MergeCuration);
// writes of this desk's curation store only the fields in which it differs
// from the publisher's; an import replaces the publisher's rows of its
// source and never touches curation.

// curationColumns is a group's curation as curationJoin gives it, in one
// column that curationDest reads: NULL for a group with neither row (most
// groups), else a JSON array of this desk's own, medication_friendly,
// verified_on, notes and hidden, then the published source,
// medication_friendly, verified_on, notes and hidden. Ten columns of their
// own were 10 of the 22 that each of the Directory's 1,000 rows fetched,
// one call into SQLite each, nearly always empty.
//
// The texts are cast to TEXT: json_array refuses a BLOB, and a value put in
// by hand or by another tool may be one, which must not make every list and
// match of the directory fail.
const curationColumns = `CASE WHEN c.group_key IS NULL AND p.group_key IS NULL THEN NULL ELSE json_array(
	coalesce(c.own, 0), CAST(coalesce(c.medication_friendly, '') AS TEXT), CAST(c.verified_on AS TEXT),
	CAST(coalesce(c.notes, '') AS TEXT), coalesce(c.hidden, 0),
	CAST(coalesce(p.source, '') AS TEXT), CAST(coalesce(p.medication_friendly, '') AS TEXT), CAST(p.verified_on AS TEXT),
	CAST(coalesce(p.notes, '') AS TEXT), coalesce(p.hidden, 0)) END`

// noCuration stands for curationColumns where there is no curation to read.
const noCuration = `NULL`

// shownHidden is the hidden flag a group shows, as SQL over curationJoin,
// for the filters that leave hidden groups out.
const shownHidden = `(CASE WHEN c.own & 8 THEN c.hidden ELSE p.hidden END)`

// ownBits are the bits of curation.own, one for each field.
var ownBits = []struct {
	bit   int64
	field referral.CurationFields
}{
	{1, referral.CuratedMedication},
	{2, referral.CuratedVerifiedOn},
	{4, referral.CuratedNotes},
	{8, referral.CuratedHidden},
}

func ownFields(own int64) referral.CurationFields {
	var f referral.CurationFields
	for _, b := range ownBits {
		if own&b.bit != 0 {
			f |= b.field
		}
	}
	return f
}

func ownColumn(f referral.CurationFields) int64 {
	var own int64
	for _, b := range ownBits {
		if f.Has(b.field) {
			own |= b.bit
		}
	}
	return own
}

// curationRow is a group's stored curation: the fields this desk set
// (own, with their values in local) and its source's published curation.
type curationRow struct {
	own       referral.CurationFields
	local     referral.Curation
	published referral.Curation // From is the source; "" when it published none
}

// shown is the curation the group shows.
func (r curationRow) shown() referral.Curation {
	return referral.MergeCuration(r.local, r.own, r.published)
}

// curationDest receives the column of curationColumns.
type curationDest struct{ packed sql.NullString }

func (d *curationDest) targets() []any { return []any{&d.packed} }

// row reads the scanned value. A date this build cannot read (written by
// hand, or by another tool) makes that date unknown, not the group fail to
// list; bad quotes it for the log ("" when every date was read).
func (d *curationDest) row() (r curationRow, bad string, err error) {
	if !d.packed.Valid {
		return curationRow{}, "", nil
	}
	var v struct {
		own                        int64
		local, published           referral.Curation
		localVerified, pubVerified *string
		localHidden, pubHidden     int64
	}
	fields := []any{&v.own, &v.local.MedicationFriendly, &v.localVerified, &v.local.Notes, &v.localHidden,
		&v.published.From, &v.published.MedicationFriendly, &v.pubVerified, &v.published.Notes, &v.pubHidden}
	if err := json.Unmarshal([]byte(d.packed.String), &fields); err != nil {
		return curationRow{}, "", fmt.Errorf("read curation %q: %w", d.packed.String, err)
	}
	if len(fields) != 10 {
		return curationRow{}, "", fmt.Errorf("read curation %q: %d values, not 10", d.packed.String, len(fields))
	}
	v.local.Hidden, v.published.Hidden = v.localHidden != 0, v.pubHidden != 0
	r = curationRow{own: ownFields(v.own), local: v.local, published: v.published}
	date := func(s *string) (time.Time, string) {
		if s == nil {
			return time.Time{}, ""
		}
		t, err := parseTime(sql.NullString{String: *s, Valid: true})
		if err != nil {
			return time.Time{}, strconv.Quote(*s)
		}
		return t, ""
	}
	var badLocal, badPub string
	r.local.VerifiedOn, badLocal = date(v.localVerified)
	r.published.VerifiedOn, badPub = date(v.pubVerified)
	bad = strings.TrimPrefix(strings.TrimSuffix(badLocal+" and "+badPub, " and "), " and ")
	return r, bad, nil
}

// logBadDate says which group's verified-on date row could not read; a
// caller guards it, so that no row that reads well pays for the arguments.
func logBadDate(group any, bad string) {
	log.Printf("referraldesk: group %v: verified-on date %s cannot be read; shown as not verified", group, bad)
}

// curationOfKey reads the stored curation of one group, by key.
const curationOfKey = `SELECT ` + curationColumns + ` FROM (SELECT ? AS group_key) k
	LEFT JOIN curation c ON c.group_key = k.group_key
	LEFT JOIN published_curation p ON p.group_key = k.group_key`

// sourceCuration reads the stored curation of a source's groups, own or
// published, by group key, in one query instead of one lookup per listing.
func sourceCuration(ctx context.Context, tx *sql.Tx, source string) (map[string]curationRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT k.group_key, `+curationColumns+` FROM
		(SELECT group_key FROM curation WHERE source = ? UNION SELECT group_key FROM published_curation WHERE source = ?) k
		LEFT JOIN curation c ON c.group_key = k.group_key
		LEFT JOIN published_curation p ON p.group_key = k.group_key`, source, source)
	if err != nil {
		return nil, fmt.Errorf("import %s: read curation: %w", source, err)
	}
	defer rows.Close()
	curation := map[string]curationRow{}
	for rows.Next() {
		var key string
		var d curationDest
		if err := rows.Scan(append([]any{&key}, d.targets()...)...); err != nil {
			return nil, fmt.Errorf("import %s: read curation: %w", source, err)
		}
		row, bad, err := d.row()
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", source, err)
		}
		if bad != "" {
			logBadDate(strconv.Quote(key), bad)
		}
		curation[key] = row
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("import %s: read curation: %w", source, err)
	}
	return curation, nil
}

// replacePublished makes the published curation of a source's groups what
// the groups being imported carry (Group.Published). Listings of one group
// that disagree get the safer reading, as when curation became per group
// (mergeCurations).
func replacePublished(ctx context.Context, tx *sql.Tx, source string, groups []*referral.Group) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM published_curation WHERE source = ?`, source); err != nil {
		return fmt.Errorf("import %s: replace published curation: %w", source, err)
	}
	byKey := map[string][]referral.Curation{}
	for _, g := range groups {
		if g.Published.Said() != 0 {
			key := referral.GroupKey(g)
			byKey[key] = append(byKey[key], g.Published)
		}
	}
	if len(byKey) == 0 {
		return nil
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO published_curation
		(group_key, source, medication_friendly, verified_on, notes, hidden) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("import %s: replace published curation: %w", source, err)
	}
	defer insert.Close()
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same file writes the same rows, whatever the map's order
	for _, key := range keys {
		c, _ := mergeCurations(byKey[key])
		if _, err := insert.ExecContext(ctx, key, source, string(c.MedicationFriendly), nullTime(c.VerifiedOn), c.Notes, c.Hidden); err != nil {
			return fmt.Errorf("import %s: replace published curation: %w", source, err)
		}
	}
	return nil
}
