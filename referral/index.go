package referral

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Index is a directory prepared for matching many times: every group's
// rule-relevant facts in one flat array, groups reachable online in a list,
// and groups met in person in a grid of latitude/longitude cells, so that a
// match reads only the cells near the client and counts the rest in bulk.
//
// An Index holds the groups it was built from and must be rebuilt when they
// change. It is safe for concurrent use by Match calls.
type Index struct {
	d      *directory
	online int32   // slots [0, online) hold the available groups joinable online
	byCell []int32 // slots of available in-person groups with coordinates, grouped by cell
	cells  map[uint32]cellSpan

	scratch sync.Pool // of *scratch, one per concurrent Match

	// Sizes of the sets the rules work on, so skipped groups can be counted
	// under the rule that would have excluded them.
	unavailable     int
	available       int
	joinOnline      int // O: joinable online
	placed          int // P: meets in person, with coordinates
	placedOffline   int // P \ O
	unplaced        int // N: meets in person, no coordinates
	unplacedOffline int // N \ O
	reachable       int // O ∪ P ∪ N
}

// cellSpan is one grid cell's groups in Index.byCell: those not joinable
// online first, so a client who takes either can skip the rest (they are
// reached through the online list).
type cellSpan struct {
	start, offline, end int32
}

// gridDegrees is the cell size. 0.2° is about 14 miles north–south: a
// typical 5–25 mile search reads a handful of cells.
const (
	gridDegrees = 0.2
	gridCols    = int(360 / gridDegrees)
	gridRows    = int(180 / gridDegrees)
)

// NewIndex prepares groups for matching. It keeps the slice; do not change
// the groups while the Index is in use.
//
// The facts are stored in the order a match reads them: groups joinable
// online first, then the other placed groups cell by cell, then the rest,
// so the scans walk memory front to back.
func NewIndex(groups []*Group) *Index {
	in := newDirectory(groups)
	ix := &Index{cells: map[uint32]cellSpan{}}
	var joinable, rest []int32
	perCell := map[uint32][]int32{}
	var cellOrder []uint32
	for i, f := range in.facts {
		fl := f.flags
		online, inPerson := fl&fJoinOnline != 0, fl&fInPerson != 0
		placed := inPerson && fl&fCoords != 0
		switch {
		case fl&fUnavailable != 0:
			ix.unavailable++
			rest = append(rest, int32(i))
			continue
		case online:
			joinable = append(joinable, int32(i))
		case !placed:
			rest = append(rest, int32(i))
		}
		ix.available++
		if online {
			ix.joinOnline++
		}
		if online || inPerson {
			ix.reachable++
		}
		switch {
		case placed:
			ix.placed++
			if !online {
				ix.placedOffline++
			}
			c := cellOf(f.lat, f.lon)
			if perCell[c] == nil {
				cellOrder = append(cellOrder, c)
			}
			perCell[c] = append(perCell[c], int32(i))
		case inPerson:
			ix.unplaced++
			if !online {
				ix.unplacedOffline++
			}
		}
	}
	// Slots: online groups, then placed offline groups by cell, then the rest.
	d := &directory{groups: groups, zones: in.zones, starts: in.starts,
		facts: make([]facts, 0, len(groups)), groupOf: make([]int32, 0, len(groups)), keys: make([]uint64, 0, len(groups))}
	slotOf := make([]int32, len(groups))
	add := func(i int32) {
		slotOf[i] = int32(len(d.facts))
		d.facts = append(d.facts, in.facts[i])
		d.groupOf = append(d.groupOf, i)
		if in.facts[i].flags&fUnavailable != 0 {
			d.keys = append(d.keys, 0)
		} else {
			d.keys = append(d.keys, listingKey(groups[i]))
		}
	}
	for _, i := range joinable {
		add(i)
	}
	ix.online = int32(len(d.facts))
	ix.byCell = make([]int32, 0, ix.placed)
	for _, c := range cellOrder {
		span := cellSpan{start: int32(len(ix.byCell))}
		for _, i := range perCell[c] {
			if in.facts[i].flags&fJoinOnline == 0 {
				add(i)
				ix.byCell = append(ix.byCell, slotOf[i])
			}
		}
		span.offline = int32(len(ix.byCell))
		for _, i := range perCell[c] {
			if in.facts[i].flags&fJoinOnline != 0 {
				ix.byCell = append(ix.byCell, slotOf[i])
			}
		}
		span.end = int32(len(ix.byCell))
		ix.cells[c] = span
	}
	for _, i := range rest {
		add(i)
	}
	markShared(d)
	ix.d = d
	return ix
}

// markShared flags listings whose key another available listing shares, so
// folding can skip its map for the rest.
func markShared(d *directory) {
	first := make(map[uint64]int32, len(d.keys))
	for i, k := range d.keys {
		if d.facts[i].flags&fUnavailable != 0 {
			continue
		}
		if j, ok := first[k]; ok {
			d.facts[i].flags |= fShared
			d.facts[j].flags |= fShared
		} else {
			first[k] = int32(i)
		}
	}
}

// Len reports how many groups the index holds.
func (ix *Index) Len() int { return len(ix.d.groups) }

// Match is Match(needs, groups, now) over the indexed groups, with the same
// result.
func (ix *Index) Match(needs Needs, now time.Time) Result {
	sc, _ := ix.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer ix.scratch.Put(sc)
	return ix.d.match(needs, now, ix.scan, sc)
}

// scan evaluates only groups that can pass the attendance and distance rules
// and counts the others under the rule evaluate would have named.
func (ix *Index) scan(p *plan, out []cand, counts *[numRules]int) []cand {
	d := ix.d
	counts[rUnavailable] += ix.unavailable
	eval := func(i int32) {
		if r, c := d.evaluate(p, i); r != pass {
			counts[r]++
		} else {
			out = append(out, c)
		}
	}
	switch p.attend {
	case AttendOnline:
		counts[rAttendance] += ix.available - ix.joinOnline
		for i := range ix.online {
			eval(i)
		}
	case AttendInPerson:
		counts[rAttendance] += ix.available - ix.placed - ix.unplaced
		counts[rNoLocation] += ix.unplaced
		seen := ix.scanCells(p, false, eval)
		counts[rDistance] += ix.placed - seen
	default:
		counts[rAttendance] += ix.available - ix.reachable
		counts[rNoLocation] += ix.unplacedOffline
		for i := range ix.online {
			eval(i)
		}
		seen := ix.scanCells(p, true, eval)
		counts[rDistance] += ix.placedOffline - seen
	}
	return out
}

// scanCells evaluates the groups in every cell that may hold a point within
// MaxMiles of the origin and returns how many it evaluated. With
// offlineOnly it skips groups joinable online.
func (ix *Index) scanCells(p *plan, offlineOnly bool, eval func(int32)) int {
	if !p.hasOrigin || !(p.maxMiles > 0) {
		return 0
	}
	seen := 0
	visit := func(row, col int) {
		span, ok := ix.cells[uint32(row*gridCols+col)]
		if !ok {
			return
		}
		end := span.end
		if offlineOnly {
			end = span.offline
		}
		for _, i := range ix.byCell[span.start:end] {
			eval(i)
		}
		seen += int(end - span.start)
	}
	// The cap of angular radius r around the origin spans r in latitude and
	// asin(sin r / cos lat) in longitude; one extra cell on each side absorbs
	// rounding at cell edges.
	const deg = 180 / math.Pi
	r := p.maxMiles / earthRadiusMiles
	lat0, lon0 := p.origin.Lat, p.origin.Lon
	r0, r1 := rowOf(lat0-r*deg-gridDegrees), rowOf(lat0+r*deg+gridDegrees)
	allCols := r >= math.Pi/2 || lat0-r*deg-gridDegrees <= -90 || lat0+r*deg+gridDegrees >= 90
	var c0, width int
	if !allCols {
		x := math.Sin(r) / math.Cos(lat0/deg)
		if x >= 1 {
			allCols = true
		} else {
			dLon := math.Asin(x)*deg + gridDegrees
			c0 = int(math.Floor((lon0 - dLon + 180) / gridDegrees))
			width = int(math.Floor((lon0+dLon+180)/gridDegrees)) - c0 + 1
			allCols = width >= gridCols
		}
	}
	if allCols {
		c0, width = 0, gridCols
	}
	for row := r0; row <= r1; row++ {
		for k := 0; k < width; k++ {
			visit(row, int(mod(int64(c0+k), int64(gridCols))))
		}
	}
	return seen
}

func rowOf(lat float64) int {
	return min(gridRows-1, max(0, int(math.Floor((lat+90)/gridDegrees))))
}

func cellOf(lat, lon float64) uint32 {
	col := int(mod(int64(math.Floor((lon+180)/gridDegrees)), int64(gridCols)))
	return uint32(rowOf(lat)*gridCols + col)
}

// directory is the groups with their facts, shared by Match and Index.
// Facts are kept in slots: for Match slot i is groups[i]; an Index reorders
// the slots into the order it scans them (see NewIndex) and keeps the way
// back in groupOf.
type directory struct {
	groups  []*Group
	groupOf []int32 // slot → index in groups; nil when they are the same
	facts   []facts
	zones   []*time.Location // facts.zone indexes it; -1 is the client's zone
	keys    []uint64         // listingKey per group when precomputed (Index)
	starts  []int32          // every group's valid session starts as minutes of its week; facts.start0:start1
}

// facts is what the hard rules and the score read about a group, flattened
// so a scan touches one small struct per group and not the Group itself.
// It is 64 bytes, one cache line: the scan is bound by memory, not by
// arithmetic.
type facts struct {
	flags  uint32
	zone   int16     // index in directory.zones; -1 is the client's zone
	prog   uint8     // index in Programs; len(Programs) for an unknown program
	hours  weekHours // hours of the group's own week at which a session starts
	lat    float64
	lon    float64
	listed int64 // Unix time of the later of Updated and VerifiedOn; 0 if neither
	// The group's sessions are starts[start0:start0+nStarts], so the schedule
	// rule never follows pointers into the Group.
	start0  int32
	nStarts uint16
}

const (
	fUnavailable uint32 = 1 << iota
	fInPerson
	fCoords
	fJoinOnline // meets online and has a link or dial-in
	fFamily
	fOpen
	fWomen
	fMen
	fLGBTQ
	fYoung
	fNewcomer
	fSecular
	fWheelchair
	fASL
	fChildcare
	fMedYes
	fMedNo
	fBadZone // no or unknown time zone: read in the client's zone
	fShared  // Index only: another listing has the same listingKey
	fEnglish // held in English, or states no language
	fSpanish
	fOtherLanguage // states a language besides English and Spanish
)

// group returns the group in slot i.
func (d *directory) group(i int32) *Group { return d.groups[d.inputIndex(i)] }

// inputIndex returns the position in the caller's slice of the group in
// slot i.
func (d *directory) inputIndex(i int32) int32 {
	if d.groupOf != nil {
		return d.groupOf[i]
	}
	return i
}

func newDirectory(groups []*Group) *directory {
	d := &directory{groups: groups, facts: make([]facts, len(groups))}
	zoneIDs := map[string]int32{}
	progIDs := make(map[Program]uint8, len(Programs))
	for k, info := range Programs {
		progIDs[info.Program] = uint8(k)
	}
	for i, g := range groups {
		if g == nil {
			d.facts[i].flags = fUnavailable
			continue
		}
		d.facts[i] = d.factsOf(g, zoneIDs, progIDs)
	}
	return d
}

func (d *directory) factsOf(g *Group, zoneIDs map[string]int32, progIDs map[Program]uint8) facts {
	f := facts{prog: uint8(len(Programs)), zone: -1}
	if len(g.Sessions) > math.MaxUint16 {
		return facts{flags: fUnavailable} // not a weekly group; no feed lists this
	}
	if k, ok := progIDs[g.Program]; ok {
		f.prog = k
	}
	a, at := g.Attributes, g.Attendance
	set := func(ok bool, flag uint32) {
		if ok {
			f.flags |= flag
		}
	}
	f.start0 = int32(len(d.starts))
	for _, s := range g.Sessions {
		if validStart(s) {
			f.hours.set(int(s.Day)*24 + int(s.Start)/60)
			d.starts = append(d.starts, weekMinute(s))
		}
	}
	f.nStarts = uint16(len(d.starts) - int(f.start0))
	set(at == Inactive || g.Curation.Hidden || f.hours == weekHours{}, fUnavailable)
	set(at.MeetsInPerson(), fInPerson)
	if c := g.Place.Coords; c != nil {
		f.flags |= fCoords
		f.lat, f.lon = c.Lat, c.Lon
	}
	set(at.MeetsOnline() && g.Online.Has(), fJoinOnline)
	set(g.Program.Info().Family, fFamily)
	set(a.Openness == Open, fOpen)
	set(a.Audience == WomenOnly || g.Program == ProgramWFS, fWomen)
	set(a.Audience == MenOnly, fMen)
	set(a.LGBTQ, fLGBTQ)
	set(a.YoungPeople, fYoung)
	set(a.Newcomer, fNewcomer)
	set(a.Secular, fSecular)
	set(a.Wheelchair, fWheelchair)
	set(a.ASL, fASL)
	set(a.Childcare, fChildcare)
	set(len(a.Languages) == 0 || a.HasLanguage("en"), fEnglish)
	set(a.HasLanguage("es"), fSpanish)
	for _, l := range a.Languages {
		set(!strings.EqualFold(l, "en") && !strings.EqualFold(l, "es"), fOtherLanguage)
	}
	med := g.Curation.Medication()
	set(med == MedicationYes || (g.Program == ProgramMAR && med != MedicationNo), fMedYes)
	set(med == MedicationNo, fMedNo)
	if last := laterOf(g.Updated, g.Curation.VerifiedOn); !last.IsZero() {
		f.listed = last.Unix()
	}
	id, ok := zoneIDs[g.TimeZone]
	if !ok && len(d.zones) >= math.MaxInt16 {
		id, ok = -1, true // absurdly many zones: read the rest in the client's
	}
	if !ok {
		id = -1
		if loc, err := time.LoadLocation(g.TimeZone); err == nil && g.TimeZone != "" {
			id = int32(len(d.zones))
			d.zones = append(d.zones, loc)
		}
		zoneIDs[g.TimeZone] = id
	}
	f.zone = int16(id)
	set(id < 0, fBadZone)
	return f
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func programAt(k uint8) ProgramInfo {
	if int(k) < len(Programs) {
		return Programs[k]
	}
	return ProgramInfo{Program: ProgramOther, Approach: ApproachAny}
}

func (d *directory) key(i int32) uint64 {
	if d.keys != nil {
		return d.keys[i]
	}
	return listingKey(d.group(i))
}

// listingKey identifies a group across its listings: the name and the place
// (street address and city, else coordinates, else venue) for groups met in
// person, the link or phone for groups only online. Case, spacing and
// punctuation are ignored. It is a 64-bit FNV-1a hash; a collision would
// only fold two groups into one candidate.
func listingKey(g *Group) uint64 {
	h := uint64(14695981039346656037)
	write := func(s string) {
		space := false
		for _, r := range s {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				space = true
				continue
			}
			if space {
				h = (h ^ ' ') * 1099511628211
				space = false
			}
			var buf [utf8.UTFMax]byte
			for _, b := range buf[:utf8.EncodeRune(buf[:], unicode.ToLower(r))] {
				h = (h ^ uint64(b)) * 1099511628211
			}
		}
		h = (h ^ 0xff) * 1099511628211 // field separator no text produces
	}
	write(g.Name)
	pl := g.Place
	switch {
	case !g.Attendance.MeetsInPerson():
		write(g.Online.URL)
		write(g.Online.Phone)
	case pl.Address != "":
		write(pl.Address)
		write(pl.City)
	case pl.Coords != nil:
		write(formatCoord(pl.Coords.Lat))
		write(formatCoord(pl.Coords.Lon))
	default:
		write(pl.Location)
		write(pl.City)
	}
	return h
}

// formatCoord rounds to about 10 m, so two listings of one place that differ
// in the last digits fold together.
func formatCoord(x float64) string {
	return strconv.FormatInt(int64(math.Round(x*1e4)), 10)
}

// weekHours is a set of the 168 hours of a week (Sunday 00:00 = 0). The TSML-UI
// bands start and end on the hour, so "does a session start in a wanted
// hour" is one AND per group; it is exact whenever the group's zone is a
// whole number of hours from the client's.
type weekHours [3]uint64

const hoursPerWeek = 7 * 24

func (h *weekHours) set(i int)             { h[i/64] |= 1 << (i % 64) }
func (h weekHours) has(i int) bool         { return h[i/64]&(1<<(i%64)) != 0 }
func (h weekHours) meets(o weekHours) bool { return h[0]&o[0]|h[1]&o[1]|h[2]&o[2] != 0 }
func (h weekHours) rotate(by int) (r weekHours) {
	for i := 0; i < hoursPerWeek; i++ {
		if h.has(i) {
			r.set(int(mod(int64(i+by), hoursPerWeek)))
		}
	}
	return r
}
