package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"referraldesk/app"
	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// needsFlags are the flags every command that matches takes (match, sheet).
type needsFlags struct {
	zip, place, days, times, attend, forWhom, substances, gender, langs, approach, now string
	miles                                                                              float64
	womenOnly, menOnly, lgbtq, young, wheelchair, asl, childcare, moud                 bool
	limit                                                                              int
}

func (n *needsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.zip, "zip", "", "the client's ZIP code")
	fs.StringVar(&n.place, "place", "", "a city, town or region whose in-person groups to offer (with or instead of --zip)")
	fs.Float64Var(&n.miles, "miles", 0, "how far the client can travel (default: Settings)")
	fs.StringVar(&n.days, "days", "", "days the client can go, e.g. mon,tue (default: any)")
	fs.StringVar(&n.times, "times", "", "morning,midday,evening,night (default: any)")
	fs.StringVar(&n.attend, "attend", "any", "in-person, online or any")
	fs.StringVar(&n.forWhom, "for", "self", "self, or family for a family member or friend")
	fs.StringVar(&n.substances, "substance", "opioids", "opioids,alcohol,stimulants,cannabis,other")
	fs.StringVar(&n.gender, "gender", "", "woman, man or other")
	fs.BoolVar(&n.womenOnly, "women-only", false, "only women's groups")
	fs.BoolVar(&n.menOnly, "men-only", false, "only men's groups")
	fs.BoolVar(&n.lgbtq, "lgbtq", false, "prefer LGBTQ+ groups")
	fs.BoolVar(&n.young, "young", false, "prefer young people's groups")
	fs.StringVar(&n.langs, "lang-spoken", "", "languages the client needs, e.g. es")
	fs.BoolVar(&n.wheelchair, "wheelchair", false, "needs wheelchair access")
	fs.BoolVar(&n.asl, "asl", false, "needs American Sign Language")
	fs.BoolVar(&n.childcare, "childcare", false, "needs childcare or a child-friendly group")
	fs.BoolVar(&n.moud, "moud", false, "takes medication for opioid use disorder")
	fs.StringVar(&n.approach, "approach", "", "12-step, secular or faith")
	fs.IntVar(&n.limit, "limit", referral.DefaultLimit, fmt.Sprintf("how many groups to list (at most %d)", referral.MaxLimit))
	fs.StringVar(&n.now, "now", "", "fix the clock (RFC 3339)")
}

// needs turns the flags into Needs; every mistake is a usage error. An unknown
// but well-formed ZIP is not: it is reported with exit 1 by the caller.
func (n *needsFlags) needs(fs *flag.FlagSet, loc referral.Locator, defaultMiles float64) (referral.Needs, time.Time, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var needs referral.Needs
	now := time.Now()
	if n.now != "" {
		t, err := time.Parse(time.RFC3339, n.now)
		if err != nil {
			return needs, now, usagef("--now %q is not a time like 2026-11-27T14:30:00-05:00", n.now)
		}
		now = t
	}
	needs.For = referral.For(n.forWhom)
	needs.Attend = referral.AttendWanted(n.attend)
	needs.Gender = referral.Gender(n.gender)
	needs.WomenOnly, needs.MenOnly, needs.LGBTQ, needs.YoungPeople = n.womenOnly, n.menOnly, n.lgbtq, n.young
	needs.Wheelchair, needs.ASL, needs.Childcare, needs.MOUD = n.wheelchair, n.asl, n.childcare, n.moud
	needs.Approach = referral.Approach(n.approach)
	needs.Place = strings.TrimSpace(n.place)
	needs.Limit = n.limit
	needs.MaxMiles = defaultMiles
	if set["miles"] {
		needs.MaxMiles = n.miles
	}
	for _, s := range list(n.substances) {
		needs.Substances = append(needs.Substances, referral.Substance(s))
	}
	needs.Languages = list(n.langs)
	if set["days"] {
		days := list(n.days)
		if len(days) == 0 {
			return needs, now, usagef("--days is empty; name days like mon,tue or leave --days out for any day")
		}
		for _, d := range days {
			wd, ok := referral.ParseWeekday(d)
			if !ok {
				return needs, now, usagef("--days: %q is not a day; use sun,mon,tue,wed,thu,fri,sat", d)
			}
			needs.Days = append(needs.Days, wd)
		}
	}
	if set["times"] {
		bands := list(n.times)
		if len(bands) == 0 {
			return needs, now, usagef("--times is empty; name times like morning,evening or leave --times out for any time")
		}
		for _, b := range bands {
			tb, ok := referral.ParseTimeBand(b)
			if !ok {
				return needs, now, usagef("--times: %q is not a time of day; use morning, midday, evening or night", b)
			}
			needs.Times = append(needs.Times, tb)
		}
	}
	if needs.Limit < 1 {
		return needs, now, usagef("--limit must be between 1 and %d", referral.MaxLimit)
	}
	if n.zip != "" {
		needs.ZIP = n.zip
		z, err := loc.LocateZIP(n.zip)
		switch referral.ErrorCode(err) {
		case "":
			needs.Origin = &z.Point
		case referral.EINVALID:
			return needs, now, usagef("--zip: %s", referral.ErrorMessage(err))
		default:
			return needs, now, err
		}
	}
	if err := needs.Validate(); err != nil {
		return needs, now, usagef("%s", referral.ErrorMessage(err))
	}
	return needs, now, nil
}

// list splits "a, b,c" into its non-empty parts, lower-cased.
func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *cli) match(args []string) error {
	fs := c.flags("match")
	var nf needsFlags
	nf.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("match takes only flags (got %q)", rest[0])
	}
	if err := c.open(); err != nil {
		return err
	}
	settings := c.settings()
	needs, now, err := nf.needs(fs, locator{}, settings.DefaultMiles)
	if err != nil {
		return err
	}
	needs.ClinicZone = c.clinicZone(settings, needs.Origin)
	needs.PreferLang = settings.SheetLang
	// One answer, then the process exits: MatchOnce reads only what these
	// needs can reach instead of indexing the whole directory.
	result, err := sqlite.NewGroupService(c.db).MatchOnce(context.Background(), needs, now)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]candidateJSON, len(result.Candidates))
		for i, cand := range result.Candidates {
			out[i] = toCandidateJSON(cand)
		}
		return writeJSON(c.stdout, out)
	}
	return writeCandidates(c.stdout, result)
}

// clinicZone is the zone online groups' times are read and printed in
// (Settings.MatchZone); a guess is said on stderr with how to set it.
func (c *cli) clinicZone(st referral.Settings, client *referral.Point) *time.Location {
	name, guess := st.MatchZone(machineZone(), locator{}, locator{}, client)
	if guess != referral.ZoneKnown {
		fmt.Fprintf(c.stderr, "referraldesk: the clinic's time zone is not set; online groups' times are read in %s. "+
			"Set it with: referraldesk settings clinic.timezone=%s\n", name, name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil { // MatchZone names only zones that load
		return time.UTC
	}
	return loc
}

type candidateJSON struct {
	groupJSON
	Score         float64  `json:"score"`
	DistanceMiles *float64 `json:"distance_miles"`
	InPlace       string   `json:"in_place,omitempty"` // found by --place with no distance to tell
	Attend        string   `json:"attend"`             // how this client takes part: in_person or online
	NextMeeting   string   `json:"next_meeting"`
	Reasons       []string `json:"reasons"`
	Cautions      []string `json:"cautions"`
	// Listings are the directory's listings of the group, this one (id)
	// first, each with every session it lists. Feeds often list a group
	// once per weekday; sessions above are only the first listing's.
	Listings []listingJSON `json:"listings"`
}

type listingJSON struct {
	ID       int64         `json:"id"`
	SourceID string        `json:"source_id"`
	Sessions []sessionJSON `json:"sessions"`
}

func toCandidateJSON(c referral.Candidate) candidateJSON {
	j := candidateJSON{groupJSON: toGroupJSON(c.Group), Score: math.Round(c.Score*100) / 100,
		InPlace: c.InPlace, Attend: string(referral.InPerson), NextMeeting: timeText(c.NextMeeting),
		Reasons: englishPhrases(c.Reasons), Cautions: englishPhrases(c.Cautions)}
	if c.JoinOnline {
		j.Attend = string(referral.Online)
	}
	j.Listings = []listingJSON{{ID: j.ID, SourceID: j.SourceID, Sessions: j.Sessions}}
	for _, g := range c.Also {
		j.Listings = append(j.Listings, listingJSON{ID: g.ID, SourceID: g.SourceID, Sessions: toGroupJSON(g).Sessions})
	}
	if !math.IsNaN(c.DistanceMiles) {
		d := math.Round(c.DistanceMiles*100) / 100
		j.DistanceMiles = &d
	}
	return j
}

func writeCandidates(w io.Writer, r referral.Result) error {
	if len(r.Candidates) == 0 {
		fmt.Fprintln(w, "No group fits all of these needs.")
		if rule, n := r.MostExcluding(); n > 0 {
			fmt.Fprintf(w, "The need that ruled out the most listings: %s (%d).\n", rule, n)
		}
	}
	for i, c := range r.Candidates {
		where := "online"
		switch {
		case !math.IsNaN(c.DistanceMiles):
			where = fmt.Sprintf("%.1f mi", c.DistanceMiles)
		case c.InPlace != "":
			where = "in " + c.InPlace
		}
		fmt.Fprintf(w, "%d. %s — %s (id %d)\n   next: %s · %s\n", i+1, c.Group.Program, oneLine(c.Group.Name), c.Group.ID,
			c.NextMeeting.Format("Mon Jan 2 3:04 PM MST"), where)
		for _, s := range c.Reasons {
			fmt.Fprintf(w, "   + %s\n", app.EnglishPhrase(s))
		}
		for _, s := range c.Cautions {
			fmt.Fprintf(w, "   ! %s\n", app.EnglishPhrase(s))
		}
	}
	for _, wd := range r.Widen {
		fmt.Fprintf(w, "To widen: %s\n", app.EnglishPhrase(wd.Phrase))
	}
	return nil
}

// englishPhrases words the match's phrases as the command line prints them:
// in English, from the window's English templates, so the two never say
// different things. An empty list is [] in JSON, not null.
func englishPhrases(ps []referral.Phrase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = app.EnglishPhrase(p)
	}
	return out
}
