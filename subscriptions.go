package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"referraldesk/referral"
	"referraldesk/referral/fetch"
	"referraldesk/referral/sqlite"
)

// feedSubscriptions is the wiring behind referral.SubscriptionService: it
// fetches a subscription's address (referral/fetch), streams the body into
// the same import as a file (feedStore.Import, with its refusals), and
// records every attempt in the store, failed ones included.
type feedSubscriptions struct {
	dir   referral.DirectoryService
	store *sqlite.SubscriptionStore
	fetch *fetch.Client
}

var _ referral.SubscriptionService = feedSubscriptions{}

// newSubscriptions wires the store's subscriptions to the feed import;
// client says how feeds are downloaded (nil: the defaults).
func newSubscriptions(db *sqlite.DB, dir feedStore, client *fetch.Client) feedSubscriptions {
	if client == nil {
		client = &fetch.Client{}
	}
	return feedSubscriptions{dir: dir, store: sqlite.NewSubscriptionStore(db), fetch: client}
}

func (s feedSubscriptions) Subscribe(ctx context.Context, sub referral.Subscription, opts referral.RefreshOptions) (*referral.RefreshReport, error) {
	if err := sub.Validate(); err != nil {
		return nil, err
	}
	sub.URL, _ = referral.ParseFeedURL(sub.URL)
	old, err := s.store.Subscription(ctx, sub.Source)
	known := err == nil && old.URL == sub.URL
	if err != nil && referral.ErrorCode(err) != referral.ENOTFOUND {
		return nil, err
	}
	// Subscribing fetches the whole feed: the options may differ from the
	// last import's, so "not modified since" would not mean "as imported".
	report, validators := s.fetchAndImport(ctx, sub, fetch.Request{URL: sub.URL}, opts)
	if report.Status == referral.RefreshFailed {
		if known && ctx.Err() == nil {
			if err := s.store.RecordAttempt(ctx, sub.Source, report.Status, report.Result(), "", ""); err != nil {
				return report, errors.Join(report.Err, err)
			}
		}
		return report, report.Err
	}
	sub.ETag, sub.LastModified = validators.ETag, validators.LastModified
	sub.LastStatus, sub.LastResult = report.Status, report.Result()
	if err := s.store.Subscribe(ctx, sub); err != nil {
		return report, err
	}
	return report, nil
}

func (s feedSubscriptions) Refresh(ctx context.Context, sources []string, opts referral.RefreshOptions) ([]referral.RefreshReport, error) {
	all, err := s.store.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	subs := all
	if len(sources) > 0 {
		subs = make([]referral.Subscription, 0, len(sources))
		for _, name := range sources {
			i := slices.IndexFunc(all, func(s referral.Subscription) bool { return s.Source == name })
			if i < 0 {
				return nil, referral.Errorf(referral.ENOTFOUND,
					"the source %q is not subscribed to an address; see `referraldesk sources`, or import its feed by URL", name)
			}
			subs = append(subs, all[i])
		}
	}
	imported, err := s.lastImports(ctx)
	if err != nil {
		return nil, err
	}
	reports := make([]referral.RefreshReport, 0, len(subs))
	for _, sub := range subs {
		if ctx.Err() != nil {
			return reports, ctx.Err()
		}
		req := fetch.Request{URL: sub.URL}
		// A conditional GET only while the directory still holds what was
		// last fetched: a file imported into the source since, or the
		// source's listings removed, make "not modified" mean nothing.
		if last, ok := imported[sub.Source]; ok && !sub.LastSuccess.IsZero() && !last.After(sub.LastSuccess) {
			req.ETag, req.LastModified = sub.ETag, sub.LastModified
		}
		report, validators := s.fetchAndImport(ctx, sub, req, opts)
		if report.Status == referral.RefreshFailed && ctx.Err() != nil {
			// Cancelled (the window closing): not an attempt to record.
			return reports, ctx.Err()
		}
		if err := s.store.RecordAttempt(ctx, sub.Source, report.Status, report.Result(), validators.ETag, validators.LastModified); err != nil {
			if report.Err == nil {
				report.Status, report.Err = referral.RefreshFailed, err
			} else {
				report.Err = errors.Join(report.Err, err)
			}
		}
		reports = append(reports, *report)
	}
	return reports, nil
}

// lastImports is when each source was last imported.
func (s feedSubscriptions) lastImports(ctx context.Context) (map[string]time.Time, error) {
	sources, err := s.dir.Sources(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]time.Time, len(sources))
	for _, src := range sources {
		m[src.Name] = src.LastImport
	}
	return m, nil
}

// fetchAndImport fetches one subscription and imports what the server sends,
// never holding the body whole. It returns the report and the validators
// to keep.
func (s feedSubscriptions) fetchAndImport(ctx context.Context, sub referral.Subscription, req fetch.Request, opts referral.RefreshOptions) (*referral.RefreshReport, *fetch.Response) {
	report := &referral.RefreshReport{Source: sub.Source, URL: sub.URL}
	fail := func(err error) (*referral.RefreshReport, *fetch.Response) {
		report.Status, report.Err = referral.RefreshFailed, err
		return report, &fetch.Response{}
	}
	progress := referral.RefreshProgress{Source: sub.Source, Total: -1}
	if opts.Progress != nil {
		req.Progress = func(read, total int64) {
			progress.Bytes, progress.Total = read, total
			opts.Progress(progress)
		}
	}
	resp, err := s.fetch.Get(ctx, req)
	if err != nil {
		return fail(err)
	}
	if resp.NotModified {
		report.Status = referral.RefreshUnchanged
		return report, resp
	}
	defer resp.Body.Close()
	iopts := sub.ImportOptions(opts.Force)
	if opts.Progress != nil {
		iopts.Progress = func(done int) {
			progress.Records = done
			opts.Progress(progress)
		}
	}
	imported, err := s.dir.Import(ctx, resp.Body, iopts)
	if err != nil {
		return fail(err)
	}
	imported.File = sub.URL
	report.Status, report.Import = referral.RefreshUpdated, imported
	return report, resp
}

func (s feedSubscriptions) Subscriptions(ctx context.Context) ([]referral.Subscription, error) {
	return s.store.Subscriptions(ctx)
}

func (s feedSubscriptions) Unsubscribe(ctx context.Context, source string) error {
	return s.store.Unsubscribe(ctx, source)
}

// refreshStale refreshes the subscriptions whose last success is older than
// Settings' feed.refresh_days at now; with the setting 0 (the default), or
// nothing stale, it makes no connection at all.
func refreshStale(ctx context.Context, settings referral.SettingsService, subs referral.SubscriptionService, now time.Time) ([]referral.RefreshReport, error) {
	st, err := settings.Settings(ctx)
	if err != nil || st.RefreshDays <= 0 {
		return nil, err
	}
	all, err := subs.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, sub := range all {
		if sub.Stale(now, st.RefreshDays) {
			stale = append(stale, sub.Source)
		}
	}
	if len(stale) == 0 {
		return nil, nil // Refresh of no names would refresh them all
	}
	return subs.Refresh(ctx, stale, referral.RefreshOptions{})
}

// startBackgroundRefresh runs refreshStale in a goroutine, so the window
// never waits for the network. Each attempt is recorded in the store, where
// the Sources screen reads it; done, when set, is called from the goroutine
// with the reports once it is over. The returned stop cancels what is still
// running and waits for it, so the store can be closed after.
func startBackgroundRefresh(settings referral.SettingsService, subs referral.SubscriptionService, now time.Time, done func([]referral.RefreshReport)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		reports, err := refreshStale(ctx, settings, subs, now)
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "referraldesk: background refresh: %v\n", err)
		}
		if done != nil && ctx.Err() == nil {
			done(reports)
		}
	}()
	return func() {
		cancel()
		<-finished
	}
}
