package referral_test

import (
	"strings"
	"testing"
	"time"

	"referraldesk/referral"
)

func validGroup() *referral.Group {
	return &referral.Group{
		Name:       "Hope on Broad Street",
		Program:    referral.ProgramNA,
		Sessions:   []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20 * 60}},
		TimeZone:   "America/New_York",
		Attendance: referral.Hybrid,
		Place:      referral.Place{Coords: &referral.Point{Lat: 39.95, Lon: -75.16}},
		Online:     referral.OnlineAccess{URL: "https://zoom.us/j/123", Phone: "+1 (215) 555-0100,,123#"},
		Contact:    referral.Contact{Email: "group@example.org", Website: "http://example.org"},
	}
}

func TestGroupValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(g *referral.Group)
		field  string // the field the one problem must name; "" = valid
		says   string // part of the message a person reads
	}{
		{"valid", func(g *referral.Group) {}, "", ""},
		{"no name", func(g *referral.Group) { g.Name = "  " }, "Name", "needs a name"},
		{"no program", func(g *referral.Group) { g.Program = "" }, "Program", "choose the group's program"},
		{"end before start", func(g *referral.Group) { g.Sessions[0].End = 18 * 60 }, "Sessions[0].End", "18:00 is not after the start time 19:00"},
		{"end equals start", func(g *referral.Group) { g.Sessions[0].End = 19 * 60 }, "Sessions[0].End", "not after"},
		{"past midnight is fine", func(g *referral.Group) {
			g.Sessions[0] = referral.Session{Day: time.Friday, Start: 23 * 60, End: 24*60 + 30}
		}, "", ""},
		{"no end is fine", func(g *referral.Group) { g.Sessions[0].End = referral.NoTime }, "", ""},
		{"start out of day", func(g *referral.Group) {
			g.Sessions[0] = referral.Session{Day: time.Monday, Start: 24 * 60, End: referral.NoTime}
		}, "Sessions[0].Start", "00:00 to 23:59"},
		{"unknown weekday", func(g *referral.Group) { g.Sessions[0].Day = 7 }, "Sessions[0].Day", "weekday 7 is unknown"},
		{"latitude 200", func(g *referral.Group) { g.Place.Coords.Lat = 200 }, "Place.Coords.Lat", "between -90 and 90"},
		{"longitude -181", func(g *referral.Group) { g.Place.Coords.Lon = -181 }, "Place.Coords.Lon", "between -180 and 180"},
		{"link not http", func(g *referral.Group) { g.Online.URL = "javascript:alert(1)" }, "Online.URL", "http:// or https://"},
		{"link without host", func(g *referral.Group) { g.Contact.Website = "https://" }, "Contact.Website", "http:// or https://"},
		{"phone with letters", func(g *referral.Group) { g.Online.Phone = "call Bob" }, "Online.Phone", "only digits"},
		{"bad email", func(g *referral.Group) { g.Contact.Email = "nobody" }, "Contact.Email", "name@example.org"},
		{"unknown time zone", func(g *referral.Group) { g.TimeZone = "Mars/Olympus" }, "TimeZone", "IANA"},
		{"unknown attendance", func(g *referral.Group) { g.Attendance = "maybe" }, "Attendance", "in person, online, hybrid or inactive"},
		{"bad medication value", func(g *referral.Group) { g.Curation.MedicationFriendly = "sometimes" }, "Curation.MedicationFriendly", "yes, no or unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := validGroup()
			tt.change(g)
			err := g.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want no error", err)
				}
				return
			}
			if code := referral.ErrorCode(err); code != referral.EINVALID {
				t.Fatalf("ErrorCode = %q, want %q (err %v)", code, referral.EINVALID, err)
			}
			ps := referral.ErrorProblems(err)
			if len(ps) != 1 || ps[0].Field != tt.field {
				t.Fatalf("problems = %+v, want one naming %s", ps, tt.field)
			}
			if !strings.Contains(referral.ErrorMessage(err), tt.says) {
				t.Errorf("message %q does not say %q", referral.ErrorMessage(err), tt.says)
			}
		})
	}
}

func TestGroupValidateReportsEveryProblemInFieldOrder(t *testing.T) {
	g := validGroup()
	g.Name = ""
	g.Online.URL = "ftp://x"
	g.Place.Coords.Lat = 200
	var fields []string
	for _, p := range referral.ErrorProblems(g.Validate()) {
		fields = append(fields, p.Field)
	}
	want := "Name,Online.URL,Place.Coords.Lat"
	if got := strings.Join(fields, ","); got != want {
		t.Errorf("fields = %s, want %s", got, want)
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want referral.Clock
		ok   bool
	}{
		{"00:00", 0, true}, {"07:30", 450, true}, {"23:59", 1439, true}, {"24:00", 1440, true},
		{"24:01", referral.NoTime, false}, {"7:30", referral.NoTime, false}, {"12:60", referral.NoTime, false},
		{"ab:cd", referral.NoTime, false}, {"", referral.NoTime, false}, {"-1:00", referral.NoTime, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := referral.ParseClock(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseClock(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if tt.ok && got.String() != tt.in && tt.in != "24:00" {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestDeriveAttendance(t *testing.T) {
	tests := []struct {
		name                   string
		online, closed, approx bool
		want                   referral.Attendance
	}{
		{"address only", false, false, false, referral.InPerson},
		{"link and address", true, false, false, referral.Hybrid},
		{"link, temporarily closed", true, true, false, referral.Online},
		{"link, approximate address", true, false, true, referral.Online},
		{"temporarily closed, no link", false, true, false, referral.Inactive},
		{"approximate, no link", false, false, true, referral.Inactive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := referral.DeriveAttendance(tt.online, tt.closed, tt.approx); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMiles(t *testing.T) {
	// Philadelphia City Hall to the Empire State Building: about 82.9 miles
	// as the crow flies (≈0.80° of latitude and ≈1.18° of longitude at 40°N).
	got := referral.Miles(referral.Point{Lat: 39.9526, Lon: -75.1635}, referral.Point{Lat: 40.7484, Lon: -73.9857})
	if got < 82.4 || got > 83.4 {
		t.Errorf("Miles = %.2f, want about 82.9", got)
	}
	if d := referral.Miles(referral.Point{Lat: 10, Lon: 10}, referral.Point{Lat: 10, Lon: 10}); d != 0 {
		t.Errorf("distance to itself = %v", d)
	}
}
