package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// The fixtures in testdata/upgrade are databases written by the releases so
// far, by their own command line (see testdata/upgrade/README.md). Each test
// reads what a fixture holds with plain SQL before this build opens it, then
// checks that the upgrade kept every bit of it.

// upgradeFixture is one released schema and what makes it particular.
type upgradeFixture struct {
	file string
	// curation selects source, a source_id of the group, and the fields,
	// in the shape of the fixture's schema.
	curation string
	// published is the same for the curation another desk published, or
	// "" when the schema had none.
	published string
}

var upgradeFixtures = []upgradeFixture{
	{file: "v0003.db",
		curation: `SELECT source, source_id, medication_friendly, verified_on, notes, hidden FROM curation`},
	{file: "v0009.db",
		curation: `SELECT c.source, (SELECT min(source_id) FROM groups g WHERE g.group_key = c.group_key),
			c.medication_friendly, c.verified_on, c.notes, c.hidden FROM curation c`,
		published: `SELECT p.source, (SELECT min(source_id) FROM groups g WHERE g.group_key = p.group_key),
			p.medication_friendly, p.verified_on, p.notes, p.hidden FROM published_curation p`},
}

// copyFixture copies a fixture into a new folder and returns its path.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "upgrade", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "referraldesk.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixtureContent is what a database held, read with plain SQL.
type fixtureContent struct {
	migrations []string
	listings   int
	groups     map[string]storedListing // by source and source_id
	curation   map[string]referral.Curation
	published  map[string]referral.Curation
	settings   map[string]any // column → value
	referrals  []storedReferral
	sources    []referral.Source
	subs       []referral.Subscription
}

type storedListing struct {
	id       int64
	name     string
	sessions []referral.Session
}

type storedReferral struct {
	id                   int64
	created              time.Time
	label, lang, paper   string
	large                bool
	referred             []string // source/source_id, in sheet order
	followUpNotes, went  string
	notWelcomeMedication bool
}

func key(source, sourceID string) string { return source + "/" + sourceID }

// readFixture reads the content of the file at path through a read-only
// connection of its own, knowing nothing of the store's code.
func readFixture(t *testing.T, path string, f upgradeFixture) fixtureContent {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var c fixtureContent
	c.migrations = migrationsIn(t, path)
	if err := raw.QueryRow(`SELECT count(*) FROM groups`).Scan(&c.listings); err != nil {
		t.Fatal(err)
	}
	c.groups = readListings(t, raw)
	c.curation = readCuration(t, raw, f.curation)
	if f.published != "" {
		c.published = readCuration(t, raw, f.published)
	}
	c.settings = readSettingsRow(t, raw)
	c.referrals = readReferrals(t, raw)
	c.sources = readSources(t, raw)
	if hasTable(t, raw, "subscriptions") {
		c.subs = readSubscriptions(t, raw)
	}
	return c
}

// migrationsIn lists the migrations a database file records.
func migrationsIn(t *testing.T, path string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	return column[string](t, raw, `SELECT name FROM migrations ORDER BY name`)
}

func column[T any](t *testing.T, raw *sql.DB, query string) []T {
	t.Helper()
	rows, err := raw.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func hasTable(t *testing.T, raw *sql.DB, name string) bool {
	t.Helper()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func readListings(t *testing.T, raw *sql.DB) map[string]storedListing {
	t.Helper()
	rows, err := raw.Query(`SELECT id, source, source_id, name, json_extract(data, '$.sessions') FROM groups`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]storedListing{}
	for rows.Next() {
		var l storedListing
		var source, sourceID string
		var sessions sql.NullString
		if err := rows.Scan(&l.id, &source, &sourceID, &l.name, &sessions); err != nil {
			t.Fatal(err)
		}
		// The stored form of a session since the first release: day
		// (Sunday = 0, left out), start and end in minutes (0 left out).
		var doc []struct{ Day, Start, End int }
		if sessions.Valid {
			if err := json.Unmarshal([]byte(sessions.String), &doc); err != nil {
				t.Fatalf("sessions of %s: %v", sourceID, err)
			}
		}
		for _, s := range doc {
			l.sessions = append(l.sessions, referral.Session{Day: time.Weekday(s.Day), Start: referral.Clock(s.Start), End: referral.Clock(s.End)})
		}
		out[key(source, sourceID)] = l
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func readCuration(t *testing.T, raw *sql.DB, query string) map[string]referral.Curation {
	t.Helper()
	rows, err := raw.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]referral.Curation{}
	for rows.Next() {
		var source, sourceID string
		var c referral.Curation
		var verified sql.NullString
		if err := rows.Scan(&source, &sourceID, &c.MedicationFriendly, &verified, &c.Notes, &c.Hidden); err != nil {
			t.Fatal(err)
		}
		if verified.Valid {
			if c.VerifiedOn, err = time.Parse(time.RFC3339Nano, verified.String); err != nil {
				t.Fatal(err)
			}
		}
		out[key(source, sourceID)] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("the fixture holds no curation (%s)", query)
	}
	return out
}

func readSettingsRow(t *testing.T, raw *sql.DB) map[string]any {
	t.Helper()
	rows, err := raw.Query(`SELECT * FROM settings`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("the fixture holds no settings")
	}
	values := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range values {
		ptrs[i] = &values[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for i, n := range names {
		out[n] = values[i]
	}
	return out
}

func readReferrals(t *testing.T, raw *sql.DB) []storedReferral {
	t.Helper()
	rows, err := raw.Query(`SELECT id, created_at, client_label, lang, paper, large,
		coalesce(json_extract(follow_up, '$.notes'), ''), coalesce(json_extract(follow_up, '$.went'), ''),
		coalesce(json_extract(follow_up, '$.not_welcome_on_medication'), 0),
		(SELECT group_concat(json_extract(value, '$.source') || '/' || json_extract(value, '$.source_id'), char(10))
			FROM json_each(referred) ORDER BY key)
		FROM referrals ORDER BY created_at DESC, id DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedReferral
	for rows.Next() {
		var r storedReferral
		var created, referred string
		if err := rows.Scan(&r.id, &created, &r.label, &r.lang, &r.paper, &r.large,
			&r.followUpNotes, &r.went, &r.notWelcomeMedication, &referred); err != nil {
			t.Fatal(err)
		}
		if r.created, err = time.Parse(time.RFC3339Nano, created); err != nil {
			t.Fatal(err)
		}
		r.referred = strings.Split(referred, "\n")
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("the fixture holds no referrals")
	}
	return out
}

func readSources(t *testing.T, raw *sql.DB) []referral.Source {
	t.Helper()
	rows, err := raw.Query(`SELECT s.name, s.format, s.last_import, (SELECT count(*) FROM groups g WHERE g.source = s.name)
		FROM sources s ORDER BY s.name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []referral.Source
	for rows.Next() {
		var s referral.Source
		var last string
		if err := rows.Scan(&s.Name, &s.Format, &last, &s.Groups); err != nil {
			t.Fatal(err)
		}
		if s.LastImport, err = time.Parse(time.RFC3339Nano, last); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func readSubscriptions(t *testing.T, raw *sql.DB) []referral.Subscription {
	t.Helper()
	rows, err := raw.Query(`SELECT source, url, program, format, timezone, etag, last_modified, last_status, last_result
		FROM subscriptions ORDER BY source`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []referral.Subscription
	for rows.Next() {
		var s referral.Subscription
		if err := rows.Scan(&s.Source, &s.URL, &s.Program, &s.Format, &s.TimeZone, &s.ETag, &s.LastModified,
			&s.LastStatus, &s.LastResult); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		t.Fatal("the fixture holds no subscription")
	}
	return out
}

// text is a settings column as text, "" when the schema has no such column.
func text(settings map[string]any, name string) string {
	switch v := settings[name].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

func number(settings map[string]any, name string) float64 {
	switch v := settings[name].(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

// wantSettings is the settings the row holds, as the domain reads them.
func wantSettings(row map[string]any) referral.Settings {
	logo, _ := row["clinic_logo"].([]byte)
	return referral.Settings{
		Clinic: referral.Clinic{Name: text(row, "clinic_name"), Address: text(row, "clinic_address"),
			Phone: text(row, "clinic_phone"), Website: text(row, "clinic_website"), Logo: logo},
		Counselor: text(row, "counselor"), DefaultMiles: number(row, "default_miles"),
		SheetLang: referral.Lang(text(row, "sheet_lang")), SheetPaper: referral.Paper(text(row, "sheet_paper")),
		RetentionDays: int(number(row, "retention_days")), ClinicTimeZone: text(row, "clinic_timezone"),
		FeedTimeZone: text(row, "feed_timezone"), RefreshDays: int(number(row, "feed_refresh_days")),
	}
}

func TestUpgradeKeepsEverything(t *testing.T) {
	for _, f := range upgradeFixtures {
		t.Run(f.file, func(t *testing.T) {
			path := copyFixture(t, f.file)
			before := readFixture(t, path, f)

			db, err := sqlite.Open(path)
			if err != nil {
				t.Fatalf("Open(%s): %v", f.file, err)
			}
			defer db.Close()
			// The log keeps entries for the retention period, counted on the
			// clock: read it as on the day after the fixture was made.
			db.SetClock(func() time.Time { return before.referrals[0].created.Add(24 * time.Hour) })

			checkUpgradeBackup(t, db, f, before, migrationsIn(t, path))
			checkGroups(t, sqlite.NewGroupService(db), before)
			checkSettings(t, sqlite.NewSettingsService(db), before)
			checkReferrals(t, sqlite.NewHistoryService(db), before)
			checkSources(t, db, before)
		})
	}
}

// checkUpgradeBackup: an upgrade (when this build has migrations the file
// has not) keeps one automatic copy of the file as it was.
func checkUpgradeBackup(t *testing.T, db *sqlite.DB, f upgradeFixture, before fixtureContent, after []string) {
	t.Helper()
	list, err := sqlite.NewBackupService(db).Backups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) == len(before.migrations) {
		if len(list) != 0 {
			t.Errorf("nothing was upgraded, yet backups were kept: %+v", list)
		}
		return
	}
	if len(list) != 1 {
		t.Fatalf("upgraded from %d to %d migrations keeping backups %+v, want one", len(before.migrations), len(after), list)
	}
	last := func(names []string) string { n, _, _ := strings.Cut(names[len(names)-1], "_"); return n }
	why := fmt.Sprintf("before upgrading schema %s to %s", last(before.migrations), last(after))
	if b := list[0]; !b.Automatic || b.Why != why {
		t.Errorf("backup = %+v, want an automatic one %s", b, why)
	}
	if got := readFixture(t, list[0].Path, f); !slices.Equal(got.migrations, before.migrations) ||
		got.listings != before.listings {
		t.Errorf("the backup has migrations %v and %d listings, want the file as it was: %v and %d",
			got.migrations, got.listings, before.migrations, before.listings)
	}
}

func checkGroups(t *testing.T, s *sqlite.GroupService, before fixtureContent) {
	t.Helper()
	groups, total, err := s.FindGroups(context.Background(), referral.GroupFilter{IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	if total != before.listings {
		t.Errorf("the directory lists %d groups, the fixture held %d", total, before.listings)
	}
	byKey := map[string]*referral.Group{}
	for _, g := range groups {
		byKey[key(g.Source, g.SourceID)] = g
	}
	for k, want := range before.groups {
		g, ok := byKey[k]
		if !ok {
			t.Errorf("listing %s is gone", k)
			continue
		}
		if g.ID != want.id || g.Name != want.name || !slices.Equal(g.Sessions, want.sessions) {
			t.Errorf("listing %s = id %d %q %v, want id %d %q %v", k, g.ID, g.Name, g.Sessions, want.id, want.name, want.sessions)
		}
	}
	for k, want := range before.curation {
		if g, ok := byKey[k]; !ok || !sameCuration(g.Curation, want) {
			t.Errorf("curation of %s = %+v, want %+v", k, g.Curation, want)
		}
	}
	for k, want := range before.published {
		if g, ok := byKey[k]; !ok || !sameCuration(g.Published, want) {
			t.Errorf("published curation of %s = %+v, want %+v", k, g.Published, want)
		}
	}
}

func sameCuration(got, want referral.Curation) bool {
	return got.MedicationFriendly == want.MedicationFriendly && got.VerifiedOn.Equal(want.VerifiedOn) &&
		got.Notes == want.Notes && got.Hidden == want.Hidden
}

func checkSettings(t *testing.T, s *sqlite.SettingsService, before fixtureContent) {
	t.Helper()
	want := wantSettings(before.settings)
	if want.Clinic.Name == "" || want.Clinic.Logo == nil {
		t.Fatalf("the fixture's settings are not what it was made with: %+v", before.settings)
	}
	assertSettings(t, loadSettings(t, s), want)
}

func checkReferrals(t *testing.T, h *sqlite.HistoryService, before fixtureContent) {
	t.Helper()
	got, total, err := h.FindReferrals(context.Background(), referral.ReferralFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(before.referrals) {
		t.Fatalf("%d referrals after the upgrade, %d before", total, len(before.referrals))
	}
	for i, want := range before.referrals {
		r := got[i]
		var referred []string
		for _, g := range r.Groups {
			referred = append(referred, key(g.Source, g.SourceID))
		}
		if r.ID != want.id || !r.Created.Equal(want.created) || r.ClientLabel != want.label ||
			string(r.Lang) != want.lang || string(r.Paper) != want.paper || r.Large != want.large ||
			!slices.Equal(referred, want.referred) {
			t.Errorf("referral %d = %+v with groups %v, want %+v", want.id, r, referred, want)
		}
		switch f := r.FollowUp; {
		case want.went == "" && f != nil:
			t.Errorf("referral %d has a follow-up %+v it did not have", want.id, f)
		case want.went != "" && (f == nil || string(f.Went) != want.went || f.Notes != want.followUpNotes ||
			f.NotWelcomeOnMedication != want.notWelcomeMedication):
			t.Errorf("follow-up of referral %d = %+v, want went %s, notes %q", want.id, f, want.went, want.followUpNotes)
		}
	}
}

func checkSources(t *testing.T, db *sqlite.DB, before fixtureContent) {
	t.Helper()
	ctx := context.Background()
	sources, err := sqlite.NewGroupService(db).Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != len(before.sources) {
		t.Fatalf("sources = %+v, want %+v", sources, before.sources)
	}
	for i, want := range before.sources {
		if got := sources[i]; got.Name != want.Name || got.Format != want.Format || got.Groups != want.Groups ||
			!got.LastImport.Equal(want.LastImport) {
			t.Errorf("source %+v, want %+v", got, want)
		}
	}
	subs, err := sqlite.NewSubscriptionStore(db).Subscriptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != len(before.subs) {
		t.Fatalf("subscriptions = %+v, want %+v", subs, before.subs)
	}
	for i, want := range before.subs {
		got := subs[i]
		if got.Source != want.Source || got.URL != want.URL || got.Program != want.Program || got.ETag != want.ETag ||
			got.LastModified != want.LastModified || got.LastStatus != want.LastStatus || got.LastResult != want.LastResult {
			t.Errorf("subscription %+v, want %+v", got, want)
		}
	}
}

// TestNewerVersionRefusedUnchanged: a file a newer Referral Desk wrote is
// refused with a message saying so, and not a byte of it changes.
func TestNewerVersionRefusedUnchanged(t *testing.T) {
	for _, f := range upgradeFixtures {
		t.Run(f.file, func(t *testing.T) {
			path := copyFixture(t, f.file)
			rawExec(t, path, `INSERT INTO migrations (name) VALUES ('9999_future.sql')`)
			want := readBytes(t, path)

			db, err := sqlite.Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open accepted a database from a newer version")
			}
			wantCode(t, err, referral.EINVALID)
			if msg := referral.ErrorMessage(err); !strings.Contains(msg, "newer version of Referral Desk") {
				t.Errorf("message = %q, want it to name a newer version", msg)
			}
			if got := readBytes(t, path); string(got) != string(want) {
				t.Error("the refused file changed")
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), "backups")); err == nil {
				t.Error("a backup was kept of a file that was refused")
			}
		})
	}
}

// TestUpgradeStopsWithoutBackup: when no copy can be kept, the upgrade does
// not run and the file stays the old version.
func TestUpgradeStopsWithoutBackup(t *testing.T) {
	path := copyFixture(t, "v0003.db")
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "backups"), []byte("in the way"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := readFixture(t, path, upgradeFixtures[0])
	db, err := sqlite.Open(path)
	if err == nil {
		db.Close()
		t.Fatal("the upgrade went ahead without a backup")
	}
	if msg := referral.ErrorMessage(err); !strings.Contains(msg, "Could not keep a backup of the database before upgrading schema 0003") ||
		!strings.Contains(msg, "nothing was changed") {
		t.Errorf("message = %q", msg)
	}
	if after := migrationsIn(t, path); !slices.Equal(after, before.migrations) {
		t.Errorf("migrations after the refusal: %v, want %v", after, before.migrations)
	}
}

// TestRestoreOlderVersionUpgrades: a backup from an older Referral Desk is
// restored and brought up to date, keeping its curation.
func TestRestoreOlderVersionUpgrades(t *testing.T) {
	for _, f := range upgradeFixtures {
		t.Run(f.file, func(t *testing.T) {
			ctx := context.Background()
			old := copyFixture(t, f.file)
			before := readFixture(t, old, f)
			db, path := openTestDB(t)
			importIDs(t, sqlite.NewGroupService(db), "na", "1")
			var known int // a new database records every migration
			rawQuery(t, path, `SELECT count(*) FROM migrations`, &known)

			b := sqlite.NewBackupService(db)
			report, err := b.Restore(ctx, old)
			if err != nil {
				t.Fatalf("Restore(%s): %v", f.file, err)
			}
			if report.Groups != before.listings || report.Previous.Path == "" {
				t.Errorf("report = %+v, want %d listings and the previous database kept", report, before.listings)
			}
			// The restored file is the copy of the old version: the upgrade
			// after it keeps no second one.
			if list := backupsOf(t, b); len(list) != 1 || list[0] != report.Previous {
				t.Errorf("backups after the restore: %+v, want only the previous database", list)
			}
			if migrations := migrationsIn(t, path); len(migrations) != known {
				t.Errorf("after restoring %s the database records migrations %v, want all %d", f.file, migrations, known)
			}
			checkGroups(t, sqlite.NewGroupService(db), before)
		})
	}
}
