package referral

import (
	"testing"
	"unsafe"
)

// TestFactsFitACacheLine guards the layout the scan's speed depends on.
func TestFactsFitACacheLine(t *testing.T) {
	if n := unsafe.Sizeof(facts{}); n != 64 {
		t.Errorf("facts is %d bytes; keep it at 64 (one cache line)", n)
	}
}

// TestRotateWeekHours pins the bitmap move used for other time zones.
func TestRotateWeekHours(t *testing.T) {
	tests := []struct {
		name     string
		from, by int
		want     int
	}{
		{"forward", 10, 3, 13},
		{"across the week's end", 167, 2, 1},
		{"backward across the start", 0, -1, 167},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h weekHours
			h.set(tt.from)
			r := h.rotate(tt.by)
			if !r.has(tt.want) || r.rotate(-tt.by) != h {
				t.Errorf("rotate(%d) of hour %d: %v", tt.by, tt.from, r)
			}
		})
	}
}
