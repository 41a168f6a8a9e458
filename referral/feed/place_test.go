package feed

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"referraldesk/referral"
)

func TestSplitAddressForms(t *testing.T) {
	tests := []struct {
		in   string
		want referral.Place // only the address parts
	}{
		{"200 Main Street, Winnipeg, Manitoba, R3C 1A1, Canada",
			referral.Place{Address: "200 Main Street", City: "Winnipeg", State: "Manitoba", PostalCode: "R3C 1A1", Country: "Canada"}},
		{"979 West County Line Road, Hatboro, PA, 19040, USA",
			referral.Place{Address: "979 West County Line Road", City: "Hatboro", State: "PA", PostalCode: "19040", Country: "USA"}},
		{"1 Penn Square, Philadelphia, Pennsylvania 19107, United States",
			referral.Place{Address: "1 Penn Square", City: "Philadelphia", State: "Pennsylvania", PostalCode: "19107", Country: "United States"}},
		{"100 Queen St W, Toronto, Ontario M5H 2N2, Canada",
			referral.Place{Address: "100 Queen St W", City: "Toronto", State: "Ontario", PostalCode: "M5H 2N2", Country: "Canada"}},
		{"1 Rue Sainte-Catherine, Montréal, Québec, H2X1K4, Canada",
			referral.Place{Address: "1 Rue Sainte-Catherine", City: "Montréal", State: "Québec", PostalCode: "H2X1K4", Country: "Canada"}},
		{"12 High St, Portland, new  hampshire, US",
			referral.Place{Address: "12 High St", City: "Portland", State: "new  hampshire", Country: "US"}},
		{"5 Elm St, Boise, ID 83702-1234, U.S.A.",
			referral.Place{Address: "5 Elm St", City: "Boise", State: "ID", PostalCode: "83702-1234", Country: "U.S.A."}},
		{"50 State St, Albany, New York, 12207",
			referral.Place{Address: "50 State St", City: "Albany", State: "New York", PostalCode: "12207"}},
		{"Winnipeg, R3C 1A1, Canada", referral.Place{City: "Winnipeg", PostalCode: "R3C 1A1", Country: "Canada"}},
		{"Washington, District of Columbia, USA", referral.Place{City: "Washington", State: "District of Columbia", Country: "USA"}},
		// The last part is a state, not a country, though it has no digits.
		{"10 Main St, Media, PA", referral.Place{Address: "10 Main St", City: "Media", State: "PA"}},
		{"Main St, Winnipeg, Manitoba", referral.Place{Address: "Main St", City: "Winnipeg", State: "Manitoba"}},

		// Kept whole: nothing says which part is what.
		{"1 Main St, Media, PA 19063, 19063, USA", referral.Place{Address: "1 Main St, Media, PA 19063, 19063, USA"}},
		{"Via Roma 1, Milano, 20121, Italy", referral.Place{Address: "Via Roma 1, Milano, 20121, Italy"}},
		{"1 Main St, 19107", referral.Place{Address: "1 Main St, 19107"}},
		{"Philadelphia, USA", referral.Place{Address: "Philadelphia, USA"}},
		{"2203 Harmonyville rd. Elverson, PA. 19520", referral.Place{Address: "2203 Harmonyville rd. Elverson, PA. 19520"}},
		{"Calle Yanacachi, La Paz, Bolivia", referral.Place{Address: "Calle Yanacachi, La Paz, Bolivia"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var got referral.Place
			splitAddress(tc.in, &got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if got.City == "" {
				return
			}
			// What splitAddress recognised, joined, splits the same again.
			var again referral.Place
			splitAddress(joinAddress(got), &again)
			if !reflect.DeepEqual(again, got) {
				t.Errorf("joined as %q, which splits as %+v", joinAddress(got), again)
			}
		})
	}
}

func TestUSZIP(t *testing.T) {
	tests := []struct {
		postal, country, want string
	}{
		{"19107", "", "19107"},
		{"19107-1234", "", "19107"},
		{"19107", "USA", "19107"},
		{"19107", "United States of America", "19107"},
		{"19107", "u.s.", "19107"},
		{"19107", "Mexico", ""},
		{"R3C 1A1", "Canada", ""},
		{"R3C 1A1", "", ""},
		{"1910", "USA", ""},
		{"191077", "", ""},
		{"", "USA", ""},
	}
	for _, tc := range tests {
		got, ok := usZIP(referral.Place{PostalCode: tc.postal, Country: tc.country})
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("usZIP(%q, %q) = %q, %v; want %q", tc.postal, tc.country, got, ok, tc.want)
		}
	}
}

// centre19107 stands in for the Census table: it knows one ZIP.
var centre19107 = referral.Point{Lat: 39.9522, Lon: -75.1574}

func place19107(zip string) (referral.Point, bool) {
	return centre19107, zip == "19107"
}

// zipFeed has listings with and without coordinates, in and out of the US.
const zipFeed = `[
{"slug":"zip","name":"ZIP only","day":1,"time":"19:00","formatted_address":"19 S 10th St, Philadelphia, PA 19107, USA"},
{"slug":"zip4","name":"ZIP+4, no country","day":1,"time":"19:00","address":"19 S 10th St","city":"Philadelphia","state":"PA","postal_code":"19107-3301"},
{"slug":"hybrid","name":"Hybrid","day":1,"time":"19:00","formatted_address":"19 S 10th St, Philadelphia, PA 19107, USA","conference_url":"https://zoom.us/j/1"},
{"slug":"bad-coords","name":"Placeholder coordinates","day":1,"time":"19:00","formatted_address":"19 S 10th St, Philadelphia, PA 19107, USA","latitude":0,"longitude":0},
{"slug":"pinned","name":"Pinned","day":1,"time":"19:00","formatted_address":"19 S 10th St, Philadelphia, PA 19107, USA","latitude":39.95,"longitude":-75.16},
{"slug":"winnipeg","name":"Winnipeg","day":1,"time":"19:00","formatted_address":"200 Main Street, Winnipeg, Manitoba, R3C 1A1, Canada"},
{"slug":"unknown-zip","name":"Unknown ZIP","day":1,"time":"19:00","formatted_address":"1 Main St, Nowhere, PA 00001, USA"},
{"slug":"mexico","name":"Mexico","day":1,"time":"19:00","address":"Calle 5","city":"Tijuana","postal_code":"22000","country":"Mexico"},
{"slug":"online","name":"Online only","day":1,"time":"19:00","postal_code":"19107","conference_url":"https://zoom.us/j/2","attendance_option":"online"},
{"slug":"no-place","name":"No place","day":1,"time":"19:00","attendance_option":"in_person"}
]`

func TestPlaceAtZIP(t *testing.T) {
	var asked []string
	opts := aa
	opts.PlaceZIP = func(zip string) (referral.Point, bool) {
		asked = append(asked, zip)
		return place19107(zip)
	}
	res, err := Parse(context.Background(), strings.NewReader(zipFeed), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 10 || len(res.Skipped) != 0 {
		t.Fatalf("%d groups, skipped %v", len(res.Groups), res.Skipped)
	}
	for _, id := range []string{"zip", "zip4", "hybrid", "bad-coords"} {
		g := group(t, res, id)
		pl := g.Place
		if pl.Coords == nil || *pl.Coords != centre19107 || !pl.CoordsFromZIP || pl.Approximate || !g.Attendance.MeetsInPerson() {
			t.Errorf("%s: coords %v, from ZIP %v, approximate %v, attendance %s; want the ZIP's point, in person",
				id, pl.Coords, pl.CoordsFromZIP, pl.Approximate, g.Attendance)
		}
		if !hasRepair(res, id, "latitude", "no coordinates: placed at ZIP 19107's Census point; distance is approximate") {
			t.Errorf("%s: no repair says it was placed at its ZIP: %v", id, repairsOf(res, id))
		}
	}
	if g := group(t, res, "pinned"); g.Place.CoordsFromZIP || *g.Place.Coords != (referral.Point{Lat: 39.95, Lon: -75.16}) {
		t.Errorf("pinned listing moved: %+v", g.Place)
	}
	for _, id := range []string{"winnipeg", "unknown-zip", "mexico", "online", "no-place"} {
		if g := group(t, res, id); g.Place.Coords != nil || g.Place.CoordsFromZIP {
			t.Errorf("%s placed at %v", id, g.Place.Coords)
		}
	}
	if g := group(t, res, "winnipeg"); g.Place.City != "Winnipeg" || g.Place.PostalCode != "R3C 1A1" || g.Attendance != referral.InPerson {
		t.Errorf("winnipeg read as %+v, %s", g.Place, g.Attendance)
	}
	// Asked for the five digits, only for US listings people go to that lack a point.
	if want := []string{"19107", "19107", "19107", "19107", "00001"}; !reflect.DeepEqual(asked, want) {
		t.Errorf("PlaceZIP asked for %q, want %q", asked, want)
	}
	// Winnipeg, the unknown ZIP, Mexico and the listing with no place at all.
	if res.Unplaced != 4 {
		t.Errorf("Unplaced = %d, want 4", res.Unplaced)
	}

	res, err = Parse(context.Background(), strings.NewReader(zipFeed), aa)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unplaced != 8 {
		t.Errorf("without PlaceZIP, Unplaced = %d, want 8", res.Unplaced)
	}
	if g := group(t, res, "zip"); g.Place.Coords != nil || g.Place.CoordsFromZIP {
		t.Errorf("placed without PlaceZIP: %+v", g.Place)
	}
}

// TestZIPPointNotExported: an export leaves the ZIP's point out, so it is not
// taken for the door's, and reading the export places the listing again.
func TestZIPPointNotExported(t *testing.T) {
	opts := aa
	opts.PlaceZIP = place19107
	res, err := Parse(context.Background(), strings.NewReader(zipFeed), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf, res.Groups); err != nil {
				t.Fatal(err)
			}
			coords := exportedCoords(t, w.name, buf.Bytes())
			if c := coords["zip"]; c != "" {
				t.Errorf("export gives the ZIP-placed listing coordinates %s", c)
			}
			if c := coords["pinned"]; c == "" {
				t.Errorf("export lost the pinned listing's coordinates")
			}
			again, err := Parse(context.Background(), &buf, Options{Source: opts.Source, TimeZone: opts.TimeZone, PlaceZIP: place19107})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again.Groups, res.Groups) {
				t.Fatalf("the export reads back different:\n%s", firstDifference(res.Groups, again.Groups))
			}
			if again.Unplaced != res.Unplaced {
				t.Errorf("Unplaced %d after the round trip, was %d", again.Unplaced, res.Unplaced)
			}
		})
	}
}

// exportedCoords reads slug → "lat,lon" ("" for none) from an export.
func exportedCoords(t *testing.T, format string, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	if format == "csv" {
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, r := range rows[1:] {
			if lat := r[col["Latitude"]]; lat != "" {
				out[r[col["Slug"]]] = lat + "," + r[col["Longitude"]]
			} else {
				out[r[col["Slug"]]] = ""
			}
		}
		return out
	}
	var ms []map[string]any
	if err := json.Unmarshal(data, &ms); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		slug, _ := m["slug"].(string)
		out[slug] = ""
		if lat, ok := m["latitude"]; ok {
			out[slug] = fmt.Sprint(lat, ",", m["longitude"])
		}
	}
	return out
}

// TestRealFeedsWithPlaceZIP: every listing of the real feeds has coordinates,
// so placing by ZIP changes nothing in them and none is left unplaced.
func TestRealFeedsWithPlaceZIP(t *testing.T) {
	for _, tc := range realFeeds {
		t.Run(tc.file, func(t *testing.T) {
			opts := tc.opts
			asked := 0
			opts.PlaceZIP = func(string) (referral.Point, bool) {
				asked++
				return centre19107, true
			}
			res := parseFile(t, tc.file, opts)
			if len(res.Groups) != tc.groups || len(res.Skipped) != tc.skipped || len(res.Repaired) != tc.repairs {
				t.Errorf("%d groups, %d skipped, %d repaired; want %d, %d, %d",
					len(res.Groups), len(res.Skipped), len(res.Repaired), tc.groups, tc.skipped, tc.repairs)
			}
			attend := map[referral.Attendance]int{}
			for _, g := range res.Groups {
				attend[g.Attendance]++
				if g.Place.CoordsFromZIP {
					t.Errorf("%s placed at its ZIP", g.SourceID)
				}
			}
			if !reflect.DeepEqual(attend, tc.attend) {
				t.Errorf("attendance %v, want %v", attend, tc.attend)
			}
			if asked != 0 || res.Unplaced != 0 {
				t.Errorf("PlaceZIP asked %d times, %d unplaced; want 0, 0", asked, res.Unplaced)
			}
		})
	}
}

func repairsOf(res *Result, id string) []Repair {
	var rs []Repair
	for _, r := range res.Repaired {
		if r.SourceID == id {
			rs = append(rs, r)
		}
	}
	return rs
}

func hasRepair(res *Result, id, field, what string) bool {
	for _, r := range repairsOf(res, id) {
		if r.Field == field && r.What == what {
			return true
		}
	}
	return false
}
