package pdf

import (
	"fmt"
	"strings"
	"testing"

	"referraldesk/referral"
)

// TestRemovedGroupSaysSo: a reprint's group the directory no longer lists
// prints its card with a line to call ahead, in the sheet's language, and
// eight such cards still fit the pages.
func TestRemovedGroupSaysSo(t *testing.T) {
	for _, lang := range referral.Langs {
		for _, large := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s-large=%v", lang, large), func(t *testing.T) {
				tx, err := textsFor(lang)
				if err != nil {
					t.Fatal(err)
				}
				s := testSheet(8, lang, referral.Letter, large)
				s.Removed = []int{1, 6}
				pdf, l := render(t, s)
				text := pdfText(t, pdf)
				if n := strings.Count(text, tx.Removed); n != 2 {
					t.Errorf("the sheet says %q %d times, want once for each of the 2 removed groups", tx.Removed, n)
				}
				// The line is on the removed group's card: after its name,
				// before the next group's.
				for _, i := range s.Removed {
					at := strings.Index(text, s.Groups[i].Name)
					next := strings.Index(text, s.Groups[i+1].Name)
					if at < 0 || next < 0 || !strings.Contains(text[at:next], tx.Removed) {
						t.Errorf("group %d's card does not say it was removed", i+1)
					}
				}
				if max := maxPages(large); len(l.pages) > max {
					t.Errorf("%d pages, want at most %d", len(l.pages), max)
				}
				checkLayout(t, s, l)
			})
		}
	}
	if s := testSheet(2, referral.English, referral.Letter, false); strings.Contains(pdfText(t, mustRender(t, s)), "removed") {
		t.Error("a sheet with no removed group says one was removed")
	}
}

func mustRender(t *testing.T, s referral.Sheet) []byte {
	t.Helper()
	pdf, _ := render(t, s)
	return pdf
}
