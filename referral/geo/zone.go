package geo

import (
	"strings"
	"sync"

	"github.com/ringsaturn/tzf"

	"referraldesk/referral"
)

// The time zone at a point comes from tzf's embedded, offline copy of the
// timezone-boundary-builder polygons (the "lite" data: simplified borders,
// exact a few hundred metres inside a zone). It is a well-kept library doing a
// job we should not redo: zone borders follow counties and change by law.
// Loading it takes about a second and 60 MB, so it happens once, on the first
// lookup: an import, or guessing the clinic's zone. The window's start and a
// match never load it.
var (
	zonesOnce sync.Once
	zones     tzf.F
	zonesErr  error
)

func finder() (tzf.F, error) {
	zonesOnce.Do(func() { zones, zonesErr = tzf.NewDefaultFinder() })
	return zones, zonesErr
}

// ZoneAt returns the IANA time zone at p, or "" when p is at sea, outside
// every zone's borders, or the zone data could not be read. The sea's
// nautical zones (Etc/GMT+5 …) are not answers: a support group meets on
// land, so coordinates at sea are a mistake in the feed.
func ZoneAt(p referral.Point) string {
	f, err := finder()
	if err != nil {
		return ""
	}
	name := f.GetTimezoneName(p.Lon, p.Lat) // tzf takes longitude first
	if strings.HasPrefix(name, "Etc/") {
		return ""
	}
	return name
}

// ZIPZone returns the IANA time zone at a US ZIP code's Census point, or ""
// when the ZIP is unknown. The clinic's zone is guessed from its ZIP this way.
func ZIPZone(zip string) string {
	r, err := Lookup(zip)
	if err != nil {
		return ""
	}
	return ZoneAt(r.Point)
}
