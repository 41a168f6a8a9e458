package feed

import (
	"html"
	"strings"
	"unicode/utf8"
)

// plain tidies a value that is not prose (an id, URL, phone, zone): valid
// UTF-8, one kind of line break, no surrounding space. Every reader applies it
// so that JSON (which replaces bad UTF-8) and CSV (which folds CRLF) agree and
// an export reads back equal.
func plain(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.TrimSpace(s)
}

// cleanText turns a feed's prose (names, notes) into plain text: WordPress
// feeds send "&amp;" and "<p>…</p>"; the sheet and the screen show text, so
// tags go (block tags become line breaks), entities are decoded, and
// everything else — emoji, right-to-left scripts — is kept as written.
func cleanText(s string) string {
	s = plain(s)
	if strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, '&') < 0 {
		return s
	}
	s = html.UnescapeString(stripTags(s))
	s = plain(s)
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}

// stripTags removes HTML tags. A "<" that does not open a tag ("a < b",
// "<3") is text and stays.
func stripTags(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			b.WriteString(s)
			return b.String()
		}
		c := s[i+1]
		opens := c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
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

// blockTag reports whether a tag breaks the line when a browser shows it.
func blockTag(tag string) bool {
	tag = strings.TrimPrefix(strings.ToLower(tag), "/")
	name, _, _ := strings.Cut(tag, " ")
	name = strings.TrimSuffix(name, "/")
	switch name {
	case "br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6":
		return true
	}
	return false
}

// feedText is prose as written to a feed: as is, unless reading it back would
// change it (it contains something that looks like a tag or an entity); then
// it is HTML-escaped, which cleanText undoes exactly.
func feedText(s string) string {
	if cleanText(s) == s {
		return s
	}
	return html.EscapeString(s)
}
