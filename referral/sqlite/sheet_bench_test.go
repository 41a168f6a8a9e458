package sqlite_test

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/pdf"
	"referraldesk/referral/sqlite"
)

// BenchmarkSheetDuringImport250k (issue 13 item 6): a sheet made while
// another program imports 250,000 listings, holding the write lock for its
// whole transaction: the match, the PDF and the referral logged, as the
// window makes it. Reported: the median sheet during the import (ms/sheet)
// and, as its floor, the median of the same sheet with no import running
// (floor-ms/sheet), measured first in the same run. Every sheet must be made
// before the import commits, and each referral is in the log after it.
//
//	go test ./referral/sqlite -run '^$' -bench SheetDuringImport250k -benchtime 5x
func BenchmarkSheetDuringImport250k(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "data", "referraldesk.db")
	db := reopen(b, path)
	db.SetClock(time.Now)
	groups, history := sqlite.NewGroupService(db), sqlite.NewHistoryService(db)
	if _, err := groups.ReplaceSource(ctx, referral.Source{Name: "aasepia"}, sepiaFeed.groups(b)); err != nil {
		b.Fatal(err)
	}
	settings := referral.DefaultSettings()
	sheet := func() time.Duration {
		start := time.Now()
		needs := tuesdayEvening()
		res, err := groups.Match(ctx, needs, matchNow)
		if err != nil || len(res.Candidates) == 0 {
			b.Fatalf("match: %d candidates, %v", len(res.Candidates), err)
		}
		s := settings.Sheet(matchNow)
		for _, c := range res.Candidates[:min(len(res.Candidates), referral.MaxSheetGroups)] {
			s.Groups = append(s.Groups, c.Listing())
		}
		s.ClinicZone = "America/New_York"
		if err := pdf.Render(io.Discard, s); err != nil {
			b.Fatal(err)
		}
		if err := history.LogReferral(ctx, referral.NewReferral(s, needs, "")); err != nil {
			b.Fatalf("log referral: %v", err)
		}
		return time.Since(start)
	}
	var floor []time.Duration
	for range 5 {
		floor = append(floor, sheet())
	}

	im := startImporter(b, path, bench250k)
	im.await(b, "begun")
	var during []time.Duration
	for b.Loop() {
		during = append(during, sheet())
	}
	done := time.Now()
	committed := im.await(b, "committed")
	if committed.Before(done) {
		b.Fatalf("the import committed before the last sheet was made; fewer sheets (-benchtime 5x) measure it")
	}
	awaitLogged(b, history, len(floor)+len(during))
	b.ReportMetric(median(during), "ms/sheet")
	b.ReportMetric(median(floor), "floor-ms/sheet")
	b.Logf("%d sheets during the import, which held the lock %v more after the last", len(during), committed.Sub(done).Round(time.Millisecond))
}

// median is the middle of ds in milliseconds.
func median(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2]) / float64(time.Millisecond)
}
