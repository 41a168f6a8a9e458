package referral

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The words of Match: reasons, cautions and widening sentences.

func (d *directory) reasons(p *plan, f *folded, when []string) []string {
	k := d.inputIndex(f.best.i)
	prog := d.lists[k].program
	fl := d.facts[f.best.i].flags
	var rs []string
	add := func(ok bool, s string) {
		if ok && !slices.Contains(rs, s) {
			rs = append(rs, s)
		}
	}
	for _, w := range when {
		if len(rs) == 3 {
			break // the sheet lists every time; three say enough here
		}
		add(true, w)
	}
	switch {
	case f.best.online:
		add(true, "online — join from home")
	case f.best.placed && math.IsNaN(f.best.dist):
		add(true, "in "+strings.Join(strings.Fields(p.needs.Place), " "))
	case f.best.placed && f.best.dist > p.maxMiles:
		add(true, fmt.Sprintf("in %s, %.1f mi away", strings.Join(strings.Fields(p.needs.Place), " "), f.best.dist))
	case fl&fJoinOnline != 0 && p.attend == AttendEither:
		add(true, fmt.Sprintf("%.1f mi away — or join online", f.best.dist))
	default:
		add(true, fmt.Sprintf("%.1f mi away", f.best.dist))
	}
	info := prog.Info()
	add(info.Family && p.family, "for family and friends")
	add(!info.Family && p.family, "open meeting — family and friends may attend")
	add(prog == ProgramMAR, "medication-assisted recovery group")
	if fits := bestFits(prog, p.needs.Substances); len(fits) > 0 && !p.family && prog != ProgramMAR {
		add(true, fmt.Sprintf("%s is built for %s use", prog, substanceWords(fits)))
	}
	for _, l := range p.langs {
		add(true, languageName(l)+"-speaking")
	}
	if l := string(p.needs.PreferLang); len(p.langs) == 0 && l != "" && l != string(English) && d.speaks(f.best.i, l) {
		add(true, languageName(l)+"-speaking")
	}
	add(fl&fWomen != 0, "women only")
	add(fl&fMen != 0, "men only")
	add(p.needs.LGBTQ && fl&fLGBTQ != 0, "LGBTQ+ group")
	add(p.needs.YoungPeople && fl&fYoung != 0, "young people's group")
	add(fl&fWheelchair != 0 && p.needs.Wheelchair, "wheelchair access")
	add(fl&fASL != 0 && p.needs.ASL, "ASL interpretation")
	add(fl&fChildcare != 0 && p.needs.Childcare, "child-friendly")
	add(p.needs.MOUD && fl&fMedYes != 0, "welcomes people on medication")
	add(p.needs.Approach != ApproachAny && approachFits(&d.facts[f.best.i], p.needs.Approach),
		approachWords[p.needs.Approach])
	add(fl&fNewcomer != 0, "welcomes newcomers")
	add(fl&fOpen != 0 && !p.family, "open to anyone")
	if v := d.verified[k]; !v.IsZero() && p.now.Sub(v) <= staleAge {
		add(true, "checked by the clinic on "+v.Format("Jan 2, 2006"))
	}
	return rs
}

func (d *directory) cautions(p *plan, f *folded) []string {
	fa := &d.facts[f.best.i]
	var cs []string
	switch age := p.nowUnix - fa.listed; {
	case fa.listed == 0:
		cs = append(cs, "listing date unknown — call ahead")
	case age > int64(staleAge/time.Second):
		cs = append(cs, fmt.Sprintf("listing not updated since %d — call ahead", time.Unix(fa.listed, 0).UTC().Year()))
	}
	if p.needs.MOUD && fa.flags&(fMedYes|fMedNo) == 0 {
		cs = append(cs, "medication policy unknown — ask the group")
	}
	// The listing says both of a pair: the rules took the safer reading
	// (see fOpenAndClosed), and whoever goes should know to ask.
	if fa.flags&fOpenAndClosed != 0 {
		cs = append(cs, "open or closed? call ahead")
	}
	if fa.flags&fWomenAndMen != 0 {
		cs = append(cs, "women's or men's meeting? call ahead")
	}
	switch {
	case f.best.online:
	case fa.flags&fApproximate != 0:
		cs = append(cs, "address is approximate")
	case fa.flags&fFromZIP != 0:
		cs = append(cs, "placed by its ZIP code — distance is approximate")
	}
	if a := p.needs.Approach; a != ApproachAny && !f.first {
		cs = append(cs, approachCaution(programAt(fa.prog).Approach, a))
	}
	// Online times are shown in the clinic's zone, so only a place in
	// another zone needs the reminder.
	switch zs := p.zones[fa.zone+1]; {
	case fa.flags&fBadZone != 0:
		cs = append(cs, "time zone not listed — check the meeting time")
	case zs.deltaMin != 0 && !f.best.online:
		cs = append(cs, fmt.Sprintf("times are local to the group (%s)", zs.loc))
	}
	return cs
}

// whenWords says when a session meets as the client reads it (shifted by
// deltaMin minutes), e.g. "Tuesday evening": the wanted band it starts in, or
// the band that began last.
func (p *plan) whenWords(s Session, deltaMin int64) string {
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
		return day.String()
	}
	return day.String() + " " + string(best)
}

var approachWords = map[Approach]string{
	ApproachTwelveStep: "12-step program",
	ApproachSecular:    "secular approach",
	ApproachFaith:      "faith-based",
}

// approachAdjective names an approach inside a sentence.
var approachAdjective = map[Approach]string{
	ApproachTwelveStep: "12-step",
	ApproachSecular:    "secular",
	ApproachFaith:      "faith-based",
}

// approachCaution warns that a group does not follow the approach asked for.
func approachCaution(has, asked Approach) string {
	if has == ApproachAny {
		return fmt.Sprintf("not known to be %s as asked — ask the group", approachAdjective[asked])
	}
	return fmt.Sprintf("%s, not %s as asked", approachWords[has], approachAdjective[asked])
}

// missingApproachWords says that no group that fits follows the approach,
// which fellowships do, and how to get their meetings.
func missingApproachWords(a Approach) string {
	var names []string
	for _, info := range Programs {
		if info.Approach == a {
			names = append(names, string(info.Program))
		}
	}
	return fmt.Sprintf("no %s group fits these needs; %s fellowships are %s — import their meeting lists to offer them",
		approachAdjective[a], approachAdjective[a], listWords(names))
}

// listWords joins words as a list: "a, b and c".
func listWords(ws []string) string {
	if len(ws) < 2 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// substanceWords joins substances as an adjective: "opioid and stimulant".
func substanceWords(subs []Substance) string {
	words := make([]string, len(subs))
	for i, s := range subs {
		words[i] = substanceAdjective[s]
	}
	return listWords(words)
}

var substanceAdjective = map[Substance]string{
	SubstanceOpioids:    "opioid",
	SubstanceAlcohol:    "alcohol",
	SubstanceStimulants: "stimulant",
	SubstanceCannabis:   "cannabis",
	SubstanceOther:      "drug",
}

var languageNames = map[string]string{
	"en": "English", "es": "Spanish", "fr": "French", "pt": "Portuguese", "zh": "Chinese",
	"vi": "Vietnamese", "ko": "Korean", "ru": "Russian", "ar": "Arabic", "tl": "Tagalog",
	"ht": "Haitian Creole", "pl": "Polish", "de": "German", "it": "Italian", "ja": "Japanese",
	"hi": "Hindi", "fa": "Persian", "so": "Somali", "hmn": "Hmong", "asl": "ASL",
}

func languageName(code string) string {
	if n, ok := languageNames[strings.ToLower(code)]; ok {
		return n
	}
	return strings.ToLower(code)
}

func scheduleWords(n Needs) string {
	var parts []string
	if len(n.Days) > 0 {
		days := make([]string, len(n.Days))
		for i, d := range n.Days {
			days[i] = d.String()
		}
		parts = append(parts, "on "+strings.Join(days, " or "))
	}
	if len(n.Times) > 0 {
		bands := make([]string, len(n.Times))
		for i, b := range n.Times {
			bands[i] = string(b)
		}
		parts = append(parts, "in the "+strings.Join(bands, " or "))
	}
	return strings.Join(parts, " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f), "0"), ".")
}
