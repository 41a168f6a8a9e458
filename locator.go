package main

import (
	"os"
	"referraldesk/referral"
	"referraldesk/referral/geo"
	"strings"
	"time"
)

// zipPoint places a listing that has a US ZIP but no coordinates at the ZIP's
// Census point (or its prefix's nearest), close enough for a distance.
func zipPoint(zip string) (referral.Point, bool) {
	r, err := geo.Lookup(zip)
	return r.Point, err == nil
}

// locator finds ZIP codes in the embedded Census table, and time zones by
// the map.
type locator struct{}

var (
	_ referral.Locator    = locator{}
	_ referral.ZoneFinder = locator{}
)

func (locator) ZoneAt(p referral.Point) string { return geo.ZoneAt(p) }

func (locator) LocateZIP(zip string) (referral.ZIPLocation, error) {
	r, err := geo.Lookup(zip)
	return referral.ZIPLocation{Point: r.Point, ZCTA: r.ZCTA, Approximate: r.Approximate}, err
}

// machineZone is the IANA name of the machine's time zone, or "" when it
// cannot be told (time.Local is only called "Local").
func machineZone() string {
	if tz := os.Getenv("TZ"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			name := target[i+len("zoneinfo/"):]
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	return ""
}
