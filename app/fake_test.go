package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// fakeGroups is an in-memory referral.GroupService. It validates like the
// store does and counts calls so tests can see what reached it.
type fakeGroups struct {
	mu      sync.Mutex
	groups  map[int64]*referral.Group
	nextID  int64
	finds   int
	writes  int
	failErr error // returned by the next write, if set
}

func newFakeGroups(gs ...referral.Group) *fakeGroups {
	f := &fakeGroups{groups: map[int64]*referral.Group{}}
	for i := range gs {
		f.nextID++
		g := clone(&gs[i])
		g.ID = f.nextID
		f.groups[g.ID] = g
	}
	return f
}

func clone(g *referral.Group) *referral.Group {
	c := *g
	c.Sessions = slices.Clone(g.Sessions)
	if g.Place.Coords != nil {
		p := *g.Place.Coords
		c.Place.Coords = &p
	}
	c.Attributes.Languages = slices.Clone(g.Attributes.Languages)
	c.Attributes.Formats = slices.Clone(g.Attributes.Formats)
	return &c
}

func (f *fakeGroups) FindGroupByID(_ context.Context, id int64) (*referral.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[id]
	if !ok {
		return nil, referral.Errorf(referral.ENOTFOUND, "Group %d not found.", id)
	}
	return clone(g), nil
}

func (f *fakeGroups) FindGroupBySourceID(_ context.Context, source, sourceID string) (*referral.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range f.groups {
		if g.Source == source && g.SourceID == sourceID {
			return clone(g), nil
		}
	}
	return nil, referral.Errorf(referral.ENOTFOUND, "Listing %q of %s not found.", sourceID, source)
}

func (f *fakeGroups) FindGroups(ctx context.Context, filter referral.GroupFilter) ([]*referral.Group, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finds++
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	var out []*referral.Group
	for _, g := range f.groups {
		if matches(g, filter) {
			out = append(out, clone(g))
		}
	}
	slices.SortFunc(out, func(a, b *referral.Group) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	total := len(out)
	out = out[min(filter.Offset, len(out)):]
	if filter.Limit > 0 && len(out) > filter.Limit {
		out = out[:filter.Limit]
	}
	return out, total, nil
}

func matches(g *referral.Group, f referral.GroupFilter) bool {
	if g.Curation.Hidden && !f.IncludeHidden || g.Attendance == referral.Inactive && !f.IncludeInactive {
		return false
	}
	if f.Program != "" && g.Program != f.Program || f.Attendance != "" && g.Attendance != f.Attendance {
		return false
	}
	if f.Weekday != nil && !slices.ContainsFunc(g.Sessions, func(s referral.Session) bool { return s.Day == *f.Weekday }) {
		return false
	}
	if !f.UpdatedBefore.IsZero() && (g.Updated.IsZero() || !g.Updated.Before(f.UpdatedBefore)) {
		return false
	}
	text := fold(strings.Join([]string{g.Name, g.Place.Location, g.Place.Address, g.Place.City, g.Notes}, " "))
	return strings.Contains(text, fold(f.Text))
}

var unaccent = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ñ", "n")

func fold(s string) string { return unaccent.Replace(strings.ToLower(s)) }

func (f *fakeGroups) write(g *referral.Group, create bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failErr; err != nil {
		f.failErr = nil
		return err
	}
	if err := g.Validate(); err != nil {
		return err
	}
	if create {
		f.nextID++
		g.ID = f.nextID
		if g.Source == "" {
			g.Source, g.SourceID = referral.SourceManual, "manual-"+g.Name
		}
	} else if _, ok := f.groups[g.ID]; !ok {
		return referral.Errorf(referral.ENOTFOUND, "Group %d not found.", g.ID)
	}
	f.writes++
	f.groups[g.ID] = clone(g)
	return nil
}

func (f *fakeGroups) CreateGroup(_ context.Context, g *referral.Group) error { return f.write(g, true) }
func (f *fakeGroups) UpdateGroup(_ context.Context, g *referral.Group) error {
	return f.write(g, false)
}

func (f *fakeGroups) DeleteGroup(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.groups[id]; !ok {
		return referral.Errorf(referral.ENOTFOUND, "Group %d not found.", id)
	}
	f.writes++
	delete(f.groups, id)
	return nil
}

func (f *fakeGroups) SetCuration(_ context.Context, id int64, c referral.Curation) (*referral.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[id]
	if !ok {
		return nil, referral.Errorf(referral.ENOTFOUND, "Group %d not found.", id)
	}
	g.Curation = c
	return clone(g), nil
}

func (f *fakeGroups) byName(name string) *referral.Group {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range f.groups {
		if g.Name == name {
			return clone(g)
		}
	}
	return nil
}

func (f *fakeGroups) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.groups)
}

// fakeZones is a referral.ZoneFinder that knows the zone at a few points
// and counts the questions. With strict set, any question fails the test:
// a window whose machine or settings name the zone must not load the map.
type fakeZones struct {
	t      *testing.T
	strict bool

	mu    sync.Mutex
	at    map[referral.Point]string
	asked []referral.Point
}

// newFakeZones knows the zones at the given points.
func newFakeZones(t *testing.T, at map[referral.Point]string) *fakeZones {
	return &fakeZones{t: t, at: at}
}

// noZones is a finder no test should need to ask.
func noZones(t *testing.T) *fakeZones { return &fakeZones{t: t, strict: true} }

func (f *fakeZones) ZoneAt(p referral.Point) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.strict {
		f.t.Errorf("the zone map was asked about %v though the zone is known", p)
	}
	f.asked = append(f.asked, p)
	return f.at[p]
}

func (f *fakeZones) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.asked)
}

// timers is a fake clock for background.after: nothing fires until the test
// says so.
type timers struct{ pending []*timer }

type timer struct {
	f       func()
	d       time.Duration
	stopped bool
}

func (ts *timers) after(d time.Duration, f func()) func() {
	t := &timer{f: f, d: d}
	ts.pending = append(ts.pending, t)
	return func() { t.stopped = true }
}

// waiting returns how long each timer neither fired nor stopped was set for.
func (ts *timers) waiting() []time.Duration {
	var out []time.Duration
	for _, t := range ts.pending {
		if !t.stopped {
			out = append(out, t.d)
		}
	}
	return out
}

// waitingBesidesWatch is waiting without the window's watch for other
// writers, which always has its next look set.
func (ts *timers) waitingBesidesWatch() []time.Duration {
	var out []time.Duration
	for _, d := range ts.waiting() {
		if d != watchEvery {
			out = append(out, d)
		}
	}
	return out
}

// fire runs every timer not stopped and reports how many ran.
func (ts *timers) fire() int {
	n := 0
	pending := ts.pending
	ts.pending = nil
	for _, t := range pending {
		if !t.stopped {
			t.f()
			n++
		}
	}
	return n
}

var testNow = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

// harness is the main window on the test driver with a synchronous
// background, so every query has finished when a tap returns.
type harness struct {
	t      *testing.T
	win    fyne.Window
	main   *mainWindow
	dir    *directoryScreen
	fake   *fakeGroups
	timers *timers

	dirs    *fakeDirectory     // the directory service, over fake
	subs    *fakeSubscriptions // the subscription service, over dirs
	locate  *fakeLocator
	imp     *importer
	exp     *exporter
	sources *sourcesScreen
}

func newHarness(t *testing.T, gs ...referral.Group) *harness {
	t.Helper()
	a := startedBefore(t)
	h := &harness{t: t, fake: newFakeGroups(gs...), timers: &timers{}}
	h.dirs = newFakeDirectory(h.fake)
	h.subs = newFakeSubscriptions(h.dirs)
	h.locate = &fakeLocator{zips: map[string]referral.ZIPLocation{"19107": {Point: center, ZCTA: "19107"}}}
	bg := background{run: func(f func()) { f() }, after: h.timers.after}
	// This computer names its zone, so the first start asks nothing.
	h.main = newMainWindow(a, complete(t, Services{Groups: h.fake, Directory: h.dirs, Subscriptions: h.subs, Locate: h.locate, Places: fakePlaces{}, Zones: noZones(t),
		MachineZone: "America/New_York"}), bg)
	h.win, h.dir = h.main.win, h.main.directory
	h.sources, h.imp, h.exp = h.main.sources, h.main.sources.importer, h.main.sources.exporter
	h.sources.loc = time.UTC
	for _, tab := range h.main.tabs.Items { // the window opens on Referral
		if tab.Content == h.dir.content {
			h.main.tabs.Select(tab)
		}
	}
	h.dir.now = func() time.Time { return testNow }
	closeAtEnd(t, h.win)
	h.win.Resize(fyne.NewSize(1180, 760))
	return h
}

// closeAtEnd closes w when the test ends, unless the test closed it.
func closeAtEnd(t *testing.T, w fyne.Window) {
	t.Cleanup(func() {
		inner := w
		if d, ok := w.(*deskWindow); ok {
			inner = d.Window
		}
		if slices.Contains(fyne.CurrentApp().Driver().AllWindows(), inner) {
			w.Close()
		}
	})
}

// visible walks what the canvas shows, through each widget's live renderer,
// skipping hidden objects.
func visible(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			visible(child, visit)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			visible(child, visit)
		}
	}
}

// texts returns the text of every visible label in o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	visible(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text != "" {
			out = append(out, l.Text)
		}
	})
	return out
}

// dialogOnTop returns the topmost overlay (a dialog), failing if none shows.
func (h *harness) dialogOnTop() fyne.CanvasObject {
	h.t.Helper()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no dialog is showing")
	}
	return top
}

// tapDialogButton taps the button labelled text in the top dialog.
func (h *harness) tapDialogButton(text string) {
	h.t.Helper()
	var b *widget.Button
	visible(h.dialogOnTop(), func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && x.Text == text {
			b = x
		}
	})
	if b == nil {
		h.t.Fatalf("dialog has no %q button; it says %q", text, texts(h.dialogOnTop()))
	}
	test.Tap(b)
}

// listNames returns the names the list rows show.
func (h *harness) listNames() []string {
	var names []string
	visible(h.dir.list, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Bold && l.Text != "" {
			names = append(names, l.Text)
		}
	})
	slices.Sort(names)
	return names
}

// fakePlaces completes from a few towns, as a directory of them would.
type fakePlaces struct{}

var fakeTowns = []string{"Philadelphia", "Phoenixville", "Media", "Edmonton"}

func (fakePlaces) Places(_ context.Context, prefix string, limit int) ([]string, error) {
	var out []string
	for _, t := range fakeTowns {
		if len(out) < limit && strings.HasPrefix(referral.PlaceKey(t), referral.PlaceKey(prefix)) {
			out = append(out, t)
		}
	}
	return out, nil
}

// fakeSubscriptions is an in-memory referral.SubscriptionService over a
// fakeDirectory: each address serves a "file" the fakeDirectory reads (one
// group name a line), or fails with the error the test gives it. It
// records every attempt as the store does.
type fakeSubscriptions struct {
	dir *fakeDirectory

	mu     sync.Mutex
	subs   map[string]referral.Subscription
	feeds  map[string]string // address → what it serves
	fail   map[string]error  // address → why fetching it fails
	asked  []referral.Subscription
	forced []bool     // RefreshOptions.Force of each Subscribe and Refresh
	ran    [][]string // the names each Refresh was given
	// during, when set, runs inside each fetch, with the progress shown.
	during func(ctx context.Context)
}

func newFakeSubscriptions(dir *fakeDirectory) *fakeSubscriptions {
	return &fakeSubscriptions{dir: dir, subs: map[string]referral.Subscription{}, feeds: map[string]string{}, fail: map[string]error{}}
}

// serve makes url answer with one group name a line.
func (f *fakeSubscriptions) serve(url string, names ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feeds[url] = strings.Join(names, "\n")
	delete(f.fail, url)
}

// failWith makes fetching url fail with err.
func (f *fakeSubscriptions) failWith(url string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[url] = err
}

// fetch fetches sub's address and imports it as the real service does.
func (f *fakeSubscriptions) fetch(ctx context.Context, sub referral.Subscription, opts referral.RefreshOptions) *referral.RefreshReport {
	report := &referral.RefreshReport{Source: sub.Source, URL: sub.URL}
	f.mu.Lock()
	body, ok := f.feeds[sub.URL]
	failure := f.fail[sub.URL]
	during := f.during
	f.mu.Unlock()
	if opts.Progress != nil {
		opts.Progress(referral.RefreshProgress{Source: sub.Source, Bytes: int64(len(body)), Total: int64(len(body))})
	}
	if during != nil {
		during(ctx)
	}
	if !ok && failure == nil {
		failure = referral.Errorf(referral.ENOTFOUND, "the feed is not at that address any more (404); check the address")
	}
	if failure != nil {
		report.Status, report.Err = referral.RefreshFailed, failure
		return report
	}
	imported, err := f.dir.Import(ctx, strings.NewReader(body), sub.ImportOptions(opts.Force))
	if err != nil {
		report.Status, report.Err = referral.RefreshFailed, err
		return report
	}
	report.Status, report.Import = referral.RefreshUpdated, imported
	return report
}

func (f *fakeSubscriptions) Subscribe(ctx context.Context, sub referral.Subscription, opts referral.RefreshOptions) (*referral.RefreshReport, error) {
	f.mu.Lock()
	f.asked = append(f.asked, sub)
	f.forced = append(f.forced, opts.Force)
	f.mu.Unlock()
	if err := sub.Validate(); err != nil {
		return nil, err
	}
	report := f.fetch(ctx, sub, opts)
	if report.Err != nil {
		return report, report.Err
	}
	sub.LastSuccess, sub.LastAttempt, sub.LastStatus, sub.LastResult = testNow, testNow, report.Status, report.Result()
	f.mu.Lock()
	f.subs[sub.Source] = sub
	f.mu.Unlock()
	return report, nil
}

func (f *fakeSubscriptions) Refresh(ctx context.Context, sources []string, opts referral.RefreshOptions) ([]referral.RefreshReport, error) {
	f.mu.Lock()
	f.ran = append(f.ran, slices.Clone(sources))
	f.forced = append(f.forced, opts.Force)
	names := slices.Clone(sources)
	if len(names) == 0 {
		for name := range f.subs {
			names = append(names, name)
		}
		slices.Sort(names)
	}
	var subs []referral.Subscription
	for _, name := range names {
		sub, ok := f.subs[name]
		if !ok {
			f.mu.Unlock()
			return nil, referral.Errorf(referral.ENOTFOUND, "the source %q is not subscribed to an address", name)
		}
		subs = append(subs, sub)
	}
	f.mu.Unlock()
	var reports []referral.RefreshReport
	for _, sub := range subs {
		if ctx.Err() != nil {
			return reports, ctx.Err()
		}
		report := f.fetch(ctx, sub, opts)
		if report.Status == referral.RefreshFailed && ctx.Err() != nil {
			return reports, ctx.Err() // cancelled: no attempt recorded
		}
		f.mu.Lock()
		sub.LastAttempt, sub.LastStatus, sub.LastResult = testNow, report.Status, report.Result()
		if report.Status != referral.RefreshFailed {
			sub.LastSuccess = testNow
		}
		f.subs[sub.Source] = sub
		f.mu.Unlock()
		reports = append(reports, *report)
	}
	return reports, nil
}

func (f *fakeSubscriptions) Subscriptions(context.Context) ([]referral.Subscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []referral.Subscription
	for _, s := range f.subs {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b referral.Subscription) int { return strings.Compare(a.Source, b.Source) })
	return out, nil
}

func (f *fakeSubscriptions) Unsubscribe(_ context.Context, source string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[source]; !ok {
		return referral.Errorf(referral.ENOTFOUND, "the source %q is not subscribed to any address", source)
	}
	delete(f.subs, source)
	return nil
}

// change edits the stored group id as another program would, behind the
// window's back.
func (f *fakeGroups) change(id int64, edit func(g *referral.Group)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	edit(f.groups[id])
}

// add stores g as another program would, and returns its ID.
func (f *fakeGroups) add(g referral.Group) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	c := clone(&g)
	c.ID = f.nextID
	f.groups[c.ID] = c
	return c.ID
}

// remove deletes the stored group id as another program would.
func (f *fakeGroups) remove(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.groups, id)
}

// fakeChanges is a referral.ChangeWatcher whose version moves when a test
// says something was committed.
type fakeChanges struct {
	mu      sync.Mutex
	version int64
	asked   int
	err     error // returned by Version, if set
}

func (f *fakeChanges) Version(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	return f.version, f.err
}

// commit moves the version, as any commit to the database does.
func (f *fakeChanges) commit() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.version++
}

func (f *fakeChanges) questions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked
}

// fakeBackups is an in-memory referral.BackupService: a list of copies, a
// damage verdict, refusals by path, and what a restore does to the other
// fakes (restore, run inside Restore).
type fakeBackups struct {
	mu       sync.Mutex
	list     []referral.Backup // newest first
	damage   error             // what Check says
	refuse   map[string]error  // Restore of this path fails with this
	restore  func()            // what restoring a copy does to the data
	groups   int               // listings a restored copy holds
	restored []string
	made     int
}

func newFakeBackups(list ...referral.Backup) *fakeBackups {
	return &fakeBackups{list: list, refuse: map[string]error{}}
}

func (f *fakeBackups) BackUp(_ context.Context, path string) (referral.Backup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.take(path, false, ""), nil
}

// take makes a copy, newest first; the lock is held.
func (f *fakeBackups) take(path string, automatic bool, why string) referral.Backup {
	f.made++
	if path == "" {
		path = fmt.Sprintf("/home/dana/.config/referraldesk/backups/copy-%d.db", f.made)
	}
	b := referral.Backup{Path: path, Taken: testNow.Add(time.Duration(f.made) * time.Hour), Size: int64(f.made) * 150_000,
		Automatic: automatic, Why: why}
	f.list = append([]referral.Backup{b}, f.list...)
	return b
}

func (f *fakeBackups) Backups(context.Context) ([]referral.Backup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.list), nil
}

func (f *fakeBackups) Restore(_ context.Context, path string) (referral.RestoreReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.refuse[path]; err != nil {
		return referral.RestoreReport{}, err
	}
	prev := f.take("", true, "before restoring "+filepath.Base(path))
	f.restored = append(f.restored, path)
	f.damage = nil
	if f.restore != nil {
		f.restore()
	}
	return referral.RestoreReport{From: path, Previous: prev, Groups: f.groups}, nil
}

func (f *fakeBackups) Check(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.damage
}

// byID returns the stored group id, or nil.
func (f *fakeGroups) byID(id int64) *referral.Group {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.groups[id]; ok {
		return clone(g)
	}
	return nil
}

// startedBefore is the app of a desk that has started before: the first
// start's form about the clinic was answered, so it does not cover the
// window the test drives (zone_test.go tests the form itself).
func startedBefore(t *testing.T) fyne.App {
	a := test.NewTempApp(t)
	a.Preferences().SetBool(askedClinicKey, true)
	return a
}

// complete gives a window every service, as the program does: those the
// test did not set are fakes that answer as an empty store would.
func complete(t *testing.T, s Services) Services {
	if s.Groups == nil {
		s.Groups = newFakeGroups()
	}
	if s.Match == nil {
		s.Match = &fakeMatch{}
	}
	if s.Locate == nil {
		s.Locate = &fakeLocator{}
	}
	if s.Places == nil {
		s.Places = fakePlaces{}
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Zones == nil {
		s.Zones = noZones(t)
	}
	if s.Directory == nil {
		s.Directory = newFakeDirectory(newFakeGroups())
	}
	if s.Subscriptions == nil {
		s.Subscriptions = newFakeSubscriptions(newFakeDirectory(newFakeGroups()))
	}
	if s.Settings == nil {
		s.Settings = &fakeSettings{s: referral.DefaultSettings()}
	}
	if s.History == nil {
		s.History = newFakeHistory()
	}
	if s.Sheets == nil {
		s.Sheets = &fakeSheets{pages: 1}
	}
	if s.Changes == nil {
		s.Changes = &fakeChanges{}
	}
	if s.Backups == nil {
		s.Backups = newFakeBackups()
	}
	return s
}
