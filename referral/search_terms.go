package referral

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"slices"
)

// terms are the terms of a SearchIndex and, for each, the listings whose
// text holds it: its postings. A posting is a slot and the class it was
// found in, slot<<2 | class, so a term's postings ascend.
//
// Memory is what this is built for. At 250,000 listings of the real feeds
// there are 255,000 distinct terms (most of them in addresses, each in a
// few listings) and 2.8 million postings. Held as a Go map of terms to a
// slice each, with the build's garbage on top, that was 60-75 MB while
// building and 40 MB after. Here the terms' text is one byte slice, found
// by an open-addressing table of term numbers while building; the postings
// are appended as they come to chunks of (term, posting) pairs and, once
// every listing is in, sorted by term with one counting pass into one
// byte slice of variable-length deltas (about 2 bytes a posting). A term
// in more listings than one in 32 is a bit set in that class instead, which
// is smaller then and ORs faster.
type terms struct {
	text   []byte   // the terms, one after another
	starts []uint32 // term t is text[starts[t]:starts[t+1]]

	// While building.
	table []uint32 // term number + 1 by hash; 0 is free
	seed  maphash.Seed
	last  []uint32 // each term's last posting + 1, so none is added twice
	pairs [][]uint64
	count int // pairs added

	// From done on.
	sorted []int32  // term numbers in term order
	at     []uint32 // term t's postings are packed[at[t]:at[t+1]]
	packed []byte
	extra  map[int32][]uint32 // postings added after done, ascending
	dense  map[int32]*[searchClasses][]uint64
}

// pairChunk is how many pairs a chunk holds: chunks are never copied to
// grow, so the pairs cost 8 bytes each and no more.
const pairChunk = 1 << 15

func newTerms() *terms {
	return &terms{starts: []uint32{0}, table: make([]uint32, 1<<10), seed: maphash.MakeSeed()}
}

func posting(slot int32, class int) uint32 { return uint32(slot)<<2 | uint32(class) }

func (ts *terms) len() int { return len(ts.starts) - 1 }

func (ts *terms) term(t int32) []byte { return ts.text[ts.starts[t]:ts.starts[t+1]] }

// add records that term is in class of slot, while building.
func (ts *terms) add(term []byte, slot int32, class int) {
	t := ts.number(term)
	p := posting(slot, class)
	if ts.last[t] == p+1 {
		return // the term again in the same class of the same listing
	}
	ts.last[t] = p + 1
	if ts.count%pairChunk == 0 {
		ts.pairs = append(ts.pairs, make([]uint64, 0, pairChunk))
	}
	c := &ts.pairs[len(ts.pairs)-1]
	*c = append(*c, uint64(t)<<32|uint64(p))
	ts.count++
}

// number returns term's number, numbering it if new, while building.
func (ts *terms) number(term []byte) int32 {
	mask := uint64(len(ts.table) - 1)
	for i := maphash.Bytes(ts.seed, term) & mask; ; i = (i + 1) & mask {
		n := ts.table[i]
		if n == 0 {
			t := int32(ts.len())
			ts.text = append(ts.text, term...)
			ts.starts = append(ts.starts, uint32(len(ts.text)))
			ts.last = append(ts.last, 0)
			ts.table[i] = uint32(t) + 1
			if 2*ts.len() > len(ts.table) {
				ts.grow()
			}
			return t
		}
		if bytes.Equal(ts.term(int32(n-1)), term) {
			return int32(n - 1)
		}
	}
}

// grow doubles the table, keeping it at most half full.
func (ts *terms) grow() {
	ts.table = make([]uint32, 2*len(ts.table))
	mask := uint64(len(ts.table) - 1)
	for t := range ts.len() {
		i := maphash.Bytes(ts.seed, ts.term(int32(t))) & mask
		for ts.table[i] != 0 {
			i = (i + 1) & mask
		}
		ts.table[i] = uint32(t) + 1
	}
}

// done packs the postings of a build over slots listings (see terms).
func (ts *terms) done(slots int) {
	n := ts.len()
	// How many postings each term has in each class: a class of a term in
	// more listings than one in 32 is a bit set.
	counts := make([][searchClasses]uint32, n)
	for _, c := range ts.pairs {
		for _, pair := range c {
			counts[pair>>32][pair&3]++
		}
	}
	isDense := func(t int32, class uint64) bool {
		k := counts[t][class]
		return k >= 64 && int(k) > slots/32
	}
	ts.dense = map[int32]*[searchClasses][]uint64{}
	for t := range counts {
		for c := range searchClasses {
			if isDense(int32(t), uint64(c)) && ts.dense[int32(t)] == nil {
				ts.dense[int32(t)] = new([searchClasses][]uint64)
			}
		}
	}
	// Bytes: the first posting of a term as it is, the rest as the
	// difference from the one before, each a uvarint (at most 5 bytes).
	// A first pass sizes each term's bytes, the second writes them.
	size := make([]uint32, n)
	prev := ts.last // reused: the previous posting of each term, + 1
	clear(prev)
	for _, c := range ts.pairs {
		for _, pair := range c {
			t, p := int32(pair>>32), uint32(pair)
			if isDense(t, pair&3) {
				continue
			}
			size[t] += uint32(uvarintLen(p + 1 - prev[t]))
			prev[t] = p + 1
		}
	}
	ts.at = make([]uint32, n+1)
	for t := range n {
		ts.at[t+1] = ts.at[t] + size[t]
	}
	ts.packed = make([]byte, ts.at[n])
	cursor := size // reused: where the next byte of each term goes
	copy(cursor, ts.at[:n])
	clear(prev)
	for i, c := range ts.pairs {
		for _, pair := range c {
			t, p := int32(pair>>32), uint32(pair)
			if isDense(t, pair&3) {
				d := ts.dense[t]
				d[p&3] = setBit(d[p&3], int32(p>>2))
				continue
			}
			cursor[t] += uint32(binary.PutUvarint(ts.packed[cursor[t]:], uint64(p+1-prev[t])))
			prev[t] = p + 1
		}
		ts.pairs[i] = nil // freed as it is read
	}
	ts.pairs, ts.table, ts.last = nil, nil, nil
	ts.sorted = make([]int32, n)
	for i := range ts.sorted {
		ts.sorted[i] = int32(i)
	}
	slices.SortFunc(ts.sorted, func(a, b int32) int { return bytes.Compare(ts.term(a), ts.term(b)) })
	ts.extra = map[int32][]uint32{}
}

func uvarintLen(v uint32) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// addLater records that term is in class of slot, after done: Replace
// adding a listing at the end.
func (ts *terms) addLater(term []byte, slot int32, class int) {
	at, found := slices.BinarySearchFunc(ts.sorted, term, ts.compare)
	var t int32
	if found {
		t = ts.sorted[at]
	} else {
		t = int32(ts.len())
		ts.text = append(ts.text, term...)
		ts.starts = append(ts.starts, uint32(len(ts.text)))
		ts.at = append(ts.at, ts.at[len(ts.at)-1]) // nothing packed
		ts.sorted = slices.Insert(ts.sorted, at, t)
	}
	p := posting(slot, class)
	if d := ts.dense[t]; d != nil && d[class] != nil {
		d[class] = setBit(d[class], slot)
		return
	}
	if l := ts.extra[t]; len(l) == 0 || l[len(l)-1] != p {
		ts.extra[t] = append(l, p)
	}
}

func (ts *terms) compare(t int32, term []byte) int { return bytes.Compare(ts.term(t), term) }

// withPrefix calls fn with each term that begins with prefix, after done.
func (ts *terms) withPrefix(prefix []byte, fn func(t int32)) {
	lo, _ := slices.BinarySearchFunc(ts.sorted, prefix, ts.compare)
	for _, t := range ts.sorted[lo:] {
		if !bytes.HasPrefix(ts.term(t), prefix) {
			return
		}
		fn(t)
	}
}

// or adds the slots of term t's postings to the sets of their classes.
func (ts *terms) or(sets *[searchClasses][]uint64, t int32) {
	if d := ts.dense[t]; d != nil {
		for c, bits := range d {
			or(sets[c], bits)
		}
	}
	set := func(p uint32) {
		s := p >> 2
		if dst := sets[p&3]; int(s/64) < len(dst) {
			dst[s/64] |= 1 << (s % 64)
		}
	}
	b := ts.packed[ts.at[t]:ts.at[t+1]]
	p := uint32(0) // the previous posting + 1
	for len(b) > 0 {
		d, n := binary.Uvarint(b)
		b = b[n:]
		p += uint32(d)
		set(p - 1)
	}
	for _, p := range ts.extra[t] {
		set(p)
	}
}
