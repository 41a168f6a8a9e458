package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"referraldesk/referral"
)

var (
	chicagoLoop = referral.Point{Lat: 41.8786, Lon: -87.6251} // ZIP 60601
	phoenix     = referral.Point{Lat: 33.4484, Lon: -112.074} // ZIP 85004
	openSea     = referral.Point{Lat: -14.3, Lon: -170.7}     // a ZIP the zone map has no zone for
)

// zoneHarness opens the main window, start after start, on one app (so its
// preferences last) over settings, a matcher and a zone map the test sees.
type zoneHarness struct {
	t        *testing.T
	app      fyne.App
	settings *fakeSettings
	match    *fakeMatch
	locate   *fakeLocator
	zones    *fakeZones
	sheets   *fakeSheets
	timers   *timers
	main     *mainWindow
}

func newZoneHarness(t *testing.T, st referral.Settings, zones *fakeZones) *zoneHarness {
	t.Helper()
	return &zoneHarness{t: t, app: test.NewTempApp(t), settings: &fakeSettings{s: st},
		match: &fakeMatch{groups: directoryGroups()}, zones: zones, sheets: &fakeSheets{pages: 1}, timers: &timers{},
		locate: &fakeLocator{zips: map[string]referral.ZIPLocation{
			"19107": {Point: center, ZCTA: "19107"},
			"60601": {Point: chicagoLoop, ZCTA: "60601"},
			"85004": {Point: phoenix, ZCTA: "85004"},
			"96799": {Point: openSea, ZCTA: "96799"},
		}}}
}

// zoneMap knows the zones of the harness's ZIPs but 96799's.
func zoneMap(t *testing.T) *fakeZones {
	return newFakeZones(t, map[referral.Point]string{
		center: "America/New_York", chicagoLoop: "America/Chicago", phoenix: "America/Phoenix"})
}

// start opens the window as a start of the app on a machine in zone machine.
func (h *zoneHarness) start(machine string) *mainWindow {
	h.t.Helper()
	bg := background{run: func(f func()) { f() }, after: h.timers.after}
	dirs := newFakeDirectory(newFakeGroups())
	h.main = newMainWindow(h.app, complete(h.t, Services{Groups: newFakeGroups(), Match: h.match, Locate: h.locate, Places: fakePlaces{}, Zones: h.zones,
		Directory: dirs, Subscriptions: newFakeSubscriptions(dirs), Settings: h.settings, History: &fakeLog{}, Sheets: h.sheets,
		Now: func() time.Time { return referralNow }, MachineZone: machine}), bg)
	w := h.main.win
	h.t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1180, 760))
	return h.main
}

// top is what the dialog on top says, "" when none shows.
func (h *zoneHarness) top() string {
	top := h.main.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), " ")
}

// matchAt types the client's ZIP and lets the match run.
func (h *zoneHarness) matchAt(zip string) referral.Needs {
	h.t.Helper()
	f := h.main.referral.form
	f.zip.SetText("")
	test.Type(f.zip, zip)
	h.timers.fire()
	if h.match.calls == 0 {
		h.t.Fatalf("no match ran for ZIP %s", zip)
	}
	return h.match.last
}

func zoneName(n referral.Needs) string {
	if n.ClinicZone == nil {
		return "<nil, read as UTC>"
	}
	return n.ClinicZone.String()
}

func chicagoClinic() referral.Settings {
	st := referral.DefaultSettings()
	st.Clinic = referral.Clinic{Name: "Loop Recovery", Address: "233 S Wacker Dr, Chicago, IL 60601"}
	st.Counselor = "Dana Ruiz"
	return st
}

func TestFirstStartAsksTheClinicZone(t *testing.T) {
	h := newZoneHarness(t, chicagoClinic(), zoneMap(t))
	m := h.start("UTC")
	f := m.firstRun
	if f == nil {
		t.Fatalf("a machine in UTC with no zone saved should ask; the window shows %q", h.top())
	}
	said := h.top()
	for _, want := range []string{"Welcome to Referral Desk", "head every referral sheet",
		"America/Chicago is proposed from the ZIP 60601 in the clinic's address."} {
		if !strings.Contains(said, want) {
			t.Errorf("the form does not say %q: %q", want, said)
		}
	}
	if f.name.Text != "Loop Recovery" || f.zone.Text != "America/Chicago" {
		t.Errorf("the form starts with clinic %q and zone %q, want the saved name and the zone at its ZIP",
			f.name.Text, f.zone.Text)
	}
	capture(t, m.win, "/tmp/first-run.png")

	f.zone.SetText("xyz")
	test.Tap(f.save)
	if h.settings.saves != 0 || m.firstRun != f || !f.problem.Visible() ||
		!strings.Contains(f.problem.Text, `Time zone "xyz" is unknown`) {
		t.Fatalf("Save with xyz: saved %d times, problem %q (shown %v)", h.settings.saves, f.problem.Text, f.problem.Visible())
	}

	// Someone changes another setting (the command line, say) before Save:
	// Save must store the form's boxes alone, into the settings as they are now.
	h.settings.mu.Lock()
	h.settings.s.Counselor = "Sam Lee"
	h.settings.mu.Unlock()
	f.zone.SetText("America/Chicago")
	test.Tap(f.save)
	got := h.settings.s
	if h.settings.saves != 1 || got.ClinicTimeZone != "America/Chicago" || got.Counselor != "Sam Lee" ||
		got.Clinic.Name != "Loop Recovery" || got.Clinic.Address != "233 S Wacker Dr, Chicago, IL 60601" {
		t.Fatalf("Save saved %d times: zone %q, counselor %q, clinic %+v", h.settings.saves, got.ClinicTimeZone,
			got.Counselor, got.Clinic)
	}
	if h.top() != "" || m.firstRun != nil {
		t.Errorf("after Save the window still shows %q", h.top())
	}
	if s := m.settings; s.clinicZone.Text != "America/Chicago" || !strings.Contains(s.clinicZoneHint.Text, "read and printed in this zone") {
		t.Errorf("Settings show the clinic zone %q, hint %q", s.clinicZone.Text, s.clinicZoneHint.Text)
	}
	if n := h.matchAt("19107"); zoneName(n) != "America/Chicago" {
		t.Errorf("after Save the Referral screen matches in %s", zoneName(n))
	}
	if m = h.start("UTC"); m.firstRun != nil {
		t.Errorf("the next start asks again after Save: %q", h.top())
	}
}

// A new clinic types its name and address by keys alone: the zone at the
// address's ZIP is proposed as the address is typed, and Enter saves.
func TestFirstStartProposesTheZoneOfTheTypedAddress(t *testing.T) {
	h := newZoneHarness(t, referral.DefaultSettings(), zoneMap(t))
	m := h.start("UTC")
	f := m.firstRun
	if f == nil {
		t.Fatal("a new clinic on a machine in UTC is not asked about the clinic")
	}
	if f.zone.Text != "" || !strings.Contains(h.top(), "This computer is set to UTC") {
		t.Errorf("with no address the form proposes %q and says %q", f.zone.Text, h.top())
	}
	if foc := m.win.Canvas().Focused(); foc != f.name {
		t.Errorf("the form opens with %T focused, want the clinic name", foc)
	}
	test.Type(f.name, "Desert Hope")
	test.Type(f.address, "1 N Central Ave, Phoenix, AZ 85004")
	h.timers.fire()
	if f.zone.Text != "America/Phoenix" || !strings.Contains(h.top(), "proposed from the ZIP 85004") {
		t.Fatalf("after the address the zone box holds %q and the form says %q", f.zone.Text, h.top())
	}
	// A zone the counselor chose is never replaced by a later guess.
	f.zone.SetText("America/Denver")
	f.address.SetText("233 S Wacker Dr, Chicago, IL 60601")
	h.timers.fire()
	if f.zone.Text != "America/Denver" {
		t.Errorf("a later address replaced the chosen zone with %q", f.zone.Text)
	}
	m.win.Canvas().Focus(f.address)
	m.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	got := h.settings.s
	if h.settings.saves != 1 || got.Clinic.Name != "Desert Hope" || got.ClinicTimeZone != "America/Denver" ||
		!strings.HasPrefix(got.Clinic.Address, "233 S Wacker") {
		t.Fatalf("Enter saved %d times: %+v, zone %q", h.settings.saves, got.Clinic, got.ClinicTimeZone)
	}
	if h.top() != "" {
		t.Errorf("after Enter the window still shows %q", h.top())
	}
}

func TestFirstStartSkipIsRemembered(t *testing.T) {
	st := referral.DefaultSettings() // no address: nothing to guess from
	h := newZoneHarness(t, st, zoneMap(t))
	m := h.start("")
	f := m.firstRun
	if f == nil {
		t.Fatal("a machine with no zone and none saved should ask")
	}
	if f.zone.Text != "" || !strings.Contains(h.top(), "This computer does not say which zone it is in.") ||
		strings.Contains(h.top(), "proposed") {
		t.Errorf("with no ZIP to guess from the form proposes %q and says %q", f.zone.Text, h.top())
	}
	test.Tap(f.save)
	if h.settings.saves != 0 || !strings.Contains(f.problem.Text, "or Skip") {
		t.Errorf("Save with nothing typed: saved %d, says %q", h.settings.saves, f.problem.Text)
	}
	test.Tap(f.skip)
	if h.settings.saves != 0 || h.top() != "" {
		t.Fatalf("Skip saved %d times and left %q showing", h.settings.saves, h.top())
	}

	m = h.start("")
	if m.firstRun != nil || h.top() != "" {
		t.Fatalf("the next start asks again after Skip: %q", h.top())
	}
	s := m.settings
	s.clinicZone.SetText("America/Phoenix")
	test.Tap(s.save)
	if h.settings.s.ClinicTimeZone != "America/Phoenix" {
		t.Errorf("after Skip, Settings saved the clinic zone %q", h.settings.s.ClinicTimeZone)
	}
}

func TestFirstStartDoesNotAskAKnownClinic(t *testing.T) {
	saved := chicagoClinic()
	saved.ClinicTimeZone = "America/Denver"
	for name, c := range map[string]struct {
		st      referral.Settings
		machine string
		pref    string // an answer a start before remembered
	}{
		"named clinic, machine in Chicago": {st: chicagoClinic(), machine: "America/Chicago"},
		"named clinic, zone saved":         {st: saved, machine: "UTC"},
		// A desk that answered the older zone-only question is not asked again.
		"zone question answered before": {st: referral.DefaultSettings(), machine: "UTC", pref: askedClinicZoneKey},
		"form answered before":          {st: referral.DefaultSettings(), machine: "UTC", pref: askedClinicKey},
	} {
		t.Run(name, func(t *testing.T) {
			h := newZoneHarness(t, c.st, noZones(t))
			if c.pref != "" {
				h.app.Preferences().SetBool(c.pref, true)
			}
			m := h.start(c.machine)
			if m.firstRun != nil || h.top() != "" {
				t.Fatalf("the start asks though the clinic is known: %q", h.top())
			}
		})
	}
}

// A clinic with its zone known but no name is asked its name; the zone box
// shows the machine's zone.
func TestFirstStartAsksAnUnnamedClinic(t *testing.T) {
	h := newZoneHarness(t, referral.DefaultSettings(), noZones(t))
	m := h.start("America/Chicago")
	f := m.firstRun
	if f == nil {
		t.Fatal("a clinic with no name is not asked for it")
	}
	if f.zone.Text != "America/Chicago" || !strings.Contains(h.top(), "America/Chicago is this computer's zone.") {
		t.Errorf("the zone box holds %q; the form says %q", f.zone.Text, h.top())
	}
	f.name.SetText("Lakeview Counseling")
	test.Tap(f.save)
	if got := h.settings.s; got.Clinic.Name != "Lakeview Counseling" || got.ClinicTimeZone != "America/Chicago" {
		t.Errorf("Save stored clinic %q, zone %q", got.Clinic.Name, got.ClinicTimeZone)
	}
	if got := m.settings.name.Text; got != "Lakeview Counseling" {
		t.Errorf("Settings show the clinic name %q after the form saved it", got)
	}
}

func TestSettingsClinicZone(t *testing.T) {
	h := newDeskHarness(t, clinicSettings(), nil)
	s := h.main.settings
	h.open(s.content)
	if got := s.clinicZoneHint.Text; got != "Not set: this computer's zone America/Chicago is used." {
		t.Errorf("the empty clinic zone says %q", got)
	}
	s.clinicZone.SetText("xyz")
	if got := s.clinicZoneHint.Text; got != "Online groups' meeting times are read and printed in this zone." {
		t.Errorf("a typed clinic zone says %q", got)
	}
	test.Tap(s.save)
	capture(t, h.win, "/tmp/settings-zone-problem.png")
	l := s.problems.labels["ClinicTimeZone"]
	if h.settings.saves != 0 || !l.Visible() || !strings.Contains(l.Text, `Time zone "xyz" is unknown`) ||
		!strings.Contains(s.summary.Text, "Clinic time zone") {
		t.Fatalf("xyz: saved %d, beside the field %q, summary %q", h.settings.saves, l.Text, s.summary.Text)
	}
	s.clinicZone.SetText("America/Denver")
	test.Tap(s.save)
	if h.settings.saves != 1 || h.settings.s.ClinicTimeZone != "America/Denver" || l.Visible() {
		t.Fatalf("America/Denver: saved %d, zone %q, problem %q", h.settings.saves, h.settings.s.ClinicTimeZone, l.Text)
	}
	if got := s.feedZone.PlaceHolder; got != "The clinic's zone (America/Denver)" {
		t.Errorf("the empty fallback zone says %q", got)
	}
}

func TestSettingsSayWhichZoneIsGuessed(t *testing.T) {
	h := newZoneHarness(t, chicagoClinic(), zoneMap(t))
	m := h.start("UTC")
	test.Tap(m.firstRun.skip)
	s := m.settings
	for _, c := range []struct{ address, want string }{
		{"233 S Wacker Dr, Chicago, IL 60601",
			"Not set: online times are read in America/Chicago, guessed from the clinic's ZIP 60601."},
		{"Pago Pago, AS 96799",
			"Not set, and the clinic's ZIP 96799 tells no zone: online times are read in the zone of the client's ZIP, else America/New_York."},
		{"Chicago",
			"Not set: online times are read in the zone of the client's ZIP, else America/New_York. A ZIP in the clinic's address tells it better."},
	} {
		s.address.SetText(c.address)
		test.Tap(s.save)
		if got := s.clinicZoneHint.Text; got != c.want || !s.clinicZoneHint.Visible() {
			t.Errorf("address %q: the empty clinic zone says %q, want %q", c.address, got, c.want)
		}
	}
}

func TestReferralMatchesInTheSavedZone(t *testing.T) {
	st := chicagoClinic()
	st.ClinicTimeZone = "America/Denver"
	h := newZoneHarness(t, st, noZones(t)) // a saved zone needs no map
	m := h.start("UTC")
	if n := h.matchAt("19107"); zoneName(n) != "America/Denver" {
		t.Fatalf("matched in %s, want the saved America/Denver", zoneName(n))
	}
	bar := m.referral.sheet
	bar.printRoot = t.TempDir()
	bar.openViewer = handOver(new([]string))
	test.Tap(bar.preview)
	test.Tap(bar.print)
	if len(h.sheets.previewed) != 1 || len(h.sheets.rendered) != 1 {
		t.Fatalf("previewed %d, printed %d sheets; the window says %q", len(h.sheets.previewed), len(h.sheets.rendered), h.top())
	}
	if p, r := h.sheets.previewed[0].ClinicZone, h.sheets.rendered[0].ClinicZone; p != "America/Denver" || r != "America/Denver" {
		t.Errorf("the preview's sheet is in %q, the printed one in %q", p, r)
	}
}

func TestReferralMatchesInTheGuessedZone(t *testing.T) {
	h := newZoneHarness(t, chicagoClinic(), zoneMap(t))
	m := h.start("UTC")
	test.Tap(m.firstRun.skip)
	asked := h.zones.calls() // the form's guess
	if n := h.matchAt("19107"); zoneName(n) != "America/Chicago" {
		t.Fatalf("nothing saved, clinic at 60601: matched in %s", zoneName(n))
	}
	h.matchAt("85004")
	if n := h.matchAt("19107"); zoneName(n) != "America/Chicago" || h.zones.calls() != asked {
		t.Errorf("matched in %s, asking the zone map %d more times; the clinic's guess should be kept",
			zoneName(n), h.zones.calls()-asked)
	}
	test.Tap(m.referral.sheet.preview)
	if len(h.sheets.previewed) != 1 || h.sheets.previewed[0].ClinicZone != "America/Chicago" {
		t.Fatalf("the sheet is not in the guessed zone: %+v", h.sheets.previewed)
	}

	s := m.settings
	s.clinicZone.SetText("America/Denver")
	test.Tap(s.save)
	h.timers.fire()
	if n := h.match.last; zoneName(n) != "America/Denver" {
		t.Errorf("after saving America/Denver the Referral screen matches in %s", zoneName(n))
	}
}

func TestReferralGuessesFromTheClientZIP(t *testing.T) {
	h := newZoneHarness(t, referral.DefaultSettings(), zoneMap(t)) // no clinic address
	m := h.start("Etc/UTC")
	test.Tap(m.firstRun.skip)
	if n := h.matchAt("85004"); zoneName(n) != "America/Phoenix" {
		t.Errorf("no clinic ZIP, client at 85004: matched in %s", zoneName(n))
	}
	f := m.referral.form
	f.zip.SetText("")
	f.attend.SetSelected("Online")
	h.timers.fire()
	if n := h.match.last; n.Origin != nil || zoneName(n) != referral.FallbackTimeZone {
		t.Errorf("no ZIP at all: matched at %v in %s, want %s", n.Origin, zoneName(n), referral.FallbackTimeZone)
	}
}
