package main

import (
	"runtime/debug"
	"sync"
)

// windowMemory is the soft limit on the window's Go heap
// (runtime/debug.SetMemoryLimit). The window holds two indexes of the
// whole directory in memory, for matching and for the Directory's search,
// and builds them again after each import; left to itself the collector
// lets the heap grow to twice what is live before it collects, and with
// 250,000 listings the build peaked at 285-294 MB of memory. With the
// limit it collects sooner as the heap nears the limit: 187-188 MB
// (BenchmarkMemory250k, limit 135 MiB), the build as fast.
//
// The limit follows the directory (see windowMemoryLimit): before each
// build of the indexes it is set for the listings the old indexes hold and
// the new ones will (both are held until the new replace the old), after
// it for the new alone, so a bigger directory is not collected over and
// over. While a file is imported the
// limit is lifted: an import holds every listing of its file at once, and
// its memory is the import's (the command line sets its own, see
// importMemoryLimit). A lower limit given with GOMEMLIMIT always stays.
type windowMemory struct {
	mu      sync.Mutex
	user    int64 // the limit before the window set one: GOMEMLIMIT, or none
	limit   int64 // for the directory the window holds
	imports int   // imports under way
}

func newWindowMemory() *windowMemory {
	cur := debug.SetMemoryLimit(-1)
	return &windowMemory{user: cur, limit: cur}
}

// windowMemoryLimit is the limit for a directory of listings: about 330
// bytes a listing are live once both indexes are built (BenchmarkMemory250k:
// 92-98 MB with the window at 250,000), and building them holds a third
// more. The floor is the window itself with a small directory; past
// 200,000 listings the limit is 550 bytes a listing, so the collector has
// room.
func windowMemoryLimit(listings int) int64 {
	n := int64(listings)
	return max(64<<20+300*n, 550*n)
}

// directoryOf sets the limit for indexes of listings held at once.
func (m *windowMemory) directoryOf(listings int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.limit = min(windowMemoryLimit(listings), m.user)
	m.apply()
}

// importing lifts the limit until done is called.
func (m *windowMemory) importing() (done func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.imports++
	m.apply()
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.imports--
		m.apply()
	}
}

func (m *windowMemory) apply() {
	if m.imports > 0 {
		debug.SetMemoryLimit(m.user)
		return
	}
	debug.SetMemoryLimit(m.limit)
}
