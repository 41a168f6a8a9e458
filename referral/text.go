package referral

import (
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PlainText turns directory prose (names, notes, as feeds and people paste
// them) into plain text. WordPress feeds send "&amp;" and "<p>…</p>"; the
// screen, the sheet and the exports show text, so:
//   - tags go; block tags (p, br, li, …) become line breaks, inline tags (b,
//     a, span, …) and tags nobody knows become nothing, as a browser shows
//     them; a "<" that opens no tag ("a < b", "<3") is text and stays;
//   - entities are decoded, after the tags go, so "&lt;b&gt;" stays as text;
//   - the text is valid UTF-8 with "\n" line breaks, no surrounding space,
//     no control characters but tabs and line breaks and no run of more
//     than one blank line (see Tidy);
//   - everything else (emoji, right-to-left scripts) is kept as written.
//
// The feed readers and the sheet both clean through it, so a note reads the
// same on screen and on paper.
func PlainText(s string) string {
	s = Tidy(s)
	if strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, '&') < 0 {
		return s
	}
	s = Tidy(html.UnescapeString(stripTags(s)))
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}

// Tidy makes s valid UTF-8 with one kind of line break, no invisible
// controls and no surrounding space: JSON readers replace bad UTF-8 and CSV
// folds CRLF, and text must read the same whichever way it came in.
//
// Bytes that are not UTF-8 become U+FFFD (one for each run), not nothing: a
// name that lost a letter shows that it did ("Caf�"), where dropping it
// would print a plausible wrong word on a sheet a person relies on.
//
// Controls are removed (see Controls). The bidirectional embedding,
// override and isolate controls (U+202A–U+202E, U+2066–U+2069) are
// invisible, and one in a listing can show its address or phone number
// reversed, or run its text into what the screen and sheet print after it;
// Arabic or Hebrew text needs none of them (each letter carries its
// direction), and the marks U+200E and U+200F, which cannot reorder
// anything beyond a character, stay. Other control characters (NUL,
// escape, vertical tab) become spaces: they show as nothing or as boxes,
// some programs write them between lines or words, and in an exported CSV
// file they make it read as binary data. Tabs and line breaks stay.
//
// The C1 controls U+0080–U+009F are what Windows-1252 punctuation becomes
// when text in that code page is read as Latin-1 ("St. Clare\u0092s Hall",
// in a real Al-Anon feed): each is read as the character it stands for there
// (’ “ ” – … €), so the apostrophe is kept rather than lost.
func Tidy(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if bidi, other := Controls(s); bidi || other {
		s = strings.Map(func(r rune) rune {
			switch {
			case isBidiControl(r):
				return -1
			case r >= 0x80 && r <= 0x9F && windows1252[r-0x80] != 0:
				return windows1252[r-0x80]
			case isStrayControl(r):
				return ' '
			}
			return r
		}, s)
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.TrimSpace(s)
}

// Quote quotes a value for a message, shortened to 60 characters: a message
// says what the value looked like, and a whole pasted page in it buries the
// sentence that says what to do.
func Quote(s string) string { return strconv.Quote(Truncate(s, 60)) }

// Controls reports the controls in s that Tidy removes or replaces: bidi, a
// bidirectional embedding, override or isolate control; other, any other
// control character but tab and line breaks. A reader reports the repair.
func Controls(s string) (bidi, other bool) {
	// One pass over the bytes: the direction controls are encoded as E2 80
	// AA–AE and E2 81 A6–A9, the C1 controls as C2 80–9F.
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7F:
			other = true
		case c == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F:
			other = true
		case c == 0xE2 && i+2 < len(s):
			r, _ := utf8.DecodeRuneInString(s[i:])
			bidi = bidi || isBidiControl(r)
		}
	}
	return bidi, other
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// windows1252 is what the bytes 0x80–0x9F mean in Windows-1252, 0 for the
// five it leaves undefined (which stay controls).
var windows1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// isStrayControl reports a control character that is not text: all but tab
// and the line breaks, which Tidy folds.
func isStrayControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// stripTags removes HTML tags: a "<" followed by a letter, "/", "!" or "?"
// up to the next ">". The text of <script> and <style> elements stays: it is
// rare in feeds and, once its tags are gone, harmless text.
func stripTags(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			b.WriteString(s)
			return b.String()
		}
		c := s[i+1]
		if opens := c == '/' || c == '!' || c == '?' || ('a' <= c|0x20 && c|0x20 <= 'z'); !opens {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		end := strings.IndexByte(s[i+1:], '>')
		if end < 0 {
			// No ">" is left, so no later "<" closes a tag either: looking
			// again after each one read a pasted page of "<" in time that
			// grew with the square of its length.
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if blockTag(s[i+1 : i+1+end]) {
			b.WriteByte('\n')
		}
		s = s[i+2+end:]
	}
}

// blockTag reports whether a tag (its text between < and >) starts a new
// line where a browser shows it.
func blockTag(tag string) bool {
	name := strings.ToLower(strings.TrimPrefix(tag, "/"))
	if i := strings.IndexAny(name, " \t\n/"); i >= 0 {
		name = name[:i]
	}
	return blockTags[name]
}

var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true, "caption": true,
	"dd": true, "details": true, "div": true, "dl": true, "dt": true, "fieldset": true,
	"figcaption": true, "figure": true, "footer": true, "form": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hr": true, "li": true,
	"main": true, "nav": true, "ol": true, "p": true, "pre": true, "section": true, "summary": true,
	"table": true, "tbody": true, "td": true, "tfoot": true, "th": true, "thead": true, "tr": true,
	"ul": true,
}

// Truncate shortens s to at most n runes, the ellipsis that marks the cut
// included, at a word boundary when one is in the second half. It never
// splits a rune, nor a character made of several (a letter and its accents,
// an emoji with its skin tone or joined by ZWJ, a flag): such a character is
// left out whole. A byte that is not UTF-8 counts as a character and, in a
// shortened text, becomes U+FFFD. n <= 0 means no limit.
func Truncate(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	cut := n - 1 // room for the ellipsis
	for cut > 0 && (extends(r[cut]) || r[cut-1] == zwj || regionalPairSplit(r, cut)) {
		cut--
	}
	for i := cut - 1; i > cut/2; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " \t\n,.;:-") + "…"
}

const zwj = '\u200D'

// extends reports whether r belongs to the character before it rather than
// starting one: a combining mark, a joiner, a variation selector, an emoji
// skin tone or a tag character. It is the cheap part of Unicode's grapheme
// rules, and all that real directory text needs.
func extends(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || r == zwj ||
		(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// regionalPairSplit reports whether cutting before r[cut] splits a flag: the
// two regional indicators of one flag.
func regionalPairSplit(r []rune, cut int) bool {
	if !isRegional(r[cut]) || !isRegional(r[cut-1]) {
		return false
	}
	n := 0 // regional indicators before cut in this run
	for i := cut - 1; i >= 0 && isRegional(r[i]); i-- {
		n++
	}
	return n%2 == 1
}
