package referral

import (
	"cmp"
	"fmt"
	"slices"
)

// Time zones of imported listings.
//
// A feed's times are wall-clock times where each group meets, and most feeds
// give no zone. A listing's zone is therefore found, never assumed, in this
// order (ListingZone, then SourceZones):
//
//  1. the listing's own zone field (Meeting Guide "timezone", BMLT
//     "time_zone");
//  2. for a listing people attend in person (in person or hybrid) with real
//     coordinates, the zone at those coordinates: an online meeting's
//     "affinity" address, a town centre or a ZIP's Census point says nothing
//     about the clock its members keep;
//  3. the source's zone: the zone most of the source's meeting places fall in,
//     when at least 90% of them agree; else the zone the import was given
//     (--timezone), else the feed zone in Settings, else the clinic's zone,
//     else FallbackTimeZone — the last two with a warning, as they are
//     guesses.

// SourceZoneAgreement is the share of a source's meeting places that must lie
// in one zone for the source to take it: a state-wide feed across a zone line
// gets no majority zone, and its online listings fall to the import's zone.
const SourceZoneAgreement = 0.9

// ZoneWhy says where a source's zone came from.
type ZoneWhy string

const (
	ZoneFromPlaces   ZoneWhy = "places"   // most of its meeting places lie in it
	ZoneFromImport   ZoneWhy = "import"   // the zone the import was given
	ZoneFromSettings ZoneWhy = "settings" // Settings' feed.timezone
	ZoneFromClinic   ZoneWhy = "clinic"   // the clinic's zone, a guess
	ZoneFromFallback ZoneWhy = "fallback" // FallbackTimeZone, a guess
)

// ZoneChoices are the zones a source may fall back to, in order; "" skips one.
type ZoneChoices struct {
	Import   string // given to this import (--timezone, the import form)
	Settings string // Settings' feed.timezone
	Clinic   string // Settings.ClinicZone
}

// ZoneReport says which zone a source got and why, and how its listings got
// theirs.
type ZoneReport struct {
	Zone string
	Why  ZoneWhy
	// Agree of Places meeting places lie in Zone (Why == ZoneFromPlaces), or
	// in the most common zone when too few agreed.
	Agree, Places int
	Own           int // listings that named their own zone
	AtPlace       int // listings given the zone at their coordinates
	FromSource    int // listings given the source's zone
}

// Guessed reports whether the source's zone is a guess worth a warning: no
// listing, place, import or setting said it.
func (r ZoneReport) Guessed() bool {
	return r.FromSource > 0 && (r.Why == ZoneFromClinic || r.Why == ZoneFromFallback)
}

// Fallback is how many listings got a zone nothing about them or their
// places said: the source's zone when it did not come from its places.
func (r ZoneReport) Fallback() int {
	if r.Why == ZoneFromPlaces {
		return 0
	}
	return r.FromSource
}

// String says the source's zone in a sentence's words, such as
// "America/Chicago, from 201 of 206 meeting places".
func (r ZoneReport) String() string {
	switch r.Why {
	case ZoneFromPlaces:
		return fmt.Sprintf("%s, from %d of %d meeting places", r.Zone, r.Agree, r.Places)
	case ZoneFromImport:
		return fmt.Sprintf("%s, as the import was told%s", r.Zone, r.placesNote())
	case ZoneFromSettings:
		return fmt.Sprintf("%s, the feed zone in Settings%s", r.Zone, r.placesNote())
	case ZoneFromClinic:
		return fmt.Sprintf("%s, the clinic's zone%s", r.Zone, r.placesNote())
	}
	return fmt.Sprintf("%s, as no zone was set%s", r.Zone, r.placesNote())
}

func (r ZoneReport) placesNote() string {
	switch {
	case r.Places == 0:
		return " (no meeting place to tell by)"
	case r.Agree < r.Places:
		return fmt.Sprintf(" (its meeting places disagree: only %d of %d in one zone)", r.Agree, r.Places)
	}
	return ""
}

// Warning is the sentence an import report adds when the source's zone is a
// guess, or "".
func (r ZoneReport) Warning() string {
	if !r.Guessed() {
		return ""
	}
	return fmt.Sprintf("%d listings give no time zone and no meeting place to find one by; they were given %s. "+
		"If the feed is from another zone, import it again with its time zone.", r.FromSource, r.String())
}

// ListingZone is the zone a listing's own data gives (steps 1 and 2 of the
// order above), and whether it came from the coordinates; "" when only the
// source can tell. zoneAt answers the zone at a point ("" for none).
func ListingZone(g *Group, zoneAt func(Point) string) (zone string, atPlace bool) {
	if g.TimeZone != "" {
		return g.TimeZone, false
	}
	if !g.Attendance.MeetsInPerson() || !g.Place.Pinned() || zoneAt == nil {
		return "", false
	}
	if z := zoneAt(*g.Place.Coords); z != "" {
		return z, true
	}
	return "", false
}

// SourceZones gives every listing of one source its zone in the order above,
// setting TimeZone on those that have none, and reports what it did.
func SourceZones(groups []*Group, zoneAt func(Point) string, choices ZoneChoices) ZoneReport {
	var r ZoneReport
	placeZones := map[string]int{}
	var pending []*Group
	for _, g := range groups {
		z, atPlace := ListingZone(g, zoneAt)
		switch {
		case z == "":
			pending = append(pending, g)
			continue
		case atPlace:
			r.AtPlace++
			g.TimeZone = z
		default:
			r.Own++
		}
		if g.Attendance.MeetsInPerson() && g.Place.Pinned() {
			r.Places++
			placeZones[z]++
		}
	}
	r.Zone, r.Agree = commonest(placeZones)
	r.Why = ZoneFromPlaces
	if r.Places == 0 || float64(r.Agree) < SourceZoneAgreement*float64(r.Places) {
		r.Zone, r.Why = choices.fallback()
	}
	for _, g := range pending {
		g.TimeZone = r.Zone
	}
	r.FromSource = len(pending)
	return r
}

func (c ZoneChoices) fallback() (string, ZoneWhy) {
	for _, z := range []struct {
		name string
		why  ZoneWhy
	}{{c.Import, ZoneFromImport}, {c.Settings, ZoneFromSettings}, {c.Clinic, ZoneFromClinic}} {
		if isIANAZone(z.name) {
			return z.name, z.why
		}
	}
	return FallbackTimeZone, ZoneFromFallback
}

// commonest returns the zone with the most listings (ties: the first name)
// and its count.
func commonest(counts map[string]int) (string, int) {
	names := make([]string, 0, len(counts))
	for z := range counts {
		names = append(names, z)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	if len(names) == 0 {
		return "", 0
	}
	return names[0], counts[names[0]]
}
