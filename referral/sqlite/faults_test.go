package sqlite_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// sepiaStore makes a database holding the real SEPIA feed and one logged
// referral, closes it (so the write-ahead log is folded into the file) and
// returns its path and the groups as stored.
func sepiaStore(t *testing.T) (string, []*referral.Group) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "referraldesk.db")
	return path, sepiaStoreAt(t, path)
}

// sepiaStoreAt is sepiaStore at path, returning the groups as stored.
func sepiaStoreAt(t *testing.T, path string) []*referral.Group {
	t.Helper()
	db := reopen(t, path)
	groups := sepiaFeed.groups(t)
	if _, err := sqlite.NewGroupService(db).ReplaceSource(context.Background(), referral.Source{Name: "aasepia"}, groups); err != nil {
		t.Fatal(err)
	}
	logReferral(t, sqlite.NewHistoryService(db), fullReferral())
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the write-ahead log outlived Close; a damaged page in the file would be read from it")
	}
	return groups
}

// damagePage overwrites one page of the table's b-tree (a leaf, not its
// root) in the closed database file with bytes that are no SQLite page, as
// a bad sector or a torn write leaves it, and returns the page number.
func damagePage(t *testing.T, path, table string) int64 {
	t.Helper()
	var page, size int64
	rawQuery(t, path, `SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' AND path <> '/' ORDER BY pageno LIMIT 1`, &page, table)
	rawQuery(t, path, `PRAGMA page_size`, &size)
	junk := make([]byte, size)
	r := rand.New(rand.NewPCG(uint64(page), 11))
	for i := range junk {
		junk[i] = byte(r.Uint32())
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(junk, (page-1)*size); err != nil {
		t.Fatal(err)
	}
	return page
}

// wantDamaged checks that err is the damaged-database message for path.
func wantDamaged(t *testing.T, what string, err error, path string) {
	t.Helper()
	want := "The database file " + path + " is damaged. Restore a backup (Settings → Backups, or referraldesk backup --list and referraldesk restore FILE)."
	if code, msg := referral.ErrorCode(err), referral.ErrorMessage(err); code != referral.EDAMAGED || msg != want {
		t.Errorf("%s: %q (code %q, err %v); want %q", what, msg, code, err, want)
	}
}

func everything() referral.GroupFilter {
	// With no text and no index held yet, read from the groups table.
	return referral.GroupFilter{IncludeHidden: true, IncludeInactive: true, UpdatedBefore: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// TestDamagedIndexIsNeverWrittenTo: one bad page in an index of the groups
// table (by latitude, which an import writes) is found by Check; an import
// is refused with the damaged message before it writes a byte; the groups
// table, which the bad page is not part of, still reads.
func TestDamagedIndexIsNeverWrittenTo(t *testing.T) {
	ctx := context.Background()
	path, groups := sepiaStore(t)
	page := damagePage(t, path, "groups_lat")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	db := reopen(t, path)
	s := sqlite.NewGroupService(db)
	wantDamaged(t, "Check", db.Check(ctx), path)

	// Reading what does not touch page `page` works.
	got, total, err := s.FindGroups(ctx, everything())
	if err != nil || total != len(groups) || len(got) != len(groups) {
		t.Errorf("listing the groups table with index page %d damaged: %d of %d, %v; want all %d", page, len(got), total, err, len(groups))
	}
	if g, err := s.FindGroupByID(ctx, groups[0].ID); err != nil || g.Name != groups[0].Name {
		t.Errorf("FindGroupByID: %v, %v", g, err)
	}
	if _, err := s.Match(ctx, tuesdayEvening(), matchNow); err != nil {
		t.Errorf("Match over the groups table: %v", err)
	}
	if list, _, err := sqlite.NewHistoryService(db).FindReferrals(ctx, referral.ReferralFilter{}); err != nil || len(list) != 1 {
		t.Errorf("history: %d entries, %v; want the one logged", len(list), err)
	}

	// Every write is refused, the import first of all.
	again := sepiaFeed.groups(t)
	again[0].Name = "Renamed by the next import"
	_, err = s.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, again)
	wantDamaged(t, "import", err, path)
	wantDamaged(t, "LogReferral", sqlite.NewHistoryService(db).LogReferral(ctx, fullReferral()), path)
	wantDamaged(t, "SaveSettings", sqlite.NewSettingsService(db).SaveSettings(ctx, referral.DefaultSettings()), path)
	wantDamaged(t, "RemoveSource", s.RemoveSource(ctx, "aasepia"), path)

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the damaged file was written to")
	}
}

// TestDamagedGroupsPageSaysDamaged: a bad page of the groups table makes
// every command that reads it say the database is damaged (never "Internal
// error"), and from then on writes are refused; the referral log, stored
// elsewhere, still reads.
func TestDamagedGroupsPageSaysDamaged(t *testing.T) {
	ctx := context.Background()
	path, _ := sepiaStore(t)
	damagePage(t, path, "groups")

	db := reopen(t, path)
	s := sqlite.NewGroupService(db)
	h := sqlite.NewHistoryService(db)
	if list, _, err := h.FindReferrals(ctx, referral.ReferralFilter{}); err != nil || len(list) != 1 {
		t.Errorf("history: %d entries, %v; want the one logged", len(list), err)
	}
	_, _, err := s.FindGroups(ctx, everything())
	wantDamaged(t, "groups", err, path)
	_, err = s.Match(ctx, tuesdayEvening(), matchNow)
	wantDamaged(t, "match", err, path)
	wantDamaged(t, "LogReferral after the damage was seen", h.LogReferral(ctx, fullReferral()), path)
	if list, _, err := h.FindReferrals(ctx, referral.ReferralFilter{}); err != nil || len(list) != 1 {
		t.Errorf("history after a refused write: %d entries, %v; want the one logged", len(list), err)
	}
}

// TestOpenDamagedSchemaSaysDamaged: a Referral Desk database whose first
// page (the schema) is damaged cannot be opened, and says it is damaged —
// not that it is another program's file.
func TestOpenDamagedSchemaSaysDamaged(t *testing.T) {
	path, _ := sepiaStore(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Keep the 100-byte file header (with Referral Desk's id); garble
	// the rest of page 1, where the schema is.
	for i := 100; i < 4096; i++ {
		data[i] ^= 0x5A
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(path)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a database with a damaged schema page")
	}
	wantDamaged(t, "Open", err, path)
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Error("Open wrote to the damaged file")
	}
}

func TestCheckSoundDatabase(t *testing.T) {
	path, _ := sepiaStore(t)
	db := reopen(t, path)
	if err := db.Check(context.Background()); err != nil {
		t.Fatalf("Check of a sound database: %v", err)
	}
	// Check refuses nothing after a clean bill of health.
	if err := sqlite.NewHistoryService(db).LogReferral(context.Background(), fullReferral()); err != nil {
		t.Errorf("LogReferral after Check: %v", err)
	}
}

// BenchmarkCheck250k is the quick check every import and source removal
// runs first, on a 250,000-listing directory.
func BenchmarkCheck250k(b *testing.B) {
	_, path := matchDirectory(b)
	db, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := db.Check(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(info.Size())/(1<<20), "MB")
}

// The messages must never say "locked" or name SQLite's own codes.
func wantPlain(t *testing.T, what string, err error) {
	t.Helper()
	msg := referral.ErrorMessage(err)
	for _, bad := range []string{"locked", "SQLITE", "Internal error", "disk I/O"} {
		if strings.Contains(msg, bad) {
			t.Errorf("%s: %q says %q", what, msg, bad)
		}
	}
}
