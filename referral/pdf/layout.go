package pdf

import (
	"math"
	"strings"
)

// Page geometry in millimetres. The sheet is laid out in two passes: layout
// measures every line and places it in a list of items per page, draw then
// paints the items. Keeping the positions as data is what lets the tests check
// that nothing leaves the margins or overlaps.
const (
	mmPerPt      = 25.4 / 72
	marginSide   = 12.0 // left and right
	marginTop    = 9.0
	marginBottom = 14.0 // leaves room for the footer line
	footerFromB  = 10.0 // footer text's top, from the bottom edge; clear of printers' unprintable rim

	blockGap    = 2.6 // between cards and sections
	cardPad     = 2.8
	cardRadius  = 2.2
	badgeRadius = 3.3
	labelGap    = 2.5 // between a card's label column and its values
	rowGap      = 0.3 // between the rows of a card
	qrQuiet     = 1.6 // white margin around a QR code, which scanners need
	qrGap       = 4.0 // between a card's text and its QR code
	colGap      = 7.0 // between the two columns of the info sections
	boxPad      = 4.0 // inside the help and overdose boxes
	itemGap     = 1.2 // between bullets
	ruleWidth   = 0.6
	logoMaxH    = 16.0
	logoMaxW    = 45.0
	logoGap     = 5.0
	blankLineW  = 55.0 // the line to write a first name on
)

// scale holds the type sizes (points) and the few lengths that grow with
// them, for normal and large print.
type scale struct {
	body, small, h1, h2, name, clinic, footer float64
	leading                                   float64 // line height / font size
	badgeGutter, qr, bullet                   float64 // mm
}

var (
	normalPrint = scale{body: 10.5, small: 9, h1: 18, h2: 12, name: 12.5, clinic: 14, footer: 8,
		leading: 1.17, badgeGutter: 10, qr: 20, bullet: 4}
	largePrint = scale{body: 14, small: 12, h1: 24, h2: 16, name: 16, clinic: 17, footer: 11,
		leading: 1.2, badgeGutter: 12, qr: 25, bullet: 5.5}
)

type rgb struct{ r, g, b int }

var (
	ink       = rgb{0x1f, 0x23, 0x28}
	muted     = rgb{0x55, 0x5d, 0x66}
	accent    = rgb{0x15, 0x5a, 0x78}
	white     = rgb{0xff, 0xff, 0xff}
	cardFill  = rgb{0xf3, 0xf7, 0xf9}
	cardLine  = rgb{0xc4, 0xd6, 0xdf}
	helpFill  = rgb{0xfd, 0xef, 0xed}
	helpLine  = rgb{0xb3, 0x2d, 0x20}
	helpInk   = rgb{0x9b, 0x21, 0x14}
	naloxFill = rgb{0xff, 0xf6, 0xe3}
	naloxLine = rgb{0xc2, 0x7a, 0x05}
	naloxInk  = rgb{0x83, 0x4e, 0x00}
)

type style struct {
	size  float64 // points
	bold  bool
	color rgb
}

// lineH is the height of one line of st in mm.
func (s scale) lineH(st style) float64 { return st.size * mmPerPt * s.leading }

type itemKind int

const (
	kText   itemKind = iota
	kRect            // filled and/or stroked, optionally rounded
	kCircle          // x, y is the centre; w is the radius
	kRule            // a horizontal line along the top of the box
	kQR              // text is the link the code encodes
	kImage           // the clinic logo
)

type rect struct{ x, y, w, h float64 }

func (r rect) right() float64  { return r.x + r.w }
func (r rect) bottom() float64 { return r.y + r.h }

// item is one thing drawn on a page, in mm from the page's top-left corner
// once placed (from its block's top-left before).
type item struct {
	kind   itemKind
	rect          // for text: the line's box (its width is the room it had)
	text   string // text, or the QR's link
	st     style
	align  string // text: "L", "C" or "R"
	link   string // text: a web link the line opens
	fill   *rgb
	stroke *rgb
	radius float64
	lineW  float64
	block  int // index in layout.blocks; -1 for the footer
}

// block is a part of the sheet that is never split across pages: the header,
// a group card, a row of info sections.
type block struct {
	kind  string // "header", "title", "card", "info"
	h     float64
	items []item
	// split, when set, breaks the block to fill the room left on a page:
	// first fits in avail (nil if nothing does), rest goes on.
	split func(avail float64) (first, rest *block)
}

// placedBlock is where a block landed.
type placedBlock struct {
	kind string
	page int
	rect
}

// layout is the whole sheet, ready to draw.
type layout struct {
	pageW, pageH float64
	pages        [][]item
	blocks       []placedBlock
}

// content returns the area of a page that blocks may use.
func (l *layout) content() rect {
	return rect{marginSide, marginTop, l.pageW - 2*marginSide, l.pageH - marginTop - marginBottom}
}

// paginate places blocks top to bottom, starting a new page when the next
// block does not fit.
func paginate(pageW, pageH float64, blocks []block) *layout {
	l := &layout{pageW: pageW, pageH: pageH}
	area := l.content()
	l.pages = [][]item{nil}
	y := area.y
	place := func(b *block) {
		page := len(l.pages) - 1
		for _, it := range b.items {
			it.x += area.x
			it.y += y
			it.block = len(l.blocks)
			l.pages[page] = append(l.pages[page], it)
		}
		l.blocks = append(l.blocks, placedBlock{kind: b.kind, page: page, rect: rect{area.x, y, area.w, b.h}})
		y += b.h
	}
	for i := range blocks {
		b := &blocks[i]
		for b != nil {
			if y > area.y {
				y += blockGap
			}
			top := y == area.y
			if y+b.h <= area.bottom()+1e-6 || (top && b.split == nil) {
				place(b)
				break
			}
			if b.split != nil {
				first, rest := b.split(area.bottom() - y)
				if first == nil && top {
					// Not even one part fits a whole page: place it anyway
					// rather than loop; the layout test would catch it.
					first, rest = b, nil
				}
				if first != nil {
					place(first)
					b = rest
				}
			}
			if b != nil {
				l.pages = append(l.pages, nil)
				y = area.y
			}
		}
	}
	return l
}

// measurer wraps text with the fonts of the document being built.
type measurer interface {
	wrap(st style, s string, w float64) []string
	width(st style, s string) float64
}

// flow stacks wrapped text inside a block, top to bottom.
type flow struct {
	m     measurer
	sc    scale
	items []item
}

// para adds s wrapped to width w at (x, y) and returns the y below it.
func (f *flow) para(st style, s string, x, y, w float64, link string) float64 {
	if strings.TrimSpace(s) == "" {
		return y
	}
	lh := f.sc.lineH(st)
	for _, line := range f.m.wrap(st, s, w) {
		f.items = append(f.items, item{kind: kText, rect: rect{x, y, w, lh}, text: line, st: st, align: "L", link: link})
		y += lh
	}
	return y
}

// run is a piece of text in one style, for lines that mix bold and plain.
type run struct {
	st   style
	text string
}

// rich adds runs wrapped together to width w at (x, y) and returns the y
// below. A word wider than the line is broken by para.
func (f *flow) rich(runs []run, x, y, w float64) float64 {
	type word struct {
		st   style
		text string
		w    float64
	}
	var words []word
	for _, r := range runs {
		for _, t := range strings.Fields(r.text) {
			words = append(words, word{r.st, t, f.m.width(r.st, t)})
		}
	}
	for len(words) > 0 {
		n, lineW, lh := 0, 0.0, 0.0
		for n < len(words) {
			add := words[n].w
			if n > 0 {
				add += f.m.width(words[n].st, " ")
			}
			if n > 0 && lineW+add > w {
				break
			}
			lineW += add
			lh = math.Max(lh, f.sc.lineH(words[n].st))
			n++
		}
		if n == 1 && words[0].w > w {
			y = f.para(words[0].st, words[0].text, x, y, w, "")
			words = words[1:]
			continue
		}
		// One item per run of words in the same style.
		cx := x
		for i := 0; i < n; {
			j := i
			text := words[i].text
			for j+1 < n && words[j+1].st == words[i].st {
				j++
				text += " " + words[j].text
			}
			tw := f.m.width(words[i].st, text)
			f.items = append(f.items, item{kind: kText, rect: rect{cx, y, tw, lh}, text: text, st: words[i].st, align: "L"})
			cx += tw + f.m.width(words[i].st, " ")
			i = j + 1
		}
		words = words[n:]
		y += lh
	}
	return y
}

// bullets adds a list with hanging bullets and returns the y below it.
func (f *flow) bullets(st style, list []string, x, y, w float64) float64 {
	for i, s := range list {
		if i > 0 {
			y += itemGap
		}
		f.items = append(f.items, item{kind: kText, rect: rect{x, y, f.sc.bullet, f.sc.lineH(st)}, text: "•", st: st, align: "L"})
		y = f.para(st, s, x+f.sc.bullet, y, w-f.sc.bullet, "")
	}
	return y
}

// shift moves items by dx, dy; used to place a column inside a row.
func shift(items []item, dx, dy float64) []item {
	for i := range items {
		items[i].x += dx
		items[i].y += dy
	}
	return items
}

// fitLogo scales a w×h picture to the logo box, keeping its shape.
func fitLogo(w, h int) (float64, float64) {
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	k := math.Min(logoMaxW/float64(w), logoMaxH/float64(h))
	return float64(w) * k, float64(h) * k
}
