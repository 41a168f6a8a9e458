package referral

import (
	"iter"
	"math"
	"time"
)

// Matching once over part of a directory. A program that answers one match
// and exits (the command line) spends seconds reading and indexing a big
// directory for milliseconds of matching. A match reads only two kinds of
// listings one by one: those joinable online, and those met in person near
// the client; every other listing is only counted, under the rule that
// turns it away whatever else the client needs. So such a program can read
// those two kinds in full, count the rest, and get the Result an Index of
// the whole directory gives.

// Area is a box of latitude and longitude, in degrees, edges included.
type Area struct {
	MinLat, MaxLat, MinLon, MaxLon float64
}

// Contains reports whether p is in the box.
func (a Area) Contains(p Point) bool {
	return p.Lat >= a.MinLat && p.Lat <= a.MaxLat && p.Lon >= a.MinLon && p.Lon <= a.MaxLon
}

// AreaOf returns a box holding every point a match for needs reads in
// person: within MaxMiles of the origin, or within the wider radius its
// widening tries (three times MaxMiles, or DefaultMiles for a client who
// would travel after all). ok is false when the match reads listings
// anywhere: a place to find groups in, no origin, or a box that would
// cross a pole or the 180th meridian.
func AreaOf(needs Needs) (area Area, ok bool) {
	if needs.Place != "" || needs.Origin == nil {
		return Area{}, false
	}
	miles := max(needs.MaxMiles, min(MaxMiles, 3*needs.MaxMiles), DefaultMiles)
	// As scanCells: the cap of angular radius r spans r in latitude and
	// asin(sin r / cos lat) in longitude. The margin (about 70 m) covers
	// rounding; a box that holds a few more listings gives the same Result.
	const deg, margin = 180 / math.Pi, 1e-3
	r := miles / earthRadiusMiles
	o := *needs.Origin
	area.MinLat, area.MaxLat = o.Lat-r*deg-margin, o.Lat+r*deg+margin
	x := math.Sin(r) / math.Cos(o.Lat/deg)
	if area.MinLat <= -90 || area.MaxLat >= 90 || !(x < 1) {
		return Area{}, false
	}
	dLon := math.Asin(x)*deg + margin
	area.MinLon, area.MaxLon = o.Lon-dLon, o.Lon+dLon
	if area.MinLon <= -180 || area.MaxLon >= 180 {
		return Area{}, false
	}
	return area, true
}

// Unread counts the listings of a directory that MatchPart was not given,
// by what turns them away from every match it answers. None of them meets
// online (Online or Hybrid) or has a map point in the area.
type Unread struct {
	Unavailable int // inactive, hidden, or with no session in the week
	Service     int // available service meetings
	Placed      int // the other listings with a map point (out of the area)
	Unplaced    int // the other listings with no map point
}

// MatchPart is Match over a directory of which seq yields a part: at least
// every listing that meets online (Online or Hybrid) and every listing with
// a map point in AreaOf(needs), seq being as for NewIndexFrom; rest counts
// the others. It returns the Result an Index of the whole directory gives,
// and ok false (without reading seq) when needs reach listings anywhere
// (AreaOf is not ok): then only the whole directory answers.
func MatchPart(needs Needs, seq iter.Seq[*Group], rest Unread, now time.Time) (Result, bool) {
	if _, ok := AreaOf(needs); !ok {
		return Result{}, false
	}
	ix := NewIndexFrom(seq)
	// The unread listings are met in person only and lie beyond every
	// radius the match reads, or have no map point: counted in bulk with
	// the listings of the part the scans skip, they are turned away by the
	// rule that turns those away.
	ix.unavailable += rest.Unavailable
	ix.service += rest.Service
	n := rest.Placed + rest.Unplaced
	ix.available += n
	ix.reachable += n
	ix.placed += rest.Placed
	ix.placedOffline += rest.Placed
	ix.unplaced += rest.Unplaced
	ix.unplacedOffline += rest.Unplaced
	return ix.Match(needs, now), true
}
