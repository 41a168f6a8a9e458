package referral

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// A place can stand in for a ZIP code (Needs.Place): a client with no US ZIP,
// or a directory whose listings have no map location, is still matched to the
// in-person groups of a city, town or region. A listing is in a place when
// its city or one of its regions has the same name, compared without case,
// accents, punctuation or extra spaces ("Montréal" is "montreal"). "Edmonton,
// AB" is tried whole, then as its part before the comma.

// MaxPlace bounds Needs.Place: the longest town or county name is far shorter.
const MaxPlace = 100

// PlaceKey folds a place name for comparison.
func PlaceKey(s string) string {
	t := stripAccents(s)
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(t) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// stripAccents takes accents off letters: é → e, ñ → n. A transformer keeps
// state while it runs, so one shared between calls races when an import folds
// names while the town field completes one; each call builds its own, and
// plain ASCII, most names, needs none.
func stripAccents(s string) string {
	if isASCII(s) {
		return s
	}
	t, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return t
}

// placeKeys are the folded names a listing can be found under.
func placeKeys(g *Group) []string {
	var keys []string
	add := func(s string) {
		if k := PlaceKey(s); k != "" && !containsString(keys, k) {
			keys = append(keys, k)
		}
	}
	add(g.Place.City)
	for _, r := range g.Place.Regions {
		add(r)
	}
	return keys
}

// placeQueries are the keys a typed place is looked up under, best first.
func placeQueries(place string) []string {
	whole := PlaceKey(place)
	if whole == "" {
		return nil
	}
	qs := []string{whole}
	if before, _, ok := strings.Cut(place, ","); ok {
		if k := PlaceKey(before); k != "" && k != whole {
			qs = append(qs, k)
		}
	}
	return qs
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
