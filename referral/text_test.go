package referral_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"referraldesk/referral"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "  Back door  ", "Back door"},
		{"entities", "Women&#039;s &amp; Men&rsquo;s", "Women's & Men’s"},
		{"paragraphs", "<p>One</p><p>Two <a href='x'>link</a></p>", "One\n\nTwo link"},
		{"br", "a<br/>b<BR>c", "a\nb\nc"},
		{"list and heading", "<h3>Where</h3><ul><li>Side door</li><li>Room 2</li></ul>", "Where\n\nSide door\n\nRoom 2"},
		{"table cells", "<table><tr><td>Mon</td><td>7pm</td></tr></table>", "Mon\n\n7pm"},
		{"inline tags join", "<b>123</b>A Main St", "123A Main St"},
		{"unknown tags join", "Ring<o:p></o:p> the bell", "Ring the bell"},
		{"comment and doctype", "<!DOCTYPE html><?xml version='1.0'?>Hi<!-- note -->", "Hi"},
		{"entity for a tag stays text", "&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"},
		{"less-than is text", "a < b and <3", "a < b and <3"},
		{"unclosed tag is text", "<b unclosed", "<b unclosed"},
		{"emoji and RTL", "😀 שלום مرحبا", "😀 שלום مرحبا"},
		{"CRLF", "a\r\nb\rc", "a\nb\nc"},
		{"bad UTF-8", "a\xffb", "a\uFFFDb"},
		// An override shows "1 Main St" as "tS niaM 1"; the letters of
		// Hebrew and Arabic carry their own direction and need none.
		{"direction overrides and isolates go", "\u202e1 Main St\u202c, \u2067\u05e9\u05dc\u05d5\u05dd\u2069 \u202a\u202b\u202d", "1 Main St, \u05e9\u05dc\u05d5\u05dd"},
		{"direction marks stay", "\u200fمرحبا\u200e 1", "\u200fمرحبا\u200e 1"},
		{"control characters become spaces, tabs stay", "\x00Room\x0b2\x1b[1m\x7f\u008d\tup", "Room 2 [1m  \tup"},
		{"Windows-1252 punctuation read as Latin-1", "St. Clare\u0092s \u0093Hall\u0094 \u0096 \u0080 5\u0085", "St. Clare’s “Hall” – € 5…"},
		{"script is text, not code", "<script>alert('x')</script><img src=x onerror=alert(1)>Hi", "alert('x')Hi"},
		{"blank lines", "<p>a</p><p></p><p></p><p>b</p>", "a\n\nb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := referral.PlainText(tc.in); got != tc.want {
				t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestPlainTextOfAPageOfLessThanSigns: a pasted page of "<" with no ">" is
// read in one pass; looking for a tag's end again after each "<" took about
// 20 seconds for two megabytes.
func TestPlainTextOfAPageOfLessThanSigns(t *testing.T) {
	in := strings.Repeat("<a", 1<<20)
	done := make(chan string, 1)
	go func() { done <- referral.PlainText(in) }()
	select {
	case got := <-done:
		if got != in {
			t.Errorf("PlainText changed text that has no tag")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("PlainText of 2 MB of \"<a\" did not finish in 5 s")
	}
}

func TestControls(t *testing.T) {
	for s, want := range map[string][2]bool{
		"": {}, "plain": {}, "– dash and “quotes”": {}, "tab\tand\nlines\r\n": {}, "é ñ €": {},
		"\u202a": {true, false}, "x\u202ey": {true, false}, "\u2066": {true, false}, "\u2069": {true, false},
		"\u2065": {}, "\u202f": {}, "\u200f": {}, "\u2028": {},
		"nul\x00": {false, true}, "esc\x1b[31m": {false, true}, "del\x7f": {false, true}, "c1\u0085": {false, true},
		"\u202e\x00": {true, true},
	} {
		if bidi, other := referral.Controls(s); bidi != want[0] || other != want[1] {
			t.Errorf("Controls(%q) = %v, %v; want %v", s, bidi, other, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"no limit at all", 0, "no limit at all"},
		{"Serenity and courage group", 20, "Serenity and…"},
		{"Supercalifragilistic", 10, "Supercali…"},
		{"ñññññññññññ", 5, "ññññ…"}, // two bytes a rune: never cut inside one
		// "e" and a combining acute accent are one character: both go.
		{"Cafe\u0301 Cafe\u0301s", 6, "Cafe\u0301…"},
		{"Abcde\u0301fgh", 6, "Abcd…"},
		// A family emoji is five runes joined by ZWJ: it goes whole.
		{"Hi 👩\u200d👩\u200d👧 all", 6, "Hi…"},
		{"Ok👍🏽👍🏽👍🏽", 4, "Ok…"},     // a thumb and its skin tone
		{"Go 🇺🇸🇲🇽🇨🇦", 7, "Go 🇺🇸…"}, // flags are pairs of regional indicators
	} {
		got := referral.Truncate(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if tt.max > 0 && utf8.RuneCountInString(got) > tt.max {
			t.Errorf("Truncate(%q, %d) has %d runes", tt.in, tt.max, utf8.RuneCountInString(got))
		}
	}
}

func FuzzTruncate(f *testing.F) {
	f.Add("Serenity and courage group", 12)
	f.Add("Hi 👩\u200d👩\u200d👧 all", 5)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := referral.Truncate(s, n)
		if n <= 0 || utf8.RuneCountInString(s) <= n {
			if got != s {
				t.Fatalf("Truncate(%q, %d) changed a string that fits", s, n)
			}
			return
		}
		if utf8.RuneCountInString(got) > n || !strings.HasSuffix(got, "…") {
			t.Fatalf("Truncate(%q, %d) = %q", s, n, got)
		}
		// A byte that is not UTF-8 is one character, and comes out as U+FFFD.
		if kept := strings.TrimSuffix(got, "…"); !strings.HasPrefix(string([]rune(s)), kept) || !utf8.ValidString(got) {
			t.Fatalf("Truncate(%q, %d) = %q is not a prefix of the text", s, n, got)
		}
	})
}
