package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"referraldesk/referral"
)

// goSteps are migrations that need Go after their SQL script, run in the
// script's transaction: the step's changes land with the script or not at
// all. Each returns a note for the person upgrading, or "".
var goSteps = map[string]func(ctx context.Context, tx *sql.Tx) (string, error){
	"0006_group_curation.sql":   mergeListingCuration,
	"0007_service_meetings.sql": markServiceMeetings,
}

// markServiceMeetings marks the service meetings stored before imports
// marked them, so the matcher never offers them to a client.
func markServiceMeetings(ctx context.Context, tx *sql.Tx) (string, error) {
	groups, err := allGroups(ctx, tx)
	if err != nil {
		return "", err
	}
	n := 0
	for _, g := range groups {
		if g.Service || !(referral.ServiceName(g.Name) || slices.Contains(g.Types, "BUS")) {
			continue
		}
		g.Service = true
		data, err := encodeData(g)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET data = ? WHERE id = ?`, data, g.ID); err != nil {
			return "", err
		}
		n++
	}
	if n == 0 {
		return "", nil
	}
	return fmt.Sprintf("%d service meetings (business, district, committee…) in the directory are now marked and never suggested to clients", n), nil
}

// mergeListingCuration gives every listing its group key and merges the old
// per-listing curation into one per group. Listings of one group that were
// curated differently get the safer reading: medication-friendly "unknown"
// when one said yes and another no, hidden when any was hidden, the latest
// verified-on date, and every distinct note. Rows of listings no longer in
// the directory stay in listing_curation until an import brings the listing
// back (see adoptListingCuration).
func mergeListingCuration(ctx context.Context, tx *sql.Tx) (string, error) {
	groups, err := allGroups(ctx, tx)
	if err != nil {
		return "", err
	}
	keyOf := map[[2]string]string{} // (source, source_id) → group key
	for _, g := range groups {
		key := referral.GroupKey(g)
		keyOf[[2]string{g.Source, g.SourceID}] = key
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET group_key = ? WHERE id = ?`, key, g.ID); err != nil {
			return "", err
		}
	}
	old, err := listingCurations(ctx, tx, "")
	if err != nil {
		return "", err
	}
	merged := map[string][]referral.Curation{}
	source := map[string]string{}
	for _, lc := range old {
		key, ok := keyOf[[2]string{lc.source, lc.sourceID}]
		if !ok {
			continue // the listing is gone for now; its row waits for it
		}
		merged[key] = append(merged[key], lc.c)
		source[key] = lc.source
		if _, err := tx.ExecContext(ctx, `DELETE FROM listing_curation WHERE source = ? AND source_id = ?`, lc.source, lc.sourceID); err != nil {
			return "", err
		}
	}
	disagreed := 0
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		c, conflict := mergeCurations(merged[key])
		if conflict {
			disagreed++
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO curation
			(group_key, source, medication_friendly, verified_on, notes, hidden, modified_at) VALUES (?, ?, ?, ?, ?, ?, datetime('now'))`,
			key, source[key], string(c.MedicationFriendly), nullTime(c.VerifiedOn), c.Notes, c.Hidden); err != nil {
			return "", err
		}
	}
	if disagreed == 0 {
		return "", nil
	}
	return fmt.Sprintf("curation is now kept per group: %d groups whose listings disagreed on medication-friendly are now \"unknown\" (their notes are kept); check them in the Directory", disagreed), nil
}

// mergeCurations is the curation of a group whose listings had cs, and
// whether they disagreed on medication-friendly.
func mergeCurations(cs []referral.Curation) (referral.Curation, bool) {
	var out referral.Curation
	var notes []string
	seen := map[referral.MedicationFriendly]bool{}
	for _, c := range cs {
		if c.MedicationFriendly != "" {
			seen[c.MedicationFriendly] = true
		}
		if c.VerifiedOn.After(out.VerifiedOn) {
			out.VerifiedOn = c.VerifiedOn
		}
		if n := strings.TrimSpace(c.Notes); n != "" && !slices.Contains(notes, n) {
			notes = append(notes, n)
		}
		out.Hidden = out.Hidden || c.Hidden
	}
	out.Notes = strings.Join(notes, "\n")
	conflict := seen[referral.MedicationYes] && seen[referral.MedicationNo]
	switch {
	case conflict:
		out.MedicationFriendly = referral.MedicationUnknown
	case seen[referral.MedicationYes]:
		out.MedicationFriendly = referral.MedicationYes
	case seen[referral.MedicationNo]:
		out.MedicationFriendly = referral.MedicationNo
	case seen[referral.MedicationUnknown]:
		out.MedicationFriendly = referral.MedicationUnknown
	}
	return out, conflict
}

// listingCuration is a row of the per-listing curation of before 0006.
type listingCuration struct {
	source, sourceID string
	c                referral.Curation
}

// listingCurations reads the per-listing rows, of one source or of all ("").
func listingCurations(ctx context.Context, tx *sql.Tx, source string) ([]listingCuration, error) {
	q := `SELECT source, source_id, medication_friendly, verified_on, notes, hidden FROM listing_curation`
	var args []any
	if source != "" {
		q += ` WHERE source = ?`
		args = append(args, source)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read listing curation: %w", err)
	}
	defer rows.Close()
	var out []listingCuration
	for rows.Next() {
		var lc listingCuration
		var verified sql.NullString
		if err := rows.Scan(&lc.source, &lc.sourceID, &lc.c.MedicationFriendly, &verified, &lc.c.Notes, &lc.c.Hidden); err != nil {
			return nil, fmt.Errorf("read listing curation: %w", err)
		}
		if lc.c.VerifiedOn, err = parseTime(verified); err != nil {
			return nil, fmt.Errorf("read listing curation of %s %q: %w", lc.source, lc.sourceID, err)
		}
		out = append(out, lc)
	}
	return out, rows.Err()
}

// allGroups reads every stored listing, for a migration that must look at
// each in Go. It reads no curation: a step runs on the schema of its own
// time, before later migrations add to the curation tables.
func allGroups(ctx context.Context, tx *sql.Tx) ([]*referral.Group, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+directoryColumns+`, `+noCuration+` FROM groups g`)
	if err != nil {
		return nil, err
	}
	return scanGroups(rows)
}
