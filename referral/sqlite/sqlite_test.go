package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// fixedNow is the clock of every test database.
var fixedNow = time.Date(2025, 3, 4, 10, 30, 0, 0, time.UTC)

// openTestDB opens a new database file in a fresh folder below t.TempDir(),
// through the same Open as production, and closes it when the test ends.
func openTestDB(tb testing.TB) (*sqlite.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "data", "referraldesk.db")
	return reopen(tb, path), path
}

func reopen(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	db.SetClock(func() time.Time { return fixedNow })
	tb.Cleanup(func() { db.Close() })
	return db
}

// rawExec runs SQL on the file through a connection of its own, as another
// program (or a later import) would.
func rawExec(t *testing.T, path, query string, args ...any) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func TestOpenPermissions(t *testing.T) {
	t.Run("new folder and file are private", func(t *testing.T) {
		db, path := openTestDB(t)
		// A write while open makes SQLite create the -wal and -shm files.
		if err := sqlite.NewGroupService(db).CreateGroup(context.Background(), fullGroup()); err != nil {
			t.Fatal(err)
		}
		if got := mode(t, filepath.Dir(path)); got != 0o700 {
			t.Errorf("folder mode = %v, want 0700", got)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if got := mode(t, p); got != 0o600 {
				t.Errorf("%s mode = %v, want 0600", filepath.Base(p), got)
			}
		}
	})
	t.Run("existing database is tightened", func(t *testing.T) {
		db, path := openTestDB(t)
		db.Close()
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		reopen(t, path)
		if got := mode(t, path); got != 0o600 {
			t.Errorf("mode = %v, want 0600", got)
		}
	})
	t.Run("a folder shared with other files is left alone", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not ours"), 0o644); err != nil {
			t.Fatal(err)
		}
		reopen(t, filepath.Join(dir, "x.db"))
		if got := mode(t, dir); got != 0o755 {
			t.Errorf("folder mode = %v, want 0755 unchanged", got)
		}
	})
}

func TestOpenReopen(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	g := fullGroup()
	if err := sqlite.NewGroupService(db).CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = reopen(t, path) // migrations already recorded: must not run again
	got, err := sqlite.NewGroupService(db).FindGroupByID(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertGroup(t, got, g)
}

func TestOpenEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "touched.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	reopen(t, path)
	if got := mode(t, path); got != 0o600 {
		t.Errorf("mode = %v, want 0600", got)
	}
}

// TestOpenRefuses checks that files Open must not use are refused with a
// message a person can act on, and are left byte for byte as they were.
func TestOpenRefuses(t *testing.T) {
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{0x42}, 2000)...)
	tests := []struct {
		name    string
		content func(t *testing.T, path string) // writes the file
		want    string                          // in the message
	}{
		{"text file", writeFile([]byte("name,day\nHope Group,Monday\n")), "is not a Referral Desk database; choose another file with --db"},
		{"jpeg renamed .db", writeFile(jpeg), "is not a Referral Desk database"},
		{"short file", writeFile([]byte("SQLite")), "is not a Referral Desk database"},
		{"header but garbage", writeFile(append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xAB}, 5000)...)), "cannot be read as a Referral Desk database"},
		{"another program's sqlite database", foreignDB, "is not a Referral Desk database"},
		{"newer referral desk", newerDB, "newer version of Referral Desk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "directory.db")
			tt.content(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			infoBefore, _ := os.Stat(path)

			db, err := sqlite.Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if code := referral.ErrorCode(err); code != referral.EINVALID {
				t.Errorf("code = %q, want %q (err: %v)", code, referral.EINVALID, err)
			}
			msg := referral.ErrorMessage(err)
			if !strings.Contains(msg, path) || !strings.Contains(msg, tt.want) || !strings.Contains(msg, "--db") {
				t.Errorf("message = %q, want the path, %q and --db", msg, tt.want)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("the file was modified")
			}
			if infoAfter, _ := os.Stat(path); infoAfter.Mode() != infoBefore.Mode() {
				t.Errorf("mode changed from %v to %v", infoBefore.Mode(), infoAfter.Mode())
			}
		})
	}
}

func writeFile(content []byte) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func foreignDB(t *testing.T, path string) {
	rawExec(t, path, `CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('beach')`)
}

func newerDB(t *testing.T, path string) {
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	rawExec(t, path, `INSERT INTO migrations (name) VALUES ('9999_from_the_future.sql')`)
}

func TestOpenUnusablePath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"empty", "", "No database file"},
		{"a folder", dir, "is a folder"},
		{"below a file", filepath.Join(file, "x.db"), "Cannot create the folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := sqlite.Open(tt.path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if code := referral.ErrorCode(err); code != referral.EINVALID {
				t.Errorf("code = %q, want EINVALID (err: %v)", code, err)
			}
			if msg := referral.ErrorMessage(err); !strings.Contains(msg, tt.want) || !strings.Contains(msg, "--db") {
				t.Errorf("message = %q, want %q and --db", msg, tt.want)
			}
		})
	}
	t.Run("unreadable file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads any file")
		}
		path := filepath.Join(dir, "locked.db")
		if err := os.WriteFile(path, nil, 0o000); err != nil {
			t.Fatal(err)
		}
		_, err := sqlite.Open(path)
		if msg := referral.ErrorMessage(err); !strings.Contains(msg, "permission denied") || !strings.Contains(msg, "--db") {
			t.Errorf("message = %q, want permission denied and --db", msg)
		}
	})
}

// TestOpenWhileAnotherProcessWrites: an up-to-date database opens while
// another connection holds the write lock for longer than the busy timeout
// (as a 250,000-listing import does); opening must only read.
func TestOpenWhileAnotherProcessWrites(t *testing.T) {
	db, path := openTestDB(t)
	db.Close()
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
	if _, err := tx.Exec(`INSERT INTO sources (name, format, last_import) VALUES ('busy', '', '2026-01-01T00:00:00.000000000Z')`); err != nil {
		t.Fatal(err) // the write lock is now held until Rollback
	}
	again, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open while another connection writes: %v", err)
	}
	defer again.Close()
	if _, err := sqlite.NewGroupService(again).Sources(context.Background()); err != nil {
		t.Errorf("reading while another connection writes: %v", err)
	}
}
