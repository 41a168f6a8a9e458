package referral

import (
	"html"
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
//   - the text is valid UTF-8 with "\n" line breaks, no surrounding space and
//     no run of more than one blank line;
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

// Tidy makes s valid UTF-8 with one kind of line break and no surrounding
// space: JSON readers replace bad UTF-8 and CSV folds CRLF, and text must
// read the same whichever way it came in.
func Tidy(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.TrimSpace(s)
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
		opens := c == '/' || c == '!' || c == '?' || ('a' <= c|0x20 && c|0x20 <= 'z')
		end := strings.IndexByte(s[i+1:], '>')
		if !opens || end < 0 {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
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
