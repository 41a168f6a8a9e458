package feed

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"referraldesk/referral"
)

// tsmlColumns are the 12 Step Meeting List plugin's CSV export columns, in its
// order (includes/variables.php, $tsml_export_columns); its import reads the
// same names.
var tsmlColumns = []string{
	"Time", "End Time", "Day", "Name", "Location", "Address", "Region", "Sub Region",
	"Types", "Notes", "Location Notes", "Timezone", "Group", "District", "Sub District",
	"Website", "Website 2", "Mailing Address", "Venmo", "Square", "Paypal", "Email", "Phone",
	"Group Notes", "Contact 1 Name", "Contact 1 Email", "Contact 1 Phone",
	"Contact 2 Name", "Contact 2 Email", "Contact 2 Phone",
	"Contact 3 Name", "Contact 3 Email", "Contact 3 Phone", "Last Contact",
	"Conference URL", "Conference URL Notes", "Conference Phone", "Conference Phone Notes",
	"Author", "Slug", "Data Source", "Data Source Name", "Updated", "ID",
}

// extraColumns follow the plugin's: what a group has and the plugin's export
// lacks, so an export reads back equal. City, State, Postal Code and Country
// are also names the plugin's import reads; with them present, Address is the
// street alone.
var extraColumns = []string{
	"City", "State", "Postal Code", "Country", "Latitude", "Longitude", "Approximate",
	"Attendance Option", "Program", "Languages", "Regions", "Feedback URL",
}

// csvRow reads a row by column name.
type csvRow struct {
	col    map[string]int
	fields []string
}

func (r csvRow) get(name string) string {
	if i, ok := r.col[strings.ToLower(name)]; ok && i < len(r.fields) {
		return r.fields[i]
	}
	return ""
}

// cell is the row's text in a column, noting on the draft the characters
// referral.Tidy will repair in it.
func (r csvRow) cell(d *draft, name string) string {
	v := r.get(name)
	d.checkText(name, v, !utf8.ValidString(v))
	return v
}

// requiredColumns are the columns without which a CSV file's rows are no
// schedule: read without them, every listing would be "by appointment".
var requiredColumns = []string{"Name", "Day", "Time"}

func (p *parser) readCSV(rd io.Reader) error {
	cr := csv.NewReader(rd)
	cr.FieldsPerRecord = -1 // checked per row, so one bad row does not stop the file
	cr.LazyQuotes = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return referral.Errorf(referral.EINVALID, "the CSV file is empty")
	}
	if err != nil {
		return referral.Errorf(referral.EINVALID, "the CSV file's header cannot be read: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(plain(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	var missing []string
	for _, c := range requiredColumns {
		if _, ok := col[strings.ToLower(c)]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		// Columns separated otherwise read as one (or, with a comma in a
		// name, a few) whose first holds the others' names.
		if err := separatorError(header[0]); err != nil {
			return err
		}
		columns := "columns"
		if len(missing) == 1 {
			columns = "column"
		}
		return referral.Errorf(referral.EINVALID,
			"the CSV file has no %s %s; its first row must name the columns, as the 12 Step Meeting List export does (%s, …); nothing was changed",
			joinAnd(missing), columns, strings.Join(tsmlColumns[:10], ", "))
	}
	parts := false
	for _, c := range []string{"city", "state", "postal code", "country"} {
		if _, ok := col[c]; ok {
			parts = true
		}
	}
	for i := 0; ; i++ {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var perr *csv.ParseError
		switch {
		case errors.As(err, &perr):
			r := &recordCtx{p: p, index: i}
			r.skip("row", "line %d cannot be read as CSV: %v", perr.Line, perr.Err)
		case err != nil:
			return fmt.Errorf("read CSV file: %w", err)
		case len(fields) != len(header):
			r := &recordCtx{p: p, index: i}
			if n := col["name"]; n < len(fields) {
				r.name = referral.PlainText(fields[n])
			}
			r.skip("row", "the row has %d columns and the header %d; a value with a comma may lack its quotes", len(fields), len(header))
		default:
			if err := p.add(csvRow{col: col, fields: fields}.draft(i, parts)); err != nil {
				return err
			}
		}
		if err := p.tick(); err != nil {
			return err
		}
	}
}

// joinAnd lists names as a sentence does: "Day", "Day and Time", "Name, Day and Time".
func joinAnd(names []string) string {
	if n := len(names); n > 1 {
		return strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	return strings.Join(names, "")
}

func (row csvRow) draft(i int, parts bool) *draft {
	d := &draft{index: i, idField: "Slug", nameField: "Name", daysNamed: true}
	get := func(col string) string { return row.cell(d, col) }
	d.id = get("Slug")
	d.altID = get("ID")
	d.name = get("Name")
	d.program = get("Program")
	if day := plain(get("Day")); day != "" {
		d.days = strings.Split(day, ",")
	}
	d.start = get("Time")
	d.end = get("End Time")
	d.tz = get("Timezone")
	if t := get("Types"); t != "" {
		d.codes = []string{t}
	}
	if l := plain(get("Languages")); l != "" {
		d.languages = strings.Split(l, ",")
	}
	d.notes = get("Notes")
	d.place.Location = get("Location")
	d.place.Notes = get("Location Notes")
	if parts {
		d.place.Address = get("Address")
		d.place.City = get("City")
		d.place.State = get("State")
		d.place.PostalCode = get("Postal Code")
		d.place.Country = get("Country")
	} else {
		d.formatted = get("Address")
	}
	if regs := plain(get("Regions")); regs != "" {
		d.place.Regions = strings.Split(regs, "\n")
	} else {
		for _, reg := range []string{get("Region"), get("Sub Region")} {
			if plain(reg) != "" {
				d.place.Regions = append(d.place.Regions, reg)
			}
		}
	}
	d.lat, d.lon = get("Latitude"), get("Longitude")
	d.approx = get("Approximate")
	d.attendance = get("Attendance Option")
	d.contact.Entity = get("Group")
	d.contact.Website = get("Website")
	d.contact.Email = get("Email")
	d.contact.Phone = get("Phone")
	d.contact.FeedbackURL = get("Feedback URL")
	d.online.URL = get("Conference URL")
	d.online.URLNotes = get("Conference URL Notes")
	d.online.Phone = get("Conference Phone")
	d.online.PhoneNotes = get("Conference Phone Notes")
	d.updated = get("Updated")
	return d
}

// WriteCSV writes groups in the 12 Step Meeting List export columns followed
// by extraColumns: one row per group and time, days as English names ("Monday,
// Wednesday" when a group meets on several days at one time), times as
// 24-hour "HH:MM", types as codes.
func WriteCSV(w io.Writer, groups []*referral.Group) error {
	cw := csv.NewWriter(w)
	header := append(append([]string{}, tsmlColumns...), extraColumns...)
	index := map[string]int{}
	for i, h := range header {
		index[h] = i
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	row := make([]string, len(header))
	for _, g := range groups {
		for _, run := range runsOf(g) {
			clear(row)
			set := func(col, v string) { row[index[col]] = v }
			fillCSV(set, g)
			set("Slug", run.slug(g.SourceID))
			if len(run.days) > 0 {
				names := make([]string, len(run.days))
				for i, d := range run.days {
					names[i] = d.String()
				}
				set("Day", strings.Join(names, ", "))
				set("Time", run.start.String())
				set("End Time", run.end.String())
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write CSV %q: %w", g.Name, err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

func fillCSV(set func(col, v string), g *referral.Group) {
	pl := g.Place
	set("Name", feedText(g.Name))
	set("Location", feedText(pl.Location))
	set("Address", feedText(pl.Address))
	set("City", feedText(pl.City))
	set("State", feedText(pl.State))
	set("Postal Code", pl.PostalCode)
	set("Country", feedText(pl.Country))
	regions := feedTexts(pl.Regions)
	if len(regions) > 0 {
		set("Region", regions[0])
		set("Regions", strings.Join(regions, "\n"))
	}
	if len(regions) > 1 {
		set("Sub Region", regions[1])
	}
	set("Types", strings.Join(referral.TypeCodes(g.Program, g.Attributes, g.Types), ", "))
	set("Languages", strings.Join(g.Attributes.Languages, ", "))
	set("Notes", feedText(g.Notes))
	set("Location Notes", feedText(pl.Notes))
	set("Timezone", g.TimeZone)
	set("Group", feedText(g.Contact.Entity))
	set("Website", g.Contact.Website)
	set("Email", g.Contact.Email)
	set("Phone", g.Contact.Phone)
	set("Feedback URL", g.Contact.FeedbackURL)
	set("Conference URL", g.Online.URL)
	set("Conference URL Notes", feedText(g.Online.URLNotes))
	set("Conference Phone", g.Online.Phone)
	set("Conference Phone Notes", feedText(g.Online.PhoneNotes))
	set("Updated", formatUpdated(g))
	// Not a ZIP's Census point: see mgOutFor.
	if c := pl.Coords; c != nil && !pl.CoordsFromZIP {
		set("Latitude", strconv.FormatFloat(c.Lat, 'g', -1, 64))
		set("Longitude", strconv.FormatFloat(c.Lon, 'g', -1, 64))
	}
	set("Approximate", yesNo(pl.Approximate))
	set("Attendance Option", string(g.Attendance))
	set("Program", string(g.Program))
}
