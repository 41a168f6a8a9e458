package pdf

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"referraldesk/referral"
)

// TestQRScansToTheLink prints sheets to pixels the way a phone camera sees
// paper and decodes every QR code with an independent reader (gozxing, a port
// of ZXing): each must give back exactly its group's link.
func TestQRScansToTheLink(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not found: install poppler-utils to scan sheets")
	}
	const dpi = 150
	junk := testSheet(8, referral.English, referral.Letter, false)
	junk.Groups = hostileGroups(true)
	for name, s := range map[string]referral.Sheet{
		"en-letter":   testSheet(8, referral.English, referral.Letter, false),
		"es-a4-large": testSheet(8, referral.Spanish, referral.A4, true),
		"long links":  junk,
	} {
		t.Run(name, func(t *testing.T) {
			pdf, l := render(t, s)
			dir := t.TempDir()
			path := filepath.Join(dir, "sheet.pdf")
			if err := os.WriteFile(path, pdf, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("pdftoppm", "-gray", "-r", fmt.Sprint(dpi), "-png", path, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v %s", err, out)
			}
			want := map[string]bool{}
			codes := qrCodes{}
			for _, g := range s.Groups {
				if link := codes.link(g); link != "" {
					want[link] = false
				}
			}
			if len(want) == 0 {
				t.Fatal("no group with an online link; the test tests nothing")
			}
			for p, items := range l.pages {
				img := readPNG(t, pageFile(t, dir, p+1, len(l.pages)))
				for _, it := range items {
					if it.kind != kQR {
						continue
					}
					px := func(mm float64) int { return int(mm / 25.4 * dpi) }
					margin := 3.0 // mm of quiet zone and card around the code
					crop := image.Rect(px(it.x-margin), px(it.y-margin), px(it.right()+margin), px(it.bottom()+margin))
					got := decodeQR(t, img.(interface {
						SubImage(image.Rectangle) image.Image
					}).SubImage(crop))
					if got != it.text {
						t.Errorf("page %d: QR code reads %q, want %q", p+1, got, it.text)
					}
					if _, ok := want[got]; ok {
						want[got] = true
					}
				}
			}
			for link, seen := range want {
				if !seen {
					t.Errorf("no QR code on the sheet reads %q", link)
				}
			}
		})
	}
}

// pageFile is pdftoppm's name for page p: it pads the number to the width
// of the page count.
func pageFile(t *testing.T, dir string, p, pages int) string {
	t.Helper()
	return filepath.Join(dir, fmt.Sprintf("p-%0*d.png", len(fmt.Sprint(pages)), p))
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Errorf("QR code does not scan: %v", err)
		return ""
	}
	return res.GetText()
}
