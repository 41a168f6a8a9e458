package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// eno is one group listed once per weekday, as feeds list groups.
const enoFeed = `[
 {"name":"Early Night Out","slug":"eno-sun","day":0,"time":"19:00","formatted_address":"1 Market St, Philadelphia, PA 19107, USA","latitude":39.95,"longitude":-75.15},
 {"name":"Early Night Out","slug":"eno-tue","day":2,"time":"19:00","formatted_address":"1 Market St, Philadelphia, PA 19107, USA","latitude":39.95,"longitude":-75.15},
 {"name":"Early Night Out","slug":"eno-thu","day":4,"time":"19:00","formatted_address":"1 Market St, Philadelphia, PA 19107, USA","latitude":39.95,"longitude":-75.15},
 {"name":"Old City","slug":"oc","day":2,"time":"19:00","formatted_address":"2 Arch St, Philadelphia, PA 19106, USA","latitude":39.952,"longitude":-75.14}
]`

func enoDirectory(t *testing.T) (db string, ids map[string]int64) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "eno.json")
	if err := os.WriteFile(file, []byte(enoFeed), 0o600); err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(dir, "desk.db")
	importJSONOf(t, "--db", db, "import", "--program", "AA", file)
	return db, listedIDs(t, db)
}

func listedIDs(t *testing.T, db string) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, g := range listed(t, db) {
		ids[g.SourceID] = g.ID
	}
	return ids
}

func listed(t *testing.T, db string) []groupJSON {
	t.Helper()
	code, out, errOut := runCLI(t, "--db", db, "groups", "--json", "--all")
	if code != exitOK {
		t.Fatalf("groups: %s", errOut)
	}
	var gs []groupJSON
	if err := json.Unmarshal([]byte(out), &gs); err != nil {
		t.Fatal(err)
	}
	return gs
}

func TestCurateAppliesToTheWholeGroup(t *testing.T) {
	db, ids := enoDirectory(t)
	code, out, errOut := runCLI(t, "--db", db, "curate", "--moud", "yes", "--verified", "2026-11-02", "--note", "Ask for Dana",
		"--json", itoa(ids["eno-sun"]))
	if code != exitOK {
		t.Fatalf("curate: exit %d %s", code, errOut)
	}
	if !strings.Contains(out, `"medication_friendly": "yes"`) {
		t.Errorf("curate --json printed %s", out)
	}
	for _, g := range listed(t, db) {
		want := g.Name == "Early Night Out"
		if got := g.MedicationFriendly == "yes" && g.VerifiedOn == "2026-11-02" && g.CounselorNotes == "Ask for Dana"; got != want {
			t.Errorf("%s (%s): medication %s verified %s notes %q", g.Name, g.SourceID, g.MedicationFriendly, g.VerifiedOn, g.CounselorNotes)
		}
	}
	// Hiding from Thursday's listing hides the group; --show brings it back,
	// and what was not given stays.
	if code, _, errOut := runCLI(t, "--db", db, "curate", "--hide", itoa(ids["eno-thu"])); code != exitOK {
		t.Fatal(errOut)
	}
	if _, out, _ := runCLI(t, "--db", db, "groups", "early"); strings.Contains(out, "Early Night Out") {
		t.Errorf("a hidden group is still listed: %s", out)
	}
	if code, _, errOut := runCLI(t, "--db", db, "curate", "--show", itoa(ids["eno-tue"])); code != exitOK {
		t.Fatal(errOut)
	}
	for _, g := range listed(t, db) {
		if g.Name == "Early Night Out" && (g.Hidden || g.MedicationFriendly != "yes") {
			t.Errorf("%s after --show: hidden %v medication %s", g.SourceID, g.Hidden, g.MedicationFriendly)
		}
	}
}

func TestCurateBadInputChangesNothing(t *testing.T) {
	db, ids := enoDirectory(t)
	before := listed(t, db)
	for _, args := range [][]string{
		{"--moud", "yes", itoa(ids["oc"]), "99999"},
		{"--moud", "maybe", itoa(ids["oc"])},
		{"--verified", "11/02/2026", itoa(ids["oc"])},
		{"--verified", "2999-01-01", itoa(ids["oc"])},
		{"--hide", "--show", itoa(ids["oc"])},
		{itoa(ids["oc"])},
		{"--moud", "yes"},
		{"--moud", "yes", "twelve"},
	} {
		code, _, errOut := runCLI(t, append([]string{"--db", db, "curate"}, args...)...)
		if code != exitUsage || errOut == "" {
			t.Errorf("curate %v: exit %d %q, want a usage error", args, code, errOut)
		}
	}
	after := listed(t, db)
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if string(a) != string(b) {
		t.Errorf("a refused curate changed the directory")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
