package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"referraldesk/referral"
)

var _ referral.SettingsService = (*SettingsService)(nil)

// SettingsService keeps the clinic's settings in the database, so the window
// and the command line share them.
type SettingsService struct {
	db *DB
}

// NewSettingsService returns the settings kept in db.
func NewSettingsService(db *DB) *SettingsService {
	return &SettingsService{db: db}
}

// Settings returns the saved settings, or referral.DefaultSettings when none
// were ever saved.
func (s *SettingsService) Settings(ctx context.Context) (referral.Settings, error) {
	var st referral.Settings
	err := s.db.read(ctx, func(tx *sql.Tx) (err error) {
		st, err = loadSettings(ctx, tx)
		return err
	})
	return st, err
}

// SaveSettings validates and stores the settings; invalid ones are refused
// before anything is written. In the same transaction it purges referral log
// entries older than the new retention period: lowering it means "keep less
// from now on", and entries the log already hides must not come back if the
// period is raised again before the next purge.
func (s *SettingsService) SaveSettings(ctx context.Context, st referral.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	var logo any // NULL, not an empty BLOB, for no logo
	if len(st.Clinic.Logo) > 0 {
		logo = st.Clinic.Logo
	}
	return s.db.writeErasing(ctx, func(tx *sql.Tx, now time.Time) (int, error) {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO settings (id, clinic_name, clinic_address, clinic_phone,
				clinic_website, clinic_logo, counselor, default_miles, sheet_lang, sheet_paper, retention_days,
				feed_timezone, clinic_timezone, feed_refresh_days, modified_at)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			st.Clinic.Name, st.Clinic.Address, st.Clinic.Phone, st.Clinic.Website, logo, st.Counselor,
			st.DefaultMiles, string(st.SheetLang), string(st.SheetPaper), st.RetentionDays, st.FeedTimeZone, st.ClinicTimeZone,
			st.RefreshDays, formatTime(now))
		if err != nil {
			return 0, fmt.Errorf("save settings: %w", err)
		}
		return purgeBefore(ctx, tx, st.RetentionCutoff(now))
	})
}

// loadSettings reads the settings row, or the defaults when there is none.
func loadSettings(ctx context.Context, tx *sql.Tx) (referral.Settings, error) {
	var st referral.Settings
	err := tx.QueryRowContext(ctx, `SELECT clinic_name, clinic_address, clinic_phone, clinic_website, clinic_logo,
			counselor, default_miles, sheet_lang, sheet_paper, retention_days, feed_timezone, clinic_timezone,
			feed_refresh_days
		FROM settings WHERE id = 1`).Scan(
		&st.Clinic.Name, &st.Clinic.Address, &st.Clinic.Phone, &st.Clinic.Website, &st.Clinic.Logo,
		&st.Counselor, &st.DefaultMiles, &st.SheetLang, &st.SheetPaper, &st.RetentionDays, &st.FeedTimeZone, &st.ClinicTimeZone,
		&st.RefreshDays)
	if errors.Is(err, sql.ErrNoRows) {
		return referral.DefaultSettings(), nil
	} else if err != nil {
		return referral.Settings{}, fmt.Errorf("read settings: %w", err)
	}
	if len(st.Clinic.Logo) == 0 {
		st.Clinic.Logo = nil
	}
	return st, nil
}
