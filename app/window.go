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
	Now    func() time.Time      // the clock matches run at; nil means time.Now
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
	// DirectoryShown, if set, is called on the UI goroutine each time the
	// Directory list shows a query's answer: the startup benchmark times the
	// window up to the first one.
	DirectoryShown func()
}

// MainWindow is the main window as the program shows it, with what the
// program tells it from outside: a refresh it ran in the background.
type MainWindow struct {
	fyne.Window
	m *mainWindow
}

// NewMainWindow builds the main window; the caller shows it.
func NewMainWindow(a fyne.App, s Services) *MainWindow {
	m := newMainWindow(a, s, realBackground())
	return &MainWindow{Window: m.win, m: m}
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
	win       fyne.Window
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
	// zoneQuestion is the first-start question while it shows, kept so
	// tests can drive it.
	zoneQuestion *zoneQuestion
}

func newMainWindow(a fyne.App, s Services, bg background) *mainWindow {
	m := &mainWindow{win: a.NewWindow(lang.L("Referral Desk")), saved: referral.DefaultSettings(),
		bg: bg, prefs: a.Preferences(), settingsSvc: s.Settings, zones: newClinicZones(s.MachineZone, s.Locate, s.Zones)}
	imp := newImporter(m.win, s.Directory, bg, func() string { return m.saved.FeedZone(s.MachineZone) },
		m.onDirectoryChanged)
	m.directory = newDirectoryScreen(m.win, s.Groups, bg, imp.onImport, s.DirectoryShown)
	fds := newFeeds(m.win, s.Subscriptions, s.Locate, bg, imp, func() string { return m.saved.FeedZone(s.MachineZone) },
		m.onDirectoryChanged)
	m.sources = newSourcesScreen(m.win, s.Directory, s.Subscriptions, bg, imp, fds, newExporter(m.win, s.Directory, bg), m.onDirectoryChanged)
	m.referral = newReferralScreen(m.win, s, bg, m.zones, m.onReferralLogged)
	m.history = newHistoryScreen(m.win, s, bg, m.zones, m.onDirectoryChanged)
	// Settings come last: their load hands them to the screens above.
	m.settings = newSettingsScreen(m.win, s.Settings, bg, m.zones, m.onSettingsChanged)
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
	m.win.SetContent(m.tabs)
	m.win.Resize(fyne.NewSize(1180, 760))
	m.built = true
	if m.loadedOnce {
		m.askClinicZone(m.saved) // the settings loaded before the window was built
	}
	return m
}

// onDirectoryChanged refreshes what shows the directory after an import or
// a source's removal, and matches the client's needs again.
func (m *mainWindow) onDirectoryChanged() {
	m.directory.refresh()
	m.sources.refresh()
	m.referral.onNeedsChanged()
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
			m.askClinicZone(s)
		}
	}
}

// onReferralLogged is called after a sheet was saved or printed and logged.
func (m *mainWindow) onReferralLogged() {
	m.history.refresh()
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
