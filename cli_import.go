package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/feed"
	"referraldesk/referral/sqlite"
)

func (c *cli) importFiles(args []string) error {
	fs := c.flags("import")
	source := fs.String("source", "", "source name (default: the file's name, or the address's server)")
	var area bmltArea
	fs.StringVar(&area.root, "bmlt-root", "", "a BMLT root server's address: subscribe to its meetings within --miles of --near")
	fs.StringVar(&area.near, "near", "", "with --bmlt-root: the ZIP code at the centre of the area")
	fs.Float64Var(&area.miles, "miles", 0, "with --bmlt-root: how far around --near, in miles")
	var program referral.Program
	fs.Func("program", `fellowship of listings that do not name one: AA, Al-Anon, "Heroin Anonymous", any name`, func(s string) error {
		p, err := referral.ParseProgram(s)
		if err != nil {
			return errors.New(referral.ErrorMessage(err))
		}
		program = p
		return nil
	})
	format := fs.String("format", "", "meeting-guide, bmlt or csv (default: detected)")
	zone := fs.String("timezone", "", "IANA time zone for listings whose data and meeting places give none")
	force := fs.Bool("force", false, "replace a source even when the file would remove more than half of its listings (never an empty file or a web page)")
	asJSON := fs.Bool("json", false, "print JSON")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if area != (bmltArea{}) {
		if files, err = area.query(files, source); err != nil {
			return err
		}
	}
	opts, err := importOptions(files, *source, program, *format, *zone)
	if err != nil {
		return err
	}
	opts.Force = *force
	if err := c.open(); err != nil {
		return err
	}
	dir := newFeedStore(c.db, sqlite.NewGroupService(c.db))
	var reports []importJSON
	var failed []string
	for _, file := range files {
		o := opts
		if o.Source == "" {
			o.Source = sourceName(file)
		}
		report, err := c.importOne(dir, file, o)
		if err != nil {
			fmt.Fprintf(c.stderr, "referraldesk: %s: %s\n", file, oneLine(referral.ErrorMessage(err)))
			failed = append(failed, file)
			continue
		}
		report.File = file
		if *asJSON {
			reports = append(reports, toImportJSON(report))
		} else {
			writeImportSummary(c.stdout, report)
			if referral.IsFeedURL(file) {
				fmt.Fprintf(c.stdout, "  subscribed: `referraldesk refresh --source %s` fetches it again\n", report.Source)
			}
		}
	}
	if *asJSON {
		var err error
		if len(files) == 1 && len(reports) == 1 {
			err = writeJSON(c.stdout, reports[0])
		} else if len(reports) > 0 {
			err = writeJSON(c.stdout, reports)
		}
		if err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return referral.Errorf(referral.EINVALID, "%d of %d files were refused and changed nothing: %s",
			len(failed), len(files), strings.Join(failed, ", "))
	}
	return nil
}

// importOptions checks the import flags before anything is opened.
func importOptions(files []string, source string, program referral.Program, format, zone string) (referral.ImportOptions, error) {
	var o referral.ImportOptions
	if len(files) == 0 {
		return o, usagef("import needs at least one FILE")
	}
	if source != "" && len(files) > 1 {
		return o, usagef("--source names one source; import several files one at a time, or leave --source out to name each after its file")
	}
	o.Source, o.Program = source, program
	if format != "" {
		f, err := feed.ParseFormat(format)
		if err != nil {
			return o, usagef("--format %q is unknown; use meeting-guide, bmlt or csv", format)
		}
		o.Format = string(f)
	}
	if zone != "" {
		if _, err := time.LoadLocation(zone); err != nil {
			return o, usagef("--timezone %q is unknown; use an IANA name such as America/New_York", zone)
		}
		o.TimeZone = zone
	}
	return o, nil
}

// importOne imports a file, or subscribes the source to a feed's address:
// fetched and imported the same way, then remembered for refresh.
func (c *cli) importOne(dir referral.DirectoryService, arg string, opts referral.ImportOptions) (*referral.ImportReport, error) {
	if !referral.IsFeedURL(arg) {
		return importFile(dir, arg, opts)
	}
	sub := referral.Subscription{Source: opts.Source, URL: arg, Program: opts.Program, Format: opts.Format, TimeZone: opts.TimeZone}
	report, err := c.subscriptions().Subscribe(context.Background(), sub, referral.RefreshOptions{Force: opts.Force})
	if err != nil {
		return nil, err
	}
	return report.Import, nil
}

// bmltArea is import's --bmlt-root, --near and --miles: a BMLT root
// server's meetings around a ZIP code.
type bmltArea struct {
	root, near string
	miles      float64
}

// query checks the area's flags and returns the BMLT query to subscribe to
// in place of the files; --source defaults to "na-near-ZIP".
func (a bmltArea) query(files []string, source *string) ([]string, error) {
	switch {
	case a.root == "":
		return nil, usagef("--near and --miles go with --bmlt-root URL, the BMLT root server to ask")
	case len(files) > 0:
		return nil, usagef("--bmlt-root imports the server's meetings near --near: give no FILE with it")
	case a.near == "":
		return nil, usagef("--bmlt-root needs --near ZIP, the ZIP code at the centre of the area")
	case !(a.miles > 0 && a.miles <= referral.MaxMiles):
		return nil, usagef("--bmlt-root needs --miles N, more than 0 and at most %d", referral.MaxMiles)
	}
	u, name, err := referral.BMLTArea{Root: a.root, ZIP: a.near, Miles: a.miles}.Query(locator{})
	if referral.ErrorCode(err) == referral.EINVALID {
		// Each problem under the flag it is about.
		flag := map[string]string{"Root": "--bmlt-root: ", "ZIP": "--near: ", "Miles": "--miles: "}
		var msgs []string
		for _, p := range referral.ErrorProblems(err) {
			msgs = append(msgs, flag[p.Field]+p.Message)
		}
		if len(msgs) == 0 {
			msgs = append(msgs, referral.ErrorMessage(err))
		}
		return nil, usagef("%s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return nil, err
	}
	if *source == "" {
		*source = name
	}
	return []string{u}, nil
}

func importFile(dir referral.DirectoryService, file string, opts referral.ImportOptions) (*referral.ImportReport, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, referral.Errorf(referral.EINVALID, "cannot read the file (%s); check the name", reason(err))
	}
	defer f.Close()
	// A folder opens like a file, and reading it failed deep in the parser
	// as an internal error.
	info, err := f.Stat()
	if err == nil && info.IsDir() {
		return nil, referral.Errorf(referral.EINVALID, "it is a folder, not a directory file; give the feed file inside it")
	}
	if err == nil && info.Mode().IsRegular() {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit(info.Size())))
	}
	return dir.Import(context.Background(), f, opts)
}

// importMemoryLimit is the soft limit on the Go heap while a file of size
// bytes is imported. A source is replaced in one transaction, so the import
// holds every group of the file at once, about 1.45 times the size of a
// Meeting Guide file, and left to itself the collector lets the heap grow to
// twice what is live before it collects. SQLite's memory (the bulk page
// cache, the sort of an index built again) comes on top and is not in the
// limit.
//
// Measured with BenchmarkImportMemoryCommand on a 211 MB feed: with neither
// this limit nor package feed's shared texts the import peaked at 1070 MB
// (5.1 times the file); with a limit of twice the file and a 64 MB search
// buffer at 645 MB (3.05 times the file) in 24 s. With the 8 MB buffer, a
// limit of 2 times the file peaked at 2.46 times it (22.2 s), 1.9 times at
// 2.39 (23.5 s) and 1.8 times at 2.30 (26.3 s), the collector running more
// and more: 1.9 keeps within 2.5 times the file with room. With no
// full-text index (migration 0014) and the indexes built once after the
// rows (setIndexesAside), 1.9 times peaks at 2.39 in 14.7 s.
//
// A small file is far below the floor and imports as before, and a lower
// limit set with GOMEMLIMIT stays.
func importMemoryLimit(size int64) int64 {
	const floor = 256 << 20
	return min(max(size*19/10, floor), debug.SetMemoryLimit(-1))
}

// reason is an OS error without the path, which the caller already names.
func reason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sourceName names a source after its file: "AA Philly.json" → "aa-philly";
// or after the server of a feed's address: "https://www.aasepia.org/…" →
// "aasepia.org".
func sourceName(file string) string {
	if referral.IsFeedURL(file) {
		if name := referral.FeedSourceName(file); name != "" {
			return name
		}
	}
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	return strings.Join(strings.Fields(strings.ToLower(base)), "-")
}

func writeImportSummary(w io.Writer, r *referral.ImportReport) {
	fmt.Fprintf(w, "%s → source %q (%s): %d added, %d updated, %d removed, %d unchanged; %d skipped, %d repaired\n",
		r.File, r.Source, r.Format, r.Added, r.Updated, r.Removed, r.Unchanged, len(r.Skipped), len(r.Repaired))
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped %s: %s: %s\n", recordLabel(s), s.Field, s.Text)
	}
	// Repairs run to thousands on a real feed: count them by kind.
	kinds := map[string]int{}
	for _, rp := range r.Repaired {
		kinds[rp.Field+": "+rp.Text]++
	}
	keys := make([]string, 0, len(kinds))
	for k := range kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  repaired %d× %s\n", kinds[k], k)
	}
	if n := len(r.Contradictions); n > 0 {
		fmt.Fprintf(w, "  %d contradictions (a listing saying two things that exclude each other), each read the safer way:\n", n)
		for _, c := range r.Contradictions {
			fmt.Fprintf(w, "    %s: %s\n", recordLabel(c), c.Text)
		}
	}
	if len(r.UnknownTypes) > 0 {
		fmt.Fprintf(w, "  unknown type codes kept as they are: %s\n", strings.Join(r.UnknownTypes, ", "))
	}
	writeZoneSummary(w, r.Zone)
	if r.Unplaced > 0 {
		fmt.Fprintf(w, "  %d in-person listings have no map location and no ZIP: they cannot be found by distance (add coordinates or a ZIP in the feed, or search by town with --place)\n", r.Unplaced)
	}
	if r.Service > 0 {
		fmt.Fprintf(w, "  %d service meetings (business, district, committee): kept in the directory, never offered to clients\n", r.Service)
	}
}

func writeZoneSummary(w io.Writer, z referral.ZoneReport) {
	fmt.Fprintf(w, "  time zone: %s; %d listings named their own, %d found at their meeting place, %d given the source's\n",
		z, z.Own, z.AtPlace, z.FromSource)
	if warn := z.Warning(); warn != "" {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
}

func recordLabel(n referral.RecordNote) string {
	s := fmt.Sprintf("record %d", n.Index+1)
	if n.SourceID != "" {
		s += fmt.Sprintf(" (id %q)", n.SourceID)
	}
	if n.Name != "" {
		s += fmt.Sprintf(" %q", n.Name)
	}
	return s
}

type importJSON struct {
	File         string       `json:"file"`
	Source       string       `json:"source"`
	Format       string       `json:"format"`
	Added        int          `json:"added"`
	Updated      int          `json:"updated"`
	Removed      int          `json:"removed"`
	Unchanged    int          `json:"unchanged"`
	Skipped      []skipJSON   `json:"skipped"`
	Repaired     []repairJSON `json:"repaired"`
	UnknownTypes []string     `json:"unknown_types"`
	TimeZone     zoneJSON     `json:"timezone"`
	Unplaced     int          `json:"unplaced"` // in-person listings distance cannot find
	Service      int          `json:"service_meetings"`
	// Contradictions counts what listings said that excludes itself (open
	// and closed, …); the text summary lists them.
	Contradictions int `json:"contradictions"`
}

// zoneJSON is referral.ZoneReport: the source's zone, why, and how many
// listings got their zone which way.
type zoneJSON struct {
	Zone       string `json:"zone"`
	Why        string `json:"why"` // places, import, settings, clinic, fallback
	Says       string `json:"says"`
	Agree      int    `json:"agree"`
	Places     int    `json:"places"`
	Own        int    `json:"own"`
	AtPlace    int    `json:"at_place"`
	FromSource int    `json:"from_source"`
	Fallback   int    `json:"fallback"` // listings whose zone nothing about them or their places said
	Warning    string `json:"warning,omitempty"`
}

type skipJSON struct {
	Index    int    `json:"index"`
	SourceID string `json:"source_id"`
	Reason   string `json:"reason"`
}

type repairJSON struct {
	Index    int    `json:"index"`
	SourceID string `json:"source_id"`
	What     string `json:"what"`
}

func toImportJSON(r *referral.ImportReport) importJSON {
	j := importJSON{File: r.File, Source: r.Source, Format: r.Format, Added: r.Added, Updated: r.Updated,
		Removed: r.Removed, Unchanged: r.Unchanged, Skipped: []skipJSON{}, Repaired: []repairJSON{},
		UnknownTypes: nonNil(r.UnknownTypes),
		TimeZone: zoneJSON{Zone: r.Zone.Zone, Why: string(r.Zone.Why), Says: r.Zone.String(), Agree: r.Zone.Agree,
			Places: r.Zone.Places, Own: r.Zone.Own, AtPlace: r.Zone.AtPlace, FromSource: r.Zone.FromSource,
			Fallback: r.Zone.Fallback(), Warning: r.Zone.Warning()},
		Unplaced: r.Unplaced, Service: r.Service, Contradictions: len(r.Contradictions)}
	for _, s := range r.Skipped {
		j.Skipped = append(j.Skipped, skipJSON{s.Index, s.SourceID, s.Field + ": " + s.Text})
	}
	for _, rp := range r.Repaired {
		j.Repaired = append(j.Repaired, repairJSON{rp.Index, rp.SourceID, rp.Field + ": " + rp.Text})
	}
	return j
}
