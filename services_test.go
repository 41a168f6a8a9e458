package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// The window matches and imports through the same services: a feed imported
// after a first match is in the next one (the match index belongs to one
// GroupService and only writes through it mark it old).
func TestWindowServicesMatchWhatWasJustImported(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := services(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	importFeed := func(source, file string, prog referral.Program) {
		t.Helper()
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := s.Directory.Import(ctx, f, referral.ImportOptions{Source: source, Program: prog}); err != nil {
			t.Fatal(err)
		}
	}
	ny, _ := time.LoadLocation("America/New_York")
	needs := referral.Needs{ZIP: "19107", Origin: &referral.Point{Lat: 39.9526, Lon: -75.1652}, MaxMiles: 5,
		Attend: referral.AttendInPerson, ClinicZone: ny, Limit: 20}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, ny)

	importFeed("alanon", alanonFeed, referral.ProgramAlAnon) // Massachusetts: nothing near Philadelphia
	if res, err := s.Match.Match(ctx, needs, now); err != nil || len(res.Candidates) != 0 {
		t.Fatalf("before SEPIA: %d candidates, %v", len(res.Candidates), err)
	}
	importFeed("sepia", sepiaFeed, referral.ProgramAA)
	res, err := s.Match.Match(ctx, needs, now)
	if err != nil || len(res.Candidates) == 0 {
		t.Fatalf("after importing SEPIA through the window's services: %d candidates, %v; want Philadelphia's groups", len(res.Candidates), err)
	}
}
