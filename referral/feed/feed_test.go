package feed

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"referraldesk/referral"
)

// realFeeds are the three real files in testdata/feeds (see
// testdata/README.md for where each comes from and its quirks).
var realFeeds = []struct {
	file    string
	opts    Options
	format  Format
	groups  int
	skipped int
	repairs int
	program referral.Program
	attend  map[referral.Attendance]int
	unknown []UnknownType
}{
	{
		file:   "aa-sepia-meeting-guide.json",
		opts:   Options{Source: "aasepia", Program: referral.ProgramAA, TimeZone: "America/New_York"},
		format: MeetingGuide, groups: 2038, program: referral.ProgramAA,
		// 2038 coordinates as text + 586 ONL + 26 ASBI + 1 end time equal to
		// the start + 226 town-only addresses marked approximate + 3 noon
		// meetings "ending" at 01:15 or 01:30, read as PM + 1 end time an hour
		// before the start, left out.
		repairs: 2038 + 586 + 26 + 1 + 226 + 3 + 1,
		attend:  map[referral.Attendance]int{referral.InPerson: 1291, referral.Hybrid: 305, referral.Online: 305, referral.Inactive: 137},
	},
	{
		file:   "al-anon-ma-meeting-guide.json",
		opts:   Options{Source: "alanonma", Program: referral.ProgramAlAnon, TimeZone: "America/New_York"},
		format: MeetingGuide, groups: 360, program: referral.ProgramAlAnon,
		// 173 ONL + 3 conference phones that are no number + 1 location
		// note with a Windows-1252 apostrophe read as Latin-1 (U+0092).
		repairs: 177,
		// The file's own attendance_option, as the data README counts it.
		attend: map[referral.Attendance]int{referral.InPerson: 156, referral.Online: 113, referral.Hybrid: 60, referral.Inactive: 31},
		unknown: []UnknownType{
			{Code: "AC", Program: referral.ProgramAlAnon, Count: 48, First: 19},
			{Code: "LGBTQIA", Program: referral.ProgramAlAnon, Count: 1, First: 2},
		},
	},
	{
		file:   "na-greater-ny-bmlt.json",
		opts:   Options{Source: "gnyr", TimeZone: "America/New_York"},
		format: BMLT, groups: 1513, program: referral.ProgramNA,
		// Durations of 7 and 12 hours, left out.
		repairs: 2,
		attend:  map[referral.Attendance]int{referral.InPerson: 1513},
	},
}

func parseFile(t *testing.T, name string, opts Options) *Result {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "feeds", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Parse(context.Background(), f, opts)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return res
}

func TestParseRealFeeds(t *testing.T) {
	for _, tc := range realFeeds {
		t.Run(tc.file, func(t *testing.T) {
			res := parseFile(t, tc.file, tc.opts)
			if res.Format != tc.format {
				t.Errorf("format %q, want %q", res.Format, tc.format)
			}
			if len(res.Groups) != tc.groups || len(res.Skipped) != tc.skipped || len(res.Repaired) != tc.repairs {
				t.Errorf("%d groups, %d skipped, %d repaired; want %d, %d, %d",
					len(res.Groups), len(res.Skipped), len(res.Repaired), tc.groups, tc.skipped, tc.repairs)
			}
			attend := map[referral.Attendance]int{}
			for _, g := range res.Groups {
				attend[g.Attendance]++
				if g.Program != tc.program || g.Source != tc.opts.Source || g.TimeZone != "America/New_York" {
					t.Fatalf("group %q: program %q source %q zone %q", g.SourceID, g.Program, g.Source, g.TimeZone)
				}
				if err := g.Validate(); err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(attend, tc.attend) {
				t.Errorf("attendance %v, want %v", attend, tc.attend)
			}
			if !reflect.DeepEqual(res.UnknownTypes, tc.unknown) {
				t.Errorf("unknown types %+v, want %+v", res.UnknownTypes, tc.unknown)
			}
		})
	}
}

// TestRoundTrip: parse → write → parse gives equal groups, for every real
// file and both export formats.
func TestRoundTrip(t *testing.T) {
	for _, tc := range realFeeds {
		res := parseFile(t, tc.file, tc.opts)
		for _, w := range writers {
			t.Run(tc.file+"/"+w.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := w.write(&buf, res.Groups); err != nil {
					t.Fatal(err)
				}
				// No program option: the export names each group's program.
				again, err := Parse(context.Background(), &buf, Options{Source: tc.opts.Source, TimeZone: tc.opts.TimeZone})
				if err != nil {
					t.Fatal(err)
				}
				if again.Format != Format(w.name) {
					t.Errorf("export detected as %q", again.Format)
				}
				if len(again.Skipped) != 0 {
					t.Errorf("reading the export skipped %v", again.Skipped[0])
				}
				if !reflect.DeepEqual(again.Groups, res.Groups) {
					t.Fatalf("the export reads back different:\n%s", firstDifference(res.Groups, again.Groups))
				}
			})
		}
	}
}

func group(t *testing.T, res *Result, id string) *referral.Group {
	t.Helper()
	for _, g := range res.Groups {
		if g.SourceID == id {
			return g
		}
	}
	t.Fatalf("no group %q", id)
	return nil
}

func point(lat, lon float64) *referral.Point { return &referral.Point{Lat: lat, Lon: lon} }

func at(s string) time.Time {
	loc, _ := time.LoadLocation("America/New_York")
	t, _ := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	return t.UTC()
}

// TestRealRecords checks records field by field against the files.
func TestRealRecords(t *testing.T) {
	sepia := parseFile(t, realFeeds[0].file, realFeeds[0].opts)
	alanon := parseFile(t, realFeeds[1].file, realFeeds[1].opts)
	na := parseFile(t, realFeeds[2].file, realFeeds[2].opts)
	tests := []struct {
		name string
		got  *referral.Group
		want referral.Group
	}{
		{"meeting guide with ONL, conference and string coordinates", group(t, sepia, "meeting-225-lancaster-ave-malvern-pa-19355-usa-0-063000"), referral.Group{
			Source: "aasepia", SourceID: "meeting-225-lancaster-ave-malvern-pa-19355-usa-0-063000",
			Updated: at("2021-03-11 16:51:15"), Name: "Wake Up", Program: referral.ProgramAA,
			Sessions:   []referral.Session{{Day: time.Sunday, Start: 6*60 + 30, End: 7*60 + 30}},
			TimeZone:   "America/New_York",
			Attendance: referral.Hybrid,
			Place: referral.Place{Location: "Malvern Center (D30)", Address: "225 Lancaster Ave", City: "Malvern",
				State: "PA", PostalCode: "19355", Country: "USA", Coords: point(40.0422108, -75.5423529),
				Regions: []string{"Chester County", "Malvern"}},
			Online: referral.OnlineAccess{URL: "https://zoom.us/j/5154726577?pwd=eThZTXNxOG81ckVCUGljZXpCdnZpUT09",
				Phone: "+14157629988,,5154726577#,,#,,867458#"},
			Attributes: referral.Attributes{Wheelchair: true, Formats: []referral.Format{referral.FormatDiscussion}},
			Types:      []string{"D", "ONL", "X"},
			Notes:      "Entrance in back of bldg/behind QVC Outlet Store -- PW: 867458",
			Contact: referral.Contact{Entity: "D30 / GSO #600690",
				Website:     "https://www.aasepia.org/meetings/?meeting=meeting-225-lancaster-ave-malvern-pa-19355-usa-0-063000",
				FeedbackURL: "https://aasepia.org/meeting-status/"},
		}},
		{"misspelled ASBI at a town-only address", group(t, sepia, "open-topic-meeting-online"), referral.Group{
			Source: "aasepia", SourceID: "open-topic-meeting-online",
			Updated: at("2021-08-18 20:21:10"), Name: "It Works It Really Does Open Topic", Program: referral.ProgramAA,
			Sessions:   []referral.Session{{Day: time.Sunday, Start: 10 * 60, End: 11 * 60}},
			TimeZone:   "America/New_York",
			Attendance: referral.Online,
			Place: referral.Place{Location: "Virtual Only (D23)", City: "Philadelphia", State: "PA", Country: "USA",
				Coords: point(39.9525839, -75.1652215), Approximate: true,
				Regions: []string{"Philadelphia County", "Philadelphia"}},
			Online: referral.OnlineAccess{URL: "https://us02web.zoom.us/j/291391456?pwd=NFpNZFE2dmpjZDVySk9CMnhEOXdBQT09",
				Phone: "+19292056099,,291391456#,,#,,6101935#"},
			Attributes: referral.Attributes{Openness: referral.Open, Formats: []referral.Format{referral.FormatDiscussion, referral.FormatLiterature}},
			Types:      []string{"O", "ABSI", "D", "ONL"},
			Contact: referral.Contact{Entity: "D23",
				Website:     "https://www.aasepia.org/meetings/?meeting=open-topic-meeting-online",
				FeedbackURL: "https://aasepia.org/meeting-status/"},
		}},
		{"temporarily closed, no online access", group(t, sepia, "meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500"), referral.Group{
			Source: "aasepia", SourceID: "meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500",
			Updated: at("2020-10-08 16:43:41"), Name: "Sunday Morning", Program: referral.ProgramAA,
			Sessions:   []referral.Session{{Day: time.Sunday, Start: 9*60 + 45, End: 10*60 + 45}},
			TimeZone:   "America/New_York",
			Attendance: referral.Inactive,
			Place: referral.Place{Location: "4021 Club (D28)", Address: "4021 Walnut St", City: "Philadelphia",
				State: "PA", PostalCode: "19104", Country: "USA", Coords: point(39.954535, -75.2035769),
				Regions: []string{"Philadelphia County", "West Philadelphia"}},
			Attributes: referral.Attributes{Openness: referral.Open, Newcomer: true},
			Types:      []string{"O", "BE", "TC"},
			Notes:      "Beginners & Spkr Disc",
			Contact: referral.Contact{Entity: "D28 / GSO #112158",
				Website:     "https://www.aasepia.org/meetings/?meeting=meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500",
				FeedbackURL: "https://aasepia.org/meeting-status/"},
		}},
		{"plugin output with attendance_option and approximate", group(t, alanon, "25037-par-ents-afg"), referral.Group{
			Source: "alanonma", SourceID: "25037-par-ents-afg",
			Updated: at("2023-08-22 21:29:56"), Name: "25037 Par ents AFG", Program: referral.ProgramAlAnon,
			Sessions:   []referral.Session{{Day: time.Sunday, Start: 21 * 60, End: referral.NoTime}},
			TimeZone:   "America/New_York",
			Attendance: referral.Online,
			Place: referral.Place{Location: "District 25", Address: "Cuttyhunk Island", City: "Gosnold", State: "MA",
				PostalCode: "02713", Country: "USA", Coords: point(41.4182719, -70.9338747), Approximate: true,
				Notes: "Virtual Meeting", Regions: []string{"Cuttyhunk"}},
			Online:     referral.OnlineAccess{URL: "https://zoom.us/j/1234567890", Phone: "+19292056099,,1234567890#,,,,,##"},
			Attributes: referral.Attributes{Openness: referral.Open},
			Types:      []string{"O", "POA", "ONL"},
			Notes:      "Zoom ID: 123 4567 890\npasscode: 123456\n\nDial-In Phone No.: 929-205-6099\nDial-In ID: 123 4567 890\nDial-In-passcode:\n\nVirtual",
			Contact:    referral.Contact{Entity: "District 25", Website: "https://staging7.alanonma.org/meetings/25037-par-ents-afg/"},
		}},
		{"BMLT meeting", group(t, na, "2"), referral.Group{
			Source: "gnyr", SourceID: "2", Name: "Nothing Macho", Program: referral.ProgramNA,
			Sessions:   []referral.Session{{Day: time.Saturday, Start: 14 * 60, End: 15*60 + 30}},
			TimeZone:   "America/New_York",
			Attendance: referral.InPerson,
			Place: referral.Place{Location: "North Central Bronx Hospital, Room 14B07", Address: "3424 Kossuth Ave.",
				City: "New York", State: "NY", PostalCode: "10467", Country: "USA",
				Coords: point(40.8806192784682, -73.8814955949783), Notes: "@210th St",
				Regions: []string{"Bronx", "Norwood"}},
			Attributes: referral.Attributes{Openness: referral.Open, Audience: referral.MenOnly, Languages: []string{"en"},
				Formats: []referral.Format{referral.FormatStep}},
			Types:   []string{"M", "O", "St"},
			Contact: referral.Contact{Entity: "Bronx Area Service"},
		}},
		{"BMLT Spanish-language meeting with transit notes", group(t, na, "32"), referral.Group{
			Source: "gnyr", SourceID: "32", Name: "Solamente por Hoy", Program: referral.ProgramNA,
			Sessions:   []referral.Session{{Day: time.Monday, Start: 19 * 60, End: 20*60 + 30}},
			TimeZone:   "America/New_York",
			Attendance: referral.InPerson,
			Place: referral.Place{Location: "Immaculate Conception Parish", Address: "389 East 150th Street",
				City: "New York", State: "NY", PostalCode: "10455-2706", Country: "USA",
				Coords:  point(40.8168793, -73.917809),
				Notes:   "@Melrose Ave\nBus: Bus Bx 36 hasta Tremont Ave\nTrain: Tren 2 ? 5 a Tremont Ave",
				Regions: []string{"Bronx"}},
			Attributes: referral.Attributes{Openness: referral.Open, Languages: []string{"es"},
				Formats: []referral.Format{referral.FormatStep}},
			Types:   []string{"ES", "O", "St"},
			Contact: referral.Contact{Entity: "Metro Area de Habla Hispana"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(*tc.got, tc.want) {
				t.Errorf("%s", firstDifference([]*referral.Group{&tc.want}, []*referral.Group{tc.got}))
			}
		})
	}
}
