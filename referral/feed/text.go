package feed

import (
	"html"
	"strings"
	"unicode/utf8"

	"referraldesk/referral"
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

// feedText is prose as written to a feed: as is, unless reading it back would
// change it (it contains something that looks like a tag or an entity); then
// it is HTML-escaped, which referral.PlainText undoes exactly.
func feedText(s string) string {
	if referral.PlainText(s) == s {
		return s
	}
	return html.EscapeString(s)
}
