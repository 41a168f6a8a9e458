package feed

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

var aa = Options{Source: "t", Program: referral.ProgramAA, TimeZone: "America/New_York"}

// TestRefusedFiles: a file that cannot be read is refused whole, with a coded
// EINVALID error whose message says what is wrong, and no result.
func TestRefusedFiles(t *testing.T) {
	tests := []struct {
		name, input string
		opts        Options
		wantMsg     string
	}{
		{"not JSON", `{"meetings": [}`, aa, "not valid JSON at byte"},
		{"not a feed at all", "hello there", aa, "not a meeting list"},
		{"empty", "", aa, "empty"},
		{"JSON of the wrong shape: a string", `"meetings"`, Options{Format: MeetingGuide}, "expected a list of meetings, found the text"},
		{"JSON of the wrong shape: an object as Meeting Guide", `{"name":"x"}`, Options{Format: MeetingGuide}, "expected a list of meetings, found an object"},
		{"BMLT object without meetings", `{"formats":[]}`, aa, `has no "meetings" list`},
		{"BMLT formats not a list", `{"meetings":[],"formats":{"O":1}}`, aa, `"formats" must be a list of objects`},
		{"cut short", `[{"name":"a","slug":"a"},{"name":"b"`, aa, "ends in the middle of record 2 (byte 25): it was cut short"},
		{"trailing data", `[] []`, aa, "more data after its end"},
		{"a number too large", `2` + strings.Repeat("0", 400), Options{Format: BMLT}, "found the number 2000000000000000000…"},
		{"Meeting Guide with no program", `[{"name":"A","slug":"a"}]`, Options{}, `record 1 (id "a") "A": a meeting-guide file does not say which fellowship`},
		{"CSV without a Name column", "Day,Time\nMonday,19:00\n", Options{Format: CSV}, "no Name column"},
		{"unknown time zone option", `[]`, Options{TimeZone: "Mars/Olympus"}, `time zone "Mars/Olympus" is unknown`},
		{"program option too long", `[]`, Options{Program: referral.Program(strings.Repeat("x", 81))}, `the program's name is 81 characters long`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tc.input), tc.opts)
			if res != nil {
				t.Errorf("got a result with %d groups", len(res.Groups))
			}
			if referral.ErrorCode(err) != referral.EINVALID {
				t.Fatalf("error %v (code %q), want EINVALID", err, referral.ErrorCode(err))
			}
			if !strings.Contains(referral.ErrorMessage(err), tc.wantMsg) {
				t.Errorf("message %q does not say %q", referral.ErrorMessage(err), tc.wantMsg)
			}
		})
	}
}

// TestRecordReports: bad records are skipped or repaired, each with a message
// naming the record and the field.
func TestRecordReports(t *testing.T) {
	tests := []struct {
		name, input string
		opts        Options
		groups      int
		field       string // of the first skip or repair
		want        string // in its String()
	}{
		{"no name", `[{"slug":"a","day":1,"time":"19:00"}]`, aa, 0, "name", `record 1 (id "a") skipped: name: the record has no name`},
		{"time that cannot be read", `[{"name":"A","slug":"a","day":1,"time":"half past seven"}]`, aa, 0, "time", `"half past seven" is not a time`},
		{"day out of range", `[{"name":"A","slug":"a","day":7,"time":"19:00"}]`, aa, 0, "day", "day 7 is out of range"},
		{"duplicate id", `[{"name":"A","slug":"a"},{"name":"B","slug":"a"}]`, aa, 1, "slug", `record 2 (id "a") "B" skipped: slug: duplicate id "a": record 1 already has it`},
		{"not an object", `[5]`, aa, 0, "record", "expected a meeting (a JSON object), found a number"},
		{"name of the wrong kind", `[{"name":{"en":"A"},"slug":"a"}]`, aa, 0, "name", "the record has no name: expected text, found an object; left out"},
		{"12-hour time", `[{"name":"A","slug":"a","day":1,"time":"7:30 PM"}]`, aa, 1, "time", `read "7:30 PM" as 19:30`},
		{"string coordinates", `[{"name":"A","slug":"a","latitude":"39.9","longitude":"-75.1","address":"1 Main St"}]`, aa, 1, "latitude", "coordinates given as text"},
		{"ONL", `[{"name":"A","slug":"a","types":["ONL"],"address":"1 Main St"}]`, aa, 1, "types", "type ONL (retired from the spec in 2022) read as: meets online"},
		{"ASBI", `[{"name":"A","slug":"a","types":["ASBI"],"address":"1 Main St"}]`, aa, 1, "types", `type "ASBI" is a misspelling; read as "ABSI"`},
		{"US-style updated", `[{"name":"A","slug":"a","updated":"8/25/2022 11:17:07 AM","address":"1 Main St"}]`, aa, 1, "updated", `read "8/25/2022 11:17:07 AM" as 2022-08-25 11:17:07`},
		{"only a name", `[{"name":"A"}]`, aa, 1, "slug", `the record has no id; made "made-`},
		{"CSV row with extra columns", "Name,Day,Time\nA,Monday,19:00,extra\n", Options{Format: CSV, Program: "AA"}, 0, "row", "the row has 4 columns and the header 3"},
		{"CSV row with missing columns", "Name,Day,Time\nA,Monday\n", Options{Format: CSV, Program: "AA"}, 0, "row", "the row has 2 columns and the header 3"},
		{"BMLT weekday out of range", `[{"id_bigint":"1","meeting_name":"A","weekday_tinyint":"8","start_time":"19:00:00"}]`, Options{}, 0, "weekday_tinyint", `weekday "8" is out of range`},
		{"unknown time zone in a record", `[{"name":"A","slug":"a","timezone":"Nowhere/Town","address":"1 Main St"}]`, aa, 1, "timezone", `time zone "Nowhere/Town" is unknown; the zone is found from the meeting place or the source instead`},
		{"bad conference phone kept in its notes", `[{"name":"A","slug":"a","conference_phone":"call Bob","address":"1 Main St"}]`, aa, 1, "conference_phone", `"call Bob" is not a phone number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tc.input), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Groups) != tc.groups {
				t.Errorf("%d groups, want %d", len(res.Groups), tc.groups)
			}
			var field, msg string
			switch {
			case len(res.Skipped) > 0:
				field, msg = res.Skipped[0].Field, res.Skipped[0].String()
			case len(res.Repaired) > 0:
				field, msg = res.Repaired[0].Field, res.Repaired[0].String()
			}
			if field != tc.field || !strings.Contains(msg, tc.want) {
				t.Errorf("first report %q (field %q); want field %q saying %q", msg, field, tc.field, tc.want)
			}
		})
	}
}

func TestUnresolvedBMLTFormats(t *testing.T) {
	in := `{"meetings":[{"id_bigint":"1","meeting_name":"A","weekday_tinyint":"2","start_time":"19:00:00","formats":"O,XYZ","location_street":"1 Main St"},
		{"id_bigint":"2","meeting_name":"B","weekday_tinyint":"2","start_time":"19:00:00","formats":"XYZ,Q9","location_street":"1 Main St"}],
		"formats":[{"key_string":"O","world_id":"OPEN"}]}`
	res, err := Parse(context.Background(), strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []UnknownType{{Code: "Q9", Program: referral.ProgramNA, Count: 1, First: 1}, {Code: "XYZ", Program: referral.ProgramNA, Count: 2, First: 0}}
	if len(res.UnknownTypes) != 2 || res.UnknownTypes[0] != want[0] || res.UnknownTypes[1] != want[1] {
		t.Errorf("unknown types %+v, want %+v", res.UnknownTypes, want)
	}
	if g := res.Groups[0]; g.Attributes.Openness != referral.Open || len(g.Types) != 2 {
		t.Errorf("group keeps %v with openness %q", g.Types, g.Attributes.Openness)
	}
}

func TestTextIsKept(t *testing.T) {
	in := `[{"name":"Grupo &quot;Esperanza&quot; 🌅","slug":"a","address":"1 Main St",
		"notes":"<p>Enter by the <b>side</b> door.</p><p>Bring ID &amp; a smile 😀</p>",
		"location":"مركز الأمل","location_notes":"a < b, x<3"}]`
	res, err := Parse(context.Background(), strings.NewReader(in), aa)
	if err != nil {
		t.Fatal(err)
	}
	g := res.Groups[0]
	for _, c := range []struct{ got, want string }{
		{g.Name, `Grupo "Esperanza" 🌅`},
		{g.Notes, "Enter by the side door.\n\nBring ID & a smile 😀"},
		{g.Place.Location, "مركز الأمل"},
		{g.Place.Notes, "a < b, x<3"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls []int
	opts := aa
	opts.Progress = func(done int) {
		calls = append(calls, done)
		cancel()
	}
	_, err := Parse(ctx, strings.NewReader(`[`+strings.Repeat(`{"name":"A"},`, 1000)+`{"name":"A"}]`), opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if len(calls) != 1 || calls[0] != progressEvery {
		t.Errorf("progress calls %v", calls)
	}
}

// TestSchedules: a day list is one group with several sessions; no day is a
// by-appointment group; sessions at different times are written as one
// record per time.
func TestSchedules(t *testing.T) {
	in := `[{"name":"Several days","slug":"a","day":[3,1],"time":"23:00","end_time":"00:30","address":"1 Main St"},
		{"name":"By appointment","slug":"b","address":"1 Main St"}]`
	res, err := Parse(context.Background(), strings.NewReader(in), aa)
	if err != nil {
		t.Fatal(err)
	}
	a, b := res.Groups[0], res.Groups[1]
	want := []referral.Session{{Day: time.Monday, Start: 23 * 60, End: 24*60 + 30}, {Day: time.Wednesday, Start: 23 * 60, End: 24*60 + 30}}
	if !reflect.DeepEqual(a.Sessions, want) {
		t.Errorf("sessions %v, want %v", a.Sessions, want)
	}
	if b.Sessions != nil {
		t.Errorf("by appointment has sessions %v", b.Sessions)
	}
	a.Sessions = append(a.Sessions, referral.Session{Day: time.Friday, Start: 12 * 60, End: referral.NoTime})
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf, res.Groups); err != nil {
				t.Fatal(err)
			}
			again, err := Parse(context.Background(), &buf, aa)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, g := range again.Groups {
				ids = append(ids, g.SourceID)
			}
			if want := []string{"a", "a-2", "b"}; !reflect.DeepEqual(ids, want) {
				t.Errorf("ids %v, want %v", ids, want)
			}
		})
	}
}
