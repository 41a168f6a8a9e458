package geo_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ringsaturn/tzf"

	"referraldesk/referral"
	"referraldesk/referral/geo"
)

func TestZoneAt(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    referral.Point
		want string
	}{
		{"Philadelphia", referral.Point{Lat: 39.9526, Lon: -75.1652}, "America/New_York"},
		{"Edmonton", referral.Point{Lat: 53.5461, Lon: -113.4938}, "America/Edmonton"},
		{"Indianapolis", referral.Point{Lat: 39.7684, Lon: -86.1581}, "America/Indiana/Indianapolis"},
		{"Louisville", referral.Point{Lat: 38.2527, Lon: -85.7585}, "America/Kentucky/Louisville"},
		{"Denver", referral.Point{Lat: 39.7392, Lon: -104.9903}, "America/Denver"},
		{"Honolulu", referral.Point{Lat: 21.3069, Lon: -157.8583}, "Pacific/Honolulu"},
		// Either side of the Central/Eastern line through Tennessee: Knoxville
		// and Nashville are 180 miles apart and an hour apart.
		{"Knoxville", referral.Point{Lat: 35.9606, Lon: -83.9207}, "America/New_York"},
		{"Nashville", referral.Point{Lat: 36.1627, Lon: -86.7816}, "America/Chicago"},
		{"mid-Atlantic", referral.Point{Lat: 35, Lon: -45}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := geo.ZoneAt(tc.p); got != tc.want {
				t.Errorf("ZoneAt(%v) = %q, want %q", tc.p, got, tc.want)
			}
		})
	}
}

func TestZIPZone(t *testing.T) {
	for zip, want := range map[string]string{
		"19107": "America/New_York",
		"60614": "America/Chicago",
		"90210": "America/Los_Angeles",
		"80202": "America/Denver",
		"85004": "America/Phoenix",
		"00000": "", // no Census area has that prefix
	} {
		if got := geo.ZIPZone(zip); got != want {
			t.Errorf("ZIPZone(%s) = %q, want %q", zip, got, want)
		}
	}
}

// TestZoneAtAsTzfDefaultFinder: ZoneAt, which loads tzf's border polygons
// only when its tile index says nothing, answers as tzf's DefaultFinder,
// which loads both, at every ZIP point of the table and at points near
// borders, on coasts and at sea.
func TestZoneAtAsTzfDefaultFinder(t *testing.T) {
	def, err := tzf.NewDefaultFinder()
	if err != nil {
		t.Fatal(err)
	}
	want := func(p referral.Point) string {
		name := def.GetTimezoneName(p.Lon, p.Lat)
		if strings.HasPrefix(name, "Etc/") {
			return ""
		}
		return name
	}
	points := []referral.Point{
		{Lat: 41.7, Lon: -86.9},  // Indiana, near the Central/Eastern line
		{Lat: 37.5, Lon: -85.9},  // Kentucky's split
		{Lat: 43.6, Lon: -116.2}, // Boise
		{Lat: 44.0, Lon: -116.9}, // the Oregon/Idaho line
		{Lat: 40.6, Lon: -73.9},  // New York's shore
		{Lat: 39.0, Lon: -70.0},  // the Atlantic
		{Lat: 1.87, Lon: -157.4}, // Kiritimati
		{Lat: 21.3, Lon: -157.8}, // Honolulu
	}
	seen := map[string]bool{}
	for n := 0; n < 100_000; n += 7 {
		r, err := geo.Lookup(fmt.Sprintf("%05d", n))
		if err != nil || seen[r.ZCTA] {
			continue
		}
		seen[r.ZCTA] = true
		points = append(points, r.Point)
	}
	if len(points) < 5_000 {
		t.Fatalf("only %d points to compare", len(points))
	}
	differ := 0
	for _, p := range points {
		if got, w := geo.ZoneAt(p), want(p); got != w {
			if differ++; differ <= 10 {
				t.Errorf("ZoneAt(%v) = %q, tzf's DefaultFinder %q", p, got, w)
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d points differ", differ, len(points))
	}
}
