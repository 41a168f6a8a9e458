package pdf

import (
	"slices"
	"strings"
	"time"

	"referraldesk/referral"
)

// schedule returns one line per distinct meeting time of g, such as
// "Monday, Wednesday and Friday 7:00 PM – 8:00 PM EST" or
// "martes 19:00 EST". The zone abbreviation is the one in force at the
// soonest such meeting from the sheet's date, so a sheet printed in March
// says EDT once the clocks have changed.
//
// An online or hybrid group whose zone keeps another time than the clinic's
// (clinic, an IANA name; "" for none) is joined from the client's home, so its times
// print on the clinic's clock with the group's own in brackets: "Wednesday
// 5:00 PM PST (8:00 PM EST)". A group people walk into prints its own clock:
// that is the time on the door.
func (t *texts) schedule(g *referral.Group, from time.Time, clinic string) []string {
	if len(g.Sessions) == 0 {
		return []string{t.CallForTimes}
	}
	loc, err := time.LoadLocation(g.TimeZone)
	if g.TimeZone == "" || err != nil {
		return t.lines(g.Sessions, from, nil, nil)
	}
	if home := clinicClock(g, loc, clinic, from); home != nil {
		return t.lines(g.Sessions, from, loc, home)
	}
	return t.lines(g.Sessions, from, loc, nil)
}

// clinicClock is the clinic's zone when g can be joined online and its clock
// differs from the clinic's at from, else nil. A hybrid group in another zone
// is one the client almost always joins from home; its own clock still
// stands in the brackets for whoever walks in.
func clinicClock(g *referral.Group, loc *time.Location, clinic string, from time.Time) *time.Location {
	if !g.Attendance.MeetsOnline() || clinic == "" || clinic == g.TimeZone {
		return nil
	}
	home, err := time.LoadLocation(clinic)
	if err != nil {
		return nil
	}
	_, a := from.In(loc).Zone()
	_, b := from.In(home).Zone()
	if a == b {
		return nil
	}
	return home
}

// span is one meeting time; days lists the weekdays it is held on.
type span struct{ start, end referral.Clock }

// lines groups sessions by time and words each group. loc (nil: unknown) is
// the sessions' zone; with home set they are moved onto home's clock first.
func (t *texts) lines(sessions []referral.Session, from time.Time, loc, home *time.Location) []string {
	days := map[span][]time.Weekday{}
	own := map[span][]referral.Session{} // with home: the sessions as the group keeps them
	var order []span
	for _, s := range sessions {
		if home != nil {
			kept := s
			s = moveTo(s, loc, home, from)
			own[span{s.Start, s.End}] = append(own[span{s.Start, s.End}], kept)
		}
		k := span{s.Start, s.End}
		if _, ok := days[k]; !ok {
			order = append(order, k)
		}
		if !slices.Contains(days[k], s.Day) {
			days[k] = append(days[k], s.Day)
		}
	}
	slices.SortStableFunc(order, func(a, b span) int {
		return mondayFirst(slices.MinFunc(days[a], byMondayFirst)) - mondayFirst(slices.MinFunc(days[b], byMondayFirst))
	})
	zone := loc
	if home != nil {
		zone = home
	}
	var out []string
	for _, k := range order {
		ds := days[k]
		slices.SortFunc(ds, byMondayFirst)
		line := t.days(ds) + " " + t.clock(k.start)
		if k.end != referral.NoTime {
			line += " – " + t.clock(k.end)
		}
		if zone != nil {
			first := soonest(from.In(zone).Weekday(), ds)
			line += " " + zoneAbbrev(zone, from, first, k.start)
			if home != nil {
				line += " (" + t.ownClock(own[k], ds, loc, from) + ")"
			}
		}
		out = append(out, line)
	}
	return out
}

// ownClock is the bracket after a time moved onto the clinic's clock: the
// group's own start and zone, with its days when the move changed the days.
func (t *texts) ownClock(kept []referral.Session, moved []time.Weekday, loc *time.Location, from time.Time) string {
	var ds []time.Weekday
	for _, s := range kept {
		if !slices.Contains(ds, s.Day) {
			ds = append(ds, s.Day)
		}
	}
	slices.SortFunc(ds, byMondayFirst)
	first := kept[0]
	w := t.clock(first.Start) + " " + zoneAbbrev(loc, from, soonest(from.In(loc).Weekday(), ds), first.Start)
	if !slices.Equal(ds, moved) {
		w = t.days(ds) + " " + w
	}
	return w
}

// moveTo is s, held in loc, as it falls on home's clock at its next meeting
// on or after from (the offsets of that week decide).
func moveTo(s referral.Session, loc, home *time.Location, from time.Time) referral.Session {
	f := from.In(loc)
	ahead := (int(s.Day) - int(f.Weekday()) + 7) % 7
	m := int(s.Start) % (24 * 60)
	at := time.Date(f.Year(), f.Month(), f.Day()+ahead, m/60, m%60, 0, 0, loc).In(home)
	moved := referral.Session{Day: at.Weekday(), Start: referral.Clock(at.Hour()*60 + at.Minute()), End: referral.NoTime}
	if s.End != referral.NoTime {
		moved.End = moved.Start + (s.End - s.Start)
	}
	return moved
}

func mondayFirst(d time.Weekday) int { return (int(d) + 6) % 7 }

func byMondayFirst(a, b time.Weekday) int { return mondayFirst(a) - mondayFirst(b) }

// days names weekdays (sorted Monday first): "Every day", "Monday to Friday",
// "Tuesday and Thursday".
func (t *texts) days(ds []time.Weekday) string {
	if len(ds) == 7 {
		return t.EveryDay
	}
	var parts []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && mondayFirst(ds[j+1]) == mondayFirst(ds[j])+1 {
			j++
		}
		if j-i >= 2 {
			parts = append(parts, t.Weekdays[ds[i]]+" "+t.Through+" "+t.Weekdays[ds[j]])
		} else {
			for k := i; k <= j; k++ {
				parts = append(parts, t.Weekdays[ds[k]])
			}
		}
		i = j + 1
	}
	return t.list(parts)
}

// list joins words as people write a list: "a, b and c".
func (t *texts) list(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + t.And + " " + parts[len(parts)-1]
}

// soonest returns the first of days on or after today.
func soonest(today time.Weekday, days []time.Weekday) time.Weekday {
	return slices.MinFunc(days, func(a, b time.Weekday) int {
		return (int(a)-int(today)+7)%7 - (int(b)-int(today)+7)%7
	})
}

// zoneAbbrev returns the abbreviation of loc at the first meeting on day at
// start on or after from. Zones without a letter abbreviation ("-03") read
// as "UTC-03".
func zoneAbbrev(loc *time.Location, from time.Time, day time.Weekday, start referral.Clock) string {
	f := from.In(loc)
	ahead := (int(day) - int(f.Weekday()) + 7) % 7
	m := int(start) % (24 * 60)
	at := time.Date(f.Year(), f.Month(), f.Day()+ahead, m/60, m%60, 0, 0, loc)
	name, _ := at.Zone()
	if strings.HasPrefix(name, "+") || strings.HasPrefix(name, "-") {
		return "UTC" + name
	}
	return name
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// updated is the card's closing line: when the listing was last known to be
// right. The clinic's own check counts as much as the feed's update.
func (t *texts) updated(g *referral.Group) string {
	d := g.Updated
	if g.Curation.VerifiedOn.After(d) {
		d = g.Curation.VerifiedOn
	}
	if d.IsZero() {
		return t.UpdatedUnknown
	}
	return strings.ReplaceAll(t.Updated, "{date}", t.date(d.Year(), int(d.Month()), d.Day()))
}
