package pdf

import (
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
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
//   - HTML tags are dropped and entities decoded (feeds paste web notes);
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
	s = norm.NFC.String(html.UnescapeString(stripTags(s)))
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

// stripTags removes HTML tags: a "<" followed by a letter, "/" or "!" up to
// the next ">". Anything else with "<" (such as "a < b") is kept. Tags that
// break lines become spaces so words do not run together. The text of
// <script> and <style> elements is not removed: it is rare in feeds and, once
// its tags are gone, harmless text.
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			b.WriteString(s)
			return b.String()
		}
		c := s[i+1]
		isTag := c == '/' || c == '!' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		end := strings.IndexByte(s[i:], '>')
		if !isTag || end < 0 {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		if breaksLine(s[i+1 : i+end]) {
			b.WriteByte(' ')
		}
		s = s[i+end+1:]
	}
}

// breaksLine reports whether an HTML tag (its text between < and >) starts a
// new line in a browser; inline tags such as <b> join words instead.
func breaksLine(tag string) bool {
	name := strings.ToLower(strings.TrimLeft(tag, "/!"))
	if i := strings.IndexAny(name, " \t\n/"); i >= 0 {
		name = name[:i]
	}
	switch name {
	case "b", "i", "u", "em", "strong", "span", "a", "small", "big", "sup", "sub", "font", "mark", "abbr":
		return false
	}
	return true
}

// truncate shortens s to at most max runes, at a word boundary when one is
// near, and marks the cut with an ellipsis. max <= 0 means no limit.
func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := len(r)
	for i := len(r) - 1; i > len(r)/2; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,.;:-") + "…"
}
