package main

import (
	"context"
	"fmt"
	"io"

	"referraldesk/referral"
	"referraldesk/referral/feed"
	"referraldesk/referral/geo"
	"referraldesk/referral/sqlite"
)

// feedStore joins the feed formats to the store: it is the wiring behind
// referral.DirectoryService (importing and exporting whole sources), which
// the window and the command line share.
type feedStore struct {
	groups   *sqlite.GroupService
	settings *sqlite.SettingsService
	machine  string // the machine's zone name, for Settings.ClinicZone
	// importing, when not nil, is called as an import begins and what it
	// returns as it ends: the window lifts its memory limit for it.
	importing func() (done func())
}

// newFeedStore writes through groups, the GroupService that matches too:
// its in-memory match index is marked out of date only by writes through it,
// so an import through another one left the window matching the old
// directory.
func newFeedStore(db *sqlite.DB, groups *sqlite.GroupService) feedStore {
	return feedStore{groups: groups, settings: sqlite.NewSettingsService(db), machine: machineZone()}
}

var _ referral.DirectoryService = feedStore{}

func (d feedStore) Import(ctx context.Context, r io.Reader, opts referral.ImportOptions) (*referral.ImportReport, error) {
	if opts.Source == "" {
		return nil, referral.Errorf(referral.EINVALID, "give the directory a source name, such as the intergroup it comes from")
	}
	if opts.Source == referral.SourceManual {
		return nil, referral.Errorf(referral.EINVALID, "the source name %q is kept for groups added by hand; choose another", opts.Source)
	}
	if d.importing != nil {
		defer d.importing()()
	}
	st, err := d.settings.Settings(ctx)
	if err != nil {
		return nil, err
	}
	parsed, err := feed.Parse(ctx, r, feed.Options{
		Format:       feed.Format(opts.Format),
		Source:       opts.Source,
		Program:      opts.Program,
		TimeZone:     opts.TimeZone,
		SettingsZone: st.FeedTimeZone,
		ClinicZone:   st.ClinicZone(d.machine),
		ZoneAt:       geo.ZoneAt,
		PlaceZIP:     zipPoint,
		Progress:     opts.Progress,
	})
	if err != nil {
		return nil, err
	}
	// An import never destroys (referral.Replacement.Check): the store asks
	// the rule inside its transaction, before writing, with the source's
	// counts as they are then.
	guard := referral.Replacement{Source: opts.Source, Records: parsed.Records, Empty: parsed.Empty,
		Listings: len(parsed.Groups), Force: opts.Force}
	if len(parsed.Skipped) > 0 {
		guard.FirstSkip = parsed.Skipped[0].String()
	}
	counts, err := d.groups.ReplaceSourceChecked(ctx, referral.Source{Name: opts.Source, Format: string(parsed.Format)}, parsed.Groups,
		func(active, removing int) error {
			guard.Active, guard.Removing = active, removing
			return guard.Check()
		})
	if err != nil {
		return nil, err
	}
	report := &referral.ImportReport{
		Source: opts.Source, Format: string(parsed.Format),
		Added: counts.Added, Updated: counts.Updated, Removed: counts.Removed, Unchanged: counts.Unchanged,
		Zone: parsed.Zone, Unplaced: parsed.Unplaced, Service: parsed.Service,
	}
	for _, s := range parsed.Skipped {
		report.Skipped = append(report.Skipped, referral.RecordNote{Index: s.Index, SourceID: s.SourceID, Name: s.Name, Field: s.Field, Text: s.Reason})
	}
	for _, r := range parsed.Repaired {
		report.Repaired = append(report.Repaired, referral.RecordNote{Index: r.Index, SourceID: r.SourceID, Name: r.Name, Field: r.Field, Text: r.What})
	}
	for _, c := range parsed.Contradictions {
		report.Contradictions = append(report.Contradictions, referral.RecordNote{Index: c.Index, SourceID: c.SourceID, Name: c.Name, Field: c.Field, Text: c.What})
	}
	for _, u := range parsed.UnknownTypes {
		report.UnknownTypes = append(report.UnknownTypes, u.Code)
	}
	return report, nil
}

func (d feedStore) Export(ctx context.Context, w io.Writer, opts referral.ExportOptions) error {
	f, err := feed.ParseFormat(opts.Format)
	if err != nil {
		return err
	}
	if opts.WithCuration && f != feed.MeetingGuide {
		return referral.Errorf(referral.EINVALID, "only a Meeting Guide export carries the curation; export it as meeting-guide")
	}
	groups, _, err := d.groups.FindGroups(ctx, referral.GroupFilter{Source: opts.Source, IncludeHidden: true, IncludeInactive: true})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if opts.Source != "" && len(groups) == 0 {
		return referral.Errorf(referral.ENOTFOUND, "there is no source %q; see the Sources list for the names", opts.Source)
	}
	switch f {
	case feed.MeetingGuide:
		return feed.WriteMeetingGuideWith(w, groups, feed.WriteOptions{Curation: opts.WithCuration})
	case feed.CSV:
		return feed.WriteCSV(w, groups)
	default:
		return referral.Errorf(referral.EINVALID, "export writes meeting-guide or csv, not %s", opts.Format)
	}
}

func (d feedStore) Sources(ctx context.Context) ([]referral.Source, error) {
	return d.groups.Sources(ctx)
}

func (d feedStore) RemoveSource(ctx context.Context, name string) error {
	return d.groups.RemoveSource(ctx, name)
}
