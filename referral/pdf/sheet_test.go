package pdf

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"referraldesk/referral"
)

var (
	update = flag.Bool("update", false, "rewrite the golden PDFs in testdata/")
	look   = flag.String("look", "", "also write every test sheet to this folder, to look at")
)

// render draws s the way golden tests need: uncompressed, fixed dates.
func render(t testing.TB, s referral.Sheet) ([]byte, *layout) {
	t.Helper()
	r := Renderer{Created: fixed, NoCompress: true}
	doc, l, err := r.build(s)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatalf("output: %v", err)
	}
	if *look != "" {
		name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()) + ".pdf"
		if err := os.WriteFile(filepath.Join(*look, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes(), l
}

// variants are the sheets every layout and text test runs over.
func variants() map[string]referral.Sheet {
	v := map[string]referral.Sheet{}
	for _, lang := range referral.Langs {
		for _, paper := range referral.Papers {
			for _, large := range []bool{false, true} {
				print := "normal"
				if large {
					print = "large"
				}
				v[fmt.Sprintf("%s-%s-%s", lang, paper, print)] = testSheet(8, lang, paper, large)
			}
		}
	}
	return v
}

func TestGolden(t *testing.T) {
	cases := map[string]referral.Sheet{
		"en-letter-3":   testSheet(3, referral.English, referral.Letter, false),
		"es-a4-8-large": testSheet(8, referral.Spanish, referral.A4, true),
		"en-letter-name": func() referral.Sheet {
			s := testSheet(1, referral.English, referral.Letter, false)
			s.FirstName = "Ana"
			return s
		}(),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			got, _ := render(t, s)
			again, _ := render(t, s)
			if !bytes.Equal(got, again) {
				t.Fatal("two renders of the same sheet differ; golden files cannot work")
			}
			path := filepath.Join("testdata", name+".pdf")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				failed := filepath.Join("testdata", "failed", name+".pdf")
				_ = os.MkdirAll(filepath.Dir(failed), 0o755)
				_ = os.WriteFile(failed, got, 0o644)
				t.Errorf("%s differs from its master; wrote %s. Look at both (pdftoppm) and run go test -update if the change is right", path, failed)
			}
		})
	}
}

// pdfText extracts the text of a PDF with pdftotext, or skips the test.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not found: install poppler-utils to read sheets back")
	}
	path := filepath.Join(t.TempDir(), "sheet.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// -raw keeps the drawing order, which is the reading order; without it
	// pdftotext mixes the two info columns. Lines wrap anywhere; compare
	// with single spaces.
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestTextReadsBack(t *testing.T) {
	for name, s := range variants() {
		t.Run(name, func(t *testing.T) {
			pdf, _ := render(t, s)
			text := pdfText(t, pdf)
			var want []string
			for _, g := range s.Groups {
				want = append(want, g.Name)
			}
			want = append(want, "988", "1-800-662-4357", "1-800-487-4889", "911", "Kensington Recovery Clinic", "(215) 555-0100", "Maria López")
			if s.Lang == referral.Spanish {
				want = append(want, "Grupos de apoyo para ti", "3 de marzo de 2026", "martes y jueves 19:00 – 20:00 EST",
					"lunes a viernes 07:00 – 08:00 CST", "Línea Nacional de Ayuda de SAMHSA", "Sobredosis: qué hacer",
					"Por qué ayuda un grupo", "Tu primera reunión", "Cómo encontrar más grupos", "Abierta", "naloxona")
			} else {
				want = append(want, "Support groups for you", "March 3, 2026", "Tuesday and Thursday 7:00 PM – 8:00 PM EST",
					"Monday to Friday 7:00 AM – 8:00 AM CST", "Friday 11:00 PM – 12:30 AM PST", "SAMHSA National Helpline",
					"Overdose: what to do", "Why a group helps", "Your first meeting", "How to find more groups",
					"Listing updated January 12, 2026 — call ahead if unsure.", "naloxone")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("sheet text lacks %q", w)
				}
			}
			// Only what belongs on the sheet: never the clinic's private notes
			// or codes such as Dual Diagnosis.
			for _, leak := range []string{"SECRET-COUNSELOR-NOTE", "Diagnosis", "Diagnóstico", "DD"} {
				if strings.Contains(text, leak) {
					t.Errorf("sheet text shows %q", leak)
				}
			}
			if s.Lang == referral.Spanish && strings.Contains(text, "Support groups") {
				t.Error("Spanish sheet has English headings")
			}
		})
	}
}

func TestHostileTextReadsBack(t *testing.T) {
	s := testSheet(8, referral.Spanish, referral.Letter, false)
	s.Groups = hostileGroups(false)
	pdf, _ := render(t, s)
	text := pdfText(t, pdf)
	for _, w := range []string{"Grupo Esperanza [otro alfabeto] Serenity", "[otro alfabeto] — Hope Serenity", "123 Main St, Philadelphia"} {
		if !strings.Contains(text, w) {
			t.Errorf("sheet text lacks %q", w)
		}
	}
	for _, bad := range []string{"<b>", "<p>", "&amp;", "🙏", "مجموعة"} {
		if strings.Contains(text, bad) {
			t.Errorf("sheet text shows %q", bad)
		}
	}
}

// TestLayout checks every sheet, ordinary and hostile, for what a person
// would see as broken: text past the margins or past its box, boxes on top of
// each other, lines on top of each other, too many pages.
//
// Hostile groups have 500-character names and notes, emoji, Arabic, Hebrew
// and HTML; they must keep to the page limit. Junk groups add a 170-character
// link, long link notes and every attribute to every group: no real
// directory looks like that, so they may take one page more, but must still
// be drawn cleanly.
func TestLayout(t *testing.T) {
	type tc struct {
		s     referral.Sheet
		extra int // pages allowed beyond maxPages
	}
	cases := map[string]tc{}
	for name, s := range variants() {
		cases[name] = tc{s: s}
	}
	for _, lang := range referral.Langs {
		for _, paper := range referral.Papers {
			for _, large := range []bool{false, true} {
				for _, junk := range []bool{false, true} {
					s := testSheet(8, lang, paper, large)
					s.Groups = hostileGroups(junk)
					c := tc{s: s}
					if junk {
						c.extra = 1
					}
					cases[fmt.Sprintf("hostile-%s-%s-large=%v-junk=%v", lang, paper, large, junk)] = c
				}
			}
		}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, l := render(t, c.s)
			if max := maxPages(c.s.Large) + c.extra; len(l.pages) > max {
				t.Errorf("%d pages, want at most %d", len(l.pages), max)
			}
			checkLayout(t, c.s, l)
		})
	}
}

func checkLayout(t *testing.T, s referral.Sheet, l *layout) {
	t.Helper()
	const eps = 0.01
	area := l.content()
	inside := func(a, b rect) bool {
		return a.x >= b.x-eps && a.y >= b.y-eps && a.right() <= b.right()+eps && a.bottom() <= b.bottom()+eps
	}
	overlap := func(a, b rect) bool {
		return a.x < b.right()-eps && b.x < a.right()-eps && a.y < b.bottom()-eps && b.y < a.bottom()-eps
	}
	for i, a := range l.blocks {
		if !inside(a.rect, area) {
			t.Errorf("block %d (%s) %+v leaves the page area %+v", i, a.kind, a.rect, area)
		}
		for j := i + 1; j < len(l.blocks); j++ {
			if b := l.blocks[j]; a.page == b.page && overlap(a.rect, b.rect) {
				t.Errorf("blocks %d (%s) and %d (%s) overlap", i, a.kind, j, b.kind)
			}
		}
	}
	m := docMeasurer{newDoc(s.PaperSize(), Renderer{})}
	page := rect{marginSide, 0, l.pageW - 2*marginSide, l.pageH - 5}
	for p, items := range l.pages {
		var texts []item
		for _, it := range items {
			box := it.rect
			if it.kind == kCircle {
				box = rect{it.x - it.w, it.y - it.w, 2 * it.w, 2 * it.w}
			}
			if it.block < 0 {
				if !inside(box, page) {
					t.Errorf("page %d: footer %q leaves the page", p+1, it.text)
				}
				continue
			}
			if !inside(box, l.blocks[it.block].rect) {
				t.Errorf("page %d: %v %q %+v leaves its %s block %+v", p+1, it.kind, it.text, box, l.blocks[it.block].kind, l.blocks[it.block].rect)
			}
			if it.kind == kText {
				if w := m.width(it.st, it.text); w > it.w+eps {
					t.Errorf("page %d: text %q is %.1f mm wide in a %.1f mm line", p+1, it.text, w, it.w)
				}
				texts = append(texts, it)
			}
			if it.kind == kQR {
				texts = append(texts, it)
			}
		}
		for i, a := range texts {
			for _, b := range texts[i+1:] {
				if overlap(a.rect, b.rect) {
					t.Errorf("page %d: %q and %q overlap", p+1, a.text, b.text)
				}
			}
		}
	}
}

func TestEmojiAndRightToLeftKeepThePDF(t *testing.T) {
	s := testSheet(2, referral.English, referral.Letter, false)
	s.FirstName = "Ana 🌻"
	s.Counselor = "דוד 😀"
	s.Clinic.Name = "Clinic 🏥 عيادة"
	s.Groups[0].Name = "👩‍👩‍👧 Family 🇺🇸 \U0001F9D1\u200D\U0001F91D\u200D\U0001F9D1 שלום مرحبا"
	s.Groups[0].Place.Notes = "Ring \u202Ebell\u202C 🔔 \uFE0F"
	var buf bytes.Buffer
	if err := (Renderer{}).Render(&buf, s); err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("output is not a PDF")
	}
}

func TestLogo(t *testing.T) {
	pngLogo := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	deep := image.NewRGBA64(image.Rect(0, 0, 1200, 300)) // 16-bit, wider than logoMaxPx
	for x := 0; x < 1200; x++ {
		deep.Set(x, x%300, color.RGBA64{0x1500, 0x5a00, 0x7800, 0xffff})
	}
	tests := []struct {
		name string
		logo []byte
		code string // "" = renders with the logo
	}{
		{"16-bit wide png", pngLogo(deep), ""},
		{"small png", pngLogo(image.NewNRGBA(image.Rect(0, 0, 40, 40))), ""},
		{"html", []byte("<html>not a logo</html>"), referral.EINVALID},
		{"png signature, broken data", []byte("\x89PNG\r\n\x1a\nthis is not a picture"), referral.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSheet(1, referral.English, referral.Letter, false)
			s.Clinic.Logo = tt.logo
			var buf bytes.Buffer
			err := Renderer{}.Render(&buf, s)
			if tt.code != "" {
				if referral.ErrorCode(err) != tt.code {
					t.Fatalf("Render = %v, want a %s error", err, tt.code)
				}
				if !strings.Contains(referral.ErrorMessage(err), "logo") || buf.Len() != 0 {
					t.Fatalf("message %q should name the logo and nothing be written (%d bytes)", referral.ErrorMessage(err), buf.Len())
				}
				return
			}
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			_, l := render(t, s)
			found := false
			for _, it := range l.pages[0] {
				found = found || it.kind == kImage
			}
			if !found {
				t.Error("the logo is not on the sheet")
			}
		})
	}
}

func TestInvalidSheet(t *testing.T) {
	s := testSheet(8, referral.English, referral.Letter, false)
	s.Groups = append(s.Groups, testGroups()[0])
	var buf bytes.Buffer
	if err := Render(&buf, s); referral.ErrorCode(err) != referral.EINVALID || buf.Len() != 0 {
		t.Fatalf("Render of 9 groups = %v with %d bytes, want EINVALID and nothing", err, buf.Len())
	}
}

// TestConcurrentRenders draws two sheets at once; go test -race finds any
// shared state, such as font bytes gofpdf writes into.
func TestConcurrentRenders(t *testing.T) {
	sheets := []referral.Sheet{
		testSheet(8, referral.English, referral.Letter, false),
		testSheet(8, referral.Spanish, referral.A4, true),
	}
	var wg sync.WaitGroup
	errs := make([]error, len(sheets))
	for i, s := range sheets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = Renderer{}.Render(&bytes.Buffer{}, s)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkSheet8(b *testing.B) {
	s := testSheet(8, referral.English, referral.Letter, false)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(&buf, s); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}
