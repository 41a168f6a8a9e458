// Command gen0003 adds to a Referral Desk database of release 87e7a12
// (migrations 0001–0003) what that release's command line cannot: a group
// added by hand, the clinic's curation of a few listings and a follow-up on
// a logged referral. It is built inside that release's own tree, so it
// writes through that release's store exactly as its window would; see
// ../README.md for the whole recipe.
//
//	gen0003 DB            add the hand-made group and the curation
//	gen0003 DB followup   record a follow-up on the oldest logged referral
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// curated is the clinic's knowledge written onto listings of the imported
// Al-Anon feed, chosen to cover each field: yes, no and unknown for
// medication-friendly, a verified date, notes, and a hidden listing; one
// listing of a group that the feed lists on several weekdays.
var curated = []struct {
	sourceID string
	c        referral.Curation
}{
	{"30816762-the-brockton-fellowship-afg", referral.Curation{MedicationFriendly: referral.MedicationYes,
		VerifiedOn: day(2026, 11, 20), Notes: "Ask for Pat at the door; coffee from 6:45."}},
	{"30811706-lincoln-serenity-seekers-afg", referral.Curation{MedicationFriendly: referral.MedicationNo,
		Notes: "In October a member said people on methadone may not share."}},
	{"63680-just-for-today-afg", referral.Curation{Hidden: true, Notes: "Closed for good, says the district secretary."}},
	{"47820-serenity-at-work-afg-3", referral.Curation{MedicationFriendly: referral.MedicationUnknown,
		VerifiedOn: day(2026, 10, 2)}},
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gen0003 DB [followup]")
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
		err = curate(db)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func curate(db *sqlite.DB) error {
	ctx := context.Background()
	s := sqlite.NewGroupService(db)
	manual := &referral.Group{
		Name:       "Harbor Light Medication-Friendly Peer Group",
		Program:    referral.ProgramMAR,
		Sessions:   []referral.Session{{Day: time.Wednesday, Start: 17*60 + 30, End: 18*60 + 30}},
		TimeZone:   "America/New_York",
		Attendance: referral.InPerson,
		Place: referral.Place{Location: "Harbor Light Clinic, room 2", Address: "12 Dock St", City: "Gloucester",
			State: "MA", PostalCode: "01930", Coords: &referral.Point{Lat: 42.6128, Lon: -70.6620}},
		Attributes: referral.Attributes{Openness: referral.Open},
		Contact:    referral.Contact{Phone: "+19785550142"},
		Curation: referral.Curation{MedicationFriendly: referral.MedicationYes, VerifiedOn: day(2026, 11, 25),
			Notes: "Run by our own peer specialist."},
	}
	if err := s.CreateGroup(ctx, manual); err != nil {
		return fmt.Errorf("create the hand-made group: %w", err)
	}
	groups, _, err := s.FindGroups(ctx, referral.GroupFilter{Source: "alanon-ma", IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		return err
	}
	byID := map[string]int64{}
	for _, g := range groups {
		byID[g.SourceID] = g.ID
	}
	for _, c := range curated {
		id, ok := byID[c.sourceID]
		if !ok {
			return fmt.Errorf("listing %s is not in the directory", c.sourceID)
		}
		if _, err := s.SetCuration(ctx, id, c.c); err != nil {
			return fmt.Errorf("curate %s: %w", c.sourceID, err)
		}
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
