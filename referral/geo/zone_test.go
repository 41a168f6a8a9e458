package geo_test

import (
	"testing"

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
