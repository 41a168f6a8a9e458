package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backupList runs backup --list --json and decodes it.
func backupList(t *testing.T, db string) []backupJSON {
	t.Helper()
	code, out, errOut := runCLI(t, "--db", db, "backup", "--list", "--json")
	if code != exitOK {
		t.Fatalf("backup --list: exit %d: %s", code, errOut)
	}
	var list []backupJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("backup --list --json is not JSON: %v\n%s", err, out)
	}
	return list
}

// groupCount is how many groups `groups --json --all` lists.
func groupCount(t *testing.T, db string) int {
	t.Helper()
	code, out, errOut := runCLI(t, "--db", db, "groups", "--json", "--all")
	if code != exitOK {
		t.Fatalf("groups: exit %d: %s", code, errOut)
	}
	var groups []groupJSON
	if err := json.Unmarshal([]byte(out), &groups); err != nil {
		t.Fatal(err)
	}
	return len(groups)
}

// listingsIn counts the listings in a database file, read without changing
// it: opening it through the command line would turn the copy into a WAL
// database.
func listingsIn(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM groups`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	seed(t, db, niño(), online())

	code, out, errOut := runCLI(t, "--db", db, "backup")
	folder := filepath.Join(dir, "backups")
	if code != exitOK || !strings.HasPrefix(out, "backed up to "+folder+string(filepath.Separator)+"referraldesk-") {
		t.Fatalf("backup: exit %d, out %q, err %q; want a copy in %s", code, out, errOut, folder)
	}
	list := backupList(t, db)
	if len(list) != 1 || list[0].Automatic || list[0].Why != "" || list[0].Size == 0 || list[0].Taken == "" {
		t.Fatalf("backup --list = %+v, want the one copy made on request", list)
	}
	if info, err := os.Stat(list[0].Path); err != nil || info.Mode().Perm() != 0o600 || info.Size() != list[0].Size {
		t.Errorf("the listed copy: %v %v, want a 0600 file of %d bytes", info, err, list[0].Size)
	}
	if _, table, _ := runCLI(t, "--db", db, "backup", "--list"); !strings.Contains(table, "on request") || !strings.Contains(table, list[0].Path) {
		t.Errorf("backup --list table:\n%s", table)
	}

	named := filepath.Join(dir, "desk-copy.db")
	if code, _, errOut := runCLI(t, "--db", db, "backup", named); code != exitOK {
		t.Fatalf("backup FILE: exit %d: %s", code, errOut)
	}
	if got := listingsIn(t, named); got != 2 {
		t.Errorf("the named copy lists %d groups, want 2", got)
	}
	first, err := os.ReadFile(named)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "--db", db, "backup", named)
	if code != exitFail || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "--force") {
		t.Errorf("backup onto an existing file: exit %d, %q; want a refusal naming --force", code, errOut)
	}
	if again, _ := os.ReadFile(named); !bytes.Equal(again, first) {
		t.Error("a refused backup changed the existing file")
	}
	seed(t, db, niño())
	if code, _, errOut := runCLI(t, "--db", db, "backup", "--force", named); code != exitOK {
		t.Fatalf("backup --force FILE: exit %d: %s", code, errOut)
	}
	if got := listingsIn(t, named); got != 3 {
		t.Errorf("after --force the copy lists %d groups, want the 3 there are now", got)
	}
}

func TestBackupUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	for _, args := range [][]string{
		{"backup", "a.db", "b.db"},
		{"backup", "--list", "a.db"},
		{"backup", "--force"},
		{"backup", "--list", "--force"},
		{"backup", "--compress"},
		{"restore"},
		{"restore", "a.db", "b.db"},
	} {
		code, _, errOut := runCLI(t, append([]string{"--db", db}, args...)...)
		if code != exitUsage || !strings.Contains(errOut, "referraldesk help") {
			t.Errorf("%v: exit %d, %q; want a usage error", args, code, errOut)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a usage error opened (and so created) the database")
	}
}

func TestRestoreCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	seed(t, db, niño(), online())
	saved := filepath.Join(dir, "saved.db")
	if code, _, errOut := runCLI(t, "--db", db, "backup", saved); code != exitOK {
		t.Fatalf("backup: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "--db", db, "import", "--source", "alanon", "--program", "Al-Anon", alanonFeed); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	if got := backupList(t, db); len(got) != 1 || got[0].Why != "before importing alanon" {
		t.Fatalf("after the import, backups = %+v, want the automatic one before importing alanon", got)
	}

	code, out, errOut := runCLI(t, "--db", db, "restore", saved)
	if code != exitOK {
		t.Fatalf("restore: exit %d: %s", code, errOut)
	}
	list := backupList(t, db)
	if len(list) != 2 || list[0].Why != "before restoring saved.db" || !list[0].Automatic {
		t.Fatalf("after the restore, backups = %+v, want the database as it was kept first", list)
	}
	want := "restored " + saved + ": 2 listings\nthe database as it was is kept in " + list[0].Path + "\n"
	if out != want {
		t.Errorf("restore said %q, want %q", out, want)
	}
	if got := groupCount(t, db); got != 2 {
		t.Errorf("after the restore the directory lists %d groups, want 2", got)
	}
	if got := listingsIn(t, list[0].Path); got != 362 {
		t.Errorf("the copy kept before the restore lists %d groups, want the 362 imported", got)
	}

	// Back to before the restore, from the backups folder, as JSON.
	code, out, errOut = runCLI(t, "--db", db, "restore", "--json", list[0].Path)
	if code != exitOK {
		t.Fatalf("restore --json: exit %d: %s", code, errOut)
	}
	var report struct {
		From     string      `json:"from"`
		Groups   int         `json:"groups"`
		Previous *backupJSON `json:"previous"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("restore --json is not JSON: %v\n%s", err, out)
	}
	if report.From != list[0].Path || report.Groups != 362 || report.Previous == nil ||
		!strings.HasPrefix(report.Previous.Why, "before restoring the backup of ") {
		t.Errorf("restore --json = %+v", report)
	}
}

func TestRestoreCommandRefuses(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	seed(t, db, niño(), online())
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "--db", db, "restore", notes)
	if code != exitFail || out != "" || !strings.Contains(errOut, notes+" is not a Referral Desk database") {
		t.Errorf("restore of a text file: exit %d, out %q, err %q", code, out, errOut)
	}
	if got := groupCount(t, db); got != 2 {
		t.Errorf("after a refused restore the directory lists %d groups, want 2", got)
	}
	if got := backupList(t, db); len(got) != 0 {
		t.Errorf("a refused restore kept backups: %+v", got)
	}
}

// TestRestoreCommandUpgradesAnOlderBackup: a backup from the first release
// is restored and upgraded, and what the upgrade has to say is printed.
func TestRestoreCommandUpgradesAnOlderBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	seed(t, db, niño())
	old := filepath.Join(dir, "old.db")
	data, err := os.ReadFile(filepath.Join("referral", "sqlite", "testdata", "upgrade", "v0003.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "--db", db, "restore", old)
	if code != exitOK || !strings.HasPrefix(out, "restored "+old+": 361 listings\n") {
		t.Fatalf("restore of a first-release backup: exit %d, out %q, err %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "service meetings") {
		t.Errorf("the upgrade's note was not printed: %q", errOut)
	}
	if got := groupCount(t, db); got != 361 {
		t.Errorf("after the restore the directory lists %d groups, want 361", got)
	}
}
