package feed

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"referraldesk/referral"
	"referraldesk/referral/referraltest"
)

// replicatedSEPIA is the real SEPIA feed replicated to n meetings over US
// ZIP centroids and written by write, as the store's import benchmarks make
// theirs: each replica has its own slug, address, link and coordinates, and
// shares the rest (name, venue, notes, town) with the others of its
// template, as a real feed's meetings of one group do.
func replicatedSEPIA(tb testing.TB, n int, write func(io.Writer, []*referral.Group) error) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "feeds", "aa-sepia-meeting-guide.json"))
	if err != nil {
		tb.Fatal(err)
	}
	res, err := Parse(context.Background(), bytes.NewReader(data), sepiaOpts)
	if err != nil {
		tb.Fatal(err)
	}
	groups := referraltest.Replicate(res.Groups, n, referraltest.Centroids(), 250)
	var buf bytes.Buffer
	if err := write(&buf, groups); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var sepiaOpts = Options{Source: "aasepia", Program: referral.ProgramAA, TimeZone: "America/New_York"}

// heldBy is how many bytes of heap what parse returns keeps live, and how
// many parse allocated in all. The caller keeps the file alive until heldBy
// returns (runtime.KeepAlive), or its freeing would offset what is held.
func heldBy(parse func() *Result) (held, allocated uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := parse()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(res)
	return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc), after.TotalAlloc - before.TotalAlloc
}

// TestParsedGroupsHeldSmall checks what an import holds while the store
// writes a source: every group of the file, in one transaction. The groups
// of 10,000 replicated SEPIA meetings held 1.7 bytes of heap per byte of the
// file while each listing had its own copy of every text and the parser's
// maps stayed reachable from the Result; sharing the texts listings repeat
// and letting the parser go brought that to 1.3 (and, as heap in use after
// a collection, 2.1 to 1.45 for a 211 MB feed, whose replicas repeat more).
// 1.45 leaves room for Go's allocator to differ, not for either to come
// back.
func TestParsedGroupsHeldSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("parses a 9 MB feed")
	}
	data := replicatedSEPIA(t, 10_000, WriteMeetingGuide)
	held, _ := heldBy(func() *Result {
		res, err := Parse(context.Background(), bytes.NewReader(data), sepiaOpts)
		if err != nil {
			t.Fatal(err)
		}
		return res
	})
	runtime.KeepAlive(data)
	ratio := float64(held) / float64(len(data))
	t.Logf("10,000 groups from %d MB hold %d MB of heap: %.2f bytes per byte of the file", len(data)>>20, held>>20, ratio)
	if ratio > 1.45 {
		t.Errorf("the parsed groups hold %.2f bytes of heap per byte of the file, want at most 1.45", ratio)
	}
}

// TestRepeatedTextsShared checks that two listings saying the same thing
// hold one copy of it, and that a listing's own text is its own.
func TestRepeatedTextsShared(t *testing.T) {
	const rec = `{"name":"Back to Basics","slug":%q,"day":%d,"time":"18:00","types":["O","D"],"notes":"Enter at rear",` +
		`"location":"First United Methodist Church","address":%q,"city":"Media","state":"PA","postal_code":"19063",` +
		`"regions":["Delaware County"],"conference_url":"https://us02web.zoom.us/j/85725332706","feedback_url":"https://aasepia.org/meeting-status/"}`
	in := "[" + fmt.Sprintf(rec, "bb-2", 2, "350 W State St") + "," + fmt.Sprintf(rec, "bb-4", 4, "350 W State St") + "," +
		fmt.Sprintf(rec, "bb-6", 6, "12 Baltimore Ave") + "]"
	res, err := Parse(context.Background(), strings.NewReader(in), aa)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 3 {
		t.Fatalf("%d groups, want 3", len(res.Groups))
	}
	a, b, c := res.Groups[0], res.Groups[1], res.Groups[2]
	same := func(field, x, y string) {
		t.Helper()
		if x != y || unsafe.StringData(x) != unsafe.StringData(y) {
			t.Errorf("%s: %q and %q are two copies, want one", field, x, y)
		}
	}
	same("name", a.Name, b.Name)
	same("notes", a.Notes, c.Notes)
	same("location", a.Place.Location, c.Place.Location)
	same("address", a.Place.Address, b.Place.Address)
	same("city", a.Place.City, c.Place.City)
	same("region", a.Place.Regions[0], c.Place.Regions[0])
	same("type", a.Types[0], c.Types[0])
	same("conference_url", a.Online.URL, c.Online.URL)
	same("feedback_url", a.Contact.FeedbackURL, c.Contact.FeedbackURL)
	if a.Place.Address == c.Place.Address {
		t.Errorf("two addresses read as one: %q", a.Place.Address)
	}
	// Sharing is of the strings, never of a listing's lists: one listing's
	// types or regions changed must not change another's.
	a.Types[0], a.Place.Regions[0] = "X", "Elsewhere"
	if b.Types[0] == "X" || b.Place.Regions[0] == "Elsewhere" {
		t.Errorf("two listings share one list: %v %v", b.Types, b.Place.Regions)
	}
}

// BenchmarkParseMemory reports, per byte of a replicated SEPIA feed of
// 100,000 meetings (88 MB), the heap its parsed groups hold (held-B/B: 1.24)
// and the bytes parsing allocated in all (alloc-B/B: 5.8, from 9.0 before
// records were decoded into one value and lists of text read directly).
func BenchmarkParseMemory(b *testing.B) {
	data := replicatedSEPIA(b, 100_000, WriteMeetingGuide)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	var held, allocated uint64
	for b.Loop() {
		h, a := heldBy(func() *Result {
			res, err := Parse(context.Background(), bytes.NewReader(data), sepiaOpts)
			if err != nil {
				b.Fatal(err)
			}
			return res
		})
		held, allocated = held+h, allocated+a
	}
	runtime.KeepAlive(data)
	per := func(v uint64) float64 { return float64(v) / float64(b.N) / float64(len(data)) }
	b.ReportMetric(per(held), "held-B/B")
	b.ReportMetric(per(allocated), "alloc-B/B")
}

// BenchmarkWriteMeetingGuide is an export of 10,000 SEPIA listings as a
// Meeting Guide feed; B/op is what it allocates (each listing's updated
// date is written on its own zone's clock).
func BenchmarkWriteMeetingGuide(b *testing.B) {
	data := replicatedSEPIA(b, 10_000, WriteMeetingGuide)
	res, err := Parse(context.Background(), bytes.NewReader(data), sepiaOpts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteMeetingGuide(io.Discard, res.Groups); err != nil {
			b.Fatal(err)
		}
	}
}
