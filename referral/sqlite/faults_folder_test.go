package sqlite_test

import (
	"bytes"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// captureLog collects what the package logs while the test runs.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	return &buf
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// TestOpenTightensItsOwnFolder: a folder holding nothing but the database,
// the files SQLite keeps beside it, its backups and hidden temporaries is
// the app's, and is made private (0700) with a note in the log.
func TestOpenTightensItsOwnFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "referraldesk")
	path := filepath.Join(dir, "referraldesk.db")
	reopen(t, path).Close()
	if err := os.Mkdir(filepath.Join(dir, "backups"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".referraldesk-backup-123.tmp"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	chmod(t, dir, 0o755)
	logged := captureLog(t)

	reopen(t, path)
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("folder mode = %04o, want 0700", got)
	}
	if note := logged.String(); !strings.Contains(note, dir) || !strings.Contains(note, "0755") {
		t.Errorf("log = %q; want a note naming the folder and its old mode", note)
	}
}

// TestOpenLeavesOtherFoldersAlone: a folder that holds anything else, or
// is sticky (shared by design, like /tmp), is the person's: its mode stays.
func TestOpenLeavesOtherFoldersAlone(t *testing.T) {
	tests := []struct {
		name  string
		mode  os.FileMode
		other func(t *testing.T, dir string)
	}{
		{"holds another file", 0o755, func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
		}},
		{"holds a hidden file of someone else's", 0o755, func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ".bashrc"), []byte("x"), 0o644)
		}},
		{"holds another folder", 0o755, func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "photos"), 0o755)
		}},
		{"sticky", 0o777 | os.ModeSticky, func(t *testing.T, dir string) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "shared")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			tt.other(t, dir)
			chmod(t, dir, tt.mode)
			before, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			reopen(t, filepath.Join(dir, "referraldesk.db"))
			after, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if after.Mode() != before.Mode() {
				t.Errorf("folder mode changed from %v to %v", before.Mode(), after.Mode())
			}
		})
	}
}
