// Package app is Referral Desk's window: one file per screen, each screen an
// unexported struct that holds its dependencies (domain interfaces, so tests can
// pass fakes) and its widgets, built by newXxxScreen and buildUI.
//
// Screens never touch the database on the UI goroutine: queries run through a
// background runner and their results come back through fyne.Do. Every string a
// person reads goes through lang.L so translations can be added.
//
// Only main.go imports fyne.io/fyne/v2/app; this package runs under the test
// driver with CGO_ENABLED=0.
package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"referraldesk/referral"
)

// Services are what the window's screens work with. Later areas add fields.
type Services struct {
	Groups referral.GroupService
	Match  referral.MatchService // ranks groups for a client's needs
	Locate referral.Locator      // places a ZIP code on the map
	Places referral.PlaceFinder  // completes the town a client names instead of a ZIP
	Now    func() time.Time      // the clock matches, sheets and the log run at
	// Zones tells the time zone at a point: a clinic that names none gets
	// the zone at its ZIP. Its first answer loads a map (about a second and
	// 60 MB), so it is asked off the UI goroutine and only when Settings
	// and MachineZone leave the clinic's zone unknown.
	Zones referral.ZoneFinder
	// Directory imports and exports whole directory files.
	Directory referral.DirectoryService
	// Subscriptions keeps sources current from the web: Add feed… and the
	// Sources screen's Refresh buttons. It is the window's only way to the
	// network, and it is used only when someone asks.
	Subscriptions referral.SubscriptionService
	Settings      referral.SettingsService // the clinic's header and defaults
	History       referral.HistoryService  // the referral log
	Sheets        referral.SheetRenderer   // draws the referral sheet
	// MachineZone is this computer's IANA time zone name ("" when unknown).
	// It is the clinic's zone unless Settings names one (Settings.ClinicZone);
	// "UTC" or "" counts as not set, and the first start asks the clinic.
	MachineZone string
	// Changes tells whether anything was committed to the store since the
	// window last asked — by this window, the command line or a second
	// window — so that every screen showing stored data shows it too, and
	// Settings saves over nothing it has not shown.
	Changes referral.ChangeWatcher
	// Backups keeps copies of the database: Settings → Backups lists them,
	// makes one and restores one, and the window checks the database for
	// damage once it is up.
	Backups referral.BackupService
}

// MainWindow is the main window as the program shows it, with what the
// program tells it from outside: a refresh it ran in the background, a
// write waiting for another program's.
type MainWindow struct {
	fyne.Window
	m *mainWindow
}

// NewMainWindow builds the main window; the caller shows it. Coming back
// to the front makes the window look for changes made meanwhile, and the
// app's stop removes what Print left for the PDF viewer.
func NewMainWindow(a fyne.App, s Services) *MainWindow {
	m := newMainWindow(a, s, realBackground())
	a.Lifecycle().SetOnEnteredForeground(m.onForeground)
	a.Lifecycle().SetOnStopped(m.onClosed)
	return &MainWindow{Window: m.win, m: m}
}

// WaitingForWriter tells the window, from any goroutine, that one of its
// writes started (true) or stopped (false) waiting for another program's
// write to the database: while any waits, a line along the bottom says so.
func (w *MainWindow) WaitingForWriter(waiting bool) {
	fyne.Do(func() { w.m.onWaiting(waiting) })
}

// BackgroundRefreshed tells the window, from any goroutine, that the
// refresh of stale subscriptions at start is over: the Directory and
// Sources screens show what it changed and the client's needs are matched
// again. The store already holds every attempt, so there is nothing to
// show when nothing was refreshed.
func (w *MainWindow) BackgroundRefreshed(reports []referral.RefreshReport) {
	if len(reports) == 0 {
		return
	}
	fyne.Do(w.m.onDirectoryChanged)
}

// mainWindow holds the window and one screen per navigation area. The areas
// are leading tabs, so a new area is one more Append.
type mainWindow struct {
	win       *deskWindow
	frame     *fyne.Container // the banner over the tabs over the waiting line
	damage    *damageBanner
	waiting   *waitingLine
	tabs      *container.AppTabs
	directory *directoryScreen
	referral  *referralScreen
	sources   *sourcesScreen
	history   *historyScreen
	settings  *settingsScreen

	// saved are the settings as last loaded or saved; DefaultSettings
	// until the load answers.
	saved referral.Settings

	bg          background
	prefs       fyne.Preferences // remembers the first-start question was answered
	settingsSvc referral.SettingsService
	zones       *clinicZones // the clinic's zone, known or guessed
	loadedOnce  bool         // the settings have been loaded once
	built       bool         // the window has its content, so a dialog can show
	// firstRun is the first-start form about the clinic while it shows.
	firstRun *firstRunForm

	watch      *watcher
	backupsSvc referral.BackupService
	upOnce     bool // the Directory has shown its first answer
}

func newMainWindow(a fyne.App, s Services, bg background) *mainWindow {
	m := &mainWindow{saved: referral.DefaultSettings(), bg: bg, prefs: a.Preferences(), settingsSvc: s.Settings,
		zones: newClinicZones(s.MachineZone, s.Locate, s.Zones), backupsSvc: s.Backups}
	m.win = &deskWindow{Window: a.NewWindow(lang.L("Referral Desk")), damaged: m.showDamage}
	m.damage = newDamageBanner(m.showBackups)
	m.waiting = newWaitingLine()
	m.watch = newWatcher(s.Changes, bg, m.onStoreChanged, m.onWatchFailed)
	// The mark later readings are compared with, asked for before the
	// screens' first loads so a change between the two is not missed.
	m.watch.check()
	imp := newImporter(m.win, s.Directory, bg, func() string { return m.saved.FeedZone(s.MachineZone) },
		m.onDirectoryChanged)
	m.directory = newDirectoryScreen(m.win, s.Groups, bg, imp.onImport, m.onDirectoryShown)
	fds := newFeeds(m.win, s.Subscriptions, s.Locate, bg, imp, func() string { return m.saved.FeedZone(s.MachineZone) },
		m.onDirectoryChanged)
	m.sources = newSourcesScreen(m.win, s.Directory, s.Subscriptions, bg, imp, fds, newExporter(m.win, s.Directory, bg), m.onDirectoryChanged)
	m.referral = newReferralScreen(m.win, s, bg, m.zones, m.onReferralLogged, fds.onAddFeed, imp.onImport)
	m.history = newHistoryScreen(m.win, s, bg, m.zones, m.onDirectoryChanged)
	// Settings come last: their load hands them to the screens above.
	backups := newBackupsSection(m.win, s.Backups, bg, m.onRestored)
	m.settings = newSettingsScreen(m.win, s.Settings, backups, m.prefs, bg, m.zones, m.onSettingsChanged)
	m.tabs = container.NewAppTabs(
		// Referral comes first: it is the main job during an appointment.
		container.NewTabItemWithIcon(lang.L("Referral"), theme.DocumentCreateIcon(), m.referral.content),
		container.NewTabItemWithIcon(lang.L("Directory"), theme.ListIcon(), m.directory.content),
		container.NewTabItemWithIcon(lang.L("Sources"), theme.StorageIcon(), m.sources.content),
		container.NewTabItemWithIcon(lang.L("History"), theme.HistoryIcon(), m.history.content),
		container.NewTabItemWithIcon(lang.L("Settings"), theme.SettingsIcon(), m.settings.content),
	)
	m.tabs.OnSelected = m.onTabSelected
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.frame = container.NewBorder(m.damage.content, m.waiting.content, nil, nil, m.tabs)
	m.win.SetContent(m.frame)
	menu := m.mainMenu()
	m.win.SetMainMenu(menu)
	m.addShortcuts(menu)
	m.win.SetOnClosed(m.onClosed)
	m.win.Resize(fyne.NewSize(1180, 760))
	m.built = true
	if m.loadedOnce {
		m.askAboutClinic(m.saved) // the settings loaded before the window was built
	}
	return m
}

// onDirectoryChanged refreshes what shows the directory after an import or
// a source's removal, and matches the client's needs again.
func (m *mainWindow) onDirectoryChanged() {
	m.directory.refresh()
	m.sources.refresh()
	m.referral.directoryChanged()
}

// onStoreChanged shows what was committed since the screens last loaded,
// by another program or by this window. Each screen reloads quietly: the
// Directory keeps its selection and the form being edited, Settings keeps
// the fields being changed, the Referral screen matches the same needs
// again where the list is scrolled to.
func (m *mainWindow) onStoreChanged() {
	m.directory.refresh()
	m.sources.refresh()
	m.history.refresh()
	m.settings.reloadStored()
	m.referral.rematch()
}

// onRestored shows the database a restore has just put in place: all of
// it is new, the settings too, and the damage it may have replaced is
// looked for again.
func (m *mainWindow) onRestored() {
	m.directory.refresh()
	m.sources.refresh()
	m.history.refresh()
	m.settings.load()
	m.referral.rematch()
	m.checkDamage()
}

// onDirectoryShown runs each time the Directory list shows an answer. The
// first one means the window is up: only then is the database looked over
// for damage, so the check does not slow the start.
func (m *mainWindow) onDirectoryShown() {
	if !m.upOnce {
		m.upOnce = true
		m.checkDamage()
	}
}

// checkDamage looks the database over off the UI goroutine: damage raises
// the banner, a sound database takes it down.
func (m *mainWindow) checkDamage() {
	m.bg.run(func() {
		err := m.backupsSvc.Check(context.Background())
		fyne.Do(func() { m.damageChecked(err) })
	})
}

func (m *mainWindow) damageChecked(err error) {
	switch {
	case err == nil:
		m.damage.hide()
		m.relayout()
	case noticeDamage(m.win, err):
	default:
		// A check that could not run says nothing about damage.
		fyne.LogError("check the database", err)
	}
}

// showDamage raises the banner with the store's message; any screen's
// failure that says the database is damaged comes here (see deskWindow).
func (m *mainWindow) showDamage(err error) {
	m.damage.show(err)
	m.relayout()
}

// relayout lays the window out again after the banner or the waiting line
// showed or went; before the window has its content there is nothing to
// lay out.
func (m *mainWindow) relayout() {
	if m.frame != nil {
		m.frame.Refresh()
	}
}

// showBackups opens Settings at its Backups, the way on from damage.
func (m *mainWindow) showBackups() {
	m.selectTab(m.settings.content)
	m.settings.showBackups()
}

// mainMenu is the window's menu: File for the client's sheet, Go for where
// the focus jumps, Help for About. Its items carry the window's keys (see
// shortcuts.go).
func (m *mainWindow) mainMenu() *fyne.MainMenu {
	return fyne.NewMainMenu(
		fyne.NewMenu(lang.L("File"), m.fileItems()...),
		fyne.NewMenu(lang.L("Go"), m.goItems()...),
		fyne.NewMenu(lang.L("Help"), aboutItem(m.win)),
	)
}

func (m *mainWindow) onWatchFailed(err error) {
	if !noticeDamage(m.win, err) {
		fyne.LogError("watch the database for changes", err)
	}
}

func (m *mainWindow) onWaiting(waiting bool) {
	m.waiting.set(waiting)
	m.relayout()
}

// onForeground looks for changes made while the window was behind others.
func (m *mainWindow) onForeground() {
	m.watch.check()
}

// onClosed stops watching and removes what Print left for the PDF viewer:
// a sheet, with a client's first name on it, never outlives the window.
// The app's stop calls it too, so it may run twice.
func (m *mainWindow) onClosed() {
	m.watch.stop()
	m.referral.sheet.prints.removeAll()
}

// onSettingsChanged passes settings just loaded or saved to the screens
// that use them.
func (m *mainWindow) onSettingsChanged(s referral.Settings) {
	m.saved = s // the importer reads the feed zone from here
	m.history.setRetentionDays(s.RetentionDays)
	m.referral.applySettings(s)
	if !m.loadedOnce {
		// The first call is the start's load (Save stays off until then).
		m.loadedOnce = true
		if m.built {
			m.askAboutClinic(s)
		}
	}
}

// onReferralLogged is called after a sheet was saved or printed and
// logged: the History shows it, and the Referral screen offers the next
// client.
func (m *mainWindow) onReferralLogged() {
	m.history.refresh()
	m.referral.onSheetDone()
}

// onTabSelected brings the History up to date and retries Settings that
// could not be loaded.
func (m *mainWindow) onTabSelected(t *container.TabItem) {
	switch t.Content {
	case m.history.content:
		m.history.refresh()
	case m.settings.content:
		m.settings.onShown()
	}
}

// background is how screens run work off the UI goroutine and schedule later
// UI work. Tests swap in a synchronous one so they need no sleeps.
type background struct {
	// run starts f off the UI goroutine; f reports back with fyne.Do.
	run func(f func())
	// after calls f on the UI goroutine once d has passed, unless stop is
	// called first.
	after func(d time.Duration, f func()) (stop func())
}

func realBackground() background {
	return background{
		run: func(f func()) { go f() },
		after: func(d time.Duration, f func()) func() {
			t := time.AfterFunc(d, func() { fyne.Do(f) })
			return func() { t.Stop() }
		},
	}
}
