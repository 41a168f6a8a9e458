package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// The catalogue of bad input: every kind of wrong file, value or flag a
// person or a feed hands the command line, each run against a desk that has
// something to lose (a real import, a curated group, a logged referral,
// saved settings). Each case says the command, the exit code, the sentence
// the person reads, and what the database holds afterwards: nothing a
// refusal could change has changed, and what a repair kept is there.

// deskState is what a person would miss if a bad input destroyed it.
type deskState struct {
	Sources   map[string]int // listings per source
	Curation  string         // the curated group's medication-friendly and notes
	Referrals int
	Settings  map[string]string
}

// desk is the database every case starts from, copied per case.
type desk struct {
	path    string
	curated string // SourceID of the curated listing, in source "aa"
	state   deskState
	csv     []byte // source "aa" exported as CSV
	sepia   []feedListing
	bmlt    map[string]json.RawMessage // the NA feed's object, meetings cut to a few
}

const (
	curatedNote = "Ask for Rosa at the side door"
	clinicName  = "Riverside Recovery Clinic"
)

// prepareDesk imports the first records of the real SEPIA feed as source
// "aa", curates one group, prints a sheet (which logs a referral) and saves
// settings, all through the command line.
func prepareDesk(t *testing.T) *desk {
	t.Helper()
	dir := t.TempDir()
	d := &desk{path: filepath.Join(dir, "desk.db"), sepia: readFeed(t, sepiaFeed)}
	first := writeJSONFile(t, dir, "aa.json", d.sepia[:40])
	importJSONOf(t, "--db", d.path, "import", "--source", "aa", "--program", "AA", first)
	for _, kv := range []string{"clinic.name=" + clinicName, "clinic.timezone=America/New_York", "retention.days=120"} {
		mustRun(t, "--db", d.path, "settings", kv)
	}
	var groups []groupJSON
	if err := json.Unmarshal([]byte(mustRun(t, "--db", d.path, "groups", "--json")), &groups); err != nil || len(groups) == 0 {
		t.Fatalf("groups --json: %v", err)
	}
	g := groups[0]
	d.curated = g.SourceID
	id := fmt.Sprint(g.ID)
	mustRun(t, "--db", d.path, "curate", id, "--moud", "yes", "--note", curatedNote)
	mustRun(t, "--db", d.path, "sheet", "--pick", id, "--now", "2026-03-03T10:00:00-05:00", "--out", filepath.Join(dir, "first.pdf"))
	d.csv = []byte(mustRun(t, "--db", d.path, "export", "--format", "csv", "--source", "aa"))
	d.state = readDesk(t, d.path, d.curated)
	if d.state.Sources["aa"] != 40 || d.state.Referrals != 1 || d.state.Curation != "yes "+curatedNote {
		t.Fatalf("prepared desk is %+v", d.state)
	}
	b, err := os.ReadFile(naFeed)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d.bmlt); err != nil {
		t.Fatal(err)
	}
	var meetings []json.RawMessage
	if err := json.Unmarshal(d.bmlt["meetings"], &meetings); err != nil {
		t.Fatal(err)
	}
	d.bmlt["meetings"], _ = json.Marshal(meetings[:5])
	return d
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("%s: exit %d: %s", strings.Join(args[2:], " "), code, errOut)
	}
	return out
}

func writeJSONFile(t *testing.T, dir, name string, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readDesk reads what the database at path holds, through the store the
// program uses.
func readDesk(t *testing.T, path, curated string) deskState {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("the database cannot be opened afterwards: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	s := deskState{Sources: map[string]int{}, Settings: map[string]string{}}
	groups := sqlite.NewGroupService(db)
	sources, err := groups.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		s.Sources[src.Name] = src.Groups
	}
	if g, err := groups.FindGroupBySourceID(ctx, "aa", curated); err == nil {
		s.Curation = string(g.Curation.Medication()) + " " + g.Curation.Notes
	}
	if _, s.Referrals, err = sqlite.NewHistoryService(db).FindReferrals(ctx, referral.ReferralFilter{}); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.NewSettingsService(db).Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range st.Values() {
		s.Settings[kv.Key] = kv.Value
	}
	return s
}

// input builders, each from the real feeds where one fits.

// mgFile is the first n SEPIA records, changed by edit, as JSON; each pair
// of swaps then replaces bytes in it (for bytes JSON cannot say: bad UTF-8).
func (d *desk) mgFile(n int, edit func(rs []feedListing), swaps ...string) []byte {
	rs := make([]feedListing, n)
	for i := range rs {
		rs[i] = feedListing{}
		for k, v := range d.sepia[i] {
			rs[i][k] = v
		}
	}
	if edit != nil {
		edit(rs)
	}
	b, err := json.Marshal(rs)
	if err != nil {
		panic(err)
	}
	for i := 0; i+1 < len(swaps); i += 2 {
		b = bytes.ReplaceAll(b, []byte(swaps[i]), []byte(swaps[i+1]))
	}
	return b
}

// bmltFile is the NA feed with its first five meetings, the first changed
// by edit (all its values are strings, as BMLT servers send them).
func (d *desk) bmltFile(edit func(m map[string]any), swaps ...string) []byte {
	var meetings []map[string]any
	if err := json.Unmarshal(d.bmlt["meetings"], &meetings); err != nil {
		panic(err)
	}
	if edit != nil {
		edit(meetings[0])
	}
	obj := map[string]any{"meetings": meetings, "formats": d.bmlt["formats"], "service_bodies": d.bmlt["service_bodies"]}
	b, err := json.Marshal(obj)
	if err != nil {
		panic(err)
	}
	for i := 0; i+1 < len(swaps); i += 2 {
		b = bytes.ReplaceAll(b, []byte(swaps[i]), []byte(swaps[i+1]))
	}
	return b
}

// csvFile is source "aa" as the CSV export wrote it: its header and first
// n rows, changed by edit.
func (d *desk) csvFile(n int, edit func(rows [][]string) [][]string) []byte {
	rows, err := csv.NewReader(bytes.NewReader(d.csv)).ReadAll()
	if err != nil {
		panic(err)
	}
	rows = rows[:n+1]
	if edit != nil {
		rows = edit(rows)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.Bytes()
}

// dropColumns removes the named columns from a table.
func dropColumns(rows [][]string, names ...string) [][]string {
	out := make([][]string, len(rows))
	for r, row := range rows {
		for i, cell := range row {
			if !slices.Contains(names, rows[0][i]) {
				out[r] = append(out[r], cell)
			}
		}
	}
	return out
}

// setCell sets column name of data row row (1-based) to value.
func setCell(rows [][]string, row int, name, value string) [][]string {
	rows[row][slices.Index(rows[0], name)] = value
	return rows
}

// Database files as the bad --db cases need them.

// damage overwrites a page in the middle of the closed database file with
// garbage. The file is vacuumed first so that every page is in use: garbage
// on a free page would harm nothing.
func damage(t *testing.T, path string) {
	t.Helper()
	execSQL(t, path, `VACUUM`)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pageSize := int(b[16])<<8 | int(b[17])
	middle := len(b) / pageSize / 2
	for i := range pageSize {
		b[middle*pageSize+i] = byte(i*7 + 13)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// fromTheFuture records a migration this build does not know, as a newer
// Referral Desk would have.
func fromTheFuture(t *testing.T, path string) {
	t.Helper()
	execSQL(t, path, `INSERT INTO migrations (name) VALUES ('9999_future.sql')`)
}

// execSQL runs a statement on the database file with database/sql, as
// another program would, not through the store.
func execSQL(t *testing.T, path, statement string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(statement); err != nil {
		t.Fatal(err)
	}
}

// catalogueCase is one bad input. In args, "DB" is the case's copy of the
// desk and "DIR/name" a file of the case's folder (files are written there
// first).
type catalogueCase struct {
	name  string
	files map[string][]byte
	// prepare changes the case's database file before the command.
	prepare func(t *testing.T, path string)
	args    []string
	code    int
	// says and alsoSays are in what the command printed, stdout or stderr.
	says, alsoSays string
	// then runs a second command whose output must say thenSays and not
	// thenNot: what a person would look at next.
	then              []string
	thenSays, thenNot string
	// change is how the desk differs afterwards; nil for not at all.
	change func(s *deskState)
	// sameFile: the database cannot be opened (it is damaged or newer), so
	// its file must be byte for byte as it was.
	sameFile bool
}

func on(args ...string) []string { return append([]string{"--db", "DB"}, args...) }

func importing(file string, extra ...string) []string {
	return on(append(append([]string{"import", "--source", "cat", "--program", "AA"}, extra...), "DIR/"+file)...)
}

func listings(n int) func(s *deskState) {
	return func(s *deskState) { s.Sources["cat"] = n }
}

func catalogue(d *desk) []catalogueCase {
	const megabyte = 1 << 20
	bigName := strings.Repeat("Serenity ", megabyte/9+1)[:megabyte]
	html := []byte("<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body>try later</body></html>\n")
	noDays := func(rs []feedListing) {
		for _, r := range rs {
			r["day"] = 9
		}
	}
	return []catalogueCase{
		// Meeting Guide JSON: repairs that keep the listing.
		{name: "MG bytes that are not UTF-8 in a name and notes",
			files: map[string][]byte{"f.json": d.mgFile(5, nil, "Chester-Woodlyn", "Chester-Woodl\xffyn", "Opposite Woodlyn", "Opposite \xe9Woodlyn")},
			args:  importing("f.json"), code: exitOK,
			says:     "repaired 1× name: the text had invalid characters (bytes that are not UTF-8), repaired: replaced with \uFFFD",
			alsoSays: "repaired 1× notes: the text had invalid characters",
			then:     on("groups", "Woodl"), thenSays: "Chester-Woodl\uFFFDyn", change: listings(5)},
		{name: "MG direction overrides removed, Hebrew and emoji kept",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["name"] = "\u202eChester\u202c שלום 😀" })},
			args:  importing("f.json"), code: exitOK,
			says: "repaired 1× name: invisible characters that reverse the direction of text (U+202A–U+202E, U+2066–U+2069) removed",
			then: on("groups", "Chester"), thenSays: "Chester שלום 😀", thenNot: "\u202e", change: listings(5)},
		{name: "MG control characters in notes: spaces, so the export reads back",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["notes"] = "Side\x00door\x1b[1m" })},
			args:  importing("f.json"), code: exitOK,
			says: "repaired 1× notes: control characters replaced with spaces",
			then: on("export", "--format", "csv", "--source", "cat"), thenSays: "Side door [1m", thenNot: "\x00", change: listings(5)},
		{name: "MG script in a name is plain text",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) {
				rs[0]["name"] = "<script>alert(1)</script>Chester"
				rs[0]["notes"] = `<img src=x onerror="alert(2)">Side door`
			})},
			args: importing("f.json"), code: exitOK, says: `→ source "cat" (meeting-guide): 5 added`,
			then: on("groups", "--json", "alert"), thenSays: `"name": "alert(1)Chester"`, thenNot: "script", change: listings(5)},
		{name: "MG javascript: conference link dropped",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["conference_url"] = "javascript:alert(1)" })},
			args:  importing("f.json"), code: exitOK,
			says: `repaired 1× conference_url: "javascript:alert(1)" is a javascript: link, not a web address (http or https); left out`,
			then: on("groups", "--json", "Chester-Woodlyn"), thenNot: "javascript", change: listings(5)},
		{name: "MG data: page link dropped, listing kept",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[1]["url"] = "data:text/html,<script>alert(1)</script>" })},
			args:  importing("f.json"), code: exitOK,
			says: `is a data: link, not a web address (http or https); left out`, change: listings(5)},
		{name: "MG vbscript: feedback link dropped",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[2]["feedback_url"] = "VBScript:msgbox(1)" })},
			args:  importing("f.json"), code: exitOK,
			says: `repaired 1× feedback_url: "VBScript:msgbox(1)" is a vbscript: link`, change: listings(5)},
		{name: "MG latitude beyond 90: kept without a place",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["latitude"] = "95" })},
			args:  importing("f.json"), code: exitOK,
			says: "repaired 1× latitude: coordinates 95, -75.3543743 are not on Earth; left out", change: listings(5)},
		{name: "MG longitude NaN: kept without a place",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["longitude"] = "NaN" })},
			args:  importing("f.json"), code: exitOK,
			says: "repaired 1× latitude: coordinates 39.8712402, NaN are not on Earth; left out", change: listings(5)},
		{name: "MG latitude as words",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["latitude"] = "north" })},
			args:  importing("f.json"), code: exitOK,
			says: `repaired 1× latitude: coordinates "north", "-75.3543743" are not numbers; left out`, change: listings(5)},
		{name: "MG day 7 beside a good day: that session dropped",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["day"] = []int{1, 7} })},
			args:  importing("f.json"), code: exitOK,
			says: "repaired 1× day: day 7 is out of range; use 0 (Sunday) to 6 (Saturday); left out, the listing keeps its other days", change: listings(5)},
		{name: "MG day -1: listing skipped",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["day"] = -1 })},
			args:  importing("f.json"), code: exitOK,
			says:   `skipped record 1 (id "meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000") "Chester-Woodlyn": day: day -1 is out of range; use 0 (Sunday) to 6 (Saturday)`,
			change: listings(4)},
		{name: "MG time 25:61: listing skipped",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[1]["time"] = "25:61" })},
			args:  importing("f.json"), code: exitOK,
			says: `"Shoulder to Shoulder Group": time: "25:61" is not a time of day`, change: listings(4)},
		{name: "MG no listing has a day left: refused",
			files: map[string][]byte{"f.json": d.mgFile(5, noDays)},
			args:  importing("f.json"), code: exitFail,
			says: `f.json: the file has no meeting in it: none of its 5 records is a meeting that can be listed; record 1 (id "meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000") "Chester-Woodlyn" skipped: day: day 9 is out of range`},
		{name: "MG duplicate ids: the first wins",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[1]["slug"] = rs[0]["slug"] })},
			args:  importing("f.json"), code: exitOK,
			says:   `skipped record 2 (id "meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000") "Shoulder to Shoulder Group": slug: duplicate id "meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000": record 1 already has it`,
			change: listings(4)},
		{name: "MG a name of a megabyte is shortened",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["name"] = bigName })},
			args:  importing("f.json"), code: exitOK,
			says: "repaired 1× name: the text is 1,048,576 characters long, more than 200; shortened to at most 200",
			then: on("groups", "--json", "Serenity"), thenSays: `Serenity Serenity…"`, change: listings(5)},
		{name: "MG cut short in the middle of a record",
			files: map[string][]byte{"f.json": func() []byte { b := d.mgFile(5, nil); return b[:len(b)/2] }()},
			args:  importing("f.json"), code: exitFail,
			says: "f.json: the Meeting Guide file ends in the middle of record 3 (byte"},
		{name: "MG an object where the days are",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["day"] = map[string]int{"monday": 1} })},
			args:  importing("f.json"), code: exitOK,
			says: `"Chester-Woodlyn": day: expected a weekday (0 for Sunday to 6 for Saturday) or a list of them, found an object`, change: listings(4)},
		{name: "MG a list where a time is",
			files: map[string][]byte{"f.json": d.mgFile(5, func(rs []feedListing) { rs[0]["time"] = []int{19, 30} })},
			args:  importing("f.json"), code: exitOK,
			says: `"Chester-Woodlyn": time: expected a time such as 19:30, found a list`, change: listings(4)},
		{name: "MG a list where a record is",
			files: map[string][]byte{"f.json": append([]byte(`[["Chester-Woodlyn", 0, "00:00"],`), d.mgFile(5, nil)[1:]...)},
			args:  importing("f.json"), code: exitOK,
			says: "skipped record 1: record: expected a meeting (a JSON object), found a list", change: listings(5)},
		{name: "MG nulls everywhere",
			files: map[string][]byte{"f.json": d.mgFile(3, func(rs []feedListing) {
				for _, r := range rs {
					for k := range r {
						r[k] = nil
					}
				}
			})},
			args: importing("f.json"), code: exitFail,
			says: "the file has no meeting in it: none of its 3 records is a meeting that can be listed; record 1 skipped: name: the record has no name"},
		{name: "MG only nulls", files: map[string][]byte{"f.json": []byte("[null, null]")},
			args: importing("f.json"), code: exitFail, says: "it holds only empty records (2 records, each null)"},
		{name: "MG into a source it would empty: curation kept",
			files: map[string][]byte{"f.json": d.mgFile(3, nil)},
			args:  on("import", "--source", "aa", "--program", "AA", "DIR/f.json"), code: exitFail,
			says: "this import would remove 37 of the 40 active listings of aa (more than half)"},

		// Files that are no feed at all.
		{name: "HTML saved as .json", files: map[string][]byte{"f.json": html},
			args: importing("f.json"), code: exitFail, says: "f.json: the file has no meeting in it: it holds HTML (a web page, perhaps an error page or a login page)"},
		{name: "an empty file", files: map[string][]byte{"f.json": nil},
			args: importing("f.json"), code: exitFail, says: "f.json: the file has no meeting in it: it is empty"},
		{name: "an empty list", files: map[string][]byte{"f.json": []byte("[]\n")},
			args: importing("f.json"), code: exitFail, says: "it holds no record (an empty list such as [])"},
		{name: "a PDF as a feed", files: map[string][]byte{"f.json": []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")},
			args: importing("f.json"), code: exitFail, says: "the file is not text but a PDF document"},
		{name: "a folder as the file", files: map[string][]byte{"feeds/x.json": d.mgFile(2, nil)},
			args: importing("feeds"), code: exitFail, says: "feeds: it is a folder, not a directory file; give the feed file inside it"},
		{name: "a file that is not there",
			args: importing("missing.json"), code: exitFail, says: "missing.json: cannot read the file (no such file or directory); check the name"},

		// BMLT JSON.
		{name: "BMLT weekday 8: skipped",
			files: map[string][]byte{"n.json": d.bmltFile(func(m map[string]any) { m["weekday_tinyint"] = "8" })},
			args:  on("import", "--source", "cat", "DIR/n.json"), code: exitOK,
			says: `"Nothing Macho": weekday_tinyint: weekday "8" is out of range; BMLT uses 1 (Sunday) to 7 (Saturday)`, change: listings(4)},
		{name: "BMLT javascript: meeting link dropped",
			files: map[string][]byte{"n.json": d.bmltFile(func(m map[string]any) { m["virtual_meeting_link"] = " javascript:fetch('//x')" })},
			args:  on("import", "--source", "cat", "DIR/n.json"), code: exitOK,
			says: `repaired 1× conference_url: "javascript:fetch('//x')" is a javascript: link`, change: listings(5)},
		{name: "BMLT longitude 200",
			files: map[string][]byte{"n.json": d.bmltFile(func(m map[string]any) { m["longitude"] = "200" })},
			args:  on("import", "--source", "cat", "DIR/n.json"), code: exitOK,
			says: "repaired 1× latitude: coordinates 40.8806192784682, 200 are not on Earth; left out", change: listings(5)},
		{name: "BMLT bytes that are not UTF-8",
			files: map[string][]byte{"n.json": d.bmltFile(nil, "Nothing Macho", "Nothing M\xe1cho")},
			args:  on("import", "--source", "cat", "DIR/n.json"), code: exitOK,
			says: "repaired 1× meeting_name: the text had invalid characters", change: listings(5)},
		{name: "BMLT an object where the start time is",
			files: map[string][]byte{"n.json": d.bmltFile(func(m map[string]any) { m["start_time"] = map[string]string{"h": "14"} })},
			args:  on("import", "--source", "cat", "DIR/n.json"), code: exitOK,
			says: `"Nothing Macho": start_time: expected a time such as 19:30:00, found an object`, change: listings(4)},
		{name: "BMLT meetings not a list",
			files: map[string][]byte{"n.json": []byte(`{"meetings": {"id_bigint": "2"}}`)},
			args:  on("import", "--source", "cat", "DIR/n.json"), code: exitFail,
			says: `the BMLT file is JSON of the wrong shape: expected a list under "meetings", found an object`},
		{name: "BMLT cut short",
			files: map[string][]byte{"n.json": func() []byte { b := d.bmltFile(nil); return b[:bytes.Index(b, []byte(`"Nothing Macho"`))] }()},
			args:  on("import", "--source", "cat", "DIR/n.json"), code: exitFail,
			says: "the BMLT file ends in the middle of record 1 (byte"},

		// CSV.
		{name: "CSV from Excel: byte-order mark and CRLF",
			files: map[string][]byte{"c.csv": append([]byte("\uFEFF"), bytes.ReplaceAll(d.csvFile(5, nil), []byte("\n"), []byte("\r\n"))...)},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitOK, says: `→ source "cat" (csv): 5 added`, change: listings(5)},
		{name: "CSV separated by semicolons",
			files: map[string][]byte{"c.csv": []byte("Name;Day;Time;Address\nHope;Monday;19:00;1 Main St\n")},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitFail,
			says: `c.csv: the file is a table whose columns are separated by semicolons, not commas (it begins "Name;Day;Time;Address"); save it as CSV with commas`},
		{name: "CSV separated by semicolons, format given",
			files: map[string][]byte{"c.csv": []byte("Name;Day;Time\nHope;Monday;19:00\n")},
			args:  on("import", "--source", "cat", "--format", "csv", "DIR/c.csv"), code: exitFail,
			says: "separated by semicolons, not commas"},
		{name: "CSV without a Day column",
			files: map[string][]byte{"c.csv": d.csvFile(5, func(ls [][]string) [][]string { return dropColumns(ls, "Day") })},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitFail,
			says: "c.csv: the CSV file has no Day column; its first row must name the columns"},
		{name: "CSV without Day and Time columns",
			files: map[string][]byte{"c.csv": d.csvFile(5, func(ls [][]string) [][]string { return dropColumns(ls, "Day", "Time") })},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitFail,
			says: "the CSV file has no Day and Time columns"},
		{name: "CSV bytes that are not UTF-8",
			files: map[string][]byte{"c.csv": bytes.Replace(d.csvFile(5, nil), []byte("Chester-Woodlyn"), []byte("Chester-W\xf6odlyn"), 1)},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitOK,
			says: "repaired 1× Name: the text had invalid characters", change: listings(5)},
		{name: "CSV direction overrides",
			files: map[string][]byte{"c.csv": bytes.Replace(d.csvFile(5, nil), []byte("Chester-Woodlyn"), []byte("Chester-\u2066Woodlyn\u2069"), 1)},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitOK,
			says: "repaired 1× Name: invisible characters that reverse the direction of text", change: listings(5)},
		{name: "CSV a name of a megabyte",
			files: map[string][]byte{"c.csv": bytes.Replace(d.csvFile(5, nil), []byte("Chester-Woodlyn"), []byte(bigName), 1)},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitOK,
			says: "repaired 1× Name: the text is 1,048,576 characters long, more than 200; shortened to at most 200", change: listings(5)},
		{name: "CSV a day that is no day",
			files: map[string][]byte{"c.csv": d.csvFile(5, func(ls [][]string) [][]string { return setCell(ls, 1, "Day", "Monday, Funday") })},
			args:  on("import", "--source", "cat", "DIR/c.csv"), code: exitOK,
			says: `repaired 1× day: day "Funday" is not a weekday; left out, the listing keeps its other days`, change: listings(5)},

		// The needs, on match and sheet.
		{name: "needs that contradict", args: on("match", "--zip", "19107", "--gender", "man", "--women-only"), code: exitUsage,
			says: "women-only groups cannot be offered to a man; untick women-only or change the gender"},
		{name: "sheet with needs that contradict", args: on("sheet", "--zip", "19107", "--gender", "woman", "--men-only", "--out", "DIR/s.pdf"),
			code: exitUsage, says: "men-only groups cannot be offered to a woman"},
		{name: "a ZIP that is no ZIP", args: on("match", "--zip", "1910A"), code: exitUsage, says: "--zip: "},
		{name: "0 miles", args: on("match", "--zip", "19107", "--miles", "0"), code: exitUsage,
			says: "distance must be more than 0 and at most 500 miles (got 0)"},
		{name: "-5 miles", args: on("match", "--zip", "19107", "--miles", "-5"), code: exitUsage, says: "(got -5)"},
		{name: "10000 miles", args: on("match", "--zip", "19107", "--miles", "10000"), code: exitUsage, says: "at most 500 miles (got 10000)"},
		{name: "funday", args: on("match", "--zip", "19107", "--days", "funday"), code: exitUsage,
			says: `--days: "funday" is not a day; use sun,mon,tue,wed,thu,fri,sat`},
		{name: "now is yesterday", args: on("match", "--zip", "19107", "--now", "yesterday"), code: exitUsage,
			says: `--now "yesterday" is not a time like 2026-11-27T14:30:00-05:00`},
		{name: "limit 0", args: on("match", "--zip", "19107", "--limit", "0"), code: exitUsage, says: "--limit must be between 1 and 100"},
		{name: "limit 1000", args: on("match", "--zip", "19107", "--limit", "1000"), code: exitUsage, says: "list between 1 and 100 groups (got 1000)"},
		{name: "a sheet of 1000 groups", args: on("sheet", "--zip", "19107", "--limit", "1000", "--out", "DIR/s.pdf"), code: exitUsage,
			says: "list between 1 and 100 groups (got 1000)"},

		// Settings.
		{name: "retention days negative", args: on("settings", "retention.days=-5"), code: exitUsage,
			says: "keep the referral log between 1 and 3650 days (got -5)"},
		{name: "a zone that does not exist", args: on("settings", "clinic.timezone=America/Atlantis"), code: exitUsage,
			says: `time zone "America/Atlantis" is unknown; use an IANA name such as America/Chicago`},
		{name: "a clinic name of a megabyte", args: on("settings", "clinic.name="+bigName), code: exitUsage,
			says: "the clinic's name is too long (1048576 letters; at most 100)"},
		{name: "a good setting then a bad one changes neither", args: on("settings", "counselor=Dana", "default.miles=lots"), code: exitUsage,
			says: "default.miles must be a number of miles, such as 10"},
		{name: "a setting that does not exist", args: on("settings", "colour=blue"), code: exitUsage, says: `There is no setting "colour"`},

		// The command line and the database file.
		{name: "a flag that does not exist", args: on("groups", "--colour"), code: exitUsage, says: "groups: flag provided but not defined: -colour"},
		{name: "a command that does not exist", args: on("frobnicate"), code: exitUsage, says: `unknown command "frobnicate"`},
		{name: "import with no file", args: on("import", "--source", "cat"), code: exitUsage, says: "import needs at least one FILE"},
		{name: "an unknown format", args: on("import", "--format", "xml", "DIR/f.json"), code: exitUsage, says: `--format "xml" is unknown`},
		{name: "an unknown import zone", args: on("import", "--timezone", "Mars/Olympus", "DIR/f.json"), code: exitUsage,
			says: `--timezone "Mars/Olympus" is unknown`},
		{name: "a folder as --db", files: map[string][]byte{"folder/x": nil},
			args: []string{"--db", "DIR/folder", "groups"}, code: exitFail, says: "folder is a folder, not a Referral Desk database; choose a file with --db."},
		{name: "a file that is not a database as --db", files: map[string][]byte{"notes.txt": []byte("my shopping list\n")},
			args: []string{"--db", "DIR/notes.txt", "groups"}, code: exitFail, says: "notes.txt is not a Referral Desk database; choose another file with --db."},
		{name: "a database from a newer version", prepare: fromTheFuture, args: on("groups"), code: exitFail, sameFile: true,
			says: "desk.db was written by a newer version of Referral Desk; update Referral Desk, or choose another file with --db."},
		{name: "a damaged database", prepare: damage, args: importing("f.json"), files: map[string][]byte{"f.json": d.mgFile(5, nil)},
			code: exitFail, sameFile: true, says: ": The database file ", alsoSays: "desk.db is damaged. Restore a backup"},
	}
}

// TestCatalogueOfBadInput runs every case of the catalogue against its own
// copy of one prepared desk.
func TestCatalogueOfBadInput(t *testing.T) {
	d := prepareDesk(t)
	original, err := os.ReadFile(d.path)
	if err != nil {
		t.Fatal(err)
	}
	cases := catalogue(d)
	if len(cases) < 40 {
		t.Fatalf("the catalogue has %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "desk.db")
			if err := os.WriteFile(db, original, 0o600); err != nil {
				t.Fatal(err)
			}
			for name, b := range tc.files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tc.prepare != nil {
				tc.prepare(t, db)
			}
			before, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			others := snapshotFiles(t, dir, tc.args)

			code, out, errOut := runCLI(t, caseArgs(tc.args, dir, db)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, short(out), short(errOut))
			}
			for _, want := range []string{tc.says, tc.alsoSays} {
				if said := out + errOut; !strings.Contains(said, want) {
					t.Errorf("the command does not say %q; it said:\n%s", want, short(said))
				}
			}
			if tc.code != exitOK && strings.Count(errOut, "\n") > 2 {
				t.Errorf("a refusal of %d lines:\n%s", strings.Count(errOut, "\n"), short(errOut))
			}
			if strings.Contains(out+errOut, "Internal error") {
				t.Errorf("an internal error:\n%s", short(out+errOut))
			}
			for path, b := range others {
				if now, _ := os.ReadFile(path); !bytes.Equal(now, b) {
					t.Errorf("%s, given as --db, was changed", filepath.Base(path))
				}
			}
			if tc.sameFile {
				if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
					t.Errorf("the database file was written to")
				}
				return
			}
			if tc.then != nil {
				_, next, nextErr := runCLI(t, caseArgs(tc.then, dir, db)...)
				if !strings.Contains(next, tc.thenSays) || (tc.thenNot != "" && strings.Contains(next, tc.thenNot)) {
					t.Errorf("%s says (want %q, not %q):\n%s%s", strings.Join(tc.then[2:], " "), tc.thenSays, tc.thenNot, short(next), nextErr)
				}
			}
			want := d.state
			want.Sources = map[string]int{}
			for k, v := range d.state.Sources {
				want.Sources[k] = v
			}
			if tc.change != nil {
				tc.change(&want)
			}
			if got := readDesk(t, db, d.curated); !reflect.DeepEqual(got, want) {
				t.Errorf("the desk holds\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

// caseArgs puts the case's database and folder into its arguments.
func caseArgs(args []string, dir, db string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		switch {
		case a == "DB":
			out[i] = db
		case strings.HasPrefix(a, "DIR/"):
			out[i] = filepath.Join(dir, strings.TrimPrefix(a, "DIR/"))
		default:
			out[i] = a
		}
	}
	return out
}

// snapshotFiles holds the bytes of the case's files given as --db other
// than its database: a file that is no database must come out unchanged.
func snapshotFiles(t *testing.T, dir string, args []string) map[string][]byte {
	files := map[string][]byte{}
	for i, a := range args {
		if a == "--db" && i+1 < len(args) && args[i+1] != "DB" {
			path := caseArgs(args[i+1:i+2], dir, "")[0]
			if b, err := os.ReadFile(path); err == nil {
				files[path] = b
			}
		}
	}
	return files
}

func short(s string) string { return referral.Truncate(s, 2000) }

// TestFailedWriteLeavesNoTemporaryFile: an export that fails after its
// temporary file was made, or that names a folder, leaves the folder as it
// was.
func TestFailedWriteLeavesNoTemporaryFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	seed(t, db, niño())
	out := t.TempDir()
	code, _, errOut := runCLI(t, "--db", db, "export", "--format", "csv", "--source", "nosuch", "--out", filepath.Join(out, "x.csv"))
	if code != exitFail || !strings.Contains(errOut, `there is no source "nosuch"`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "--db", db, "export", "--format", "csv", "--out", out)
	if code != exitFail || !strings.Contains(errOut, out+" is a folder; give the name of a file to write in it") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the folder holds %v", entries)
	}
}

// TestSheetRemovesWhatKilledRunsLeft: a sheet killed while writing leaves
// its hidden temporary file; the next write beside it removes those older
// than a few minutes, and nothing else.
func TestSheetRemovesWhatKilledRunsLeft(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	seed(t, db, niño())
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	files := map[string]bool{ // name → kept
		".s16.pdf.3590921243": false, // a killed run's, an hour old
		".s16.pdf.77":         false,
		".s16.pdf.12345":      true, // another run's, writing now
		".s16.pdf.tmp":        true, // not writeFileAtomic's
		".s16.pdf.":           true,
		".s17.pdf.3590921243": true, // another file's
		"s16.pdf.3590921243":  true, // not hidden
		".notes":              true,
	}
	for name := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if name != ".s16.pdf.12345" {
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	folder := filepath.Join(dir, ".s16.pdf.4242") // a folder by the name is no file of ours
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(folder, old, old)

	code, _, errOut := runCLI(t, "--db", db, "sheet", "--pick", "1", "--out", filepath.Join(dir, "s16.pdf"))
	if code != exitOK {
		t.Fatalf("sheet exit %d: %s", code, errOut)
	}
	for name, kept := range files {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", name, err == nil, kept)
		}
	}
	if _, err := os.Stat(folder); err != nil {
		t.Errorf("the folder %s was removed", filepath.Base(folder))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "s16.pdf")); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("s16.pdf: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	kept := 1 + 1 // s16.pdf and the folder
	for _, k := range files {
		if k {
			kept++
		}
	}
	if len(entries) != kept {
		t.Errorf("the folder holds %d entries, want %d: the sheet left a file of its own", len(entries), kept)
	}
}
