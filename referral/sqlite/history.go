package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"referraldesk/referral"
)

var _ referral.HistoryService = (*HistoryService)(nil)

// HistoryService is the referral log, stored in a DB.
//
// Entries older than the retention period in the settings are deleted by
// every LogReferral, by SaveSettings and by PurgeExpired (which main calls at
// start), and reads filter them out by date as well, so an expired entry is
// never shown even when no purge has run since it expired.
//
// Client data is erased, not just unlinked: writes run with SQLite's
// secure_delete on, so deleted rows are overwritten in the file, and a write
// that deleted an entry or replaced a follow-up checkpoints and truncates the
// WAL, which would otherwise keep old copies of the pages.
type HistoryService struct {
	db *DB
}

// NewHistoryService returns the referral log kept in db.
func NewHistoryService(db *DB) *HistoryService {
	return &HistoryService{db: db}
}

// LogReferral validates and stores a new entry, setting r.ID and r.Created
// (the database clock). Any FollowUp on r is dropped: a follow-up happens at
// a later visit and is recorded with RecordFollowUp. Expired entries are
// purged in the same transaction.
//
// When another writer holds the file past logPatience (an import), the
// entry is kept on disk beside it and entered once the writer is done
// (pending.go): r.Created is set, and r.ID stays 0 until then.
func (s *HistoryService) LogReferral(ctx context.Context, r *referral.Referral) error {
	entry := *r
	entry.FollowUp = nil
	if err := entry.Validate(); err != nil {
		return err
	}
	needs, err := json.Marshal(needsJSON(r.Needs))
	if err != nil {
		return fmt.Errorf("log referral: encode needs: %w", err)
	}
	referred, err := json.Marshal(referredJSON(r.Groups))
	if err != nil {
		return fmt.Errorf("log referral: encode groups: %w", err)
	}
	var id int64
	var created time.Time
	label := strings.TrimSpace(r.ClientLabel)
	err = s.db.erasingWith(ctx, s.db.writeSoon, func(tx *sql.Tx, now time.Time) (int, error) {
		purged, err := purgeExpired(ctx, tx, now)
		if err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO referrals (created_at, client_label, lang, paper, large, needs, referred)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			formatTime(now), label, string(r.Lang), string(r.Paper), r.Large, needs, referred)
		if err != nil {
			return 0, fmt.Errorf("log referral: %w", err)
		}
		id, err = res.LastInsertId()
		created = now
		return purged, err
	})
	if errors.Is(err, errHeld) {
		// Another writer (an import) holds the file: the entry waits
		// beside it, on disk, and is entered once the writer is done.
		created, _ = time.Parse(timeLayout, formatTime(s.db.Now()))
		err = s.db.keepPending(pendingEntry{Created: formatTime(created), Label: label, Lang: string(r.Lang),
			Paper: string(r.Paper), Large: r.Large, Needs: needs, Referred: referred})
	}
	if err != nil {
		return err
	}
	r.ID, r.Created, r.ClientLabel, r.FollowUp = id, created, label, nil
	return nil
}

// FindReferrals returns the entries within the retention period, newest
// first, and how many there are in all.
func (s *HistoryService) FindReferrals(ctx context.Context, f referral.ReferralFilter) ([]*referral.Referral, int, error) {
	var list []*referral.Referral
	var total int
	err := s.db.read(ctx, func(tx *sql.Tx) error {
		cutoff, err := retentionCutoff(ctx, tx, s.db.Now())
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM referrals WHERE created_at >= ?`, cutoff).Scan(&total); err != nil {
			return fmt.Errorf("count referrals: %w", err)
		}
		if total == 0 || f.Offset >= total {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE created_at >= ?
			ORDER BY created_at DESC, id DESC`+limitOffset(f.Limit, f.Offset), cutoff)
		if err != nil {
			return fmt.Errorf("find referrals: %w", err)
		}
		list, err = scanReferrals(rows)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// FindReferralByID returns one entry, or ENOTFOUND when it was deleted or
// is past the retention period.
func (s *HistoryService) FindReferralByID(ctx context.Context, id int64) (*referral.Referral, error) {
	var r *referral.Referral
	err := s.db.read(ctx, func(tx *sql.Tx) (err error) {
		r, err = findReferral(ctx, tx, id, s.db.Now())
		return err
	})
	return r, err
}

// RecordFollowUp validates and stores what the client said at the next
// visit, replacing an earlier follow-up, stamps f.Recorded with the database
// clock and returns the entry.
func (s *HistoryService) RecordFollowUp(ctx context.Context, id int64, f referral.FollowUp) (*referral.Referral, error) {
	var r *referral.Referral
	err := s.db.writeErasing(ctx, func(tx *sql.Tx, now time.Time) (int, error) {
		var err error
		if r, err = findReferral(ctx, tx, id, now); err != nil {
			return 0, err
		}
		// Replacing a follow-up erases the old one's notes: client data.
		erased := 0
		if r.FollowUp != nil {
			erased = 1
		}
		f.Recorded = now
		r.FollowUp = &f
		if err := r.Validate(); err != nil {
			return 0, err
		}
		data, err := json.Marshal(followUpRecord(f))
		if err != nil {
			return 0, fmt.Errorf("record follow-up of referral %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET follow_up = ? WHERE id = ?`, data, id); err != nil {
			return 0, fmt.Errorf("record follow-up of referral %d: %w", id, err)
		}
		return erased, nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteReferral removes one entry, or returns ENOTFOUND.
func (s *HistoryService) DeleteReferral(ctx context.Context, id int64) error {
	var n int64
	err := s.db.writeErasing(ctx, func(tx *sql.Tx, now time.Time) (int, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM referrals WHERE id = ?`, id)
		if err != nil {
			return 0, fmt.Errorf("delete referral %d: %w", id, err)
		}
		n, err = res.RowsAffected()
		return int(n), err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return referralNotFound(id)
	}
	return nil
}

// PurgeReferrals removes every entry created before the given instant and
// returns how many it removed.
func (s *HistoryService) PurgeReferrals(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := s.db.writeErasing(ctx, func(tx *sql.Tx, now time.Time) (int, error) {
		var err error
		n, err = purgeBefore(ctx, tx, before)
		return n, err
	})
	return n, err
}

// PurgeExpired removes the entries older than the retention period in the
// settings and returns how many it removed. main calls it when the program
// starts, so a log nobody adds to still empties on time.
func (s *HistoryService) PurgeExpired(ctx context.Context) (int, error) {
	var n int
	err := s.db.writeErasing(ctx, func(tx *sql.Tx, now time.Time) (int, error) {
		var err error
		n, err = purgeExpired(ctx, tx, now)
		return n, err
	})
	return n, err
}

// writeErasing is DB.writeAside for transactions that write or delete client
// data (which is never a listing).
// With secure_delete on, SQLite overwrites deleted and replaced content instead
// of leaving it in free space, where a copy of the file would still carry it.
// The pragma belongs to a connection, so it is set back before the connection
// returns to the pool (imports deleting thousands of listings need not pay for
// it). fn reports how many entries it erased; when any, the WAL is checkpointed
// and truncated after commit, since its old frames are the pages as they were
// before the delete.
func (db *DB) writeErasing(ctx context.Context, fn func(tx *sql.Tx, now time.Time) (erased int, err error)) error {
	return db.erasingWith(ctx, db.writeAside, fn)
}

// erasingWith is writeErasing writing with write (DB.write or one of its
// kin that waits otherwise for the lock).
//
// Every such write holds the lock the referral log needs, so it first
// enters the referrals kept while another writer held it (pending.go):
// made first, they go in first, and a purge or a delete reaches them. Their
// files go once the write has committed.
func (db *DB) erasingWith(ctx context.Context, write func(context.Context, func(*sql.Tx, string) error) error,
	fn func(tx *sql.Tx, now time.Time) (erased int, err error)) error {
	erased := 0
	var entered []string
	err := write(ctx, func(tx *sql.Tx, now string) error {
		var err error
		if entered, err = enterPending(ctx, tx, db.pendingEntries()); err != nil {
			return err
		}
		var was int
		if err := tx.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&was); err != nil {
			return fmt.Errorf("secure delete: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return fmt.Errorf("secure delete: %w", err)
		}
		defer tx.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA secure_delete = %d`, was))
		t, err := time.Parse(timeLayout, now)
		if err != nil {
			return err
		}
		erased, err = fn(tx, t)
		return err
	})
	if err == nil {
		db.removePending(entered)
	}
	if err == nil && erased > 0 {
		// Best effort: a reader still on an old snapshot can keep the WAL
		// from being truncated now; a later checkpoint or Close does it.
		db.checkpointAside(ctx)
	}
	return err
}

// purgeExpired deletes the entries older than the retention period in the
// settings as they are inside tx.
func purgeExpired(ctx context.Context, tx *sql.Tx, now time.Time) (int, error) {
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return 0, err
	}
	if err := forgetEntered(ctx, tx, st.RetentionCutoff(now)); err != nil {
		return 0, err
	}
	return purgeBefore(ctx, tx, st.RetentionCutoff(now))
}

func purgeBefore(ctx context.Context, tx *sql.Tx, before time.Time) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM referrals WHERE created_at < ?`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("purge referrals: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// retentionCutoff is the created_at below which entries are expired at now,
// as text to compare with the column.
func retentionCutoff(ctx context.Context, tx *sql.Tx, now time.Time) (string, error) {
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return "", err
	}
	return formatTime(st.RetentionCutoff(now)), nil
}

// referralColumns are read by scanReferrals, in its order.
const referralColumns = `id, created_at, client_label, lang, paper, large, needs, referred, follow_up`

func findReferral(ctx context.Context, tx *sql.Tx, id int64, now time.Time) (*referral.Referral, error) {
	cutoff, err := retentionCutoff(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE id = ? AND created_at >= ?`, id, cutoff)
	if err != nil {
		return nil, fmt.Errorf("find referral %d: %w", id, err)
	}
	list, err := scanReferrals(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, referralNotFound(id)
	}
	return list[0], nil
}

func referralNotFound(id int64) error {
	return referral.Errorf(referral.ENOTFOUND,
		"Referral %d is not in the log; it may have been deleted, or removed after the retention period set in Settings.", id)
}

// scanReferrals reads rows of referralColumns. Errors name the entry's id
// only: the row holds client data that must not reach a log.
func scanReferrals(rows *sql.Rows) ([]*referral.Referral, error) {
	defer rows.Close()
	var list []*referral.Referral
	for rows.Next() {
		var (
			r                        referral.Referral
			created                  string
			needs, referred, followU []byte
		)
		if err := rows.Scan(&r.ID, &created, &r.ClientLabel, &r.Lang, &r.Paper, &r.Large, &needs, &referred, &followU); err != nil {
			return nil, fmt.Errorf("read referral log: %w", err)
		}
		var err error
		if r.Created, err = time.Parse(timeLayout, created); err != nil {
			return nil, fmt.Errorf("read referral %d: created time: %w", r.ID, err)
		}
		if err := decodeReferral(&r, needs, referred, followU); err != nil {
			return nil, fmt.Errorf("read referral %d: %w", r.ID, err)
		}
		list = append(list, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read referral log: %w", err)
	}
	return list, nil
}

func decodeReferral(r *referral.Referral, needs, referred, followUp []byte) error {
	var n needsDoc
	if err := json.Unmarshal(needs, &n); err != nil {
		return errors.New("needs are not valid JSON")
	}
	r.Needs = referral.Needs(n.needsRecord)
	if n.Origin != nil {
		p := referral.Point(*n.Origin)
		r.Needs.Origin = &p
	}
	if n.ClinicZone != "" {
		// A zone this build no longer knows leaves the needs as they were
		// otherwise; the log is for follow-up, not for matching again.
		if loc, err := time.LoadLocation(n.ClinicZone); err == nil {
			r.Needs.ClinicZone = loc
		}
	}
	var groups []referredDoc
	if err := json.Unmarshal(referred, &groups); err != nil {
		return errors.New("groups are not valid JSON")
	}
	for _, d := range groups {
		g := referral.ReferredGroup(d.referredRecord)
		if d.Printed != nil {
			g.Printed = d.Printed.group(g)
		}
		r.Groups = append(r.Groups, g)
	}
	if followUp != nil {
		var f followUpRecord
		if err := json.Unmarshal(followUp, &f); err != nil {
			return errors.New("follow-up is not valid JSON")
		}
		ff := referral.FollowUp(f)
		r.FollowUp = &ff
	}
	return nil
}

// The types below fix the JSON of the referrals table, as record.go does for
// groups: each mirrors a domain type field for field so a plain conversion
// moves the data, and a change to the domain type breaks the build here.
type (
	needsRecord struct {
		For         referral.For          `json:"for,omitzero"`
		Substances  []referral.Substance  `json:"substances,omitzero"`
		ZIP         string                `json:"zip,omitzero"`
		Origin      *referral.Point       `json:"-"` // needsDoc.Origin
		MaxMiles    float64               `json:"max_miles,omitzero"`
		Place       string                `json:"place,omitzero"`
		Days        []time.Weekday        `json:"days,omitzero"`
		Times       []referral.TimeBand   `json:"times,omitzero"`
		Attend      referral.AttendWanted `json:"attend,omitzero"`
		Gender      referral.Gender       `json:"gender,omitzero"`
		WomenOnly   bool                  `json:"women_only,omitzero"`
		MenOnly     bool                  `json:"men_only,omitzero"`
		LGBTQ       bool                  `json:"lgbtq,omitzero"`
		YoungPeople bool                  `json:"young_people,omitzero"`
		Languages   []string              `json:"languages,omitzero"`
		PreferLang  referral.Lang         `json:"prefer_lang,omitzero"`
		Wheelchair  bool                  `json:"wheelchair,omitzero"`
		ASL         bool                  `json:"asl,omitzero"`
		Childcare   bool                  `json:"childcare,omitzero"`
		MOUD        bool                  `json:"moud,omitzero"`
		Approach    referral.Approach     `json:"approach,omitzero"`
		Limit       int                   `json:"limit,omitzero"`
		ClinicZone  *time.Location        `json:"-"` // needsDoc.ClinicZone
	}
	// needsDoc gives Origin tagged keys: referral.Point has none, and the
	// conversion above needs the field's type to stay *referral.Point.
	needsDoc struct {
		needsRecord
		Origin     *pointRecord `json:"origin,omitzero"`
		ClinicZone string       `json:"clinic_zone,omitzero"`
	}
	pointRecord struct {
		Lat float64 `json:"lat"`
		Lon float64 `json:"lon"`
	}
	referredRecord struct {
		GroupID  int64            `json:"group_id,omitzero"`
		Source   string           `json:"source,omitzero"`
		SourceID string           `json:"source_id,omitzero"`
		Name     string           `json:"name,omitzero"`
		Program  referral.Program `json:"program,omitzero"`
		Printed  *referral.Group  `json:"-"` // referredDoc.Printed
	}
	// referredDoc gives the printed card tagged keys, as needsDoc does for
	// the needs. Entries logged before the log kept the card have none.
	referredDoc struct {
		referredRecord
		Printed *printedDoc `json:"printed,omitzero"`
	}
	// printedRecord mirrors referral.Group. ID, Source and SourceID are the
	// entry's own group_id, source and source_id; the fields held in the
	// groups table's columns and the nested types are in printedDoc, with
	// the record types of groups.data (record.go).
	printedRecord struct {
		ID         int64                 `json:"-"`
		Source     string                `json:"-"`
		SourceID   string                `json:"-"`
		Updated    time.Time             `json:"updated,omitzero"`
		Name       string                `json:"name,omitzero"`
		Program    referral.Program      `json:"program,omitzero"`
		Sessions   []referral.Session    `json:"-"`
		TimeZone   string                `json:"timezone,omitzero"`
		Attendance referral.Attendance   `json:"attendance,omitzero"`
		Place      referral.Place        `json:"-"`
		Online     referral.OnlineAccess `json:"-"`
		Attributes referral.Attributes   `json:"-"`
		Types      []string              `json:"types,omitzero"`
		Notes      string                `json:"notes,omitzero"`
		Contact    referral.Contact      `json:"-"`
		Service    bool                  `json:"service,omitzero"`
		Curation   referral.Curation     `json:"-"` // only what the card prints: printedDoc
		Published  referral.Curation     `json:"-"` // the source's, which the card never prints
	}
	printedDoc struct {
		printedRecord
		Sessions      []sessionRecord  `json:"sessions,omitzero"`
		Place         placeRecord      `json:"place,omitzero"`
		Coords        *pointRecord     `json:"coords,omitzero"`
		CoordsFromZIP bool             `json:"coords_from_zip,omitzero"`
		Online        onlineRecord     `json:"online,omitzero"`
		Attributes    attributesRecord `json:"attributes,omitzero"`
		Contact       contactRecord    `json:"contact,omitzero"`
		// The card says "welcomes people who take medication" and dates the
		// listing by the later of Updated and VerifiedOn; the rest of the
		// curation is the clinic's own and not kept in the log.
		MedicationFriendly referral.MedicationFriendly `json:"medication_friendly,omitzero"`
		VerifiedOn         time.Time                   `json:"verified_on,omitzero"`
	}
	followUpRecord struct {
		Recorded               time.Time       `json:"recorded"`
		Went                   referral.Answer `json:"went,omitzero"`
		GroupID                int64           `json:"group_id,omitzero"`
		FeltWelcome            referral.Answer `json:"felt_welcome,omitzero"`
		NotWelcomeOnMedication bool            `json:"not_welcome_on_medication,omitzero"`
		Notes                  string          `json:"notes,omitzero"`
	}
)

func needsJSON(n referral.Needs) needsDoc {
	d := needsDoc{needsRecord: needsRecord(n)}
	d.needsRecord.Origin, d.needsRecord.ClinicZone = nil, nil
	if n.ClinicZone != nil {
		d.ClinicZone = n.ClinicZone.String()
	}
	if n.Origin != nil {
		p := pointRecord(*n.Origin)
		d.Origin = &p
	}
	return d
}

func referredJSON(groups []referral.ReferredGroup) []referredDoc {
	rs := make([]referredDoc, len(groups))
	for i, g := range groups {
		rs[i] = referredDoc{referredRecord: referredRecord(g)}
		rs[i].referredRecord.Printed = nil
		if g.Printed != nil {
			rs[i].Printed = printedJSON(g.Printed)
		}
	}
	return rs
}

func printedJSON(g *referral.Group) *printedDoc {
	d := &printedDoc{
		printedRecord: printedRecord(*g),
		Place:         placeRecord(g.Place),
		Online:        onlineRecord(g.Online),
		Attributes:    attributesRecord(g.Attributes),
		Contact:       contactRecord(g.Contact),
		CoordsFromZIP: g.Place.CoordsFromZIP,

		MedicationFriendly: g.Curation.MedicationFriendly,
		VerifiedOn:         g.Curation.VerifiedOn,
	}
	if c := g.Place.Coords; c != nil {
		p := pointRecord(*c)
		d.Coords = &p
	}
	for _, s := range g.Sessions {
		d.Sessions = append(d.Sessions, sessionRecord(s))
	}
	return d
}

// group is the printed card of the entry's group rg.
func (d *printedDoc) group(rg referral.ReferredGroup) *referral.Group {
	g := referral.Group(d.printedRecord)
	g.ID, g.Source, g.SourceID = rg.GroupID, rg.Source, rg.SourceID
	g.Place = referral.Place(d.Place)
	g.Place.CoordsFromZIP = d.CoordsFromZIP
	if d.Coords != nil {
		p := referral.Point(*d.Coords)
		g.Place.Coords = &p
	}
	g.Online = referral.OnlineAccess(d.Online)
	g.Attributes = referral.Attributes(d.Attributes)
	g.Contact = referral.Contact(d.Contact)
	g.Curation = referral.Curation{MedicationFriendly: d.MedicationFriendly, VerifiedOn: d.VerifiedOn}
	for _, s := range d.Sessions {
		g.Sessions = append(g.Sessions, referral.Session(s))
	}
	return &g
}
