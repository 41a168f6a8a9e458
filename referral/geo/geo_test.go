package geo_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"referraldesk/assets"
	"referraldesk/referral"
	"referraldesk/referral/geo"
)

func TestLookupKnownZIPs(t *testing.T) {
	// Check values from assets/README.md's source table.
	tests := []struct {
		zip      string
		lat, lon float64
	}{
		{"10001", 40.7506, -73.9973},
		{"90210", 34.1005, -118.4146},
		{"60614", 41.9227, -87.6472},
		{"02139", 42.3624, -71.1023}, // leading zero must survive
		{" 02139 ", 42.3624, -71.1023},
		{"02139-4307", 42.3624, -71.1023},
		{"00601", 18.1806, -66.7500}, // first row
	}
	for _, tt := range tests {
		t.Run(tt.zip, func(t *testing.T) {
			r, err := geo.Lookup(tt.zip)
			if err != nil {
				t.Fatal(err)
			}
			if r.Approximate || r.ZCTA != strings.TrimSpace(tt.zip)[:5] {
				t.Errorf("got ZCTA %s approximate %v, want the ZIP itself", r.ZCTA, r.Approximate)
			}
			if math.Abs(r.Point.Lat-tt.lat) > 5e-5 || math.Abs(r.Point.Lon-tt.lon) > 5e-5 {
				t.Errorf("got %v, want %v,%v", r.Point, tt.lat, tt.lon)
			}
		})
	}
}

func TestLookupFallsBackWithinPrefix(t *testing.T) {
	tests := []struct {
		name, zip, zcta string
	}{
		// 10008 is a PO-box ZIP (Church Street station) with no ZCTA; 10007
		// and 10009 are both one away, so the lower one wins.
		{"tie goes to the lower", "10008", "10007"},
		// 19101 (Philadelphia PO boxes) has no ZCTA; 19102 is next to it.
		{"PO box ZIP", "19101", "19102"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := geo.Lookup(tt.zip)
			if err != nil {
				t.Fatal(err)
			}
			want, err := geo.Lookup(tt.zcta)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Approximate || r.ZCTA != tt.zcta || r.Point != want.Point {
				t.Errorf("got %+v, want the point of %s marked approximate", r, tt.zcta)
			}
		})
	}
}

func TestLookupErrors(t *testing.T) {
	tests := []struct {
		name, zip, code, says string
	}{
		{"letter", "1910A", referral.EINVALID, "ZIP 1910A must be 5 digits"},
		{"four digits", "1910", referral.EINVALID, "must be 5 digits"},
		{"six digits", "191070", referral.EINVALID, "must be 5 digits"},
		{"empty", "", referral.EINVALID, `ZIP "" must be 5 digits`},
		{"bad plus four", "19107-12", referral.EINVALID, "must be 5 digits"},
		{"unicode digits", "１９１０７", referral.EINVALID, "must be 5 digits"},
		// Cut short in characters: a byte count would split the ９.
		{"long, cut whole", "1９１０７１９１０７１９１０７", referral.EINVALID, "ZIP 1９１０７１９１０７１９… must be 5 digits"},
		{"unknown prefix", "00000", referral.ENOTFOUND, "ZIP 00000 is not a US ZIP code we know"},
		{"unknown prefix 001", "00100", referral.ENOTFOUND, "not a US ZIP code"},
		{"beyond the last ZCTA still finds its prefix", "99999", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := geo.Lookup(tt.zip)
			if referral.ErrorCode(err) != tt.code || !strings.Contains(referral.ErrorMessage(err), tt.says) {
				t.Errorf("got %v (%s), want %s saying %q", err, referral.ErrorCode(err), tt.code, tt.says)
			}
		})
	}
}

func TestTableIsWhole(t *testing.T) {
	if n := geo.Len(); n != 33791 {
		t.Errorf("table has %d ZCTAs, want 33,791", n)
	}
}

func TestDistanceBetweenZIPs(t *testing.T) {
	// Manhattan (10001) to Beverly Hills (90210) is about 2,450 miles.
	a, _ := geo.Lookup("10001")
	b, _ := geo.Lookup("90210")
	if d := referral.Miles(a.Point, b.Point); d < 2400 || d > 2500 {
		t.Errorf("10001 to 90210 is %.0f mi, want about 2,450", d)
	}
}

// BenchmarkParse measures the one-time cost of the first Lookup.
func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		geo.ParseTable(assets.ZIPCentroids)
	}
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{"19107", "02139", "1910A", "10008", "00000", "19107-1234", " 9021", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := geo.Lookup(s)
		if err != nil {
			code := referral.ErrorCode(err)
			if code != referral.EINVALID && code != referral.ENOTFOUND {
				t.Fatalf("Lookup(%q): uncoded error %v", s, err)
			}
			if referral.ErrorMessage(err) == "" {
				t.Fatalf("Lookup(%q): empty message", s)
			}
			return
		}
		z, perr := geo.ParseZIP(s)
		if perr != nil || len(r.ZCTA) != 5 || r.ZCTA[:3] != z[:3] || (r.ZCTA == z) == r.Approximate {
			t.Fatalf("Lookup(%q) = %+v, ParseZIP %q %v", s, r, z, perr)
		}
		if r.Point.Lat < -90 || r.Point.Lat > 90 || r.Point.Lon < -180 || r.Point.Lon > 180 {
			t.Fatalf("Lookup(%q) = %+v off the globe", s, r)
		}
	})
}

func FuzzParseDegrees(f *testing.F) {
	for _, s := range []string{"-73.9973102", "18.1805555", "0", "-0.5", "1e5", "123456789012345.6", ".", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := geo.ParseDegrees([]byte(s))
		want, werr := strconv.ParseFloat(s, 64)
		if (err == nil) != (werr == nil) || (err == nil && got != want && !(math.IsNaN(got) && math.IsNaN(want))) {
			t.Fatalf("parseDegrees(%q) = %v, %v; ParseFloat says %v, %v", s, got, err, want, werr)
		}
	})
}
