package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// fakeDirectory is an in-memory referral.DirectoryService over a fakeGroups,
// so the Directory list can be seen to grow and shrink. A file it imports
// has one group name a line; "skip: WHY" is a record it skips,
// "contradiction: WHAT" one that contradicts itself, and "#no-program"
// marks a file whose records name no program. A name that reads as a
// service meeting's (referral.ServiceName) is one, as an import reads it.
type fakeDirectory struct {
	groups *fakeGroups

	mu      sync.Mutex
	sources map[string]referral.Source
	imports []referral.ImportOptions // what each Import was asked
	removed []string
	// during, when set, runs inside Import after the first record is read.
	during func(ctx context.Context)
	// importErr, when set, is what Import returns without changing anything.
	importErr error
	// exportErr, when set, is returned after Export wrote half its output.
	exportErr error
	// zone is the time zone report every Import returns.
	zone     referral.ZoneReport
	unplaced int // in-person listings without a location, for every Import
}

func newFakeDirectory(groups *fakeGroups, sources ...referral.Source) *fakeDirectory {
	d := &fakeDirectory{groups: groups, sources: map[string]referral.Source{}}
	for _, s := range sources {
		d.sources[s.Name] = s
	}
	return d
}

func (d *fakeDirectory) Import(ctx context.Context, r io.Reader, opts referral.ImportOptions) (*referral.ImportReport, error) {
	d.mu.Lock()
	d.imports = append(d.imports, opts)
	importErr := d.importErr
	d.mu.Unlock()

	report := &referral.ImportReport{Source: opts.Source, Format: "meeting-guide", Zone: d.zone, Unplaced: d.unplaced}
	var names []string
	sc := bufio.NewScanner(r)
	for i := 0; sc.Scan(); i++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "#no-program":
			if opts.Program == "" {
				return nil, referral.Errorf(referral.EINVALID, "The file's listings do not say their program; choose the program of this directory.")
			}
		case strings.HasPrefix(line, "skip:"):
			report.Skipped = append(report.Skipped, referral.RecordNote{Index: i, SourceID: fmt.Sprint("r", i), Field: "day", Text: strings.TrimSpace(line[5:])})
		case strings.HasPrefix(line, "contradiction:"):
			report.Contradictions = append(report.Contradictions, referral.RecordNote{Index: i, SourceID: fmt.Sprint("r", i), Field: "types",
				Text: strings.TrimSpace(strings.TrimPrefix(line, "contradiction:"))})
		case line != "":
			names = append(names, line)
			if referral.ServiceName(line) {
				report.Service++
			}
		}
		if opts.Progress != nil {
			opts.Progress(i + 1)
		}
		if i == 0 && d.during != nil {
			d.during(ctx)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if importErr != nil {
		return nil, importErr
	}
	if err := d.replace(opts, names, report); err != nil {
		return nil, err
	}
	return report, nil
}

// replace makes the source's groups the file's, as one transaction would,
// after the rule the real import applies (referral.Replacement.Check).
func (d *fakeDirectory) replace(opts referral.ImportOptions, names []string, report *referral.ImportReport) error {
	program := opts.Program
	if program == "" {
		program = referral.ProgramAA
	}
	g := d.groups
	g.mu.Lock()
	defer g.mu.Unlock()
	guard := referral.Replacement{Source: opts.Source, Records: len(names) + len(report.Skipped), Listings: len(names), Force: opts.Force}
	for _, x := range g.groups {
		if x.Source == opts.Source && x.Attendance != referral.Inactive {
			guard.Active++
			if !slices.Contains(names, x.Name) {
				guard.Removing++
			}
		}
	}
	if err := guard.Check(); err != nil {
		return err
	}
	for id, x := range g.groups {
		if x.Source == opts.Source && !slices.Contains(names, x.Name) {
			delete(g.groups, id)
			report.Removed++
		}
	}
	for _, name := range names {
		if slices.ContainsFunc(mapValues(g.groups), func(x *referral.Group) bool { return x.Source == opts.Source && x.Name == name }) {
			report.Unchanged++
			continue
		}
		g.nextID++
		g.groups[g.nextID] = &referral.Group{ID: g.nextID, Name: name, Program: program, Source: opts.Source,
			SourceID: name, Attendance: referral.Online, TimeZone: opts.TimeZone, Service: referral.ServiceName(name)}
		report.Added++
	}
	d.mu.Lock()
	d.sources[opts.Source] = referral.Source{Name: opts.Source, Format: "meeting-guide", Groups: len(names), LastImport: testNow}
	d.mu.Unlock()
	return nil
}

func mapValues(m map[int64]*referral.Group) []*referral.Group {
	var out []*referral.Group
	for _, g := range m {
		out = append(out, g)
	}
	return out
}

func (d *fakeDirectory) Export(ctx context.Context, w io.Writer, opts referral.ExportOptions) error {
	fmt.Fprintf(w, "format=%s source=%s\n", opts.Format, opts.Source)
	if opts.WithCuration {
		fmt.Fprintln(w, "with curation")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if d.exportErr != nil {
		return d.exportErr
	}
	for _, name := range d.groups.groupsOf(opts.Source) {
		fmt.Fprintln(w, name)
	}
	return nil
}

func (f *fakeGroups) groupsOf(source string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, g := range f.groups {
		if source == "" || g.Source == source {
			out = append(out, g.Name)
		}
	}
	slices.Sort(out)
	return out
}

func (d *fakeDirectory) Sources(context.Context) ([]referral.Source, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []referral.Source
	for _, s := range d.sources {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b referral.Source) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (d *fakeDirectory) RemoveSource(_ context.Context, name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.sources[name]; !ok {
		return referral.Errorf(referral.ENOTFOUND, "There is no source named %s.", name)
	}
	delete(d.sources, name)
	d.removed = append(d.removed, name)
	g := d.groups
	g.mu.Lock()
	defer g.mu.Unlock()
	for id, x := range g.groups {
		if x.Source == name {
			delete(g.groups, id)
		}
	}
	return nil
}

// directoryFile writes a directory file for the importer to open, as the
// file dialog would hand it over.
func directoryFile(t *testing.T, name string, lines ...string) fyne.URIReadCloser {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// said joins what the top dialog's labels say.
func (h *harness) said() string {
	h.t.Helper()
	return strings.Join(texts(h.dialogOnTop()), " ")
}

func TestImportShowsProgressThenReportAndGrowsTheList(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	var during []string
	h.dirs.during = func(context.Context) {
		during = append(during, h.said())
		capture(t, h.win, "/tmp/import-progress.png")
	}

	h.imp.onFileChosen(directoryFile(t, "AA SEPIA Meetings.json",
		"Tuesday Hope", "Morning Light", "skip: the day “Funday” cannot be read"), "")
	f := h.imp.form
	if f == nil {
		t.Fatal("choosing a file should ask which source it is")
	}
	if f.name.Text != "aa-sepia-meetings" || f.program.Text != "" || f.zone.Text != "" {
		t.Fatalf("form proposes source %q, program %q, zone %q", f.name.Text, f.program.Text, f.zone.Text)
	}
	if !strings.Contains(f.notice.Text, "new source") {
		t.Errorf("for a new source the form says %q", f.notice.Text)
	}
	capture(t, h.win, "/tmp/import-form.png")
	h.tapDialogButton("Import")

	if len(during) != 1 || !strings.Contains(during[0], "Importing AA SEPIA Meetings.json") || !strings.Contains(during[0], "Read 1 listings…") {
		t.Fatalf("while importing the dialog said %q", during)
	}
	opts := h.dirs.imports[0]
	if opts.Source != "aa-sepia-meetings" || opts.Program != "" || opts.TimeZone != "" || opts.Format != "" {
		t.Fatalf("import asked with %+v", opts)
	}

	rep := h.imp.report
	if rep == nil {
		t.Fatal("no report after the import")
	}
	said := h.said()
	for _, want := range []string{"Import finished", "read as Meeting Guide JSON into the source aa-sepia-meetings",
		"added", "Skipped record 3 (r2): the day “Funday” cannot be read [day]"} {
		if !strings.Contains(said, want) {
			t.Errorf("the report does not say %q: %q", want, said)
		}
	}
	if got := countsShown(rep); got["added"] != "2" || got["skipped"] != "1" || got["removed (gone from the file)"] != "0" {
		t.Errorf("report counts %v", got)
	}
	capture(t, h.win, "/tmp/import-report.png")

	h.tapDialogButton("Copy report")
	clip := fyne.CurrentApp().Clipboard().Content()
	for _, want := range []string{"Import of AA SEPIA Meetings.json into aa-sepia-meetings (Meeting Guide JSON)", "2 added", "1 skipped", "“Funday”"} {
		if !strings.Contains(clip, want) {
			t.Errorf("the clipboard lacks %q: %q", want, clip)
		}
	}
	h.tapDialogButton("Close")

	if got := h.listNames(); !slices.Contains(got, "Tuesday Hope") || !slices.Contains(got, "Morning Light") || len(got) != 5 {
		t.Fatalf("after the import the list shows %q", got)
	}
	if len(h.sources.rows) != 1 || h.sources.rows[0].name.Text != "aa-sepia-meetings" {
		t.Fatalf("Sources did not refresh: %d rows", len(h.sources.rows))
	}
}

// countsShown reads the report's counts: label → number.
func countsShown(rep *importReport) map[string]string {
	got := map[string]string{}
	for _, cell := range rep.counts.Objects {
		parts := cell.(*fyne.Container).Objects // label, then number
		got[parts[0].(*widget.Label).Text] = parts[1].(*widget.Label).Text
	}
	return got
}

func TestImportReportSaysTheZone(t *testing.T) {
	h := newHarness(t)
	h.dirs.zone = referral.ZoneReport{Zone: "America/Chicago", Why: referral.ZoneFromPlaces,
		Agree: 201, Places: 206, Own: 12, AtPlace: 190, FromSource: 4}
	h.imp.onFileChosen(directoryFile(t, "chicago.json", "Loop Group"), "")
	h.tapDialogButton("Import")
	const line = "Time zone: America/Chicago, from 201 of 206 meeting places. Of the listings, 12 named their own, 190 took their meeting place's and 4 the source's."
	if said := h.said(); !strings.Contains(said, line) {
		t.Errorf("the report does not say the zone: %q", said)
	}
	if h.imp.report.zoneWarning.Visible() {
		t.Errorf("a zone from the meeting places warns %q", h.imp.report.zoneWarning.Text)
	}
	h.tapDialogButton("Copy report")
	if clip := fyne.CurrentApp().Clipboard().Content(); !strings.Contains(clip, line) {
		t.Errorf("the copied report lacks the zone: %q", clip)
	}
	h.tapDialogButton("Close")

	h.dirs.zone = referral.ZoneReport{Zone: "America/New_York", Why: referral.ZoneFromFallback, FromSource: 3}
	h.imp.onFileChosen(directoryFile(t, "online.json", "Zoom Group"), "")
	h.tapDialogButton("Import")
	capture(t, h.win, "/tmp/import-report-zone.png")
	said := h.said()
	for _, want := range []string{"Time zone: America/New_York, as no zone was set (no meeting place to tell by)",
		"3 listings give no time zone and no meeting place to find one by"} {
		if !strings.Contains(said, want) {
			t.Errorf("a guessed zone's report does not say %q: %q", want, said)
		}
	}
	if w := h.imp.report.zoneWarning; !w.Visible() || w.Importance != widget.WarningImportance {
		t.Error("a guessed zone should show as a warning")
	}
}

func TestImportReportSaysWhatDistanceCannotFind(t *testing.T) {
	h := newHarness(t)
	h.dirs.zone = referral.ZoneReport{Zone: "America/Winnipeg", Why: referral.ZoneFromPlaces, Agree: 3, Places: 3, Own: 3}
	h.dirs.unplaced = 2
	h.imp.onFileChosen(directoryFile(t, "winnipeg.json", "Winnipeg Hope"), "")
	h.tapDialogButton("Import")
	const line = "2 in-person listings have no map location and no ZIP code, so they cannot be found by distance"
	if w := h.imp.report.zoneWarning; !w.Visible() || !strings.Contains(w.Text, line) {
		t.Errorf("the report warns %q (shown %v), want the unplaced listings", w.Text, w.Visible())
	}
	h.tapDialogButton("Copy report")
	if clip := fyne.CurrentApp().Clipboard().Content(); !strings.Contains(clip, line) {
		t.Errorf("the copied report lacks the unplaced listings: %q", clip)
	}
}

func TestLongReportListsSomeAndCopiesAll(t *testing.T) {
	h := newHarness(t)
	r := &referral.ImportReport{Source: "big", Format: "csv", Added: 10}
	for i := range reportNotesShown + 50 {
		r.Repaired = append(r.Repaired, referral.RecordNote{Index: i, Text: fmt.Sprint("time “7:30 PM” read as 19:30 #", i)})
	}
	h.imp.showReport(&importJob{fileName: "big.csv"}, r)
	shown := strings.Split(h.imp.report.notes.Text, "\n")
	if len(shown) != reportNotesShown+1 || shown[len(shown)-1] != "…and 50 more; Copy report has them all." {
		t.Fatalf("the report lists %d lines, ending %q", len(shown), shown[len(shown)-1])
	}
	h.tapDialogButton("Copy report")
	if clip := fyne.CurrentApp().Clipboard().Content(); !strings.Contains(clip, "Repaired record 250: time “7:30 PM” read as 19:30 #249") {
		t.Fatalf("the copied report lacks the last record: …%q", clip[len(clip)-100:])
	}
}

func TestImportOfAKnownSourceSaysItRefreshes(t *testing.T) {
	h := newHarness(t)
	h.dirs.sources["aa-sepia"] = referral.Source{Name: "aa-sepia", Format: "meeting-guide", Groups: 2}
	h.imp.onFileChosen(directoryFile(t, "meetings (3).json", "One"), "aa-sepia")
	f := h.imp.form
	if f.name.Text != "aa-sepia" ||
		f.notice.Text != "This will refresh aa-sepia: listings that vanished from the file are removed, your notes are kept." {
		t.Fatalf("refreshing: name %q, notice %q", f.name.Text, f.notice.Text)
	}
	f.name.SetText("aa-sepia-2")
	if strings.Contains(f.notice.Text, "refresh") {
		t.Errorf("a new name still says %q", f.notice.Text)
	}
	f.name.SetText("manual")
	if f.name.Validate() == nil {
		t.Error("“manual” is the hand-added groups' source; importing into it should be refused")
	}
	h.tapDialogButton("Cancel")
	if len(h.dirs.imports) != 0 || h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Cancel on the form still imported")
	}
}

func TestSourceSlug(t *testing.T) {
	for in, want := range map[string]string{
		"AA SEPIA.json":         "aa-sepia",
		"na_phila--region.csv":  "na-phila-region",
		"Grupos en Español.csv": "grupos-en-español",
		"...json":               "directory",
		"manual.csv":            "directory",
		"2026 feed.v2.json":     "2026-feed-v2",
	} {
		if got := sourceSlug(in); got != want {
			t.Errorf("sourceSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestImportThatNeedsAProgramAsksForIt(t *testing.T) {
	h := newHarness(t)
	h.imp.onFileChosen(directoryFile(t, "alanon.json", "#no-program", "Family Hope Tuesday"), "")
	h.tapDialogButton("Import")

	f := h.imp.form
	if f == nil || f.problem == nil || !strings.Contains(f.problem.Text, "do not say their program") {
		t.Fatalf("a refused import should ask again, saying why; it says %q", h.said())
	}
	capture(t, h.win, "/tmp/import-needs-program.png")
	if f.name.Text != "alanon" {
		t.Errorf("asking again lost the source name: %q", f.name.Text)
	}
	f.program.SetText("al-anon")
	h.tapDialogButton("Import")

	if len(h.dirs.imports) != 2 || h.dirs.imports[1].Program != referral.ProgramAlAnon {
		t.Fatalf("imports asked: %+v", h.dirs.imports)
	}
	if g := h.fake.byName("Family Hope Tuesday"); g == nil || g.Program != referral.ProgramAlAnon {
		t.Fatalf("the second try, reading the file again, did not import: %+v", g)
	}
	if !strings.Contains(h.said(), "Import finished") {
		t.Fatalf("after choosing the program: %q", h.said())
	}
}

func TestCancelDuringImportLeavesTheDirectory(t *testing.T) {
	h := newHarness(t, sampleGroups()...)
	started, done := make(chan struct{}), make(chan struct{})
	h.dirs.during = func(ctx context.Context) {
		close(started)
		<-ctx.Done() // a long import, until Cancel
	}
	h.imp.onFileChosen(directoryFile(t, "big.json", "A", "B", "C"), "")
	h.imp.bg.run = func(f func()) {
		go func() {
			defer close(done)
			f()
		}()
	}
	h.tapDialogButton("Import")
	<-started
	h.tapDialogButton("Cancel")
	<-done

	if said := h.said(); !strings.Contains(said, "Import cancelled; the directory was not changed.") {
		t.Fatalf("after Cancel the window says %q", said)
	}
	if h.fake.count() != 3 || len(h.dirs.sources) != 0 || h.imp.report != nil {
		t.Fatalf("a cancelled import changed the directory: %d groups, sources %v", h.fake.count(), h.dirs.sources)
	}
}

func TestImportErrorSaysWhatToDo(t *testing.T) {
	for name, c := range map[string]struct {
		err        error
		want, hide string
	}{
		"coded":    {referral.Errorf(referral.ECONFLICT, "Another import is running; wait for it to finish."), "Another import is running", ""},
		"internal": {errors.New("sqlite: database is locked (/home/pat/.config/referraldesk/db)"), "Internal error", "sqlite"},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, sampleGroups()...)
			h.dirs.importErr = c.err
			h.imp.onFileChosen(directoryFile(t, "aa.json", "One"), "")
			h.tapDialogButton("Import")
			capture(t, h.win, "/tmp/import-error-"+name+".png")
			said := h.said()
			if !strings.Contains(said, c.want) || !strings.Contains(said, "The directory was not changed") ||
				c.hide != "" && strings.Contains(said, c.hide) {
				t.Fatalf("the error dialog says %q", said)
			}
			if h.fake.count() != 3 {
				t.Fatal("a failed import changed the directory")
			}
		})
	}
}

func TestEmptyDirectoryOffersImport(t *testing.T) {
	h := newHarness(t)
	var labels []string
	for _, o := range h.dir.emptyActions.Objects {
		labels = append(labels, o.(*widget.Button).Text)
	}
	if !slices.Equal(labels, []string{"Add group", "Import…"}) {
		t.Fatalf("the welcome card offers %q", labels)
	}
	if said := strings.Join(texts(h.dir.empty), " "); strings.Contains(said, "coming soon") {
		t.Errorf("the welcome card still says %q", said)
	}
	test.Tap(h.dir.emptyActions.Objects[1].(*widget.Button))
	if h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Import… on the welcome card should open a file dialog")
	}
}
