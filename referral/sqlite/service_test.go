package sqlite_test

import (
	"context"
	"testing"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// TestServiceMeetingsAreStoredAndNeverMatched: the service mark survives the
// store, the Directory lists the meeting and the match turns it away.
func TestServiceMeetingsAreStoredAndNeverMatched(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := sqlite.NewGroupService(db)
	feed := feedOf("alanon", "a", "b")
	feed[1].Name, feed[1].Service = "District 7 Business Meeting", true
	feed[1].Place.Address = "2 Main St"
	if _, err := s.ReplaceSource(ctx, referral.Source{Name: "alanon"}, feed); err != nil {
		t.Fatal(err)
	}
	groups, _, err := s.FindGroups(ctx, referral.GroupFilter{Source: "alanon"})
	if err != nil {
		t.Fatal(err)
	}
	service := 0
	for _, g := range groups {
		if g.Service {
			service++
		}
	}
	if len(groups) != 2 || service != 1 {
		t.Fatalf("the Directory holds %d groups, %d marked; want both, one marked", len(groups), service)
	}
	res, err := s.Match(ctx, tuesdayEvening(), matchNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 1 || res.Candidates[0].Group.SourceID != "a" || res.Excluded[referral.RuleService] != 1 {
		t.Errorf("matched %d, excluded %v; want only a, the business meeting under %s", len(res.Candidates), res.Excluded, referral.RuleService)
	}
}
