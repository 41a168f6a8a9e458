package referral

// Calendar files
//
// A client can take the chosen groups home on their phone as well as on
// paper: an iCalendar file (RFC 5545, ".ics") that every phone's calendar
// imports. Each weekly session of a group is one repeating event. Its times
// are written on the group's own clock, with the group's IANA zone as TZID,
// so the phone shows them on whatever clock it keeps and follows the
// group's daylight-saving changes. A VTIMEZONE for each zone, made from the
// tz database Go reads, serves calendars that do not know the zone by name.
//
// Like the sheet, the file names no client: not the first name, not the
// label of the referral log. It names only the groups.

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// assumedMinutes is how long an event lasts when the directory gives
	// no end time: most meetings run an hour.
	assumedMinutes = 60
	// zoneYears is how many years of a zone's clock changes a VTIMEZONE
	// lists from the first event on. A calendar that reads the VTIMEZONE
	// rather than knowing the zone keeps the last listed offset after
	// that; years of weekly meetings are covered, and the file stays small.
	zoneYears = 5
	// foldOctets is the longest line RFC 5545 allows, CRLF not counted.
	foldOctets = 75
	// maxNotes shortens a listing's notes in an event, as on the sheet's
	// cards: a phone shows the first lines of a description.
	maxNotes = 300
)

// calendarWords are the few sentences an event's description adds, in the
// sheet's languages.
type calendarWords struct {
	join, call, meetingID, passcode, noEnd, noZone string
}

var calendarTexts = map[Lang]calendarWords{
	English: {join: "Join online: ", call: "Call ", meetingID: "meeting ID ", passcode: "passcode ",
		noEnd:  "The listing gives no end time; the event is shown as one hour.",
		noZone: "The listing gives no time zone; the time is shown on your phone's clock."},
	Spanish: {join: "Únete en línea: ", call: "Llama al ", meetingID: "ID de reunión ", passcode: "código ",
		noEnd:  "El listado no dice a qué hora termina; el evento se muestra de una hora.",
		noZone: "El listado no dice la zona horaria; la hora se muestra en el reloj de tu teléfono."},
}

// Calendar is the chosen groups' meetings as a phone calendar takes them.
type Calendar struct {
	Groups []*Group // as the sheet lists them (see Candidate.Listing)
	// Now is when the file is made: its DTSTAMP, and each series starts at
	// the session's next start at or after it.
	Now  time.Time
	Lang Lang // the descriptions' language; "" means English
}

// WriteICS writes the calendar as an iCalendar file: one weekly event per
// session of each group, and a VTIMEZONE for each zone they use.
func (c Calendar) WriteICS(w io.Writer) error {
	if len(c.Groups) == 0 {
		return Errorf(EINVALID, "choose at least one group for the calendar")
	}
	words, ok := calendarTexts[cmp.Or(c.Lang, English)]
	if !ok {
		return Errorf(EINVALID, "language %q is not available; use en (English) or es (Spanish)", c.Lang)
	}
	var events []icsEvent
	firsts := map[string]time.Time{} // zone → its earliest event
	seen := map[string]bool{}        // UIDs: a session listed twice is one event
	for _, g := range c.Groups {
		if g == nil {
			continue
		}
		for _, s := range g.Sessions {
			e := newEvent(g, s, c.Now, words)
			if seen[e.uid] {
				continue
			}
			seen[e.uid] = true
			events = append(events, e)
			if e.loc != nil && (firsts[e.zone].IsZero() || e.start.Before(firsts[e.zone])) {
				firsts[e.zone] = e.start
			}
		}
	}
	if len(events) == 0 {
		return Errorf(EINVALID, "the chosen groups list no meeting times, so there is nothing to put in a calendar")
	}
	iw := &icsWriter{w: bufio.NewWriter(w)}
	iw.line("BEGIN:VCALENDAR")
	iw.line("VERSION:2.0")
	iw.line("PRODID:-//Referral Desk//Support groups//EN")
	iw.line("CALSCALE:GREGORIAN")
	iw.line("METHOD:PUBLISH")
	zones := make([]string, 0, len(firsts))
	for z := range firsts {
		zones = append(zones, z)
	}
	slices.Sort(zones)
	for _, z := range zones {
		iw.timezone(z, firsts[z])
	}
	stamp := c.Now.UTC().Format("20060102T150405Z")
	for _, e := range events {
		iw.event(e, stamp)
	}
	iw.line("END:VCALENDAR")
	return iw.flush()
}

// icsEvent is one session of one group as a repeating event.
type icsEvent struct {
	uid        string
	zone       string         // "" when the listing has no zone we know
	loc        *time.Location // nil with zone ""
	start, end time.Time      // wall clock in loc (UTC standing in for a floating time)
	day        time.Weekday
	summary    string
	location   string // "" for a group met only online
	url        string // "" unless an http or https link to join
	notes      []string
}

func newEvent(g *Group, s Session, now time.Time, words calendarWords) icsEvent {
	e := icsEvent{uid: eventUID(g, s), day: s.Day, summary: eventSummary(g)}
	var notes []string
	loc := time.UTC // a floating time: the series starts by UTC's date
	if isIANAZone(g.TimeZone) {
		e.zone = g.TimeZone
		loc, _ = time.LoadLocation(g.TimeZone)
		e.loc = loc
	} else {
		notes = append(notes, words.noZone)
	}
	e.start = nextAt(now, loc, s)
	minutes := int(s.End - s.Start)
	if s.End == NoTime {
		minutes = assumedMinutes
		notes = append(notes, words.noEnd)
	}
	// Calendar arithmetic, not seconds: the end keeps its wall clock
	// across a daylight-saving change, as the directory means it.
	e.end = time.Date(e.start.Year(), e.start.Month(), e.start.Day(), e.start.Hour(), e.start.Minute()+minutes, 0, 0, loc)
	if g.Attendance.MeetsInPerson() {
		e.location = Tidy(g.Place.Line())
	}
	if g.Attendance.MeetsOnline() && isWebLink(g.Online.URL) {
		e.url = strings.TrimSpace(g.Online.URL)
	}
	e.notes = append(onlineNotes(g, e.url, words), notes...)
	if g.Attendance.MeetsInPerson() && g.Place.Notes != "" {
		e.notes = append(e.notes, Truncate(Tidy(g.Place.Notes), maxNotes))
	}
	return e
}

// eventUID names one session of one group the same way in every file, so
// a phone that imports a second calendar for the same client updates its
// events rather than doubling them.
func eventUID(g *Group, s Session) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x1f%d\x1f%d", GroupKey(g), s.Day, s.Start)))
	return hex.EncodeToString(sum[:16]) + "@referraldesk"
}

// eventSummary is the group's name with its fellowship, as a calendar's
// day view shows it: "Serenity Seekers (NA)", but "Valley Forge NA".
func eventSummary(g *Group) string {
	name, p := Tidy(g.Name), string(g.Program)
	if p == "" || g.Program == ProgramOther || name == p || strings.HasPrefix(name, p+" ") || strings.HasSuffix(name, " "+p) {
		return name
	}
	return name + " (" + string(g.Program) + ")"
}

// onlineNotes are the description's lines for joining from afar: the link
// (many phones show no URL field) and the dial-in as a person keys it in.
func onlineNotes(g *Group, url string, words calendarWords) []string {
	if !g.Attendance.MeetsOnline() {
		return nil
	}
	var lines []string
	if url != "" {
		lines = append(lines, words.join+url)
	}
	if n := Tidy(g.Online.URLNotes); n != "" {
		lines = append(lines, Truncate(n, maxNotes))
	}
	if d := dialInWords(g.Online.Phone, words); d != "" {
		lines = append(lines, d)
	}
	if n := Tidy(g.Online.PhoneNotes); n != "" {
		lines = append(lines, Truncate(n, maxNotes))
	}
	return lines
}

// dialInWords reads a dial string as the sheet prints it: "Call
// 587-328-1099 · meeting ID 829 0044 0659 · passcode 123456". A string
// ParseDialIn cannot read is passed on as the directory wrote it.
func dialInWords(raw string, words calendarWords) string {
	raw = Tidy(raw)
	if raw == "" {
		return ""
	}
	d, ok := ParseDialIn(raw)
	if !ok {
		return words.call + raw
	}
	parts := []string{words.call + FormatPhoneNumber(d.Number)}
	if d.MeetingID != "" {
		parts = append(parts, words.meetingID+FormatMeetingID(d.MeetingID))
	}
	if d.Passcode != "" {
		parts = append(parts, words.passcode+d.Passcode)
	}
	return strings.Join(parts, " · ")
}

// icsWriter writes content lines, folded and ended as RFC 5545 requires,
// and keeps the first error.
type icsWriter struct {
	w   *bufio.Writer
	err error
}

func (iw *icsWriter) flush() error {
	if iw.err == nil {
		iw.err = iw.w.Flush()
	}
	return iw.err
}

// line writes one content line folded at foldOctets: a CRLF and a space
// before each further piece, never inside a UTF-8 sequence.
func (iw *icsWriter) line(s string) {
	limit := foldOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		iw.write(s[:cut], "\r\n ")
		s = s[cut:]
		limit = foldOctets - 1 // the leading space counts
	}
	iw.write(s, "\r\n")
}

func (iw *icsWriter) write(s, end string) {
	if iw.err != nil {
		return
	}
	if _, err := iw.w.WriteString(s); err != nil {
		iw.err = err
		return
	}
	_, iw.err = iw.w.WriteString(end)
}

// text writes a property whose value is TEXT, escaped.
func (iw *icsWriter) text(name, value string) {
	iw.line(name + ":" + escapeText(value))
}

var textEscaper = strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\n", `\n`)

// escapeText escapes a TEXT value (RFC 5545 3.3.11). Tidy has already
// taken out the control characters TEXT may not hold, but for tabs.
func escapeText(s string) string { return textEscaper.Replace(Tidy(s)) }

func (iw *icsWriter) event(e icsEvent, stamp string) {
	iw.line("BEGIN:VEVENT")
	iw.line("UID:" + e.uid)
	iw.line("DTSTAMP:" + stamp)
	iw.line(dateTimeProperty("DTSTART", e.zone, e.start))
	iw.line(dateTimeProperty("DTEND", e.zone, e.end))
	iw.line("RRULE:FREQ=WEEKLY;BYDAY=" + icsDays[e.day])
	iw.text("SUMMARY", e.summary)
	if e.location != "" {
		iw.text("LOCATION", e.location)
	}
	if e.url != "" {
		// A URI value is not TEXT: its commas and semicolons stay as they are.
		iw.line("URL:" + e.url)
	}
	if len(e.notes) > 0 {
		iw.text("DESCRIPTION", strings.Join(e.notes, "\n"))
	}
	iw.line("END:VEVENT")
}

// icsDays are the weekdays as RRULE's BYDAY writes them, Sunday first as
// time.Weekday counts.
var icsDays = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// dateTimeProperty writes a local time on zone's clock, or a floating time
// (on the reader's clock) when zone is "".
func dateTimeProperty(name, zone string, t time.Time) string {
	v := t.Format("20060102T150405")
	if zone == "" {
		return name + ":" + v
	}
	return name + ";TZID=" + zone + ":" + v
}

// timezone writes a VTIMEZONE with one observance for each of the zone's
// clock periods from the one in force at from through zoneYears after. A
// zone that keeps one offset all year gets a single STANDARD observance.
func (iw *icsWriter) timezone(zone string, from time.Time) {
	iw.line("BEGIN:VTIMEZONE")
	iw.line("TZID:" + zone)
	until := from.AddDate(zoneYears, 0, 0)
	for t := from; t.Before(until); {
		start, end := t.ZoneBounds()
		iw.observance(start, t)
		if end.IsZero() {
			break // the zone keeps this offset from now on
		}
		t = end
	}
	iw.line("END:VTIMEZONE")
}

// observance writes the clock period that starts at onset and holds at t.
// Its DTSTART is the onset on the clock that was kept until then, as RFC
// 5545 has it; a zone's first period, which starts at no instant, is given
// the Unix epoch.
func (iw *icsWriter) observance(onset, t time.Time) {
	name, to := t.Zone()
	from := to
	if onset.IsZero() {
		onset = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(to) * time.Second)
	} else {
		_, from = onset.Add(-time.Second).Zone()
	}
	kind := "STANDARD"
	if t.IsDST() {
		kind = "DAYLIGHT"
	}
	iw.line("BEGIN:" + kind)
	iw.line("DTSTART:" + onset.In(time.FixedZone("", from)).Format("20060102T150405"))
	iw.line("TZOFFSETFROM:" + utcOffset(from))
	iw.line("TZOFFSETTO:" + utcOffset(to))
	if name != "" && name[0] != '+' && name[0] != '-' {
		iw.text("TZNAME", name)
	}
	iw.line("END:" + kind)
}

// utcOffset writes seconds east of UTC as RFC 5545's UTC-OFFSET: "-0500",
// "+0530", with seconds only when a zone's history has them.
func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	s := fmt.Sprintf("%s%02d%02d", sign, seconds/3600, seconds/60%60)
	if sec := seconds % 60; sec != 0 {
		s += fmt.Sprintf("%02d", sec)
	}
	return s
}
