package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

const (
	sepiaFeed  = "testdata/feeds/aa-sepia-meeting-guide.json"
	alanonFeed = "testdata/feeds/al-anon-ma-meeting-guide.json"
	naFeed     = "testdata/feeds/na-greater-ny-bmlt.json"
)

func importJSONOf(t *testing.T, args ...string) importJSON {
	t.Helper()
	code, out, errOut := runCLI(t, append(args, "--json")...)
	if code != exitOK {
		t.Fatalf("import exit %d: %s", code, errOut)
	}
	var r importJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("import --json printed %v:\n%s", err, out)
	}
	return r
}

func TestImportRealFeedTwiceChangesNothingTheSecondTime(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	first := importJSONOf(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	if first.Added != 2038 || first.Updated+first.Removed+first.Unchanged != 0 || first.Format != "meeting-guide" || first.Source != "sepia" {
		t.Errorf("first import = %+v, want 2038 added from meeting-guide", first)
	}
	onl := 0
	for _, r := range first.Repaired {
		if strings.Contains(r.What, "ONL") {
			onl++
		}
	}
	if onl != 586 {
		t.Errorf("%d repairs mention ONL; the SEPIA feed has 586 meetings with the retired ONL type", onl)
	}
	second := importJSONOf(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	if second.Unchanged != 2038 || second.Added+second.Updated+second.Removed != 0 {
		t.Errorf("second import = added %d updated %d removed %d unchanged %d; want 2038 unchanged",
			second.Added, second.Updated, second.Removed, second.Unchanged)
	}
}

func TestImportSeveralFilesPrintsAnArrayNamedAfterEachFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	code, out, errOut := runCLI(t, "--db", db, "import", "--json", "--program", "Al-Anon", alanonFeed, naFeed)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rs []importJSON
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Source != "al-anon-ma-meeting-guide" || rs[0].Added != 360 ||
		rs[1].Source != "na-greater-ny-bmlt" || rs[1].Format != "bmlt" || rs[1].Added != 1513 {
		t.Fatalf("reports = %+v", rs)
	}
	if strings.Join(rs[0].UnknownTypes, ",") != "AC,LGBTQIA" {
		t.Errorf("unknown types = %v, want the feed's custom AC and LGBTQIA codes", rs[0].UnknownTypes)
	}
}

func TestImportRefusedFileChangesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	importJSONOf(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	before := groupsJSON(t, db)

	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(`[{"name": "Half a feed", "slug": "x", "day": 1, "time": "19:00"`), 0o600); err != nil {
		t.Fatal(err)
	}
	html := filepath.Join(dir, "page.json")
	if err := os.WriteFile(html, []byte("<html><body>Not found</body></html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{broken, html, filepath.Join(dir, "missing.json")} {
		code, _, errOut := runCLI(t, "--db", db, "import", "--program", "AA", "--source", "sepia", file)
		if code != exitFail || !strings.Contains(errOut, filepath.Base(file)) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 naming the file", filepath.Base(file), code, errOut)
		}
	}
	if after := groupsJSON(t, db); after != before {
		t.Error("a refused file changed the directory")
	}
}

func TestImportUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	for name, args := range map[string][]string{
		"no file":                 {"import"},
		"empty program":           {"import", "--program", "", sepiaFeed},
		"program too long":        {"import", "--program", strings.Repeat("x", 81), sepiaFeed},
		"unknown format":          {"import", "--format", "xml", sepiaFeed},
		"unknown time zone":       {"import", "--timezone", "Mars/Base", sepiaFeed},
		"one source, many files":  {"import", "--source", "x", sepiaFeed, naFeed},
		"export without a format": {"export"},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, errOut := runCLI(t, append([]string{"--db", db}, args...)...); code != exitUsage {
				t.Errorf("exit %d (%s), want %d", code, errOut, exitUsage)
			}
		})
	}
}

// groupsJSON lists the whole directory as the command line prints it.
func groupsJSON(t *testing.T, db string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "--db", db, "groups", "--all", "--json")
	if code != exitOK {
		t.Fatalf("groups exit %d: %s", code, errOut)
	}
	return out
}

// withoutIDs drops the local ids, which differ between two databases.
var idField = regexp.MustCompile(`"id": \d+`)

func TestExportThenImportGivesTheSameDirectory(t *testing.T) {
	for _, format := range []string{"meeting-guide", "csv"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			db1, db2 := filepath.Join(dir, "one.db"), filepath.Join(dir, "two.db")
			importJSONOf(t, "--db", db1, "import", "--program", "Al-Anon", "--source", "alanon", alanonFeed)
			importJSONOf(t, "--db", db1, "import", "--source", "na", naFeed)
			out := filepath.Join(dir, "export."+format)
			if code, _, errOut := runCLI(t, "--db", db1, "export", "--format", format, "--out", out); code != exitOK {
				t.Fatalf("export exit %d: %s", code, errOut)
			}
			if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("exported file: %v, mode %v; want 0600", err, fi.Mode().Perm())
			}
			// One export holds both sources; importing it under each name keeps the
			// programs and sources the export wrote.
			for _, src := range []string{"alanon", "na"} {
				one := filepath.Join(dir, src+"."+format)
				if code, _, errOut := runCLI(t, "--db", db1, "export", "--format", format, "--source", src, "--out", one); code != exitOK {
					t.Fatalf("export %s exit %d: %s", src, code, errOut)
				}
				importJSONOf(t, "--db", db2, "import", "--source", src, one)
			}
			a, b := idField.ReplaceAllString(groupsJSON(t, db1), ""), idField.ReplaceAllString(groupsJSON(t, db2), "")
			if a != b {
				t.Errorf("the directory read back from %s export differs from the original", format)
			}
		})
	}
}

func TestExportUnknownSourceFails(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	out := filepath.Join(t.TempDir(), "x.json")
	code, _, errOut := runCLI(t, "--db", db, "export", "--format", "csv", "--source", "nobody", "--out", out)
	if code != exitFail || !strings.Contains(errOut, "nobody") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed export left a file behind")
	}
}

// A folder given where the feed file goes is named as such, not an internal
// error, and changes nothing.
func TestImportAFolderSaysSo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	importJSONOf(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	before := groupsJSON(t, db)
	code, _, errOut := runCLI(t, "--db", db, "import", "--program", "AA", "--source", "sepia", t.TempDir())
	if code != exitFail || !strings.Contains(errOut, "it is a folder, not a directory file") || strings.Contains(errOut, "Internal error") {
		t.Errorf("import FOLDER: exit %d %q", code, errOut)
	}
	if groupsJSON(t, db) != before {
		t.Error("importing a folder changed the directory")
	}
}

// TestImportMemoryLimit checks the soft memory limit an import of a file
// runs under: 1.9 times the file, never below the floor, never above a limit
// already set (GOMEMLIMIT), and put back when the import is done.
func TestImportMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	for _, c := range []struct{ size, want int64 }{
		{1 << 20, 256 << 20},   // a real feed: the floor
		{200 << 20, 380 << 20}, // a 200 MB feed: 1.9 times the file
	} {
		if got := importMemoryLimit(c.size); got != c.want {
			t.Errorf("importMemoryLimit(%d MB) = %d MB, want %d MB", c.size>>20, got>>20, c.want>>20)
		}
	}
	const set = 100 << 20
	debug.SetMemoryLimit(set)
	if got := importMemoryLimit(200 << 20); got != set {
		t.Errorf("with GOMEMLIMIT at 100 MB, importMemoryLimit(200 MB) = %d MB, want it kept", got>>20)
	}
	db := filepath.Join(t.TempDir(), "desk.db")
	importJSONOf(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	if got := debug.SetMemoryLimit(-1); got != set {
		t.Errorf("after an import the memory limit is %d MB, want it put back to %d MB", got>>20, set>>20)
	}
}
