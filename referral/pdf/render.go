// Package pdf draws the referral sheet a person takes home from an
// appointment: the clinic's header, the chosen support groups as numbered
// cards (with a QR code for each online link), help lines, an overdose box and
// plain-language advice, in English or Spanish, on Letter or A4, in normal or
// large print. It is the only package that imports the PDF library.
//
// Decisions a reader may look for:
//   - Fonts are the Go fonts, embedded and subsetted. They have Latin, Greek
//     and Cyrillic but no Arabic, Hebrew, CJK or emoji. Text is cleaned
//     before drawing: HTML tags dropped, emoji and symbols the fonts lack
//     removed, and each run of letters in a script they lack replaced by a
//     visible placeholder ("[other alphabet]"), so the sheet is never lost to
//     gofpdf's sticky error and never prints boxes.
//   - One page when everything fits. Directory text is shortened (with "…")
//     only as far as needed for eight groups to fit on two pages. Large print
//     (14 pt) needs about 1.8 times the paper, so it may take three.
//   - QR codes are drawn as vector squares from boombuler's matrix, not
//     through gofpdf's contrib/barcode (see drawQR).
//   - Times show the group's own zone abbreviation (EST, CDT); that needs the
//     time zone database, so a Windows build should import time/tzdata.
//   - A clinic logo that is not a PNG or JPEG, or cannot be decoded, is an
//     EINVALID error naming Settings, not silently dropped.
//   - What is printed comes from the sheet only: no needs, substances,
//     counselor notes or raw feed type codes (one of them is "Dual
//     Diagnosis").
package pdf

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // clinic logos
	"image/png"
	"io"
	"net/url"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/jung-kurt/gofpdf"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"referraldesk/referral"
)

const (
	fontFamily = "Go"
	// qrMaxModules is the largest code drawn (version 14). Beyond it the
	// modules get too small to scan at the printed size; the link is still
	// printed as text.
	qrMaxModules = 73
	logoMaxPx    = 600 // larger logos are scaled down to keep the file small
)

// Renderer draws referral sheets. The zero value is ready to use and writes
// compressed PDFs stamped with the current time.
type Renderer struct {
	// Created fixes the PDF's creation and modification dates; zero means now.
	// Tests fix it for byte-identical output.
	Created time.Time
	// NoCompress writes uncompressed streams, for golden files and reading the
	// PDF in a text editor.
	NoCompress bool
}

// Render writes the sheet s as a PDF to w with the default Renderer.
func Render(w io.Writer, s referral.Sheet) error {
	return Renderer{}.Render(w, s)
}

// Render writes the sheet s as a PDF to w. An invalid sheet is an EINVALID
// error; nothing is written to w unless the whole PDF was built.
func (r Renderer) Render(w io.Writer, s referral.Sheet) error {
	doc, _, err := r.build(s)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		return fmt.Errorf("render sheet: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write sheet: %w", err)
	}
	return nil
}

// build lays out and draws the sheet, returning the document (not yet
// written) and its layout for tests.
func (r Renderer) build(s referral.Sheet) (*gofpdf.Fpdf, *layout, error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	t, err := textsFor(s.Language())
	if err != nil {
		return nil, nil, err
	}
	logo, err := decodeLogo(s.Clinic.Logo)
	if err != nil {
		return nil, nil, err
	}
	doc := newDoc(s.PaperSize(), r)
	sc := normalPrint
	if s.Large {
		sc = largePrint
	}
	pageW, pageH := doc.GetPageSize()
	b := &sheetBuilder{s: s, t: t, sc: sc, m: docMeasurer{doc}, w: pageW - 2*marginSide, logo: logo, codes: qrCodes{}}
	l := b.layoutSheet(pageW, pageH)
	if logo != nil {
		doc.RegisterImageOptionsReader("logo", gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(logo.png))
	}
	draw(doc, l, b.codes)
	if err := doc.Error(); err != nil {
		return nil, nil, fmt.Errorf("render sheet: %w", err)
	}
	return doc, l, nil
}

// newDoc starts a document with the embedded fonts. Each document gets its
// own copy of the font bytes because gofpdf writes into the slice it is given,
// which would race when two sheets are drawn at once.
func newDoc(p referral.Paper, r Renderer) *gofpdf.Fpdf {
	size := "Letter"
	if p == referral.A4 {
		size = "A4"
	}
	doc := gofpdf.New("P", "mm", size, "")
	doc.AddUTF8FontFromBytes(fontFamily, "", append([]byte(nil), goregular.TTF...))
	doc.AddUTF8FontFromBytes(fontFamily, "B", append([]byte(nil), gobold.TTF...))
	doc.SetFont(fontFamily, "", normalPrint.body)
	doc.SetCellMargin(0)
	doc.SetMargins(marginSide, marginTop, marginSide)
	doc.SetAutoPageBreak(false, 0) // layout decides the pages
	doc.SetCompression(!r.NoCompress)
	doc.SetCatalogSort(true)
	doc.SetCreator("Referral Desk", true)
	doc.SetTitle("Referral", true) // never the person's name: titles show in file lists
	created := r.Created
	if created.IsZero() {
		created = time.Now()
	}
	doc.SetCreationDate(created)
	doc.SetModificationDate(created)
	return doc
}

type docMeasurer struct{ doc *gofpdf.Fpdf }

func (m docMeasurer) use(st style) {
	bold := ""
	if st.bold {
		bold = "B"
	}
	m.doc.SetFont(fontFamily, bold, st.size)
}

func (m docMeasurer) wrap(st style, s string, w float64) []string {
	m.use(st)
	return m.doc.SplitText(s, w)
}

func (m docMeasurer) width(st style, s string) float64 {
	m.use(st)
	return m.doc.GetStringWidth(s)
}

// draw paints the laid-out items, page by page.
func draw(doc *gofpdf.Fpdf, l *layout, codes qrCodes) {
	m := docMeasurer{doc}
	for _, items := range l.pages {
		doc.AddPage()
		for _, it := range items {
			switch it.kind {
			case kRect:
				style := setPaint(doc, it)
				if it.radius > 0 {
					doc.RoundedRect(it.x, it.y, it.w, it.h, it.radius, "1234", style)
				} else {
					doc.Rect(it.x, it.y, it.w, it.h, style)
				}
			case kCircle:
				doc.Circle(it.x, it.y, it.w, setPaint(doc, it))
			case kRule:
				setPaint(doc, it)
				doc.Line(it.x, it.y, it.x+it.w, it.y)
			case kText:
				m.use(it.st)
				doc.SetTextColor(it.st.color.r, it.st.color.g, it.st.color.b)
				doc.SetXY(it.x, it.y)
				doc.CellFormat(it.w, it.h, it.text, "", 0, it.align, false, 0, "")
				if it.link != "" {
					doc.LinkString(it.x, it.y, m.width(it.st, it.text), it.h, it.link)
				}
			case kQR:
				drawQR(doc, it, codes[it.text])
			case kImage:
				doc.ImageOptions("logo", it.x, it.y, it.w, it.h, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			}
		}
	}
}

// setPaint sets fill, stroke and line width for a shape and returns gofpdf's
// style string for it.
func setPaint(doc *gofpdf.Fpdf, it item) string {
	style := ""
	if it.fill != nil {
		doc.SetFillColor(it.fill.r, it.fill.g, it.fill.b)
		style += "F"
	}
	if it.stroke != nil {
		doc.SetDrawColor(it.stroke.r, it.stroke.g, it.stroke.b)
		doc.SetLineWidth(it.lineW)
		style += "D"
	}
	return style
}

// qrCodes encodes each group's online link once per sheet: encoding is most
// of the time a sheet takes, and layout asks for the codes more than once.
type qrCodes map[string]barcode.Barcode

// link returns the link a group's QR code should carry, or "" for none: only
// web links of groups that meet online, and only ones short enough to scan
// when printed.
func (c qrCodes) link(g *referral.Group) string {
	if g.Attendance == referral.InPerson || g.Online.URL == "" {
		return ""
	}
	if code, ok := c[g.Online.URL]; ok {
		if code == nil {
			return ""
		}
		return g.Online.URL
	}
	c[g.Online.URL] = nil
	u, err := url.Parse(g.Online.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	code, err := qr.Encode(g.Online.URL, qr.M, qr.Auto)
	if err != nil || code.Bounds().Dx() > qrMaxModules {
		return ""
	}
	c[g.Online.URL] = code
	return g.Online.URL
}

// drawQR draws the link's QR code as filled squares, one run of dark
// modules at a time. Vectors print sharp at any size and come out the same
// bytes every time. (gofpdf's contrib/barcode embeds codes as JPEG images,
// and gofpdf v1.16.2 orders images of equal width at random even with
// catalog sort, which broke golden files for sheets with two codes.)
func drawQR(doc *gofpdf.Fpdf, it item, code barcode.Barcode) {
	if code == nil {
		doc.SetError(fmt.Errorf("qr code for a link was not encoded"))
		return
	}
	n := code.Bounds().Dx()
	mod := it.w / float64(n)
	doc.SetFillColor(0, 0, 0)
	for row := 0; row < n; row++ {
		for col := 0; col < n; {
			if !isDark(code, col, row) {
				col++
				continue
			}
			start := col
			for col < n && isDark(code, col, row) {
				col++
			}
			// A hair of overlap with the next row keeps viewers from
			// drawing light seams between rows.
			doc.Rect(it.x+float64(start)*mod, it.y+float64(row)*mod, float64(col-start)*mod, mod+qrSeam, "F")
		}
	}
}

const qrSeam = 0.02 // mm

func isDark(code barcode.Barcode, x, y int) bool {
	r, _, _, _ := code.At(x, y).RGBA()
	return r < 0x8000
}

// decodeLogo reads the clinic logo and re-encodes it as a plain 8-bit PNG no
// wider than logoMaxPx: gofpdf rejects interlaced and 16-bit PNGs, and a
// photo-sized logo would make the sheet heavy.
func decodeLogo(b []byte) (*logoInfo, error) {
	if len(b) == 0 {
		return nil, nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, referral.Errorf(referral.EINVALID, "The clinic logo could not be read as a PNG or JPEG picture. Choose another file in Settings.")
	}
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	if w > logoMaxPx || h > logoMaxPx {
		k := float64(logoMaxPx) / float64(max(w, h))
		w, h = max(1, int(float64(w)*k)), max(1, int(float64(h)*k))
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, bounds, xdraw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, dst); err != nil {
		return nil, fmt.Errorf("encode logo: %w", err)
	}
	mmW, mmH := fitLogo(w, h)
	return &logoInfo{png: buf.Bytes(), mmW: mmW, mmH: mmH}, nil
}
