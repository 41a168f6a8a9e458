package referral

import (
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Index is a directory prepared for matching many times: every group's
// rule-relevant facts in one flat array, groups reachable online in a list,
// and groups met in person in a grid of latitude/longitude cells, so that a
// match reads only the cells near the client and counts the rest in bulk.
//
// An Index from NewIndex holds the groups it was built from, one from
// NewIndexFrom only their compact facts. When a few groups change, Replace
// brings it up to date in place of a rebuild (see index_replace.go). It is
// safe for concurrent use: Match, Places and Len may run on many goroutines
// at once, and Replace waits for the ones under way and holds the next until
// it is done, so each sees the directory wholly before or wholly after it.
type Index struct {
	mu     sync.RWMutex // Replace writes; Match, Places and Len read
	d      *directory
	online []int32 // slots of the available groups joinable online, ascending
	byCell []int32 // slots of available in-person groups with coordinates, grouped by cell
	cells  map[uint32]cellSpan
	ids    map[int64]int32 // slot by group ID, made by the first Replace
	gone   int             // slots Replace emptied (fRemoved)
	// ownGroups: d.groups is the Index's own copy, which Replace may change.
	ownGroups bool

	scratch sync.Pool // of *scratch, one per concurrent Match

	// Sizes of the sets the rules work on, so skipped groups can be counted
	// under the rule that would have excluded them.
	unavailable     int
	service         int // available service meetings
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
func NewIndex(groups []*Group) *Index {
	return newIndex(slices.Values(groups), groups, nil, len(groups))
}

// NewIndexFrom prepares the groups seq yields for matching without keeping
// them: it copies out what matching reads (the rule facts, name, ID,
// program, sessions, time zone, stated languages and verification date) in
// compact form, so a directory too big to hold decoded can be indexed one
// group at a time. seq may reuse one Group for every group it yields.
//
// The result's Candidates carry a sketch of each group in Group and Also,
// holding only ID, Name, Program, TimeZone and the valid Sessions: look the
// full groups up by ID. Otherwise Match returns what Match(needs, groups,
// now) would.
func NewIndexFrom(seq iter.Seq[*Group]) *Index {
	return newIndex(seq, nil, nil, 0)
}

// NewIndexes is NewIndexFrom and the SearchIndex of the same groups, made
// in one pass over seq; the two keep one copy of each name. n is how many
// groups seq yields, or about: the arrays of both are made that size at
// once, rather than grown (and a quarter of them left unused) as they fill.
func NewIndexes(seq iter.Seq[*Group], n int) (*Index, *SearchIndex) {
	search := newSearchIndex(n)
	ix := newIndex(seq, nil, search, n)
	return ix, search.done()
}

// newIndex builds the Index of the n or so groups seq yields, keeping kept
// (the same groups) when the caller has them, and adds each group to search
// too when it is not nil.
//
// The facts are stored in the order a match reads them: groups joinable
// online first, then the other placed groups cell by cell, then the rest,
// so the scans walk memory front to back.
func newIndex(seq iter.Seq[*Group], kept []*Group, search *SearchIndex, n int) *Index {
	b := newBuilder(n)
	b.keys = true
	if n > 0 {
		b.d.keys = make([]uint64, 0, n)
	}
	if kept == nil {
		b.strs = map[string]string{}
	}
	for g := range seq {
		b.add(g)
		if search != nil && g != nil {
			search.add(g, b.d.lists[len(b.d.lists)-1].name)
		}
	}
	in := b.d
	in.groups = kept
	n = len(in.facts)
	ix := &Index{cells: map[uint32]cellSpan{}}
	var joinable, rest []int32
	perCell := map[uint32][]int32{}
	var cellOrder []uint32
	for i, f := range in.facts {
		ix.count(f.flags, 1)
		online, cell := scanned(f.flags)
		switch {
		case online:
			joinable = append(joinable, int32(i))
		case !cell:
			rest = append(rest, int32(i))
		}
		if cell {
			c := cellOf(f.lat, f.lon)
			if perCell[c] == nil {
				cellOrder = append(cellOrder, c)
			}
			perCell[c] = append(perCell[c], int32(i))
		}
	}
	// Slots: online groups, then placed offline groups by cell, then the rest.
	order := make([]int32, 0, n) // slot → position in seq
	slotOf := make([]int32, n)
	add := func(i int32) {
		slotOf[i] = int32(len(order))
		order = append(order, i)
	}
	for _, i := range joinable {
		ix.online = append(ix.online, int32(len(order)))
		add(i)
	}
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
	in.permute(order)
	in.groupOf = order
	markShared(in)
	ix.d = in
	return ix
}

// count adds a listing with flags fl to the sizes the scan counts in bulk
// (by 1), or takes it away (by -1).
func (ix *Index) count(fl uint32, by int) {
	switch {
	case fl&fRemoved != 0:
		return
	case fl&fUnavailable != 0:
		ix.unavailable += by
		return
	case fl&fService != 0:
		ix.service += by
		return
	}
	online, inPerson := fl&fJoinOnline != 0, fl&fInPerson != 0
	ix.available += by
	if online {
		ix.joinOnline += by
	}
	if online || inPerson {
		ix.reachable += by
	}
	switch {
	case inPerson && fl&fCoords != 0:
		ix.placed += by
		if !online {
			ix.placedOffline += by
		}
	case inPerson:
		ix.unplaced += by
		if !online {
			ix.unplacedOffline += by
		}
	}
}

// scanned reports whether a listing with flags fl is in the Index's online
// list and whether it is in a grid cell; every other listing is counted in
// bulk.
func scanned(fl uint32) (online, cell bool) {
	if fl&(fUnavailable|fService) != 0 {
		return false, false
	}
	return fl&fJoinOnline != 0, fl&(fInPerson|fCoords) == fInPerson|fCoords
}

// permute moves the facts and keys into slot order in place: slot s takes
// what was at order[s]. A copy would hold the largest array twice.
func (d *directory) permute(order []int32) {
	done := make([]bool, len(order))
	for s := range order {
		f, k := d.facts[s], d.keys[s]
		for j := int32(s); !done[j]; {
			done[j] = true
			from := order[j]
			if from == int32(s) {
				d.facts[j], d.keys[j] = f, k
				break
			}
			d.facts[j], d.keys[j] = d.facts[from], d.keys[from]
			j = from
		}
	}
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
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.d.facts) - ix.gone
}

// Match is Match(needs, groups, now) over the indexed groups, with the same
// result.
func (ix *Index) Match(needs Needs, now time.Time) Result {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	sc, _ := ix.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer ix.scratch.Put(sc)
	if needs.Place != "" {
		// A place is not a circle on the grid: its groups may be anywhere.
		// Finding by place is the rare case of a client without a ZIP, so
		// a scan of every group (tens of ms at 250,000) is fine.
		return ix.d.match(needs, now, ix.d.scanAll, sc)
	}
	return ix.d.match(needs, now, ix.scan, sc)
}

// scan evaluates only groups that can pass the attendance and distance rules
// and counts the others under the rule evaluate would have named.
func (ix *Index) scan(p *plan, out []cand, counts *[numRules]int) []cand {
	d := ix.d
	counts[rUnavailable] += ix.unavailable
	counts[rService] += ix.service
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
		for _, i := range ix.online {
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
		for _, i := range ix.online {
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
// the slots into the order it scans them (see newIndex) and keeps the way
// back in groupOf. What is kept per group besides the facts (lists, langs,
// verified) is by position in the caller's sequence.
type directory struct {
	groups  []*Group // the caller's groups; nil for an Index from NewIndexFrom
	groupOf []int32  // slot → position in the caller's sequence; nil when they are the same
	facts   []facts
	lists   []listing
	// Rarely set, so kept apart: the languages of groups that state one
	// besides English and Spanish, and the clinic's verification dates.
	langs    map[int32][]string
	verified map[int32]time.Time
	// places holds, by folded city or region name (PlaceKey), the positions
	// of the in-person listings there, ascending; placeNames the name as the
	// listing with the lowest ID there spells it (the first listed, among
	// equal IDs), and placeBy that listing's position.
	places     map[string][]int32
	placeNames map[string]string
	placeBy    map[string]int32
	zones      []*time.Location // facts.zone indexes it; -1 is the clinic's zone
	keys       []uint64         // listingKey per group when precomputed (Index)
	// Every group's valid sessions as minutes of its week, and their ends;
	// a group's are at facts.start0 : start0+nStarts.
	starts []int32
	ends   []Clock
}

// listing is what a match reads of a group besides its facts: its name and
// ID break ties, its program words the reasons.
type listing struct {
	id      int64
	name    string
	program Program
}

// facts is what the hard rules and the score read about a group, flattened
// so a scan touches one small struct per group and not the Group itself.
// It is 64 bytes, one cache line: the scan is bound by memory, not by
// arithmetic.
type facts struct {
	flags  uint32
	zone   int16     // index in directory.zones; -1 is the clinic's zone
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
	fBadZone // no or unknown time zone: read in the clinic's zone
	fShared  // Index only: another listing has the same listingKey
	fEnglish // held in English, or states no language
	fSpanish
	fOtherLanguage // states a language besides English and Spanish
	fApproximate   // the address is approximate
	fFromZIP       // the map point is the ZIP's Census point, not the door
	fService       // a service meeting (Group.Service)
	fRemoved       // Index only: a slot Replace emptied; no scan sees it
	// The listing contradicts itself (OpenAndClosed, WomenAndMen): fOpen,
	// fWomen and fMen stay unset, which is the safer reading, and these
	// flags raise the caution.
	fOpenAndClosed
	fWomenAndMen
)

// group returns the group in slot i: the caller's own, or a sketch when the
// Index did not keep them (see NewIndexFrom).
func (d *directory) group(i int32) *Group {
	k := d.inputIndex(i)
	if d.groups != nil {
		return d.groups[k]
	}
	l, f := &d.lists[k], &d.facts[i]
	g := &Group{ID: l.id, Name: l.name, Program: l.program, Sessions: make([]Session, f.nStarts)}
	for j := range g.Sessions {
		g.Sessions[j] = d.session(f.start0 + int32(j))
	}
	if f.zone >= 0 {
		g.TimeZone = d.zones[f.zone].String()
	}
	return g
}

// session returns the valid session at k in starts.
func (d *directory) session(k int32) Session {
	m := d.starts[k]
	return Session{Day: time.Weekday(m / (24 * 60)), Start: Clock(m % (24 * 60)), End: d.ends[k]}
}

// inputIndex returns the position in the caller's sequence of the group in
// slot i.
func (d *directory) inputIndex(i int32) int32 {
	if d.groupOf != nil {
		return d.groupOf[i]
	}
	return i
}

func newDirectory(groups []*Group) *directory {
	b := newBuilder(len(groups))
	for _, g := range groups {
		b.add(g)
	}
	b.d.groups = groups
	return b.d
}

// builder fills a directory one group at a time.
type builder struct {
	d       *directory
	zoneIDs map[string]int32
	progIDs map[Program]uint8
	keys    bool              // precompute listingKey, as an Index does
	strs    map[string]string // interned names and programs; nil keeps the groups' own
}

func newBuilder(n int) *builder {
	b := &builder{
		d: &directory{facts: make([]facts, 0, n), lists: make([]listing, 0, n),
			langs: map[int32][]string{}, verified: map[int32]time.Time{},
			places: map[string][]int32{}, placeNames: map[string]string{}, placeBy: map[string]int32{}},
		zoneIDs: map[string]int32{},
		progIDs: make(map[Program]uint8, len(Programs)),
	}
	for k, info := range Programs {
		b.progIDs[info.Program] = uint8(k)
	}
	return b
}

// add appends g, which it does not keep; a nil g is an unavailable group.
func (b *builder) add(g *Group) {
	d := b.d
	if g == nil {
		d.facts = append(d.facts, facts{flags: fUnavailable, zone: -1})
		d.lists = append(d.lists, listing{})
		if b.keys {
			d.keys = append(d.keys, 0)
		}
		return
	}
	k := int32(len(d.facts))
	f := b.factsOf(g)
	d.facts = append(d.facts, f)
	d.lists = append(d.lists, listing{id: g.ID, name: b.intern(g.Name), program: Program(b.intern(string(g.Program)))})
	if f.flags&fOtherLanguage != 0 {
		d.langs[k] = slices.Clone(g.Attributes.Languages)
	}
	if v := g.Curation.VerifiedOn; !v.IsZero() {
		d.verified[k] = v
	}
	if f.flags&(fInPerson|fUnavailable) == fInPerson {
		b.addPlaces(k, g)
	}
	if b.keys {
		key := uint64(0)
		if f.flags&fUnavailable == 0 {
			key = listingKey(g)
		}
		d.keys = append(d.keys, key)
	}
}

func (b *builder) addPlaces(k int32, g *Group) {
	d := b.d
	for _, key := range placeKeys(g) {
		// The lowest ID names the place, so the name does not depend on
		// the order the listings came in (Replace adds them at the end).
		if by, ok := d.placeBy[key]; !ok || g.ID < d.lists[by].id {
			d.placeNames[key] = placeSpelling(g, key)
			d.placeBy[key] = k
		}
		d.places[key] = append(d.places[key], k)
	}
}

// placeSpelling is the name of place key as g spells it: its city, or the
// region of that key.
func placeSpelling(g *Group, key string) string {
	name := g.Place.City
	if PlaceKey(name) != key {
		for _, r := range g.Place.Regions {
			if PlaceKey(r) == key {
				name = r
				break
			}
		}
	}
	return strings.Join(strings.Fields(name), " ")
}

// Places lists the names of the cities, towns and regions the index's
// in-person groups meet in that start with prefix (compared as PlaceKey
// does), most groups first, at most limit of them: what a place field
// completes from.
func (ix *Index) Places(prefix string, limit int) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	d := ix.d
	want := PlaceKey(prefix)
	var keys []string
	for key := range d.places {
		if strings.HasPrefix(key, want) {
			keys = append(keys, key)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if n, m := len(d.places[a]), len(d.places[b]); n != m {
			return m - n
		}
		return strings.Compare(a, b)
	})
	names := make([]string, 0, min(limit, len(keys)))
	for _, key := range keys[:min(limit, len(keys))] {
		names = append(names, d.placeNames[key])
	}
	return names
}

func (b *builder) intern(s string) string {
	if b.strs == nil {
		return s
	}
	if t, ok := b.strs[s]; ok {
		return t
	}
	b.strs[s] = s
	return s
}

func (b *builder) factsOf(g *Group) facts {
	d := b.d
	f := facts{prog: uint8(len(Programs)), zone: -1}
	if len(g.Sessions) > math.MaxUint16 {
		return facts{flags: fUnavailable, zone: -1} // not a weekly group; no feed lists this
	}
	if k, ok := b.progIDs[g.Program]; ok {
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
			d.ends = append(d.ends, s.End)
		}
	}
	f.nStarts = uint16(len(d.starts) - int(f.start0))
	set(at == Inactive || g.Curation.Hidden || f.hours == weekHours{}, fUnavailable)
	set(at.MeetsInPerson(), fInPerson)
	if c := g.Place.Coords; c != nil {
		f.flags |= fCoords
		f.lat, f.lon = c.Lat, c.Lon
	}
	set(g.Place.Approximate, fApproximate)
	set(g.Place.CoordsFromZIP, fFromZIP)
	set(at.MeetsOnline() && g.Online.Has(), fJoinOnline)
	set(programAt(f.prog).Family, fFamily)
	set(g.Service, fService)
	set(a.Openness == Open, fOpen)
	set(a.Audience == WomenOnly || g.Program == ProgramWFS, fWomen)
	set(a.Audience == MenOnly, fMen)
	set(a.Openness == OpenAndClosed, fOpenAndClosed)
	set(a.Audience == WomenAndMen, fWomenAndMen)
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
	id, ok := b.zoneIDs[g.TimeZone]
	if !ok && len(d.zones) >= math.MaxInt16 {
		id, ok = -1, true // absurdly many zones: read the rest in the clinic's
	}
	if !ok {
		id = -1
		if loc, err := time.LoadLocation(g.TimeZone); err == nil && g.TimeZone != "" {
			id = int32(len(d.zones))
			d.zones = append(d.zones, loc)
		}
		b.zoneIDs[g.TimeZone] = id
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

// programAt is the program at k in Programs; len(Programs) stands for every
// fellowship the table does not know, which all match alike (see Info).
func programAt(k uint8) ProgramInfo {
	if int(k) < len(Programs) {
		return Programs[k]
	}
	return ProgramOther.Info()
}

func (d *directory) key(i int32) uint64 {
	if d.keys != nil {
		return d.keys[i]
	}
	return listingKey(d.group(i))
}

// weekHours is a set of the 168 hours of a week (Sunday 00:00 = 0). The TSML-UI
// bands start and end on the hour, so "does a session start in a wanted
// hour" is one AND per group; it is exact whenever the group's zone is a
// whole number of hours from the clinic's.
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
