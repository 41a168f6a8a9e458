package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests run the command line the way a clinic on a UTC machine would:
// no --timezone, no clinic.timezone. run.sh runs them under TZ=UTC and
// TZ=Pacific/Kiritimati; neither may change a meeting's hour.

func TestImportFindsTheFeedsZoneFromItsMeetingPlaces(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	r := importJSONOf(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	z := r.TimeZone
	if z.Zone != "America/New_York" || z.Why != "places" {
		t.Fatalf("SEPIA got zone %+v, want America/New_York from its meeting places", z)
	}
	if z.Places < 1000 || z.Agree != z.Places || z.AtPlace != z.Places {
		t.Errorf("zone counts %+v: every Philadelphia-area meeting place is Eastern", z)
	}
	if z.FromSource == 0 || z.Fallback != 0 || z.Warning != "" {
		t.Errorf("online listings take the source's zone, found from its places, with no warning: %+v", z)
	}
	if !strings.HasPrefix(z.Says, "America/New_York, from ") || !strings.HasSuffix(z.Says, " meeting places") {
		t.Errorf("report says %q", z.Says)
	}
	if z.Own+z.AtPlace+z.FromSource != r.Added {
		t.Errorf("zones of %d+%d+%d listings, but %d were added", z.Own, z.AtPlace, z.FromSource, r.Added)
	}

	code, out, _ := runCLI(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	if code != exitOK || !strings.Contains(out, "time zone: America/New_York, from ") {
		t.Errorf("the text summary does not name the zone:\n%s", out)
	}
}

func TestImportWarnsWhenTheZoneIsAGuess(t *testing.T) {
	// An online-only feed without zones: nothing about it says its clock.
	dir := t.TempDir()
	file := filepath.Join(dir, "online.json")
	if err := os.WriteFile(file, []byte(`[{"name":"Zoom Hope","slug":"zh","day":2,"time":"19:00","conference_url":"https://zoom.us/j/1"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "desk.db")
	code, _, errOut := runCLI(t, "--db", db, "settings", "clinic.timezone=America/Chicago")
	if code != exitOK {
		t.Fatalf("settings: %s", errOut)
	}
	r := importJSONOf(t, "--db", db, "import", "--program", "AA", file)
	if r.TimeZone.Zone != "America/Chicago" || r.TimeZone.Why != "clinic" || r.TimeZone.Fallback != 1 ||
		!strings.Contains(r.TimeZone.Warning, "import it again with its time zone") {
		t.Errorf("an online-only feed without zones: %+v, want the clinic's zone with a warning", r.TimeZone)
	}
	r = importJSONOf(t, "--db", db, "import", "--program", "AA", "--timezone", "America/Denver", file)
	if r.TimeZone.Zone != "America/Denver" || r.TimeZone.Why != "import" || r.TimeZone.Warning != "" {
		t.Errorf("with --timezone: %+v", r.TimeZone)
	}
}

func TestZoneUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"import", "--program", "AA", "--timezone", "Mars/Base", sepiaFeed}, `"Mars/Base"`},
		{[]string{"settings", "clinic.timezone=xyz"}, `"xyz"`},
		{[]string{"settings", "feed.timezone=Local"}, `"Local"`},
	} {
		code, _, errOut := runCLI(t, append([]string{"--db", db}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tc.says) {
			t.Errorf("%v: exit %d %q, want a usage error naming %s", tc.args, code, errOut, tc.says)
		}
	}
}

func TestEveningMeansEveningInPhiladelphia(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	importJSONOf(t, "--db", db, "import", "--program", "AA", "--source", "sepia", sepiaFeed)
	// The clinic's zone, which online groups are read in; a machine in
	// Kiritimati would otherwise lend its own (a machine in UTC lends none).
	if code, _, errOut := runCLI(t, "--db", db, "settings", "clinic.timezone=America/New_York"); code != exitOK {
		t.Fatal(errOut)
	}
	eastern, _ := time.LoadLocation("America/New_York")
	// Tuesday 1 December 2026, 10:00 in Philadelphia, written in UTC so the
	// zone of --now says nothing about the clinic's.
	for _, attend := range []string{"in-person", "online"} {
		t.Run(attend, func(t *testing.T) {
			args := []string{"--db", db, "match", "--json", "--days", "tue,thu", "--times", "evening",
				"--attend", attend, "--limit", "20", "--now", "2026-12-01T15:00:00Z"}
			if attend == "in-person" {
				args = append(args, "--zip", "19107", "--miles", "5")
			}
			code, out, errOut := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []candidateJSON
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) < 10 {
				t.Fatalf("got %d Tuesday/Thursday evening meetings near 19107, want many", len(got))
			}
			for _, c := range got {
				next, err := time.Parse(time.RFC3339, c.NextMeeting)
				if err != nil {
					t.Fatal(err)
				}
				local := next.In(eastern)
				if h := local.Hour(); h < 16 || h > 20 || (local.Weekday() != time.Tuesday && local.Weekday() != time.Thursday) {
					t.Errorf("%q meets %s in Philadelphia, offered as Tuesday/Thursday evening (reasons %q)",
						c.Name, local.Format("Mon 3:04 PM"), c.Reasons)
				}
			}
		})
	}
}
