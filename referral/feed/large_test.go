package feed

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// generatedFeed is a Meeting Guide feed of n records made as it is read, so
// the test itself never holds the file.
type generatedFeed struct {
	n, i    int
	pending []byte
	done    bool
}

func (g *generatedFeed) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		switch {
		case g.done:
			return 0, io.EOF
		case g.i == 0:
			g.pending = []byte("[")
		case g.i > g.n:
			g.pending, g.done = []byte("]"), true
		default:
			sep := ","
			if g.i == 1 {
				sep = ""
			}
			// Most records have no name and are skipped, so what Parse keeps
			// stays small and any growth of the heap is the input being held.
			name := ""
			if g.i%100 == 0 {
				name = fmt.Sprintf("Group %d", g.i)
			}
			g.pending = fmt.Appendf(nil, `%s{"name":%q,"slug":"g-%d","day":%d,"time":"19:00","types":["O","D"],"formatted_address":"1 Main St, Media, PA 19063, USA","latitude":"39.9","longitude":"-75.3","notes":%q}`,
				sep, name, g.i, g.i%7, largeNotes)
		}
		g.i++
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}

var largeNotes = strings.Repeat("Enter by the side door; ask for the key at the desk. ", 38)

// TestLargeFeedStreams reads a 200 MB feed and checks that memory stays far
// below its size: records are decoded one at a time, never the whole file.
func TestLargeFeedStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200 MB")
	}
	const records = 100_000 // × ≈ 2.1 KB
	var peak uint64
	var ms runtime.MemStats
	opts := aa
	opts.Progress = func(int) {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	feed := &generatedFeed{n: records}
	counted := &countingReader{r: feed}
	res, err := Parse(context.Background(), counted, opts)
	if err != nil {
		t.Fatal(err)
	}
	if counted.n < 200<<20 {
		t.Fatalf("the feed was only %d bytes", counted.n)
	}
	if len(res.Groups) != records/100 || res.Records != records {
		t.Errorf("%d groups from %d records", len(res.Groups), res.Records)
	}
	if limit := uint64(64 << 20); peak > limit {
		t.Errorf("heap peaked at %d MB reading %d MB", peak>>20, counted.n>>20)
	}
	t.Logf("%d MB read, heap peak %d MB", counted.n>>20, peak>>20)
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
