package referral_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"referraldesk/referral"
)

func TestParseDialIn(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want referral.DialIn
		ok   bool
	}{
		{"zoom one-tap with participant skip and passcode", "+15873281099,,82900440659#,,#,,123456#",
			referral.DialIn{Number: "+15873281099", MeetingID: "82900440659", Passcode: "123456"}, true},
		{"no plus, passcode without closing hash", "3126266799,,6631029191#,,#,,987776",
			referral.DialIn{Number: "3126266799", MeetingID: "6631029191", Passcode: "987776"}, true},
		{"bare number", "+1 (587) 328-1099", referral.DialIn{Number: "+15873281099"}, true},
		{"bare number with dots", "587.328.1099", referral.DialIn{Number: "5873281099"}, true},
		{"three-digit number", "988", referral.DialIn{Number: "988"}, true},
		{"surrounding spaces", "  +16465588656,,81528265528#  ", referral.DialIn{Number: "+16465588656", MeetingID: "81528265528"}, true},
		{"meeting ID only", "+16465588656,,343214097#", referral.DialIn{Number: "+16465588656", MeetingID: "343214097"}, true},
		{"meeting ID without hash", "+19292056099,,89194999747", referral.DialIn{Number: "+19292056099", MeetingID: "89194999747"}, true},
		{"trailing pauses", "+19292056099,,89517044474#,,#,,", referral.DialIn{Number: "+19292056099", MeetingID: "89517044474"}, true},
		{"every prompt skipped after the meeting ID", "+12532158782,,802618468#,,#,,#", referral.DialIn{Number: "+12532158782", MeetingID: "802618468"}, true},
		{"webex double hash", "+1-415-655-0002,,24912345678##", referral.DialIn{Number: "+14156550002", MeetingID: "24912345678"}, true},
		{"zoom starred passcode", "+16465588656,,85512345678#,,,,*123456#",
			referral.DialIn{Number: "+16465588656", MeetingID: "85512345678", Passcode: "123456"}, true},
		{"hash skips the participant before the passcode", "+19292056099,,81237178926#,,,,,#123456#",
			referral.DialIn{Number: "+19292056099", MeetingID: "81237178926", Passcode: "123456"}, true},
		{"passcode leading zeros kept", "+13017158592,,3084433008#,,,#,,066740#",
			referral.DialIn{Number: "+13017158592", MeetingID: "3084433008", Passcode: "066740"}, true},
		{"extra hash after the passcode", "+13017158592,,856512895#,,#,,146808##",
			referral.DialIn{Number: "+13017158592", MeetingID: "856512895", Passcode: "146808"}, true},
		{"participant ID left out", "+16465588656,,901964988#,,1#,417417#",
			referral.DialIn{Number: "+16465588656", MeetingID: "901964988", Passcode: "417417"}, true},
		{"single comma", "+13017158592,81381782303#,,#,,018820#",
			referral.DialIn{Number: "+13017158592", MeetingID: "81381782303", Passcode: "018820"}, true},
		{"missing hash before a pause", "+9292056099,,84361520987,,#,,07977#",
			referral.DialIn{Number: "+9292056099", MeetingID: "84361520987", Passcode: "07977"}, true},
		{"dashes inside the meeting ID", "+19292056099,,921-7689-9954#,,,,,##", referral.DialIn{Number: "+19292056099", MeetingID: "92176899954"}, true},
		{"teams conference ID", "+1 323-555-0100,,123456789#", referral.DialIn{Number: "+13235550100", MeetingID: "123456789"}, true},

		{"empty", "", referral.DialIn{}, false},
		{"only spaces", "   ", referral.DialIn{}, false},
		{"letters", "call Bob at 215-555-1212", referral.DialIn{}, false},
		{"google meet pin in words", "+1 470-273-8511 PIN: 123 456 789#", referral.DialIn{}, false},
		{"extension in words", "215-555-1212 ext. 4", referral.DialIn{}, false},
		{"dialer pause letter", "5873281099p82900440659#", referral.DialIn{}, false},
		{"tel prefix", "tel:+15873281099", referral.DialIn{}, false},
		{"non-ASCII digits", "٥٨٧٣٢٨١٠٩٩", referral.DialIn{}, false},
		{"two digits", "+11", referral.DialIn{}, false},
		{"no number before the pause", ",,82900440659#", referral.DialIn{}, false},
		{"plus inside", "1+5873281099", referral.DialIn{}, false},
		{"two strings run together", "+16465588656,,901964988#+16465588656,,901964988#", referral.DialIn{}, false},
		{"hash in the number", "5873281099#", referral.DialIn{}, false},
		{"star in the number", "*67 215 555 1212", referral.DialIn{}, false},
		{"starred meeting ID", "+16465588656,,*85512345678#", referral.DialIn{}, false},
		{"star alone", "+16465588656,,85512345678#,,*#", referral.DialIn{}, false},
		{"star inside an entry", "+16465588656,,855*12345678#", referral.DialIn{}, false},
		{"more entries than prompts", "+18005551212,,1,,2,,3,,4", referral.DialIn{}, false},
		{"number too long", "+1234567890123456", referral.DialIn{}, false},
		{"entry too long", "+15873281099,," + strings.Repeat("1", 21) + "#", referral.DialIn{}, false},
		{"brackets after the number", "+15873281099,,(829)#", referral.DialIn{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := referral.ParseDialIn(tt.raw)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParseDialIn(%q) = %+v, %v; want %+v, %v", tt.raw, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFormatPhoneNumber(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plus one dropped", "+15873281099", "587-328-1099"},
		{"leading one dropped", "15873281099", "587-328-1099"},
		{"ten digits", "3126266799", "312-626-6799"},
		{"toll free", "+18006624357", "800-662-4357"},
		{"UK keeps its code", "+442034815240", "+44 203 481 5240"},
		{"Mexico", "+525512345678", "+52 551 234 5678"},
		{"Germany, 11 national digits", "+4930123456789", "+49 301 2345 6789"},
		{"Ireland, three-digit code", "+35312345678", "+353 1234 5678"},
		{"Russia, one-digit code", "+74951234567", "+7 495 123 4567"},
		{"plus and ten digits is not North American", "+5873281099", "+58 7328 1099"},
		{"plus one, too short for North America", "+1988", "+1 988"},
		{"area code cannot start with 1", "1234567890", "1234567890"},
		{"exchange cannot start with 0", "5870281099", "5870281099"},
		{"short number as given", "988", "988"},
		{"other length without plus as given", "02034815240", "02034815240"},
		{"not digits as given", "587-328-1099", "587-328-1099"},
		{"plus alone as given", "+", "+"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := referral.FormatPhoneNumber(tt.in); got != tt.want {
				t.Errorf("FormatPhoneNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatMeetingID(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"9 digits", "123456789", "123 456 789"},
		{"10 digits", "6631029191", "663 102 9191"},
		{"11 digits", "82900440659", "829 0044 0659"},
		{"8 digits as given", "86768773", "86768773"},
		{"6 digits as given", "631072", "631072"},
		{"12 digits as given", "123456789012", "123456789012"},
		{"not digits as given", "82900440659a", "82900440659a"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := referral.FormatMeetingID(tt.in); got != tt.want {
				t.Errorf("FormatMeetingID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseDialInAcceptsWhatValidateAccepts: whatever ParseDialIn reads is a
// phone Group.Validate takes, so a parsed dial-in never comes from a number
// the directory would refuse.
func TestParseDialInAcceptsWhatValidateAccepts(t *testing.T) {
	for _, raw := range []string{"+15873281099,,82900440659#,,#,,123456#", "3126266799,,6631029191#,,#,,987776", "+16465588656,,85512345678#,,,,*123456#", "988"} {
		if _, ok := referral.ParseDialIn(raw); !ok {
			t.Fatalf("ParseDialIn(%q) failed", raw)
		}
		g := validGroup()
		g.Online.Phone = raw
		if err := g.Validate(); err != nil {
			t.Errorf("Validate with phone %q: %v", raw, err)
		}
	}
}

// FuzzParseDialIn: ParseDialIn never panics; what it reads comes from the
// input (its digits, in order, and never from a string with letters), and
// formatting keeps the digits.
func FuzzParseDialIn(f *testing.F) {
	for _, s := range []string{
		"+15873281099,,82900440659#,,#,,123456#", "3126266799,,6631029191#,,#,,987776",
		"+16465588656,,85512345678#,,,,*123456#", "+19292056099,,921-7689-9954#,,,,,##",
		"+1 (587) 328-1099", "call Bob", ",,#", "+", "*#,", "+442034815240,,1#,2#,3#",
		"\u202e+1 215 555 0100", "tel:+12155550100", strings.Repeat("5", 1000), "+1 555\x00 0100",
	} {
		f.Add(s)
	}
	// The dial-in numbers of the real feeds, as their publishers wrote them.
	for _, file := range []string{"aa-sepia-meeting-guide.json", "al-anon-ma-meeting-guide.json"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "feeds", file))
		if err != nil {
			f.Fatal(err)
		}
		var rs []struct {
			Phone string `json:"conference_phone"`
		}
		if err := json.Unmarshal(b, &rs); err != nil {
			f.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range rs {
			if r.Phone != "" && !seen[r.Phone] && len(seen) < 40 {
				seen[r.Phone] = true
				f.Add(r.Phone)
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, ok := referral.ParseDialIn(raw)
		if !ok {
			if d != (referral.DialIn{}) {
				t.Fatalf("ParseDialIn(%q) failed but returned %+v", raw, d)
			}
			return
		}
		if strings.IndexFunc(raw, unicode.IsLetter) >= 0 {
			t.Fatalf("ParseDialIn(%q) read a string with letters as %+v", raw, d)
		}
		number := strings.TrimPrefix(d.Number, "+")
		if !onlyDigits(number) || !onlyDigits(d.MeetingID) || !onlyDigits(d.Passcode) || number == "" {
			t.Fatalf("ParseDialIn(%q) = %+v: not all digits", raw, d)
		}
		if d.Passcode != "" && d.MeetingID == "" {
			t.Fatalf("ParseDialIn(%q) = %+v: a passcode without a meeting ID", raw, d)
		}
		if !isSubsequence(number+d.MeetingID+d.Passcode, digitsOf(raw)) {
			t.Fatalf("ParseDialIn(%q) = %+v: digits that are not in the input, in its order", raw, d)
		}
		if strings.HasPrefix(d.Number, "+") != strings.HasPrefix(strings.TrimSpace(raw), "+") {
			t.Fatalf("ParseDialIn(%q) = %+v: the + is not the input's", raw, d)
		}
		formatted := digitsOf(referral.FormatPhoneNumber(d.Number))
		if formatted != number && "1"+formatted != number {
			t.Fatalf("FormatPhoneNumber(%q) = %q changes the digits", d.Number, referral.FormatPhoneNumber(d.Number))
		}
		if id := referral.FormatMeetingID(d.MeetingID); digitsOf(id) != d.MeetingID {
			t.Fatalf("FormatMeetingID(%q) = %q changes the digits", d.MeetingID, id)
		}
	})
}

func onlyDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if '0' <= r && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isSubsequence reports whether sub can be had from s by leaving characters out.
func isSubsequence(sub, s string) bool {
	for i := 0; i < len(s) && sub != ""; i++ {
		if s[i] == sub[0] {
			sub = sub[1:]
		}
	}
	return sub == ""
}
