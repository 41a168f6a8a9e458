package feed

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"referraldesk/referral"
)

// TestEndTimes reads end times through the real parser: obvious slips are
// repaired and said so, impossible ends are dropped and said so, and every
// end kept reads back the same from both exports.
func TestEndTimes(t *testing.T) {
	const none = referral.NoTime
	tests := []struct {
		name       string
		feed       string
		start, end referral.Clock
		field      string // of the end's repair; "" for none
		repair     string
	}{
		{"same day", mg("19:00", "20:00"), 19 * 60, 20 * 60, "", ""},
		{"late meeting past midnight", mg("23:00", "00:30"), 23 * 60, 24*60 + 30, "", ""},
		{"ends at midnight", mg("23:00", "00:00"), 23 * 60, 24 * 60, "", ""},
		{"one minute before midnight to one", mg("23:59", "01:00"), 23*60 + 59, 25 * 60, "", ""},
		{"six hours past midnight", mg("21:00", "03:00"), 21 * 60, 27 * 60, "", ""},
		{"six hours", mg("18:00", "00:00"), 18 * 60, 24 * 60, "", ""},
		{"noon slip", mg("12:30", "01:30"), 12*60 + 30, 13*60 + 30,
			"end_time", "end time 01:30 is before the start 12:30; read as 13:30"},
		{"noon slip, quarter past", mg("12:15", "01:15"), 12*60 + 15, 13*60 + 15,
			"end_time", "end time 01:15 is before the start 12:15; read as 13:15"},
		{"evening slip", mg("20:00", "08:30"), 20 * 60, 20*60 + 30,
			"end_time", "end time 08:30 is before the start 20:00; read as 20:30"},
		{"slip to just past midnight", mg("23:00", "12:30"), 23 * 60, 24*60 + 30,
			"end_time", "end time 12:30 is before the start 23:00; read as 00:30"},
		{"slip to a quarter hour", mg("11:45", "00:00"), 11*60 + 45, 12 * 60,
			"end_time", "end time 00:00 is before the start 11:45; read as 12:00"},
		{"slip to four hours", mg("09:30", "01:30"), 9*60 + 30, 13*60 + 30,
			"end_time", "end time 01:30 is before the start 09:30; read as 13:30"},
		{"slip to under a quarter hour", mg("11:55", "00:05"), 11*60 + 55, none,
			"end_time", "end time 00:05 is before the start 11:55; left out"},
		{"slip to over four hours", mg("09:00", "01:30"), 9 * 60, none,
			"end_time", "end time 01:30 is before the start 09:00; left out"},
		{"an hour before the start", mg("17:30", "16:30"), 17*60 + 30, none,
			"end_time", "end time 16:30 is before the start 17:30; left out"},
		{"past midnight, too long", mg("19:00", "01:30"), 19 * 60, none,
			"end_time", "end time 01:30 is before the start 19:00; left out"},
		{"twelve hours", mg("07:00", "19:00"), 7 * 60, none,
			"end_time", "end time 19:00 would make the meeting from 07:00 last 12 hours; left out"},
		{"just over six hours", mg("10:00", "16:15"), 10 * 60, none,
			"end_time", "end time 16:15 would make the meeting from 10:00 last 6 hours 15 minutes; left out"},
		{"equal to the start", mg("10:00", "10:00"), 10 * 60, none,
			"end_time", "the end time 10:00 is the start time; left out"},
		{"12-hour times with a slip", mg("12:30 PM", "1:30 AM"), 12*60 + 30, 13*60 + 30,
			"end_time", "end time 01:30 is before the start 12:30; read as 13:30"},
		{"CSV slip", csvFeed("12:30", "1:30"), 12*60 + 30, 13*60 + 30,
			"end_time", "end time 01:30 is before the start 12:30; read as 13:30"},
		{"CSV 12-hour, past midnight", csvFeed("11:00 PM", "12:30 AM"), 23 * 60, 24*60 + 30, "", ""},
		{"BMLT duration", bmlt("14:00:00", "01:30:00"), 14 * 60, 15*60 + 30, "", ""},
		{"BMLT six hours past midnight", bmlt("22:00:00", "06:00:00"), 22 * 60, 28 * 60, "", ""},
		{"BMLT seven hours", bmlt("19:00:00", "07:00:00"), 19 * 60, none,
			"duration_time", "duration 07:00:00 would make a meeting of 7 hours; end time left out"},
		{"BMLT twelve hours", bmlt("20:30:00", "12:00:00"), 20*60 + 30, none,
			"duration_time", "duration 12:00:00 would make a meeting of 12 hours; end time left out"},
		{"BMLT a day", bmlt("20:30:00", "24:00:00"), 20*60 + 30, none,
			"duration_time", "duration 24:00:00 would make a meeting of 24 hours; end time left out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tc.feed), aa)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Groups) != 1 {
				t.Fatalf("%d groups, skipped %v", len(res.Groups), res.Skipped)
			}
			g := res.Groups[0]
			want := []referral.Session{{Day: g.Sessions[0].Day, Start: tc.start, End: tc.end}}
			if !reflect.DeepEqual(g.Sessions, want) {
				t.Errorf("sessions %v, want %v", g.Sessions, want)
			}
			var got []string
			for _, r := range res.Repaired {
				if r.Field == "end_time" || r.Field == "duration_time" {
					if !strings.HasPrefix(r.What, "read ") { // 12-hour time, not the end's reading
						got = append(got, r.Field+": "+r.What)
					}
				}
			}
			var wantRepairs []string
			if tc.field != "" {
				wantRepairs = []string{tc.field + ": " + tc.repair}
			}
			if !reflect.DeepEqual(got, wantRepairs) {
				t.Errorf("repairs %q, want %q", got, wantRepairs)
			}
			for _, w := range writers {
				var buf bytes.Buffer
				if err := w.write(&buf, res.Groups); err != nil {
					t.Fatal(err)
				}
				again, err := Parse(context.Background(), &buf, Options{Source: aa.Source, TimeZone: aa.TimeZone})
				if err != nil {
					t.Fatal(err)
				}
				if len(again.Groups) != 1 || !reflect.DeepEqual(again.Groups[0].Sessions, g.Sessions) {
					t.Errorf("%s export reads back as %v", w.name, again.Groups)
				}
			}
		})
	}
}

func mg(start, end string) string {
	return fmt.Sprintf(`[{"slug":"a","name":"A","day":2,"time":%q,"end_time":%q,"address":"1 Main St"}]`, start, end)
}

func csvFeed(start, end string) string {
	return fmt.Sprintf("Slug,Name,Day,Time,End Time,Address\na,A,Tuesday,%s,%s,1 Main St\n", start, end)
}

func bmlt(start, duration string) string {
	return fmt.Sprintf(`[{"id_bigint":"1","meeting_name":"A","weekday_tinyint":"3","start_time":%q,"duration_time":%q,"location_street":"1 Main St"}]`,
		start, duration)
}
