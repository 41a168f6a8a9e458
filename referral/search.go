package referral

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// SearchIndex is the directory held in memory for the Directory's search
// (GroupFilter): every listing's search terms in posting lists, its filter
// facts in a flat array, and the listings in name order, so a search reads
// no row of the store, only the page it shows.
//
// Why in memory, and not SQLite's full-text index. At 250,000 listings the
// full-text index made a search count what it found in the index (one typed
// letter finds 200,000: 20-50 ms) and made every import write it (about a
// quarter of an import's time). Here a typed word is a range of the sorted
// terms; its listings are OR-ed into a bit set per rank, the words' sets
// AND-ed and counted, and a walk of the name order picks the page: a
// millisecond or two whatever was typed. Memory: about 23 MB at 250,000
// listings of the real feeds, built beside the match index and sharing its
// names (NewIndexes); the terms are packed as search_terms.go says.
//
// Terms (see searchTerms). Each space-separated part of a field is folded
// as nameWords folds it, lower case and accents off, into its words of
// letters and digits; each word is a term, and so is each run of two or
// more of them to the end of the part, its words joined: "St.O'Brien's" is
// "st", "o", "brien", "s", "stobriens", "obriens" and "briens". A typed
// part is one term, its words joined, which must begin a term of the field:
// "o'brien" and "obrien" find "St.O'Brien's", "brien o" does not. TextHits
// reads fields the same way, so it names the fields a search found a
// listing by.
//
// Listings are added in slots; Replace empties the slots of the listings it
// drops and adds the new ones at the end, as Index.Replace does. Emptied
// slots stay in the posting lists until the next build, but leave the name
// order, which is all a search walks.
//
// Safe for concurrent use: Find may run on many goroutines; Replace waits
// for them and holds new ones back until it is done.
type SearchIndex struct {
	mu    sync.RWMutex
	ids   []int64 // slot → listing ID
	names []string
	facts []searchFacts
	order []int32 // live slots by name, ASCII case folded, then ID
	// Bit sets of slots: those Replace emptied, and the listings the plain
	// list leaves out unless asked for, so it is picked word by word.
	empty, hidden, inactive []uint64

	// Slots by listing ID: the slots added before done, when their IDs
	// ascend (the store adds them by ID), are found by binary search; the
	// rest are in later.
	ascending int // how many of the first slots have ascending IDs
	later     map[int64]int32

	terms     *terms         // and their postings (search_terms.go)
	programOf []programTerms // by interned program
	built     bool           // done was called

	scanner                        termScanner
	programs, sources, attendances interned
}

// searchClasses are the parts of a listing a search looks in, in the order
// GroupFilter ranks them: the name, the place, the rest.
const (
	className = iota
	classPlace
	classOther
	searchClasses
)

// programTerms are the terms of a program's names and aliases, which every
// listing of it holds in its last class, and those listings' slots.
type programTerms struct {
	terms []string
	slots []uint64
}

// searchFacts are what the filters of a GroupFilter read of a listing.
type searchFacts struct {
	updated    int64  // Updated as unixNano says; noDate when the source gave none
	program    uint16 // interned, as the two below
	source     uint16
	attendance uint16
	days       uint8 // bit 1<<weekday for each day with a session
}

// noDate is the updated fact of a listing whose source gave no date.
const noDate = math.MinInt64

// unixNano is t in Unix nanoseconds, in the order times have: those before
// 1678 or after 2262, which an int64 of nanoseconds cannot hold, are the
// least and greatest it can (a feed may give any year). The zero time is
// noDate.
func unixNano(t time.Time) int64 {
	switch {
	case t.IsZero():
		return noDate
	case t.Before(time.Unix(0, math.MinInt64+1)):
		return math.MinInt64 + 1
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// interned numbers the distinct values of a text field (programs, sources).
type interned struct{ number map[string]uint16 }

func (in *interned) of(v string) uint16 {
	n, ok := in.number[v]
	if !ok {
		if in.number == nil {
			in.number = map[string]uint16{}
		}
		if len(in.number) == math.MaxUint16 {
			return math.MaxUint16 // more distinct values than any directory has: filtered as one
		}
		n = uint16(len(in.number))
		in.number[v] = n
	}
	return n
}

// newSearchIndex returns an empty SearchIndex with room for n listings.
func newSearchIndex(n int) *SearchIndex {
	words := (n + 63) / 64
	return &SearchIndex{terms: newTerms(), later: map[int64]int32{},
		ids: make([]int64, 0, n), names: make([]string, 0, n), facts: make([]searchFacts, 0, n),
		hidden: make([]uint64, 0, words), inactive: make([]uint64, 0, words)}
}

// add indexes g as the next slot, name being its name as the match index
// keeps it (NewIndexes); the SearchIndex does not keep g, which may be
// reused. IDs must tell the listings apart, as stored groups' do. Before
// done it builds; after, Replace calls it under the write lock.
func (ix *SearchIndex) add(g *Group, name string) {
	s := int32(len(ix.ids))
	if !ix.built && ix.ascending == len(ix.ids) && (s == 0 || ix.ids[s-1] < g.ID) {
		ix.ascending++
	} else {
		ix.later[g.ID] = s
	}
	ix.ids = append(ix.ids, g.ID)
	ix.names = append(ix.names, name)
	f := searchFacts{
		program:    ix.programs.of(string(g.Program)),
		source:     ix.sources.of(g.Source),
		attendance: ix.attendances.of(string(g.Attendance)),
	}
	f.updated = unixNano(g.Updated)
	for _, ss := range g.Sessions {
		if ss.Day >= time.Sunday && ss.Day <= time.Saturday {
			f.days |= 1 << ss.Day
		}
	}
	ix.facts = append(ix.facts, f)
	if g.Curation.Hidden {
		ix.hidden = setBit(ix.hidden, s)
	}
	if g.Attendance == Inactive {
		ix.inactive = setBit(ix.inactive, s)
	}
	forListingText(g, func(class int, text string) {
		ix.scanner.scan(text, func(term []byte, _ int) { ix.post(term, class, s) })
	})
	if int(f.program) == len(ix.programOf) {
		p := programTerms{}
		for _, n := range g.Program.Info().Names() {
			ix.scanner.scan(n, func(term []byte, _ int) { p.terms = append(p.terms, string(term)) })
		}
		ix.programOf = append(ix.programOf, p)
	}
	if int(f.program) < len(ix.programOf) {
		po := &ix.programOf[f.program]
		po.slots = setBit(po.slots, s)
	}
}

// slotOf returns the slot of the listing with id, if it holds one.
func (ix *SearchIndex) slotOf(id int64) (int32, bool) {
	if s, ok := ix.later[id]; ok {
		return s, true
	}
	s, ok := slices.BinarySearch(ix.ids[:ix.ascending], id)
	if !ok || has(ix.empty, int32(s)) {
		return 0, false
	}
	return int32(s), true
}

// forListingText calls fn with each text of g's own a search looks in, and
// its class. The program's names are the same for every listing of it, so
// the index keeps them once a program (SearchIndex.programOf).
func forListingText(g *Group, fn func(class int, text string)) {
	fn(className, g.Name)
	fn(classPlace, g.Place.Location)
	fn(classPlace, g.Place.Address)
	fn(classPlace, g.Place.City)
	for _, r := range g.Place.Regions {
		fn(classPlace, r)
	}
	fn(classOther, g.Place.Notes)
	fn(classOther, g.Notes)
}

// post adds slot s to the postings of term in class.
func (ix *SearchIndex) post(term []byte, class int, s int32) {
	if ix.built {
		ix.terms.addLater(term, s, class)
	} else {
		ix.terms.add(term, s, class)
	}
}

// setBit sets bit s of set, growing it as needed.
func setBit(set []uint64, s int32) []uint64 {
	for int(s)/64 >= len(set) {
		set = append(set, 0)
	}
	set[s/64] |= 1 << (s % 64)
	return set
}

// done finishes a build: it puts the listings in name order and packs the
// terms and their postings (see SearchIndex).
func (ix *SearchIndex) done() *SearchIndex {
	ix.order = make([]int32, len(ix.ids)) // every slot: add's IDs are unique, and none is emptied yet
	for s := range ix.order {
		ix.order[s] = int32(s)
	}
	slices.SortFunc(ix.order, ix.byName)
	ix.terms.done(len(ix.ids))
	ix.built = true
	return ix
}

// byName orders slots as the store lists groups: by name with ASCII letters
// case folded (SQLite's NOCASE), then by ID.
func (ix *SearchIndex) byName(a, b int32) int {
	if c := compareNoCase(ix.names[a], ix.names[b]); c != 0 {
		return c
	}
	switch {
	case ix.ids[a] < ix.ids[b]:
		return -1
	case ix.ids[a] > ix.ids[b]:
		return 1
	}
	return 0
}

// compareNoCase compares a and b byte by byte with ASCII upper-case letters
// read as lower case, as SQLite's NOCASE collation does.
func compareNoCase(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return int(x) - int(y)
		}
	}
	return len(a) - len(b)
}

// Len is how many listings the index holds.
func (ix *SearchIndex) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.order)
}

// Find returns the IDs of the page of listings f selects, in the order
// FindGroups lists them (see GroupFilter), and how many f selects in all.
// An Offset at or past the total returns no ID.
func (ix *SearchIndex) Find(f GroupFilter) ([]int64, int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	// in[r]: the slots of rank r and the ranks before it that pass f.
	words := SearchQuery(f.Text)
	ranks := 1
	var in [searchClasses][]uint64
	if len(words) == 0 {
		in[0] = ix.passing(f, nil)
	} else {
		ranks = searchClasses
		in = ix.wordSets(words)
		pass := ix.passing(f, in[ranks-1]) // only the slots that hold the words are looked at
		for r := range ranks {
			for j, w := range pass {
				in[r][j] &= w
			}
		}
	}
	var count [searchClasses]int // of rank r alone
	total := 0
	for r := range ranks {
		count[r] = popcount(in[r]) - total
		total += count[r]
	}
	offset := max(f.Offset, 0)
	if offset >= total {
		return nil, total
	}
	end := total
	if f.Limit > 0 && f.Limit < total-offset {
		end = offset + f.Limit
	}
	// The page is [offset, end) of the ranks one after another: rank r
	// gives its matches from skip[r] up to want[r], found by walking the
	// slots in name order until each rank has given them.
	var skip, want [searchClasses]int
	before := 0
	for r := range ranks {
		skip[r] = min(max(offset-before, 0), count[r])
		want[r] = min(max(end-before, 0), count[r])
		before += count[r]
	}
	var page [searchClasses][]int64
	var seen [searchClasses]int
	needed := end - offset
	last := in[ranks-1]
	for _, s := range ix.order {
		if needed == 0 {
			break
		}
		if !has(last, s) {
			continue
		}
		r := 0
		for !has(in[r], s) {
			r++
		}
		if seen[r] >= want[r] {
			continue
		}
		if seen[r] >= skip[r] {
			page[r] = append(page[r], ix.ids[s])
			needed--
		}
		seen[r]++
	}
	ids := make([]int64, 0, end-offset)
	for r := range ranks {
		ids = append(ids, page[r]...)
	}
	return ids, total
}

// passing returns the live slots that pass what f asks of a listing other
// than its text, of those in within (of all, when within is nil). The facts
// are read in slot order, front to back; only the bit set is read in name
// order.
func (ix *SearchIndex) passing(f GroupFilter, within []uint64) []uint64 {
	set := make([]uint64, (len(ix.ids)+63)/64)
	program, source := -1, -1
	if f.Program != "" {
		n, ok := ix.programs.number[string(f.Program)]
		if !ok {
			return set
		}
		program = int(n)
	}
	if f.Source != "" {
		n, ok := ix.sources.number[f.Source]
		if !ok {
			return set
		}
		source = int(n)
	}
	var day uint8
	if d := f.Weekday; d != nil {
		if *d < time.Sunday || *d > time.Saturday {
			return set // no session falls on an unknown day
		}
		day = 1 << *d
	}
	attendance := -1
	if f.Attendance != "" {
		n, ok := ix.attendances.number[string(f.Attendance)]
		if !ok {
			return set
		}
		attendance = int(n)
	}
	noInactive := !f.IncludeInactive && f.Attendance != Inactive
	before := unixNano(f.UpdatedBefore) // noDate: no such filter
	passes := func(s int) bool {
		x := &ix.facts[s]
		switch {
		case has(ix.empty, int32(s)),
			program >= 0 && int(x.program) != program,
			source >= 0 && int(x.source) != source,
			attendance >= 0 && int(x.attendance) != attendance,
			noInactive && has(ix.inactive, int32(s)),
			day != 0 && x.days&day == 0,
			!f.IncludeHidden && has(ix.hidden, int32(s)),
			before != noDate && (x.updated == noDate || x.updated >= before):
			return false
		}
		return true
	}
	if within == nil && program < 0 && source < 0 && f.Attendance == "" && day == 0 && before == noDate {
		// The plain list: every live slot less what it leaves out.
		for j := range set {
			set[j] = ^uint64(0)
		}
		if n := len(ix.facts) % 64; n != 0 {
			set[len(set)-1] = 1<<n - 1
		}
		andNot(set, ix.empty)
		if !f.IncludeHidden {
			andNot(set, ix.hidden)
		}
		if noInactive {
			andNot(set, ix.inactive)
		}
		return set
	}
	if within == nil {
		for s := range ix.facts {
			if passes(s) {
				set[s/64] |= 1 << (s % 64)
			}
		}
		return set
	}
	for j, w := range within[:min(len(within), len(set))] {
		for w != 0 {
			s := j*64 + bits.TrailingZeros64(w)
			w &= w - 1
			if s < len(ix.facts) && passes(s) {
				set[s/64] |= 1 << (s % 64)
			}
		}
	}
	return set
}

// wordSets returns, for each rank, the slots whose classes up to that rank
// hold every word: a word may be in any of those classes.
func (ix *SearchIndex) wordSets(words []string) [searchClasses][]uint64 {
	n := (len(ix.ids) + 63) / 64
	var all [searchClasses][]uint64
	var word [searchClasses][]uint64
	for c := range word {
		word[c] = make([]uint64, n)
	}
	for i, w := range words {
		for c := range word {
			clear(word[c])
		}
		ix.terms.withPrefix([]byte(w), func(t int32) { ix.terms.or(&word, t) })
		for _, p := range ix.programOf {
			if slices.ContainsFunc(p.terms, func(t string) bool { return strings.HasPrefix(t, w) }) {
				or(word[classOther], p.slots)
			}
		}
		for c := 1; c < searchClasses; c++ {
			for j := range word[c] {
				word[c][j] |= word[c-1][j]
			}
		}
		for c := range word {
			if i == 0 {
				all[c] = slices.Clone(word[c])
				continue
			}
			for j := range all[c] {
				all[c][j] &= word[c][j]
			}
		}
	}
	return all
}

// or adds the slots of from to set.
func or(set, from []uint64) {
	for j, w := range from[:min(len(from), len(set))] {
		set[j] |= w
	}
}

// andNot takes the slots of not out of set.
func andNot(set, not []uint64) {
	for j, w := range not[:min(len(not), len(set))] {
		set[j] &^= w
	}
}

func popcount(set []uint64) int {
	n := 0
	for _, w := range set {
		n += bits.OnesCount64(w)
	}
	return n
}

func has(set []uint64, s int32) bool {
	return int(s/64) < len(set) && set[s/64]&(1<<(s%64)) != 0
}

// Replace drops the listings with the IDs in ids, and those with the ID of
// any of groups, and then indexes groups, as Index.Replace does. It waits
// for the searches under way and holds back new ones until it is done.
func (ix *SearchIndex) Replace(ids []int64, groups []*Group) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	drop := map[int32]bool{}
	for _, id := range ids {
		if s, ok := ix.slotOf(id); ok {
			drop[s] = true
		}
	}
	for _, g := range groups {
		if s, ok := ix.slotOf(g.ID); ok {
			drop[s] = true
		}
	}
	if len(drop) > 0 {
		ix.order = slices.DeleteFunc(ix.order, func(s int32) bool { return drop[s] })
		for s := range drop {
			delete(ix.later, ix.ids[s])
			ix.names[s] = ""
			ix.empty = setBit(ix.empty, s) // the slot stays, emptied, until the next build
		}
	}
	for _, g := range groups {
		s := int32(len(ix.ids))
		ix.add(g, g.Name)
		at, _ := slices.BinarySearchFunc(ix.order, s, ix.byName)
		ix.order = slices.Insert(ix.order, at, s)
	}
}

// SearchQuery is what a search for text looks for: each space-separated
// part with a letter or digit, folded and its words joined (see
// SearchIndex), a term that must begin a term of the listing. It is folded
// by the termScanner the index is built with, so a typed word and the text
// it must find can never be folded apart.
func SearchQuery(text string) []string {
	var sc termScanner
	var out []string
	for _, part := range strings.Fields(text) {
		sc.part(part, 0, func([]byte, int) {})
		if len(sc.buf) > 0 { // part leaves the part's words, joined, in buf
			out = append(out, string(sc.buf))
		}
	}
	return out
}

// searchTerms calls fn with each term of text (see SearchIndex) and the
// byte offset of the space-separated part it is in.
func searchTerms(text string, fn func(term string, at int)) {
	var sc termScanner
	sc.scan(text, func(term []byte, at int) { fn(string(term), at) })
}

// termScanner splits texts into terms, reusing one buffer: an index of
// 250,000 listings reads millions of words. It folds rune by rune: ASCII letters and digits lower-cased, other letters and
// digits lower-cased with their accents off (remembered once folded),
// accents standing alone dropped, anything else between words.
type termScanner struct {
	buf    []byte
	begins []int
	folded map[rune]string
}

// scan calls fn with each term of text and the byte offset of its part;
// term is valid only until fn returns.
func (sc *termScanner) scan(text string, fn func(term []byte, at int)) {
	start := -1
	for i := 0; i <= len(text); {
		r, size := rune(' '), 1 // the end of text ends the last part
		if i < len(text) {
			if r = rune(text[i]); r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
		}
		switch space := unicode.IsSpace(r); {
		case !space && start < 0:
			start = i
		case space && start >= 0:
			sc.part(text[start:i], start, fn)
			start = -1
		}
		i += size
	}
}

// part gives fn the terms of one space-separated part: its words, and each
// run of them to the end of the part, joined, when there are more than one.
// The words are written one after another into buf, so each such run is
// the end of buf.
func (sc *termScanner) part(p string, at int, fn func(term []byte, at int)) {
	b := sc.buf[:0]
	begins := sc.begins[:0] // where each word starts in b
	begin := 0
	end := func() {
		if len(b) > begin {
			fn(b[begin:], at)
			begins = append(begins, begin)
			begin = len(b)
		}
	}
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				b = append(b, c)
			case 'A' <= c && c <= 'Z':
				b = append(b, c+'a'-'A')
			default:
				end()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(p[i:])
		i += size
		switch {
		case unicode.Is(unicode.Mn, r): // an accent on the letter before
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b = append(b, sc.fold(r)...)
		default:
			end()
		}
	}
	end()
	// Each run of two or more words to the end of the part, joined: typed
	// "john's" finds "St.John's" and "Saint-John's", "12:30" "7:00-12:30pm".
	for _, from := range begins[:max(len(begins)-1, 0)] {
		fn(b[from:], at)
	}
	sc.buf, sc.begins = b, begins
}

// fold is r lower-cased with its accents off.
func (sc *termScanner) fold(r rune) string {
	f, ok := sc.folded[r]
	if !ok {
		if sc.folded == nil {
			sc.folded = map[rune]string{}
		}
		f = strings.ToLower(stripAccents(string(r)))
		sc.folded[r] = f
	}
	return f
}
