package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// askedClinicZoneKey is the app preference that remembers the first-start
// question about the clinic's time zone was answered (saved or skipped), so
// a clinic that skips it is not asked at every start; Settings still sets it.
const askedClinicZoneKey = "asked.clinic.timezone"

// clinicZones tells the zone the clinic's online groups are read and
// printed in. When neither Settings nor the machine name it, the zone is
// guessed from a ZIP by the time-zone map (Settings.MatchZone), which takes
// about a second and 60 MB to load on first use. So every method that may
// guess runs off the UI goroutine, asks the map nothing when the zone is
// known, and remembers its guesses: per clinic ZIP, and per client point
// when the clinic's ZIP tells nothing.
type clinicZones struct {
	machine string // this computer's IANA zone name, "" when unknown
	locate  referral.Locator
	finder  referral.ZoneFinder

	mu       sync.Mutex // held while guessing, so the map loads once
	byZIP    map[string]zoneGuess
	byClient map[referral.Point]string
	locs     map[string]*time.Location
}

// zoneGuess is the zone guessed for a clinic without a client, and whether
// the ZIP in its address told it (else it is FallbackTimeZone).
type zoneGuess struct {
	zone    string
	fromZIP bool
}

func newClinicZones(machine string, locate referral.Locator, finder referral.ZoneFinder) *clinicZones {
	return &clinicZones{machine: machine, locate: locate, finder: finder,
		byZIP: map[string]zoneGuess{}, byClient: map[referral.Point]string{}, locs: map[string]*time.Location{}}
}

// known is the zone Settings or the machine name (Settings.ClinicZone), ""
// when it has to be guessed. It asks no map, so it is safe on the UI
// goroutine.
func (z *clinicZones) known(s referral.Settings) string {
	return s.ClinicZone(z.machine)
}

// clinicGuess is the zone guessed from the ZIP in the clinic's address
// alone; call it off the UI goroutine, and only when known(s) is "".
func (z *clinicZones) clinicGuess(s referral.Settings) zoneGuess {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.clinicGuessLocked(s)
}

func (z *clinicZones) clinicGuessLocked(s referral.Settings) zoneGuess {
	zip := s.ClinicZIP()
	if g, ok := z.byZIP[zip]; ok {
		return g
	}
	zone, guess := s.MatchZone(z.machine, z.locate, z.finder, nil)
	g := zoneGuess{zone: zone, fromZIP: guess == referral.ZoneFromClinicZIP}
	z.byZIP[zip] = g
	return g
}

// forClient is the zone to match a client at client (nil for none) in: the
// known one, else the clinic ZIP's, else the client ZIP's, else
// FallbackTimeZone (Settings.MatchZone). Call it off the UI goroutine.
func (z *clinicZones) forClient(s referral.Settings, client *referral.Point) string {
	if k := z.known(s); k != "" {
		return k
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	g := z.clinicGuessLocked(s)
	if g.fromZIP || client == nil {
		return g.zone
	}
	// One entry per client point a session matches: a few hundred at most.
	if zone, ok := z.byClient[*client]; ok {
		return zone
	}
	zone, _ := s.MatchZone(z.machine, z.locate, z.finder, client)
	z.byClient[*client] = zone
	return zone
}

// location loads a zone forClient named, remembering it: a match runs at
// every pause in typing, and loading reads the zone's file each time.
func (z *clinicZones) location(name string) *time.Location {
	z.mu.Lock()
	defer z.mu.Unlock()
	if l, ok := z.locs[name]; ok {
		return l
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		// Settings and MatchZone name only zones that load; should one not,
		// UTC is what a Needs without a zone meant before.
		fyne.LogError("clinic zone: load "+name, err)
		l = time.UTC
	}
	z.locs[name] = l
	return l
}

// zoneQuestion is the dialog the first start shows when neither Settings
// nor the machine say the clinic's zone: a zone box proposing the guess from
// the clinic's ZIP, OK to save it as clinic.timezone, Skip to leave it.
type zoneQuestion struct {
	zone    *widget.SelectEntry
	about   *widget.Label
	problem *widget.Label
	ok      *widget.Button
	skip    *widget.Button
	dialog  *dialog.CustomDialog
}

// askClinicZone asks the clinic's zone once, on the first start whose
// settings (just loaded) leave it unknown. The guess is made off the UI
// goroutine.
func (m *mainWindow) askClinicZone(s referral.Settings) {
	if m.prefs.Bool(askedClinicZoneKey) || m.zones.known(s) != "" {
		return
	}
	m.bg.run(func() {
		g := m.zones.clinicGuess(s)
		fyne.Do(func() {
			// Settings may have named the zone while the guess was made.
			if m.zones.known(m.saved) == "" {
				m.showZoneQuestion(s.ClinicZIP(), g)
			}
		})
	})
}

func (m *mainWindow) showZoneQuestion(zip string, g zoneGuess) {
	q := &zoneQuestion{zone: widget.NewSelectEntry(usTimeZones), problem: newProblemLabel()}
	q.zone.PlaceHolder = lang.L("Choose or type the clinic's zone")
	about := []string{lang.L("Online groups' meeting times are read and printed in the clinic's time zone.")}
	if referral.IsUTCZone(m.zones.machine) {
		about = append(about, lang.L("This computer is set to UTC, which does not say where the clinic is."))
	} else {
		about = append(about, lang.L("This computer does not say which zone it is in."))
	}
	if g.fromZIP {
		q.zone.SetText(g.zone)
		about = append(about, lang.L("{{.Zone}} is proposed from the ZIP {{.ZIP}} in the clinic's address.",
			map[string]any{"Zone": g.zone, "ZIP": zip}))
	}
	about = append(about, lang.L("You can change it later in Settings."))
	q.about = wrapped(strings.Join(about, " "), widget.MediumImportance)
	q.zone.OnChanged = func(string) { q.problem.Hide() }

	q.skip = widget.NewButton(lang.L("Skip"), func() { m.zoneQuestionDone(q) })
	q.ok = widget.NewButton(lang.L("OK"), func() { m.onZoneQuestionOK(q) })
	q.ok.Importance = widget.HighImportance
	q.dialog = dialog.NewCustomWithoutButtons(lang.L("Which time zone is the clinic in?"),
		container.NewVBox(q.about, q.zone, q.problem), m.win)
	q.dialog.SetButtons([]fyne.CanvasObject{q.skip, q.ok})
	q.dialog.Resize(fyne.NewSize(480, q.dialog.MinSize().Height))
	m.zoneQuestion = q
	q.dialog.Show()
}

// onZoneQuestionOK checks the zone with the domain's rule at once, then
// saves it off the UI goroutine into freshly loaded settings, so no other
// setting changes.
func (m *mainWindow) onZoneQuestionOK(q *zoneQuestion) {
	name := strings.TrimSpace(q.zone.Text)
	var probe referral.Settings
	switch err := probe.Set("clinic.timezone", name); {
	case name == "":
		q.refuse(lang.L("Choose the clinic's time zone, or Skip to set it later in Settings."))
		return
	case err != nil:
		q.refuse(problemText(err))
		return
	}
	q.ok.Disable()
	q.skip.Disable()
	m.bg.run(func() {
		ctx := context.Background()
		st, err := m.settingsSvc.Settings(ctx)
		if err == nil {
			err = st.Set("clinic.timezone", name)
		}
		if err == nil {
			err = m.settingsSvc.SaveSettings(ctx, st)
		}
		logo := logoPicture(st.Clinic.Logo)
		fyne.Do(func() {
			q.ok.Enable()
			q.skip.Enable()
			if err != nil {
				if referral.ErrorCode(err) == referral.EINTERNAL {
					fyne.LogError("clinic zone: save", err)
				}
				noticeDamage(m.win, err)
				q.refuse(lang.L("It was not saved: {{.Why}} Try again, or Skip and set it in Settings.",
					map[string]any{"Why": sentence(referral.ErrorMessage(err))}))
				return
			}
			m.settings.clinicZoneSaved(st, logo)
			m.zoneQuestionDone(q)
		})
	})
}

// zoneQuestionDone closes the question for good: it is not asked again.
func (m *mainWindow) zoneQuestionDone(q *zoneQuestion) {
	m.prefs.SetBool(askedClinicZoneKey, true)
	q.dialog.Hide()
	if m.zoneQuestion == q {
		m.zoneQuestion = nil
	}
}

func (q *zoneQuestion) refuse(msg string) {
	q.problem.SetText(msg)
	q.problem.Show()
	q.dialog.Resize(fyne.NewSize(480, q.dialog.MinSize().Height))
}

// problemText is the first problem an EINVALID error names, as a sentence,
// else its message.
func problemText(err error) string {
	if ps := referral.ErrorProblems(err); len(ps) > 0 {
		return sentence(ps[0].Message)
	}
	return sentence(referral.ErrorMessage(err))
}
