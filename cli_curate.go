package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// curate edits the clinic's curation of groups: medication-friendly,
// verified on, counselor notes, hidden. Each ID names any listing of a group
// and the change holds for every listing of it (see referral.GroupKey).
// Only the flags given change; every ID is checked before anything is
// written, so a mistake changes nothing.
func (c *cli) curate(args []string) error {
	fs := c.flags("curate")
	moud := fs.String("moud", "", "medication-friendly: yes, no or unknown")
	verified := fs.String("verified", "", "the day the clinic checked the group, YYYY-MM-DD")
	var note optionalString
	fs.Var(&note, "note", "counselor notes (replaces them; \"\" clears them)")
	hide := fs.Bool("hide", false, "never suggest the group")
	show := fs.Bool("show", false, "suggest the group again")
	asJSON := fs.Bool("json", false, "print the groups as JSON")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	change, err := curationChange(fs, *moud, *verified, note, *hide, *show, time.Now())
	if err != nil {
		return err
	}
	ids, err := listingIDs(rest)
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	s := sqlite.NewGroupService(c.db)
	ctx := context.Background()
	groups := make([]*referral.Group, len(ids))
	for i, id := range ids {
		if groups[i], err = s.FindGroupByID(ctx, id); referral.ErrorCode(err) == referral.ENOTFOUND {
			return usagef("there is no group %d; find its id with `referraldesk groups TEXT`; nothing was changed", id)
		} else if err != nil {
			return err
		}
	}
	for i, g := range groups {
		if groups[i], err = s.SetCuration(ctx, g.ID, change(g.Curation)); err != nil {
			return err
		}
	}
	if *asJSON {
		out := make([]groupJSON, len(groups))
		for i, g := range groups {
			out[i] = toGroupJSON(g)
		}
		return writeJSON(c.stdout, out)
	}
	for _, g := range groups {
		cur := g.Curation
		fmt.Fprintf(c.stdout, "%d %s: medication-friendly %s, verified %s, %s%s\n", g.ID, oneLine(g.Name),
			cur.Medication(), orWord(dateText(cur.VerifiedOn), "never"), map[bool]string{true: "hidden", false: "shown"}[cur.Hidden],
			map[bool]string{true: ", notes: " + oneLine(cur.Notes), false: ""}[cur.Notes != ""])
	}
	return nil
}

// optionalString is a flag that knows whether it was given, so --note ""
// (clear the notes) differs from no --note.
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string { return o.value }
func (o *optionalString) Set(s string) error {
	o.value, o.set = s, true
	return nil
}

// curationChange checks the curate flags and returns what they do to a
// group's curation.
func curationChange(fs *flag.FlagSet, moud, verified string, note optionalString, hide, show bool, now time.Time) (func(referral.Curation) referral.Curation, error) {
	if hide && show {
		return nil, usagef("--hide and --show contradict each other; give one")
	}
	var med referral.MedicationFriendly
	if isSet(fs, "moud") {
		switch m := referral.MedicationFriendly(strings.ToLower(strings.TrimSpace(moud))); m {
		case referral.MedicationYes, referral.MedicationNo, referral.MedicationUnknown:
			med = m
		default:
			return nil, usagef("--moud %q: say yes, no or unknown (whether people on methadone or buprenorphine are welcome)", moud)
		}
	}
	var day time.Time
	if isSet(fs, "verified") {
		var err error
		if day, err = time.Parse(time.DateOnly, strings.TrimSpace(verified)); err != nil {
			return nil, usagef("--verified %q is not a date like 2026-11-30", verified)
		}
		if day.After(now) {
			return nil, usagef("--verified %s is in the future; give the day the group was checked", verified)
		}
	}
	if !isSet(fs, "moud") && !isSet(fs, "verified") && !note.set && !hide && !show {
		return nil, usagef("curate needs something to change: --moud, --verified, --note, --hide or --show")
	}
	return func(c referral.Curation) referral.Curation {
		if med != "" {
			c.MedicationFriendly = med
		}
		if !day.IsZero() {
			c.VerifiedOn = day
		}
		if note.set {
			c.Notes = strings.TrimSpace(note.value)
		}
		if hide || show {
			c.Hidden = hide
		}
		return c
	}, nil
}

// listingIDs reads the ids curate takes.
func listingIDs(args []string) ([]int64, error) {
	if len(args) == 0 {
		return nil, usagef("curate needs the id of a listing of each group (see `referraldesk groups`)")
	}
	ids := make([]int64, len(args))
	for i, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, usagef("%q is not a group id; ids are whole numbers shown by `referraldesk groups`", a)
		}
		ids[i] = id
	}
	return ids, nil
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}
