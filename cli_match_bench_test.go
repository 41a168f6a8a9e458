package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkMatchCommand250k is a counselor's `referraldesk match` on a
// 250,000-group database (bigStore): the built program started afresh for
// each answer, so nothing is held from one run to the next. It reports the
// median wall time of the runs as well as the mean (ns/op).
func BenchmarkMatchCommand250k(b *testing.B) {
	benchCommand(b, "match")
}

// BenchmarkSheetCommand250k is `referraldesk sheet` for the same needs, as
// BenchmarkMatchCommand250k times `match`: the match, the PDF written and
// the referral logged, by a program started afresh each time.
func BenchmarkSheetCommand250k(b *testing.B) {
	benchCommand(b, "sheet", "--out", filepath.Join(b.TempDir(), "sheet.pdf"))
}

// benchCommand times the built program running command with the needs of
// a typical client on bigStore, and reports the median wall time.
func benchCommand(b *testing.B, command string, extra ...string) {
	path := bigStore(b)
	bin := filepath.Join(b.TempDir(), "referraldesk")
	gotool, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go command to build the program with")
	}
	if out, err := exec.Command(gotool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	args := append([]string{"--db", path, command, "--zip", "19107", "--miles", "10", "--substance", "opioids",
		"--days", "tue,thu", "--times", "evening", "--moud", "--now", "2025-03-04T10:30:00-05:00"}, extra...)
	var runs []time.Duration
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "TZ=America/New_York")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		runs = append(runs, time.Since(start))
		if err != nil {
			b.Fatalf("referraldesk %s: %v\n%s", command, err, out)
		}
	}
	slices.Sort(runs)
	b.ReportMetric(float64(runs[len(runs)/2].Milliseconds()), "median-ms")
}
