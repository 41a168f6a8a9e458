package app

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"referraldesk/referral"
)

const dateLayout = "2006-01-02"

// maxPastMidnight is how long a meeting may run into the next day: an end time
// before the start is read as "after midnight" only if the meeting then lasts
// at most this long, so 23:00–00:30 is a late meeting and 20:00–19:00 a typo.
const maxPastMidnight = 6 * 60

// groupForm is the detail pane of the Directory: every field of one group a
// counselor edits, the clinic's curation, and a problem label beside each field
// where validation messages appear. It reads and writes referral.Group values;
// saving and deleting belong to the directory screen, which wires the buttons.
type groupForm struct {
	now func() time.Time

	base     referral.Group // the group as loaded; fields the form does not show are kept from it
	loads    int            // counts load calls, so a late answer can tell the form moved on
	snapshot formState      // what read() gave right after load, to tell unsaved edits

	title      *widget.Label
	sourceNote *widget.Label

	name       *widget.Entry
	program    *widget.SelectEntry // the known programs to pick, or any fellowship's name
	service    *widget.Check
	sessions   []*sessionRow
	sessionBox *fyne.Container
	addSession *widget.Button
	timeZone   *widget.SelectEntry
	attendance *widget.Select

	location, address, city, state, zip, lat, lon, placeNotes *widget.Entry
	url, urlNotes, dialIn                                     *widget.Entry

	openness, audience *widget.Select
	attrChecks         []attrCheck // the vocabulary's check boxes, in its order
	languages          *widget.Entry
	notes              *widget.Entry

	contactEntity, contactPhone, contactEmail, contactWebsite *widget.Entry

	medication     *widget.RadioGroup
	verifiedOn     *widget.Entry
	verifiedToday  *widget.Button
	counselorNotes *widget.Entry
	hidden         *widget.Check
	// curationFrom says, under each curation field, when the value shown is
	// what the group's source published rather than this desk's own, or
	// that this desk's own wins over what it published.
	curationFrom map[referral.CurationFields]*widget.Label

	problems      map[string]*widget.Label // field path → red label beside the field
	fieldOrder    []string                 // field paths top to bottom, to list problems in that order
	labelColumn   *sameWidth
	otherProblems *widget.Label // problems with fields the form does not show
	summary       *widget.Label
	status        *widget.Label
	save, delete  *widget.Button

	scroll  *container.Scroll
	content fyne.CanvasObject
}

// formState is what the form holds, read back as a group plus the problems
// found while reading it.
type formState struct {
	group    referral.Group
	problems []referral.Problem
}

// attrCheck is the check box of one attribute of referral.Vocabulary.
type attrCheck struct {
	attr  referral.Attr
	check *widget.Check
}

// sessionRow is one meeting time in the form.
type sessionRow struct {
	day        *widget.Select
	start, end *widget.Entry
	remove     *widget.Button
	problem    *widget.Label
	box        fyne.CanvasObject
}

func newGroupForm(now func() time.Time) *groupForm {
	f := &groupForm{now: now, problems: map[string]*widget.Label{}, labelColumn: &sameWidth{}}
	f.buildUI()
	return f
}

func (f *groupForm) buildUI() {
	f.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.title.SizeName = theme.SizeNameSubHeadingText
	f.sourceNote = widget.NewLabel("")
	f.sourceNote.Wrapping = fyne.TextWrapWord
	f.sourceNote.Importance = widget.LowImportance
	f.otherProblems = newProblemLabel()

	f.name = widget.NewEntry()
	f.program = widget.NewSelectEntry(programNames(""))
	f.program.PlaceHolder = lang.L("Choose or type the fellowship")
	f.service = widget.NewCheck(lang.L("Service meeting (business, district, committee): never suggested"), nil)
	f.sessionBox = container.NewVBox()
	f.addSession = widget.NewButtonWithIcon(lang.L("Add meeting time"), theme.ContentAddIcon(), f.onAddSession)
	f.timeZone = widget.NewSelectEntry(usTimeZones)
	f.timeZone.PlaceHolder = "America/New_York"
	f.attendance = newSelect(attendanceChoice().labels, nil)

	f.location = newEntry(lang.L("Venue, e.g. St. Mark's Church"))
	f.address = newEntry(lang.L("Street address"))
	f.city, f.state, f.zip = newEntry(""), newEntry(""), newEntry("")
	f.lat, f.lon = newEntry("39.9526"), newEntry("-75.1652")
	f.placeNotes = newEntry(lang.L("Entrance, parking, room"))
	f.url = newEntry("https://")
	f.urlNotes = newEntry(lang.L("Meeting ID, passcode"))
	f.dialIn = newEntry("+1 646 558 8656")

	f.openness = newSelect(opennessChoice().labels, nil)
	f.audience = newSelect(audienceChoice().labels, nil)
	// One check box per attribute the vocabulary can say, so whatever is
	// ticked here an export can write.
	welcomes, access, formatBox := container.NewGridWithColumns(2), container.NewGridWithColumns(2), container.NewGridWithColumns(3)
	boxes := map[referral.Kind]*fyne.Container{referral.KindWelcomes: welcomes, referral.KindAccess: access, referral.KindFormat: formatBox}
	for _, t := range referral.Vocabulary {
		if box := boxes[t.Kind]; box != nil {
			c := widget.NewCheck(lang.L(t.Label), nil)
			f.attrChecks = append(f.attrChecks, attrCheck{t.Attr, c})
			box.Add(c)
		}
	}
	f.languages = newEntry(lang.L("Language codes, e.g. en, es"))
	f.notes = newMultiLine()

	f.contactEntity = newEntry(lang.L("Group or intergroup"))
	f.contactPhone, f.contactEmail = newEntry(""), newEntry("")
	f.contactWebsite = newEntry("https://")

	f.medication = widget.NewRadioGroup(medicationChoice().labels, nil)
	f.medication.Horizontal = true
	f.medication.Required = true
	f.verifiedOn = newEntry(lang.L("YYYY-MM-DD"))
	f.verifiedToday = widget.NewButton(lang.L("Verified today"), f.onVerifiedToday)
	f.counselorNotes = newMultiLine()
	f.hidden = widget.NewCheck(lang.L("Hidden: never suggest this group"), nil)
	f.curationFrom = map[referral.CurationFields]*widget.Label{}
	for _, field := range []referral.CurationFields{referral.CuratedMedication, referral.CuratedVerifiedOn, referral.CuratedNotes, referral.CuratedHidden} {
		f.curationFrom[field] = wrapped("", widget.LowImportance)
	}

	f.summary = newProblemLabel()
	f.status = widget.NewLabel("")
	f.status.Importance = widget.SuccessImportance
	f.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), nil)
	f.save.Importance = widget.HighImportance
	f.delete = widget.NewButtonWithIcon(lang.L("Delete…"), theme.DeleteIcon(), nil)
	f.delete.Importance = widget.DangerImportance

	body := container.NewVBox(
		f.title, f.sourceNote, f.otherProblems,
		f.section(lang.L("Group"),
			f.row(lang.L("Name"), f.name, "Name"),
			f.row(lang.L("Program"), f.program, "Program"),
			f.row("", f.service, ""),
			f.row(lang.L("Attendance"), f.attendance, "Attendance"),
		),
		f.section(lang.L("Meeting times"),
			f.row(lang.L("Times"), container.NewVBox(f.sessionBox, container.NewHBox(f.addSession)), "Sessions"),
			f.row(lang.L("Time zone"), f.timeZone, "TimeZone"),
		),
		f.section(lang.L("Place"),
			f.row(lang.L("Location"), f.location, "Place.Location"),
			f.row(lang.L("Address"), f.address, "Place.Address"),
			f.row(lang.L("City"), f.city, "Place.City"),
			f.row(lang.L("State"), f.state, "Place.State"),
			f.row(lang.L("ZIP code"), f.zip, "Place.PostalCode"),
			f.row(lang.L("Latitude"), f.lat, "Place.Coords.Lat"),
			f.row(lang.L("Longitude"), f.lon, "Place.Coords.Lon"),
			f.row(lang.L("Directions"), f.placeNotes, "Place.Notes"),
		),
		f.section(lang.L("Online"),
			f.row(lang.L("Conference link"), f.url, "Online.URL"),
			f.row(lang.L("Link notes"), f.urlNotes, "Online.URLNotes"),
			f.row(lang.L("Dial-in phone"), f.dialIn, "Online.Phone"),
		),
		f.section(lang.L("Who and how"),
			f.row(lang.L("Open or closed"), f.openness, "Attributes.Openness"),
			f.row(lang.L("Restricted to"), f.audience, "Attributes.Audience"),
			f.row(lang.L("Welcomes"), welcomes, ""),
			f.row(lang.L("Access"), access, ""),
			f.row(lang.L("Languages"), f.languages, "Attributes.Languages"),
			f.row(lang.L("Format"), formatBox, "Attributes.Formats"),
			f.row(lang.L("Listing notes"), f.notes, "Notes"),
		),
		f.section(lang.L("Contact"),
			f.row(lang.L("Contact name"), f.contactEntity, "Contact.Entity"),
			f.row(lang.L("Phone"), f.contactPhone, "Contact.Phone"),
			f.row(lang.L("Email"), f.contactEmail, "Contact.Email"),
			f.row(lang.L("Website"), f.contactWebsite, "Contact.Website"),
		),
		f.section(lang.L("Clinic's notes"),
			f.row("", wrapped(lang.L("Kept when the directory is refreshed from its source."), widget.LowImportance), ""),
			f.row(lang.L("Medication-friendly"), container.NewVBox(
				wrapped(lang.L("Are people on methadone or buprenorphine welcome to take part?"), widget.MediumImportance),
				f.medication, f.curationFrom[referral.CuratedMedication]), "Curation.MedicationFriendly"),
			f.row(lang.L("Verified on"), container.NewVBox(container.NewBorder(nil, nil, nil, f.verifiedToday, f.verifiedOn),
				f.curationFrom[referral.CuratedVerifiedOn]), "Curation.VerifiedOn"),
			f.row(lang.L("Counselor notes"), container.NewVBox(f.counselorNotes, f.curationFrom[referral.CuratedNotes]), "Curation.Notes"),
			f.row("", container.NewVBox(f.hidden, f.curationFrom[referral.CuratedHidden]), "Curation.Hidden"),
		),
	)
	footer := container.NewVBox(
		widget.NewSeparator(),
		f.summary,
		container.NewHBox(f.status, layout.NewSpacer(), f.delete, f.save),
	)
	f.scroll = container.NewVScroll(container.NewPadded(body))
	f.content = container.NewBorder(nil, footer, nil, nil, f.scroll)
}

// section is a bold heading over a two-column form of rows.
func (f *groupForm) section(heading string, rows ...[]fyne.CanvasObject) fyne.CanvasObject {
	grid := container.New(layout.NewFormLayout())
	for _, r := range rows {
		grid.Add(r[0])
		grid.Add(r[1])
	}
	h := widget.NewLabelWithStyle(heading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(widget.NewSeparator(), h, grid)
}

// row is a label and an input with a problem label under it, registered under
// the validation field path so problems land beside their field. Labels share
// one column width so the sections line up.
func (f *groupForm) row(label string, input fyne.CanvasObject, field string) []fyne.CanvasObject {
	l := widget.NewLabel(label)
	f.labelColumn.labels = append(f.labelColumn.labels, l)
	cell := container.New(f.labelColumn, l)
	f.fieldOrder = append(f.fieldOrder, field)
	if field == "" {
		return []fyne.CanvasObject{cell, input}
	}
	p := newProblemLabel()
	f.problems[field] = p
	return []fyne.CanvasObject{cell, container.NewVBox(input, p)}
}

func wrapped(text string, importance widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = importance
	return l
}

// sameWidth is a layout that makes its object as wide as the widest of
// labels, so every section's form column starts at the same x.
type sameWidth struct{ labels []fyne.CanvasObject }

func (m *sameWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := objs[0].MinSize()
	for _, l := range m.labels {
		s.Width = max(s.Width, l.MinSize().Width)
	}
	return s
}

func (m *sameWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(size)
	objs[0].Move(fyne.NewPos(0, 0))
}

func newProblemLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func newEntry(placeholder string) *widget.Entry {
	e := widget.NewEntry()
	e.PlaceHolder = placeholder
	return e
}

func newMultiLine() *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(3)
	return e
}

func (f *groupForm) newSessionRow(s referral.Session, blank bool) *sessionRow {
	r := &sessionRow{
		day:     newSelect(weekdayChoice().labels, nil),
		start:   newEntry(lang.L("Starts 19:00")),
		end:     newEntry(lang.L("Ends 20:00")),
		problem: newProblemLabel(),
	}
	r.day.PlaceHolder = lang.L("Day")
	if !blank {
		r.day.SetSelected(weekdayChoice().label(s.Day))
		r.start.SetText(s.Start.String())
		r.end.SetText(s.End.String())
	}
	r.remove = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { f.onRemoveSession(r) })
	times := container.NewGridWithColumns(3, r.day, r.start, r.end)
	r.box = container.NewBorder(nil, r.problem, nil, r.remove, times)
	return r
}

func (f *groupForm) onAddSession() {
	f.appendSession(f.newSessionRow(referral.Session{}, true))
}

func (f *groupForm) appendSession(r *sessionRow) {
	f.sessions = append(f.sessions, r)
	f.sessionBox.Add(r.box)
}

func (f *groupForm) onRemoveSession(r *sessionRow) {
	for i, x := range f.sessions {
		if x == r {
			f.sessions = append(f.sessions[:i], f.sessions[i+1:]...)
			break
		}
	}
	f.sessionBox.Remove(r.box)
}

func (f *groupForm) onVerifiedToday() {
	f.verifiedOn.SetText(f.now().Format(dateLayout))
}

// load shows g in the form and forgets any earlier edits and problems.
func (f *groupForm) load(g *referral.Group) {
	f.base = *g
	f.loads++
	if g.ID == 0 {
		f.title.SetText(lang.L("New group"))
	} else {
		f.title.SetText(g.Name)
	}
	f.sourceNote.SetText(sourceNote(g))
	setShown(f.sourceNote, f.sourceNote.Text != "")
	setShown(f.delete, g.ID != 0)

	f.name.SetText(g.Name)
	f.program.SetOptions(programNames(g.Program))
	f.program.SetText(string(g.Program))
	f.service.SetChecked(g.Service)
	f.sessions = nil
	f.sessionBox.RemoveAll()
	for _, s := range g.Sessions {
		f.appendSession(f.newSessionRow(s, false))
	}
	f.timeZone.SetText(g.TimeZone)
	setSelected(f.attendance, attendanceChoice().label(g.Attendance))

	p := g.Place
	f.location.SetText(p.Location)
	f.address.SetText(p.Address)
	f.city.SetText(p.City)
	f.state.SetText(p.State)
	f.zip.SetText(p.PostalCode)
	f.lat.SetText("")
	f.lon.SetText("")
	if p.Coords != nil {
		f.lat.SetText(strconv.FormatFloat(p.Coords.Lat, 'f', -1, 64))
		f.lon.SetText(strconv.FormatFloat(p.Coords.Lon, 'f', -1, 64))
	}
	f.placeNotes.SetText(p.Notes)
	f.url.SetText(g.Online.URL)
	f.urlNotes.SetText(g.Online.URLNotes)
	f.dialIn.SetText(g.Online.Phone)

	a := g.Attributes
	f.openness.SetSelected(opennessChoice().label(a.Openness))
	f.audience.SetSelected(audienceChoice().label(a.Audience))
	for _, c := range f.attrChecks {
		c.check.SetChecked(a.Has(c.attr))
	}
	f.languages.SetText(strings.Join(a.Languages, ", "))
	f.notes.SetText(g.Notes)

	f.contactEntity.SetText(g.Contact.Entity)
	f.contactPhone.SetText(g.Contact.Phone)
	f.contactEmail.SetText(g.Contact.Email)
	f.contactWebsite.SetText(g.Contact.Website)

	c := g.Curation
	f.medication.SetSelected(medicationChoice().label(c.Medication()))
	f.verifiedOn.SetText("")
	if !c.VerifiedOn.IsZero() {
		f.verifiedOn.SetText(c.VerifiedOn.Format(dateLayout))
	}
	f.counselorNotes.SetText(c.Notes)
	f.hidden.SetChecked(c.Hidden)
	for field, l := range f.curationFrom {
		l.SetText(curationFromText(g, field))
		setShown(l, l.Text != "")
	}

	f.clearProblems()
	f.status.SetText("")
	f.snapshot = f.current()
	f.scroll.ScrollToTop()
	f.content.Refresh()
}

// rebase makes g, the listing as stored now, the group the form's fields
// go over: what the form does not show (the feed's type codes, regions,
// the source's published curation) follows the store, not the copy loaded.
func (f *groupForm) rebase(g *referral.Group) {
	f.base = *g
}

// read returns the group the form describes and the problems found turning
// text into values (times, numbers, dates). Fields the form does not show keep
// the loaded group's values.
func (f *groupForm) read() (*referral.Group, []referral.Problem) {
	s := f.current()
	return &s.group, s.problems
}

// dirty reports whether the form holds edits that are not saved.
func (f *groupForm) dirty() bool {
	return !reflect.DeepEqual(f.current(), f.snapshot)
}

func (f *groupForm) current() formState {
	var ps []referral.Problem
	add := func(field, msg string) { ps = append(ps, referral.Problem{Field: field, Message: msg}) }
	g := f.base

	g.Name = strings.TrimSpace(f.name.Text)
	g.Program = readProgram(f.program.Text)
	g.Service = f.service.Checked
	g.Sessions = nil
	for i, r := range f.sessions {
		s, sps := r.read(fmt.Sprintf("Sessions[%d]", i))
		g.Sessions = append(g.Sessions, s)
		ps = append(ps, sps...)
	}
	g.TimeZone = strings.TrimSpace(f.timeZone.Text)
	g.Attendance = attendanceChoice().value(f.attendance.Selected)

	g.Place.Location = strings.TrimSpace(f.location.Text)
	g.Place.Address = strings.TrimSpace(f.address.Text)
	g.Place.City = strings.TrimSpace(f.city.Text)
	g.Place.State = strings.TrimSpace(f.state.Text)
	g.Place.PostalCode = strings.TrimSpace(f.zip.Text)
	g.Place.Coords = readCoords(f.lat.Text, f.lon.Text, add)
	g.Place.Notes = strings.TrimSpace(f.placeNotes.Text)
	g.Online.URL = strings.TrimSpace(f.url.Text)
	g.Online.URLNotes = strings.TrimSpace(f.urlNotes.Text)
	g.Online.Phone = strings.TrimSpace(f.dialIn.Text)

	a := &g.Attributes
	a.Openness = opennessChoice().value(f.openness.Selected)
	a.Audience = audienceChoice().value(f.audience.Selected)
	a.Languages = readLanguages(f.languages.Text, add)
	a.Formats = nil // ticked in the vocabulary's order, as a feed reads them
	for _, c := range f.attrChecks {
		a.Set(c.attr, c.check.Checked)
	}
	// The listing's codes say what the form now says, so an export carries
	// the edit; codes the form has no box for stay.
	g.Types = referral.TypeCodes(g.Program, g.Attributes, f.base.Types)
	g.Notes = strings.TrimSpace(f.notes.Text)

	g.Contact.Entity = strings.TrimSpace(f.contactEntity.Text)
	g.Contact.Phone = strings.TrimSpace(f.contactPhone.Text)
	g.Contact.Email = strings.TrimSpace(f.contactEmail.Text)
	g.Contact.Website = strings.TrimSpace(f.contactWebsite.Text)

	g.Curation.MedicationFriendly = medicationChoice().value(f.medication.Selected)
	g.Curation.VerifiedOn = f.readVerifiedOn(add)
	g.Curation.Notes = strings.TrimSpace(f.counselorNotes.Text)
	g.Curation.Hidden = f.hidden.Checked
	return formState{group: g, problems: ps}
}

func (r *sessionRow) read(field string) (referral.Session, []referral.Problem) {
	var ps []referral.Problem
	s := referral.Session{Day: weekdayChoice().value(r.day.Selected), Start: referral.NoTime, End: referral.NoTime}
	if r.day.Selected == "" {
		ps = append(ps, referral.Problem{Field: field + ".Day", Message: lang.L("choose the day of the week")})
	}
	start, err := referral.ParseClock(strings.TrimSpace(r.start.Text))
	if err != nil {
		ps = append(ps, referral.Problem{Field: field + ".Start",
			Message: lang.L("write the start time as HH:MM on a 24-hour clock, for example 19:00")})
	}
	s.Start = start
	if t := strings.TrimSpace(r.end.Text); t != "" {
		end, err := referral.ParseClock(t)
		if err != nil {
			ps = append(ps, referral.Problem{Field: field + ".End",
				Message: lang.L("write the end time as HH:MM on a 24-hour clock, for example 20:30, or leave it empty")})
		}
		if err == nil && start != referral.NoTime && end < start && end+24*60-start <= maxPastMidnight {
			end += 24 * 60 // a late meeting that ends after midnight
		}
		s.End = end
	}
	return s, ps
}

func readCoords(lat, lon string, add func(field, msg string)) *referral.Point {
	lat, lon = strings.TrimSpace(lat), strings.TrimSpace(lon)
	if lat == "" && lon == "" {
		return nil
	}
	var p referral.Point
	ok := true
	for _, c := range []struct {
		text, field string
		v           *float64
	}{{lat, "Place.Coords.Lat", &p.Lat}, {lon, "Place.Coords.Lon", &p.Lon}} {
		if c.text == "" {
			add(c.field, lang.L("enter both latitude and longitude, or leave both empty"))
			ok = false
			continue
		}
		v, err := strconv.ParseFloat(c.text, 64)
		if err != nil {
			add(c.field, lang.L("write a number in decimal degrees, for example 39.9526 or -75.1652"))
			ok = false
			continue
		}
		*c.v = v
	}
	if !ok {
		return nil
	}
	return &p
}

var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

func readLanguages(text string, add func(field, msg string)) []string {
	var codes []string
	for _, c := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if !languageCode.MatchString(c) {
			add("Attributes.Languages", lang.L("write two-letter language codes separated by commas, for example en, es"))
			return nil
		}
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	// Sorted, as a feed reader sorts them, so an exported group reads back
	// equal.
	slices.Sort(codes)
	return codes
}

func (f *groupForm) readVerifiedOn(add func(field, msg string)) time.Time {
	t := strings.TrimSpace(f.verifiedOn.Text)
	if t == "" {
		return time.Time{}
	}
	d, err := time.Parse(dateLayout, t)
	if err != nil {
		add("Curation.VerifiedOn", lang.L("write the date as YYYY-MM-DD, for example 2026-03-14, or use Verified today"))
		return time.Time{}
	}
	if d.Format(dateLayout) > f.now().Format(dateLayout) {
		add("Curation.VerifiedOn", lang.L("the date is in the future; use today's date or an earlier one"))
	}
	return d
}

// showProblems puts each problem beside its field and sums them up above the
// Save button.
func (f *groupForm) showProblems(ps []referral.Problem) {
	f.clearProblems()
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b referral.Problem) int { return f.position(a.Field) - f.position(b.Field) })
	msgs := map[*widget.Label][]string{}
	var order []*widget.Label
	var names []string
	for _, p := range ps {
		l := f.problemLabel(p.Field)
		if l == nil {
			l = f.otherProblems
		}
		if _, seen := msgs[l]; !seen {
			order = append(order, l)
		}
		msgs[l] = append(msgs[l], sentence(problemWords(p)))
		if n := fieldName(p.Field); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, l := range order {
		l.SetText(strings.Join(msgs[l], "\n"))
		l.Show()
	}
	f.summary.SetText(lang.L("Not saved. Please check: {{.Fields}}.", map[string]any{"Fields": strings.Join(names, ", ")}))
	f.summary.Show()
	f.content.Refresh()
}

func (f *groupForm) clearProblems() {
	for _, l := range f.problems {
		l.SetText("")
		l.Hide()
	}
	for _, r := range f.sessions {
		r.problem.SetText("")
		r.problem.Hide()
	}
	f.otherProblems.Hide()
	f.summary.Hide()
}

// position is where a field sits in the form, top to bottom; fields the form
// does not show come first, as otherProblems is at the top.
func (f *groupForm) position(field string) int {
	if _, ok := sessionIndex(field); ok {
		field = "Sessions"
	}
	return slices.Index(f.fieldOrder, field)
}

// problemLabel finds the label for a field path such as "Online.URL" or
// "Sessions[1].End"; nil if the form has no place for it.
func (f *groupForm) problemLabel(field string) *widget.Label {
	if i, ok := sessionIndex(field); ok {
		if i < len(f.sessions) {
			return f.sessions[i].problem
		}
		return nil
	}
	return f.problems[field]
}

func sessionIndex(field string) (int, bool) {
	var i int
	if _, err := fmt.Sscanf(field, "Sessions[%d]", &i); err != nil {
		return 0, false
	}
	return i, true
}

// fieldName is the name a person sees for a field path, for the summary.
func fieldName(field string) string {
	if i, ok := sessionIndex(field); ok {
		return lang.L("meeting time {{.N}}", map[string]any{"N": i + 1})
	}
	if n, ok := fieldNames[field]; ok {
		return lang.L(n)
	}
	return field
}

var fieldNames = map[string]string{
	"Name": "Name", "Program": "Program", "Attendance": "Attendance", "TimeZone": "Time zone",
	"Place.Coords.Lat": "Latitude", "Place.Coords.Lon": "Longitude", "Online.URL": "Conference link",
	"Online.Phone": "Dial-in phone", "Attributes.Languages": "Languages", "Contact.Phone": "Phone",
	"Contact.Email": "Email", "Contact.Website": "Website", "Contact.FeedbackURL": "Feedback link",
	"Curation.MedicationFriendly": "Medication-friendly", "Curation.VerifiedOn": "Verified on",
}

// sourceNote tells a counselor that edits to an imported listing last only
// until the next import, while the clinic's notes stay.
func sourceNote(g *referral.Group) string {
	if g.ID == 0 || g.Source == "" || g.Source == referral.SourceManual {
		return ""
	}
	return lang.L("From the {{.Source}} directory. Changes to the listing are replaced at its next import; the clinic's own notes below are kept.",
		map[string]any{"Source": g.Source})
}

// curationFromText says where the value of one curation field shown for g
// comes from, when its source published a curation of it: "" when the
// source said nothing there.
func curationFromText(g *referral.Group, field referral.CurationFields) string {
	src := g.Published.From
	switch {
	case g.PublishedShown().Has(field):
		return lang.L("From {{.Source}}. A change here is this desk's own and wins over it.", map[string]any{"Source": src})
	case g.Overridden().Has(field):
		return lang.L("This desk's own; it wins over {{.Source}}, which says: {{.Value}}. Give the same to follow {{.Source}} again.",
			map[string]any{"Source": src, "Value": publishedValue(g.Published, field)})
	}
	return ""
}

// publishedValue is what a published curation says in one field, in words.
func publishedValue(c referral.Curation, field referral.CurationFields) string {
	switch field {
	case referral.CuratedMedication:
		return medicationChoice().label(c.Medication())
	case referral.CuratedVerifiedOn:
		return c.VerifiedOn.Format(dateLayout)
	case referral.CuratedNotes:
		return "“" + referral.Truncate(strings.ReplaceAll(c.Notes, "\n", " "), 80) + "”"
	}
	return lang.L("hidden, never suggest")
}

// readProgram reads a typed fellowship as ParseProgram does; a name it
// refuses is kept as typed, for Group.Validate to say why.
func readProgram(text string) referral.Program {
	p, err := referral.ParseProgram(text)
	if err != nil {
		return referral.Program(strings.TrimSpace(text))
	}
	return p
}

func setSelected(s *widget.Select, label string) {
	if label == "" {
		s.ClearSelected()
		return
	}
	s.SetSelected(label)
}
