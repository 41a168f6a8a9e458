package feed

import (
	"bytes"
	"strings"
	"unicode"

	"referraldesk/referral"
)

// notFeed refuses content that is no directory file whatever format is
// asked for: nothing at all, a web page, XML, UTF-16 text or binary data.
// Servers answer a wrong address, an expired login or an outage with an
// HTML page, often under the feed's usual name, and a spreadsheet is
// easily saved as a workbook instead of CSV: each is named, so the person
// knows what to fetch again. head is the file's start, a UTF-8 byte-order
// mark already removed or not.
func notFeed(head []byte) error {
	switch {
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return referral.Errorf(referral.EINVALID,
			"the file is UTF-16 text; Referral Desk reads UTF-8: save or export it again as UTF-8 (in Excel: CSV UTF-8); nothing was changed")
	}
	if kind := binaryKind(head); kind != "" {
		return referral.Errorf(referral.EINVALID,
			"the file is not text but %s; export the meeting list as Meeting Guide JSON, BMLT JSON or CSV and import that; nothing was changed", kind)
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n\f")
	if len(trimmed) == 0 {
		if len(head) == 0 {
			return referral.NoMeeting("it is empty")
		}
		return referral.NoMeeting("it holds only blank space")
	}
	if trimmed[0] != '<' {
		return nil
	}
	if isHTML(trimmed) {
		return referral.NoMeeting("it holds HTML (a web page, perhaps an error page or a login page)")
	}
	return referral.Errorf(referral.EINVALID,
		"the file is XML, not a meeting list Referral Desk reads (Meeting Guide JSON, BMLT JSON or CSV); "+
			"ask the publisher for one of those, or check the address; nothing was changed")
}

// binaryKind names the binary data head starts with, or "" for text. A few
// kinds people mistake for a meeting list are named; any NUL byte or a run
// of control characters makes the rest "binary data".
func binaryKind(head []byte) string {
	for _, m := range []struct{ magic, kind string }{
		{"%PDF-", "a PDF document"},
		{"PK\x03\x04", "a ZIP archive (an Excel or OpenDocument workbook is one; save it as CSV)"},
		{"\xD0\xCF\x11\xE0", "an old Excel or Word document (save it as CSV)"},
		{"\x1F\x8B", "gzip-compressed data (unpack it first)"},
		{"\x89PNG", "a PNG image"},
		{"\xFF\xD8\xFF", "a JPEG image"},
	} {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			return m.kind
		}
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "binary data"
	}
	// Text has tabs and line ends but hardly another control character; a
	// few in a long file can be stray, a tenth of its start cannot.
	controls := 0
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' {
			controls++
		}
	}
	if controls > 0 && controls*10 >= len(head) {
		return "binary data"
	}
	return ""
}

// htmlTags are tags only HTML starts with; XHTML, which opens as XML, still
// names html early on.
var htmlTags = []string{"<!doctype html", "<html", "<head", "<body", "<title", "<meta", "<script", "<link", "<style"}

// isHTML tells a web page from other markup by its first tag, after any
// comments and an XML declaration, or by an html element in its first
// kilobyte.
func isHTML(markup []byte) bool {
	s := strings.ToLower(string(markup[:min(len(markup), 1024)]))
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case strings.HasPrefix(s, "<!--"):
			end := strings.Index(s, "-->")
			if end < 0 {
				return strings.Contains(s, "<html")
			}
			s = s[end+3:]
			continue
		case strings.HasPrefix(s, "<?xml"):
			return strings.Contains(s, "<html") || strings.Contains(s, "<!doctype html")
		}
		break
	}
	for _, tag := range htmlTags {
		if strings.HasPrefix(s, tag) {
			return true
		}
	}
	return strings.Contains(s, "<html")
}

// plainTextError explains a text file Detect found no format in, quoting its
// first line: a server's "404 Not Found" or "Forbidden" is what people need
// to see.
func plainTextError(head []byte) error {
	line := head
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	first := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(line), "�"))
	first = referral.Truncate(strings.TrimSpace(first), 60)
	lower := strings.ToLower(first)
	if err := separatorError(string(line)); err != nil {
		return err
	}
	switch {
	case isJSONScalar(lower):
		return referral.Errorf(referral.EINVALID,
			"the file is not a meeting list but a single JSON value (%s); a feed is a list of meetings — check the address or download it again; nothing was changed", first)
	}
	return referral.Errorf(referral.EINVALID,
		"the file is plain text, not a meeting list (it begins %q): expected Meeting Guide JSON, BMLT JSON or a CSV with a Name column — "+
			"check the address or download it again; nothing was changed", first)
}

// isJSONScalar tells a JSON document that is one value: null, true, a
// number or a string.
func isJSONScalar(s string) bool {
	switch {
	case s == "null" || s == "true" || s == "false":
		return true
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		return true
	}
	return s != "" && strings.Trim(s, "0123456789.e+-") == "" && strings.ContainsAny(s, "0123456789")
}

// separatorError refuses a table whose header line names its columns with
// semicolons or tabs between them, as spreadsheets set to a European locale
// save "CSV", saying which: it reads as one column, so the person would see
// only "no Name column". nil when header is no such line.
func separatorError(header string) error {
	if !strings.Contains(strings.ToLower(header), "name") {
		return nil
	}
	semicolons, tabs := strings.Count(header, ";"), strings.Count(header, "\t")
	sep := "semicolons"
	switch {
	case semicolons == 0 && tabs == 0:
		return nil
	case tabs > semicolons:
		sep = "tabs"
	}
	begins := referral.Truncate(strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(header, "\t", " "), "\uFFFD")), 60)
	return referral.Errorf(referral.EINVALID,
		"the file is a table whose columns are separated by %s, not commas (it begins %q); "+
			"save it as CSV with commas, or choose the comma as the separator when exporting; nothing was changed", sep, begins)
}
