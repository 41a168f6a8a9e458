package app

import (
	"context"
	"errors"
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

// fakeMatch is a referral.MatchService over groups held in memory. It runs
// the real domain matcher, so the tests read real reasons and widenings.
type fakeMatch struct {
	mu     sync.Mutex
	groups []*referral.Group
	calls  int
	last   referral.Needs
	err    error // returned instead of a result, if set
}

func (f *fakeMatch) Match(ctx context.Context, needs referral.Needs, now time.Time) (referral.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.last = needs
	if f.err != nil {
		return referral.Result{}, f.err
	}
	if err := ctx.Err(); err != nil {
		return referral.Result{}, err
	}
	return referral.Match(needs, f.groups, now), nil
}

// fakeLocator knows a few ZIP codes.
type fakeLocator struct {
	zips  map[string]referral.ZIPLocation
	calls []string
}

func (f *fakeLocator) LocateZIP(zip string) (referral.ZIPLocation, error) {
	f.calls = append(f.calls, zip)
	if l, ok := f.zips[zip]; ok {
		return l, nil
	}
	return referral.ZIPLocation{}, referral.Errorf(referral.ENOTFOUND,
		"ZIP %s is not a US ZIP code we know; check it, or use the ZIP of a nearby town", zip)
}

var (
	newYork = mustZone("America/New_York")
	// referralNow is a Tuesday morning in Philadelphia.
	referralNow = time.Date(2026, 3, 10, 9, 0, 0, 0, newYork)
	center      = referral.Point{Lat: 39.9526, Lon: -75.1652} // ZIP 19107
)

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// nearby is a point about miles north of the center (1° of latitude ≈ 69 mi).
func nearby(miles float64) *referral.Point {
	return &referral.Point{Lat: center.Lat + miles/69, Lon: center.Lon}
}

func at(day time.Weekday, hour int) []referral.Session {
	return []referral.Session{{Day: day, Start: referral.Clock(hour * 60), End: referral.Clock(hour*60 + 60)}}
}

func directoryGroups() []*referral.Group {
	updated := referralNow.AddDate(0, -1, 0)
	inPerson := func(id int64, name string, p referral.Program, miles float64, s []referral.Session) *referral.Group {
		return &referral.Group{ID: id, Name: name, Program: p, Attendance: referral.InPerson, Sessions: s,
			TimeZone: "America/New_York", Updated: updated,
			Place: referral.Place{City: "Philadelphia", Coords: nearby(miles)}}
	}
	gs := []*referral.Group{
		inPerson(1, "Serenity Seekers", referral.ProgramNA, 0.5, at(time.Tuesday, 19)),
		inPerson(2, "Morning Light", referral.ProgramAA, 1.2, at(time.Wednesday, 7)),
		inPerson(3, "Sunday Hope", referral.ProgramSMART, 4, at(time.Sunday, 10)),
		inPerson(4, "Women's Circle", referral.ProgramNA, 2, at(time.Thursday, 18)),
		inPerson(5, "Valley Forge NA", referral.ProgramNA, 12, at(time.Tuesday, 19)),
		inPerson(6, "Grupo Esperanza", referral.ProgramNA, 3, at(time.Saturday, 11)),
		inPerson(7, "Hope for Families", referral.ProgramNarAnon, 1, at(time.Wednesday, 19)),
		inPerson(8, "Old Listing", referral.ProgramCA, 2.5, at(time.Friday, 12)),
		{ID: 9, Name: "MAR Online", Program: referral.ProgramMAR, Attendance: referral.Online,
			Sessions: at(time.Friday, 20), TimeZone: "America/Chicago", Updated: updated,
			Online: referral.OnlineAccess{URL: "https://meet.example.org/mar"}},
	}
	gs[3].Attributes.Audience = referral.WomenOnly
	gs[5].Attributes.Languages = []string{"es"}
	gs[7].Updated = time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
	return gs
}

// referralHarness is the main window on the test driver with a synchronous
// background and fake timers, opened on the Referral tab.
type referralHarness struct {
	t      *testing.T
	win    fyne.Window
	main   *mainWindow
	s      *referralScreen
	f      *needsForm
	match  *fakeMatch
	locate *fakeLocator
	timers *timers
}

// newReferralHarness builds the window; with adds services the tests of
// other areas need.
func newReferralHarness(t *testing.T, groups []*referral.Group, with ...func(*Services)) *referralHarness {
	t.Helper()
	a := startedBefore(t)
	h := &referralHarness{t: t, timers: &timers{}, match: &fakeMatch{groups: groups},
		locate: &fakeLocator{zips: map[string]referral.ZIPLocation{
			"19107": {Point: center, ZCTA: "19107"},
			"19199": {Point: center, ZCTA: "19147", Approximate: true},
		}}}
	bg := background{run: func(f func()) { f() }, after: h.timers.after}
	// The machine is in Philadelphia's zone, so the first start asks nothing
	// and matches never need the zone map.
	// The directory holds the groups the matcher matches, so the screen
	// does not take it for empty.
	var listed []referral.Group
	for _, g := range groups {
		listed = append(listed, *g)
	}
	s := Services{Groups: newFakeGroups(listed...), Match: h.match, Locate: h.locate, Places: fakePlaces{}, Zones: noZones(t),
		MachineZone: "America/New_York", Now: func() time.Time { return referralNow },
		Directory: newFakeDirectory(newFakeGroups())}
	s.Subscriptions = newFakeSubscriptions(s.Directory.(*fakeDirectory))
	for _, w := range with {
		w(&s)
	}
	h.main = newMainWindow(a, complete(t, s), bg)
	h.win, h.s = h.main.win, h.main.referral
	h.f = h.s.form
	closeAtEnd(t, h.win)
	h.win.Resize(fyne.NewSize(1180, 760))
	return h
}

// settle lets the debounce pass, so the match for the current needs runs.
func (h *referralHarness) settle() {
	h.t.Helper()
	h.timers.fire()
}

// typeZIP types a ZIP into the form and lets the match run.
func (h *referralHarness) typeZIP(zip string) {
	h.t.Helper()
	h.f.zip.SetText("")
	test.Type(h.f.zip, zip)
	h.settle()
}

func (h *referralHarness) names() []string {
	var out []string
	for _, c := range h.s.cards {
		out = append(out, c.cand.Group.Name)
	}
	return out
}

func (h *referralHarness) notice() string {
	if !h.s.notice.Visible() {
		return ""
	}
	return h.s.noticeTitle.Text + "\n" + h.s.noticeText.Text
}

func (h *referralHarness) card(name string) *candidateCard {
	h.t.Helper()
	for _, c := range h.s.cards {
		if c.cand.Group.Name == name {
			return c
		}
	}
	h.t.Fatalf("no card for %q; the list shows %q", name, h.names())
	return nil
}

func TestReferralTabComesFirst(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	items := h.main.tabs.Items
	if len(items) < 2 || items[0].Text != "Referral" || items[1].Text != "Directory" {
		var got []string
		for _, it := range items {
			got = append(got, it.Text)
		}
		t.Fatalf("tabs are %q, want Referral first and Directory after it", got)
	}
	if h.main.tabs.Selected() != items[0] {
		t.Error("the window should open on the Referral tab")
	}
	if got := h.notice(); !strings.Contains(got, "ZIP code") {
		t.Errorf("before a ZIP is typed the results side says %q, want a hint to enter the ZIP code", got)
	}
}

func TestReferralDefaults(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	n, _, _ := h.f.read()
	if !slices.Equal(n.Substances, []referral.Substance{referral.SubstanceOpioids}) {
		t.Errorf("substances %v, want opioids ticked first", n.Substances)
	}
	if h.f.substances[0].Text != "Opioids" {
		t.Errorf("first substance is %q, want Opioids", h.f.substances[0].Text)
	}
	if n.MaxMiles != 10 || n.Limit != 5 || n.Attend != referral.AttendEither || n.For != referral.ForSelf {
		t.Errorf("defaults: %v miles, limit %d, attend %q, for %q", n.MaxMiles, n.Limit, n.Attend, n.For)
	}
	if len(n.Days) != 0 || len(n.Times) != 0 {
		t.Error("no day or time should be ticked at first: any day, any time")
	}
	for _, c := range h.f.times {
		if !strings.ContainsAny(c.Text, "0123456789") {
			t.Errorf("time band %q should show its hours", c.Text)
		}
	}
}

func TestReferralZIPWithLetters(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("19a07")
	if got := h.f.zipStatus.Text; !h.f.zipStatus.Visible() || !strings.Contains(got, "5 digits") {
		t.Errorf("ZIP status says %q, want that a ZIP is 5 digits", got)
	}
	if len(h.locate.calls) != 0 || h.match.calls != 0 {
		t.Fatalf("a ZIP with letters was looked up %d times and matched %d times, want neither", len(h.locate.calls), h.match.calls)
	}
	if got := h.notice(); !strings.Contains(got, "5 digits") {
		t.Errorf("results side says %q, want the ZIP message", got)
	}
	if len(h.s.cards) != 0 {
		t.Error("no group should be listed for a bad ZIP")
	}
}

func TestReferralZIPCheckedAsTyped(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	test.Type(h.f.zip, "191")
	if len(h.locate.calls) != 0 || h.f.zipStatus.Importance == widget.DangerImportance {
		t.Fatal("three digits are not a mistake yet and should not be looked up")
	}
	test.Type(h.f.zip, "07")
	if !slices.Equal(h.locate.calls, []string{"19107"}) || h.f.zipStatus.Text != "ZIP found" {
		t.Fatalf("after 5 digits: lookups %q, status %q", h.locate.calls, h.f.zipStatus.Text)
	}
	test.Type(h.f.zip, "9")
	if h.f.zipStatus.Importance != widget.DangerImportance || h.f.origin != nil {
		t.Errorf("six digits should be refused at once; status %q", h.f.zipStatus.Text)
	}

	h.typeZIP("00000")
	if got := h.f.zipStatus.Text; !strings.Contains(got, "not a US ZIP code we know") {
		t.Errorf("unknown ZIP: status %q, want the Locator's message", got)
	}
	if h.match.calls != 0 || !strings.Contains(h.notice(), "not a US ZIP code") {
		t.Errorf("unknown ZIP: %d matches, results side %q", h.match.calls, h.notice())
	}

	h.typeZIP("19199")
	if got := h.f.zipStatus.Text; !strings.Contains(got, "nearest ZIP area used") {
		t.Errorf("approximate ZIP: status %q", got)
	}
	if len(h.s.cards) == 0 {
		t.Error("an approximate ZIP should still list groups")
	}
}

func TestReferralGoodZIPShowsResults(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	test.Type(h.f.zip, "19107")
	if h.match.calls != 0 {
		t.Fatal("the match should wait for the counselor to pause")
	}
	h.settle()
	if h.match.calls != 1 {
		t.Fatalf("%d matches after one pause, want 1", h.match.calls)
	}
	if got := len(h.s.cards); got != 5 {
		t.Fatalf("%d cards (%q), want the default 5", got, h.names())
	}
	capture(t, h.win, "/tmp/referral.png") // for a person to look at, with REFERRALDESK_CAPTURE=1
	if got := h.s.count.Text; !strings.Contains(got, "groups fit") {
		t.Errorf("count says %q", got)
	}
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
	if list, head := abs(h.s.list).Y, abs(h.s.header).Y+h.s.header.MinSize().Height; list < head {
		t.Errorf("the list starts at y=%v, under the count over it (to y=%v)", list, head)
	}
	c := h.card("Serenity Seekers")
	if got, want := c.title.Text, "NA (Narcotics Anonymous) · Serenity Seekers"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if got, want := c.when.Text, "Tue 7:00 PM EDT · today"; got != want {
		t.Errorf("next meeting %q, want %q", got, want)
	}
	if got := c.distance.Text; got != "0.5 mi" {
		t.Errorf("distance %q, want 0.5 mi", got)
	}
	if !strings.Contains(c.reasons.Text, "Tuesday evening") || !strings.Contains(c.reasons.Text, "0.5 mi away") {
		t.Errorf("reasons %q should say when and how far", c.reasons.Text)
	}
	shown := texts(h.s.content)
	if !slices.Contains(shown, c.reasons.Text) {
		t.Error("the reasons are not on screen")
	}
	h.f.limit.SetSelected("10")
	h.settle()
	old := h.card("Old Listing")
	if len(old.cautions) == 0 || !strings.Contains(old.cautions[0].Text, "not updated since 2021") {
		t.Errorf("an old listing should carry a caution, has %d", len(old.cautions))
	}
}

func TestReferralOnlineCard(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.f.attend.SetSelected("Online")
	h.settle()
	if got := h.names(); !slices.Equal(got, []string{"MAR Online"}) {
		t.Fatalf("online only, no ZIP: list %q", got)
	}
	c := h.card("MAR Online")
	if c.distance.Text != "online" || !strings.Contains(c.when.Text, "Fri 8:00 PM CDT · in 3 days") {
		t.Errorf("online card: distance %q, next meeting %q", c.distance.Text, c.when.Text)
	}
}

func TestReferralNeedsChangeResults(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.f.limit.SetSelected("10")
	h.typeZIP("19107")
	if slices.Contains(h.names(), "Valley Forge NA") {
		t.Fatal("a group 12 miles away is listed within 10 miles")
	}
	h.f.miles.SetText("15")
	h.settle()
	if !slices.Contains(h.names(), "Valley Forge NA") {
		t.Fatalf("within 15 miles the list %q should hold Valley Forge NA", h.names())
	}
	if h.match.last.MaxMiles != 15 {
		t.Errorf("matched with %v miles", h.match.last.MaxMiles)
	}

	test.Tap(h.f.days[time.Sunday])
	h.settle()
	if got := h.names(); !slices.Equal(got, []string{"Sunday Hope"}) {
		t.Fatalf("Sundays only: list %q", got)
	}
	if !slices.Equal(h.match.last.Days, []time.Weekday{time.Sunday}) {
		t.Errorf("matched with days %v", h.match.last.Days)
	}

	calls := h.match.calls
	test.Tap(h.f.days[time.Sunday])
	test.Tap(h.f.days[time.Tuesday])
	test.Tap(h.f.times[2]) // evening
	if h.timers.fire(); h.match.calls != calls+1 {
		t.Fatalf("three quick changes ran %d debounced matches, want 1", h.match.calls-calls)
	}
	if got := h.names(); !slices.Equal(got, []string{"Serenity Seekers", "Valley Forge NA"}) {
		t.Errorf("Tuesday evening: list %q", got)
	}
}

func TestReferralBadDistance(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("19107")
	for _, miles := range []string{"0", "10000", "far"} {
		calls := h.match.calls
		h.f.miles.SetText(miles)
		h.settle()
		p := h.f.problems["MaxMiles"]
		if !p.Visible() || !strings.Contains(p.Text, "istance") || h.match.calls != calls {
			t.Errorf("distance %q: message %q (shown %v), %d matches", miles, p.Text, p.Visible(), h.match.calls-calls)
		}
		if !strings.Contains(h.notice(), "istance") {
			t.Errorf("distance %q: results side says %q", miles, h.notice())
		}
	}
	h.f.miles.SetText("5")
	h.settle()
	if h.f.problems["MaxMiles"].Visible() || len(h.s.cards) == 0 {
		t.Error("a good distance should clear the message and list groups again")
	}
}

func TestReferralContradiction(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("19107")
	calls := h.match.calls
	h.f.gender.SetSelected("Man")
	test.Tap(h.f.womenOnly)
	h.settle()
	p := h.f.problems["WomenOnly"]
	want := "Women-only groups cannot be offered to a man"
	if !p.Visible() || !strings.Contains(p.Text, want) {
		t.Errorf("man + women-only: form says %q, want %q", p.Text, want)
	}
	if !strings.Contains(h.notice(), want) {
		t.Errorf("results side says %q", h.notice())
	}
	capture(t, h.win, "/tmp/referral-problems.png")
	// The change of gender alone matched; the contradiction did not.
	if h.match.calls != calls+1 && h.match.calls != calls {
		t.Errorf("%d matches ran", h.match.calls-calls)
	}
	if h.match.last.WomenOnly {
		t.Error("contradictory needs reached the matcher")
	}
	test.Tap(h.f.womenOnly)
	h.settle()
	if p.Visible() || len(h.s.cards) == 0 {
		t.Error("unticking women-only should clear the message and list groups")
	}
}

func TestReferralPreTicksAndTicksSurviveReRanking(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("19107")
	for i, c := range h.s.cards {
		if c.check.Checked != (i < 3) {
			t.Errorf("card %d (%s) ticked=%v; the top 3 should be ticked", i, c.cand.Group.Name, c.check.Checked)
		}
	}
	first, fourth := h.s.cards[0].cand.Group.Name, h.s.cards[3].cand.Group.Name
	test.Tap(h.s.cards[0].check)
	test.Tap(h.s.cards[3].check)

	// Asking for Alcohol and a 12-step approach re-ranks the list.
	before := h.names()
	test.Tap(h.f.substances[1])
	h.f.approach.SetSelected("12-step")
	h.f.limit.SetSelected("8")
	h.settle()
	if slices.Equal(before, h.names()[:min(len(before), len(h.names()))]) {
		t.Logf("order did not change: %q", h.names())
	}
	if h.card(first).check.Checked {
		t.Errorf("%s was unticked by the counselor and came back ticked", first)
	}
	if !h.card(fourth).check.Checked {
		t.Errorf("%s was ticked by the counselor and lost its tick", fourth)
	}
	var chosen []string
	for _, c := range h.s.chosen() {
		chosen = append(chosen, c.Group.Name)
	}
	var want []string
	for _, c := range h.s.cards {
		if c.check.Checked {
			want = append(want, c.cand.Group.Name)
		}
	}
	if !slices.Equal(chosen, want) || !slices.Contains(chosen, fourth) || slices.Contains(chosen, first) {
		t.Errorf("chosen %q, want the ticked cards %q", chosen, want)
	}
}

func TestReferralNothingFits(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("19107")
	h.f.miles.SetText("5")
	test.Tap(h.f.days[time.Tuesday])
	test.Tap(h.f.times[2]) // evening
	h.f.attend.SetSelected("In person")
	test.Tap(h.f.wheelchair)
	h.settle()
	if len(h.s.cards) != 0 {
		t.Fatalf("nothing should fit, the list shows %q", h.names())
	}
	got := h.notice()
	if !strings.Contains(got, "No group fits") || !strings.Contains(got, "Most left out:") {
		t.Errorf("nothing fits: results side says %q", got)
	}
	capture(t, h.win, "/tmp/referral-nothing.png")

	if !strings.Contains(got, "Most left out: no wheelchair access, ASL or childcare listed") {
		t.Errorf("wheelchair access turned most groups away, but the results side says %q", got)
	}

	// Without the wheelchair need, a short distance is what rules most
	// groups out, and a wider one would bring one in.
	test.Tap(h.f.wheelchair)
	h.f.miles.SetText("1")
	h.settle()
	if len(h.s.cards) != 1 {
		t.Fatalf("Tuesday evening within 1 mile: list %q", h.names())
	}
	h.f.miles.SetText("0.2")
	h.settle()
	got = h.notice()
	for _, want := range []string{"Most left out: farther than 0.2 miles (8 groups).",
		"No group within 0.2 miles meets on Tuesday in the evening; 1 does within 0.6 miles."} {
		if !strings.Contains(got, want) {
			t.Errorf("results side says %q, want %q", got, want)
		}
	}
}

func TestReferralShortListSaysHowToWiden(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("19107")
	h.f.miles.SetText("5")
	test.Tap(h.f.days[time.Tuesday])
	h.settle()
	if len(h.s.cards) != 1 || !h.s.widen.Visible() || !strings.Contains(h.s.widen.Text, "within 15 miles") {
		t.Errorf("one group on Tuesday: list %q, widen %q", h.names(), h.s.widen.Text)
	}
}

func TestReferralEmptyDirectory(t *testing.T) {
	h := newReferralHarness(t, nil)
	got := h.notice()
	if !strings.HasPrefix(got, "Your directory is empty\n") || !strings.Contains(got, "subscribe to a feed or import a directory file") {
		t.Errorf("before a ZIP is typed an empty directory should be said up front; the results side says %q", got)
	}
	if !h.s.fill.Visible() || h.s.addFeed.Text != "Add feed…" || h.s.importIt.Text != "Import file…" {
		t.Errorf("an empty directory should offer Add feed… and Import file… (shown %v)", h.s.fill.Visible())
	}
	h.typeZIP("19107")
	if got := h.notice(); !strings.HasPrefix(got, "Your directory is empty\n") || strings.Contains(strings.ToLower(got), "no group fits") {
		t.Errorf("empty directory with a ZIP: results side says %q", got)
	}
	test.Tap(h.s.addFeed)
	if top := h.win.Canvas().Overlays().Top(); top == nil || !slices.Contains(texts(top), "Add feed") {
		t.Error("Add feed… on the Referral screen should open the Add feed form")
	}
}

func TestReferralEmptyDirectoryHintRendersInTheFont(t *testing.T) {
	h := newReferralHarness(t, nil)
	// Fyne's bundled Noto Sans has no arrow (U+2192): it drew as a box.
	for _, text := range []string{h.s.noticeTitle.Text, h.s.noticeText.Text} {
		if strings.ContainsRune(text, '→') || strings.ContainsRune(text, '\uFFFD') {
			t.Errorf("the hint %q has a glyph the window's font lacks", text)
		}
	}
}

func TestReferralMatchesAgainAfterImport(t *testing.T) {
	h := newReferralHarness(t, nil)
	h.typeZIP("19107")
	h.match.groups = directoryGroups() // as if a directory was imported
	h.main.onDirectoryChanged()
	h.settle()
	if len(h.s.cards) == 0 {
		t.Fatalf("after an import the results side still says %q", h.notice())
	}
}

func TestReferralEmptyStore(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.match.err = referral.Errorf(referral.ENOTFOUND, "The directory is empty. Import a directory first.")
	h.typeZIP("19107")
	if got := h.notice(); !strings.HasPrefix(got, "Your directory is empty\n") || !h.s.fill.Visible() {
		t.Errorf("the store's empty-directory error: results side says %q, offers a way to fill it: %v", got, h.s.fill.Visible())
	}
}

func TestReferralServiceErrors(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	h.match.err = referral.Errorf(referral.EINVALID, "The directory is being imported; try again in a moment.")
	h.typeZIP("19107")
	if got := h.notice(); !strings.Contains(got, "try again in a moment") {
		t.Errorf("coded error: results side says %q", got)
	}
	h.match.err = errors.New("sql: database is locked at /home/x/referral.db")
	h.f.miles.SetText("5")
	h.settle()
	if got := h.notice(); strings.Contains(got, "sql") || !strings.Contains(got, "Internal error") {
		t.Errorf("internal error: results side says %q", got)
	}
}

// TestReferralStaleMatchDropped runs matches in the background by hand: an
// answer to needs that have since changed must not replace the newer one.
func TestReferralStaleMatchDropped(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	var queued []func()
	h.s.bg.run = func(f func()) { queued = append(queued, f) }
	h.typeZIP("19107")
	h.f.miles.SetText("1")
	h.settle()
	if len(queued) != 2 {
		t.Fatalf("%d matches queued, want 2", len(queued))
	}
	queued[1]()
	queued[0]() // the older match answers last
	if slices.Contains(h.names(), "Sunday Hope") {
		t.Errorf("the 10-mile answer replaced the 1-mile one: list %q", h.names())
	}
}

func TestReferralTabOrder(t *testing.T) {
	h := newReferralHarness(t, directoryGroups())
	f := h.f
	named := map[fyne.Focusable]string{f.zip: "zip", f.miles: "miles", f.approach: "approach", f.limit: "limit",
		f.womenOnly: "women only", f.menOnly: "men only", f.moud: "moud", f.otherLangs: "other languages",
		f.spanish: "spanish", f.lgbtq: "lgbtq", f.wheelchair: "wheelchair"}
	for i, c := range f.days {
		named[c] = weekdayShort[i]
	}
	for i, c := range f.times {
		named[c] = string(timeBandChoice().values[i])
	}
	for i, c := range f.substances {
		named[c] = string(substanceChoice().values[i])
	}
	c := h.win.Canvas()
	c.Focus(f.substances[0])
	var got []string
	for range 60 {
		c.FocusNext()
		if n, ok := named[c.Focused()]; ok {
			got = append(got, n)
		}
		if c.Focused() == f.limit {
			break
		}
	}
	want := []string{"alcohol", "stimulants", "cannabis", "other", "zip", "miles",
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "morning", "midday", "evening", "night",
		"women only", "men only", "lgbtq", "spanish", "other languages", "wheelchair", "moud", "approach", "limit"}
	if !slices.Equal(got, want) {
		t.Errorf("Tab visits\n%q\nwant\n%q", got, want)
	}
	c.Focus(f.zip)
	c.FocusNext()
	if c.Focused() != f.miles {
		t.Errorf("Tab from the ZIP goes to %T, want the distance", c.Focused())
	}
}

func TestNewClientClearsEverything(t *testing.T) {
	h := newSheetHarness(t, directoryGroups())
	st := referral.DefaultSettings()
	st.SheetLang, st.SheetPaper, st.DefaultMiles = referral.Spanish, referral.A4, 3
	h.s.applySettings(st)
	f, b := h.f, h.bar
	f.miles.SetText("25")
	test.Tap(f.days[time.Tuesday])
	test.Tap(f.times[2])
	test.Tap(f.moud)
	h.settle()
	if len(h.s.cards) == 0 {
		t.Fatalf("Tuesday evening lists nothing: %q", h.notice())
	}
	test.Tap(h.s.cards[0].check) // the counselor's own untick
	f.forWhom.SetSelected("Family member or friend")
	test.Tap(f.substances[1])
	test.Type(f.place, "Phila")
	test.Tap(f.spanish)
	test.Type(f.otherLangs, "fr")
	test.Type(b.firstName, "Maria")
	test.Type(b.label, "Tue 3pm M.")
	b.lang.SetSelected("English")
	b.paper.SetSelected("Letter")
	test.Tap(b.large)

	test.Tap(h.s.newClient)
	n, _, _ := f.read()
	if n.For != referral.ForSelf || !slices.Equal(n.Substances, []referral.Substance{referral.SubstanceOpioids}) ||
		f.zip.Text != "" || f.place.Text != "" || f.miles.Text != "3" || len(n.Days) != 0 || len(n.Times) != 0 ||
		n.MOUD || len(n.Languages) != 0 || f.otherLangs.Text != "" || n.Attend != referral.AttendEither ||
		n.Gender != referral.GenderUnspecified || f.approach.SelectedIndex() != 0 || n.Limit != referral.DefaultLimit {
		t.Errorf("after New client the form reads %+v (ZIP %q, town %q, miles %q)", n, f.zip.Text, f.place.Text, f.miles.Text)
	}
	if b.firstName.Text != "" || b.label.Text != "" || b.lang.Selected != "Español" || b.paper.Selected != "A4" || b.large.Checked {
		t.Errorf("after New client the sheet bar shows name %q, label %q, %q, %q, large %v",
			b.firstName.Text, b.label.Text, b.lang.Selected, b.paper.Selected, b.large.Checked)
	}
	if len(h.s.cards) != 0 || len(h.s.ticks) != 0 || h.s.matched.ZIP != "" || len(h.tickedNames()) != 0 {
		t.Errorf("after New client the results still hold %q, %d ticks, needs for ZIP %q", h.names(), len(h.s.ticks), h.s.matched.ZIP)
	}
	if got := h.notice(); !strings.HasPrefix(got, "Start with the client's ZIP code") {
		t.Errorf("after New client the results side says %q", got)
	}
	if b.shown != nil || !b.preview.Disabled() {
		t.Error("after New client no sheet can be previewed or printed")
	}

	// The next client's first match ticks by rank again.
	h.typeZIP("19107")
	if got := h.tickedNames(); len(got) != preTicked || got[0] != h.names()[0] {
		t.Errorf("the next client starts with %q ticked, want the best %d", got, preTicked)
	}
}

// TestReferralUnknownZIPInSpanish: a ZIP the lookup does not know is said in
// the window's language, under the box and on the results side.
func TestReferralUnknownZIPInSpanish(t *testing.T) {
	inLanguage(t, "es")
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("00000")
	want := "El ZIP 00000 no es un código postal de EE. UU. que conozcamos"
	if got := h.f.zipStatus.Text; !strings.Contains(got, want) {
		t.Errorf("unknown ZIP: status %q, want %q", got, want)
	}
	if got := h.notice(); !strings.Contains(got, want) {
		t.Errorf("unknown ZIP: results side %q, want %q", got, want)
	}
}
