package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// runCLI runs the command line as a user would and returns exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	noWindow := func(*sqlite.DB) error { t.Fatal("the window was opened"); return nil }
	code := run(args, &out, &errOut, noWindow)
	return code, out.String(), errOut.String()
}

func seed(t *testing.T, path string, groups ...*referral.Group) {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := sqlite.NewGroupService(db)
	for _, g := range groups {
		if err := s.CreateGroup(context.Background(), g); err != nil {
			t.Fatal(err)
		}
	}
}

func niño() *referral.Group {
	return &referral.Group{
		Name:       "Grupo Niño Feliz",
		Program:    referral.ProgramNA,
		Sessions:   []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20*60 + 30}},
		TimeZone:   "America/New_York",
		Attendance: referral.InPerson,
		Place: referral.Place{Location: "St. Mark's", Address: "1625 Locust St", City: "Philadelphia",
			State: "PA", PostalCode: "19103", Coords: &referral.Point{Lat: 39.9489, Lon: -75.1688}},
		Types:      []string{"O", "S"},
		Attributes: referral.Attributes{Openness: referral.Open, Languages: []string{"es"}},
		Curation:   referral.Curation{MedicationFriendly: referral.MedicationYes, Notes: "Ask for Rosa"},
	}
}

func online() *referral.Group {
	return &referral.Group{
		Name: "Zoom Serenity", Program: referral.ProgramAA, Attendance: referral.Online,
		Sessions: []referral.Session{{Day: time.Sunday, Start: 8 * 60, End: referral.NoTime}},
		Online:   referral.OnlineAccess{URL: "https://zoom.us/j/1"},
	}
}

func TestGroupsJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	seed(t, db, niño(), online())

	code, out, errOut := runCLI(t, "--db", db, "groups", "--json", "nino")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got) != 1 {
		t.Fatalf("searching nino found %d groups, want 1: %s", len(got), out)
	}
	g := got[0]
	want := map[string]any{
		"name": "Grupo Niño Feliz", "program": "NA", "source": "manual", "timezone": "America/New_York",
		"attendance": "in_person", "city": "Philadelphia", "postal_code": "19103", "latitude": 39.9489,
		"longitude": -75.1688, "medication_friendly": "yes", "hidden": false, "counselor_notes": "Ask for Rosa",
	}
	for k, v := range want {
		if g[k] != v {
			t.Errorf("%s = %v, want %v", k, g[k], v)
		}
	}
	var typed []groupJSON
	if err := json.Unmarshal([]byte(out), &typed); err != nil {
		t.Fatal(err)
	}
	if s := typed[0].Sessions; len(s) != 1 || s[0] != (sessionJSON{Day: "tue", Start: "19:00", End: "20:30"}) {
		t.Errorf("sessions = %+v", s)
	}
	if types, _ := json.Marshal(g["types"]); string(types) != `["O","S"]` {
		t.Errorf("types = %s", types)
	}
	if attrs, _ := json.Marshal(g["attributes"]); !strings.Contains(string(attrs), `"open"`) {
		t.Errorf("attributes = %s, want open among them", attrs)
	}
	if id, ok := g["id"].(float64); !ok || id < 1 {
		t.Errorf("id = %v", g["id"])
	}
}

func TestGroupsOnlineHasNullCoordinatesAndTable(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	seed(t, db, niño(), online())

	_, out, _ := runCLI(t, "--db", db, "groups", "--json", "zoom")
	if !strings.Contains(out, `"latitude": null`) || !strings.Contains(out, `"end": ""`) {
		t.Errorf("online group should have null coordinates and no end time:\n%s", out)
	}
	t.Setenv(dbEnv, db) // the environment picks the database when --db is absent
	code, out, _ := runCLI(t, "groups")
	if code != exitOK || !strings.Contains(out, "Grupo Niño Feliz") || !strings.Contains(out, "Zoom Serenity") ||
		!strings.Contains(out, "2 groups") {
		t.Errorf("table listing (exit %d):\n%s", code, out)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("my shopping list\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"unknown command", []string{"--db", filepath.Join(dir, "a.db"), "frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"unknown flag", []string{"--db", filepath.Join(dir, "a.db"), "groups", "--colour"}, exitUsage, "colour"},
		{"not a database", []string{"--db", notDB, "groups"}, exitFail, "notes.txt"},
		{"empty directory", []string{"--db", filepath.Join(dir, "b.db"), "groups"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.says) || strings.Count(errOut, "\n") > 1 {
				t.Errorf("stderr %q should be one line saying %q", errOut, tt.says)
			}
		})
	}
	if b, _ := os.ReadFile(notDB); string(b) != "my shopping list\n" {
		t.Error("a file that is not a database was changed")
	}
}
