package pdf

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"referraldesk/referral"
)

// glyphs is the set of runes both embedded fonts can draw. gofpdf indexes its
// width table by rune and fails (or panics, in SplitText) on a rune past
// U+FFFF, and draws nothing useful for a rune the font lacks; knowing the set
// lets clean replace such runes before gofpdf sees them.
var glyphs = sync.OnceValue(func() *[1 << 16 / 64]uint64 {
	var set [1 << 16 / 64]uint64
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("pdf: embedded Go font does not parse: " + err.Error()) // cannot happen with the vendored fonts
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 1<<16; r++ {
		ok := true
		for _, f := range fonts {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				ok = false
				break
			}
		}
		if ok {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set
})

func hasGlyph(r rune) bool {
	return r >= 0 && r < 1<<16 && glyphs()[r/64]&(1<<(r%64)) != 0
}

// clean turns directory or user text into one line the fonts can draw:
//   - it is made plain text as referral.PlainText does (feeds paste web
//     notes): tags dropped, entities decoded;
//   - the text is composed (NFC) so "n" + combining tilde prints as "ñ";
//   - each run of letters in a script the Go fonts lack (Arabic, Hebrew, CJK,
//     Thai, ...) becomes placeholder, so the reader sees that something was
//     there and can ask, instead of boxes or silence; right-to-left text is
//     never reordered, it is simply not drawn;
//   - emoji, symbols and invisible format characters the fonts lack are
//     dropped;
//   - all whitespace, newlines included, collapses to single spaces.
func clean(s, placeholder string) string {
	if s == "" {
		return ""
	}
	s = norm.NFC.String(referral.PlainText(s))
	var b strings.Builder
	// inForeign: the last thing written was the placeholder. Spaces and
	// punctuation the fonts lack keep it so, so "مجموعة الأمل" is one
	// placeholder, not two.
	inForeign := false
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case hasGlyph(r):
			inForeign = false
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if inForeign {
				continue
			}
			inForeign = true
			r = -1 // write the placeholder
		default:
			// Emoji, variation selectors, joiners, bidi marks, combining marks
			// the font lacks: nothing a reader would miss.
			continue
		}
		if space && b.Len() > 0 && !strings.ContainsRune(",.;:!?)", r) {
			b.WriteByte(' ')
		}
		space = false
		if r == -1 {
			b.WriteString(placeholder)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
