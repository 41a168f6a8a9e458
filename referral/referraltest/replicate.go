// Package referraltest makes large, realistic directories for benchmarks: a
// handful of template groups (real feeds or hand-made ones) copied onto US ZIP
// centroids. It is the one place the 250,000-group benchmarks of the domain,
// the store and the window build their data.
package referraltest

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"referraldesk/referral"
	"referraldesk/referral/geo"
)

// Centroids are the US ZIP centroids (2020 Census ZCTAs) to replicate onto.
func Centroids() []referral.Point { return geo.Centroids() }

// Replicate makes n groups by copying random template groups onto random
// points (usually Centroids), jittered by up to ±0.02° (about a mile). Each copy gets its
// own ID (1…n), SourceID, street number and link, so copies stay distinct
// groups, and a time zone that fits its point. The same seed gives the same
// directory.
func Replicate(template []*referral.Group, n int, pts []referral.Point, seed uint64) []*referral.Group {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]*referral.Group, n)
	for k := range out {
		g := *template[rng.IntN(len(template))]
		p := pts[rng.IntN(len(pts))]
		p.Lat += (rng.Float64() - 0.5) * 0.04
		p.Lon += (rng.Float64() - 0.5) * 0.04
		g.ID = int64(k + 1)
		g.SourceID = fmt.Sprintf("%s~%d", g.SourceID, k)
		g.Place.Coords = &p
		g.Place.Address = strconv.Itoa(k+1) + " " + g.Place.Address
		if g.Online.URL != "" {
			g.Online.URL += "?m=" + strconv.Itoa(k+1)
		}
		g.TimeZone = ZoneAt(p)
		out[k] = &g
	}
	return out
}

// ZoneAt is a rough US time zone for a point: good enough for test data.
func ZoneAt(p referral.Point) string {
	switch {
	case p.Lat < 23 && p.Lon < -150:
		return "Pacific/Honolulu"
	case p.Lat > 51 && p.Lon < -130:
		return "America/Anchorage"
	case p.Lat < 19 && p.Lon > -68:
		return "America/Puerto_Rico"
	case p.Lon > -87:
		return "America/New_York"
	case p.Lon > -101:
		return "America/Chicago"
	case p.Lon > -114:
		return "America/Denver"
	case p.Lon > -150:
		return "America/Los_Angeles"
	}
	return "Pacific/Guam"
}
