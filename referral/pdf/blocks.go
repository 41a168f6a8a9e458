package pdf

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"referraldesk/referral"
)

// limits caps the length of directory text on a card so eight groups fit on
// two pages. layoutSheet tries them in order and keeps the first that fits; a
// normal listing never meets even the tightest.
type limits struct {
	name, notes, other int  // runes; notes or other 0 leaves them out
	about              int  // runes of the attribute words; 0 is no limit
	link               int  // runes of a link printed beside its QR code; 0 is no limit
	smallInfo          bool // the fixed sections in small type
}

var limitLevels = []limits{
	{name: 160, notes: 320, other: 200},
	// The fixed sections in small type, before any of the groups' own words
	// are cut: eight groups of as many fellowships, each with its line in
	// the legend, need it in Spanish.
	{name: 160, notes: 320, other: 200, smallInfo: true},
	{name: 110, notes: 180, other: 140, smallInfo: true},
	{name: 80, notes: 90, other: 100, smallInfo: true},
	{name: 60, notes: 0, other: 70, smallInfo: true},
	// Last resort for listings full of junk: the QR code still carries the
	// whole link.
	{name: 45, notes: 0, other: 0, about: 90, link: 70, smallInfo: true},
}

// maxAddress is long enough for any real address; only junk is cut.
const maxAddress = 160

// maxPages is the most a sheet of MaxSheetGroups groups may take. Large
// print needs about 1.8 times the paper of normal print (14 pt against
// 10.5 pt), so eight groups with every fixed section cannot fit two pages
// there; it may take three.
func maxPages(large bool) int {
	if large {
		return 3
	}
	return 2
}

// logoInfo is the clinic logo, already decoded and re-encoded for gofpdf.
type logoInfo struct {
	png      []byte
	mmW, mmH float64
}

// sheetBuilder turns a sheet into blocks with one language, scale and width.
type sheetBuilder struct {
	s     referral.Sheet
	t     *texts
	sc    scale
	m     measurer
	w     float64 // content width
	logo  *logoInfo
	lim   limits
	codes qrCodes
}

func (b *sheetBuilder) flow() *flow { return &flow{m: b.m, sc: b.sc} }

func (b *sheetBuilder) st(size float64, bold bool, c rgb) style {
	return style{size: size, bold: bold, color: c}
}

func (b *sheetBuilder) clean(s string) string { return clean(s, b.t.OtherScript) }

// blocks returns every block of the sheet in reading order.
func (b *sheetBuilder) blocks() []block {
	out := []block{b.header(), b.title()}
	for i, g := range b.s.Groups {
		out = append(out, b.card(i+1, g, b.s.IsRemoved(i)))
	}
	return append(out, b.info())
}

// header is the clinic's name, address and logo, with the date on the right.
func (b *sheetBuilder) header() block {
	f := b.flow()
	x := 0.0
	if b.logo != nil {
		f.items = append(f.items, item{kind: kImage, rect: rect{0, 0, b.logo.mmW, b.logo.mmH}})
		x = b.logo.mmW + logoGap
	}
	date := b.t.date(b.s.Date.Year(), int(b.s.Date.Month()), b.s.Date.Day())
	dateSt := b.st(b.sc.body, true, ink)
	dateW := b.m.width(dateSt, date) + 0.5
	f.items = append(f.items, item{kind: kText, rect: rect{b.w - dateW, 0, dateW, b.sc.lineH(dateSt)}, text: date, st: dateSt, align: "R"})
	textW := b.w - x - dateW - 6
	c := b.s.Clinic
	y := f.para(b.st(b.sc.clinic, true, accent), referral.Truncate(b.clean(c.Name), 90), x, 0, textW, "")
	small := b.st(b.sc.small, false, muted)
	y = f.para(small, referral.Truncate(b.clean(c.Address), 140), x, y, textW, "")
	y = f.para(small, strings.Join(nonEmpty(referral.Truncate(b.clean(c.Phone), 40), referral.Truncate(b.clean(c.Website), 80)), "   ·   "), x, y, textW, "")
	if b.logo != nil {
		y = math.Max(y, b.logo.mmH)
	}
	y = math.Max(y, b.sc.lineH(dateSt)) + 2.5
	f.items = append(f.items, item{kind: kRule, rect: rect{0, y, b.w, 0}, stroke: &accent, lineW: ruleWidth})
	return block{kind: "header", h: y + ruleWidth/2, items: f.items}
}

// title is the sheet's heading, who it is for and the counselor, and a short
// welcome.
func (b *sheetBuilder) title() block {
	f := b.flow()
	y := f.para(b.st(b.sc.h1, true, accent), b.t.Title, 0, 0, b.w, "") + 1
	half := (b.w - colGap) / 2
	y1 := b.nameLine(f, b.t.For, b.s.FirstName, 0, y, half)
	y2 := b.nameLine(f, b.t.Counselor, b.s.Counselor, half+colGap, y, half)
	y = math.Max(y1, y2) + 1.5
	y = f.para(b.st(b.sc.body, false, ink), b.t.Intro, 0, y, b.w, "")
	return block{kind: "title", h: y, items: f.items}
}

// nameLine writes "Label: name", or the label and a line to write on.
func (b *sheetBuilder) nameLine(f *flow, label, name string, x, y, w float64) float64 {
	lead := b.st(b.sc.body, true, ink)
	label += ":"
	lw := b.m.width(lead, label) + 2
	lh := b.sc.lineH(lead)
	f.items = append(f.items, item{kind: kText, rect: rect{x, y, lw, lh}, text: label, st: lead, align: "L"})
	if name = b.clean(name); name != "" {
		return f.para(b.st(b.sc.body, false, ink), referral.Truncate(name, 60), x+lw, y, w-lw, "")
	}
	f.items = append(f.items, item{kind: kRule, rect: rect{x + lw, y + lh*0.85, math.Min(blankLineW, w-lw), 0}, stroke: &muted, lineW: 0.3})
	return y + lh
}

// card is one group: number, program, name, when, where, how to join, and
// how fresh the listing is, with a QR code for its online link. A removed
// group (reprinted from the referral log) says so under the date.
func (b *sheetBuilder) card(n int, g *referral.Group, removed bool) block {
	f := b.flow()
	x := b.sc.badgeGutter + cardPad
	right := b.w - cardPad
	link := b.codes.link(g)
	if link != "" {
		right -= b.sc.qr + qrGap
	}
	labelSt := b.st(b.sc.small, true, muted)
	labelW := 0.0
	for _, l := range []string{b.t.Labels.When, b.t.Labels.Where, b.t.Labels.Online, b.t.Labels.Phone, b.t.Labels.Contact, b.t.Labels.Notes, b.t.Labels.About} {
		labelW = math.Max(labelW, b.m.width(labelSt, l))
	}
	labelW += labelGap
	valueX, valueW := x+labelW, right-x-labelW

	head := b.clean(b.t.program(g.Program)) // any fellowship's name, as the feed wrote it
	if a, ok := b.t.Attendance[g.Attendance]; ok {
		head += "  ·  " + a
	}
	y := f.para(b.st(b.sc.small, true, accent), head, x, cardPad, right-x, "")
	y = f.para(b.st(b.sc.name, true, ink), referral.Truncate(b.clean(g.Name), b.lim.name), x, y, right-x, "") + rowGap

	body := b.st(b.sc.body, false, ink)
	row := func(label string, paras ...func(y float64) float64) {
		top := y
		f.items = append(f.items, item{kind: kText, rect: rect{x, top + (b.sc.lineH(body)-b.sc.lineH(labelSt))/2, labelW, b.sc.lineH(labelSt)}, text: label, st: labelSt, align: "L"})
		for _, p := range paras {
			y = p(y)
		}
		y = math.Max(y, top+b.sc.lineH(body)) + rowGap
	}
	text := func(st style, s, link string) func(float64) float64 {
		return func(y float64) float64 { return f.para(st, s, valueX, y, valueW, link) }
	}

	var when []func(float64) float64
	for _, line := range b.t.schedule(g, b.s.Date, b.s.ClinicZone) {
		when = append(when, text(b.st(b.sc.body, true, ink), line, ""))
	}
	row(b.t.Labels.When, when...)
	if g.Attendance != referral.Online {
		if p := referral.Truncate(b.clean(g.Place.Line()), maxAddress); p != "" {
			row(b.t.Labels.Where, text(body, p, ""))
		}
	}
	if g.Attendance != referral.InPerson {
		if u := b.clean(g.Online.URL); u != "" {
			if link != "" {
				u = referral.Truncate(u, b.lim.link)
			}
			row(b.t.Labels.Online, text(body, u, link), text(body, b.optional(g.Online.URLNotes), ""))
		}
		if p := b.phone(g.Online); p != "" {
			row(b.t.Labels.Phone, text(body, p, ""))
		}
	}
	if p := referral.Truncate(b.clean(g.Contact.Phone), 60); p != "" {
		row(b.t.Labels.Contact, text(body, p, ""))
	}
	if b.lim.notes > 0 {
		notes := strings.Join(nonEmpty(b.clean(g.Place.Notes), b.clean(g.Notes)), " · ")
		if notes = referral.Truncate(notes, b.lim.notes); notes != "" {
			row(b.t.Labels.Notes, text(body, notes, ""))
		}
	}
	if about := referral.Truncate(b.about(g), b.lim.about); about != "" {
		row(b.t.Labels.About, text(body, about, ""))
	}
	y = f.para(b.st(b.sc.small, false, muted), b.t.updated(g), x, y, right-x, "")
	if removed {
		y = f.para(b.st(b.sc.small, true, helpInk), b.t.Removed, x, y, right-x, "")
	}

	h := y + cardPad
	var qrItems []item
	if link != "" {
		qx := b.w - cardPad - b.sc.qr
		qrItems = []item{
			{kind: kRect, rect: rect{qx - qrQuiet, cardPad - qrQuiet, b.sc.qr + 2*qrQuiet, b.sc.qr + 2*qrQuiet}, fill: &white},
			{kind: kQR, rect: rect{qx, cardPad, b.sc.qr, b.sc.qr}, text: link},
		}
		capFirst := len(f.items)
		capEnd := f.para(b.st(b.sc.small, false, muted), b.t.ScanToJoin, qx-qrQuiet, cardPad+b.sc.qr+qrQuiet, b.sc.qr+2*qrQuiet, "")
		for i := capFirst; i < len(f.items); i++ {
			f.items[i].align = "C"
		}
		h = math.Max(h, capEnd+cardPad)
	}
	items := []item{
		{kind: kRect, rect: rect{0, 0, b.w, h}, fill: &cardFill, stroke: &cardLine, radius: cardRadius, lineW: 0.3},
		{kind: kCircle, rect: rect{cardPad + badgeRadius, cardPad + badgeRadius + 0.3, badgeRadius, 0}, fill: &accent},
		{kind: kText, rect: rect{cardPad, cardPad + 0.3, 2 * badgeRadius, 2 * badgeRadius}, text: fmt.Sprint(n), st: b.st(b.sc.small, true, white), align: "C"},
	}
	items = append(items, qrItems...)
	return block{kind: "card", h: h, items: append(items, f.items...)}
}

// optional cleans secondary directory text (link and dial-in notes) and cuts
// it to the current limit, or leaves it out.
func (b *sheetBuilder) optional(s string) string {
	if b.lim.other <= 0 {
		return ""
	}
	return referral.Truncate(b.clean(s), b.lim.other)
}

// about lists the group's attributes in the fellowships' own words, with the
// clinic's medication-friendly note first because it matters most to people
// on medication.
func (b *sheetBuilder) about(g *referral.Group) string {
	var words []string
	if g.Curation.Medication() == referral.MedicationYes {
		words = append(words, b.t.MedicationFriendly)
	}
	for _, c := range attributeCodes(g.Attributes) {
		words = append(words, typeName(c, b.s.Language()))
	}
	return strings.Join(words, " · ")
}

// part is one info section laid out at column width.
type part struct {
	h     float64
	items []item
}

// infoParts are the fixed sections: help lines and the overdose box first, in
// coloured boxes so they are found fast, then the advice and the legend.
func (b *sheetBuilder) infoParts(colW float64) []part {
	body := b.st(b.infoSize(), false, ink)
	boxed := func(fill, line rgb, draw func(f *flow, w float64) float64) part {
		f := b.flow()
		h := draw(f, colW-2*boxPad) + 2*boxPad
		bg := item{kind: kRect, rect: rect{0, 0, colW, h}, fill: &fill, stroke: &line, radius: cardRadius, lineW: 0.6}
		return part{h: h, items: append([]item{bg}, shift(f.items, boxPad, boxPad)...)}
	}
	help := boxed(helpFill, helpLine, func(f *flow, w float64) float64 {
		y := f.para(b.st(b.sc.h2, true, helpInk), b.t.HelpNow.Title, 0, 0, w, "") + 0.8
		for i, l := range b.t.HelpNow.Lines {
			if i > 0 {
				y += itemGap
			}
			y = f.rich([]run{{b.st(body.size+1, true, helpInk), l.Number}, {body, l.Text}}, 0, y, w)
		}
		return y
	})
	nal := boxed(naloxFill, naloxLine, func(f *flow, w float64) float64 {
		y := f.para(b.st(b.sc.h2, true, naloxInk), b.t.Naloxone.Title, 0, 0, w, "") + 0.8
		for i, s := range b.t.Naloxone.Items {
			if i > 0 {
				y += itemGap
			}
			st := body
			if len(s) > 1 && s[0] >= '1' && s[0] <= '9' && s[1] == '.' {
				st.bold = true // the steps stand out from the signs and the note
			}
			y = f.para(st, s, 0, y, w, "")
		}
		return y
	})
	parts := []part{help, nal}
	for _, s := range []section{b.t.Why, b.t.FirstMeeting, b.t.Medication, b.t.FindMore} {
		f := b.flow()
		parts = append(parts, part{h: b.section(f, s, colW), items: f.items})
	}
	if progs, codes := b.legendPrograms(), b.legendCodes(); len(progs)+len(codes) > 0 {
		f := b.flow()
		parts = append(parts, part{h: b.legend(f, progs, codes, colW), items: f.items})
	}
	return parts
}

// info sets the fixed sections in two columns, split where the columns come
// out most even. When the page is nearly full it takes as many sections as
// fit and carries the rest to the next page.
func (b *sheetBuilder) info() block {
	colW := (b.w - colGap) / 2
	return columns(b.infoParts(colW), colW, true)
}

// columns sets parts in two columns as evenly as it can. With boxes, the
// first two parts (help lines and overdose) open the two columns side by
// side; the rest keep their reading order, the first ones down the left
// column and the others down the right. When the page is nearly full, the
// block's split first tries mixing the order of the sections (whatever packs
// tightest), and only then carries sections to the next page.
func columns(parts []part, colW float64, boxes bool) block {
	blk := arrange(parts, colW, boxes, false)
	blk.split = func(avail float64) (*block, *block) {
		for k := len(parts); k >= 1; k-- {
			for _, mix := range []bool{false, true} {
				first := arrange(parts[:k], colW, boxes, mix)
				if first.h > avail {
					continue
				}
				if k == len(parts) {
					return &first, nil
				}
				rest := columns(parts[k:], colW, false)
				return &first, &rest
			}
		}
		return nil, nil
	}
	return blk
}

// arrange places parts in two columns: in reading order (see columns), or
// with mix in whichever order gives the shortest block.
func arrange(parts []part, colW float64, boxes, mix bool) block {
	heights := func(colOf func(i int) int) float64 {
		var h [2]float64
		for i, p := range parts {
			col := colOf(i)
			if h[col] > 0 {
				h[col] += blockGap
			}
			h[col] += p.h
		}
		return math.Max(h[0], h[1])
	}
	pinned := 0
	if boxes && len(parts) >= 2 {
		pinned = 2
	}
	best, bestMask := math.Inf(1), 0
	for k := pinned; k <= len(parts); k++ {
		mask := 0
		for i := range parts {
			if (i < pinned && i%2 == 1) || (i >= pinned && i >= k) {
				mask |= 1 << i
			}
		}
		if h := heights(func(i int) int { return mask >> i & 1 }); h < best-1e-9 {
			best, bestMask = h, mask
		}
	}
	if mix {
		for mask := 0; mask < 1<<len(parts); mask += 2 { // the first part stays top left
			if h := heights(func(i int) int { return mask >> i & 1 }); h < best-1e-9 {
				best, bestMask = h, mask
			}
		}
	}
	var items []item
	var y [2]float64
	for i, p := range parts {
		col := bestMask >> i & 1
		if y[col] > 0 {
			y[col] += blockGap
		}
		items = append(items, shift(append([]item(nil), p.items...), float64(col)*(colW+colGap), y[col])...)
		y[col] += p.h
	}
	return block{kind: "info", h: best, items: items}
}

func (b *sheetBuilder) section(f *flow, s section, w float64) float64 {
	y := f.para(b.st(b.sc.h2, true, accent), s.Title, 0, 0, w, "") + 0.8
	body := b.st(b.infoSize(), false, ink)
	y = f.para(body, s.Text, 0, y, w, "")
	return f.bullets(body, s.Items, 0, y, w)
}

// legendCodes are the type codes on this sheet's cards that the legend
// explains, in the legend's order.
func (b *sheetBuilder) legendCodes() []string {
	used := map[string]bool{}
	for _, g := range b.s.Groups {
		for _, c := range attributeCodes(g.Attributes) {
			used[c] = true
		}
	}
	var codes []string
	for _, c := range []string{"O", "C", "SP", "D", "ST", "A"} {
		if used[c] && b.t.Legend.Items[c] != "" {
			codes = append(codes, c)
		}
	}
	return codes
}

// infoSize is the type size of the fixed sections' text (see limits).
func (b *sheetBuilder) infoSize() float64 {
	if b.lim.smallInfo {
		return b.sc.small
	}
	return b.sc.body
}

// legendPrograms are the fellowships of this sheet's cards, in card order.
func (b *sheetBuilder) legendPrograms() []referral.Program {
	var progs []referral.Program
	for _, g := range b.s.Groups {
		if !slices.Contains(progs, g.Program) {
			progs = append(progs, g.Program)
		}
	}
	return progs
}

// legend says who each fellowship is for in one paragraph, then explains the
// words in another, in small type with each name and word in bold: as lists
// in body type they took half as much room again, and room decides whether
// eight groups fit.
func (b *sheetBuilder) legend(f *flow, progs []referral.Program, codes []string, w float64) float64 {
	y := f.para(b.st(b.sc.h2, true, accent), b.t.Legend.Title, 0, 0, w, "") + 0.8
	bold, plain := b.st(b.sc.small, true, ink), b.st(b.sc.small, false, ink)
	var who, words []run
	for _, p := range progs {
		name, line := b.t.legendProgram(p)
		who = append(who, run{bold, b.clean(name) + ":"}, run{plain, line})
	}
	for _, c := range codes {
		words = append(words, run{bold, typeName(c, b.s.Language()) + ":"}, run{plain, b.t.Legend.Items[c]})
	}
	y = f.rich(who, 0, y, w)
	if len(who) > 0 && len(words) > 0 {
		y += itemGap
	}
	return f.rich(words, 0, y, w)
}

// footers adds the clinic and page number at the foot of every page.
func (b *sheetBuilder) footers(l *layout) {
	st := b.st(b.sc.footer, false, muted)
	lh := b.sc.lineH(st)
	y := l.pageH - footerFromB
	left := referral.Truncate(strings.Join(nonEmpty(b.clean(b.s.Clinic.Name), b.clean(b.s.Clinic.Phone)), " · "), 80)
	for p := range l.pages {
		page := strings.NewReplacer("{page}", fmt.Sprint(p+1), "{pages}", fmt.Sprint(len(l.pages))).Replace(b.t.Page)
		pw := b.m.width(st, page) + 0.5
		l.pages[p] = append(l.pages[p],
			item{kind: kRule, rect: rect{marginSide, y - 1.2, l.pageW - 2*marginSide, 0}, stroke: &cardLine, lineW: 0.3, block: -1},
			item{kind: kText, rect: rect{l.pageW - marginSide - pw, y, pw, lh}, text: page, st: st, align: "R", block: -1},
		)
		if lines := b.m.wrap(st, left, l.pageW-2*marginSide-pw-6); len(lines) > 0 {
			l.pages[p] = append(l.pages[p], item{kind: kText, rect: rect{marginSide, y, l.pageW - 2*marginSide - pw - 6, lh}, text: lines[0], st: st, align: "L", block: -1})
		}
	}
}

// layoutSheet lays the sheet out with the loosest limits that keep it within
// maxPages; if even the tightest does not, it keeps the tightest.
func (b *sheetBuilder) layoutSheet(pageW, pageH float64) *layout {
	var l *layout
	for _, lim := range limitLevels {
		b.lim = lim
		l = paginate(pageW, pageH, b.blocks())
		if len(l.pages) <= maxPages(b.s.Large) {
			break
		}
	}
	b.footers(l)
	return l
}
