package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

const (
	diskFullMessage = "The disk is full. Free some space and try again; nothing was changed."
	readOnlyMessage = " is read-only (the file or its folder cannot be written); reading works, but to change anything make it writable or choose another file with --db."
)

// smallDisk mounts a tmpfs of size (e.g. "16m") at a new folder and
// unmounts it when the test ends: a real disk the test may fill or make
// read-only. Mounting needs root (as on this project's CI machines).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("mounting a small disk to fill or make read-only needs root on Linux")
	}
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fillDisk writes a file in dir until the disk has no byte left, and
// returns a function that removes it again.
func fillDisk(t *testing.T, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{1 << 20, 4096, 1} {
		buf := make([]byte, chunk)
		for {
			_, err := f.Write(buf)
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return func() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
}

func remount(t *testing.T, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, mode, err, out)
	}
}

// contents is what a person sees of a database: its groups, referral log
// and settings.
type contents struct {
	groups    []string
	referrals []int64
	settings  referral.Settings
}

func readContents(t *testing.T, db *sqlite.DB) contents {
	t.Helper()
	ctx := context.Background()
	var c contents
	groups, _, err := sqlite.NewGroupService(db).FindGroups(ctx, everything())
	if err != nil {
		t.Fatalf("FindGroups: %v", err)
	}
	for _, g := range groups {
		c.groups = append(c.groups, g.SourceID+" "+g.Name)
	}
	list, _, err := sqlite.NewHistoryService(db).FindReferrals(ctx, referral.ReferralFilter{})
	if err != nil {
		t.Fatalf("FindReferrals: %v", err)
	}
	for _, r := range list {
		c.referrals = append(c.referrals, r.ID)
	}
	if c.settings, err = sqlite.NewSettingsService(db).Settings(ctx); err != nil {
		t.Fatalf("Settings: %v", err)
	}
	if _, err := sqlite.NewGroupService(db).Match(ctx, tuesdayEvening(), matchNow); err != nil {
		t.Fatalf("Match: %v", err)
	}
	return c
}

// wantWritesRefused tries each kind of write a counselor makes and checks each is
// refused with want.
func wantWritesRefused(t *testing.T, db *sqlite.DB, want string) {
	t.Helper()
	ctx := context.Background()
	settings := referral.DefaultSettings()
	settings.Counselor = "Dana"
	for what, err := range map[string]error{
		"LogReferral":  sqlite.NewHistoryService(db).LogReferral(ctx, fullReferral()),
		"SaveSettings": sqlite.NewSettingsService(db).SaveSettings(ctx, settings),
		"CreateGroup":  sqlite.NewGroupService(db).CreateGroup(ctx, fullGroup()),
	} {
		if code, msg := referral.ErrorCode(err), referral.ErrorMessage(err); code != referral.EUNAVAILABLE || msg != want {
			t.Errorf("%s: %q (code %q, err %v); want %q", what, msg, code, err, want)
		}
	}
}

func wantIntact(t *testing.T, path string) {
	t.Helper()
	var result string
	rawQuery(t, path, `PRAGMA integrity_check`, &result)
	if result != "ok" {
		t.Errorf("integrity_check = %q", result)
	}
}

// TestDiskFillsWhileOpen: with the disk full, the directory, the referral
// log and the settings still read, every write says the disk is full, and
// once space is freed the database is as it was and sound.
func TestDiskFillsWhileOpen(t *testing.T) {
	disk := smallDisk(t, "16m")
	path := filepath.Join(disk, "data", "referraldesk.db")
	sepiaStoreAt(t, path)
	db := reopen(t, path)
	settings := referral.DefaultSettings()
	settings.Clinic.Name = "Riverside Clinic"
	if err := sqlite.NewSettingsService(db).SaveSettings(context.Background(), settings); err != nil {
		t.Fatal(err)
	}
	before := readContents(t, db)
	// An empty log must grow to take a write; a log with room left in it
	// from earlier commits could take a small one without new space.
	rawExec(t, path, `PRAGMA wal_checkpoint(TRUNCATE)`)
	free := fillDisk(t, disk)

	if got := readContents(t, db); !reflect.DeepEqual(got, before) {
		t.Errorf("with the disk full, reading shows %d groups, %v, %+v; want what was stored", len(got.groups), got.referrals, got.settings.Clinic)
	}
	wantWritesRefused(t, db, diskFullMessage)

	free()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wantIntact(t, path)
	db = reopen(t, path)
	if got := readContents(t, db); !reflect.DeepEqual(got, before) {
		t.Errorf("after space was freed the database holds %d groups, %v, %+v; want it unchanged", len(got.groups), got.referrals, got.settings.Clinic)
	}
	logReferral(t, sqlite.NewHistoryService(db), fullReferral())
}

// TestDiskFullAtOpenOpensReadOnly: a database closed cleanly on a disk
// that then filled up has no room for its write-ahead files; it opens for
// reading, and writes say the disk is full.
func TestDiskFullAtOpenOpensReadOnly(t *testing.T) {
	disk := smallDisk(t, "16m")
	path := filepath.Join(disk, "data", "referraldesk.db")
	sepiaStoreAt(t, path)
	before := contentsOf(t, path)
	free := fillDisk(t, disk)

	db := reopen(t, path)
	if got := readContents(t, db); !reflect.DeepEqual(got, before) {
		t.Errorf("opened on a full disk, reading shows %d groups, %v; want what was stored", len(got.groups), got.referrals)
	}
	if _, err := db.Version(context.Background()); err != nil {
		t.Errorf("Version: %v", err)
	}
	wantWritesRefused(t, db, diskFullMessage)

	db.Close()
	free()
	wantIntact(t, path)
	logReferral(t, sqlite.NewHistoryService(reopen(t, path)), fullReferral())
}

// TestReadOnlyDiskOpensReadOnly: on a read-only file system the database
// opens for reading, every command that only reads works, and writes say
// the database is read-only (never that it is damaged or not ours).
func TestReadOnlyDiskOpensReadOnly(t *testing.T) {
	disk := smallDisk(t, "16m")
	path := filepath.Join(disk, "data", "referraldesk.db")
	sepiaStoreAt(t, path)
	before := contentsOf(t, path)
	remount(t, disk, "ro")
	t.Cleanup(func() { remount(t, disk, "rw") })

	db := reopen(t, path)
	if got := readContents(t, db); !reflect.DeepEqual(got, before) {
		t.Errorf("read-only, reading shows %d groups, %v; want what was stored", len(got.groups), got.referrals)
	}
	wantWritesRefused(t, db, "The database "+path+readOnlyMessage)
	_, err := sqlite.NewGroupService(db).ReplaceSource(context.Background(), referral.Source{Name: "aasepia"}, sepiaFeed.groups(t))
	if msg := referral.ErrorMessage(err); msg != "The database "+path+readOnlyMessage {
		t.Errorf("import on a read-only disk: %q", msg)
	}
}

// contentsOf opens path, reads what it holds and closes it again, which
// leaves no write-ahead files beside it.
func contentsOf(t *testing.T, path string) contents {
	t.Helper()
	db := reopen(t, path)
	c := readContents(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReadOnlyDiskWithCommitsInTheLog: a database whose write-ahead log
// still holds commits cannot be read without the index SQLite keeps beside
// it, which a read-only disk has no room for: Open says the folder cannot
// be written, and why — not that the file is damaged or not a database.
func TestReadOnlyDiskWithCommitsInTheLog(t *testing.T) {
	disk := smallDisk(t, "16m")
	elsewhere, _ := sepiaStore(t)
	raw, err := sql.Open("sqlite", "file:"+elsewhere+"?_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`UPDATE groups SET name = name || ' (moved)' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(disk, "referraldesk.db")
	for _, suffix := range []string{"", "-wal"} { // the log as a crash leaves it
		data, err := os.ReadFile(elsewhere + suffix)
		if err != nil || len(data) == 0 {
			t.Fatalf("%s%s: %d bytes, %v", elsewhere, suffix, len(data), err)
		}
		if err := os.WriteFile(path+suffix, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	remount(t, disk, "ro")
	t.Cleanup(func() { remount(t, disk, "rw") })

	db, err := sqlite.Open(path)
	if err == nil {
		db.Close()
		t.Fatal("Open read a database whose log it cannot use")
	}
	want := "The database " + path + " or its folder cannot be read or written (referraldesk.db: read-only file system); check that the disk is connected"
	if code, msg := referral.ErrorCode(err), referral.ErrorMessage(err); code != referral.EUNAVAILABLE || !strings.HasPrefix(msg, want) {
		t.Errorf("Open: %q (code %q); want it to start %q", msg, code, want)
	}
}
