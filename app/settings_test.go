package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
)

// fakeSettings is an in-memory referral.SettingsService that validates with
// the domain's own rules, as the store does.
type fakeSettings struct {
	mu      sync.Mutex
	s       referral.Settings
	saves   int
	loadErr error // returned by Settings, if set
}

func (f *fakeSettings) Settings(context.Context) (referral.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.s, f.loadErr
}

func (f *fakeSettings) SaveSettings(_ context.Context, s referral.Settings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := s.Validate(); err != nil {
		return err
	}
	f.saves++
	f.s = s
	return nil
}

// deskHarness is the main window with settings, a referral log and a sheet
// renderer besides the directory, on a synchronous background.
type deskHarness struct {
	*harness
	settings *fakeSettings
	history  *fakeHistory
	sheets   *fakeSheets
	opened   []string // what Open handed the system
}

func newDeskHarness(t *testing.T, st referral.Settings, log []*referral.Referral, gs ...referral.Group) *deskHarness {
	t.Helper()
	return newDeskHarnessWith(t, st, log, nil, gs...)
}

// newDeskHarnessWith is newDeskHarness with with (when not nil) adding the
// services the test needs.
func newDeskHarnessWith(t *testing.T, st referral.Settings, log []*referral.Referral, with func(*Services), gs ...referral.Group) *deskHarness {
	t.Helper()
	a := startedBefore(t)
	h := &harness{t: t, fake: newFakeGroups(gs...), timers: &timers{}}
	h.dirs = newFakeDirectory(h.fake)
	d := &deskHarness{harness: h, settings: &fakeSettings{s: st}, history: newFakeHistory(log...), sheets: &fakeSheets{}}
	bg := background{run: func(f func()) { f() }, after: h.timers.after}
	s := Services{Groups: h.fake, Directory: h.dirs, Subscriptions: newFakeSubscriptions(h.dirs), Settings: d.settings, Locate: &fakeLocator{}, Places: fakePlaces{},
		Zones: noZones(t), History: d.history, Sheets: d.sheets, Now: func() time.Time { return testNow },
		MachineZone: "America/Chicago"}
	if with != nil {
		with(&s)
	}
	h.main = newMainWindow(a, complete(t, s), bg)
	h.win, h.dir = h.main.win, h.main.directory
	h.sources, h.imp = h.main.sources, h.main.sources.importer
	h.main.history.loc = time.UTC
	h.main.history.openURL = func(u *url.URL) error {
		d.opened = append(d.opened, u.String())
		return nil
	}
	closeAtEnd(t, h.win)
	h.win.Resize(fyne.NewSize(1180, 760))
	return d
}

// open selects the tab showing content.
func (h *harness) open(content fyne.CanvasObject) {
	for _, tab := range h.main.tabs.Items {
		if tab.Content == content {
			h.main.tabs.Select(tab)
			return
		}
	}
	h.t.Fatal("no tab shows that screen")
}

func clinicSettings() referral.Settings {
	s := referral.DefaultSettings()
	s.Clinic = referral.Clinic{Name: "Riverside Recovery Clinic", Address: "12 Market St, Philadelphia, PA 19107",
		Phone: "215-555-0100", Website: "https://riverside.example.org", Logo: logoPNG()}
	s.Counselor = "Dana Ruiz"
	s.DefaultMiles = 7.5
	s.SheetLang, s.SheetPaper = referral.Spanish, referral.A4
	s.RetentionDays = 30
	s.FeedTimeZone = "America/Denver"
	return s
}

// logoPNG returns a small PNG picture.
func logoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := range 120 {
		for y := range 40 {
			img.Set(x, y, color.RGBA{R: 20, G: uint8(80 + x), B: 160, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func TestSettingsShowSavedValues(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	s := h.main.settings
	h.open(s.content)
	for _, c := range []struct{ name, got, want string }{
		{"clinic name", s.name.Text, "Riverside Recovery Clinic"},
		{"address", s.address.Text, "12 Market St, Philadelphia, PA 19107"},
		{"phone", s.phone.Text, "215-555-0100"},
		{"website", s.website.Text, "https://riverside.example.org"},
		{"counselor", s.counselor.Text, "Dana Ruiz"},
		{"miles", s.miles.Text, "7.5"},
		{"language", s.language.Selected, "Español"},
		{"paper", s.paper.Selected, "A4"},
		{"retention", s.retention.Text, "30"},
		{"zone", s.feedZone.Text, "America/Denver"},
		{"logo", s.logoAbout.Text, "PNG, 1 KB"},
	} {
		if c.got != c.want {
			t.Errorf("%s shows %q, want %q", c.name, c.got, c.want)
		}
	}
	if s.logoImage.Image == nil || !s.logoImage.Visible() || !s.removeLogo.Visible() {
		t.Error("the saved logo should show with Remove logo")
	}
	if s.save.Disabled() {
		t.Error("Save should work once the settings are loaded")
	}
	if got := s.feedZone.PlaceHolder; got != "The clinic's zone (America/Chicago)" {
		t.Errorf("the empty fallback zone says %q", got)
	}
	if got := s.clinicZoneHint.Text; got != "Not set: this computer's zone America/Chicago is used." {
		t.Errorf("the empty clinic zone says %q", got)
	}
	said := strings.Join(texts(s.content), " ")
	if !strings.Contains(said, "Referral log entries older than this are deleted.") {
		t.Errorf("the retention row does not explain itself: %q", said)
	}
	capture(t, h.win, "/tmp/settings.png")
	s.scroll.ScrollToBottom()
	capture(t, h.win, "/tmp/settings-bottom.png")
}

func TestSettingsDefaultsWhenNeverSaved(t *testing.T) {
	h := newDeskHarness(t, referral.DefaultSettings(), nil)
	s := h.main.settings
	if s.retention.Text != "90" || s.language.Selected != "English" || s.paper.Selected != "Letter" ||
		s.feedZone.Text != "" || s.logoAbout.Text != "No logo" || s.removeLogo.Visible() {
		t.Errorf("defaults show retention %q, %q, %q, zone %q, logo %q", s.retention.Text,
			s.language.Selected, s.paper.Selected, s.feedZone.Text, s.logoAbout.Text)
	}
}

func TestSettingsInvalidShowMessagesAndSaveNothing(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	s := h.main.settings
	h.open(s.content)
	s.website.SetText("riverside.example.org")
	s.retention.SetText("0")
	s.miles.SetText("far")
	test.Tap(s.save)
	capture(t, h.win, "/tmp/settings-problems.png")

	if h.settings.saves != 0 {
		t.Fatal("invalid settings were saved")
	}
	for field, want := range map[string]string{
		"Clinic.Website": "must start with http:// or https://",
		"RetentionDays":  "between 1 and 3650 days",
		"DefaultMiles":   "Write the distance as a number of miles",
	} {
		l := s.problems.labels[field]
		if !l.Visible() || !strings.Contains(l.Text, want) {
			t.Errorf("beside %s: %q (shown %v), want %q", field, l.Text, l.Visible(), want)
		}
	}
	if !s.summary.Visible() || s.summary.Text != "Not saved. Check Website, Distance, Keep entries for." {
		t.Errorf("the summary says %q", s.summary.Text)
	}
	if s.status.Text != "" {
		t.Errorf("the status says %q", s.status.Text)
	}
	if l := s.problems.labels["Clinic.Phone"]; l.Visible() {
		t.Errorf("a good phone number got %q", l.Text)
	}

	s.website.SetText("https://riverside.example.org")
	s.retention.SetText("45")
	s.miles.SetText("5")
	s.feedZone.SetText("Mars/Olympus")
	test.Tap(s.save)
	if h.settings.saves != 0 || !strings.Contains(s.problems.labels["FeedTimeZone"].Text, "Mars/Olympus") ||
		s.problems.labels["Clinic.Website"].Visible() {
		t.Fatalf("an unknown zone: saved %d, zone problem %q", h.settings.saves, s.problems.labels["FeedTimeZone"].Text)
	}
}

func TestSettingsSave(t *testing.T) {
	h := newDeskHarness(t, referral.DefaultSettings(), nil)
	s := h.main.settings
	s.name.SetText("  Northside Health  ")
	s.website.SetText("https://northside.example.org")
	s.counselor.SetText("Sam Lee")
	s.miles.SetText("12")
	s.language.SetSelected("Español")
	s.paper.SetSelected("A4")
	s.retention.SetText("60")
	s.feedZone.SetText("America/Phoenix")
	s.clinicZone.SetText(" America/Denver ")
	s.logoRead(logoPNG(), image.NewRGBA(image.Rect(0, 0, 2, 2)), nil)
	test.Tap(s.save)

	want := referral.Settings{
		Clinic:    referral.Clinic{Name: "Northside Health", Website: "https://northside.example.org", Logo: logoPNG()},
		Counselor: "Sam Lee", DefaultMiles: 12, SheetLang: referral.Spanish, SheetPaper: referral.A4,
		RetentionDays: 60, ClinicTimeZone: "America/Denver", FeedTimeZone: "America/Phoenix",
	}
	got := h.settings.s
	if h.settings.saves != 1 || !bytes.Equal(got.Clinic.Logo, want.Clinic.Logo) {
		t.Fatalf("saved %d times, logo %d bytes", h.settings.saves, len(got.Clinic.Logo))
	}
	got.Clinic.Logo, want.Clinic.Logo = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("saved\n%+v\nwant\n%+v", got, want)
	}
	if s.status.Text != "Saved" {
		t.Errorf("after saving the status says %q", s.status.Text)
	}
	if s.name.Text != "Northside Health" {
		t.Errorf("the form shows %q after saving, not what was saved", s.name.Text)
	}
	h.timers.fire()
	if s.status.Text != "" {
		t.Errorf("the Saved notice stays: %q", s.status.Text)
	}
	if got := h.main.history.emptyNote.Text; !strings.Contains(got, "older than 60 days") {
		t.Errorf("the History empty state says %q after saving 60 days", got)
	}
}

func TestSettingsLogo(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	s := h.main.settings
	s.onLogoChosen(io.NopCloser(strings.NewReader("GIF89a not a png")))
	if l := s.problems.labels["Clinic.Logo"]; !l.Visible() || l.Text != "The clinic logo must be a PNG or JPEG picture." {
		t.Errorf("a GIF got %q", l.Text)
	}
	if !bytes.Equal(s.logo, logoPNG()) || s.logoAbout.Text != "PNG, 1 KB" {
		t.Error("a refused file changed the logo")
	}

	big := append(logoPNG(), make([]byte, referral.MaxLogoBytes)...)
	s.onLogoChosen(io.NopCloser(bytes.NewReader(big)))
	if l := s.problems.labels["Clinic.Logo"]; !strings.Contains(l.Text, "at most 2 MB") {
		t.Errorf("a %d-byte file got %q", len(big), l.Text)
	}

	s.onLogoChosen(io.NopCloser(strings.NewReader("\x89PNG\r\n\x1a\n but broken")))
	if l := s.problems.labels["Clinic.Logo"]; !strings.Contains(l.Text, "could not be read as a picture") {
		t.Errorf("a damaged PNG got %q", l.Text)
	}
	if !bytes.Equal(s.logo, logoPNG()) {
		t.Error("a refused file changed the logo")
	}

	test.Tap(s.removeLogo)
	if s.logo != nil || s.logoAbout.Text != "No logo" || s.logoImage.Visible() || s.removeLogo.Visible() ||
		s.problems.labels["Clinic.Logo"].Visible() {
		t.Errorf("after Remove logo: %d bytes, %q", len(s.logo), s.logoAbout.Text)
	}
	test.Tap(s.save)
	if h.settings.s.Clinic.Logo != nil {
		t.Error("the removed logo is still saved")
	}
}

func TestImportLeavesTheZoneToTheMeetingPlaces(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	form := func() (zone, placeholder, said string) {
		h.t.Helper()
		h.imp.onFileChosen(directoryFile(t, "aa.json", "[]"), "")
		defer h.imp.form.dialog.Hide()
		f := h.imp.form
		return f.zone.Text, f.zone.PlaceHolder, strings.Join(canvasTexts(h.dialogOnTop()), " ")
	}
	zone, placeholder, said := form()
	if zone != "" || placeholder != "Found from the meeting places" {
		t.Errorf("the import form proposes zone %q (placeholder %q), want it empty", zone, placeholder)
	}
	if !strings.Contains(said, "they get America/Denver from Settings") {
		t.Errorf("with America/Denver saved as the fallback the form says %q", said)
	}
	s := h.main.settings
	s.feedZone.SetText("")
	test.Tap(s.save)
	if _, _, said := form(); !strings.Contains(said, "they get America/Chicago from Settings") {
		t.Errorf("with no fallback saved the form says %q, want the clinic's zone (this computer's)", said)
	}

	h.imp.onFileChosen(directoryFile(t, "online.json", "Zoom Group"), "")
	h.imp.form.zone.SetText("Pacific/Honolulu")
	h.tapDialogButton("Import")
	h.tapDialogButton("Close")
	h.imp.onFileChosen(directoryFile(t, "other.json", "Other Group"), "")
	h.tapDialogButton("Import")
	if len(h.dirs.imports) != 2 || h.dirs.imports[0].TimeZone != "Pacific/Honolulu" || h.dirs.imports[1].TimeZone != "" {
		t.Errorf("imports asked with %+v, want the typed zone, then none", h.dirs.imports)
	}
}

// canvasTexts returns every visible text in o, labels' and form hints'.
func canvasTexts(o fyne.CanvasObject) []string {
	var out []string
	visible(o, func(o fyne.CanvasObject) {
		if c, ok := o.(*canvas.Text); ok && c.Text != "" {
			out = append(out, c.Text)
		}
	})
	return out
}

func TestSettingsThatCannotBeLoadedAreNotSaved(t *testing.T) {
	a := startedBefore(t)
	fs := &fakeSettings{loadErr: referral.Errorf(referral.EINTERNAL, "sqlite: disk I/O error")}
	bg := background{run: func(f func()) { f() }, after: (&timers{}).after}
	dirs := newFakeDirectory(newFakeGroups())
	m := newMainWindow(a, complete(t, Services{Groups: newFakeGroups(), Directory: dirs, Subscriptions: newFakeSubscriptions(dirs), Settings: fs,
		Locate: &fakeLocator{}, Places: fakePlaces{}, Zones: noZones(t), MachineZone: "America/Chicago"}), bg)
	t.Cleanup(m.win.Close)
	if !m.settings.save.Disabled() {
		t.Fatal("Save should stay off when the settings could not be read: it would overwrite them with defaults")
	}
	said := strings.Join(texts(m.win.Canvas().Overlays().Top()), " ")
	if strings.Contains(said, "sqlite") || !strings.Contains(said, "could not be read") {
		t.Errorf("the failure says %q", said)
	}
	fs.loadErr = nil
	fs.s = clinicSettings()
	m.tabs.SelectIndex(len(m.tabs.Items) - 1)
	if m.settings.save.Disabled() || m.settings.name.Text != "Riverside Recovery Clinic" {
		t.Error("opening Settings again should retry the load")
	}
}

// TestSettingsRefreshDays: feed.refresh_days is edited with the other
// settings, 0 to 365, and refused outside with the reason beside it.
func TestSettingsRefreshDays(t *testing.T) {
	h := newDeskHarness(t, referral.DefaultSettings(), nil)
	s := h.main.settings
	h.open(s.content)
	if s.refreshDays.Text != "0" {
		t.Errorf("the default refresh shows %q, want 0 (only when asked)", s.refreshDays.Text)
	}
	if said := strings.Join(texts(s.content), " "); !strings.Contains(said, "only when you press Refresh") {
		t.Errorf("the refresh row does not say what 0 means: %q", said)
	}
	for _, bad := range []struct{ text, says string }{
		{"366", "1 to 365 days, or 0"},
		{"-1", "1 to 365 days, or 0"},
		{"weekly", "Write a whole number of days"},
	} {
		s.refreshDays.SetText(bad.text)
		test.Tap(s.save)
		l := s.problems.labels["RefreshDays"]
		if h.settings.saves != 0 || !l.Visible() || !strings.Contains(l.Text, bad.says) {
			t.Errorf("refresh every %q days: saved %d, beside it %q; want it refused saying %q", bad.text, h.settings.saves, l.Text, bad.says)
		}
	}
	for _, days := range []int{365, 7, 0} {
		s.refreshDays.SetText(" " + strconv.Itoa(days) + " ")
		test.Tap(s.save)
		if h.settings.s.RefreshDays != days || s.problems.labels["RefreshDays"].Visible() {
			t.Errorf("refresh every %d days: saved %d", days, h.settings.s.RefreshDays)
		}
	}
	if s.refreshDays.Text != "0" || h.settings.saves != 3 {
		t.Errorf("after saving the form shows %q, %d saves", s.refreshDays.Text, h.settings.saves)
	}
}
