package app

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"io"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

const (
	// maxLogoRead caps how much of a chosen logo file is read. Anything over
	// referral.MaxLogoBytes is refused anyway; reading on to this cap lets
	// the refusal say how big the file is without reading a huge one whole.
	maxLogoRead = 64 << 20
	// settingsWidth keeps the settings form a readable column on a wide window.
	settingsWidth = 760
)

// logoSize is the preview of the clinic logo beside Choose logo….
var logoSize = fyne.NewSize(180, 72)

// logoFiles are the file types Choose logo… offers.
var logoFiles = []string{".png", ".jpg", ".jpeg"}

// settingsScreen is the Settings area: the clinic header every sheet
// carries and the clinic's time zone, the defaults a new referral starts
// with, how long the referral log is kept and the fallback zone for imported
// listings that neither name one nor have a meeting place to tell it; and,
// under them, the window's language on this computer and the database's
// backups. It loads off the UI goroutine; after
// a load or a save, changed passes the settings on so other screens use the
// new defaults.
//
// Another program may save settings while the form is open (the command
// line, a second window). Save therefore writes only the fields the
// counselor changed, over the settings stored at that moment, and asks when
// both changed the same field; a change seen meanwhile (reloadStored)
// shows in the fields the counselor has not touched.
type settingsScreen struct {
	win     fyne.Window
	svc     referral.SettingsService
	bg      background
	zones   *clinicZones // the clinic's zone when the field is empty
	changed func(referral.Settings)
	backups *backupsSection
	prefs   fyne.Preferences // this computer's: the window's language

	// saved are the settings as loaded or saved, field by field: a field
	// the counselor has changed keeps the value it was changed from, so
	// Save can tell whether someone else changed it too.
	saved   referral.Settings
	logo    []byte // the logo the form holds; nil for none
	loaded  bool   // the saved settings have been read; until then Save is off
	saving  bool   // from Save until its write is done: nothing reloads the form
	reloads int    // numbers reloadStored's readings so a late one is dropped

	name, address, phone, website *widget.Entry
	clinicZone                    *widget.SelectEntry
	clinicZoneHint                *widget.Label // what the zone is, or would be if left empty
	logoImage                     *canvas.Image
	logoAbout                     *widget.Label
	chooseLogo, removeLogo        *widget.Button
	counselor, miles              *widget.Entry
	language, paper               *widget.RadioGroup
	retention                     *widget.Entry
	feedZone                      *widget.SelectEntry
	refreshDays                   *widget.Entry
	uiLanguage                    *widget.RadioGroup // the window's, saved at once in prefs

	problems    *problemLabels
	labelColumn *sameWidth
	summary     *widget.Label
	status      *widget.Label
	save        *widget.Button
	scroll      *container.Scroll
	content     fyne.CanvasObject

	stopNotice func() // cancels hiding the "Saved" notice
	// unsetZone says what the clinic's zone is with the field empty, for
	// the settings unsetFor (the saved ones), once unsetKnown; hintSeq drops
	// a guess made for older settings.
	unsetFor   referral.Settings
	unsetZone  string
	unsetKnown bool
	hintSeq    int
}

func newSettingsScreen(win fyne.Window, svc referral.SettingsService, backups *backupsSection, prefs fyne.Preferences,
	bg background, zones *clinicZones, changed func(referral.Settings)) *settingsScreen {
	s := &settingsScreen{win: win, svc: svc, bg: bg, zones: zones, changed: changed, backups: backups, prefs: prefs,
		saved: referral.DefaultSettings(), problems: newProblemLabels(), labelColumn: &sameWidth{}}
	s.buildUI()
	s.load()
	return s
}

func (s *settingsScreen) buildUI() {
	s.name = newEntry(lang.L("As it should head the sheet"))
	s.address = newEntry(lang.L("Street, city, state, ZIP"))
	s.phone = newEntry("")
	s.website = newEntry(lang.L("e.g. https://www.yourclinic.org"))
	s.clinicZone = widget.NewSelectEntry(usTimeZones)
	s.clinicZone.PlaceHolder = lang.L("Choose or type the clinic's zone")
	s.clinicZone.OnChanged = func(string) { s.showZoneHint() }
	s.clinicZoneHint = wrapped("", widget.LowImportance)

	s.logoImage = canvas.NewImageFromImage(nil)
	s.logoImage.FillMode = canvas.ImageFillContain
	s.logoImage.SetMinSize(logoSize)
	s.logoAbout = widget.NewLabel("")
	s.logoAbout.Importance = widget.LowImportance
	s.chooseLogo = widget.NewButtonWithIcon(lang.L("Choose logo…"), theme.FileImageIcon(), s.onChooseLogo)
	s.removeLogo = widget.NewButtonWithIcon(lang.L("Remove logo"), theme.DeleteIcon(), s.onRemoveLogo)
	logo := container.NewHBox(s.logoImage,
		container.NewVBox(s.logoAbout, container.NewHBox(s.chooseLogo, s.removeLogo)))

	s.counselor = newEntry(lang.L("Printed on the sheet; may be left empty"))
	s.miles = widget.NewEntry()
	s.language = newChoiceRadio(langChoice().labels)
	s.paper = newChoiceRadio(paperChoice().labels)
	s.retention = widget.NewEntry()
	s.feedZone = widget.NewSelectEntry(usTimeZones)
	s.refreshDays = widget.NewEntry()
	s.uiLanguage = newChoiceRadio(uiLanguageChoice().labels)
	s.uiLanguage.SetSelected(uiLanguageChoice().label(SavedLanguage(s.prefs)))
	s.uiLanguage.OnChanged = s.onUILanguage

	s.summary = newProblemLabel()
	s.status = widget.NewLabel("")
	s.status.Importance = widget.SuccessImportance
	s.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.onSave)
	s.save.Importance = widget.HighImportance
	s.save.Disable() // until the saved settings are shown

	body := container.NewVBox(
		s.problems.other,
		s.section(lang.L("Clinic"), lang.L("Heads every referral sheet."),
			s.row(lang.L("Name"), s.name, "Clinic.Name", ""),
			s.row(lang.L("Address"), s.address, "Clinic.Address", ""),
			s.row(lang.L("Clinic time zone"), container.NewVBox(s.clinicZone, s.clinicZoneHint), "ClinicTimeZone", ""),
			s.row(lang.L("Phone"), s.phone, "Clinic.Phone", ""),
			s.row(lang.L("Website"), s.website, "Clinic.Website", ""),
			s.row(lang.L("Logo"), logo, "Clinic.Logo", lang.L("Optional: a PNG or JPEG picture of at most 2 MB.")),
		),
		s.section(lang.L("New referrals"), lang.L("What the Referral screen starts with; each referral can change them."),
			s.row(lang.L("Counselor"), s.counselor, "Counselor", ""),
			s.row(lang.L("Distance"), withUnit(s.miles, lang.L("miles")), "DefaultMiles", ""),
			s.row(lang.L("Sheet language"), s.language, "SheetLang", ""),
			s.row(lang.L("Paper"), s.paper, "SheetPaper", ""),
		),
		s.section(lang.L("Referral log"), "",
			s.row(lang.L("Keep entries for"), withUnit(s.retention, lang.L("days")), "RetentionDays",
				lang.L("Referral log entries older than this are deleted.")),
		),
		s.section(lang.L("Directory imports"), "",
			s.row(lang.L("Fallback time zone"), s.feedZone, "FeedTimeZone",
				lang.L("The fallback for imported listings that give no time zone when their feed's meeting places "+
					"do not tell one (online-only feeds, mostly) and the import names none. Leave it empty to use the clinic's zone.")),
			s.row(lang.L("Refresh feeds every"), withUnit(s.refreshDays, lang.L("days")), "RefreshDays",
				lang.L("When the window opens, feeds last refreshed this many days ago or more are fetched again. "+
					"0: only when you press Refresh on the Sources screen, and no connection is made otherwise.")),
		),
	)
	// Under the form, as they act at once and are not part of Save: the
	// window's language, which is this computer's, then the backups.
	body.Add(s.section(lang.L("This computer"),
		lang.L("Kept on this computer only, not in the database, and saved as soon as it is chosen."),
		s.row(lang.L("Window language"), s.uiLanguage, "UILanguage",
			lang.L("Shown from the next start of Referral Desk."))))
	body.Add(s.backups.content)
	footer := container.NewVBox(
		widget.NewSeparator(),
		s.summary,
		container.NewHBox(s.status, layout.NewSpacer(), s.save),
	)
	column := &maxWidth{width: settingsWidth}
	s.scroll = container.NewVScroll(container.New(column, container.NewPadded(body)))
	s.content = container.NewBorder(nil, container.New(column, footer), nil, nil, s.scroll)
	s.problems.relayout = s.content.Refresh
}

// section is a bold heading, an optional line about it and a form of rows.
func (s *settingsScreen) section(heading, about string, rows ...[]fyne.CanvasObject) fyne.CanvasObject {
	grid := container.New(layout.NewFormLayout())
	for _, r := range rows {
		grid.Add(r[0])
		grid.Add(r[1])
	}
	box := container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(heading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if about != "" {
		box.Add(wrapped(about, widget.LowImportance))
	}
	box.Add(grid)
	return box
}

// row is a label and an input with an optional hint and a problem label
// under it. Labels share one column width so the sections line up.
func (s *settingsScreen) row(label string, input fyne.CanvasObject, field, hint string) []fyne.CanvasObject {
	l := widget.NewLabel(label)
	s.labelColumn.labels = append(s.labelColumn.labels, l)
	cell := container.NewVBox(input)
	if hint != "" {
		cell.Add(wrapped(hint, widget.LowImportance))
	}
	cell.Add(s.problems.add(field, label))
	return []fyne.CanvasObject{container.New(s.labelColumn, l), cell}
}

// newChoiceRadio is a row of radio buttons, one always chosen.
func newChoiceRadio(labels []string) *widget.RadioGroup {
	r := widget.NewRadioGroup(labels, nil)
	r.Horizontal, r.Required = true, true
	return r
}

// withUnit puts a short entry before the unit it counts in.
func withUnit(e *widget.Entry, unit string) fyne.CanvasObject {
	return container.NewHBox(container.NewGridWrap(fyne.NewSize(100, e.MinSize().Height), e), widget.NewLabel(unit))
}

// load reads the saved settings off the UI goroutine and shows them all,
// forgetting what the form held.
func (s *settingsScreen) load() {
	s.reloads++ // a reloadStored still under way would show older settings
	s.bg.run(func() {
		st, img, err := readStored(context.Background(), s.svc)
		fyne.Do(func() { s.loadedSettings(st, img, err) })
	})
}

// readStored reads the saved settings and decodes their logo's picture:
// work for a goroutine other than the UI's.
func readStored(ctx context.Context, svc referral.SettingsService) (referral.Settings, image.Image, error) {
	st, err := loadSettings(ctx, svc)
	if err != nil {
		return st, nil, err
	}
	return st, logoPicture(st.Clinic.Logo), nil
}

// logoPicture decodes a saved logo; a damaged one, or none, shows no
// picture.
func logoPicture(b []byte) image.Image {
	if len(b) == 0 {
		return nil
	}
	img, _ := decodeLogo(b)
	return img
}

// loadSettings returns the saved settings; with no service (a window opened
// without one, as in some tests) they are the defaults.
func loadSettings(ctx context.Context, svc referral.SettingsService) (referral.Settings, error) {
	if svc == nil {
		return referral.DefaultSettings(), nil
	}
	return svc.Settings(ctx)
}

func (s *settingsScreen) loadedSettings(st referral.Settings, img image.Image, err error) {
	if err != nil {
		showFailure(s.win, "settings: load", err,
			lang.L("The settings could not be read, so they cannot be changed now. Open Settings again to retry."))
		return
	}
	s.loaded = true
	s.show(st, img)
	s.save.Enable()
	s.changed(st)
}

// onShown reloads settings that could not be read at start.
func (s *settingsScreen) onShown() {
	if !s.loaded {
		s.load()
	}
}

// show puts st into the form and forgets problems.
func (s *settingsScreen) show(st referral.Settings, logo image.Image) {
	s.saved = st
	s.zoneHintsFor(st)
	for _, f := range settingFields {
		f.show(s, st, logo)
	}
	s.showZoneHint()
	s.clearProblems()
}

// zoneHintsFor takes st, the settings as stored, as the settings the zone
// hints are for: the fallback zone's placeholder names the clinic's zone,
// and what an empty clinic zone means is worked out when the field shows
// empty.
func (s *settingsScreen) zoneHintsFor(st referral.Settings) {
	// Forget the old settings' hint first: the field's OnChanged shows it.
	s.unsetFor, s.unsetKnown = st, false
	s.hintSeq++
	s.feedZone.PlaceHolder = lang.L("The clinic's zone")
	if z := s.zones.known(st); z != "" {
		s.feedZone.PlaceHolder = lang.L("The clinic's zone ({{.Zone}})", map[string]any{"Zone": z})
	}
	s.feedZone.Refresh()
}

// findUnsetZone works out which zone is used when the clinic's zone is left
// empty. A zone the machine does not give is guessed from the clinic's ZIP
// off the UI goroutine (see clinicZones); it is not guessed at all while a
// zone is saved and shown, as the guess may load the zone map.
func (s *settingsScreen) findUnsetZone() {
	st := s.unsetFor
	st.ClinicTimeZone = ""
	s.unsetKnown = true
	if z := s.zones.known(st); z != "" {
		s.unsetZone = lang.L("Not set: this computer's zone {{.Zone}} is used.", map[string]any{"Zone": z})
		return
	}
	s.unsetZone = lang.L("Not set: finding the zone at the clinic's ZIP…")
	if st.ClinicZIP() == "" {
		s.unsetZone = ""
	}
	seq := s.hintSeq
	s.bg.run(func() {
		g := s.zones.clinicGuess(st)
		fyne.Do(func() {
			if seq == s.hintSeq {
				s.unsetZone = unsetZoneText(st.ClinicZIP(), g)
				s.showZoneHint()
			}
		})
	})
}

// unsetZoneText says which zone online times are read in with no clinic
// zone set, as Settings.MatchZone chooses it.
func unsetZoneText(zip string, g zoneGuess) string {
	switch {
	case g.fromZIP:
		return lang.L("Not set: online times are read in {{.Zone}}, guessed from the clinic's ZIP {{.ZIP}}.",
			map[string]any{"Zone": g.zone, "ZIP": zip})
	case zip != "":
		return lang.L("Not set, and the clinic's ZIP {{.ZIP}} tells no zone: online times are read in the zone of the client's ZIP, else {{.Zone}}.",
			map[string]any{"Zone": g.zone, "ZIP": zip})
	}
	return lang.L("Not set: online times are read in the zone of the client's ZIP, else {{.Zone}}. A ZIP in the clinic's address tells it better.",
		map[string]any{"Zone": g.zone})
}

// showZoneHint says under the clinic's zone what it is for when one is
// typed, and what is used instead while it is empty.
func (s *settingsScreen) showZoneHint() {
	if strings.TrimSpace(s.clinicZone.Text) != "" {
		s.clinicZoneHint.SetText(lang.L("Online groups' meeting times are read and printed in this zone."))
	} else {
		if !s.unsetKnown {
			s.findUnsetZone() // may answer at once, which shows the hint
		}
		s.clinicZoneHint.SetText(s.unsetZone)
	}
	setShown(s.clinicZoneHint, s.clinicZoneHint.Text != "")
}

// clinicSaved shows the clinic saved outside the form (the first-start
// form) as any settings saved elsewhere are shown.
func (s *settingsScreen) clinicSaved(st referral.Settings, logo image.Image) {
	s.takeStored(st, logo)
}

// reloadStored reads the settings again, off the UI goroutine, because
// something was committed to the database: the fields the counselor has
// not touched show what is stored now. Nothing reloads while a Save is
// asking or writing, or before the first load.
func (s *settingsScreen) reloadStored() {
	s.backups.refresh()
	if !s.loaded || s.saving {
		return
	}
	s.reloads++
	seq := s.reloads
	s.bg.run(func() {
		st, img, err := readStored(context.Background(), s.svc)
		fyne.Do(func() {
			switch {
			case seq != s.reloads || s.saving:
			case err != nil:
				// The form keeps what it shows; Save reads again anyway.
				if !noticeDamage(s.win, err) {
					fyne.LogError("settings: reload", err)
				}
			default:
				s.takeStored(st, img)
			}
		})
	})
}

// takeStored shows settings saved outside the form in every field the
// counselor has not changed, and passes them on; a changed field keeps
// what was typed, and the value it was changed from, so that Save can
// still tell it was changed on both sides.
func (s *settingsScreen) takeStored(st referral.Settings, logo image.Image) {
	form, _ := s.read()
	s.zoneHintsFor(st)
	for _, f := range settingFields {
		if f.same(form, s.saved) {
			f.take(&s.saved, st)
			f.show(s, st, logo)
		}
	}
	s.showZoneHint()
	s.changed(st)
}

// onUILanguage saves the window language chosen, for this computer. The
// window is not rebuilt in it: its screens hold a half-filled referral, a
// listing being edited, a search, which would be lost. It is shown from
// the next start (see UseLanguage).
func (s *settingsScreen) onUILanguage(label string) {
	s.prefs.SetString(languagePref, uiLanguageChoice().value(label))
}

// showBackups scrolls to the Backups, the way on from a damaged database.
func (s *settingsScreen) showBackups() {
	s.scroll.ScrollToBottom()
}

func (s *settingsScreen) showLogo(b []byte, img image.Image) {
	s.logo = b
	s.logoImage.Image = img
	s.logoImage.Refresh()
	setShown(s.logoImage, img != nil)
	setShown(s.removeLogo, len(b) > 0)
	if len(b) == 0 {
		s.logoAbout.SetText(lang.L("No logo"))
	} else {
		s.logoAbout.SetText(logoText(b))
	}
}

// logoText describes a logo as the settings command does: "PNG, 12 KB".
func logoText(b []byte) string {
	for _, kv := range (referral.Settings{Clinic: referral.Clinic{Logo: b}}).Values() {
		if kv.Key == "clinic.logo" {
			return kv.Value
		}
	}
	return ""
}

func (s *settingsScreen) onChooseLogo() {
	d := dialog.NewFileOpen(func(file fyne.URIReadCloser, err error) {
		if err != nil {
			showFailure(s.win, "settings: open logo", err, "")
			return
		}
		if file != nil {
			s.onLogoChosen(file)
		}
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter(logoFiles))
	d.Show()
}

// onLogoChosen reads and decodes the picture off the UI goroutine.
func (s *settingsScreen) onLogoChosen(file io.ReadCloser) {
	s.bg.run(func() {
		b, err := io.ReadAll(io.LimitReader(file, maxLogoRead))
		file.Close()
		var img image.Image
		if err == nil && referral.IsLogoImage(b) && len(b) <= referral.MaxLogoBytes {
			img, err = decodeLogo(b)
		}
		fyne.Do(func() { s.logoRead(b, img, err) })
	})
}

// logoRead takes the chosen file as the logo if the domain accepts it and
// the picture decodes; otherwise it says why beside the logo and changes
// nothing.
func (s *settingsScreen) logoRead(b []byte, img image.Image, err error) {
	refuse := func(p referral.Problem) {
		p.Field = "Clinic.Logo"
		s.problems.clear("Clinic.Logo")
		s.problems.show([]referral.Problem{p})
	}
	var probe referral.Settings
	switch perr := probe.SetLogo(b); {
	case len(b) == 0 && err == nil:
		refuse(referral.Problem{Message: lang.L("the file is empty; choose a PNG or JPEG picture")})
	case perr != nil:
		// The domain's problem, phrase and all, so that it is said in the
		// window's language.
		p := referral.Problem{Message: referral.ErrorMessage(perr)}
		if ps := referral.ErrorProblems(perr); len(ps) > 0 {
			p = ps[0]
		}
		refuse(p)
	case err != nil:
		fyne.LogError("settings: read logo", err)
		refuse(referral.Problem{Message: lang.L("the file could not be read as a picture; choose another PNG or JPEG file")})
	default:
		s.problems.clear("Clinic.Logo")
		s.showLogo(b, img)
	}
}

func decodeLogo(b []byte) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(b))
	return img, err
}

func (s *settingsScreen) onRemoveLogo() {
	s.problems.clear("Clinic.Logo")
	s.showLogo(nil, nil)
}

// read returns the settings the form describes and the problems found
// turning text into numbers. What the form does not show is kept as saved.
func (s *settingsScreen) read() (referral.Settings, []referral.Problem) {
	var ps []referral.Problem
	st := s.saved
	st.Clinic = referral.Clinic{
		Name:    strings.TrimSpace(s.name.Text),
		Address: strings.TrimSpace(s.address.Text),
		Phone:   strings.TrimSpace(s.phone.Text),
		Website: strings.TrimSpace(s.website.Text),
		Logo:    s.logo,
	}
	st.Counselor = strings.TrimSpace(s.counselor.Text)
	miles, err := strconv.ParseFloat(strings.TrimSpace(s.miles.Text), 64)
	if err != nil {
		ps = append(ps, referral.Problem{Field: "DefaultMiles",
			Message: lang.L("write the distance as a number of miles, for example 10")})
	}
	st.DefaultMiles = miles
	st.SheetLang = langChoice().value(s.language.Selected)
	st.SheetPaper = paperChoice().value(s.paper.Selected)
	days, err := strconv.Atoi(strings.TrimSpace(s.retention.Text))
	if err != nil {
		ps = append(ps, referral.Problem{Field: "RetentionDays",
			Message: lang.L("write a whole number of days, for example 90")})
	}
	st.RetentionDays = days
	refresh, err := strconv.Atoi(strings.TrimSpace(s.refreshDays.Text))
	if err != nil {
		ps = append(ps, referral.Problem{Field: "RefreshDays",
			Message: lang.L("write a whole number of days, for example 7, or 0 to refresh only when asked")})
	}
	st.RefreshDays = refresh
	st.ClinicTimeZone = strings.TrimSpace(s.clinicZone.Text)
	st.FeedTimeZone = strings.TrimSpace(s.feedZone.Text)
	return st, ps
}

// onSave checks the settings with the domain's own rules first, so invalid
// settings never reach the store; the store checks again and its problems
// are shown the same way. It then reads the stored settings again, off the
// UI goroutine, to save the counselor's changes over them (see merged).
func (s *settingsScreen) onSave() {
	st, ps := s.read()
	ps = mergeProblems(ps, referral.ErrorProblems(st.Validate()))
	if len(ps) > 0 {
		s.showProblems(ps)
		return
	}
	s.clearProblems()
	s.save.Disable()
	s.saving = true
	s.bg.run(func() {
		cur, img, err := readStored(context.Background(), s.svc)
		fyne.Do(func() { s.merged(st, cur, img, err) })
	})
}

// merged puts the fields the counselor changed over the settings stored
// now (theirs), asks about each field changed on both sides, then saves.
// theirLogo is the picture of theirs' logo.
func (s *settingsScreen) merged(mine, theirs referral.Settings, theirLogo image.Image, err error) {
	if err != nil {
		s.saving = false
		s.save.Enable()
		showFailure(s.win, "settings: read before save", err, lang.L("The settings were not saved. Try again."))
		return
	}
	s.settle(mergeSettings(s.saved, mine, theirs), theirLogo)
}

// settle asks about the merge's conflicts one at a time, then writes.
func (s *settingsScreen) settle(m *settingsMerge, theirLogo image.Image) {
	if len(m.conflicts) == 0 {
		s.write(m.out, m.theirs, theirLogo)
		return
	}
	f := m.conflicts[0]
	msg := lang.L("{{.Field}} was changed in another window or on the command line after you opened Settings.",
		map[string]any{"Field": lang.L(f.label)})
	body := container.NewVBox(wrapped(msg, widget.MediumImportance),
		container.New(layout.NewFormLayout(),
			widget.NewLabelWithStyle(lang.L("Saved now"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			wrapped(f.text(m.theirs), widget.MediumImportance),
			widget.NewLabelWithStyle(lang.L("Yours"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			wrapped(f.text(m.mine), widget.MediumImportance)),
		wrapped(lang.L("Which should be kept?"), widget.MediumImportance))
	askChoice(s.win, lang.L("{{.Field}} changed elsewhere", map[string]any{"Field": lang.L(f.label)}), body,
		lang.L("Use the saved one"), lang.L("Keep mine"),
		func() { m.settle(false); s.settle(m, theirLogo) },
		func() { m.settle(true); s.settle(m, theirLogo) })
}

// write saves out off the UI goroutine unless it is what is stored
// already (theirs): a Save that changes nothing waits for no other writer.
func (s *settingsScreen) write(out, theirs referral.Settings, theirLogo image.Image) {
	img := theirLogo
	if bytes.Equal(out.Clinic.Logo, s.logo) {
		img = s.logoImage.Image
	}
	if len(changedFields(out, theirs)) == 0 {
		s.onSaved(out, img, nil)
		return
	}
	s.bg.run(func() {
		err := saveSettings(context.Background(), s.svc, out)
		fyne.Do(func() { s.onSaved(out, img, err) })
	})
}

func saveSettings(ctx context.Context, svc referral.SettingsService, st referral.Settings) error {
	if svc == nil {
		return referral.Errorf(referral.EINTERNAL, "%s",
			lang.L("Settings are not set up in this copy of Referral Desk."))
	}
	return svc.SaveSettings(ctx, st)
}

func (s *settingsScreen) onSaved(st referral.Settings, img image.Image, err error) {
	s.saving = false
	s.save.Enable()
	if err != nil {
		if ps := referral.ErrorProblems(err); len(ps) > 0 {
			s.showProblems(ps)
			return
		}
		showFailure(s.win, "settings: save", err, lang.L("The settings were not saved. Try again."))
		return
	}
	s.show(st, img)
	s.status.SetText(lang.L("Saved"))
	if s.stopNotice != nil {
		s.stopNotice()
	}
	s.stopNotice = s.bg.after(savedNoticeFor, func() { s.status.SetText("") })
	s.changed(st)
}

func (s *settingsScreen) showProblems(ps []referral.Problem) {
	s.status.SetText("")
	names := s.problems.show(ps)
	s.summary.SetText(lang.L("Not saved. Check {{.Fields}}.", map[string]any{"Fields": strings.Join(names, ", ")}))
	s.summary.Show()
	s.content.Refresh()
}

func (s *settingsScreen) clearProblems() {
	s.problems.clear()
	s.summary.Hide()
}

// problemLabels put validation problems beside the fields they name. A
// problem whose field has no label on the form goes to other.
type problemLabels struct {
	labels map[string]*widget.Label
	names  map[string]string // field → the words labelling it
	order  []string          // fields top to bottom
	other  *widget.Label
	// relayout runs after labels appear or go, for the form holding them
	// to lay itself out again; nil for none.
	relayout func()
}

func newProblemLabels() *problemLabels {
	return &problemLabels{labels: map[string]*widget.Label{}, names: map[string]string{}, other: newProblemLabel()}
}

// add registers a field and returns its (hidden) problem label.
func (p *problemLabels) add(field, name string) *widget.Label {
	l := newProblemLabel()
	p.labels[field], p.names[field] = l, name
	p.order = append(p.order, field)
	return l
}

// show replaces the problems shown with ps, capitalised as sentences, and
// returns the names of the fields they concern, top to bottom.
func (p *problemLabels) show(ps []referral.Problem) []string {
	p.clear()
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b referral.Problem) int {
		return slices.Index(p.order, a.Field) - slices.Index(p.order, b.Field)
	})
	var names []string
	for _, pr := range ps {
		l, ok := p.labels[pr.Field]
		if !ok {
			l = p.other
		} else if n := p.names[pr.Field]; !slices.Contains(names, n) {
			names = append(names, n)
		}
		if l.Text != "" {
			l.Text += "\n"
		}
		l.SetText(l.Text + sentence(problemWords(pr)))
		l.Show()
	}
	if p.other.Visible() {
		names = append(names, lang.L("the message above"))
	}
	p.changed()
	return names
}

// clear hides the problems of the given fields, or of all fields.
func (p *problemLabels) clear(fields ...string) {
	for f, l := range p.labels {
		if len(fields) == 0 || slices.Contains(fields, f) {
			l.SetText("")
			l.Hide()
		}
	}
	if len(fields) == 0 {
		p.other.SetText("")
		p.other.Hide()
	}
	p.changed()
}

func (p *problemLabels) changed() {
	if p.relayout != nil {
		p.relayout()
	}
}

// maxWidth lays its objects out at most width wide, from the left, so a
// form stays readable on a wide window.
type maxWidth struct{ width float32 }

func (m *maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m *maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	size.Width = min(size.Width, max(m.width, m.MinSize(objs).Width))
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func langChoice() choice[referral.Lang] {
	return newChoice(
		pair[referral.Lang]{referral.English, "English"},
		pair[referral.Lang]{referral.Spanish, "Español"},
	)
}

// uiLanguageChoice offers Languages: the system's in the window's words,
// each language in its own, so that whoever reads it finds it however the
// window speaks now.
func uiLanguageChoice() choice[string] {
	return newChoice(
		pair[string]{"", "System"},
		pair[string]{"en", "English"},
		pair[string]{"es", "Español"},
	)
}

func paperChoice() choice[referral.Paper] {
	return newChoice(
		pair[referral.Paper]{referral.Letter, "Letter"},
		pair[referral.Paper]{referral.A4, "A4"},
	)
}
