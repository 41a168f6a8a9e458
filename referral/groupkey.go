package referral

import (
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// One group, many listings.
//
// Directories list each weekday of a group as its own listing (Meeting Guide
// calls every weekly time a "meeting"). The clinic's knowledge belongs to the
// group, not to a weekday: medication-friendly, verified on, counselor notes
// and hidden are kept once per group, and the matcher folds a group's listings
// into one candidate and one card on the sheet.
//
// Listings are one group when GroupKey says so: the same source, the same
// name, and the same place (the matcher folds listings of another source
// with the same name and place onto the same card too) — for a group met in person its street address and
// city, else its map point (to about 10 m), else its venue and city; for a
// group met only online its link and dial-in. Case, spacing and
// punctuation do not count ("St. John's" is "st john s"). Feeds' own group
// ids are not used: few feeds fill them, and name and place are what a
// counselor would call the same group. A renamed or moved group is a new
// group, whose curation starts empty; the old curation is kept in case it
// comes back.

// GroupKey names the group a listing belongs to (see above). It is stored
// with each listing and keys the clinic's curation.
func GroupKey(g *Group) string {
	return g.Source + sameGroup(g)
}

// sameGroup is GroupKey without the source: the same meeting listed by two
// overlapping feeds folds into one candidate (the sheet must not print it
// twice), while each source keeps its own curation of it.
func sameGroup(g *Group) string {
	var b strings.Builder
	b.Grow(len(g.Name) + len(g.Place.Address) + len(g.Place.City) + 8)
	field := func(s string) {
		b.WriteByte(0x1f) // a unit separator, which no folded text holds
		foldKey(&b, s)
	}
	field(g.Name)
	pl := g.Place
	switch {
	case !g.Attendance.MeetsInPerson():
		field(g.Online.URL)
		field(g.Online.Phone)
	case pl.Address != "":
		field(pl.Address)
		field(pl.City)
	case pl.Coords != nil:
		field(formatCoord(pl.Coords.Lat))
		field(formatCoord(pl.Coords.Lon))
	default:
		field(pl.Location)
		field(pl.City)
	}
	return b.String()
}

// foldKey writes s lower-cased with every run of non-letters and non-digits
// as one space, and none at the ends.
func foldKey(b *strings.Builder, s string) {
	space, wrote := false, false
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			space = true
			continue
		}
		if space && wrote {
			b.WriteByte(' ')
		}
		space, wrote = false, true
		b.WriteRune(unicode.ToLower(r))
	}
}

// listingKey is sameGroup as a 64-bit hash, for folding at matching speed;
// a collision would only fold two groups into one candidate.
func listingKey(g *Group) uint64 {
	h := fnv.New64a()
	h.Write([]byte(sameGroup(g)))
	return h.Sum64()
}

// formatCoord rounds to about 10 m, so two listings of one place that differ
// in the last digits fold together.
func formatCoord(x float64) string {
	return strconv.FormatInt(int64(math.Round(x*1e4)), 10)
}
