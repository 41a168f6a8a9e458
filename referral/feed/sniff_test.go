package feed

import (
	"context"
	"strings"
	"testing"

	"referraldesk/referral"
)

const errorPage = "\uFEFF  \r\n<!DOCTYPE html>\n<html lang=\"en\"><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
	"<title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n"

// TestNotAFeedIsSaidWhatItIs: content that is no feed is refused as what it
// is, whether the format is detected or given, by Detect and Parse alike.
func TestNotAFeedIsSaidWhatItIs(t *testing.T) {
	const (
		html   = "the file has no meeting in it: it holds HTML (a web page, perhaps an error page or a login page) — check the address or download it again; nothing was changed"
		xml    = "the file is XML, not a meeting list Referral Desk reads"
		binary = "the file is not text but "
	)
	tests := []struct {
		name, input, want string
	}{
		{"an error page with a byte-order mark and blank lines", errorPage, html},
		{"a bare html element", "<html><body>Not found</body></html>", html},
		{"upper case head", "\n\t<HEAD><TITLE>Login</TITLE></HEAD>", html},
		{"a comment first", "<!-- served by nginx -->\n<html><body>Forbidden</body></html>", html},
		{"XHTML", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"><html xmlns="http://www.w3.org/1999/xhtml"></html>`, html},
		{"a login page that starts with a script", "<script>location='/login'</script>", html},
		{"XML", `<?xml version="1.0"?><meetings><meeting name="A"/></meetings>`, xml},
		{"an RSS feed", `<rss version="2.0"><channel><title>Meetings</title></channel></rss>`, xml},
		{"a PDF", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj", binary + "a PDF document"},
		{"an Excel workbook", "PK\x03\x04\x14\x00\x06\x00", binary + "a ZIP archive (an Excel or OpenDocument workbook is one; save it as CSV)"},
		{"gzip", "\x1F\x8B\x08\x00\x00\x00", binary + "gzip-compressed data"},
		{"NUL bytes", "[{\"name\x00\":1}]", binary + "binary data"},
		{"control characters", "\x01\x02\x03\x04abc", binary + "binary data"},
		{"UTF-16", "\xFF\xFEN\x00a\x00m\x00e\x00", "the file is UTF-16 text; Referral Desk reads UTF-8"},
		{"an empty file", "", "the file has no meeting in it: it is empty — check the address"},
		{"blank space", " \r\n\t\n", "the file has no meeting in it: it holds only blank space — check"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if f, err := Detect([]byte(tc.input)); referral.ErrorCode(err) != referral.EINVALID || !strings.Contains(referral.ErrorMessage(err), tc.want) {
				t.Errorf("Detect = %q, %v; want EINVALID saying %q", f, err, tc.want)
			}
			for _, format := range []Format{"", MeetingGuide, BMLT, CSV} {
				opts := aa
				opts.Format = format
				res, err := Parse(context.Background(), strings.NewReader(tc.input), opts)
				if res != nil || referral.ErrorCode(err) != referral.EINVALID || !strings.Contains(referral.ErrorMessage(err), tc.want) {
					t.Errorf("Parse with format %q = %v, %v; want no result and EINVALID saying %q", format, res, err, tc.want)
				}
			}
		})
	}
}

// TestTextThatIsNoFeed: text in no format Detect knows is quoted, so the
// person sees the server's "404 Not Found" or the separator that is wrong.
func TestTextThatIsNoFeed(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"a server's answer", "404 Not Found\n\nThe requested URL was not found on this server.",
			`the file is plain text, not a meeting list (it begins "404 Not Found"): expected Meeting Guide JSON, BMLT JSON or a CSV with a Name column — check the address or download it again; nothing was changed`},
		{"semicolons", "Name;Day;Time;Address\r\nHope;Monday;19:00;1 Main St\r\n",
			`the file is a table whose columns are separated by semicolons, not commas (it begins "Name;Day;Time;Address")`},
		{"tabs", "Name\tDay\tTime\n", `separated by tabs, not commas (it begins "Name Day Time")`},
		{"null", "null\n", "the file is not a meeting list but a single JSON value (null); a feed is a list of meetings"},
		{"a number", "42", "a single JSON value (42)"},
		{"a JSON string", `"Service Unavailable"`, `a single JSON value ("Service Unavailable")`},
		{"a dash list", "- not a feed", `plain text, not a meeting list (it begins "- not a feed")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(context.Background(), strings.NewReader(tc.input), aa)
			if referral.ErrorCode(err) != referral.EINVALID || !strings.Contains(referral.ErrorMessage(err), tc.want) {
				t.Errorf("Parse = %v; want EINVALID saying\n%q", err, tc.want)
			}
		})
	}
}

// TestFilesWithNoRecord: an empty list, a list of nulls and a CSV without
// rows are read, not refused here: they say how many records they had, and
// the import's rule (referral.Replacement) refuses them with those counts.
func TestFilesWithNoRecord(t *testing.T) {
	tests := []struct {
		name, input            string
		records, empty, groups int
	}{
		{"an empty list", " [ ]\n", 0, 0, 0},
		{"nulls", "[null,null]", 2, 2, 0},
		{"a null among meetings", `[null, {"name":"Hope","slug":"h","day":1,"time":"19:00"}]`, 2, 1, 1},
		{"empty objects", "[{},{}]", 2, 0, 0},
		{"BMLT without meetings", `{"meetings":[]}`, 0, 0, 0},
		{"BMLT nulls", `{"meetings":[null]}`, 1, 1, 0},
		{"a CSV header alone", "Name,Day,Time\n", 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), strings.NewReader(tc.input), aa)
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != tc.records || res.Empty != tc.empty || len(res.Groups) != tc.groups {
				t.Errorf("records %d, empty %d, groups %d; want %d, %d, %d", res.Records, res.Empty, len(res.Groups), tc.records, tc.empty, tc.groups)
			}
			nulls := 0
			for _, s := range res.Skipped {
				if s.Field == "record" && s.Reason == "the record is empty (null)" {
					nulls++
				}
			}
			if nulls != tc.empty {
				t.Errorf("%d skips say a record is empty, want %d: %v", nulls, tc.empty, res.Skipped)
			}
		})
	}
}

func TestAnObjectWithoutMeetings(t *testing.T) {
	for input, want := range map[string]string{
		"{}":                         "the file has no meeting in it: it holds an empty object ({}) — check the address or download it again; nothing was changed",
		` {"error": "Unauthorized"}`: `the BMLT file is JSON of the wrong shape: it has no "meetings" list, only "error" — check the address`,
		`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}`: `only "a", "b", "c", "d", "e", … — check`,
	} {
		_, err := Parse(context.Background(), strings.NewReader(input), aa)
		if referral.ErrorCode(err) != referral.EINVALID || !strings.Contains(referral.ErrorMessage(err), want) {
			t.Errorf("%s: %v; want EINVALID saying %q", input, err, want)
		}
	}
}
