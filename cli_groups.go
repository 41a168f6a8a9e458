package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

func (c *cli) groups(args []string) error {
	fs := c.flags("groups")
	asJSON := fs.Bool("json", false, "print JSON")
	all := fs.Bool("all", false, "include hidden and inactive groups")
	words, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	groups, _, err := sqlite.NewGroupService(c.db).FindGroups(context.Background(), referral.GroupFilter{
		Text:            strings.Join(words, " "),
		IncludeHidden:   *all,
		IncludeInactive: *all,
	})
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}
	if *asJSON {
		out := make([]groupJSON, len(groups))
		for i, g := range groups {
			out[i] = toGroupJSON(g)
		}
		return writeJSON(c.stdout, out)
	}
	return writeGroupTable(c.stdout, groups)
}

func writeGroupTable(w io.Writer, groups []*referral.Group) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROGRAM\tNAME\tWHEN\tWHERE")
	for _, g := range groups {
		name := oneLine(g.Name)
		if g.Service {
			name += " [service meeting]"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", g.ID, g.Program, name, sessionsText(g.Sessions), whereText(g))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d groups\n", len(groups))
	return err
}

func sessionsText(ss []referral.Session) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.Day.String()[:3] + " " + s.Start.String()
	}
	if len(parts) == 0 {
		return "by appointment"
	}
	return strings.Join(parts, ", ")
}

func whereText(g *referral.Group) string {
	switch {
	case g.Attendance == referral.Online:
		return "online"
	case g.Place.City != "":
		return g.Place.City
	default:
		return g.Place.Location
	}
}

// groupJSON is the shape every command that prints groups uses.
type groupJSON struct {
	ID                 int64         `json:"id"`
	Source             string        `json:"source"`
	SourceID           string        `json:"source_id"`
	Name               string        `json:"name"`
	Program            string        `json:"program"`
	Sessions           []sessionJSON `json:"sessions"`
	TimeZone           string        `json:"timezone"`
	Attendance         string        `json:"attendance"`
	Location           string        `json:"location"`
	Address            string        `json:"address"`
	City               string        `json:"city"`
	State              string        `json:"state"`
	PostalCode         string        `json:"postal_code"`
	Latitude           *float64      `json:"latitude"`
	Longitude          *float64      `json:"longitude"`
	ConferenceURL      string        `json:"conference_url"`
	ConferencePhone    string        `json:"conference_phone"`
	Types              []string      `json:"types"`
	Attributes         []string      `json:"attributes"`
	Notes              string        `json:"notes"`
	MedicationFriendly string        `json:"medication_friendly"`
	VerifiedOn         string        `json:"verified_on"`
	CounselorNotes     string        `json:"counselor_notes"`
	Hidden             bool          `json:"hidden"`
	CurationFrom       string        `json:"curation_from"` // the source whose published curation shows, "" for this desk's own
	Service            bool          `json:"service"`       // a service meeting: never offered to a client
	Updated            string        `json:"updated"`
}

type sessionJSON struct {
	Day   string `json:"day"`
	Start string `json:"start"`
	End   string `json:"end"`
}

func toGroupJSON(g *referral.Group) groupJSON {
	j := groupJSON{
		ID: g.ID, Source: g.Source, SourceID: g.SourceID, Name: g.Name, Program: string(g.Program),
		Sessions: make([]sessionJSON, len(g.Sessions)), TimeZone: g.TimeZone, Attendance: string(g.Attendance),
		Location: g.Place.Location, Address: g.Place.Address, City: g.Place.City, State: g.Place.State,
		PostalCode: g.Place.PostalCode, ConferenceURL: g.Online.URL, ConferencePhone: g.Online.Phone,
		Types: nonNil(g.Types), Attributes: nonNil(g.Attributes.Words()), Notes: g.Notes,
		MedicationFriendly: string(g.Curation.Medication()), CounselorNotes: g.Curation.Notes,
		Hidden: g.Curation.Hidden, CurationFrom: g.Curation.From, Service: g.Service, VerifiedOn: dateText(g.Curation.VerifiedOn), Updated: timeText(g.Updated),
	}
	for i, s := range g.Sessions {
		j.Sessions[i] = sessionJSON{Day: strings.ToLower(s.Day.String()[:3]), Start: s.Start.String(), End: s.End.String()}
	}
	if p := g.Place.Coords; p != nil {
		j.Latitude, j.Longitude = &p.Lat, &p.Lon
	}
	return j
}
