package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// The app preferences that remember the first-start form was answered
// (saved or skipped), so a clinic that skips it is not asked at every
// start; Settings still sets everything it asks. askedClinicZoneKey is the
// older question about the zone alone: a desk that answered it is not asked
// again either.
const (
	askedClinicKey     = "asked.clinic"
	askedClinicZoneKey = "asked.clinic.timezone"
)

// zoneGuessDelay is the pause in typing the clinic's address after which
// its ZIP is looked up for a zone to propose.
const zoneGuessDelay = 400 * time.Millisecond

// firstRunForm is what the first start asks when the settings name no
// clinic or leave its time zone unknown: the clinic's name and address,
// which head every sheet, and its zone, which online groups' times are read
// and printed in. Each box starts with what is saved or can be guessed; Save
// stores the boxes that were filled, Skip nothing.
type firstRunForm struct {
	name, address *widget.Entry
	zone          *widget.SelectEntry
	zoneAbout     *widget.Label
	problem       *widget.Label
	save, skip    *widget.Button
	dialog        *dialog.CustomDialog

	proposed  string // the zone the form proposed, while the box still holds it
	stopGuess func()
}

// askAboutClinic shows the first-start form once, on the first start whose
// settings (just loaded) name no clinic or no zone. A zone to propose is
// guessed from the clinic's ZIP off the UI goroutine.
func (m *mainWindow) askAboutClinic(s referral.Settings) {
	if m.prefs.Bool(askedClinicKey) || m.prefs.Bool(askedClinicZoneKey) || m.firstRun != nil {
		return
	}
	known := m.zones.known(s)
	if strings.TrimSpace(s.Clinic.Name) != "" && known != "" {
		return
	}
	m.bg.run(func() {
		g := zoneGuess{zone: known}
		if known == "" {
			g = m.zones.clinicGuess(s)
		}
		fyne.Do(func() {
			// Settings may have named both while the guess was made.
			if strings.TrimSpace(m.saved.Clinic.Name) == "" || m.zones.known(m.saved) == "" {
				m.showFirstRun(m.saved, known, g)
			}
		})
	})
}

func (m *mainWindow) showFirstRun(s referral.Settings, known string, g zoneGuess) {
	f := &firstRunForm{name: widget.NewEntry(), address: widget.NewEntry(), zone: widget.NewSelectEntry(usTimeZones),
		zoneAbout: wrapped("", widget.LowImportance), problem: newProblemLabel()}
	f.name.SetText(s.Clinic.Name)
	f.name.PlaceHolder = lang.L("e.g. Riverside Recovery Clinic")
	f.address.SetText(s.Clinic.Address)
	f.address.PlaceHolder = lang.L("Street, town, state and ZIP")
	f.zone.PlaceHolder = lang.L("Choose or type the clinic's zone")
	switch {
	case known != "":
		f.zone.SetText(known)
		f.zoneAbout.SetText(lang.L("{{.Zone}} is this computer's zone.", map[string]any{"Zone": known}))
	case g.fromZIP:
		f.propose(g.zone, s.ClinicZIP())
	case referral.IsUTCZone(m.zones.machine):
		f.zoneAbout.SetText(lang.L("This computer is set to UTC, which does not say where the clinic is."))
	default:
		f.zoneAbout.SetText(lang.L("This computer does not say which zone it is in."))
	}
	f.name.OnChanged = func(string) { f.problem.Hide() }
	f.zone.OnChanged = func(text string) {
		f.problem.Hide()
		if text != f.proposed {
			f.proposed = "" // the counselor's own choice: no guess replaces it
		}
	}
	f.address.OnChanged = func(string) {
		f.problem.Hide()
		if known != "" {
			return
		}
		if f.stopGuess != nil {
			f.stopGuess()
		}
		f.stopGuess = m.bg.after(zoneGuessDelay, func() { m.guessFirstRunZone(f) })
	}

	// Enter in any box saves, as it would press the main button.
	submit := func(string) { m.onFirstRunSave(f) }
	f.name.OnSubmitted, f.address.OnSubmitted, f.zone.OnSubmitted = submit, submit, submit

	intro := wrapped(lang.L("Tell Referral Desk about the clinic. Its name and address head every referral sheet; online groups' meeting times are read and printed in its time zone. You can change all of it later in Settings."),
		widget.MediumImportance)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Clinic name"), f.name),
		widget.NewFormItem(lang.L("Address"), f.address),
		widget.NewFormItem(lang.L("Time zone"), f.zone),
	)
	f.skip = widget.NewButton(lang.L("Skip"), func() { m.firstRunDone(f) })
	f.save = widget.NewButton(lang.L("Save"), func() { m.onFirstRunSave(f) })
	f.save.Importance = widget.HighImportance
	f.dialog = dialog.NewCustomWithoutButtons(lang.L("Welcome to Referral Desk"),
		container.NewVBox(intro, form, f.zoneAbout, f.problem), m.win)
	f.dialog.SetButtons([]fyne.CanvasObject{f.skip, f.save})
	m.firstRun = f
	f.resize()
	f.dialog.Show()
	m.win.Canvas().Focus(f.name)
}

// propose puts a zone guessed from zip in the box, saying where it came
// from; the counselor's own choice is never replaced.
func (f *firstRunForm) propose(zone, zip string) {
	f.proposed = zone
	f.zone.SetText(zone)
	f.zoneAbout.SetText(lang.L("{{.Zone}} is proposed from the ZIP {{.ZIP}} in the clinic's address.",
		map[string]any{"Zone": zone, "ZIP": zip}))
	f.resize()
}

// guessFirstRunZone proposes the zone at the ZIP of the address being
// typed, when the zone box is empty or still holds an earlier proposal.
func (m *mainWindow) guessFirstRunZone(f *firstRunForm) {
	if m.firstRun != f || (f.zone.Text != "" && f.zone.Text != f.proposed) {
		return
	}
	probe := m.saved
	probe.Clinic.Address = f.address.Text
	zip := probe.ClinicZIP()
	if zip == "" {
		return
	}
	m.bg.run(func() {
		g := m.zones.clinicGuess(probe)
		fyne.Do(func() {
			if m.firstRun == f && g.fromZIP && f.address.Text == probe.Clinic.Address &&
				(f.zone.Text == "" || f.zone.Text == f.proposed) {
				f.propose(g.zone, zip)
			}
		})
	})
}

// onFirstRunSave checks the boxes with the domain's rules at once, then
// saves them off the UI goroutine into freshly loaded settings, so no other
// setting changes. A box left empty saves nothing.
func (m *mainWindow) onFirstRunSave(f *firstRunForm) {
	values := map[string]string{
		"clinic.name":     strings.TrimSpace(f.name.Text),
		"clinic.address":  strings.TrimSpace(f.address.Text),
		"clinic.timezone": strings.TrimSpace(f.zone.Text),
	}
	var probe referral.Settings
	given := 0
	for _, key := range []string{"clinic.name", "clinic.address", "clinic.timezone"} {
		if values[key] == "" {
			delete(values, key)
			continue
		}
		given++
		if err := probe.Set(key, values[key]); err != nil {
			f.refuse(problemText(err))
			return
		}
	}
	if given == 0 {
		f.refuse(lang.L("Type the clinic's name or choose its time zone, or Skip to set them later in Settings."))
		return
	}
	f.save.Disable()
	f.skip.Disable()
	m.bg.run(func() {
		ctx := context.Background()
		st, err := m.settingsSvc.Settings(ctx)
		for key, v := range values {
			if err == nil {
				err = st.Set(key, v)
			}
		}
		if err == nil {
			err = st.Validate()
		}
		if err == nil {
			err = m.settingsSvc.SaveSettings(ctx, st)
		}
		logo := logoPicture(st.Clinic.Logo)
		fyne.Do(func() {
			f.save.Enable()
			f.skip.Enable()
			if err != nil {
				if referral.ErrorCode(err) == referral.EINTERNAL {
					fyne.LogError("first start: save the clinic", err)
				}
				noticeDamage(m.win, err)
				f.refuse(lang.L("It was not saved: {{.Why}} Try again, or Skip and set it in Settings.",
					map[string]any{"Why": sentence(referral.ErrorMessage(err))}))
				return
			}
			m.settings.clinicSaved(st, logo)
			m.firstRunDone(f)
		})
	})
}

// firstRunDone closes the form for good: it is not asked again.
func (m *mainWindow) firstRunDone(f *firstRunForm) {
	m.prefs.SetBool(askedClinicKey, true)
	if f.stopGuess != nil {
		f.stopGuess()
	}
	f.dialog.Hide()
	if m.firstRun == f {
		m.firstRun = nil
	}
}

func (f *firstRunForm) refuse(msg string) {
	f.problem.SetText(msg)
	f.problem.Show()
	f.resize()
}

func (f *firstRunForm) resize() {
	if f.dialog == nil {
		return
	}
	// Twice: the wrapped texts are as tall as the width they had, so the
	// height is right only once the width is.
	for range 2 {
		f.dialog.Resize(fyne.NewSize(560, f.dialog.MinSize().Height))
	}
}

// problemText is the first problem an EINVALID error names, as a sentence,
// else its message.
func problemText(err error) string {
	if ps := referral.ErrorProblems(err); len(ps) > 0 {
		return sentence(problemWords(ps[0]))
	}
	return sentence(referral.ErrorMessage(err))
}
