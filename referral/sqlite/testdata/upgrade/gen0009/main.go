// Command gen0009 adds to a Referral Desk database of release 0131478
// (migrations 0001–0009) what that release's command line cannot: a group
// added by hand (with its curation) and a follow-up on a logged referral.
// It is built inside that release's own tree, so it writes through that
// release's store exactly as its window would; see ../README.md for the
// whole recipe.
//
//	gen0009 DB            add the hand-made group
//	gen0009 DB followup   record a follow-up on the oldest logged referral
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gen0009 DB [followup]")
		os.Exit(2)
	}
	db, err := sqlite.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(os.Args) > 2 && os.Args[2] == "followup" {
		err = followUp(db)
	} else {
		err = addManual(db)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func addManual(db *sqlite.DB) error {
	manual := &referral.Group{
		Name:    "Harbor Light Medication-Friendly Peer Group",
		Program: referral.ProgramMAR,
		Sessions: []referral.Session{{Day: time.Wednesday, Start: 17*60 + 30, End: 18*60 + 30},
			{Day: time.Saturday, Start: 10 * 60, End: 11 * 60}},
		TimeZone:   "America/New_York",
		Attendance: referral.Hybrid,
		Place: referral.Place{Location: "Harbor Light Clinic, room 2", Address: "12 Dock St", City: "Gloucester",
			State: "MA", PostalCode: "01930", Coords: &referral.Point{Lat: 42.6128, Lon: -70.6620}},
		Online:     referral.OnlineAccess{URL: "https://meet.example.org/harbor-light"},
		Attributes: referral.Attributes{Openness: referral.Open},
		Contact:    referral.Contact{Phone: "+19785550142"},
		Curation: referral.Curation{MedicationFriendly: referral.MedicationYes, VerifiedOn: day(2026, 11, 25),
			Notes: "Run by our own peer specialist."},
	}
	if err := sqlite.NewGroupService(db).CreateGroup(context.Background(), manual); err != nil {
		return fmt.Errorf("create the hand-made group: %w", err)
	}
	return nil
}

func followUp(db *sqlite.DB) error {
	ctx := context.Background()
	h := sqlite.NewHistoryService(db)
	refs, _, err := h.FindReferrals(ctx, referral.ReferralFilter{})
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return fmt.Errorf("no referral is logged; print a sheet first")
	}
	oldest := refs[len(refs)-1]
	f := referral.FollowUp{Went: referral.AnswerYes, FeltWelcome: referral.AnswerNo, NotWelcomeOnMedication: true,
		Notes: "Went once; was told not to share while on methadone."}
	if len(oldest.Groups) > 0 {
		f.GroupID = oldest.Groups[0].GroupID
	}
	_, err = h.RecordFollowUp(ctx, oldest.ID, f)
	return err
}
