package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sepiaDirectory is a database holding the real SEPIA AA feed as source
// "aa", with the clinic's zone set so no command guesses it.
func sepiaDirectory(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "desk.db")
	importJSONOf(t, "--db", db, "import", "--source", "aa", "--program", "AA", sepiaFeed)
	for _, kv := range []string{"clinic.name=Riverside Recovery Clinic", "clinic.timezone=America/New_York"} {
		if code, _, errOut := runCLI(t, "--db", db, "settings", kv); code != exitOK {
			t.Fatalf("settings %s: exit %d %s", kv, code, errOut)
		}
	}
	return db
}

// giftNeeds find "The Gift", which SEPIA lists twice: Tuesday 8 AM and
// Thursday 8 AM at 330 S 13th St, two listings of one group.
var giftNeeds = []string{"--zip", "19107", "--miles", "1", "--days", "tue,thu", "--times", "morning",
	"--attend", "in-person", "--now", "2026-10-27T06:00:00-04:00"}

// schedules are the sheet's lines that name a weekday, spaces squeezed and
// zone abbreviations left out: they follow the date a sheet is printed on
// (EDT in October, EST in December), the days and times must not.
func schedules(text string) []string {
	day := regexp.MustCompile(`(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day`)
	zone := regexp.MustCompile(`\b(EDT|EST)\b`)
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if day.MatchString(l) {
			out = append(out, strings.Join(strings.Fields(zone.ReplaceAllString(l, "")), " "))
		}
	}
	slices.Sort(out)
	return out
}

type feedListing = map[string]any

func readFeed(t *testing.T, path string) []feedListing {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ls []feedListing
	if err := json.Unmarshal(b, &ls); err != nil {
		t.Fatal(err)
	}
	return ls
}

func TestReprintAfterTheDirectoryChangedIsTheSameSheet(t *testing.T) {
	db := sepiaDirectory(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "first.pdf")
	code, _, errOut := runCLI(t, append([]string{"--db", db, "sheet", "--limit", "8", "--name", "Xiomara", "--out", first}, giftNeeds...)...)
	if code != exitOK {
		t.Fatalf("sheet exit %d: %s", code, errOut)
	}
	_, hist, _ := runCLI(t, "--db", db, "history", "--json")
	var log []referralJSON
	if err := json.Unmarshal([]byte(hist), &log); err != nil || len(log) != 1 {
		t.Fatalf("history --json: %v\n%s", err, hist)
	}
	var gift, other string // source ids of the referred listings
	for _, g := range log[0].Groups {
		switch {
		case g.Name == "The Gift":
			gift = g.SourceID
		case other == "":
			other = g.SourceID
		}
	}
	if gift == "" || other == "" {
		t.Fatalf("the sheet lists %+v; the test needs The Gift and another group", log[0].Groups)
	}
	firstText := pdfText(t, first)
	if !strings.Contains(strings.Join(strings.Fields(firstText), " "), "Tuesday and Thursday 8:00 AM") {
		t.Fatalf("the sheet does not print The Gift's two days:\n%s", firstText)
	}

	// The intergroup's next feed: The Gift's other listing moved to Friday,
	// and the other referred group's listing is gone.
	feed := readFeed(t, sepiaFeed)
	moved := false
	feed = slices.DeleteFunc(feed, func(l feedListing) bool { return l["slug"] == other })
	for _, l := range feed {
		if l["name"] == "The Gift" && l["slug"] != gift && l["formatted_address"] == "330 S 13th St, Philadelphia, PA 19107, USA" {
			l["day"], moved = 5, true
		}
	}
	if !moved {
		t.Fatal("the feed has no second listing of The Gift")
	}
	next := filepath.Join(dir, "aasepia-next.json")
	b, _ := json.Marshal(feed)
	if err := os.WriteFile(next, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := importJSONOf(t, "--db", db, "import", "--source", "aa", "--program", "AA", next); r.Updated != 1 || r.Removed != 1 {
		t.Fatalf("the second import = %+v, want 1 updated and 1 removed", r)
	}
	_, listed, _ := runCLI(t, "--db", db, "groups", "--json", "The Gift")
	var now []groupJSON
	if err := json.Unmarshal([]byte(listed), &now); err != nil {
		t.Fatal(err)
	}
	var days []string
	for _, g := range now {
		if g.Address == "330 S 13th St" || strings.HasPrefix(g.Address, "330 S 13th") {
			for _, s := range g.Sessions {
				days = append(days, s.Day)
			}
		}
	}
	if slices.Sort(days); !slices.Equal(days, []string{"fri", "tue"}) {
		t.Fatalf("The Gift is listed on %v now, want tue and fri: the directory did not change as the test needs", days)
	}

	again := filepath.Join(dir, "again.pdf")
	code, stdout, errOut := runCLI(t, "--db", db, "history", "--reprint", "1", "--out", again)
	if code != exitOK {
		t.Fatalf("history --reprint exit %d: %s", code, errOut)
	}
	if want := fmt.Sprintf("%s: referral 1, %d groups", again, len(log[0].Groups)); !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if !strings.Contains(errOut, "no longer in the directory") {
		t.Errorf("stderr %q does not say a group was removed", errOut)
	}
	if fi, err := os.Stat(again); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("reprint file: %v; want mode 0600", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".again.pdf*")); len(left) != 0 {
		t.Errorf("the reprint left %v behind", left)
	}
	againText := pdfText(t, again)
	if got, want := schedules(againText), schedules(firstText); !slices.Equal(got, want) {
		t.Errorf("the reprint's days and times\n%s\nwant the sheet's\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(againText, "Listing removed since — call ahead."); n != 1 {
		t.Errorf("the reprint marks %d groups removed, want 1:\n%s", n, againText)
	}
	if strings.Contains(againText, "Xiomara") {
		t.Error("the reprint prints the first name, which the log must not have kept")
	}
	for _, f := range []string{db, db + "-wal"} {
		if raw, _ := os.ReadFile(f); bytes.Contains(raw, []byte("Xiomara")) {
			t.Errorf("the first name was stored in %s", filepath.Base(f))
		}
	}
}

func TestHistoryReprintBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	seed(t, db, niño())
	if code, _, errOut := runCLI(t, "--db", db, "sheet", "--pick", "1", "--out", filepath.Join(t.TempDir(), "s.pdf")); code != exitOK {
		t.Fatalf("sheet: exit %d %s", code, errOut)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "a.pdf")
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"unknown id", []string{"--reprint", "99", "--out", out}, exitFail, "no referral 99 in the log"},
		{"no --out", []string{"--reprint", "1"}, exitUsage, "--out FILE.pdf"},
		{"not an id", []string{"--reprint", "first", "--out", out}, exitUsage, "reprint"},
		{"zero", []string{"--reprint", "0", "--out", out}, exitUsage, "referral id"},
		{"--out alone", []string{"--out", out}, exitUsage, "--reprint ID"},
		{"with --json", []string{"--reprint", "1", "--out", out, "--json"}, exitUsage, "--json"},
		{"folder that does not exist", []string{"--reprint", "1", "--out", filepath.Join(dir, "no", "a.pdf")}, exitFail, "choose a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"--db", db, "history"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.says) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", code, errOut, tt.code, tt.says)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("failed reprints left files behind: %v", left)
	}
	code, stdout, errOut := runCLI(t, "--db", db, "history", "--reprint", "1", "--out", out)
	if code != exitOK || !strings.Contains(stdout, out+": referral 1, 1 groups") {
		t.Fatalf("reprint exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	if text := strings.Join(strings.Fields(pdfText(t, out)), " "); !strings.Contains(text, "Grupo Niño Feliz") || !strings.Contains(text, "Tuesday 7:00 PM") {
		t.Errorf("the reprint does not print the group:\n%s", text)
	}
}

func TestMatchLimit(t *testing.T) {
	db := sepiaDirectory(t)
	code, out, errOut := runCLI(t, "--db", db, "match", "--json", "--zip", "19107", "--miles", "25", "--limit", "100")
	if code != exitOK {
		t.Fatalf("--limit 100: exit %d %s", code, errOut)
	}
	var got []candidateJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 {
		t.Errorf("--limit 100 listed %d groups; SEPIA has hundreds within 25 miles", len(got))
	}
	for _, args := range [][]string{{"match"}, {"sheet", "--out", filepath.Join(t.TempDir(), "s.pdf")}} {
		code, _, errOut = runCLI(t, append([]string{"--db", db, args[0], "--zip", "19107", "--limit", "101"}, args[1:]...)...)
		if code != exitUsage || !strings.Contains(errOut, "between 1 and 100") {
			t.Errorf("%s --limit 101: exit %d, stderr %q; want a usage error", args[0], code, errOut)
		}
	}

	// A sheet takes the same --limit and prints the best 8.
	sheet := filepath.Join(t.TempDir(), "s.pdf")
	code, stdout, errOut := runCLI(t, "--db", db, "sheet", "--zip", "19107", "--miles", "25", "--limit", "20", "--out", sheet)
	if code != exitOK || !strings.Contains(stdout, "8 groups") || !strings.Contains(errOut, "the best 8 of the 20 matches") {
		t.Errorf("sheet --limit 20: exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	_, top8, _ := runCLI(t, "--db", db, "match", "--json", "--zip", "19107", "--miles", "25", "--limit", "8")
	var best []candidateJSON
	if err := json.Unmarshal([]byte(top8), &best); err != nil {
		t.Fatal(err)
	}
	_, hist, _ := runCLI(t, "--db", db, "history", "--json")
	var log []referralJSON
	if err := json.Unmarshal([]byte(hist), &log); err != nil || len(log) != 1 {
		t.Fatalf("history: %v %s", err, hist)
	}
	for i, g := range log[0].Groups {
		if i >= len(best) || g.GroupID != best[i].ID {
			t.Errorf("sheet group %d is %d %q, want match --limit 8's", i+1, g.GroupID, g.Name)
		}
	}
}

func TestMatchJSONListsEveryFoldedListing(t *testing.T) {
	db := sepiaDirectory(t)
	code, out, errOut := runCLI(t, append([]string{"--db", db, "match", "--json", "--limit", "20"}, giftNeeds...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []candidateJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(c candidateJSON) bool { return c.Name == "The Gift" })
	if i < 0 {
		t.Fatalf("The Gift is not among %d candidates", len(got))
	}
	c := got[i]
	if len(c.Listings) != 2 || c.Listings[0].ID != c.ID || c.Listings[0].SourceID != c.SourceID {
		t.Fatalf("The Gift lists %+v, want its own listing first and the other weekday's", c.Listings)
	}
	var days []string
	for _, l := range c.Listings {
		for _, s := range l.Sessions {
			days = append(days, s.Day+" "+s.Start)
		}
	}
	slices.Sort(days)
	if want := []string{"thu 08:00", "tue 08:00"}; !slices.Equal(days, want) {
		t.Errorf("The Gift's listings meet %v, want %v", days, want)
	}
	for _, other := range got {
		if len(other.Listings) == 0 || other.Listings[0].ID != other.ID {
			t.Errorf("%q lists %+v; every candidate lists its own listing first", other.Name, other.Listings)
		}
	}
}
