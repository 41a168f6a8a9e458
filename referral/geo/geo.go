// Package geo turns a US ZIP code into a point on the map, using the 2020
// Census ZIP Code Tabulation Area (ZCTA) centroids embedded in assets, so the
// client's ZIP never leaves the machine.
//
// ZCTAs are not USPS ZIP codes: PO-box-only and single-firm ZIPs have no ZCTA.
// Such a ZIP falls back to the ZCTA with the same 3-digit prefix that is
// nearest by ZIP number (the lower one on a tie), and the Result says the point
// is approximate. Distances are referral.Miles.
package geo

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"

	"referraldesk/assets"
	"referraldesk/referral"
)

// Result is where a ZIP code is.
type Result struct {
	Point referral.Point
	// ZCTA is the Census area the point belongs to: the ZIP itself, or for a ZIP
	// with no ZCTA the nearest one with the same 3-digit prefix.
	ZCTA string
	// Approximate is true when ZCTA is not the ZIP asked for.
	Approximate bool
}

// table is the parsed centroid file: ZIPs ascending, coordinates beside them.
type table struct {
	zips []int32
	pts  []referral.Point
	err  error
}

var (
	loadOnce sync.Once
	loaded   table
)

// load parses the embedded table once, on first use, so programs that never
// look up a ZIP pay nothing at start-up.
func load() *table {
	loadOnce.Do(func() { loaded = parse(assets.ZIPCentroids) })
	return &loaded
}

// ParseZIP checks a ZIP code as a person types it and returns its five digits.
// Spaces around it are ignored and a ZIP+4 ("19107-1234") is accepted, because
// that is how addresses are often copied; anything else is an EINVALID error.
func ParseZIP(s string) (string, error) {
	z := trimSpace(s)
	if len(z) == 10 && z[5] == '-' && allDigits(z[6:]) {
		z = z[:5]
	}
	if len(z) != 5 || !allDigits(z) {
		return "", referral.Errorf(referral.EINVALID, "ZIP %s must be 5 digits, like 19107", quoteShort(s))
	}
	return z, nil
}

// Lookup returns where the ZIP code is. An ill-formed ZIP is EINVALID; a ZIP
// whose 3-digit prefix has no ZCTA at all is ENOTFOUND.
func Lookup(zip string) (Result, error) {
	z, err := ParseZIP(zip)
	if err != nil {
		return Result{}, err
	}
	t := load()
	if t.err != nil {
		return Result{}, fmt.Errorf("zip table: %w", t.err)
	}
	n, _ := strconv.Atoi(z)
	i := sort.Search(len(t.zips), func(i int) bool { return t.zips[i] >= int32(n) })
	if i < len(t.zips) && t.zips[i] == int32(n) {
		return Result{Point: t.pts[i], ZCTA: z}, nil
	}
	// Nearest neighbour by number within the same prefix: only the entries
	// just below and just above can be nearest.
	prefix := int32(n / 100)
	best := -1
	for _, j := range []int{i - 1, i} {
		if j < 0 || j >= len(t.zips) || t.zips[j]/100 != prefix {
			continue
		}
		if best < 0 || abs(t.zips[j]-int32(n)) < abs(t.zips[best]-int32(n)) {
			best = j
		}
	}
	if best < 0 {
		return Result{}, referral.Errorf(referral.ENOTFOUND,
			"ZIP %s is not a US ZIP code we know; check it, or use the ZIP of a nearby town", z)
	}
	return Result{Point: t.pts[best], ZCTA: fmt.Sprintf("%05d", t.zips[best]), Approximate: true}, nil
}

// Len reports how many ZCTAs the table holds.
func Len() int { return len(load().zips) }

// Centroids returns a copy of every ZCTA's point, in ZIP order: where people
// live, for spreading test directories the way real ones spread.
func Centroids() []referral.Point { return slices.Clone(load().pts) }

// parse reads "zip,lat,lon" lines by hand: strconv on byte slices without
// encoding/csv keeps the 1 MB table at a few milliseconds.
func parse(data []byte) table {
	var t table
	n := bytes.Count(data, []byte{'\n'})
	t.zips = make([]int32, 0, n)
	t.pts = make([]referral.Point, 0, n)
	line := 0
	for len(data) > 0 {
		line++
		var row []byte
		if k := bytes.IndexByte(data, '\n'); k >= 0 {
			row, data = data[:k], data[k+1:]
		} else {
			row, data = data, nil
		}
		row = bytes.TrimRight(row, "\r")
		if line == 1 || len(row) == 0 {
			continue // header, trailing newline
		}
		zip, lat, lon, ok := splitRow(row)
		if !ok || len(zip) != 5 || !allDigits(string(zip)) {
			t.err = fmt.Errorf("line %d: %q is not zip,lat,lon", line, row)
			return t
		}
		z, _ := strconv.Atoi(string(zip))
		la, err1 := parseDegrees(lat)
		lo, err2 := parseDegrees(lon)
		if err1 != nil || err2 != nil {
			t.err = fmt.Errorf("line %d: %q has a bad coordinate", line, row)
			return t
		}
		if k := len(t.zips); k > 0 && t.zips[k-1] >= int32(z) {
			t.err = fmt.Errorf("line %d: ZIP %s is out of order", line, zip)
			return t
		}
		t.zips = append(t.zips, int32(z))
		t.pts = append(t.pts, referral.Point{Lat: la, Lon: lo})
	}
	return t
}

// pow10 holds the exactly representable powers of ten.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseDegrees reads a plain decimal such as "-73.9973102". For up to 15
// digits the integer mantissa and the power of ten are both exact, so one
// division rounds correctly and gives the same float64 as strconv.ParseFloat
// at a fraction of its cost; anything else goes to ParseFloat.
func parseDegrees(b []byte) (float64, error) {
	s, neg := b, false
	if len(s) > 0 && s[0] == '-' {
		s, neg = s[1:], true
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return strconv.ParseFloat(string(b), 64)
		}
	}
	if digits == 0 || digits > 15 {
		return strconv.ParseFloat(string(b), 64)
	}
	v := float64(mant) / pow10[frac]
	if neg {
		v = -v
	}
	return v, nil
}

func splitRow(row []byte) (zip, lat, lon []byte, ok bool) {
	a := bytes.IndexByte(row, ',')
	if a < 0 {
		return nil, nil, nil, false
	}
	b := bytes.IndexByte(row[a+1:], ',')
	if b < 0 {
		return nil, nil, nil, false
	}
	b += a + 1
	return row[:a], row[a+1 : b], row[b+1:], true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// quoteShort shows what was typed, quoted only when it would otherwise be
// invisible or confusing, and cut short so a pasted paragraph does not become
// the message.
func quoteShort(s string) string {
	s = referral.Truncate(s, 13) // never splits a character of what was typed
	if s == "" || trimSpace(s) != s || !strconv.CanBackquote(s) {
		return strconv.Quote(s)
	}
	return s
}

func abs(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}
