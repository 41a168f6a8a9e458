package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

// Choices the needs form offers.
var (
	milesOptions = []string{"1", "3", "5", "10", "15", "25", "50"}
	limitOptions = []string{"3", "4", "5", "6", "7", "8", "9", "10"}
)

// zipState is how far the ZIP entry has got: typed, looked up, found.
type zipState int

const (
	zipEmpty    zipState = iota
	zipPartial           // fewer than 5 digits so far
	zipBad               // not a ZIP code: letters, too many digits
	zipLooking           // 5 digits, waiting for the Locator
	zipFound             // placed on the map (perhaps approximately)
	zipNotFound          // the Locator could not place it
)

// needsForm is the left side of the Referral screen: what the client needs,
// in the order a counselor asks. Widgets sit in one container tree in reading
// order, which is the order Tab moves focus. Every change calls onChanged; the
// form itself only checks input, and looks up the ZIP code off the UI
// goroutine.
type needsForm struct {
	locate referral.Locator
	bg     background

	// onChanged is called on the UI goroutine after any need changes.
	onChanged func()

	forWhom    *widget.RadioGroup
	substances []*widget.Check // one per referral.Substances
	zip        *widget.Entry
	zipStatus  *widget.Label
	// place is a town, city or region instead of (or as well as) the ZIP,
	// completing from the directory's own places.
	place      *widget.SelectEntry
	miles      *widget.SelectEntry
	days       []*widget.Check // Sunday..Saturday
	times      []*widget.Check // one per referral.TimeBands
	attend     *widget.RadioGroup
	gender     *widget.RadioGroup
	womenOnly  *widget.Check
	menOnly    *widget.Check
	lgbtq      *widget.Check
	young      *widget.Check
	spanish    *widget.Check
	otherLangs *widget.Entry
	wheelchair *widget.Check
	asl        *widget.Check
	childcare  *widget.Check
	moud       *widget.Check
	approach   *widget.Select
	limit      *widget.Select

	problems map[string]*widget.Label // need → red label under its input

	places    referral.PlaceFinder
	placeSeq  int    // numbers completions so an answer for older text is dropped
	stopPlace func() // cancels the completion waiting for typing to pause
	zipState  zipState
	zipSeq    int // numbers lookups so an answer for an older ZIP is dropped
	origin    *referral.Point
	zipErr    string // why the ZIP could not be placed

	// milesDefault is the distance the form last set by itself; while the
	// distance still reads so, the counselor has not chosen one.
	milesDefault string

	content fyne.CanvasObject
}

func newNeedsForm(locate referral.Locator, places referral.PlaceFinder, bg background, defaultMiles float64) *needsForm {
	f := &needsForm{locate: locate, places: places, bg: bg, problems: map[string]*widget.Label{}, onChanged: func() {}}
	f.buildUI(defaultMiles)
	return f
}

func forChoice() choice[referral.For] {
	return newChoice(
		pair[referral.For]{referral.ForSelf, "Client"},
		pair[referral.For]{referral.ForFamily, "Family member or friend"},
	)
}

func substanceChoice() choice[referral.Substance] {
	return newChoice(
		pair[referral.Substance]{referral.SubstanceOpioids, "Opioids"},
		pair[referral.Substance]{referral.SubstanceAlcohol, "Alcohol"},
		pair[referral.Substance]{referral.SubstanceStimulants, "Stimulants"},
		pair[referral.Substance]{referral.SubstanceCannabis, "Cannabis"},
		pair[referral.Substance]{referral.SubstanceOther, "Other drugs"},
	)
}

// timeBandChoice names each band with its hours, as Needs.TimeBand defines them.
func timeBandChoice() choice[referral.TimeBand] {
	return newChoice(
		pair[referral.TimeBand]{referral.Morning, "Morning 4 am–noon"},
		pair[referral.TimeBand]{referral.Midday, "Midday 11 am–5 pm"},
		pair[referral.TimeBand]{referral.Evening, "Evening 4–9 pm"},
		pair[referral.TimeBand]{referral.Night, "Night 8 pm–5 am"},
	)
}

func attendWantedChoice() choice[referral.AttendWanted] {
	return newChoice(
		pair[referral.AttendWanted]{referral.AttendEither, "Either"},
		pair[referral.AttendWanted]{referral.AttendInPerson, "In person"},
		pair[referral.AttendWanted]{referral.AttendOnline, "Online"},
	)
}

func genderChoice() choice[referral.Gender] {
	return newChoice(
		pair[referral.Gender]{referral.GenderWoman, "Woman"},
		pair[referral.Gender]{referral.GenderMan, "Man"},
		pair[referral.Gender]{referral.GenderOther, "Other"},
		pair[referral.Gender]{referral.GenderUnspecified, "Not asked"},
	)
}

func approachChoice() choice[referral.Approach] {
	return newChoice(
		pair[referral.Approach]{referral.ApproachAny, "Any approach"},
		pair[referral.Approach]{referral.ApproachTwelveStep, "12-step"},
		pair[referral.Approach]{referral.ApproachSecular, "Secular"},
		pair[referral.Approach]{referral.ApproachFaith, "Faith-based"},
	)
}

func (f *needsForm) buildUI(defaultMiles float64) {
	f.forWhom = newRadio(forChoice().labels)
	for _, l := range substanceChoice().labels {
		f.substances = append(f.substances, widget.NewCheck(l, nil))
	}
	f.zip = newEntry(lang.L("e.g. 19107"))
	f.zipStatus = widget.NewLabel("")
	f.zipStatus.Wrapping = fyne.TextWrapWord
	f.zipStatus.Hide()
	f.place = widget.NewSelectEntry(nil)
	f.place.PlaceHolder = lang.L("or a town, e.g. Edmonton")
	oneTabStop(f.place, nil)
	f.miles = widget.NewSelectEntry(milesOptions)
	oneTabStop(f.miles, milesOptions)
	f.milesDefault = strconv.FormatFloat(defaultMiles, 'f', -1, 64)
	for _, l := range weekdayShort {
		f.days = append(f.days, widget.NewCheck(lang.L(l), nil))
	}
	for _, l := range timeBandChoice().labels {
		f.times = append(f.times, widget.NewCheck(l, nil))
	}
	f.attend = newRadio(attendWantedChoice().labels)
	f.gender = newRadio(genderChoice().labels)
	f.womenOnly = widget.NewCheck(lang.L("Only women's groups"), nil)
	f.menOnly = widget.NewCheck(lang.L("Only men's groups"), nil)
	f.lgbtq = widget.NewCheck(lang.L("LGBTQ+"), nil)
	f.young = widget.NewCheck(lang.L("Young people"), nil)
	f.spanish = widget.NewCheck(lang.L("Spanish"), nil)
	f.otherLangs = newEntry(lang.L("Other: code, e.g. fr"))
	f.wheelchair = widget.NewCheck(lang.L("Wheelchair"), nil)
	f.asl = widget.NewCheck(lang.L("ASL"), nil)
	f.childcare = widget.NewCheck(lang.L("Childcare"), nil)
	f.moud = widget.NewCheck(lang.L("Takes medication for OUD (MOUD)"), nil)
	f.approach = newSelect(approachChoice().labels, nil)
	f.limit = newSelect(limitOptions, nil)
	f.setDefaults()

	grid := container.New(layout.NewFormLayout())
	row := func(label string, input fyne.CanvasObject, fields ...string) {
		grid.Add(widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{}))
		if len(fields) == 0 {
			grid.Add(input)
			return
		}
		p := newProblemLabel()
		for _, field := range fields {
			f.problems[field] = p
		}
		grid.Add(container.NewVBox(input, p))
	}
	row(lang.L("For"), f.forWhom)
	row(lang.L("Substances"), container.NewGridWithColumns(3, checkObjects(f.substances)...))
	row(lang.L("ZIP code"), container.NewVBox(
		container.NewGridWithColumns(2, f.zip,
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("within")), widget.NewLabel(lang.L("miles")), f.miles)),
		f.zipStatus, f.place), "MaxMiles", "Place")
	row(lang.L("Days"), container.NewGridWithColumns(4, checkObjects(f.days)...))
	row(lang.L("Times"), container.NewVBox(
		container.NewGridWithColumns(2, checkObjects(f.times)...),
		wrapped(lang.L("Nothing ticked means any day, any time."), widget.LowImportance)))
	row(lang.L("Attends"), f.attend)
	row(lang.L("Gender"), container.NewVBox(f.gender, container.NewGridWithColumns(2, f.womenOnly, f.menOnly)),
		"Gender", "WomenOnly", "MenOnly")
	row(lang.L("Prefers"), container.NewGridWithColumns(2, f.lgbtq, f.young))
	row(lang.L("Language"), container.NewGridWithColumns(2, f.spanish, f.otherLangs), "Languages")
	row(lang.L("Needs"), container.NewGridWithColumns(3, f.wheelchair, f.asl, f.childcare))
	row(lang.L("Medication"), f.moud, "MOUD")
	// The list's length at its own width, the approach taking the rest: two
	// equal columns would be twice the wider, and Spanish words are long.
	row(lang.L("Approach"), container.NewBorder(nil, nil, nil,
		container.NewHBox(widget.NewLabel(lang.L("List")), f.limit, widget.NewLabel(lang.L("groups"))), f.approach))
	f.content = grid
	f.wire()
}

// wire connects every input to onChanged once the defaults are set, so
// building the form does not report changes.
func (f *needsForm) wire() {
	changed := func() { f.onChanged() } // late-bound: the screen sets onChanged after building
	for _, r := range []*widget.RadioGroup{f.forWhom, f.attend, f.gender} {
		r.OnChanged = func(string) { changed() }
	}
	checks := append(append(append([]*widget.Check{}, f.substances...), f.days...), f.times...)
	checks = append(checks, f.womenOnly, f.menOnly, f.lgbtq, f.young, f.spanish, f.wheelchair, f.asl, f.childcare, f.moud)
	for _, c := range checks {
		c.OnChanged = func(bool) { changed() }
	}
	for _, s := range []*widget.Select{f.approach, f.limit} {
		s.OnChanged = func(string) { changed() }
	}
	f.miles.OnChanged = func(string) { changed() }
	f.otherLangs.OnChanged = func(string) { changed() }
	f.zip.OnChanged = f.onZIPChanged
	f.place.OnChanged = func(text string) {
		f.completePlace(text)
		changed()
	}
}

// completePlace offers the directory's places that start with what was
// typed, looked up off the UI goroutine once typing pauses; an answer for
// older text is dropped.
func (f *needsForm) completePlace(text string) {
	f.placeSeq++
	seq, prefix := f.placeSeq, strings.TrimSpace(text)
	if f.stopPlace != nil {
		f.stopPlace()
		f.stopPlace = nil
	}
	if prefix == "" {
		f.place.SetOptions(nil)
		return
	}
	// One lookup when typing pauses, not one per key.
	f.stopPlace = f.bg.after(matchDelay, func() { f.lookUpPlaces(seq, prefix) })
}

func (f *needsForm) lookUpPlaces(seq int, prefix string) {
	f.stopPlace = nil
	f.bg.run(func() {
		names, err := f.places.Places(context.Background(), prefix, placeOptions)
		if err != nil {
			fyne.LogError("complete place", err) // typing on still works; only the list is missing
			return
		}
		fyne.Do(func() {
			if seq == f.placeSeq {
				f.place.SetOptions(names)
			}
		})
	})
}

// placeOptions is how many places the place field offers: a short menu.
const placeOptions = 8

// setDefaultMiles makes miles the distance the form starts with, and the
// distance shown unless the counselor has chosen one of their own.
func (f *needsForm) setDefaultMiles(miles float64) {
	if miles <= 0 {
		return // unset or invalid settings: keep the form's own default
	}
	text := strconv.FormatFloat(miles, 'f', -1, 64)
	chosen := f.miles.Text != f.milesDefault
	f.milesDefault = text
	if !chosen && f.miles.Text != text {
		f.miles.SetText(text) // calls onChanged, which matches again
	}
}

// setDefaults puts every need back to what a new client starts with:
// the client, opioids, the clinic's distance, any day and time, either
// attendance, gender not asked, nothing else asked for.
func (f *needsForm) setDefaults() {
	f.forWhom.SetSelected(forChoice().label(referral.ForSelf))
	for i, c := range f.substances {
		c.SetChecked(substanceChoice().values[i] == referral.SubstanceOpioids)
	}
	f.zip.SetText("")
	f.place.SetText("")
	f.place.SetOptions(nil)
	f.miles.SetText(f.milesDefault)
	checks := append(append([]*widget.Check{}, f.days...), f.times...)
	checks = append(checks, f.womenOnly, f.menOnly, f.lgbtq, f.young, f.spanish, f.wheelchair, f.asl, f.childcare, f.moud)
	for _, c := range checks {
		c.SetChecked(false)
	}
	f.attend.SetSelected(attendWantedChoice().label(referral.AttendEither))
	f.gender.SetSelected(genderChoice().label(referral.GenderUnspecified))
	f.otherLangs.SetText("")
	f.approach.SetSelectedIndex(0)
	f.limit.SetSelected(strconv.Itoa(referral.DefaultLimit))
}

// reset clears the form for the next client and reports one change.
func (f *needsForm) reset() {
	changed := f.onChanged
	f.onChanged = func() {}
	if f.stopPlace != nil {
		f.stopPlace()
		f.stopPlace = nil
	}
	f.placeSeq++ // a completion still on its way is for the last client
	f.setDefaults()
	f.onChanged = changed
	f.onChanged()
}

func newRadio(options []string) *widget.RadioGroup {
	r := widget.NewRadioGroup(options, nil)
	r.Horizontal = true
	r.Required = true
	return r
}

func checkObjects(cs []*widget.Check) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

// onZIPChanged checks the ZIP code as it is typed and, once it has five
// digits, asks the Locator where it is.
func (f *needsForm) onZIPChanged(text string) {
	f.zipSeq++
	f.origin, f.zipErr = nil, ""
	zip, state := readZIP(text)
	f.zipState = state
	switch state {
	case zipEmpty:
		f.setZIPStatus("", widget.MediumImportance)
	case zipPartial:
		f.setZIPStatus(lang.L("Type all 5 digits"), widget.LowImportance)
	case zipBad:
		f.zipErr = lang.L("A ZIP code is 5 digits, like 19107.")
		f.setZIPStatus(f.zipErr, widget.DangerImportance)
	case zipLooking:
		f.setZIPStatus(lang.L("Looking up…"), widget.LowImportance)
		f.lookUp(zip)
	}
	f.onChanged()
}

// readZIP reads what was typed so far. A ZIP+4 is accepted, as addresses
// are often copied with it.
func readZIP(text string) (string, zipState) {
	z := strings.TrimSpace(text)
	if len(z) == 10 && z[5] == '-' && allDigits(z[6:]) {
		z = z[:5]
	}
	switch {
	case z == "":
		return "", zipEmpty
	case !allDigits(z) || len(z) > 5:
		if len(z) > 5 && len(z) < 10 && z[5] == '-' && allDigits(z[:5]) && allDigits(z[6:]) {
			return "", zipPartial // part way through a ZIP+4
		}
		return "", zipBad
	case len(z) < 5:
		return "", zipPartial
	}
	return z, zipLooking
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// lookUp places the ZIP code off the UI goroutine; an answer for a ZIP that
// has since been retyped is dropped.
func (f *needsForm) lookUp(zip string) {
	seq := f.zipSeq
	f.bg.run(func() {
		loc, err := locateOrFail(f.locate, zip)
		fyne.Do(func() { f.located(seq, zip, loc, err) })
	})
}

// locateOrFail looks the ZIP up, or says lookup is not set up when the
// window was opened without a Locator.
func locateOrFail(l referral.Locator, zip string) (referral.ZIPLocation, error) {
	if l == nil {
		return referral.ZIPLocation{}, referral.Errorf(referral.EINTERNAL, "%s",
			lang.L("ZIP lookup is not set up in this copy of Referral Desk."))
	}
	return l.LocateZIP(zip)
}

func (f *needsForm) located(seq int, zip string, loc referral.ZIPLocation, err error) {
	if seq != f.zipSeq {
		return
	}
	if err != nil {
		if referral.ErrorCode(err) == referral.EINTERNAL {
			fyne.LogError("locate ZIP", err)
		}
		f.zipState, f.zipErr = zipNotFound, zipProblem(zip, err)
		f.setZIPStatus(f.zipErr, widget.DangerImportance)
		f.onChanged()
		return
	}
	p := loc.Point
	f.zipState, f.origin = zipFound, &p
	if loc.Approximate {
		f.setZIPStatus(lang.L("ZIP {{.ZIP}} has no area of its own: nearest ZIP area used ({{.Area}})",
			map[string]any{"ZIP": zip, "Area": loc.ZCTA}), widget.WarningImportance)
	} else {
		f.setZIPStatus(lang.L("ZIP found"), widget.SuccessImportance)
	}
	f.onChanged()
}

// zipProblem says in the window's language why the ZIP could not be
// placed: the lookup's own words are English, for the command line.
func zipProblem(zip string, err error) string {
	z := strings.TrimSpace(zip)
	switch referral.ErrorCode(err) {
	case referral.EINVALID:
		return lang.L("ZIP {{.ZIP}} must be 5 digits, like 19107", map[string]any{"ZIP": strconv.Quote(z)})
	case referral.ENOTFOUND:
		return lang.L("ZIP {{.ZIP}} is not a US ZIP code we know; check it, or use the ZIP of a nearby town", map[string]any{"ZIP": z})
	}
	return referral.ErrorMessage(err)
}

func (f *needsForm) setZIPStatus(text string, importance widget.Importance) {
	f.zipStatus.Importance = importance
	f.zipStatus.SetText(text)
	f.show(f.zipStatus, text != "")
}

// show shows or hides a message under an input and, when that changes the
// form's height, lays the form out again so the message gets its room.
func (f *needsForm) show(l *widget.Label, shown bool) {
	if l.Visible() == shown {
		return
	}
	setShown(l, shown)
	f.content.Refresh()
}

// read returns the needs the form describes and the problems with them: the
// form's own (a bad ZIP, a distance that is not a number) and then the
// domain's (Needs.Validate), one per field. pending is set while the ZIP is
// being looked up: the needs are not complete yet but nothing is wrong.
func (f *needsForm) read() (n referral.Needs, problems []referral.Problem, pending bool) {
	add := func(field, msg string) { problems = append(problems, referral.Problem{Field: field, Message: msg}) }
	n.For = forChoice().value(f.forWhom.Selected)
	for i, c := range f.substances {
		if c.Checked {
			n.Substances = append(n.Substances, substanceChoice().values[i])
		}
	}
	n.ZIP = strings.TrimSpace(f.zip.Text)
	n.Origin = f.origin
	n.Place = strings.TrimSpace(f.place.Text)
	switch f.zipState {
	case zipPartial:
		add("Origin", lang.L("type all 5 digits of the client's ZIP code"))
	case zipBad, zipNotFound:
		add("Origin", f.zipErr)
	case zipLooking:
		pending = true
	}
	n.MaxMiles = f.readMiles(add)
	for i, c := range f.days {
		if c.Checked {
			n.Days = append(n.Days, time.Weekday(i))
		}
	}
	for i, c := range f.times {
		if c.Checked {
			n.Times = append(n.Times, timeBandChoice().values[i])
		}
	}
	n.Attend = attendWantedChoice().value(f.attend.Selected)
	n.Gender = genderChoice().value(f.gender.Selected)
	n.WomenOnly, n.MenOnly = f.womenOnly.Checked, f.menOnly.Checked
	n.LGBTQ, n.YoungPeople = f.lgbtq.Checked, f.young.Checked
	if f.spanish.Checked {
		n.Languages = append(n.Languages, "es")
	}
	for _, l := range readLanguages(f.otherLangs.Text, func(_, msg string) { add("Languages", msg) }) {
		if l != "es" || !f.spanish.Checked {
			n.Languages = append(n.Languages, l)
		}
	}
	n.Wheelchair, n.ASL, n.Childcare = f.wheelchair.Checked, f.asl.Checked, f.childcare.Checked
	n.MOUD = f.moud.Checked
	n.Approach = approachChoice().value(f.approach.Selected)
	n.Limit, _ = strconv.Atoi(f.limit.Selected)
	if pending {
		return n, problems, true
	}
	validated := referral.ErrorProblems(n.Validate())
	for i := range validated {
		validated[i].Field = baseField(validated[i].Field)
	}
	return n, mergeProblems(problems, validated), false
}

func (f *needsForm) readMiles(add func(field, msg string)) float64 {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f.miles.Text), "mi"))
	if t == "" {
		add("MaxMiles", lang.L("choose how far the client can travel, in miles"))
		return 0
	}
	m, err := strconv.ParseFloat(t, 64)
	if err != nil {
		add("MaxMiles", lang.L("write the distance in miles as a number, for example 10"))
		return 0
	}
	return m
}

// baseField turns "Languages[1]" into "Languages", the form's one place for
// every language.
func baseField(field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		return field[:i]
	}
	return field
}

// showProblems puts each problem under its input; problems with no input of
// their own (a missing ZIP) are left to the results side.
func (f *needsForm) showProblems(ps []referral.Problem) {
	msgs := map[*widget.Label][]string{}
	for _, p := range ps {
		if l := f.problems[p.Field]; l != nil {
			msgs[l] = append(msgs[l], sentence(problemWords(p)))
		}
	}
	for _, l := range f.problems {
		l.SetText(strings.Join(msgs[l], "\n"))
		f.show(l, len(msgs[l]) > 0)
	}
}

// sentence starts a domain message with a capital letter and ends it with a
// full stop, so it reads on its own.
func sentence(s string) string {
	s = capitalized(strings.TrimSpace(s))
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// capitalized starts s with a capital letter.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
