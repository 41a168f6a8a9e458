package feed

import (
	"context"
	"strings"
	"testing"
)

// TestServiceMeetingsOfRealFeeds: the Al-Anon feed lists each district's
// monthly business meeting; the SEPIA feed's "Intergroup Noon" is a
// recovery meeting held at the intergroup office, not a service meeting.
func TestServiceMeetingsOfRealFeeds(t *testing.T) {
	want := map[string]int{"aa-sepia-meeting-guide.json": 0, "al-anon-ma-meeting-guide.json": 13, "na-greater-ny-bmlt.json": 0}
	for _, tc := range realFeeds {
		t.Run(tc.file, func(t *testing.T) {
			res := parseFile(t, tc.file, tc.opts)
			marked := 0
			for _, g := range res.Groups {
				if g.Service {
					marked++
					if !strings.Contains(g.Name, "Monthly Business Meeting District") {
						t.Errorf("%q marked as a service meeting", g.Name)
					}
				}
			}
			if marked != want[tc.file] || res.Service != marked {
				t.Errorf("%d marked, %d counted; want %d", marked, res.Service, want[tc.file])
			}
		})
	}
}

func TestServiceMeetingByType(t *testing.T) {
	tests := []struct {
		name, feed string
		opts       Options
	}{
		{"Meeting Guide BUS", `[{"name": "Tuesday Group", "slug": "t", "day": 2, "time": "19:00", "types": ["C", "BUS"],
			"formatted_address": "1 Main St, Philadelphia, PA 19107"}]`, aa},
		{"CSV type name", "Name,Day,Time,Types,Address,City,State,Postal Code\nTuesday Group,Tuesday,19:00,\"Closed, Business\",1 Main St,Philadelphia,PA,19107\n",
			Options{Source: "t", Program: "CA", TimeZone: "America/New_York", Format: CSV}},
		{"BMLT format named for a service meeting", `{"meetings": [{"id_bigint": "1", "meeting_name": "Tuesday Group", "weekday_tinyint": "3",
			"start_time": "19:00:00", "formats": "C,ASC", "location_street": "1 Main St", "location_municipality": "Albany"}],
			"formats": [{"key_string": "C", "name_string": "Closed", "world_id": "CLOSED"},
				{"key_string": "ASC", "name_string": "Area Service Committee", "world_id": ""}]}`, Options{Source: "t", TimeZone: "America/New_York"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tt.feed), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Groups) != 1 || !res.Groups[0].Service || res.Service != 1 {
				t.Fatalf("groups %+v, %d service meetings; want the one marked", res.Groups, res.Service)
			}
			if len(res.UnknownTypes) != 0 {
				t.Errorf("unknown types %+v", res.UnknownTypes)
			}
			if res.Unplaced != 0 {
				t.Errorf("a service meeting counted as unplaced")
			}
		})
	}
}
