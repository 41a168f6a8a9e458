package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
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
	} {
		f.Add([]byte(s))
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
	} {
		f.Add([]byte(s))
	}
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
	} {
		f.Add([]byte(s))
	}
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
