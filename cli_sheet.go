package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/pdf"
	"referraldesk/referral/sqlite"
)

func (c *cli) sheet(args []string) error {
	fs := c.flags("sheet")
	var nf needsFlags
	nf.register(fs)
	name := fs.String("name", "", "the client's first name on the sheet (optional; never stored)")
	label := fs.String("label", "", "your own label for the referral log (optional)")
	lang := fs.String("lang", "", "en or es (default: Settings)")
	paper := fs.String("paper", "", "letter or a4 (default: Settings)")
	large := fs.Bool("large", false, "large print")
	pick := fs.String("pick", "", "group ids to print, e.g. 12,40 (default: the top matches)")
	out := fs.String("out", "", "the PDF file to write")
	ics := fs.String("ics", "", "a calendar file (.ics) of the same groups to write, for the client's phone")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("sheet takes only flags (got %q)", rest[0])
	}
	if *out == "" && *ics == "" {
		return usagef("sheet needs --out FILE.pdf, --ics FILE.ics or both")
	}
	ids, err := groupIDs(*pick)
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	settings, err := sqlite.NewSettingsService(c.db).Settings(context.Background())
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	groups := sqlite.NewGroupService(c.db)
	var needs referral.Needs
	now := time.Now()
	var chosen []*referral.Group
	var home *time.Location // the clinic's zone: online groups print on its clock
	if len(ids) > 0 {
		// Hand-picked groups need no full set of needs; a --now still fixes the date.
		if nf.now != "" {
			if now, err = time.Parse(time.RFC3339, nf.now); err != nil {
				return usagef("--now %q is not a time like 2026-11-27T14:30:00-05:00", nf.now)
			}
		}
		if chosen, err = findGroups(groups, ids); err != nil {
			return err
		}
		home = c.clinicZone(settings, nil)
	} else {
		if needs, now, err = nf.needs(fs, locator{}, settings.DefaultMiles); err != nil {
			return err
		}
		home = c.clinicZone(settings, needs.Origin)
		needs.ClinicZone, needs.PreferLang = home, settings.SheetLang
		if *lang != "" {
			needs.PreferLang = referral.Lang(strings.ToLower(*lang))
		}
		// One answer, then the process exits, as for `match`.
		result, err := groups.MatchOnce(context.Background(), needs, now)
		if err != nil {
			return err
		}
		if len(result.Candidates) == 0 {
			return referral.Errorf(referral.ENOTFOUND, "no group fits these needs, so there is nothing to print; try `referraldesk match` with wider needs")
		}
		// --limit takes what match takes, so a script can pass the same
		// flags to both; a sheet has room for the best MaxSheetGroups.
		for _, cand := range result.Candidates[:min(len(result.Candidates), referral.MaxSheetGroups)] {
			chosen = append(chosen, cand.Listing())
		}
		if n := len(result.Candidates); n > referral.MaxSheetGroups {
			fmt.Fprintf(c.stderr, "referraldesk: a sheet lists at most %d groups; it has the best %d of the %d matches\n",
				referral.MaxSheetGroups, referral.MaxSheetGroups, n)
		}
	}
	sheet := settings.Sheet(now)
	sheet.FirstName, sheet.Groups, sheet.Large = *name, chosen, *large
	sheet.ClinicZone = home.String()
	if *lang != "" {
		sheet.Lang = referral.Lang(strings.ToLower(*lang))
	}
	if *paper != "" {
		sheet.Paper = referral.Paper(strings.ToLower(*paper))
	}
	if err := sheet.Validate(); err != nil {
		return usagef("%s", referral.ErrorMessage(err))
	}
	if *ics != "" {
		if err := c.writeCalendar(*ics, sheet); err != nil {
			return err
		}
	}
	if *out == "" {
		return nil // a calendar alone is not a printed referral, so it is not logged
	}
	if err := writeFileAtomic(*out, func(w io.Writer) error { return pdf.Render(w, sheet) }); err != nil {
		return err
	}
	entry := referral.NewReferral(sheet, needs, *label)
	if err := sqlite.NewHistoryService(c.db).LogReferral(context.Background(), entry); err != nil {
		return fmt.Errorf("the sheet was saved as %s but could not be added to the referral log: %w", *out, err)
	}
	fmt.Fprintf(c.stdout, "%s: %d groups, %s, %s%s\n", *out, len(chosen), sheet.Language(), sheet.PaperSize(), map[bool]string{true: ", large print"}[*large])
	if entry.ID == 0 {
		fmt.Fprintln(c.stdout, "The referral log is busy with an import: this referral goes into it once the import is done.")
	}
	return nil
}

// writeCalendar writes the sheet's groups as a calendar file for the
// client's phone. It carries the sheet's language and clock, never its
// first name.
func (c *cli) writeCalendar(path string, sheet referral.Sheet) error {
	cal := referral.Calendar{Groups: sheet.Groups, Now: sheet.Date, Lang: sheet.Language()}
	if err := writeFileAtomic(path, cal.WriteICS); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %d groups, calendar\n", path, len(sheet.Groups))
	return nil
}

func isSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// groupIDs reads --pick: a comma-separated list of directory ids.
func groupIDs(s string) ([]int64, error) {
	var ids []int64
	for _, part := range list(s) {
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id < 1 {
			return nil, usagef("--pick: %q is not a group id; see the ids with `referraldesk groups`", part)
		}
		ids = append(ids, id)
	}
	if len(ids) > referral.MaxSheetGroups {
		return nil, usagef("--pick: a sheet lists at most %d groups (got %d)", referral.MaxSheetGroups, len(ids))
	}
	return ids, nil
}

func findGroups(s referral.GroupService, ids []int64) ([]*referral.Group, error) {
	groups := make([]*referral.Group, 0, len(ids))
	for _, id := range ids {
		g, err := s.FindGroupByID(context.Background(), id)
		if referral.ErrorCode(err) == referral.ENOTFOUND {
			return nil, referral.Errorf(referral.ENOTFOUND, "there is no group with id %d; see the ids with `referraldesk groups`", id)
		}
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, nil
}
