package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/pdf"
	"referraldesk/referral/sqlite"
)

func (c *cli) history(args []string) error {
	fs := c.flags("history")
	asJSON := fs.Bool("json", false, "print JSON")
	reprint := fs.Int64("reprint", 0, "the id of a referral to print again (see the ids with `referraldesk history`)")
	out := fs.String("out", "", "with --reprint: the PDF file to write")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("history takes only flags (got %q)", rest[0])
	}
	switch {
	case isSet(fs, "reprint") && *reprint < 1:
		return usagef("--reprint takes a referral id such as 12; see the ids with `referraldesk history`")
	case isSet(fs, "reprint") && *out == "":
		return usagef("history --reprint needs --out FILE.pdf")
	case isSet(fs, "reprint") && *asJSON:
		return usagef("history --reprint writes a PDF; leave out --json")
	case !isSet(fs, "reprint") && isSet(fs, "out"):
		return usagef("--out goes with --reprint ID")
	}
	if err := c.open(); err != nil {
		return err
	}
	hs := sqlite.NewHistoryService(c.db)
	if _, err := hs.PurgeExpired(context.Background()); err != nil {
		return fmt.Errorf("purge the referral log: %w", err)
	}
	if isSet(fs, "reprint") {
		return c.reprint(hs, *reprint, *out)
	}
	entries, _, err := hs.FindReferrals(context.Background(), referral.ReferralFilter{})
	if err != nil {
		return fmt.Errorf("read the referral log: %w", err)
	}
	if *asJSON {
		out := make([]referralJSON, len(entries))
		for i, r := range entries {
			out[i] = toReferralJSON(r)
		}
		return writeJSON(c.stdout, out)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tLABEL\tLANG\tGROUPS\tFOLLOW-UP")
	for _, r := range entries {
		names := make([]string, len(r.Groups))
		for i, g := range r.Groups {
			names[i] = oneLine(g.Name)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Created.Local().Format("2006-01-02 15:04"), oneLine(r.ClientLabel),
			r.Lang, strings.Join(names, "; "), followUpText(r.FollowUp))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "%d referrals\n", len(entries))
	return err
}

// reprint writes the sheet of referral id again, as the History screen's
// Reprint… does: the groups as they were printed, headed by today's clinic
// settings. It is not logged again; the entry is the referral.
func (c *cli) reprint(hs *sqlite.HistoryService, id int64, out string) error {
	ctx := context.Background()
	r, err := hs.FindReferralByID(ctx, id)
	if referral.ErrorCode(err) == referral.ENOTFOUND {
		return referral.Errorf(referral.ENOTFOUND, "there is no referral %d in the log (deleted, or older than Settings' retention.days); see the ids with `referraldesk history`", id)
	}
	if err != nil {
		return fmt.Errorf("read referral %d: %w", id, err)
	}
	settings, err := sqlite.NewSettingsService(c.db).Settings(ctx)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	listed, err := referral.FindReferred(ctx, sqlite.NewGroupService(c.db), r)
	if err != nil {
		return fmt.Errorf("look up the groups of referral %d: %w", id, err)
	}
	sheet, left := r.Reprint(settings, time.Now(), listed)
	var leftNames []string
	for _, g := range left {
		leftNames = append(leftNames, oneLine(g.Name))
	}
	if len(sheet.Groups) == 0 {
		return referral.Errorf(referral.ENOTFOUND, "none of the groups of referral %d is in the directory any more (%s); make a new sheet with `referraldesk sheet`",
			id, strings.Join(leftNames, "; "))
	}
	sheet.ClinicZone = c.clinicZone(settings, r.Needs.Origin).String()
	if err := sheet.Validate(); err != nil {
		return err // the settings heading it, such as a logo that is no picture; the message says what to change
	}
	if err := writeFileAtomic(out, func(w io.Writer) error { return pdf.Render(w, sheet) }); err != nil {
		return err
	}
	for _, i := range sheet.Removed {
		fmt.Fprintf(c.stderr, "referraldesk: %s is no longer in the directory; the sheet prints it as it was, marked to call ahead\n",
			oneLine(sheet.Groups[i].Name))
	}
	if len(leftNames) > 0 {
		fmt.Fprintf(c.stderr, "referraldesk: left out, no longer in the directory: %s\n", strings.Join(leftNames, "; "))
	}
	_, err = fmt.Fprintf(c.stdout, "%s: referral %d, %d groups, %s, %s%s\n", out, id, len(sheet.Groups), sheet.Language(),
		sheet.PaperSize(), map[bool]string{true: ", large print"}[sheet.Large])
	return err
}

func followUpText(f *referral.FollowUp) string {
	if f == nil {
		return "none yet"
	}
	return fmt.Sprintf("went: %s, felt welcome: %s", answerText(f.Went), answerText(f.FeltWelcome))
}

func answerText(a referral.Answer) string {
	if a == referral.AnswerUnknown {
		return "unknown"
	}
	return string(a)
}

type referralJSON struct {
	ID          int64          `json:"id"`
	Created     string         `json:"created"`
	ClientLabel string         `json:"client_label"`
	Lang        string         `json:"lang"`
	Paper       string         `json:"paper"`
	Large       bool           `json:"large"`
	Groups      []referredJSON `json:"groups"`
	Needs       needsJSON      `json:"needs"`
	FollowUp    *followUpJSON  `json:"follow_up"`
}

type referredJSON struct {
	GroupID  int64  `json:"group_id"`
	Source   string `json:"source"`
	SourceID string `json:"source_id"`
	Name     string `json:"name"`
	Program  string `json:"program"`
}

type needsJSON struct {
	For        string   `json:"for"`
	Substances []string `json:"substances"`
	ZIP        string   `json:"zip"`
	Miles      float64  `json:"miles"`
	Days       []string `json:"days"`
	Times      []string `json:"times"`
	Attend     string   `json:"attend"`
	MOUD       bool     `json:"moud"`
	Languages  []string `json:"languages"`
}

type followUpJSON struct {
	Recorded               string `json:"recorded"`
	Went                   string `json:"went"`
	GroupID                int64  `json:"group_id"`
	FeltWelcome            string `json:"felt_welcome"`
	NotWelcomeOnMedication bool   `json:"not_welcome_on_medication"`
	Notes                  string `json:"notes"`
}

func toReferralJSON(r *referral.Referral) referralJSON {
	j := referralJSON{ID: r.ID, Created: timeText(r.Created), ClientLabel: r.ClientLabel, Lang: string(r.Lang),
		Paper: string(r.Paper), Large: r.Large, Groups: []referredJSON{}}
	for _, g := range r.Groups {
		j.Groups = append(j.Groups, referredJSON{g.GroupID, g.Source, g.SourceID, g.Name, string(g.Program)})
	}
	n := r.Needs
	j.Needs = needsJSON{For: string(n.For), ZIP: n.ZIP, Miles: n.MaxMiles, Attend: string(n.Attend), MOUD: n.MOUD,
		Substances: []string{}, Days: []string{}, Times: []string{}, Languages: nonNil(n.Languages)}
	for _, s := range n.Substances {
		j.Needs.Substances = append(j.Needs.Substances, string(s))
	}
	for _, d := range n.Days {
		j.Needs.Days = append(j.Needs.Days, strings.ToLower(d.String()[:3]))
	}
	for _, b := range n.Times {
		j.Needs.Times = append(j.Needs.Times, string(b))
	}
	if f := r.FollowUp; f != nil {
		j.FollowUp = &followUpJSON{timeText(f.Recorded), answerText(f.Went), f.GroupID, answerText(f.FeltWelcome),
			f.NotWelcomeOnMedication, f.Notes}
	}
	return j
}
