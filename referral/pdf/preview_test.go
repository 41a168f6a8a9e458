package pdf

import (
	"context"
	"image"
	"os/exec"
	"testing"

	"referraldesk/referral"
)

func TestPreviewShowsEveryPageAtTheAskedSize(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed; bash run.sh installs it")
	}
	for _, tt := range []struct {
		name          string
		paper         referral.Paper
		groups, pages int
		widthInches   float64
	}{
		{"letter, one page", referral.Letter, 1, 1, 8.5},
		{"a4, eight groups on two pages", referral.A4, 8, 2, 8.27},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := testSheet(tt.groups, referral.English, tt.paper, false)
			pages, err := Sheets{}.Preview(context.Background(), s, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != tt.pages {
				t.Fatalf("%d pages, want %d", len(pages), tt.pages)
			}
			w := pages[0].Bounds().Dx()
			if want := int(tt.widthInches * 50); w < want-2 || w > want+2 {
				t.Errorf("page is %d px wide at 50 dpi, want about %d", w, want)
			}
			if inkless(pages[0]) {
				t.Error("the first page is blank")
			}
		})
	}
}

func TestPreviewOfAnInvalidSheetSaysWhy(t *testing.T) {
	s := testSheet(1, referral.English, referral.Letter, false)
	s.Groups = nil
	_, err := Sheets{}.Preview(context.Background(), s, 50)
	if referral.ErrorCode(err) != referral.EINVALID {
		t.Errorf("err = %v, want EINVALID", err)
	}
}

// inkless reports whether a page has no dark pixel at all.
func inkless(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0x8000 {
				return false
			}
		}
	}
	return true
}
