package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"referraldesk/referral/feed"
	"referraldesk/referral/referraltest"
)

// BenchmarkImportMemoryCommand is issue 13's import memory target: the built
// program importing a Meeting Guide feed of about 210 MB (the real SEPIA
// feed replicated to 240,000 meetings over US ZIP centroids) into a new
// database. It reports the peak resident memory of the process (peak-MB)
// and its ratio to the file's size (peak/file, target ≤ 2.5), medians of
// the runs.
//
//	go test -tags ci -run '^$' -bench ImportMemoryCommand -benchtime 3x .
func BenchmarkImportMemoryCommand(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "sepia-240k.json")
	// The file is written by a process of its own: a child's peak memory
	// (Maxrss) counts its parent's at the time it was started, and this
	// one would otherwise hold the feed's groups.
	gen := exec.Command(os.Args[0], "-test.run=^TestWriteBigFeedHelper$", "-test.count=1")
	gen.Env = append(os.Environ(), bigFeedEnv+"="+file)
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("write the feed: %v\n%s", err, out)
	}
	info, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "referraldesk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var peaks []float64
	run := 0
	for b.Loop() {
		run++
		db := filepath.Join(dir, "run", string(rune('a'+run%26)), "referraldesk.db")
		os.RemoveAll(filepath.Dir(db))
		cmd := exec.Command(bin, "--db", db, "import", "--source", "aasepia", "--program", "aa",
			"--timezone", "America/New_York", file)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("referraldesk import: %v\n%s", err, out)
		}
		// Maxrss is in kilobytes (KiB) on Linux.
		peaks = append(peaks, float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)*1024)
		os.RemoveAll(filepath.Dir(db))
	}
	slices.Sort(peaks)
	peak := peaks[len(peaks)/2]
	b.ReportMetric(float64(info.Size())/1e6, "file-MB")
	b.ReportMetric(peak/1e6, "peak-MB")
	b.ReportMetric(peak/float64(info.Size()), "peak/file")
}

// bigFeedEnv names the file TestWriteBigFeedHelper writes.
const bigFeedEnv = "REFERRALDESK_TEST_WRITE_BIG_FEED"

// TestWriteBigFeedHelper is BenchmarkImportMemoryCommand's child process,
// not a test of its own.
func TestWriteBigFeedHelper(t *testing.T) {
	path := os.Getenv(bigFeedEnv)
	if path == "" {
		t.Skip("run as the child of BenchmarkImportMemoryCommand")
	}
	if err := writeReplicatedSEPIA(path, 240_000); err != nil {
		t.Fatal(err)
	}
}

// writeReplicatedSEPIA writes the SEPIA feed replicated to n meetings as a
// Meeting Guide file.
func writeReplicatedSEPIA(path string, n int) error {
	data, err := os.ReadFile(filepath.Join("testdata", "feeds", benchFeeds[0].file))
	if err != nil {
		return err
	}
	res, err := feed.Parse(context.Background(), bytes.NewReader(data), benchFeeds[0].opts)
	if err != nil {
		return err
	}
	groups := referraltest.Replicate(res.Groups, n, referraltest.Centroids(), 250)
	var buf bytes.Buffer
	if err := feed.WriteMeetingGuide(&buf, groups); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o600)
}
