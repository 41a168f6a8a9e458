package referraltest

import (
	"syscall"
	"testing"
	"time"
)

// ReportCPU adds "cpu-ns/op" to a benchmark: the CPU time the process spent
// per op. On a shared machine wall time (ns/op) swings with other people's
// builds; CPU time mostly does not, which keeps ratios readable. Use it as
// `defer referraltest.ReportCPU(b)()` after the setup.
func ReportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
