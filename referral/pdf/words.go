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
func (t *texts) schedule(g *referral.Group, from time.Time) []string {
	if len(g.Sessions) == 0 {
		return []string{t.CallForTimes}
	}
	type span struct{ start, end referral.Clock }
	days := map[span][]time.Weekday{}
	var order []span
	for _, s := range g.Sessions {
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
	loc, _ := time.LoadLocation(g.TimeZone)
	var lines []string
	for _, k := range order {
		ds := days[k]
		slices.SortFunc(ds, byMondayFirst)
		line := t.days(ds) + " " + t.clock(k.start)
		if k.end != referral.NoTime {
			line += " – " + t.clock(k.end)
		}
		if g.TimeZone != "" && loc != nil {
			line += " " + zoneAbbrev(loc, from, soonest(from.In(loc).Weekday(), ds), k.start)
		}
		lines = append(lines, line)
	}
	return lines
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

// place joins the parts of an address that are set, on one line.
func place(p referral.Place) string {
	cityLine := strings.TrimSpace(strings.Join(nonEmpty(p.City, strings.TrimSpace(p.State+" "+p.PostalCode)), ", "))
	return strings.Join(nonEmpty(p.Location, p.Address, cityLine), ", ")
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
