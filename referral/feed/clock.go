package feed

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"referraldesk/referral"
)

// readClock reads a time of day as feeds write it: "19:30", "19:30:00",
// "7:30 PM", "7:30pm", "7 PM", "noon", "midnight". twelveHour reports that the
// value was in 12-hour form, which the JSON formats do not allow (a repair).
func readClock(s string) (c referral.Clock, twelveHour bool, err error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "noon":
		return 12 * 60, true, nil
	case "midnight":
		return 0, true, nil
	}
	t = strings.ReplaceAll(t, ".", "") // "7:30 p.m."
	suffix := ""
	for _, x := range []string{"am", "pm", "a", "p"} {
		if strings.HasSuffix(t, x) {
			suffix, t = x[:1], strings.TrimSpace(strings.TrimSuffix(t, x))
			break
		}
	}
	parts := strings.Split(t, ":")
	if len(parts) > 3 || (suffix == "" && len(parts) < 2) {
		return referral.NoTime, false, fmt.Errorf("%q is not a time such as 19:30 or 7:30 PM", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || len(p) > 2 || (i > 0 && len(p) != 2) {
			return referral.NoTime, false, fmt.Errorf("%q is not a time such as 19:30 or 7:30 PM", s)
		}
		n[i] = v
	}
	h, m := n[0], n[1]
	if m > 59 || n[2] > 59 {
		return referral.NoTime, false, fmt.Errorf("%q is not a time of day", s)
	}
	if suffix != "" {
		if h < 1 || h > 12 {
			return referral.NoTime, false, fmt.Errorf("%q is not a time of day", s)
		}
		h %= 12
		if suffix == "p" {
			h += 12
		}
		return referral.Clock(h*60 + m), true, nil
	}
	if h > 24 || (h == 24 && (m != 0 || n[2] != 0)) {
		return referral.NoTime, false, fmt.Errorf("%q is not a time of day", s)
	}
	return referral.Clock(h*60 + m), false, nil
}

// endAfter places an end time after start: a meeting from 23:00 to 00:30 ends
// at 24:30. An end equal to the start says nothing and is dropped.
func endAfter(start, end referral.Clock) referral.Clock {
	if end == referral.NoTime || start == referral.NoTime {
		return referral.NoTime
	}
	end %= 24 * 60
	if end <= start {
		end += 24 * 60
	}
	if end == start+24*60 {
		return referral.NoTime
	}
	return end
}

// A support group meets for an hour or two. An end time that makes a session
// much longer is a slip in the feed, and printed on a sheet it tells a person
// the wrong hour to come or to be picked up.
const (
	// maxSession is the longest session an end time may make, read on the
	// start's day or past midnight alike: with one limit for both, an export
	// writing 22:00–03:00 as "03:00" reads back as the same session.
	maxSession = 6 * 60
	// An end before the start is read twelve hours later ("12:30" to "01:30"
	// is 12:30–13:30) when that makes a session of minSlip to maxSlip.
	minSlip, maxSlip = 15, 4 * 60
)

// endReading is how sessionEnd read an end time.
type endReading int

const (
	endAsWritten   endReading = iota // that day, or past midnight for a late meeting
	endTwelveLater                   // twelve hours later than written: a slip
	endIsStart                       // the start time: says nothing
	endBefore                        // before the start, and no reading makes a meeting of it
	endTooLong                       // after the start, but the session would last over maxSession
)

// sessionEnd reads an end time given the start, both times of day: as
// written, past midnight (23:00–00:30 ends at 24:30), or twelve hours later
// for an obvious slip (12:30–01:30 ends at 13:30). It returns NoTime, and
// why, for an end that makes no session. Every end it keeps, written back as
// a time of day ("13:30", "00:30"), reads again as the same end.
func sessionEnd(start, end referral.Clock) (referral.Clock, endReading) {
	e := endAfter(start, end)
	switch {
	case e == referral.NoTime:
		return e, endIsStart
	case e-start <= maxSession:
		return e, endAsWritten
	case end%(24*60) > start:
		return referral.NoTime, endTooLong
	}
	if later := end%(24*60) + 12*60; later-start >= minSlip && later-start <= maxSlip {
		return later, endTwelveLater
	}
	return referral.NoTime, endBefore
}

// hours writes a length of time as a person says it: "12 hours", "6 hours 30 minutes".
func hours(minutes referral.Clock) string {
	h, m := int(minutes)/60, int(minutes)%60
	s := fmt.Sprintf("%d hours", h)
	if h == 1 {
		s = "1 hour"
	}
	if m != 0 {
		s += fmt.Sprintf(" %d minutes", m)
	}
	return s
}

var dayNames = map[string]time.Weekday{}

func init() {
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		dayNames[name] = d
		dayNames[name[:3]] = d
	}
	// Spanish, for feeds of Spanish-speaking groups.
	for i, name := range []string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"} {
		dayNames[name] = time.Weekday(i)
	}
	dayNames["miercoles"], dayNames["sabado"] = time.Wednesday, time.Saturday
}

// readDay reads a Meeting Guide day: 0 = Sunday … 6 = Saturday, as a number,
// a digit string or a name. named reports a name (a repair in JSON).
func readDay(s string) (d time.Weekday, named bool, err error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(t); err == nil {
		if n < 0 || n > 6 {
			return 0, false, fmt.Errorf("day %d is out of range; use 0 (Sunday) to 6 (Saturday)", n)
		}
		return time.Weekday(n), false, nil
	}
	if d, ok := dayNames[t]; ok {
		return d, true, nil
	}
	return 0, false, fmt.Errorf("day %q is not a weekday", s)
}

// updatedLayouts are the ways feeds write their last-changed time: the Meeting
// Guide spec's, ISO, and the US style some spreadsheets produce.
var updatedLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04 PM",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
}

// updatedLayout is how this package writes Updated, in the group's zone.
const updatedLayout = "2006-01-02 15:04:05"

// readUpdated reads a last-changed time in loc (the group's zone) and returns
// it in UTC, so equal instants compare equal whatever zone read them.
func readUpdated(s string, loc *time.Location) (t time.Time, standard bool, err error) {
	for i, layout := range updatedLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), i == 0, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%q is not a date such as 2022-08-25 11:17:07", s)
}
