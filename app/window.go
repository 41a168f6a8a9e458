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
	Now    func() time.Time      // the clock matches run at; nil means time.Now
	// Directory imports and exports whole directory files.
	Directory referral.DirectoryService
}

// NewMainWindow builds the main window; the caller shows it.
func NewMainWindow(a fyne.App, s Services) fyne.Window {
	return newMainWindow(a, s, realBackground()).win
}

// mainWindow holds the window and one screen per navigation area. The areas
// are leading tabs, so a new area is one more Append.
type mainWindow struct {
	win       fyne.Window
	tabs      *container.AppTabs
	directory *directoryScreen
	referral  *referralScreen
	sources   *sourcesScreen
}

func newMainWindow(a fyne.App, s Services, bg background) *mainWindow {
	m := &mainWindow{win: a.NewWindow(lang.L("Referral Desk"))}
	imp := newImporter(m.win, s.Directory, bg, m.onDirectoryChanged)
	m.directory = newDirectoryScreen(m.win, s.Groups, bg, imp.onImport)
	m.sources = newSourcesScreen(m.win, s.Directory, bg, imp, newExporter(m.win, s.Directory, bg), m.onDirectoryChanged)
	m.referral = newReferralScreen(s, bg)
	m.tabs = container.NewAppTabs(
		// Referral comes first: it is the main job during an appointment.
		container.NewTabItemWithIcon(lang.L("Referral"), theme.DocumentCreateIcon(), m.referral.content),
		container.NewTabItemWithIcon(lang.L("Directory"), theme.ListIcon(), m.directory.content),
		container.NewTabItemWithIcon(lang.L("Sources"), theme.StorageIcon(), m.sources.content),
	)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.win.SetContent(m.tabs)
	m.win.Resize(fyne.NewSize(1180, 760))
	return m
}

// onDirectoryChanged refreshes what shows the directory after an import or
// a source's removal, and matches the client's needs again.
func (m *mainWindow) onDirectoryChanged() {
	m.directory.refresh()
	m.sources.refresh()
	m.referral.onNeedsChanged()
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
