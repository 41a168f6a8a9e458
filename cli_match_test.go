package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// naDirectory is a database holding the real NA New York feed.
func naDirectory(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "desk.db")
	importJSONOf(t, "--db", db, "import", "--source", "na", "--timezone", "America/New_York", naFeed)
	return db
}

func TestMatchJSONOnTheRealNAFeed(t *testing.T) {
	db := naDirectory(t)
	// Tuesday 27 Oct 2026, noon in New York: the next Tuesday-evening meeting is today.
	code, out, errOut := runCLI(t, "--db", db, "match", "--json", "--zip", "10001", "--miles", "3",
		"--days", "tue", "--times", "evening", "--attend", "in-person", "--moud", "--limit", "5",
		"--now", "2026-10-27T12:00:00-04:00")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []candidateJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(got) != 5 {
		t.Fatalf("got %d candidates, want 5 (Manhattan has many Tuesday evening NA meetings)", len(got))
	}
	for i, c := range got {
		if c.DistanceMiles == nil || *c.DistanceMiles > 3 {
			t.Errorf("candidate %d %q is %v miles away, want ≤ 3", i, c.Name, c.DistanceMiles)
		}
		if !strings.HasPrefix(c.NextMeeting, "2026-10-27T") || len(c.Reasons) == 0 || c.Program != "NA" {
			t.Errorf("candidate %d: next %s, reasons %v, program %s", i, c.NextMeeting, c.Reasons, c.Program)
		}
		if i > 0 && c.Score > got[i-1].Score+20 {
			t.Errorf("candidate %d scores far above the one before it", i)
		}
		if c.Sessions[0].Day != "tue" {
			t.Errorf("candidate %d meets %v, want Tuesday", i, c.Sessions)
		}
	}
	// Same needs and clock, same answer.
	_, again, _ := runCLI(t, "--db", db, "match", "--json", "--zip", "10001", "--miles", "3",
		"--days", "tue", "--times", "evening", "--attend", "in-person", "--moud", "--limit", "5",
		"--now", "2026-10-27T12:00:00-04:00")
	if again != out {
		t.Error("the same needs and clock gave a different list")
	}
	if !strings.Contains(out, `"medication_friendly": "unknown"`) || !strings.Contains(out, "medication policy unknown") {
		t.Error("a client on MOUD should be told the groups' medication policy is unknown")
	}
}

func TestMatchBadNeeds(t *testing.T) {
	db := naDirectory(t)
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"zip with letters", []string{"--zip", "1910A"}, exitUsage, "5 digits"},
		{"distance 0", []string{"--zip", "10001", "--miles", "0"}, exitUsage, "more than 0"},
		{"distance 10000", []string{"--zip", "10001", "--miles", "10000"}, exitUsage, "at most 500"},
		{"empty day list", []string{"--zip", "10001", "--days", ""}, exitUsage, "--days is empty"},
		{"not a day", []string{"--zip", "10001", "--days", "funday"}, exitUsage, "funday"},
		{"man wanting women-only", []string{"--zip", "10001", "--gender", "man", "--women-only"}, exitUsage, "women-only"},
		{"no zip for in person", []string{"--attend", "in-person"}, exitUsage, "ZIP"},
		{"unknown zip", []string{"--zip", "00000"}, exitFail, "00000"},
		{"bad clock", []string{"--zip", "10001", "--now", "tomorrow"}, exitUsage, "--now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"--db", db, "match"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.says) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", code, errOut, tt.code, tt.says)
			}
		})
	}
}

func TestMatchEmptyDirectorySaysImportFirst(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	code, _, errOut := runCLI(t, "--db", db, "match", "--zip", "19107")
	if code != exitFail || !strings.Contains(strings.ToLower(errOut), "import a directory first") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestMatchTextSaysItInEnglish: the command line words the match's reasons,
// cautions and widenings in English, as it did before they became codes
// the window words in its own language; the cautions come most important
// first.
func TestMatchTextSaysItInEnglish(t *testing.T) {
	db := naDirectory(t)
	// A clinic in New York, whatever the machine's zone: its groups' times
	// are then the client's own.
	if code, _, errOut := runCLI(t, "--db", db, "settings", "clinic.timezone=America/New_York"); code != exitOK {
		t.Fatalf("settings: exit %d: %s", code, errOut)
	}
	now := "2026-10-27T12:00:00-04:00"
	code, out, errOut := runCLI(t, "--db", db, "match", "--now", now, "--zip", "10001", "--miles", "3",
		"--days", "tue", "--times", "evening", "--moud", "--limit", "3", "--approach", "secular")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `1. NA — Miracle on 38th Street (id 1112)
   next: Tue Oct 27 7:30 PM EDT · 0.4 mi
   + Tuesday evening
   + 0.4 mi away
   + NA is built for opioid use
   + welcomes newcomers
   + open to anyone
   ! medication policy unknown — ask the group
   ! 12-step program, not secular as asked
   ! listing date unknown — call ahead
`
	if !strings.HasPrefix(out, want) {
		t.Errorf("the first group reads\n%s\nwant\n%s", out, want)
	}
	if w := "To widen: no secular group fits these needs; secular fellowships are SMART Recovery, LifeRing, " +
		"Recovery Dharma, Refuge Recovery and Women for Sobriety — import their meeting lists to offer them\n"; !strings.HasSuffix(out, w) {
		t.Errorf("output ends\n%s\nwant\n%s", out[max(0, len(out)-300):], w)
	}

	_, out, _ = runCLI(t, "--db", db, "match", "--now", now, "--zip", "10001", "--miles", "0.5",
		"--days", "sun,sat", "--times", "morning,night", "--attend", "in-person", "--limit", "10")
	want = "No group fits all of these needs.\n" +
		"The need that ruled out the most listings: distance (1505).\n" +
		"To widen: no group within 0.5 miles meets on Sunday or Saturday in the morning or night; 1 does within 1.5 miles\n" +
		"To widen: no group within 0.5 miles meets on Sunday or Saturday in the morning or night; 3 do at any time\n"
	if out != want {
		t.Errorf("nothing fits:\n%s\nwant\n%s", out, want)
	}
}
