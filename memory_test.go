package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// limitNow is the process's memory limit; restoreLimit puts back the one
// the test began with.
func limitNow() int64 { return debug.SetMemoryLimit(-1) }

func restoreLimit(t *testing.T) {
	before := limitNow()
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
}

// TestWindowMemoryFollowsTheDirectory: the limit grows with the directory,
// is lifted while files are imported (two at once too), and never goes
// above a GOMEMLIMIT the user set.
func TestWindowMemoryFollowsTheDirectory(t *testing.T) {
	restoreLimit(t)
	debug.SetMemoryLimit(noLimitSet)
	m := newWindowMemory()
	m.directoryOf(0)
	if got := limitNow(); got != 64<<20 {
		t.Errorf("empty directory: limit %d; want 64 MiB", got)
	}
	m.directoryOf(250_000)
	if got := limitNow(); got != 64<<20+300*250_000 {
		t.Errorf("250,000 listings: limit %d; want %d", got, 64<<20+300*250_000)
	}
	m.directoryOf(1_000_000)
	if got := limitNow(); got != 550*1_000_000 {
		t.Errorf("1,000,000 listings: limit %d; want 550 bytes a listing", got)
	}
	doneA := m.importing()
	doneB := m.importing()
	if got := limitNow(); got != noLimitSet {
		t.Errorf("while importing: limit %d; want none", got)
	}
	doneA()
	if got := limitNow(); got != noLimitSet {
		t.Errorf("while the second import runs: limit %d; want none", got)
	}
	doneB()
	if got := limitNow(); got != 550*1_000_000 {
		t.Errorf("after the imports: limit %d; want the directory's again", got)
	}

	debug.SetMemoryLimit(100 << 20) // as GOMEMLIMIT=100MiB would
	m = newWindowMemory()
	m.directoryOf(1_000_000)
	done := m.importing()
	if got := limitNow(); got != 100<<20 {
		t.Errorf("with GOMEMLIMIT 100 MiB, while importing: limit %d; want it kept", got)
	}
	done()
	if got := limitNow(); got != 100<<20 {
		t.Errorf("with GOMEMLIMIT 100 MiB: limit %d; want it kept", got)
	}
}

// noLimitSet is what debug.SetMemoryLimit reports with no limit.
const noLimitSet = 1<<63 - 1

// limitWatcher reads r and records the memory limit while it is read.
type limitWatcher struct {
	r     io.Reader
	limit int64
}

func (w *limitWatcher) Read(p []byte) (int, error) {
	w.limit = limitNow()
	return w.r.Read(p)
}

// TestWindowServicesKeepMemoryToTheDirectory: through the window's services
// an import runs with no limit, and the indexes built after it set the
// limit for the directory they read.
func TestWindowServicesKeepMemoryToTheDirectory(t *testing.T) {
	restoreLimit(t)
	debug.SetMemoryLimit(noLimitSet)
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := services(db, newWindowMemory())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The empty directory's indexes, built as the services start.
	if _, _, err := s.Groups.FindGroups(ctx, referral.GroupFilter{Text: "hope"}); err != nil {
		t.Fatal(err)
	}
	if got := limitNow(); got != windowMemoryLimit(0) {
		t.Fatalf("empty directory: limit %d; want %d", got, windowMemoryLimit(0))
	}
	f, err := os.Open(sepiaFeed)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := &limitWatcher{r: f}
	report, err := s.Directory.Import(ctx, w, referral.ImportOptions{Source: "sepia", Program: referral.ProgramAA})
	if err != nil {
		t.Fatal(err)
	}
	if w.limit != noLimitSet {
		t.Errorf("limit while the file was read: %d; want none", w.limit)
	}
	_, total, err := s.Groups.FindGroups(ctx, referral.GroupFilter{Text: "a", IncludeHidden: true, IncludeInactive: true, Limit: 1})
	if err != nil || total == 0 {
		t.Fatalf("search after the import: %d, %v", total, err)
	}
	n := report.Added
	if got := limitNow(); got != windowMemoryLimit(n) {
		t.Errorf("after importing %d listings: limit %d; want %d", n, got, windowMemoryLimit(n))
	}
}
