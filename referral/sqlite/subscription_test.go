package sqlite_test

import (
	"context"
	"testing"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/sqlite"
)

// subscribedDB has source "na" imported and subscribed, on a clock the test
// moves.
func subscribedDB(t *testing.T) (*sqlite.DB, *sqlite.SubscriptionStore, *time.Time) {
	t.Helper()
	ctx := context.Background()
	db, _ := openTestDB(t)
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return clock })
	if _, err := sqlite.NewGroupService(db).ReplaceSource(ctx, referral.Source{Name: "na", Format: "bmlt"}, feedOf("na", "1", "2")); err != nil {
		t.Fatal(err)
	}
	subs := sqlite.NewSubscriptionStore(db)
	err := subs.Subscribe(ctx, referral.Subscription{Source: "na", URL: "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults",
		Program: referral.ProgramNA, Format: "bmlt", TimeZone: "America/New_York", ETag: `"v1"`, LastModified: "Sun, 01 Mar 2026 11:00:00 GMT",
		LastStatus: referral.RefreshUpdated, LastResult: "2 added, 0 updated, 0 removed, 0 unchanged"})
	if err != nil {
		t.Fatal(err)
	}
	return db, subs, &clock
}

func subscriptionOf(t *testing.T, subs *sqlite.SubscriptionStore, source string) referral.Subscription {
	t.Helper()
	sub, err := subs.Subscription(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestSubscribeKeepsEverything(t *testing.T) {
	_, subs, clock := subscribedDB(t)
	got := subscriptionOf(t, subs, "na")
	want := referral.Subscription{Source: "na", URL: "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults",
		Program: referral.ProgramNA, Format: "bmlt", TimeZone: "America/New_York", ETag: `"v1"`, LastModified: "Sun, 01 Mar 2026 11:00:00 GMT",
		LastSuccess: *clock, LastAttempt: *clock, LastStatus: referral.RefreshUpdated, LastResult: "2 added, 0 updated, 0 removed, 0 unchanged"}
	if got != want {
		t.Errorf("stored\n %+v\nwant\n %+v", got, want)
	}
	all, err := subs.Subscriptions(context.Background())
	if err != nil || len(all) != 1 || all[0] != want {
		t.Errorf("Subscriptions() = %+v, %v", all, err)
	}
}

func TestRecordAttempt(t *testing.T) {
	ctx := context.Background()
	_, subs, clock := subscribedDB(t)
	first := *clock

	// A failure is recorded; the last success and the validators stay.
	*clock = clock.Add(time.Hour)
	if err := subs.RecordAttempt(ctx, "na", referral.RefreshFailed, "the feed's server failed (500); try again later", `"ignored"`, ""); err != nil {
		t.Fatal(err)
	}
	got := subscriptionOf(t, subs, "na")
	if got.LastAttempt != *clock || got.LastSuccess != first || got.LastStatus != referral.RefreshFailed ||
		got.LastResult != "the feed's server failed (500); try again later" || got.ETag != `"v1"` {
		t.Errorf("after a failure: %+v", got)
	}

	// A 304 is a success; validators the server did not send again stay.
	*clock = clock.Add(time.Hour)
	if err := subs.RecordAttempt(ctx, "na", referral.RefreshUnchanged, "unchanged", "", ""); err != nil {
		t.Fatal(err)
	}
	got = subscriptionOf(t, subs, "na")
	if got.LastAttempt != *clock || got.LastSuccess != *clock || got.LastStatus != referral.RefreshUnchanged ||
		got.ETag != `"v1"` || got.LastModified != "Sun, 01 Mar 2026 11:00:00 GMT" {
		t.Errorf("after a 304: %+v", got)
	}

	// A new feed imported brings its own validators, even none.
	if err := subs.RecordAttempt(ctx, "na", referral.RefreshUpdated, "1 added, 0 updated, 0 removed, 2 unchanged", `"v2"`, ""); err != nil {
		t.Fatal(err)
	}
	got = subscriptionOf(t, subs, "na")
	if got.ETag != `"v2"` || got.LastModified != "" || got.LastResult != "1 added, 0 updated, 0 removed, 2 unchanged" {
		t.Errorf("after an import: %+v", got)
	}

	if err := subs.RecordAttempt(ctx, "aa", referral.RefreshFailed, "x", "", ""); referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("recording for a source with no subscription: %v; want ENOTFOUND", err)
	}
}

func TestSubscribeNeedsAnImportedSource(t *testing.T) {
	db, _ := openTestDB(t)
	subs := sqlite.NewSubscriptionStore(db)
	err := subs.Subscribe(context.Background(), referral.Subscription{Source: "aa", URL: "https://example.org/feed.json", LastStatus: referral.RefreshUpdated})
	if referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("Subscribe before any import: %v; want ENOTFOUND", err)
	}
	err = subs.Subscribe(context.Background(), referral.Subscription{Source: "aa", URL: "example.org/feed.json"})
	if referral.ErrorCode(err) != referral.EINVALID {
		t.Errorf("Subscribe to no web address: %v; want EINVALID", err)
	}
}

func TestRemovingASourceForgetsItsSubscription(t *testing.T) {
	ctx := context.Background()
	db, subs, _ := subscribedDB(t)
	if err := sqlite.NewGroupService(db).RemoveSource(ctx, "na"); err != nil {
		t.Fatal(err)
	}
	if _, err := subs.Subscription(ctx, "na"); referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("subscription after RemoveSource: %v; want ENOTFOUND", err)
	}
}

func TestUnsubscribeKeepsTheListings(t *testing.T) {
	ctx := context.Background()
	db, subs, _ := subscribedDB(t)
	if err := subs.Unsubscribe(ctx, "na"); err != nil {
		t.Fatal(err)
	}
	if all, err := subs.Subscriptions(ctx); err != nil || len(all) != 0 {
		t.Errorf("after Unsubscribe: %+v, %v", all, err)
	}
	if got := sourceState(t, sqlite.NewGroupService(db), "na"); len(got) != 2 {
		t.Errorf("the source holds %d listings after Unsubscribe; want its 2", len(got))
	}
	if err := subs.Unsubscribe(ctx, "na"); referral.ErrorCode(err) != referral.ENOTFOUND {
		t.Errorf("second Unsubscribe: %v; want ENOTFOUND", err)
	}
}

func TestSettingsRefreshDaysIsKept(t *testing.T) {
	db, path := openTestDB(t)
	s := sqlite.NewSettingsService(db)
	want := clinicSettings()
	want.RefreshDays = 7
	if err := s.SaveSettings(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	db.Close()
	assertSettings(t, loadSettings(t, sqlite.NewSettingsService(reopen(t, path))), want)

	want.RefreshDays = 366
	if err := s.SaveSettings(context.Background(), want); referral.ErrorCode(err) != referral.EINVALID {
		t.Errorf("feed.refresh_days 366: %v; want EINVALID", err)
	}
}

// TestSuccessfulRefreshStampsTheLastImport: a 304 imports nothing, yet the
// source is known current, so its last import (what the Referral screen's
// "not refreshed for over 30 days" reads) moves to the refresh; a failure
// leaves it where it was.
func TestSuccessfulRefreshStampsTheLastImport(t *testing.T) {
	ctx := context.Background()
	db, subs, clock := subscribedDB(t)
	dir := sqlite.NewGroupService(db)
	lastImport := func() time.Time {
		t.Helper()
		sources, err := dir.Sources(ctx)
		if err != nil || len(sources) != 1 {
			t.Fatalf("Sources() = %+v, %v", sources, err)
		}
		return sources[0].LastImport
	}
	imported := *clock
	if got := lastImport(); !got.Equal(imported) {
		t.Fatalf("last import %v after the import, want %v", got, imported)
	}

	*clock = clock.Add(40 * 24 * time.Hour)
	if err := subs.RecordAttempt(ctx, "na", referral.RefreshFailed, "could not reach bmlt.example.org", "", ""); err != nil {
		t.Fatal(err)
	}
	if got := lastImport(); !got.Equal(imported) {
		t.Errorf("a failed refresh moved the last import to %v; want it kept at %v", got, imported)
	}

	*clock = clock.Add(time.Hour)
	if err := subs.RecordAttempt(ctx, "na", referral.RefreshUnchanged, "unchanged", "", ""); err != nil {
		t.Fatal(err)
	}
	got, sub := lastImport(), subscriptionOf(t, subs, "na")
	if !got.Equal(*clock) || !got.Equal(sub.LastSuccess) {
		t.Errorf("after a 304 the last import is %v (last success %v); want both %v", got, sub.LastSuccess, *clock)
	}
}
