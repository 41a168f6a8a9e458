package sqlite_test

import (
	"context"
	"slices"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func version(t *testing.T, db *sqlite.DB) int64 {
	t.Helper()
	v, err := db.Version(context.Background())
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	return v
}

// TestVersionMovesWithEveryCommit: a commit through one handle on the file
// (as another process would make) moves the other's Version and its own;
// reading moves neither.
func TestVersionMovesWithEveryCommit(t *testing.T) {
	ctx := context.Background()
	window, path := openTestDB(t)
	commandLine := reopen(t, path)
	seenByWindow, seenByItself := version(t, window), version(t, commandLine)

	if err := sqlite.NewGroupService(commandLine).CreateGroup(ctx, fullGroup()); err != nil {
		t.Fatal(err)
	}
	if v := version(t, window); v == seenByWindow {
		t.Errorf("the window's Version stayed %d after the command line added a group", v)
	}
	if v := version(t, commandLine); v == seenByItself {
		t.Errorf("the command line's Version stayed %d after its own commit", v)
	}

	seenByWindow = version(t, window)
	if _, _, err := sqlite.NewGroupService(window).FindGroups(ctx, referral.GroupFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sqlite.NewGroupService(commandLine).FindGroups(ctx, referral.GroupFilter{}); err != nil {
		t.Fatal(err)
	}
	if v := version(t, window); v != seenByWindow {
		t.Errorf("reading moved the Version from %d to %d", seenByWindow, v)
	}
}

// TestMatchSeesWhatAnotherProcessImported: the window's match index is
// rebuilt after the command line imports, instead of serving the old one.
func TestMatchSeesWhatAnotherProcessImported(t *testing.T) {
	ctx := context.Background()
	windowDB, path := openTestDB(t)
	window := sqlite.NewGroupService(windowDB)
	commandLine := sqlite.NewGroupService(reopen(t, path))
	src := referral.Source{Name: "aasepia"}
	if _, err := commandLine.ReplaceSource(ctx, src, feedOf("aasepia", "a")); err != nil {
		t.Fatal(err)
	}
	if got := matchedIDs(t, window, tuesdayEvening()); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("first match = %v, want [a]", got)
	}

	if _, err := commandLine.ReplaceSource(ctx, src, feedOf("aasepia", "a", "b")); err != nil {
		t.Fatal(err)
	}
	if got := matchedIDs(t, window, tuesdayEvening()); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("after the command line imported b, the window matched %v; want [a b]", got)
	}

	if _, err := commandLine.ReplaceSource(ctx, src, feedOf("aasepia", "b")); err != nil {
		t.Fatal(err)
	}
	if got := matchedIDs(t, window, tuesdayEvening()); !slices.Equal(got, []string{"b"}) {
		t.Errorf("after the command line dropped a, the window matched %v; want [b]", got)
	}
}
