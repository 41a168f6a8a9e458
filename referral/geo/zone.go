package geo

import (
	"fmt"
	"log"
	"strings"
	"sync"

	"github.com/ringsaturn/tzf"
	tzfrellite "github.com/ringsaturn/tzf-rel-lite"
	pb "github.com/ringsaturn/tzf/gen/go/tzf/v1"
	"google.golang.org/protobuf/proto"

	"referraldesk/referral"
)

// The time zone at a point comes from tzf's embedded, offline copy of the
// timezone-boundary-builder polygons (the "lite" data: simplified borders,
// exact a few hundred metres inside a zone). It is a well-kept library doing a
// job we should not redo: zone borders follow counties and change by law.
//
// tzf's DefaultFinder asks a tile index first (tiles wholly inside one
// zone) and the polygons only where the tiles say nothing, near a border.
// It loads both at once: the tiles take 0.05 s, the polygons 0.45 s and
// most of the 60 MB. ZoneAt asks them in the same order, with the same
// nudges around a point the polygons miss, but loads the polygons only the
// first time the tiles say nothing, so a clinic whose zone is guessed from
// an inland ZIP, or a command line matching once, never loads them. Either
// is loaded once, on first need: the window's start and a match with the
// clinic's zone set load neither.
var (
	tilesOnce, bordersOnce sync.Once
	tiles, borders         tzf.F
	tilesErr, bordersErr   error
)

func zoneTiles() (tzf.F, error) {
	tilesOnce.Do(func() {
		input := &pb.PreindexTimezones{}
		if tilesErr = proto.Unmarshal(tzfrellite.PreindexData, input); tilesErr == nil {
			tiles, tilesErr = tzf.NewFuzzyFinderFromPB(input)
		}
		if tilesErr != nil {
			log.Printf("time zone tiles: %v", tilesErr)
		}
	})
	return tiles, tilesErr
}

func zoneBorders() (tzf.F, error) {
	bordersOnce.Do(func() {
		input := &pb.CompressedTimezones{}
		if bordersErr = proto.Unmarshal(tzfrellite.LiteCompressData, input); bordersErr == nil {
			borders, bordersErr = tzf.NewFinderFromCompressed(input, tzf.SetDropPBTZ)
		}
		if t, err := zoneTiles(); bordersErr == nil && err == nil && t.DataVersion() != borders.DataVersion() {
			bordersErr = fmt.Errorf("the zone tiles (%s) and borders (%s) are of different versions", t.DataVersion(), borders.DataVersion())
		}
		if bordersErr != nil {
			log.Printf("time zone borders: %v", bordersErr)
		}
	})
	return borders, bordersErr
}

// zoneName is tzf.DefaultFinder's GetTimezoneName over the lazily loaded
// tiles and borders: the tiles, then the borders, at the point and then at
// the eight points 0.02° around it.
func zoneName(lon, lat float64) string {
	t, err := zoneTiles()
	if err != nil {
		return ""
	}
	try := func(lon, lat float64) string {
		if name := t.GetTimezoneName(lon, lat); name != "" {
			return name
		}
		b, err := zoneBorders()
		if err != nil {
			return ""
		}
		return b.GetTimezoneName(lon, lat)
	}
	if name := try(lon, lat); name != "" {
		return name
	}
	for _, dx := range []float64{-0.02, 0, 0.02} {
		for _, dy := range []float64{-0.02, 0, 0.02} {
			if name := try(lon+dx, lat+dy); name != "" {
				return name
			}
		}
	}
	return ""
}

// ZoneAt returns the IANA time zone at p, or "" when p is at sea, outside
// every zone's borders, or the zone data could not be read. The sea's
// nautical zones (Etc/GMT+5 …) are not answers: a support group meets on
// land, so coordinates at sea are a mistake in the feed.
func ZoneAt(p referral.Point) string {
	name := zoneName(p.Lon, p.Lat) // tzf takes longitude first
	if strings.HasPrefix(name, "Etc/") {
		return ""
	}
	return name
}

// ZIPZone returns the IANA time zone at a US ZIP code's Census point, or ""
// when the ZIP is unknown. The clinic's zone is guessed from its ZIP this way.
func ZIPZone(zip string) string {
	r, err := Lookup(zip)
	if err != nil {
		return ""
	}
	return ZoneAt(r.Point)
}
