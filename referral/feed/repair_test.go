package feed

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"referraldesk/referral"
)

// TestHostileValues: what a careless export or a malicious feed puts in a
// listing is repaired or left out, each with a note naming the record and
// the field, and the listing is kept when it still says when and where it
// meets.
func TestHostileValues(t *testing.T) {
	csvOpts := Options{Source: "t", Program: referral.ProgramAA, TimeZone: "America/New_York", Format: CSV}
	tests := []struct {
		name, input string
		opts        Options
		field, note string // a repair or skip of the first record
		check       func(t *testing.T, res *Result)
	}{
		{"bytes that are not UTF-8 in JSON", "[{\"name\":\"Caf\xe9 Group\",\"slug\":\"a\",\"address\":\"1 Main St\"}]", aa,
			"name", "the text had invalid characters (bytes that are not UTF-8), repaired: replaced with \uFFFD",
			func(t *testing.T, res *Result) { wantName(t, res, "Caf\uFFFD Group") }},
		{"bytes that are not UTF-8 in CSV", "Name,Day,Time,Notes,Slug\nA,Monday,19:00,\"back \xff door\",a\n", csvOpts,
			"Notes", "the text had invalid characters",
			func(t *testing.T, res *Result) {
				if n := res.Groups[0].Notes; n != "back \uFFFD door" {
					t.Errorf("notes %q", n)
				}
			}},
		{"an escaped U+FFFD is no repair", `[{"name":"Caf\ufffd","slug":"a","address":"1 Main St"}]`, aa, "name", "",
			func(t *testing.T, res *Result) { wantName(t, res, "Caf\uFFFD") }},
		{"direction overrides removed, Arabic, Hebrew and emoji kept",
			"[{\"name\":\"\u202eGrupo\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 😀\",\"slug\":\"a\",\"address\":\"1\u2066 Main\u2069 St\"}]", aa,
			"name", "invisible characters that reverse the direction of text",
			func(t *testing.T, res *Result) {
				wantName(t, res, "Grupo \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 😀")
				if a := res.Groups[0].Place.Address; a != "1 Main St" {
					t.Errorf("address %q", a)
				}
			}},
		{"script in a name is text", `[{"name":"<script>alert(1)</script>Hope","slug":"a","address":"1 Main St"}]`, aa, "name", "",
			func(t *testing.T, res *Result) { wantName(t, res, "alert(1)Hope") }},
		{"javascript: conference link dropped, not kept as notes",
			`[{"name":"A","slug":"a","conference_url":"javascript:alert(1)","conference_url_notes":"ID 1","attendance_option":"online"}]`, aa,
			"conference_url", `"javascript:alert(1)" is a javascript: link, not a web address (http or https); left out`,
			func(t *testing.T, res *Result) {
				if o := res.Groups[0].Online; o.URL != "" || o.URLNotes != "ID 1" {
					t.Errorf("online %+v", o)
				}
			}},
		{"a tab inside javascript: is still javascript:", "[{\"name\":\"A\",\"slug\":\"a\",\"conference_url\":\"java\\tscript:alert(1)\",\"address\":\"1 Main St\"}]", aa,
			"conference_url", "is a javascript: link",
			func(t *testing.T, res *Result) {
				if o := res.Groups[0].Online; o.URL != "" || o.URLNotes != "" {
					t.Errorf("online %+v", o)
				}
			}},
		{"data: website dropped, listing kept", `[{"name":"A","slug":"a","url":"data:text/html,<script>alert(1)</script>","address":"1 Main St"}]`, aa,
			"website", "is a data: link",
			func(t *testing.T, res *Result) {
				if w := res.Groups[0].Contact.Website; w != "" {
					t.Errorf("website %q", w)
				}
			}},
		{"a passcode in the link field stays readable", `[{"name":"A","slug":"a","conference_url":"Passcode:42","attendance_option":"online","conference_phone":"+1 555 0100"}]`, aa,
			"conference_url", `"Passcode:42" is not a web link; kept as text in the link's notes, never as a link`,
			func(t *testing.T, res *Result) {
				if o := res.Groups[0].Online; o.URL != "" || o.URLNotes != "Passcode:42" {
					t.Errorf("online %+v", o)
				}
			}},
		{"latitude beyond 90: kept unplaced", `[{"name":"A","slug":"a","latitude":95,"longitude":-75,"address":"1 Main St"}]`, aa,
			"latitude", "coordinates 95, -75 are not on Earth; left out",
			func(t *testing.T, res *Result) {
				if res.Groups[0].Place.Coords != nil || res.Unplaced != 1 {
					t.Errorf("coords %v, %d unplaced", res.Groups[0].Place.Coords, res.Unplaced)
				}
			}},
		{"NaN longitude: kept unplaced", `[{"name":"A","slug":"a","latitude":"39.9","longitude":"NaN","address":"1 Main St"}]`, aa,
			"latitude", "are not on Earth; left out",
			func(t *testing.T, res *Result) { wantGroups(t, res, 1) }},
		{"day 7 among good days: that session dropped", `[{"name":"A","slug":"a","day":[1,7],"time":"19:00","address":"1 Main St"}]`, aa,
			"day", "day 7 is out of range; use 0 (Sunday) to 6 (Saturday); left out, the listing keeps its other days",
			func(t *testing.T, res *Result) {
				if s := res.Groups[0].Sessions; len(s) != 1 || s[0].Day != 1 {
					t.Errorf("sessions %v", s)
				}
			}},
		{"only day -1: skipped", `[{"name":"A","slug":"a","day":-1,"time":"19:00","address":"1 Main St"}]`, aa,
			"day", `record 1 (id "a") "A" skipped: day: day -1 is out of range`,
			func(t *testing.T, res *Result) { wantGroups(t, res, 0) }},
		{"time 25:61: skipped", `[{"name":"A","slug":"a","day":1,"time":"25:61","address":"1 Main St"}]`, aa,
			"time", `"25:61" is not a time of day`,
			func(t *testing.T, res *Result) { wantGroups(t, res, 0) }},
		{"CSV day that is no day among good ones", "Name,Day,Time,Slug,Address\nA,\"Monday, Funday\",19:00,a,1 Main St\n", csvOpts,
			"day", `day "Funday" is not a weekday; left out, the listing keeps its other days`,
			func(t *testing.T, res *Result) { wantGroups(t, res, 1) }},
		{"day of the wrong kind: skipped, not by appointment", `[{"name":"A","slug":"a","day":{"mon":true},"time":"19:00","address":"1 Main St"}]`, aa,
			"day", "expected a weekday (0 for Sunday to 6 for Saturday) or a list of them, found an object",
			func(t *testing.T, res *Result) { wantGroups(t, res, 0) }},
		{"time of the wrong kind: skipped", `[{"name":"A","slug":"a","day":1,"time":[19,0],"address":"1 Main St"}]`, aa,
			"time", "expected a time such as 19:30, found a list",
			func(t *testing.T, res *Result) { wantGroups(t, res, 0) }},
		{"BMLT weekday of the wrong kind: skipped", `[{"id_bigint":"1","meeting_name":"A","weekday_tinyint":{"d":2},"start_time":"19:00:00"}]`, Options{},
			"weekday_tinyint", "expected a weekday (1 for Sunday to 7 for Saturday), found an object",
			func(t *testing.T, res *Result) { wantGroups(t, res, 0) }},
		{"nulls everywhere: no name, skipped", `[{"name":null,"slug":null,"day":null,"time":null,"types":null,"latitude":null}]`, aa,
			"name", "the record has no name",
			func(t *testing.T, res *Result) { wantGroups(t, res, 0) }},
		{"a name of a megabyte is shortened", `[{"name":"` + strings.Repeat("Serenity ", 120_000) + `","slug":"a","address":"1 Main St"}]`, aa,
			"name", "the text is 1,079,999 characters long, more than 200; shortened to at most 200",
			func(t *testing.T, res *Result) {
				if n := utf8.RuneCountInString(res.Groups[0].Name); n > maxName || !strings.HasSuffix(res.Groups[0].Name, "Serenity…") {
					t.Errorf("name of %d characters: %q", n, referral.Truncate(res.Groups[0].Name, 30))
				}
			}},
		{"notes of a megabyte are shortened", `[{"name":"A","slug":"a","notes":"` + strings.Repeat("x", 1<<20) + `","address":"1 Main St"}]`, aa,
			"notes", "more than 10,000; shortened",
			func(t *testing.T, res *Result) {
				if n := utf8.RuneCountInString(res.Groups[0].Notes); n > maxProse {
					t.Errorf("notes of %d characters", n)
				}
			}},
		{"an id of a megabyte: skipped", `[{"name":"A","slug":"` + strings.Repeat("a", 1<<20) + `","address":"1 Main St"}]`, aa,
			"slug", "the id is longer than 500 characters",
			func(t *testing.T, res *Result) {
				wantGroups(t, res, 0)
				if id := res.Skipped[0].SourceID; len(id) > 200 {
					t.Errorf("the report quotes an id of %d bytes", len(id))
				}
			}},
		{"a link of a megabyte is no link", `[{"name":"A","slug":"a","url":"https://example.org/` + strings.Repeat("a", 1<<20) + `","address":"1 Main St"}]`, aa,
			"website", "the link is 1,048,596 characters long, more than 2,000; left out",
			func(t *testing.T, res *Result) { wantGroups(t, res, 1) }},
		{"a phone of a megabyte of digits is no number", `[{"name":"A","slug":"a","phone":"` + strings.Repeat("5", 1<<20) + `","address":"1 Main St"}]`, aa,
			"phone", "is not a phone number to dial",
			func(t *testing.T, res *Result) {
				if p := res.Groups[0].Contact.Phone; p != "" {
					t.Errorf("phone of %d bytes kept", len(p))
				}
				if r := res.Repaired[0].String(); len(r) > 2*maxMessage {
					t.Errorf("a report of %d bytes", len(r))
				}
			}},
		{"a hundred thousand type codes", `[{"name":"A","slug":"a","types":"` + numbered(100_000) + `","address":"1 Main St"}]`, aa,
			"types", "100000 type codes listed; only the first 60 read",
			func(t *testing.T, res *Result) {
				if n := len(res.Groups[0].Types); n > maxCodes {
					t.Errorf("%d codes kept", n)
				}
			}},
		{"duplicate id: the first wins", `[{"name":"A","slug":"x","address":"1 Main St"},{"name":"B","slug":"x ","address":"2 Main St"}]`, aa,
			"slug", `record 2 (id "x") "B" skipped: slug: duplicate id "x": record 1 already has it`,
			func(t *testing.T, res *Result) {
				wantGroups(t, res, 1)
				if g := res.Groups[0]; g.Name != "A" || len(res.Skipped) != 1 {
					t.Errorf("kept %q, skipped %v", g.Name, res.Skipped)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tc.input), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := firstNote(res, tc.field); !strings.Contains(got, tc.note) || (tc.note == "") != (got == "") {
				t.Errorf("first note on %q is %q; want it to say %q", tc.field, got, tc.note)
			}
			for _, g := range res.Groups {
				if err := g.Validate(); err != nil {
					t.Errorf("kept an invalid group: %v", err)
				}
			}
			tc.check(t, res)
		})
	}
}

// TestRefusedTables: a CSV file that is no schedule is refused, naming what
// is wrong.
func TestRefusedTables(t *testing.T) {
	csvOpts := Options{Source: "t", Program: referral.ProgramAA, TimeZone: "America/New_York", Format: CSV}
	for _, tc := range []struct{ name, input, want string }{
		{"no Day column", "Name,Time,Address\nA,19:00,1 Main St\n", "the CSV file has no Day column"},
		{"no Day and Time columns", "Name,Address\nA,1 Main St\n", "the CSV file has no Day and Time columns"},
		{"semicolons with a comma in a column's name", "Name;Day;Time;\"Address, City\"\nA;Monday;19:00;x\n",
			`separated by semicolons, not commas (it begins "Name;Day;Time;\"Address")`},
		{"semicolons, format forced", "Name;Day;Time\nA;Monday;19:00\n", "separated by semicolons, not commas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tc.input), csvOpts)
			if res != nil || referral.ErrorCode(err) != referral.EINVALID || !strings.Contains(referral.ErrorMessage(err), tc.want) {
				t.Errorf("Parse = %v, %v; want EINVALID saying %q", res, err, tc.want)
			}
		})
	}
}

// TestSpreadsheetCSV: Excel's "CSV UTF-8" starts with a byte-order mark and
// ends lines with CRLF; both are read as any CSV.
func TestSpreadsheetCSV(t *testing.T) {
	in := "\uFEFFName,Day,Time,Notes,Slug,Address\r\nHope,Monday,19:00,\"side door\r\nroom 2\",h,1 Main St\r\n"
	res, err := Parse(context.Background(), strings.NewReader(in), Options{Source: "t", Program: referral.ProgramAA, TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != CSV || len(res.Groups) != 1 {
		t.Fatalf("format %s, %d groups", res.Format, len(res.Groups))
	}
	if g := res.Groups[0]; g.Name != "Hope" || g.SourceID != "h" || g.Notes != "side door\nroom 2" || len(g.Sessions) != 1 {
		t.Errorf("group %+v", g)
	}
}

// TestCutFileNamesTheRecord: a download cut short says where.
func TestCutFileNamesTheRecord(t *testing.T) {
	for _, tc := range []struct{ name, input, want string }{
		{"in a record", `[{"name":"a","slug":"a"},{"name":"b","slu`, "ends in the middle of record 2 (byte 25): it was cut short"},
		{"after a record", `[{"name":"a","slug":"a"}`, "ends after record 1 (byte 24), before the list of meetings is closed"},
		{"after the bracket", `[`, "ends before its first record"},
		{"BMLT in a record", `{"meetings":[{"id_bigint":"1"},{"id_bigint":`, "the BMLT file ends in the middle of record 2"},
		{"broken JSON in a record", `[{"name":"a"},{"name" "b"}]`, "is not valid JSON in record 2, at byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tc.input), aa)
			if res != nil || !strings.Contains(referral.ErrorMessage(err), tc.want) {
				t.Errorf("Parse = %v, %q; want it to say %q", res, referral.ErrorMessage(err), tc.want)
			}
		})
	}
}

func wantName(t *testing.T, res *Result, name string) {
	t.Helper()
	wantGroups(t, res, 1)
	if len(res.Groups) == 1 && res.Groups[0].Name != name {
		t.Errorf("name %q, want %q", res.Groups[0].Name, name)
	}
}

func wantGroups(t *testing.T, res *Result, n int) {
	t.Helper()
	if len(res.Groups) != n {
		t.Fatalf("%d groups, want %d (skipped %v)", len(res.Groups), n, res.Skipped)
	}
}

// firstNote is the first skip or repair about field.
func firstNote(res *Result, field string) string {
	for _, s := range res.Skipped {
		if s.Field == field {
			return s.String()
		}
	}
	for _, r := range res.Repaired {
		if r.Field == field {
			return r.String()
		}
	}
	return ""
}

// numbered is "c0,c1,…" with n distinct codes.
func numbered(n int) string {
	codes := make([]string, n)
	for i := range codes {
		codes[i] = "c" + strconv.Itoa(i)
	}
	return strings.Join(codes, ",")
}

// TestWindows1252PunctuationInARealFeed: the Al-Anon feed writes one
// apostrophe as U+0092, Windows-1252's ’ read as Latin-1; it is read as the
// apostrophe, with a note, not dropped nor kept as an invisible control.
func TestWindows1252PunctuationInARealFeed(t *testing.T) {
	res := parseFile(t, "al-anon-ma-meeting-guide.json", realFeeds[1].opts)
	found := false
	for _, g := range res.Groups {
		if strings.Contains(g.Place.Notes, "St. Clare’s Hall") {
			found = true
		}
		if _, other := referral.Controls(g.Place.Notes); other {
			t.Errorf("%q keeps a control character", g.Place.Notes)
		}
	}
	if !found {
		t.Error(`no location note says "St. Clare’s Hall"`)
	}
	if got := firstNote(res, "location_notes"); !strings.Contains(got, `record 179`) || !strings.Contains(got, "read as it (U+0092 as ’)") {
		t.Errorf("note %q", got)
	}
}
