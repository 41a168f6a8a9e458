package referral

import (
	"slices"
)

// Replacing listings in an Index. A counselor's edit changes one group (its
// few weekday listings), and rebuilding the index of 250,000 listings for
// it takes seconds; Replace changes only the slots of those listings and the
// lists that point at them, in well under a millisecond.
//
// A replaced listing's slot is emptied (fRemoved): it leaves the online
// list, its grid cell and its places, and its facts can no longer pass a
// rule; the new listing takes a new slot at the end. The scans and the
// ranking do not depend on the order of the slots (ties break on name and
// ID), so the Index matches exactly as one built afresh from the same
// listings would. The emptied slots stay until the next rebuild: a few
// dozen bytes a listing, small next to a rebuild.

// Replace drops the listings with the IDs in ids, and those with the ID of
// any of groups, and then indexes groups. IDs must tell the listings apart,
// as stored groups' do. An Index from NewIndex keeps groups; one from
// NewIndexFrom does not.
//
// It reports false, having changed nothing, when it cannot give the result
// a rebuild would: when a dropped listing is the one whose spelling names a
// place other listings still meet in (see Places) and groups do not bring it
// back spelled the same. The caller then builds the Index anew.
//
// It waits for the Match calls under way and holds back new ones until it is
// done, so a match sees the listings wholly before or wholly after.
func (ix *Index) Replace(ids []int64, groups []*Group) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	d := ix.d
	if ix.ids == nil {
		ix.ids = make(map[int64]int32, len(d.facts))
		for s := range d.facts {
			if d.facts[s].flags&fRemoved == 0 {
				ix.ids[d.lists[d.inputIndex(int32(s))].id] = int32(s)
			}
		}
	}
	var drop []int32
	for _, id := range ids {
		if s, ok := ix.ids[id]; ok && !slices.Contains(drop, s) {
			drop = append(drop, s)
		}
	}
	for _, g := range groups {
		if s, ok := ix.ids[g.ID]; ok && !slices.Contains(drop, s) {
			drop = append(drop, s)
		}
	}
	if !ix.keepsPlaceNames(drop, groups) {
		return false
	}
	if d.groups != nil && !ix.ownGroups {
		d.groups = slices.Clone(d.groups) // the caller's slice is theirs: NewIndex only reads it
		ix.ownGroups = true
	}
	for _, s := range drop {
		ix.drop(s)
	}
	b := ix.appender()
	first := int32(len(d.facts))
	for _, g := range groups {
		s := int32(len(d.facts))
		b.add(g)
		if d.groups != nil {
			d.groups = append(d.groups, g)
		}
		if d.groupOf != nil {
			d.groupOf = append(d.groupOf, s) // slot and position are both the next
		}
		ix.ids[g.ID] = s
		f := d.facts[s]
		ix.count(f.flags, 1)
		if online, cell := scanned(f.flags); online || cell {
			if online {
				ix.online = append(ix.online, s)
			}
			if cell {
				ix.rewriteCell(cellOf(f.lat, f.lon), s, -1)
			}
		}
	}
	ix.markSharedFrom(first)
	return true
}

// keepsPlaceNames reports whether dropping the slots drop and adding groups
// leaves every place's name as a rebuild would give it: a dropped listing
// that names a place others still meet in must come back (same ID) spelling
// it the same, as an edit of anything but its place does.
func (ix *Index) keepsPlaceNames(drop []int32, groups []*Group) bool {
	d := ix.d
	for _, s := range drop {
		k := d.inputIndex(s)
		for key, by := range d.placeBy {
			if by != k || len(d.places[key]) == 1 {
				continue
			}
			back := false
			for _, g := range groups {
				if g.ID == d.lists[k].id {
					f := (&builder{d: &directory{}, zoneIDs: map[string]int32{}, progIDs: map[Program]uint8{}}).factsOf(g)
					back = f.flags&(fInPerson|fUnavailable) == fInPerson &&
						slices.Contains(placeKeys(g), key) && placeSpelling(g, key) == d.placeNames[key]
				}
			}
			if !back {
				return false
			}
		}
	}
	return true
}

// drop empties slot s.
func (ix *Index) drop(s int32) {
	d := ix.d
	f := d.facts[s]
	k := d.inputIndex(s)
	ix.count(f.flags, -1)
	online, cell := scanned(f.flags)
	if online {
		if j, ok := slices.BinarySearch(ix.online, s); ok {
			ix.online = slices.Delete(ix.online, j, j+1)
		}
	}
	if cell {
		ix.rewriteCell(cellOf(f.lat, f.lon), -1, s)
	}
	if f.flags&(fInPerson|fUnavailable) == fInPerson {
		for key, list := range d.places {
			j, ok := slices.BinarySearch(list, k)
			if !ok {
				continue
			}
			if len(list) == 1 {
				delete(d.places, key)
				delete(d.placeNames, key)
				delete(d.placeBy, key)
				continue
			}
			d.places[key] = slices.Delete(list, j, j+1)
			if d.placeBy[key] == k {
				// keepsPlaceNames made sure it comes back with this
				// spelling; whichever listing is added first names it
				// until one with a lower ID comes.
				delete(d.placeBy, key)
			}
		}
	}
	delete(d.langs, k)
	delete(d.verified, k)
	delete(ix.ids, d.lists[k].id)
	d.facts[s] = facts{flags: fUnavailable | fRemoved, zone: -1}
	d.keys[s] = 0
	d.lists[k] = listing{}
	if d.groups != nil {
		d.groups[k] = nil
	}
	ix.gone++
}

// rewriteCell writes the list of cell c anew at the end of byCell, with slot
// add (if not -1) and without slot del (if not -1). The old list is left
// unused: a cell holds tens or hundreds of slots, so copying it costs less
// than moving every cell after it.
func (ix *Index) rewriteCell(c uint32, add, del int32) {
	span := ix.cells[c]
	var offline, online []int32
	for _, s := range ix.byCell[span.start:span.offline] {
		if s != del {
			offline = append(offline, s)
		}
	}
	for _, s := range ix.byCell[span.offline:span.end] {
		if s != del {
			online = append(online, s)
		}
	}
	if add >= 0 {
		if ix.d.facts[add].flags&fJoinOnline != 0 {
			online = append(online, add)
		} else {
			offline = append(offline, add)
		}
	}
	if len(offline)+len(online) == 0 {
		delete(ix.cells, c)
		return
	}
	span = cellSpan{start: int32(len(ix.byCell))}
	ix.byCell = append(ix.byCell, offline...)
	span.offline = int32(len(ix.byCell))
	ix.byCell = append(ix.byCell, online...)
	span.end = int32(len(ix.byCell))
	ix.cells[c] = span
}

// appender is a builder that adds to the Index's directory: the zones it
// knows are found again by name, and names are not interned (a few
// listings' worth).
func (ix *Index) appender() *builder {
	b := newBuilder(0)
	b.d = ix.d
	b.keys = true
	for id, loc := range ix.d.zones {
		b.zoneIDs[loc.String()] = int32(id)
	}
	return b
}

// markSharedFrom sets fShared on the available listings from slot first on
// that share their key with another available listing, and on that other
// one. A dropped listing's partner keeps its flag: the flag only lets
// folding skip its map, and a listing that has it without need is folded
// the same.
func (ix *Index) markSharedFrom(first int32) {
	d := ix.d
	var added []uint64
	var mask uint64 // a bit per key's low six bits: most slots are ruled out without the list
	for s := first; s < int32(len(d.keys)); s++ {
		if d.facts[s].flags&fUnavailable == 0 {
			added = append(added, d.keys[s])
			mask |= 1 << (d.keys[s] & 63)
		}
	}
	if len(added) == 0 {
		return
	}
	var same []int32 // available slots holding one of the added keys
	for s, k := range d.keys {
		if mask&(1<<(k&63)) != 0 && d.facts[s].flags&fUnavailable == 0 && slices.Contains(added, k) {
			same = append(same, int32(s))
		}
	}
	for _, s := range same {
		for _, t := range same {
			if t != s && d.keys[t] == d.keys[s] {
				d.facts[s].flags |= fShared
				break
			}
		}
	}
}
