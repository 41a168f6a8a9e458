package app

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"referraldesk/referral"
)

// clinicZones tells the zone the clinic's online groups are read and
// printed in. When neither Settings nor the machine name it, the zone is
// guessed from a ZIP by the time-zone map (Settings.MatchZone), which takes
// about a second and 60 MB to load on first use. So every method that may
// guess runs off the UI goroutine, asks the map nothing when the zone is
// known, and remembers its guesses: per clinic ZIP, and per client point
// when the clinic's ZIP tells nothing.
type clinicZones struct {
	machine string // this computer's IANA zone name, "" when unknown
	locate  referral.Locator
	finder  referral.ZoneFinder

	mu       sync.Mutex // held while guessing, so the map loads once
	byZIP    map[string]zoneGuess
	byClient map[referral.Point]string
	locs     map[string]*time.Location
}

// zoneGuess is the zone guessed for a clinic without a client, and whether
// the ZIP in its address told it (else it is FallbackTimeZone).
type zoneGuess struct {
	zone    string
	fromZIP bool
}

func newClinicZones(machine string, locate referral.Locator, finder referral.ZoneFinder) *clinicZones {
	return &clinicZones{machine: machine, locate: locate, finder: finder,
		byZIP: map[string]zoneGuess{}, byClient: map[referral.Point]string{}, locs: map[string]*time.Location{}}
}

// known is the zone Settings or the machine name (Settings.ClinicZone), ""
// when it has to be guessed. It asks no map, so it is safe on the UI
// goroutine.
func (z *clinicZones) known(s referral.Settings) string {
	return s.ClinicZone(z.machine)
}

// clinicGuess is the zone guessed from the ZIP in the clinic's address
// alone; call it off the UI goroutine, and only when known(s) is "".
func (z *clinicZones) clinicGuess(s referral.Settings) zoneGuess {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.clinicGuessLocked(s)
}

func (z *clinicZones) clinicGuessLocked(s referral.Settings) zoneGuess {
	zip := s.ClinicZIP()
	if g, ok := z.byZIP[zip]; ok {
		return g
	}
	zone, guess := s.MatchZone(z.machine, z.locate, z.finder, nil)
	g := zoneGuess{zone: zone, fromZIP: guess == referral.ZoneFromClinicZIP}
	z.byZIP[zip] = g
	return g
}

// forClient is the zone to match a client at client (nil for none) in: the
// known one, else the clinic ZIP's, else the client ZIP's, else
// FallbackTimeZone (Settings.MatchZone). Call it off the UI goroutine.
func (z *clinicZones) forClient(s referral.Settings, client *referral.Point) string {
	if k := z.known(s); k != "" {
		return k
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	g := z.clinicGuessLocked(s)
	if g.fromZIP || client == nil {
		return g.zone
	}
	// One entry per client point a session matches: a few hundred at most.
	if zone, ok := z.byClient[*client]; ok {
		return zone
	}
	zone, _ := s.MatchZone(z.machine, z.locate, z.finder, client)
	z.byClient[*client] = zone
	return zone
}

// location loads a zone forClient named, remembering it: a match runs at
// every pause in typing, and loading reads the zone's file each time.
func (z *clinicZones) location(name string) *time.Location {
	z.mu.Lock()
	defer z.mu.Unlock()
	if l, ok := z.locs[name]; ok {
		return l
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		// Settings and MatchZone name only zones that load; should one not,
		// UTC is what a Needs without a zone meant before.
		fyne.LogError("clinic zone: load "+name, err)
		l = time.UTC
	}
	z.locs[name] = l
	return l
}
