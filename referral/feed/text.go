package feed

import (
	"html"

	"referraldesk/referral"
)

// plain tidies a value that is not prose (an id, URL, phone, zone) as
// referral.Tidy does. Every reader applies it so that JSON (which replaces
// bad UTF-8) and CSV (which folds CRLF) agree and an export reads back equal.
func plain(s string) string { return referral.Tidy(s) }

// feedText is prose as written to a feed: as is, unless reading it back would
// change it (it contains something that looks like a tag or an entity); then
// it is HTML-escaped, which referral.PlainText undoes exactly.
func feedText(s string) string {
	if referral.PlainText(s) == s {
		return s
	}
	return html.EscapeString(s)
}
