// Command referraldesk is Referral Desk: a desktop app that matches a client's
// needs to a local directory of support groups and prints a referral sheet.
// Without arguments it opens the window; with a sub-command it serves admins
// and scripts (see cli.go and the README).
package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"
	_ "time/tzdata" // group times are shown in each group's own zone, on any machine

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"referraldesk/app"
	"referraldesk/referral/pdf"
	"referraldesk/referral/sqlite"
)

const appID = "org.referraldesk.desk"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, openWindow))
}

// openWindow is the main job: the window over the store.
func openWindow(db *sqlite.DB) error {
	s, err := services(db, newWindowMemory())
	if err != nil {
		return err
	}
	// A write that waits for another program's import says so in the
	// window; one that waits before the window is built has no line to show.
	var win atomic.Pointer[app.MainWindow]
	db.OnWait = func(waiting bool) {
		if w := win.Load(); w != nil {
			w.WaitingForWriter(waiting)
		}
	}
	a := fyneapp.NewWithID(appID)
	// The window speaks the language chosen in Settings on this computer
	// (the system's until one is chosen) from its first screen on.
	if err := app.UseLanguage(app.SavedLanguage(a.Preferences())); err != nil {
		fyne.LogError("load the window's translations", err)
	}
	w := app.NewMainWindow(a, s)
	win.Store(w)
	// Subscriptions older than feed.refresh_days are refreshed off the UI
	// goroutine, so the window never waits for the network; with the
	// setting 0 (the default) no connection is made.
	stop := startBackgroundRefresh(s.Settings, s.Subscriptions, time.Now(), w.BackgroundRefreshed)
	defer stop()
	w.ShowAndRun()
	return nil
}

// services wires the store into what the window works with; the startup
// benchmark opens its window over them too. mem, when not nil, keeps the
// process's memory limit to the directory (see windowMemory).
func services(db *sqlite.DB, mem *windowMemory) (app.Services, error) {
	groups := sqlite.NewGroupService(db)
	if mem != nil {
		groups.BeforeIndexing(mem.directoryOf)
	}
	// The window searches and matches many times: its indexes are built
	// as it opens, and again after each import, off the UI goroutine.
	groups.Prepare()
	history := sqlite.NewHistoryService(db)
	// Entries past the retention period go at every start, even on days
	// when no referral is logged.
	if _, err := history.PurgeExpired(context.Background()); err != nil {
		return app.Services{}, fmt.Errorf("purge the referral log: %w", err)
	}
	dir := newFeedStore(db, groups) // one GroupService: its match index sees every import
	if mem != nil {
		dir.importing = mem.importing
	}
	return app.Services{
		Groups:        groups,
		Match:         groups,
		Locate:        locator{},
		Places:        groups,
		Zones:         locator{},
		Directory:     dir,
		Subscriptions: newSubscriptions(db, dir, nil),
		Settings:      sqlite.NewSettingsService(db),
		History:       history,
		Sheets:        pdf.Sheets{},
		MachineZone:   machineZone(),
		Now:           time.Now,
		Changes:       db,
		Backups:       sqlite.NewBackupService(db),
	}, nil
}
