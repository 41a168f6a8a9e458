package referral_test

import (
	"fmt"
	"strings"
	"testing"

	"referraldesk/referral"
)

// zoneLine is a map with one zone line at 87°W: Central to the west, Eastern
// to the east (the line through Indiana and Tennessee is near there).
func zoneLine(p referral.Point) string {
	if p.Lon < -87 {
		return "America/Chicago"
	}
	return "America/New_York"
}

// listing makes an in-person listing pinned at longitude lon, with no zone.
func listing(lon float64, opts ...func(*referral.Group)) *referral.Group {
	g := &referral.Group{Attendance: referral.InPerson, Place: referral.Place{Coords: &referral.Point{Lat: 38, Lon: lon}}}
	for _, o := range opts {
		o(g)
	}
	return g
}

func many(n int, lon float64, opts ...func(*referral.Group)) []*referral.Group {
	var gs []*referral.Group
	for range n {
		gs = append(gs, listing(lon, opts...))
	}
	return gs
}

func TestListingZone(t *testing.T) {
	tests := []struct {
		name        string
		g           *referral.Group
		want        string
		wantAtPlace bool
	}{
		{"own zone field wins over the place", listing(-90, zone("America/Denver")), "America/Denver", false},
		{"in person: the zone at its place", listing(-90), "America/Chicago", true},
		{"just east of the line", listing(-86.99), "America/New_York", true},
		{"just west of the line", listing(-87.01), "America/Chicago", true},
		{"hybrid counts as a place", listing(-90, hybrid), "America/Chicago", true},
		{"online: its affinity address says nothing", listing(-90, onlineOnly), "", false},
		// An online meeting whose approximate address is in another country.
		{"online, approximate, abroad", listing(2.35, onlineOnly, func(g *referral.Group) { g.Place.Approximate = true }), "", false},
		{"town centre only", listing(-90, func(g *referral.Group) { g.Place.Approximate = true }), "", false},
		{"a ZIP's Census point", listing(-90, func(g *referral.Group) { g.Place.CoordsFromZIP = true }), "", false},
		{"no coordinates", listing(-90, noCoords), "", false},
		{"coordinates at sea", listing(-90), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := zoneLine
			if tt.name == "coordinates at sea" {
				at = func(referral.Point) string { return "" }
			}
			got, atPlace := referral.ListingZone(tt.g, at)
			if got != tt.want || atPlace != tt.wantAtPlace {
				t.Errorf("ListingZone = %q, %v; want %q, %v", got, atPlace, tt.want, tt.wantAtPlace)
			}
		})
	}
}

func TestSourceZones(t *testing.T) {
	online := func() *referral.Group {
		return listing(2.35, onlineOnly, func(g *referral.Group) { g.Place.Approximate = true })
	}
	all := referral.ZoneChoices{Import: "America/Denver", Settings: "America/Phoenix", Clinic: "America/Los_Angeles"}
	tests := []struct {
		name    string
		groups  []*referral.Group
		choices referral.ZoneChoices
		want    referral.ZoneReport
		says    string
		warns   bool
	}{
		{"every place in one zone", append(many(20, -75), online()), all,
			referral.ZoneReport{Zone: "America/New_York", Why: referral.ZoneFromPlaces, Agree: 20, Places: 20, AtPlace: 20, FromSource: 1},
			"America/New_York, from 20 of 20 meeting places", false},
		{"90% agree", append(append(many(18, -75), many(2, -90)...), online()), all,
			referral.ZoneReport{Zone: "America/New_York", Why: referral.ZoneFromPlaces, Agree: 18, Places: 20, AtPlace: 20, FromSource: 1},
			"America/New_York, from 18 of 20 meeting places", false},
		{"a state across the line: the import's zone", append(append(many(17, -75), many(3, -90)...), online()), all,
			referral.ZoneReport{Zone: "America/Denver", Why: referral.ZoneFromImport, Agree: 17, Places: 20, AtPlace: 20, FromSource: 1},
			"America/Denver, as the import was told (its meeting places disagree: only 17 of 20 in one zone)", false},
		{"own zones count as places", append(many(5, -75, zone("America/Chicago")), online()), all,
			referral.ZoneReport{Zone: "America/Chicago", Why: referral.ZoneFromPlaces, Agree: 5, Places: 5, Own: 5, FromSource: 1},
			"America/Chicago, from 5 of 5 meeting places", false},
		{"online only: the import's zone", []*referral.Group{online(), online()}, all,
			referral.ZoneReport{Zone: "America/Denver", Why: referral.ZoneFromImport, FromSource: 2},
			"America/Denver, as the import was told (no meeting place to tell by)", false},
		{"then Settings' feed zone", []*referral.Group{online()}, referral.ZoneChoices{Settings: "America/Phoenix", Clinic: "America/Los_Angeles"},
			referral.ZoneReport{Zone: "America/Phoenix", Why: referral.ZoneFromSettings, FromSource: 1},
			"America/Phoenix, the feed zone in Settings", false},
		{"then the clinic's, with a warning", []*referral.Group{online()}, referral.ZoneChoices{Clinic: "America/Los_Angeles"},
			referral.ZoneReport{Zone: "America/Los_Angeles", Why: referral.ZoneFromClinic, FromSource: 1},
			"America/Los_Angeles, the clinic's zone", true},
		{"an unknown choice is passed over", []*referral.Group{online()}, referral.ZoneChoices{Import: "Mars/Base", Clinic: "America/Los_Angeles"},
			referral.ZoneReport{Zone: "America/Los_Angeles", Why: referral.ZoneFromClinic, FromSource: 1},
			"America/Los_Angeles, the clinic's zone", true},
		{"nothing set at all", []*referral.Group{online()}, referral.ZoneChoices{},
			referral.ZoneReport{Zone: referral.FallbackTimeZone, Why: referral.ZoneFromFallback, FromSource: 1},
			"America/New_York, as no zone was set", true},
		{"no listing needs the source's zone", many(3, -90), referral.ZoneChoices{},
			referral.ZoneReport{Zone: "America/Chicago", Why: referral.ZoneFromPlaces, Agree: 3, Places: 3, AtPlace: 3},
			"America/Chicago, from 3 of 3 meeting places", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := referral.SourceZones(tt.groups, zoneLine, tt.choices)
			if got != tt.want {
				t.Errorf("report %+v\nwant   %+v", got, tt.want)
			}
			if !strings.HasPrefix(got.String(), tt.says) {
				t.Errorf("says %q, want %q", got.String(), tt.says)
			}
			if w := got.Warning(); (w != "") != tt.warns || (tt.warns && !strings.Contains(w, fmt.Sprint(got.FromSource)+" listings")) {
				t.Errorf("warning %q, want one: %v", w, tt.warns)
			}
			for i, g := range tt.groups {
				if g.TimeZone == "" {
					t.Errorf("listing %d has no zone", i)
				}
				if !g.Attendance.MeetsInPerson() && g.TimeZone != got.Zone {
					t.Errorf("online listing %d got %q, want the source's %q", i, g.TimeZone, got.Zone)
				}
			}
		})
	}
}
