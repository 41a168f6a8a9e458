package referral

import (
	"math"
	"slices"
	"strings"
	"time"
)

// What Match says of each group and of a short list, as phrases (see
// Phrase): reasons, cautions and widenings.

func (d *directory) reasons(p *plan, f *folded, when []Phrase) []Phrase {
	k := d.inputIndex(f.best.i)
	prog := d.lists[k].program
	fl := d.facts[f.best.i].flags
	var rs []Phrase
	add := func(ok bool, ph Phrase) {
		if ok && !slices.ContainsFunc(rs, ph.Equal) {
			rs = append(rs, ph)
		}
	}
	for _, w := range when {
		if len(rs) == 3 {
			break // the sheet lists every time; three say enough here
		}
		add(true, w)
	}
	place := strings.Join(strings.Fields(p.needs.Place), " ")
	switch {
	case f.best.online:
		add(true, say("reason.online"))
	case f.best.placed && math.IsNaN(f.best.dist):
		add(true, say("reason.in_place", "Place", place))
	case f.best.placed && f.best.dist > p.maxMiles:
		add(true, say("reason.in_place_miles", "Place", place, "Miles", Distance(f.best.dist)))
	case fl&fJoinOnline != 0 && p.attend == AttendEither:
		add(true, say("reason.miles_or_online", "Miles", Distance(f.best.dist)))
	default:
		add(true, say("reason.miles", "Miles", Distance(f.best.dist)))
	}
	info := prog.Info()
	add(info.Family && p.family, say("reason.family"))
	add(!info.Family && p.family, say("reason.open_to_family"))
	add(prog == ProgramMAR, say("reason.mar"))
	if fits := bestFits(prog, p.needs.Substances); len(fits) > 0 && !p.family && prog != ProgramMAR {
		add(true, say("reason.built_for", "Program", prog, "Substances", fits))
	}
	for _, l := range p.langs {
		add(true, say("reason.language", "Language", Language(strings.ToLower(l))))
	}
	if l := string(p.needs.PreferLang); len(p.langs) == 0 && l != "" && l != string(English) && d.speaks(f.best.i, l) {
		add(true, say("reason.language", "Language", Language(strings.ToLower(l))))
	}
	add(fl&fWomen != 0, say("reason.women"))
	add(fl&fMen != 0, say("reason.men"))
	add(p.needs.LGBTQ && fl&fLGBTQ != 0, say("reason.lgbtq"))
	add(p.needs.YoungPeople && fl&fYoung != 0, say("reason.young"))
	add(fl&fWheelchair != 0 && p.needs.Wheelchair, say("reason.wheelchair"))
	add(fl&fASL != 0 && p.needs.ASL, say("reason.asl"))
	add(fl&fChildcare != 0 && p.needs.Childcare, say("reason.childcare"))
	add(p.needs.MOUD && fl&fMedYes != 0, say("reason.medication"))
	if a := p.needs.Approach; a != ApproachAny && approachFits(&d.facts[f.best.i], a) {
		add(true, approachPhrase(a))
	}
	add(fl&fNewcomer != 0, say("reason.newcomers"))
	add(fl&fOpen != 0 && !p.family, say("reason.open"))
	if v := d.verified[k]; !v.IsZero() && p.now.Sub(v) <= staleAge {
		add(true, say("reason.checked", "Date", v))
	}
	return rs
}

// cautions says what to check before going, most important first: what
// could send the client at the wrong hour (the zone), then what could turn
// them away at the door (open or closed, women or men) or make them
// unwelcome (medication), then a group of another approach than asked,
// then what could send them to the wrong place or make the listing wrong
// altogether (an approximate address, an old listing). The window shows
// the first two; the rest are a tap away.
func (d *directory) cautions(p *plan, f *folded) []Phrase {
	fa := &d.facts[f.best.i]
	var cs []Phrase
	// Online times are shown in the clinic's zone, so only a place in
	// another zone needs the reminder.
	switch zs := p.zones[fa.zone+1]; {
	case fa.flags&fBadZone != 0:
		cs = append(cs, say("caution.zone_unknown"))
	case zs.deltaMin != 0 && !f.best.online:
		cs = append(cs, say("caution.local_times", "Zone", zs.loc.String()))
	}
	// The listing says both of a pair: the rules took the safer reading
	// (see fOpenAndClosed), and whoever goes should know to ask.
	if fa.flags&fOpenAndClosed != 0 {
		cs = append(cs, say("caution.open_or_closed"))
	}
	if fa.flags&fWomenAndMen != 0 {
		cs = append(cs, say("caution.women_or_men"))
	}
	if p.needs.MOUD && fa.flags&(fMedYes|fMedNo) == 0 {
		cs = append(cs, say("caution.medication_unknown"))
	}
	if a := p.needs.Approach; a != ApproachAny && !f.first {
		cs = append(cs, approachCaution(programAt(fa.prog).Approach, a))
	}
	switch {
	case f.best.online:
	case fa.flags&fApproximate != 0:
		cs = append(cs, say("caution.address_approximate"))
	case fa.flags&fFromZIP != 0:
		cs = append(cs, say("caution.placed_by_zip"))
	}
	switch age := p.nowUnix - fa.listed; {
	case fa.listed == 0:
		cs = append(cs, say("caution.listed_unknown"))
	case age > int64(staleAge/time.Second):
		cs = append(cs, say("caution.stale", "Year", time.Unix(fa.listed, 0).UTC().Year()))
	}
	return cs
}

// whenPhrase says when a session meets as the client reads it (shifted by
// deltaMin minutes), e.g. Tuesday evening: the wanted band it starts in, or
// the band that began last.
func (p *plan) whenPhrase(s Session, deltaMin int64) Phrase {
	m := mod(int64(s.Day)*24*60+int64(s.Start)-deltaMin, 7*24*60)
	day, clock := time.Weekday(m/(24*60)), Clock(m%(24*60))
	bands := p.bands
	if bands == nil {
		bands = TimeBands
	}
	best, since := TimeBand(""), int64(24*60)
	for _, b := range bands {
		if from, _, _ := b.hours(); b.Contains(clock) {
			if d := mod(int64(clock)-int64(from)*60, 24*60); d < since {
				best, since = b, d
			}
		}
	}
	if best == "" {
		return say("reason.day", "Day", day)
	}
	return say("reason.when", "Day", day, "Band", best)
}

// approachPhrase names a group of the approach: a 12-step program, a
// secular approach, faith-based.
func approachPhrase(a Approach) Phrase { return say("reason.approach." + string(a)) }

// approachCaution warns that a group does not follow the approach asked for.
func approachCaution(has, asked Approach) Phrase {
	if has == ApproachAny {
		return say("caution.approach_unknown", "Asked", asked)
	}
	return say("caution.approach_other", "Has", approachPhrase(has), "Asked", asked)
}

// missingApproach says that no group that fits follows the approach,
// which fellowships do, and how to get their meetings.
func missingApproach(a Approach) Phrase {
	var names []Program
	for _, info := range Programs {
		if info.Approach == a {
			names = append(names, info.Program)
		}
	}
	return say("widen.approach", "Approach", a, "Programs", names)
}

// schedulePhrase is the days and times the client chose, for a widening's
// head; the zero Phrase when they chose none.
func schedulePhrase(n Needs) Phrase {
	switch {
	case len(n.Days) > 0 && len(n.Times) > 0:
		return say("widen.when.days_bands", "Days", slices.Clone(n.Days), "Bands", slices.Clone(n.Times))
	case len(n.Days) > 0:
		return say("widen.when.days", "Days", slices.Clone(n.Days))
	case len(n.Times) > 0:
		return say("widen.when.bands", "Bands", slices.Clone(n.Times))
	}
	return Phrase{}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
