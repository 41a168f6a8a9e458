package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

const (
	sepiaFeed  = "https://www.aasepia.org/meetings.json"
	phillyFeed = "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults"
)

// newFeedsHarness is the Sources screen with aa-sepia and na-philly
// subscribed to their feeds, each serving what was last imported.
func newFeedsHarness(t *testing.T) *harness {
	t.Helper()
	h := newSourcesHarness(t)
	for _, sub := range []referral.Subscription{
		{Source: "aa-sepia", URL: sepiaFeed, Program: referral.ProgramAA, LastSuccess: testNow.AddDate(0, 0, -9),
			LastAttempt: testNow.AddDate(0, 0, -9), LastStatus: referral.RefreshUpdated, LastResult: "2 added, 0 updated, 0 removed, 0 unchanged"},
		{Source: "na-philly", URL: phillyFeed, LastSuccess: testNow.AddDate(0, 0, -9),
			LastAttempt: testNow.AddDate(0, 0, -9), LastStatus: referral.RefreshUpdated, LastResult: "1 added, 0 updated, 0 removed, 0 unchanged"},
	} {
		h.subs.subs[sub.Source] = sub
	}
	h.subs.serve(sepiaFeed, "Tuesday Hope", "Morning Light")
	h.subs.serve(phillyFeed, "Clean and Serene")
	h.sources.refresh()
	return h
}

func (h *harness) feeds() *feeds { return h.sources.feeds }

// row is the Sources row of the source named name.
func (h *harness) row(name string) *sourceRow {
	h.t.Helper()
	for _, r := range h.sources.rows {
		if r.source.Name == name {
			return r
		}
	}
	h.t.Fatalf("Sources lists no %s", name)
	return nil
}

func TestAddFeedSubscribesAndListsIt(t *testing.T) {
	h := newSourcesHarness(t)
	h.subs.serve(sepiaFeed, "Tuesday Hope", "Morning Light", "Noon Hope")
	if h.sources.refreshAllButton.Visible() {
		t.Error("Refresh all shows with nothing subscribed")
	}
	test.Tap(h.sources.addFeedButton)
	f := h.feeds().form
	if f == nil {
		t.Fatal("Add feed… shows no form")
	}
	if !f.subscribe.Disabled() {
		t.Error("Subscribe can be tapped with no address")
	}
	f.url.SetText(sepiaFeed)
	if f.name.Text != "aasepia.org" {
		t.Errorf("the form proposes the source %q for %s, want aasepia.org", f.name.Text, sepiaFeed)
	}
	f.name.SetText("aa-sepia") // the source already imported from a file
	f.program.SetText("AA")
	f.url.SetText(sepiaFeed + " ") // a name typed over the proposal stays
	if f.name.Text != "aa-sepia" {
		t.Errorf("retyping the address replaced the name typed to %q", f.name.Text)
	}
	capture(t, h.win, "/tmp/add-feed.png")
	test.Tap(f.subscribe)

	want := referral.Subscription{Source: "aa-sepia", URL: sepiaFeed, Program: referral.ProgramAA}
	if len(h.subs.asked) != 1 || h.subs.asked[0] != want {
		t.Fatalf("subscribed %+v, want %+v", h.subs.asked, want)
	}
	if said := h.said(); !strings.Contains(said, "Import finished") || !strings.Contains(said, sepiaFeed) {
		t.Fatalf("after subscribing the window says %q", said)
	}
	h.tapDialogButton("Close")
	r := h.row("aa-sepia")
	for _, l := range []struct{ got, want string }{
		{r.about.Text, "Meeting Guide JSON · 3 groups · imported 14 Mar 2026 10:00"},
		{r.from.Text, "From " + sepiaFeed},
		{r.status.Text, "Refreshed 14 Mar 2026 10:00 · last try 14 Mar 2026 10:00: 1 added, 0 updated, 0 removed, 2 unchanged"},
		{r.refresh.Text, "Refresh"},
	} {
		if l.got != l.want {
			t.Errorf("the aa-sepia row shows %q, want %q", l.got, l.want)
		}
	}
	if !r.from.Visible() || !r.status.Visible() {
		t.Error("the subscription's lines are hidden")
	}
	if r := h.row("na-philly"); r.from.Visible() || r.refresh.Text != "Refresh from file…" {
		t.Errorf("a source from a file shows %q and %q", r.from.Text, r.refresh.Text)
	}
	if !h.sources.refreshAllButton.Visible() {
		t.Error("Refresh all is hidden with a source subscribed")
	}
	if got := h.fake.groupsOf("aa-sepia"); !slices.Equal(got, []string{"Morning Light", "Noon Hope", "Tuesday Hope"}) {
		t.Errorf("aa-sepia holds %q", got)
	}
	capture(t, h.win, "/tmp/sources-feeds.png")
}

func TestAddFeedRefusesABadAddressAtTheField(t *testing.T) {
	h := newSourcesHarness(t)
	test.Tap(h.sources.addFeedButton)
	f := h.feeds().form
	f.name.SetText("aasepia")
	for _, bad := range []string{"www.aasepia.org/meetings.json", "ftp://aasepia.org/meetings.json", "https://"} {
		f.url.SetText(bad)
		if err := f.url.Validate(); err == nil {
			t.Errorf("the address field takes %q", bad)
		}
		if !f.subscribe.Disabled() {
			t.Errorf("Subscribe can be tapped with the address %q", bad)
		}
		test.Tap(f.subscribe)
	}
	if len(h.subs.asked) != 0 || h.feeds().form != f {
		t.Fatalf("a bad address was subscribed: %+v", h.subs.asked)
	}
	if err := f.url.Validate(); err == nil || !strings.Contains(err.Error(), "names no server") {
		t.Errorf("the field says %v", err)
	}
	f.url.SetText("https://aasepia.org/meetings.json")
	if f.subscribe.Disabled() {
		t.Error("Subscribe stays off with a good address")
	}
}

func TestAddFeedBMLTByAreaBuildsTheQuery(t *testing.T) {
	h := newSourcesHarness(t)
	const root = "https://bmlt.example.org/main_server/"
	query, err := referral.BMLTAreaURL(root, center, 10)
	if err != nil {
		t.Fatal(err)
	}
	h.subs.serve(query, "Clean and Serene", "Just for Today")
	test.Tap(h.sources.addFeedButton)
	f := h.feeds().form
	f.kind.SetSelected("BMLT by area (NA)")
	if f.byURL.Visible() || !f.byArea.Visible() {
		t.Fatal("BMLT by area shows the address field, or not the area's")
	}
	f.root.SetText(root)
	f.zip.SetText("19107")
	f.miles.SetText("0")
	if !f.subscribe.Disabled() {
		t.Error("Subscribe can be tapped for an area of 0 miles")
	}
	f.miles.SetText("10")
	if f.name.Text != "na-near-19107" {
		t.Errorf("the form proposes %q, want na-near-19107", f.name.Text)
	}
	capture(t, h.win, "/tmp/add-feed-bmlt.png")
	test.Tap(f.subscribe)
	if len(h.subs.asked) != 1 || h.subs.asked[0].URL != query || h.subs.asked[0].Source != "na-near-19107" {
		t.Fatalf("subscribed %+v; want %s as na-near-19107", h.subs.asked, query)
	}
	h.tapDialogButton("Close")
	if got := h.fake.groupsOf("na-near-19107"); len(got) != 2 {
		t.Errorf("na-near-19107 holds %q", got)
	}

	// A ZIP the locator does not know: the form again, saying so.
	test.Tap(h.sources.addFeedButton)
	f = h.feeds().form
	f.kind.SetSelected("BMLT by area (NA)")
	f.root.SetText(root)
	f.zip.SetText("99999")
	f.miles.SetText("10")
	test.Tap(f.subscribe)
	f = h.feeds().form
	if f == nil || f.problem == nil || !strings.Contains(f.problem.Text, "ZIP 99999") || f.zip.Text != "99999" {
		t.Fatalf("an unknown ZIP: the window says %q", h.said())
	}
	if len(h.subs.asked) != 1 {
		t.Errorf("an unknown ZIP was subscribed: %+v", h.subs.asked)
	}
}

func TestRefreshAllGoesOnPastAFailure(t *testing.T) {
	h := newFeedsHarness(t)
	h.subs.serve(sepiaFeed, "Tuesday Hope", "Morning Light", "Noon Hope")
	h.subs.failWith(phillyFeed, referral.Errorf(referral.EUNAVAILABLE,
		"could not reach bmlt.example.org (the name is not known): check the internet connection or the address"))
	test.Tap(h.sources.refreshAllButton)

	said := h.said()
	for _, want := range []string{
		"Refreshed 2 sources: 1 updated, 0 unchanged, 1 failed. Not refreshed: na-philly.",
		"aa-sepia: updated: 1 added, 0 updated, 0 removed, 2 unchanged.",
		"na-philly: failed: Could not reach bmlt.example.org (the name is not known): check the internet connection or the address; its listings are kept as they were.",
	} {
		if !strings.Contains(said, want) {
			t.Errorf("the summary does not say %q: %q", want, said)
		}
	}
	capture(t, h.win, "/tmp/refresh-summary.png")
	h.tapDialogButton("Close")
	if got := h.fake.groupsOf("aa-sepia"); !slices.Contains(got, "Noon Hope") {
		t.Errorf("aa-sepia was not refreshed past na-philly's failure: %q", got)
	}
	if got := h.fake.groupsOf("na-philly"); !slices.Equal(got, []string{"Clean and Serene"}) {
		t.Errorf("na-philly's listings after its failure: %q", got)
	}
	if got := h.listNames(); !slices.Contains(got, "Noon Hope") {
		t.Errorf("the Directory list shows %q after the refresh", got)
	}
	r := h.row("na-philly")
	if !strings.Contains(r.status.Text, "last try 14 Mar 2026 10:00: could not reach") || r.status.Importance != widget.DangerImportance {
		t.Errorf("na-philly's row says %q (importance %v)", r.status.Text, r.status.Importance)
	}
	if r := h.row("aa-sepia"); !strings.HasPrefix(r.status.Text, "Refreshed 14 Mar 2026 10:00") {
		t.Errorf("aa-sepia's row says %q", r.status.Text)
	}
}

func TestCancelStopsARefresh(t *testing.T) {
	h := newFeedsHarness(t)
	h.subs.serve(sepiaFeed, "Tuesday Hope", "Morning Light", "Noon Hope")
	var stopped error
	h.subs.during = func(ctx context.Context) {
		p := h.feeds().progress
		if p == nil || p.meter == nil || !strings.Contains(h.said(), "Refreshing aa-sepia") {
			t.Errorf("no progress bar shows during the refresh: %q", h.said())
			return
		}
		capture(t, h.win, "/tmp/refresh-progress.png")
		test.Tap(p.cancel)
		stopped = ctx.Err()
	}
	before := h.subs.subs["aa-sepia"]
	test.Tap(h.row("aa-sepia").refresh)
	if stopped == nil {
		t.Fatal("Cancel did not cancel the refresh's context")
	}
	if said := h.said(); !strings.Contains(said, "Refresh cancelled; nothing was changed.") {
		t.Errorf("after Cancel the window says %q", said)
	}
	if got := h.fake.groupsOf("aa-sepia"); !slices.Equal(got, []string{"Morning Light", "Tuesday Hope"}) {
		t.Errorf("a cancelled refresh left aa-sepia with %q", got)
	}
	if h.subs.subs["aa-sepia"] != before {
		t.Errorf("a cancelled refresh was recorded: %+v", h.subs.subs["aa-sepia"])
	}
}

func TestRefreshThatRemovesMostListingsAsksFirst(t *testing.T) {
	h := newFeedsHarness(t)
	for _, name := range []string{"Noon Hope", "Candlelight"} {
		h.fake.nextID++
		h.fake.groups[h.fake.nextID] = &referral.Group{ID: h.fake.nextID, Name: name, Program: referral.ProgramAA,
			Attendance: referral.Online, Source: "aa-sepia", SourceID: name}
	}
	h.subs.serve(sepiaFeed, "Tuesday Hope") // 3 of the 4 would go
	test.Tap(h.row("aa-sepia").refresh)
	said := h.said()
	for _, want := range []string{"Remove 3 listings?", "would remove 3 of the 4 active listings of aa-sepia, more than half",
		"nothing has been changed yet"} {
		if !strings.Contains(said, want) {
			t.Errorf("the question does not say %q: %q", want, said)
		}
	}
	if b := h.dialogButton("Replace anyway"); b.Importance != widget.DangerImportance {
		t.Errorf("Replace anyway has importance %v", b.Importance)
	}
	if got := h.fake.groupsOf("aa-sepia"); len(got) != 4 {
		t.Fatalf("before the answer aa-sepia holds %q", got)
	}
	h.tapDialogButton("Replace anyway")
	if !slices.Equal(h.subs.forced, []bool{false, true}) || !slices.Equal(h.subs.ran[1], []string{"aa-sepia"}) {
		t.Fatalf("refreshes forced %v for %q; want the second, of aa-sepia only, forced", h.subs.forced, h.subs.ran)
	}
	if said := h.said(); !strings.Contains(said, "aa-sepia: updated: 0 added, 0 updated, 3 removed, 1 unchanged.") {
		t.Errorf("after Replace anyway the window says %q", said)
	}
	if got := h.fake.groupsOf("aa-sepia"); !slices.Equal(got, []string{"Tuesday Hope"}) {
		t.Errorf("after Replace anyway aa-sepia holds %q", got)
	}
}

// TestBackgroundRefreshShowsWhatChanged: the refresh at start runs off the
// window; when it is over the Directory and Sources show its result.
func TestBackgroundRefreshShowsWhatChanged(t *testing.T) {
	h := newFeedsHarness(t)
	w := &MainWindow{Window: h.win, m: h.main}
	finds := h.fake.finds
	w.BackgroundRefreshed(nil) // nothing was stale
	if h.fake.finds != finds {
		t.Error("a background refresh of nothing reloaded the Directory")
	}

	h.subs.serve(sepiaFeed, "Tuesday Hope", "Morning Light", "Noon Hope")
	reports, err := h.subs.Refresh(context.Background(), []string{"aa-sepia"}, referral.RefreshOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.BackgroundRefreshed(reports)
	if got := h.listNames(); !slices.Contains(got, "Noon Hope") {
		t.Errorf("after the background refresh the Directory shows %q", got)
	}
	if r := h.row("aa-sepia"); !strings.Contains(r.status.Text, "1 added") || r.about.Text != "Meeting Guide JSON · 3 groups · imported 14 Mar 2026 10:00" {
		t.Errorf("after the background refresh aa-sepia's row says %q / %q", r.about.Text, r.status.Text)
	}
}
