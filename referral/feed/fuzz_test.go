package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"referraldesk/referral"
)

// fuzzOptions are fixed so a crasher replays the same way.
var fuzzOptions = Options{Source: "fuzz", Program: referral.ProgramAA, TimeZone: "America/New_York"}

// checkParse holds for any input: Parse never panics, refuses only with a
// coded EINVALID error, keeps only valid groups with distinct ids, and every
// writer's output reads back as the same groups.
func checkParse(t *testing.T, data []byte, opts Options) {
	res, err := Parse(context.Background(), bytes.NewReader(data), opts)
	if err != nil {
		if code := referral.ErrorCode(err); code != referral.EINVALID {
			t.Fatalf("error code %q, want %q: %v", code, referral.EINVALID, err)
		}
		if res != nil {
			t.Fatalf("a refused file returned a result")
		}
		return
	}
	ids := map[string]bool{}
	for _, g := range res.Groups {
		if err := g.Validate(); err != nil {
			t.Fatalf("parsed an invalid group: %v", err)
		}
		if ids[g.SourceID] {
			t.Fatalf("two groups with id %q", g.SourceID)
		}
		ids[g.SourceID] = true
	}
	if len(res.Groups)+len(res.Skipped) > res.Records {
		t.Fatalf("%d groups and %d skipped from %d records", len(res.Groups), len(res.Skipped), res.Records)
	}
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, res.Groups); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		again := reparse(t, w.name, &buf, opts)
		want := res.Groups
		if res.Format == BMLT {
			// A BMLT file may give its own keys meanings the standard NA keys
			// do not have, and an export cannot carry them: what must hold is
			// that the export, once read, reads back the same every time.
			buf.Reset()
			w.write(&buf, again.Groups)
			want, again = again.Groups, reparse(t, w.name, &buf, opts)
		}
		if len(again.Groups) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(again.Groups, want) {
			t.Fatalf("%s: the export reads back different:\n%s", w.name, firstDifference(want, again.Groups))
		}
	}
}

func reparse(t *testing.T, name string, r io.Reader, opts Options) *Result {
	t.Helper()
	res, err := Parse(context.Background(), r, Options{Source: opts.Source, TimeZone: opts.TimeZone})
	if err != nil {
		t.Fatalf("%s: reading the export: %v", name, err)
	}
	return res
}

func FuzzParseMeetingGuide(f *testing.F) {
	for _, s := range []string{
		`[]`,
		`[{"name":"A","slug":"a","day":1,"time":"19:30","end_time":"20:30","types":["O","ONL","ASBI"],"latitude":"39.9","longitude":"-75.1"}]`,
		`[{"name":"B","slug":"b","day":[0,6],"time":"7:30 PM","updated":"8/25/2022 11:17:07 AM","formatted_address":"1 Main St, Media, PA 19063, USA"}]`,
		`[{"name":"<b>C</b> &amp; D","notes":"<p>Hi</p><br>😀 שלום","types":"O,D","conference_url":"zoom.us/j/1","attendance_option":"hybrid","approximate":"yes"}]`,
		`[{"name":"only a name"}, 5, null, {"name":{"x":1}}, {"name":"dup","slug":"x"}, {"name":"dup","slug":"x","day":9,"time":"25:00"}]`,
		// The bad-input catalogue's kinds of record.
		"[{\"name\":\"Caf\xe9 \u202eGroup\u202c \u05e9\u05dc\u05d5\u05dd\",\"slug\":\"a\",\"day\":[1,7,-1],\"time\":\"19:00\",\"address\":\"1\u2066 Main\u2069 St\"}]",
		`[{"name":"<script>alert(1)</script>A","slug":"a","conference_url":"javascript:alert(1)","url":"data:text/html,x","feedback_url":"java\tscript:x","website":"Passcode:42"}]`,
		`[{"name":"A","slug":"a","latitude":95,"longitude":"NaN","day":{"d":1},"time":[19,30]},{"name":"B","slug":"b","time":"25:61","day":1}]`,
		`[{"name":null,"slug":null,"day":null,"time":null,"types":null}, [1], "x", true, {"name":"A","slug":"a"},{"name":"A","slug":"a "}]`,
		`[{"name":"a","slug":"a"},{"name":"b"`,
	} {
		f.Add([]byte(s))
	}
	for _, file := range []string{"aa-sepia-meeting-guide.json", "al-anon-ma-meeting-guide.json"} {
		f.Add(firstRecords(f, file, 3))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := fuzzOptions
		opts.Format = MeetingGuide
		checkParse(t, data, opts)
	})
}

func FuzzParseBMLT(f *testing.F) {
	for _, s := range []string{
		`[]`,
		`{"meetings":[],"formats":[]}`,
		`{"meetings":[{"id_bigint":"2","meeting_name":"Nothing Macho","weekday_tinyint":"7","start_time":"14:00:00","duration_time":"01:30:00","formats":"M,O,St,ZZ","lang_enum":"en","latitude":"40.88","longitude":"-73.88","service_body_bigint":"1005"}],"formats":[{"key_string":"O","world_id":"OPEN","name_string":"Open"},{"key_string":"St","world_id":"STEP"},{"key_string":"ES","world_id":"LANG"}],"service_bodies":[{"id":"1005","name":"Bronx"}]}`,
		`[{"id_bigint":1,"meeting_name":"X","weekday_tinyint":"0","start_time":"23:00:00","duration_time":"02:00:00","venue_type":"2","virtual_meeting_link":"https://zoom.us/j/1"}]`,
		"[{\"id_bigint\":\"1\",\"meeting_name\":\"M\xe1cho\",\"weekday_tinyint\":{\"d\":2},\"start_time\":\"14:00:00\"},{\"id_bigint\":\"2\",\"meeting_name\":\"\u202eB\",\"weekday_tinyint\":\"8\",\"start_time\":[1],\"virtual_meeting_link\":\" javascript:x\",\"longitude\":\"200\",\"latitude\":\"40\"}]",
		`{"meetings": {"id_bigint": "2"}}`,
		`{"meetings":[{"id_bigint":"1"},{"id_bigint":`,
	} {
		f.Add([]byte(s))
	}
	f.Add(firstRecords(f, "na-greater-ny-bmlt.json", 3))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := fuzzOptions
		opts.Format, opts.Program = BMLT, ""
		checkParse(t, data, opts)
	})
}

func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"Name,Day,Time\n",
		"Time,End Time,Day,Name,Address,Types,Slug\n7:30 PM,8:30 PM,Monday,A,\"1 Main St, Media, PA 19063, USA\",\"Open, Wheelchair Access\",a\n",
		"Name,Day,Time,Types,Program,Slug\nB,\"Monday, Wednesday\",19:00,\"O, St\",NA,b\nC,8,19:00,,,c\nD,Monday\n",
		"\uFEFFname,slug,notes\n\"<b>x</b>\",x,\"a\r\nb\"\n",
		"\uFEFFName,Day,Time,Notes,Slug,Address\r\nCaf\xe9 \u2066A\u2069,\"Monday, Funday\",19:00,\"side\r\ndoor\",a,1 Main St\r\nB,Monday,25:61,,b,\r\n",
		"Name;Day;Time\nA;Monday;19:00\n",
		"Name,Time,Address\nA,19:00,1 Main St\n",
	} {
		f.Add([]byte(s))
	}
	var csvSeed bytes.Buffer
	if err := WriteCSV(&csvSeed, parseSeed(f, "aa-sepia-meeting-guide.json", 3)); err != nil {
		f.Fatal(err)
	}
	f.Add(csvSeed.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := fuzzOptions
		opts.Format = CSV
		checkParse(t, data, opts)
	})
}

// FuzzJText checks that jtext reads every JSON string as json.Unmarshal does:
// its fast path for strings without escapes must not change a single byte.
func FuzzJText(f *testing.F) {
	for _, s := range []string{"", "plain", `tab\there`, `\u00e9t\u00e9`, "caf\xc3\xa9", "bad \xff utf-8", `\ud83d\ude00`, `\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := []byte(`"` + s + `"`)
		var want string
		if json.Unmarshal(lit, &want) != nil {
			return // not a string literal; the decoder never hands jtext one
		}
		var got jtext
		if err := got.UnmarshalJSON(lit); err != nil || got.s != want || !got.quoted {
			t.Fatalf("jtext of %q = %q, %v; json.Unmarshal gives %q", lit, got.s, err, want)
		}
	})
}

// FuzzSplitAddress checks that splitting a one-line address loses and
// invents nothing: its words come out in the same order across street,
// city, state, postal code and country; and what it recognised, joined
// again, splits the same way.
func FuzzSplitAddress(f *testing.F) {
	for _, s := range []string{
		"1937 West MacDade Boulevard, Woodlyn, PA 19094, USA",
		"200 Main Street, Winnipeg, Manitoba, R3C 1A1, Canada",
		"Winnipeg, R3C 1A1, Canada", "Media, PA", "PA 19063", "a,,b, ,", "", ",", "1 Main St, Springfield, XY 12345-6789, Freedonia",
	} {
		f.Add(s)
	}
	for _, file := range []string{"aa-sepia-meeting-guide.json", "al-anon-ma-meeting-guide.json"} {
		for _, r := range records(f, file)[:40] {
			if a, ok := r["formatted_address"].(string); ok {
				f.Add(a)
			}
		}
	}
	f.Fuzz(func(t *testing.T, formatted string) {
		var p referral.Place
		splitAddress(formatted, &p)
		words := func(s string) []string { return strings.Fields(strings.ReplaceAll(s, ",", " ")) }
		parts := strings.Join([]string{p.Address, p.City, p.State, p.PostalCode, p.Country}, " ")
		if got, want := words(parts), words(formatted); !slices.Equal(got, want) {
			t.Fatalf("%q split as %+v: words %q, want %q", formatted, p, got, want)
		}
		if p.Address == formatted {
			return // not recognised: kept whole
		}
		var again referral.Place
		splitAddress(joinAddress(p), &again)
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("%q split as %+v; joined as %q it splits as %+v", formatted, p, joinAddress(p), again)
		}
	})
}

// records are the JSON records of a real feed (a BMLT file's meetings).
func records(f *testing.F, file string) []map[string]any {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "feeds", file))
	if err != nil {
		f.Fatal(err)
	}
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		var obj struct{ Meetings []map[string]any }
		if err := json.Unmarshal(b, &obj); err != nil {
			f.Fatal(err)
		}
		return obj.Meetings
	}
	var rs []map[string]any
	if err := json.Unmarshal(b, &rs); err != nil {
		f.Fatal(err)
	}
	return rs
}

// firstRecords is a real feed cut to its first n records, as a seed.
func firstRecords(f *testing.F, file string, n int) []byte {
	rs := records(f, file)[:n]
	var v any = rs
	if strings.Contains(file, "bmlt") {
		v = map[string]any{"meetings": rs}
	}
	b, err := json.Marshal(v)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// parseSeed is the groups of a real feed's first n records.
func parseSeed(f *testing.F, file string, n int) []*referral.Group {
	res, err := Parse(context.Background(), bytes.NewReader(firstRecords(f, file, n)), fuzzOptions)
	if err != nil {
		f.Fatal(err)
	}
	return res.Groups
}
