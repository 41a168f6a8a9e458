package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func backupsOf(t *testing.T, b *sqlite.BackupService) []referral.Backup {
	t.Helper()
	list, err := b.Backups(context.Background())
	if err != nil {
		t.Fatalf("Backups: %v", err)
	}
	return list
}

// listingsIn counts the listings in a database file, read on its own.
func listingsIn(t *testing.T, path string) int {
	t.Helper()
	var n int
	rawQuery(t, path, `SELECT count(*) FROM groups`, &n)
	return n
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return b
}

// temporaries lists the hidden files a copy is written to before its rename.
func temporaries(t *testing.T, dir string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(dir, ".referraldesk-backup-*"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// importIDs replaces the listings of source with one per id and fails the
// test on error.
func importIDs(t *testing.T, s *sqlite.GroupService, source string, ids ...string) sqlite.ImportCounts {
	t.Helper()
	counts, err := s.ReplaceSource(context.Background(), referral.Source{Name: source}, feedOf(source, ids...))
	if err != nil {
		t.Fatalf("import %s %v: %v", source, ids, err)
	}
	return counts
}

func TestBackUpOnRequest(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	importIDs(t, sqlite.NewGroupService(db), "na", "1", "2", "3")
	b := sqlite.NewBackupService(db)
	if got := backupsOf(t, b); len(got) != 0 {
		t.Fatalf("the first import into an empty database kept a backup of nothing: %+v", got)
	}

	made, err := b.BackUp(ctx, "")
	if err != nil {
		t.Fatalf("BackUp: %v", err)
	}
	folder := filepath.Join(filepath.Dir(path), "backups")
	if filepath.Dir(made.Path) != folder {
		t.Errorf("backup written to %s, want the folder %s beside the database", made.Path, folder)
	}
	if made.Automatic || made.Why != "" || !made.Taken.Equal(fixedNow) {
		t.Errorf("backup = %+v, want one on request, taken at %v, no reason", made, fixedNow)
	}
	if info, err := os.Stat(made.Path); err != nil || info.Size() != made.Size {
		t.Errorf("backup size %d, file: %v %v", made.Size, info, err)
	}
	if got := mode(t, made.Path); got != 0o600 {
		t.Errorf("backup mode = %04o, want 0600", got)
	}
	if got := mode(t, folder); got != 0o700 {
		t.Errorf("backups folder mode = %04o, want 0700", got)
	}
	if got := listingsIn(t, made.Path); got != 3 {
		t.Errorf("the backup holds %d listings, want 3", got)
	}
	if got := readBytes(t, made.Path+"-wal"); got != nil {
		t.Errorf("the backup has a write-ahead log beside it; it must stand alone")
	}
	if got := backupsOf(t, b); !reflect.DeepEqual(got, []referral.Backup{made}) {
		t.Errorf("Backups = %+v, want just %+v", got, made)
	}
	if left := temporaries(t, folder); len(left) != 0 {
		t.Errorf("temporary files left in the backups folder: %v", left)
	}

	// A named file elsewhere, replacing what was there.
	elsewhere := t.TempDir()
	named := filepath.Join(elsewhere, "desk made.db")
	if err := os.WriteFile(named, []byte("an older copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := b.BackUp(ctx, named)
	if err != nil {
		t.Fatalf("BackUp(%s): %v", named, err)
	}
	if got.Path != named || got.Automatic || !got.Taken.Equal(fixedNow) {
		t.Errorf("BackUp(%s) = %+v", named, got)
	}
	if n := listingsIn(t, named); n != 3 || mode(t, named) != 0o600 {
		t.Errorf("the named backup holds %d listings with mode %04o, want 3 and 0600", n, mode(t, named))
	}
	if left := temporaries(t, elsewhere); len(left) != 0 {
		t.Errorf("temporary files left beside the named backup: %v", left)
	}
	if got := backupsOf(t, b); len(got) != 1 {
		t.Errorf("a made written elsewhere is listed among the backups: %+v", got)
	}
}

func TestBackUpRefuses(t *testing.T) {
	db, path := openTestDB(t)
	importIDs(t, sqlite.NewGroupService(db), "na", "1")
	dir := t.TempDir()
	cases := []struct {
		name, path, says string
	}{
		{"a folder", dir, "is a folder"},
		{"the database itself", path, "is the database in use"},
		{"its write-ahead log", path + "-wal", "is the database in use"},
		{"in a missing folder", filepath.Join(dir, "no such folder", "made.db"), "does not exist"},
	}
	before := readBytes(t, path)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sqlite.NewBackupService(db).BackUp(context.Background(), c.path)
			wantCode(t, err, referral.EINVALID)
			if msg := referral.ErrorMessage(err); !strings.Contains(msg, c.says) {
				t.Errorf("message = %q, want it to say %q", msg, c.says)
			}
		})
	}
	if !bytes.Equal(readBytes(t, path), before) {
		t.Error("a refused backup changed the database file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused backup left files: %v", entries)
	}
}

// TestBackUpWhileAnotherProcessWrites: a made does not wait for a writer that
// holds the write lock, and holds only what was committed.
func TestBackUpWhileAnotherProcessWrites(t *testing.T) {
	db, path := openTestDB(t)
	importIDs(t, sqlite.NewGroupService(db), "na", "1", "2")
	holder, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM groups`); err != nil {
		t.Fatal(err) // the write lock is now held, the delete not committed
	}

	start := time.Now()
	made, err := sqlite.NewBackupService(db).BackUp(context.Background(), "")
	if err != nil {
		t.Fatalf("BackUp while another connection writes: %v", err)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("the backup waited %v for the writer", waited)
	}
	if got := listingsIn(t, made.Path); got != 2 {
		t.Errorf("the backup holds %d listings, want the 2 committed", got)
	}
}

// clockOf gives db a clock that the test moves.
func clockOf(db *sqlite.DB) *time.Time {
	now := fixedNow
	db.SetClock(func() time.Time { return now })
	return &now
}

func TestAutomaticBackupsBeforeChanges(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	now := clockOf(db)
	s, b := sqlite.NewGroupService(db), sqlite.NewBackupService(db)
	step := func() { *now = now.Add(time.Minute) }

	importIDs(t, s, "na", "1", "2")
	if got := backupsOf(t, b); len(got) != 0 {
		t.Fatalf("an import into an empty database kept a backup: %+v", got)
	}

	step()
	importIDs(t, s, "na", "1", "2", "3")
	list := backupsOf(t, b)
	if len(list) != 1 || !list[0].Automatic || list[0].Why != "before importing na" || !list[0].Taken.Equal(*now) {
		t.Fatalf("after a changing import, backups = %+v, want one automatic, before importing na, at %v", list, *now)
	}
	if got := listingsIn(t, list[0].Path); got != 2 {
		t.Errorf("the automatic backup holds %d listings, want the 2 from before the import", got)
	}

	step()
	if c := importIDs(t, s, "na", "1", "2", "3"); c.Unchanged != 3 {
		t.Fatalf("re-import counts = %+v", c)
	}
	step()
	refuse := func(active, removing int) error { return referral.Errorf(referral.EINVALID, "refused") }
	if _, err := s.ReplaceSourceChecked(ctx, referral.Source{Name: "na"}, feedOf("na", "9"), refuse); err == nil {
		t.Fatal("the check did not refuse")
	}
	step()
	wantCode(t, s.RemoveSource(ctx, "no-such-source"), referral.ENOTFOUND)
	if got := backupsOf(t, b); len(got) != 1 {
		t.Errorf("changes that changed nothing kept backups: %+v", got)
	}

	step()
	if err := s.RemoveSource(ctx, "na"); err != nil {
		t.Fatal(err)
	}
	list = backupsOf(t, b)
	if len(list) != 2 || list[0].Why != "before removing na" || listingsIn(t, list[0].Path) != 3 {
		t.Fatalf("after removing a source, backups = %+v, want the newest before removing na, with 3 listings", list)
	}

	// Only the newest five automatic copies stay; one on request stays too.
	step()
	onRequest, err := b.BackUp(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var want []time.Time
	for i := range 6 {
		step()
		importIDs(t, s, "aa", strings.Repeat("x", i+1))
		want = append([]time.Time{*now}, want...)
	}
	var autos []time.Time
	kept := false
	for _, c := range backupsOf(t, b) {
		if c.Automatic {
			autos = append(autos, c.Taken)
		}
		kept = kept || c == onRequest
	}
	if !slices.Equal(autos, want[:5]) {
		t.Errorf("automatic backups taken at %v, want the newest five %v", autos, want[:5])
	}
	if !kept {
		t.Error("the backup made on request was removed")
	}

	// Changes that came to nothing cost no copy its place: the same five
	// stay, the oldest of them too.
	step()
	importIDs(t, s, "aa", strings.Repeat("x", 6)) // the last file again
	step()
	if _, err := s.ReplaceSourceChecked(ctx, referral.Source{Name: "aa"}, feedOf("aa", "y"), refuse); err == nil {
		t.Fatal("the check did not refuse")
	}
	autos = nil
	for _, c := range backupsOf(t, b) {
		if c.Automatic {
			autos = append(autos, c.Taken)
		}
	}
	if !slices.Equal(autos, want[:5]) {
		t.Errorf("after changes that changed nothing, automatic backups taken at %v, want still %v", autos, want[:5])
	}
}

func TestBackupsWithinOneMillisecond(t *testing.T) {
	db, _ := openTestDB(t) // its clock stands still
	importIDs(t, sqlite.NewGroupService(db), "na", "1")
	b := sqlite.NewBackupService(db)
	first, err := b.BackUp(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.BackUp(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if first.Path == second.Path || !second.Taken.After(first.Taken) {
		t.Errorf("two backups in one instant: %+v and %+v, want two files, the second later", first, second)
	}
	if got := backupsOf(t, b); len(got) != 2 || got[0] != second {
		t.Errorf("Backups = %+v, want both, the second first", got)
	}
}

// TestBackupNameKeepsTheReason: a source name with spaces, accents and
// punctuation reads back as it was, from a name any file system takes.
func TestBackupNameKeepsTheReason(t *testing.T) {
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	const source = "Área Sur-2 (NA/AA): \"Niño\""
	importIDs(t, s, source, "1")
	importIDs(t, s, source, "1", "2")
	list := backupsOf(t, sqlite.NewBackupService(db))
	if len(list) != 1 || list[0].Why != "before importing "+source {
		t.Fatalf("backups = %+v, want one before importing %s", list, source)
	}
	if name := filepath.Base(list[0].Path); !regexp.MustCompile(`^[A-Za-z0-9._%-]+$`).MatchString(name) {
		t.Errorf("backup name %q holds characters some file systems refuse", name)
	}
}

// TestBackupThatCannotBeMadeStopsTheChange: with no way to keep a made, an
// import and a source removal are refused and change nothing.
func TestBackupThatCannotBeMadeStopsTheChange(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	// Nothing to lose yet: the first import needs no made.
	importIDs(t, s, "na", "1", "2")
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "backups"), []byte("in the way"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := sourceState(t, s, "na")

	_, err := s.ReplaceSource(ctx, referral.Source{Name: "na"}, feedOf("na", "3"))
	wantCode(t, err, referral.EUNAVAILABLE)
	if msg := referral.ErrorMessage(err); !strings.Contains(msg, "Could not keep a backup of the database before importing na") ||
		!strings.Contains(msg, "nothing was changed") {
		t.Errorf("message = %q", msg)
	}
	err = s.RemoveSource(ctx, "na")
	wantCode(t, err, referral.EUNAVAILABLE)
	if msg := referral.ErrorMessage(err); !strings.Contains(msg, "before removing na") {
		t.Errorf("message = %q", msg)
	}
	if after := sourceState(t, s, "na"); !reflect.DeepEqual(after, before) {
		t.Errorf("the directory changed without a backup: %v, was %v", after, before)
	}
}

func TestStaleTemporariesAreRemoved(t *testing.T) {
	db, path := openTestDB(t)
	s := sqlite.NewGroupService(db)
	importIDs(t, s, "na", "1")
	folder := filepath.Join(filepath.Dir(path), "backups")
	if err := os.MkdirAll(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(folder, ".referraldesk-backup-111.tmp")
	fresh := filepath.Join(folder, ".referraldesk-backup-222.tmp")
	for _, f := range []string{stale, fresh} {
		if err := os.WriteFile(f, []byte("half a copy"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	importIDs(t, s, "na", "1", "2")
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a two-day-old temporary left by a killed backup is still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a temporary that may be a backup being written was removed: %v", err)
	}
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	now := clockOf(db)
	s, b, st := sqlite.NewGroupService(db), sqlite.NewBackupService(db), sqlite.NewSettingsService(db)
	importIDs(t, s, "na", "1", "2", "3")
	settings := referral.DefaultSettings()
	settings.Clinic.Name = "Before"
	if err := st.SaveSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "saved.db")
	if _, err := b.BackUp(ctx, saved); err != nil {
		t.Fatal(err)
	}

	*now = now.Add(time.Hour)
	importIDs(t, s, "na", "4", "5")
	settings.Clinic.Name = "After"
	if err := st.SaveSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}
	if got := matchedIDs(t, s, tuesdayEvening()); !slices.Equal(got, []string{"4", "5"}) {
		t.Fatalf("matched before the restore: %v", got)
	}
	other := reopen(t, path) // as another process would have it open

	*now = now.Add(time.Hour)
	report, err := b.Restore(ctx, saved)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if report.From != saved || report.Groups != 3 {
		t.Errorf("report = %+v, want from %s with 3 listings", report, saved)
	}
	prev := report.Previous
	if !prev.Automatic || prev.Why != "before restoring saved.db" || !prev.Taken.Equal(*now) {
		t.Errorf("previous database kept as %+v", prev)
	}
	if got := listingsIn(t, prev.Path); got != 2 {
		t.Errorf("the made of the previous database holds %d listings, want 2", got)
	}

	wantIDs := []string{"1", "2", "3"}
	if got := matchedIDs(t, s, tuesdayEvening()); !slices.Equal(got, wantIDs) {
		t.Errorf("matched after the restore: %v, want the restored %v", got, wantIDs)
	}
	if got := loadSettings(t, st).Clinic.Name; got != "Before" {
		t.Errorf("clinic name after the restore = %q, want Before", got)
	}
	if got := countAll(t, sqlite.NewGroupService(other)); got != 3 {
		t.Errorf("a database opened before the restore sees %d listings, want 3", got)
	}
	var journal string
	rawQuery(t, path, `PRAGMA journal_mode`, &journal)
	if journal != "wal" || mode(t, path) != 0o600 {
		t.Errorf("after the restore the database is in %s mode with mode %04o, want wal and 0600", journal, mode(t, path))
	}
	importIDs(t, s, "na", "1", "2", "3", "6") // and it takes writes
}

// damage overwrites the page that holds the groups table's rows.
func damage(t *testing.T, path string) {
	t.Helper()
	var root, pageSize int64
	rawQuery(t, path, `SELECT rootpage FROM sqlite_schema WHERE name = 'groups'`, &root)
	rawQuery(t, path, `PRAGMA page_size`, &pageSize)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, int(pageSize)), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	s, b := sqlite.NewGroupService(db), sqlite.NewBackupService(db)
	importIDs(t, s, "na", "1", "2", "3")
	importIDs(t, s, "na", "1", "2")
	dir := t.TempDir()
	file := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	copyOf := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := b.BackUp(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	damaged := copyOf("damaged.db")
	damage(t, damaged)
	newer := copyOf("newer.db")
	rawExec(t, newer, `INSERT INTO migrations (name) VALUES ('9999_future.sql')`)
	foreign := filepath.Join(dir, "photos.db")
	foreignDB(t, foreign)

	cases := []struct {
		name, path, says string
	}{
		{"a missing file", filepath.Join(dir, "missing.db"), "does not exist"},
		{"a folder", dir, "is a folder"},
		{"a text file", file("notes.txt", []byte("Referral Desk notes\n")), "is not a Referral Desk database"},
		{"an empty file", file("empty.db", nil), "is not a Referral Desk database"},
		{"another program's database", foreign, "is not a Referral Desk database"},
		{"a damaged database", damaged, "is damaged"},
		{"a newer version's database", newer, "comes from a newer version of Referral Desk"},
		{"the database itself", path, "is the database in use"},
	}
	backups := backupsOf(t, b)
	live, wal := readBytes(t, path), readBytes(t, path+"-wal")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := b.Restore(ctx, c.path)
			wantCode(t, err, referral.EINVALID)
			if msg := referral.ErrorMessage(err); !strings.Contains(msg, c.says) {
				t.Errorf("message = %q, want it to say %q", msg, c.says)
			}
			if !bytes.Equal(readBytes(t, path), live) || !bytes.Equal(readBytes(t, path+"-wal"), wal) {
				t.Error("a refused restore changed the database's files")
			}
			if got := backupsOf(t, b); !reflect.DeepEqual(got, backups) {
				t.Errorf("a refused restore kept a backup: %+v", got)
			}
		})
	}
	if got := sourceState(t, s, "na"); len(got) != 2 {
		t.Errorf("after the refusals the directory holds %v", got)
	}
}

// TestRestoreDamagedDatabase: restoring is the way out of a damaged
// database. Its bytes are kept as they were, and writes work again.
func TestRestoreDamagedDatabase(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	importIDs(t, sqlite.NewGroupService(db), "na", "1", "2")
	saved := filepath.Join(t.TempDir(), "saved.db")
	if _, err := sqlite.NewBackupService(db).BackUp(ctx, saved); err != nil {
		t.Fatal(err)
	}
	db.Close()
	damage(t, path)
	broken := readBytes(t, path)

	db = reopen(t, path)
	s, b := sqlite.NewGroupService(db), sqlite.NewBackupService(db)
	wantCode(t, b.Check(ctx), referral.EDAMAGED)
	_, err := s.ReplaceSource(ctx, referral.Source{Name: "na"}, feedOf("na", "1", "2", "3"))
	wantCode(t, err, referral.EDAMAGED)

	report, err := b.Restore(ctx, saved)
	if err != nil {
		t.Fatalf("Restore into a damaged database: %v", err)
	}
	if report.Groups != 2 || !report.Previous.Automatic {
		t.Errorf("report = %+v", report)
	}
	if kept := readBytes(t, report.Previous.Path); !bytes.Equal(kept, broken) {
		t.Errorf("the damaged database was kept as %d bytes, want its %d bytes as they were", len(kept), len(broken))
	}
	if err := b.Check(ctx); err != nil {
		t.Errorf("Check after the restore: %v", err)
	}
	if c := importIDs(t, s, "na", "1", "2", "3"); c.Added != 1 {
		t.Errorf("import after the restore = %+v, want 1 added", c)
	}
}

// BenchmarkBackUp250k copies the 250,000-group directory, as an automatic
// backup before an import does.
func BenchmarkBackUp250k(b *testing.B) {
	directory250k(b)
	db, err := sqlite.Open(shared.path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	backups := sqlite.NewBackupService(db)
	dest := filepath.Join(b.TempDir(), "made.db")
	var size int64
	for b.Loop() {
		made, err := backups.BackUp(context.Background(), dest)
		if err != nil {
			b.Fatal(err)
		}
		size = made.Size
	}
	b.ReportMetric(float64(size)/1e6, "MB")
}
