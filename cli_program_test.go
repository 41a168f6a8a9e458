package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportAnyProgram: --program takes any fellowship's name; known ones
// are stored under the table's name.
func TestImportAnyProgram(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	feed := filepath.Join(dir, "meetings.json")
	if err := os.WriteFile(feed, []byte(`[{"name": "Tuesday Hope", "slug": "tuesday-hope", "day": 2, "time": "19:00",
		"formatted_address": "1 Main St, Philadelphia, PA 19107", "latitude": 39.95, "longitude": -75.16}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for program, want := range map[string]string{
		"Heroin Anonymous":           "HA",
		"Eating Disorders Anonymous": "EDA",
		"pills anonymous":            "PA",
		"Gamblers Anonymous":         "Gamblers Anonymous",
	} {
		t.Run(program, func(t *testing.T) {
			r := importJSONOf(t, "--db", db, "import", "--program", program, "--source", "s", feed)
			if r.Added+r.Updated+r.Unchanged != 1 {
				t.Fatalf("import = %+v", r)
			}
			var groups []groupJSON
			if err := json.Unmarshal([]byte(groupsJSON(t, db)), &groups); err != nil {
				t.Fatal(err)
			}
			if len(groups) != 1 || groups[0].Program != want {
				t.Errorf("groups = %+v, want one of program %q", groups, want)
			}
		})
	}
}

func TestImportProgramRefusedWithTheReason(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	for program, reason := range map[string]string{
		"":                      "the program needs a name",
		strings.Repeat("x", 81): "81 characters long",
	} {
		code, _, errOut := runCLI(t, "--db", db, "import", "--program", program, sepiaFeed)
		if code != exitUsage || !strings.Contains(errOut, reason) {
			t.Errorf("--program %q: exit %d, stderr %q; want exit %d saying %q", program, code, errOut, exitUsage, reason)
		}
	}
}

// TestImportCountsServiceMeetings: the Al-Anon feed lists each district's
// monthly business meeting; they are kept, marked and counted.
func TestImportCountsServiceMeetings(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	r := importJSONOf(t, "--db", db, "import", "--program", "Al-Anon", "--source", "alanon", alanonFeed)
	if r.Service != 13 || r.Added != 360 {
		t.Errorf("import added %d with %d service meetings; want 360 with the feed's 13 district business meetings", r.Added, r.Service)
	}
	var groups []groupJSON
	if err := json.Unmarshal([]byte(groupsJSON(t, db)), &groups); err != nil {
		t.Fatal(err)
	}
	service := 0
	for _, g := range groups {
		if g.Service != strings.Contains(g.Name, "Business Meeting District") {
			t.Errorf("%q: service %v", g.Name, g.Service)
		}
		if g.Service {
			service++
		}
	}
	if service != 13 {
		t.Errorf("groups --json marks %d service meetings, want 13", service)
	}

	code, out, errOut := runCLI(t, "--db", db, "import", "--program", "Al-Anon", "--source", "alanon", alanonFeed)
	if code != exitOK || !strings.Contains(out, "13 service meetings (business, district, committee): kept in the directory, never offered to clients") {
		t.Errorf("exit %d, summary:\n%s%s", code, out, errOut)
	}
}
