package sqlite_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func clinicSettings() referral.Settings {
	s := referral.DefaultSettings()
	s.Clinic = referral.Clinic{Name: "Broad Street Clinic", Address: "1 Broad St, Philadelphia PA", Phone: "215-555-0100",
		Website: "https://clinic.example", Logo: append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 5000)...)}
	s.Counselor, s.DefaultMiles = "Dana Ortiz", 7.5
	s.SheetLang, s.SheetPaper = referral.Spanish, referral.A4
	s.RetentionDays, s.FeedTimeZone = 30, "America/Chicago"
	return s
}

func loadSettings(t *testing.T, s *sqlite.SettingsService) referral.Settings {
	t.Helper()
	got, err := s.Settings(context.Background())
	if err != nil {
		t.Fatalf("Settings: %v", err)
	}
	return got
}

func assertSettings(t *testing.T, got, want referral.Settings) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("settings differ\n got: %+v\nwant: %+v", got, want)
	}
}

func TestSettingsDefaultsWhenNeverSaved(t *testing.T) {
	db, _ := openTestDB(t)
	assertSettings(t, loadSettings(t, sqlite.NewSettingsService(db)), referral.DefaultSettings())
}

func TestSettingsSaveLoadReopen(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewSettingsService(db)
	want := clinicSettings()
	if err := s.SaveSettings(ctx, want); err != nil {
		t.Fatalf("SaveSettings: %v", err)
	}
	assertSettings(t, loadSettings(t, s), want)

	// A second save replaces every field, including clearing the logo.
	want.Clinic.Logo, want.Clinic.Website, want.FeedTimeZone = nil, "", ""
	if err := s.SaveSettings(ctx, want); err != nil {
		t.Fatalf("SaveSettings: %v", err)
	}
	assertSettings(t, loadSettings(t, s), want)

	db.Close()
	assertSettings(t, loadSettings(t, sqlite.NewSettingsService(reopen(t, path))), want)
	if got := mode(t, path); got != 0o600 {
		t.Errorf("database mode = %v, want 0600", got)
	}
}

func TestSettingsFromKeyValues(t *testing.T) {
	// What `referraldesk settings KEY=VALUE...` does: load, Set, save.
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewSettingsService(db)
	st := loadSettings(t, s)
	for _, kv := range clinicSettings().Values() {
		if kv.Key == "clinic.logo" {
			continue
		}
		if err := st.Set(kv.Key, kv.Value); err != nil {
			t.Fatalf("Set(%s): %v", kv.Key, err)
		}
	}
	if err := s.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	want := clinicSettings()
	want.Clinic.Logo = nil
	assertSettings(t, loadSettings(t, s), want)
}

func TestInvalidSettingsWriteNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		change func(s *referral.Settings)
	}{
		{"retention zero", func(s *referral.Settings) { s.RetentionDays = 0 }},
		{"unknown zone", func(s *referral.Settings) { s.FeedTimeZone = "Mars/Olympus" }},
		{"logo not a picture", func(s *referral.Settings) { s.Clinic.Logo = []byte("<svg/>") }},
		{"no paper", func(s *referral.Settings) { s.SheetPaper = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openTestDB(t)
			s := sqlite.NewSettingsService(db)

			bad := clinicSettings()
			tt.change(&bad)
			wantCode(t, s.SaveSettings(ctx, bad), referral.EINVALID)
			assertSettings(t, loadSettings(t, s), referral.DefaultSettings()) // still never saved

			good := clinicSettings()
			if err := s.SaveSettings(ctx, good); err != nil {
				t.Fatal(err)
			}
			wantCode(t, s.SaveSettings(ctx, bad), referral.EINVALID)
			assertSettings(t, loadSettings(t, s), good)
		})
	}
}

func TestSettingsTableRefusesZeroRetention(t *testing.T) {
	// The table's CHECK is the last guard against a retention that would
	// purge the whole log, should anything bypass Validate.
	db, path := openTestDB(t)
	db.Close()
	raw := rawDB(t, path)
	_, err := raw.Exec(`INSERT INTO settings (id, default_miles, sheet_lang, sheet_paper, retention_days, modified_at)
		VALUES (1, 10, 'en', 'letter', 0, 'x')`)
	if err == nil {
		t.Fatal("settings row with retention_days = 0 was stored")
	}
}
