package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// icsLines reads a calendar file into its content lines, unfolded, failing
// on a line over 75 octets or one not ended by CRLF.
func icsLines(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("the calendar does not end in CRLF")
	}
	for _, l := range strings.Split(s, "\r\n") {
		if len(l) > 75 || strings.ContainsAny(l, "\r\n") {
			t.Fatalf("bad line %q", l)
		}
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(s, "\r\n ", ""), "\r\n"), "\r\n")
}

var icsUnescape = strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n")

// icsValues returns the values of every property named name, TEXT unescaped.
func icsValues(lines []string, name string) []string {
	var out []string
	for _, l := range lines {
		head, v, _ := strings.Cut(l, ":")
		if head == name || strings.HasPrefix(head, name+";") {
			out = append(out, icsUnescape.Replace(v))
		}
	}
	return out
}

// The flags of a Tuesday-evening client near Center City, at noon on a Tuesday.
var tuesdayEvening = []string{"--zip", "19107", "--miles", "5", "--days", "tue", "--times", "evening",
	"--attend", "in-person", "--limit", "4", "--now", "2026-10-27T12:00:00-04:00"}

func TestSheetCalendarOfTheTopMatchesOnTheRealFeed(t *testing.T) {
	db := sepiaDirectory(t)
	ics := filepath.Join(t.TempDir(), "groups.ics")
	code, stdout, errOut := runCLI(t, append([]string{"--db", db, "sheet", "--ics", ics}, tuesdayEvening...)...)
	if code != exitOK {
		t.Fatalf("sheet --ics exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "4 groups, calendar") {
		t.Errorf("stdout %q", stdout)
	}
	if fi, err := os.Stat(ics); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("calendar file: %v; want mode 0600", err)
	}
	lines := icsLines(t, ics)

	_, out, _ := runCLI(t, append([]string{"--db", db, "match", "--json"}, tuesdayEvening...)...)
	var matched []candidateJSON
	if err := json.Unmarshal([]byte(out), &matched); err != nil || len(matched) != 4 {
		t.Fatalf("match gave %d candidates (%v)", len(matched), err)
	}
	summaries := strings.Join(icsValues(lines, "SUMMARY"), "\n")
	for _, c := range matched {
		if !strings.Contains(summaries, c.Name+" (AA)") {
			t.Errorf("the sheet's group %q is not in the calendar:\n%s", c.Name, summaries)
		}
	}
	starts := icsValues(lines, "DTSTART")
	events := len(icsValues(lines, "UID"))
	if events < 4 || len(icsValues(lines, "RRULE")) != events {
		t.Fatalf("%d events with %d RRULEs, want a weekly one per session of 4 groups", events, len(icsValues(lines, "RRULE")))
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "DTSTART;") && !strings.HasPrefix(l, "DTSTART;TZID=America/New_York:20261027T") {
			t.Errorf("%q: want this Tuesday evening on Philadelphia's clock", l)
		}
		if strings.HasPrefix(l, "RRULE:") && l != "RRULE:FREQ=WEEKLY;BYDAY=TU" {
			t.Errorf("%q, want weekly on Tuesdays", l)
		}
	}
	if len(starts) <= events || len(icsValues(lines, "TZID")) != 1 {
		t.Errorf("want one VTIMEZONE for America/New_York besides the %d events", events)
	}
	if locs := icsValues(lines, "LOCATION"); len(locs) != events || !strings.Contains(locs[0], ", PA") {
		t.Errorf("in-person events need their address: %q", locs)
	}
	if _, hist, _ := runCLI(t, "--db", db, "history", "--json"); strings.TrimSpace(hist) != "[]" {
		t.Errorf("a calendar alone was logged as a referral: %s", hist)
	}
}

func TestSheetWithCalendarKeepsTheNameOffThePhone(t *testing.T) {
	db := sepiaDirectory(t)
	dir := t.TempDir()
	pdf, ics := filepath.Join(dir, "sheet.pdf"), filepath.Join(dir, "groups.ics")
	args := append([]string{"--db", db, "sheet", "--name", "Xiomara", "--label", "R. intake", "--lang", "es",
		"--out", pdf, "--ics", ics}, tuesdayEvening...)
	if code, _, errOut := runCLI(t, args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	raw, err := os.ReadFile(ics)
	if err != nil {
		t.Fatal(err)
	}
	for _, private := range []string{"Xiomara", "R. intake"} {
		if strings.Contains(string(raw), private) {
			t.Errorf("the calendar names the client: %q", private)
		}
	}
	if fi, err := os.Stat(pdf); err != nil || fi.Size() == 0 {
		t.Errorf("the sheet was not written beside the calendar: %v", err)
	}
	_, hist, _ := runCLI(t, "--db", db, "history", "--json")
	var log []referralJSON
	if err := json.Unmarshal([]byte(hist), &log); err != nil || len(log) != 1 || len(log[0].Groups) != 4 {
		t.Fatalf("the printed sheet should be logged once with its 4 groups: %s", hist)
	}
	summaries := strings.Join(icsValues(icsLines(t, ics), "SUMMARY"), "\n")
	for _, g := range log[0].Groups {
		if !strings.Contains(summaries, g.Name) {
			t.Errorf("logged group %q is not in the calendar", g.Name)
		}
	}
}

func TestSheetCalendarBadInput(t *testing.T) {
	db := sepiaDirectory(t)
	dir := t.TempDir()
	for name, tt := range map[string]struct {
		args []string
		code int
		says string
	}{
		"neither file":     {[]string{"--pick", "1"}, exitUsage, "--ics"},
		"a folder":         {[]string{"--pick", "1", "--ics", dir}, exitFail, "is a folder"},
		"no such folder":   {[]string{"--pick", "1", "--ics", filepath.Join(dir, "no", "x.ics")}, exitFail, "choose a folder"},
		"unknown language": {[]string{"--pick", "1", "--lang", "fr", "--ics", filepath.Join(dir, "x.ics")}, exitUsage, "fr"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"--db", db, "sheet"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.says) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", code, errOut, tt.code, tt.says)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("failed calendars left files behind: %v", left)
	}
}
