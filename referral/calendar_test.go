package referral_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"referraldesk/referral"
)

// icsProp is one content line of an iCalendar file, unfolded.
type icsProp struct {
	name   string
	params map[string]string
	value  string
}

// icsComp is one BEGIN…END component.
type icsComp struct {
	kind  string
	props []icsProp
	comps []*icsComp
}

func (c *icsComp) get(name string) (icsProp, bool) {
	for _, p := range c.props {
		if p.name == name {
			return p, true
		}
	}
	return icsProp{}, false
}

func (c *icsComp) all(kind string) []*icsComp {
	var out []*icsComp
	for _, s := range c.comps {
		if s.kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// parseICS reads an iCalendar file strictly, as a picky phone would: every
// line ends in CRLF, no line is over 75 octets or splits a UTF-8 sequence,
// components nest, and every property has a name and a colon.
func parseICS(t *testing.T, raw []byte) *icsComp {
	t.Helper()
	s := string(raw)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("the file does not end in CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		switch {
		case strings.ContainsAny(l, "\r\n"):
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		case len(l) > 75:
			t.Fatalf("line %d is %d octets, over 75: %q", i+1, len(l), l)
		case !utf8.ValidString(l):
			t.Fatalf("line %d splits a UTF-8 sequence: %q", i+1, l)
		case strings.HasPrefix(l, " "):
			if len(lines) == 0 {
				t.Fatal("the file starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
		default:
			lines = append(lines, l)
		}
	}
	var stack []*icsComp
	var root *icsComp
	for _, l := range lines {
		head, value, ok := strings.Cut(l, ":")
		if !ok || head == "" {
			t.Fatalf("content line without a name and colon: %q", l)
		}
		parts := strings.Split(head, ";")
		p := icsProp{name: parts[0], params: map[string]string{}, value: value}
		for _, kv := range parts[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Fatalf("parameter without a value: %q", l)
			}
			p.params[k] = v
		}
		switch p.name {
		case "BEGIN":
			c := &icsComp{kind: value}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.comps = append(top.comps, c)
			} else if root != nil {
				t.Fatal("more than one top-level component")
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].kind != value {
				t.Fatalf("END:%s does not close what is open", value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("property outside a component: %q", l)
			}
			top := stack[len(stack)-1]
			top.props = append(top.props, p)
		}
	}
	if len(stack) != 0 || root == nil || root.kind != "VCALENDAR" {
		t.Fatal("the file is not one complete VCALENDAR")
	}
	return root
}

// unescape reads a TEXT value back, refusing what RFC 5545 forbids bare.
func unescape(t *testing.T, v string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			case '\\', ';', ',':
				b.WriteByte(v[i])
			default:
				t.Fatalf("unknown escape \\%c in %q", v[i], v)
			}
		case c == ';' || c == ',' || c == '\\':
			t.Fatalf("unescaped %q in TEXT %q", c, v)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func writeCalendar(t *testing.T, c referral.Calendar) *icsComp {
	t.Helper()
	var buf bytes.Buffer
	if err := c.WriteICS(&buf); err != nil {
		t.Fatal(err)
	}
	return parseICS(t, buf.Bytes())
}

// calendarGroups meet in zones with and without daylight saving, north and
// south of the equator, in person, online and both.
func calendarGroups() []*referral.Group {
	return []*referral.Group{
		{Name: "Serenity Seekers", Program: referral.ProgramNA, TimeZone: "America/New_York", Attendance: referral.InPerson,
			Sessions: []referral.Session{{Day: time.Tuesday, Start: 19 * 60, End: 20*60 + 30}, {Day: time.Saturday, Start: 9 * 60, End: 10 * 60}},
			Place: referral.Place{Location: "St. Mark's; Hall B", Address: "1625 Locust St", City: "Philadelphia", State: "PA",
				PostalCode: "19103", Notes: "Side door, \\ up the stairs"}},
		{Name: "Harbour Lights, Kings Cross", Program: referral.ProgramAA, TimeZone: "Australia/Sydney", Attendance: referral.Hybrid,
			Sessions: []referral.Session{{Day: time.Sunday, Start: 18 * 60, End: referral.NoTime}},
			Place:    referral.Place{Address: "10 Darlinghurst Rd", City: "Potts Point", State: "NSW"},
			Online: referral.OnlineAccess{URL: "https://zoom.us/j/82900440659?pwd=a,b;c",
				Phone: "+15873281099,,82900440659#,,#,,123456#"}},
		{Name: "Grupo Niño Feliz — reunión en español para quienes empiezan, con café y galletas ☕", Program: referral.ProgramNA,
			TimeZone: "Asia/Kolkata", Attendance: referral.Online,
			Sessions: []referral.Session{{Day: time.Wednesday, Start: 23 * 60, End: 24*60 + 30}},
			Place:    referral.Place{Address: "an affinity address nobody walks to"},
			Online:   referral.OnlineAccess{URL: "ftp://files.example.org/meeting"}},
		{Name: "Line Islands Recovery", Program: referral.ProgramAA, TimeZone: "Pacific/Kiritimati", Attendance: referral.InPerson,
			Sessions: []referral.Session{{Day: time.Monday, Start: 7 * 60, End: 8 * 60}}},
	}
}

// calendarNows are moments the file may be made at: either side of the
// northern and southern clock changes, and on the meeting day itself.
var calendarNows = []time.Time{
	time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC),
	time.Date(2026, 3, 7, 23, 30, 0, 0, time.FixedZone("", -5*3600)),
	time.Date(2026, 10, 31, 12, 0, 0, 0, time.FixedZone("", 14*3600)),
	time.Date(2026, 7, 14, 23, 59, 0, 0, time.FixedZone("", -4*3600)), // Tuesday, after New York's 19:00
}

func TestCalendarEventsAreOnEachGroupsClock(t *testing.T) {
	for _, now := range calendarNows {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			groups := calendarGroups()
			cal := writeCalendar(t, referral.Calendar{Groups: groups, Now: now})
			events := cal.all("VEVENT")
			if len(events) != 5 {
				t.Fatalf("%d events, want one per session (5)", len(events))
			}
			i := 0
			for _, g := range groups {
				loc, _ := time.LoadLocation(g.TimeZone)
				for _, s := range g.Sessions {
					checkEvent(t, events[i], g, s, loc, now)
					i++
				}
			}
		})
	}
}

func checkEvent(t *testing.T, e *icsComp, g *referral.Group, s referral.Session, loc *time.Location, now time.Time) {
	t.Helper()
	dtstart, _ := e.get("DTSTART")
	dtend, _ := e.get("DTEND")
	if dtstart.params["TZID"] != g.TimeZone || dtend.params["TZID"] != g.TimeZone {
		t.Errorf("%s: TZID %q/%q, want %s", g.Name, dtstart.params["TZID"], dtend.params["TZID"], g.TimeZone)
	}
	start, err := time.ParseInLocation("20060102T150405", dtstart.value, loc)
	if err != nil {
		t.Fatalf("%s: DTSTART %q: %v", g.Name, dtstart.value, err)
	}
	if start.Weekday() != s.Day || start.Hour()*60+start.Minute() != int(s.Start) {
		t.Errorf("%s: starts %s, want %s %s", g.Name, start.Format("Mon 15:04"), s.Day, s.Start)
	}
	if start.Before(now) || !start.Before(now.AddDate(0, 0, 7)) {
		t.Errorf("%s: first meeting %s is not the next one after %s", g.Name, start, now)
	}
	end, _ := time.ParseInLocation("20060102T150405", dtend.value, loc)
	minutes, desc := int(s.End-s.Start), description(t, e)
	if s.End == referral.NoTime {
		minutes = 60
		if !strings.Contains(desc, "no end time") {
			t.Errorf("%s: the description %q does not say the end time is unknown", g.Name, desc)
		}
	}
	if got := int(end.Sub(start).Minutes()); got != minutes {
		t.Errorf("%s: lasts %d minutes, want %d", g.Name, got, minutes)
	}
	if rule, _ := e.get("RRULE"); rule.value != "FREQ=WEEKLY;BYDAY="+strings.ToUpper(s.Day.String()[:2]) {
		t.Errorf("%s: RRULE %q", g.Name, rule.value)
	}
	if stamp, _ := e.get("DTSTAMP"); stamp.value != now.UTC().Format("20060102T150405Z") {
		t.Errorf("%s: DTSTAMP %q, want now in UTC", g.Name, stamp.value)
	}
	if sum, _ := e.get("SUMMARY"); unescape(t, sum.value) != g.Name+" ("+string(g.Program)+")" {
		t.Errorf("SUMMARY reads back %q", unescape(t, sum.value))
	}
	loc2, hasLoc := e.get("LOCATION")
	if hasLoc != (g.Attendance.MeetsInPerson() && g.Place.Address != "") || hasLoc && !strings.Contains(unescape(t, loc2.value), g.Place.Address) {
		t.Errorf("%s (%s): LOCATION %q", g.Name, g.Attendance, loc2.value)
	}
	url, hasURL := e.get("URL")
	if wantURL := strings.HasPrefix(g.Online.URL, "https://"); hasURL != wantURL || hasURL && url.value != g.Online.URL {
		t.Errorf("%s: URL %q; want %q only if it is a web link", g.Name, url.value, g.Online.URL)
	}
}

func description(t *testing.T, e *icsComp) string {
	d, _ := e.get("DESCRIPTION")
	return unescape(t, d.value)
}

func TestCalendarTextReadsBack(t *testing.T) {
	cal := writeCalendar(t, referral.Calendar{Groups: calendarGroups(), Now: calendarNows[0]})
	events := cal.all("VEVENT")
	if loc, _ := events[0].get("LOCATION"); unescape(t, loc.value) != "St. Mark's; Hall B, 1625 Locust St, Philadelphia, PA 19103" {
		t.Errorf("LOCATION reads back %q", unescape(t, loc.value))
	}
	if d := description(t, events[0]); d != "Side door, \\ up the stairs" {
		t.Errorf("the place notes read back %q", d)
	}
	want := "Join online: https://zoom.us/j/82900440659?pwd=a,b;c\n" +
		"Call 587-328-1099 · meeting ID 829 0044 0659 · passcode 123456\n" +
		"The listing gives no end time; the event is shown as one hour."
	if d := description(t, events[2]); d != want {
		t.Errorf("the hybrid group's description reads\n%q\nwant\n%q", d, want)
	}
	es := writeCalendar(t, referral.Calendar{Groups: calendarGroups(), Now: calendarNows[0], Lang: referral.Spanish})
	if d := description(t, es.all("VEVENT")[2]); !strings.Contains(d, "Llama al 587-328-1099") || !strings.Contains(d, "termina") {
		t.Errorf("the Spanish description reads %q", d)
	}
}

func TestCalendarUIDsAreStable(t *testing.T) {
	uids := func(now time.Time) []string {
		var out []string
		for _, e := range writeCalendar(t, referral.Calendar{Groups: calendarGroups(), Now: now}).all("VEVENT") {
			u, _ := e.get("UID")
			out = append(out, u.value)
		}
		return out
	}
	first, later := uids(calendarNows[0]), uids(calendarNows[2])
	seen := map[string]bool{}
	for i, u := range first {
		if !strings.HasSuffix(u, "@referraldesk") || seen[u] {
			t.Errorf("UID %q is not a unique referraldesk UID", u)
		}
		seen[u] = true
		if later[i] != u {
			t.Errorf("event %d: UID %q a month later, was %q", i, later[i], u)
		}
	}
}

// offsetAt reads a VTIMEZONE as a calendar without the tz database does:
// the observance with the latest onset at or before the local time wall.
func offsetAt(t *testing.T, tz *icsComp, wall time.Time) string {
	t.Helper()
	var best, bestTo string
	for _, o := range tz.comps {
		if o.kind != "STANDARD" && o.kind != "DAYLIGHT" {
			t.Fatalf("VTIMEZONE holds a %s", o.kind)
		}
		on, _ := o.get("DTSTART")
		to, _ := o.get("TZOFFSETTO")
		if on.value <= wall.Format("20060102T150405") && on.value > best {
			best, bestTo = on.value, to.value
		}
	}
	return bestTo
}

func TestCalendarTimeZonesMatchGo(t *testing.T) {
	now := calendarNows[0]
	cal := writeCalendar(t, referral.Calendar{Groups: calendarGroups(), Now: now})
	zones := map[string]*icsComp{}
	for _, z := range cal.all("VTIMEZONE") {
		id, _ := z.get("TZID")
		zones[id.value] = z
	}
	for _, e := range cal.all("VEVENT") {
		if s, _ := e.get("DTSTART"); zones[s.params["TZID"]] == nil {
			t.Errorf("no VTIMEZONE for TZID %s", s.params["TZID"])
		}
	}
	if len(zones) != 4 {
		t.Errorf("%d VTIMEZONEs, want one per zone used (4)", len(zones))
	}
	for name, tz := range zones {
		loc, _ := time.LoadLocation(name)
		for _, d := range []time.Time{
			time.Date(2026, 7, 15, 19, 0, 0, 0, loc), time.Date(2027, 1, 15, 19, 0, 0, 0, loc),
			time.Date(2029, 7, 15, 19, 0, 0, 0, loc), time.Date(2030, 1, 15, 19, 0, 0, 0, loc),
		} {
			_, off := d.Zone()
			if want, got := utcOffset(off), offsetAt(t, tz, d); got != want {
				t.Errorf("%s on %s: the VTIMEZONE says %s, Go says %s", name, d.Format("2006-01-02"), got, want)
			}
		}
	}
	for name, n := range map[string]int{"Asia/Kolkata": 1, "Pacific/Kiritimati": 1} {
		if got := len(zones[name].all("STANDARD")) + len(zones[name].all("DAYLIGHT")); got != n || len(zones[name].all("STANDARD")) != 1 {
			t.Errorf("%s keeps one offset all year: %d observances, want one STANDARD", name, got)
		}
	}
	if len(zones["America/New_York"].all("DAYLIGHT")) < 5 || len(zones["Australia/Sydney"].all("DAYLIGHT")) < 5 {
		t.Error("zones with daylight saving should list a DAYLIGHT observance for each year")
	}
}

func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
}

func TestCalendarWithoutAZoneIsOnThePhonesClock(t *testing.T) {
	g := calendarGroups()[3]
	g.TimeZone = ""
	cal := writeCalendar(t, referral.Calendar{Groups: []*referral.Group{g}, Now: calendarNows[0]})
	e := cal.all("VEVENT")[0]
	if s, _ := e.get("DTSTART"); len(s.params) != 0 || s.value != "20260316T070000" {
		t.Errorf("DTSTART %+v, want a floating Monday 07:00", s)
	}
	if len(cal.all("VTIMEZONE")) != 0 || !strings.Contains(description(t, e), "no time zone") {
		t.Error("a group without a zone should get no VTIMEZONE and a description that says so")
	}
}

func TestCalendarRefuses(t *testing.T) {
	noTimes := calendarGroups()[0]
	noTimes.Sessions = nil
	for name, c := range map[string]referral.Calendar{
		"no groups":      {Now: calendarNows[0]},
		"no times":       {Groups: []*referral.Group{noTimes}, Now: calendarNows[0]},
		"other language": {Groups: calendarGroups(), Now: calendarNows[0], Lang: "fr"},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := c.WriteICS(&buf); referral.ErrorCode(err) != referral.EINVALID || buf.Len() != 0 {
				t.Errorf("err %v, %d bytes written; want EINVALID and nothing", err, buf.Len())
			}
		})
	}
}
