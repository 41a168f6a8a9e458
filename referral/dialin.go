package referral

// One-tap dial strings
//
// Directories write a conference dial-in the way a phone's dialer takes it in
// one tap: "+15873281099,,82900440659#,,#,,123456#". The phone dials the
// number, then keys in the rest as if a person pressed the keys: each comma is
// a pause of about two seconds, long enough for the conference's voice prompt,
// and "#" ends what was keyed in answer to one prompt. The conference asks, in
// this order, for the meeting ID, a participant ID and the passcode. The
// participant ID is personal, so a shared string skips it with a lone "#"
// (",,#"); Zoom's newer strings skip it by marking the passcode with a star
// instead (",,,,*123456#"), and Webex's end in "##". The last entry may lack
// its "#", and some feeds leave out a "#" before a pause.
//
// A person reading a sheet dials by hand, so the sheet prints what they key
// in: the number, the meeting ID and the passcode, without the pauses and
// skips. Group.Online.Phone keeps the string as the directory wrote it, so an
// export gives back the same bytes and a phone can still dial it in one tap;
// ParseDialIn is only ever a reading of it.

import "strings"

// DialIn is a conference dial-in as a person keys it in by hand.
type DialIn struct {
	Number    string // "+" when the directory wrote one, then the digits: "+15873281099"
	MeetingID string // digits; "" for a bare phone number
	Passcode  string // digits, leading zeros kept; "" when there is none
}

// Longer runs of digits are not a phone number (E.164 allows 15) or a meeting
// ID or passcode any conference service issues; a sheet prints them as the
// text they are rather than a line of grouped digits.
const (
	maxNumberDigits = 15
	maxEntryDigits  = 20
)

// ParseDialIn reads a one-tap dial string, or a bare phone number, into what a
// person dials. It reports false for anything it cannot read with certainty —
// letters, a "+" or "*" out of place, too few or too many digits, more entries
// than a conference asks for — and the caller then shows the string as text.
//
// The first entry with digits is the meeting ID and the last one after it the
// passcode; one entry between them is a participant ID, which is personal and
// left out. Entries without digits skip a prompt and are ignored.
func ParseDialIn(raw string) (DialIn, bool) {
	s := strings.TrimSpace(raw)
	head, rest, _ := strings.Cut(s, ",")
	number, ok := dialNumber(head)
	if !ok {
		return DialIn{}, false
	}
	entries, ok := dialEntries(rest)
	if !ok {
		return DialIn{}, false
	}
	d := DialIn{Number: number}
	var filled []dialEntry
	for _, e := range entries {
		if e.digits != "" {
			filled = append(filled, e)
		}
	}
	if len(filled) > 3 {
		return DialIn{}, false
	}
	for i, e := range filled {
		// Only a passcode is starred; a star anywhere else is a keypad
		// command the sheet cannot put into words.
		if e.star && (i == 0 || i != len(filled)-1) {
			return DialIn{}, false
		}
	}
	if len(filled) > 0 {
		d.MeetingID = filled[0].digits
	}
	if len(filled) > 1 {
		d.Passcode = filled[len(filled)-1].digits
	}
	return d, true
}

// dialNumber reads the number before the first pause: digits with the
// spaces, dashes, dots and brackets people write, and a "+" only in front.
func dialNumber(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var b strings.Builder
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		b.WriteByte('+')
		s = rest
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			b.WriteByte(c)
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", false
		}
	}
	// 3 is the shortest number Group.Validate takes ("988").
	if digits < 3 || digits > maxNumberDigits {
		return "", false
	}
	return b.String(), true
}

// dialEntry is what is keyed in answer to one prompt.
type dialEntry struct {
	star   bool
	digits string
}

// dialEntries splits what follows the number into entries. A "#" ends an
// entry, and so does a pause: a feed that forgot a "#" still means the
// entry to end there.
func dialEntries(s string) ([]dialEntry, bool) {
	var out []dialEntry
	var cur dialEntry
	var b strings.Builder
	open := false // cur has a star or digits not yet ended
	end := func() bool {
		cur.digits = b.String()
		b.Reset()
		if cur.star && cur.digits == "" || len(cur.digits) > maxEntryDigits {
			return false
		}
		out = append(out, cur)
		cur, open = dialEntry{}, false
		return true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			b.WriteByte(c)
			open = true
		case c == '*':
			if open {
				return nil, false
			}
			cur.star, open = true, true
		case c == '#':
			if !end() {
				return nil, false
			}
		case c == ',':
			if open && !end() {
				return nil, false
			}
		case c == ' ' || c == '-' || c == '.':
			// "921-7689-9954#": people group the digits they type.
		default:
			return nil, false
		}
	}
	if open && !end() {
		return nil, false
	}
	return out, true
}

// FormatPhoneNumber writes a DialIn's number the way people read it. A North
// American number reads 587-328-1099, without its +1 or 1; another number
// with a + keeps it and its country code, and the rest is grouped in threes
// and fours ("+44 203 481 5240"). Anything else comes back as given.
func FormatPhoneNumber(number string) string {
	digits, plus := strings.CutPrefix(number, "+")
	if !allDigits(digits) {
		return number
	}
	if nanp, ok := northAmerican(digits, plus); ok {
		return nanp[:3] + "-" + nanp[3:6] + "-" + nanp[6:]
	}
	if !plus {
		return number
	}
	cc := countryCode(digits)
	if national := digits[len(cc):]; national != "" {
		return "+" + cc + " " + groupDigits(national)
	}
	return number
}

// northAmerican returns the ten digits of a number in the North American
// Numbering Plan (area code and exchange start 2–9), written with or without
// its country code 1.
func northAmerican(digits string, plus bool) (string, bool) {
	switch {
	case len(digits) == 11 && digits[0] == '1':
		digits = digits[1:]
	case len(digits) == 10 && !plus:
	default:
		return "", false
	}
	if digits[0] < '2' || digits[3] < '2' {
		return "", false
	}
	return digits, true
}

// twoDigitCodes are the two-digit country calling codes (ITU-T E.164); 1
// and 7 are the one-digit ones, every other code has three digits.
var twoDigitCodes = map[string]bool{
	"20": true, "27": true,
	"30": true, "31": true, "32": true, "33": true, "34": true, "36": true, "39": true,
	"40": true, "41": true, "43": true, "44": true, "45": true, "46": true, "47": true, "48": true, "49": true,
	"51": true, "52": true, "53": true, "54": true, "55": true, "56": true, "57": true, "58": true,
	"60": true, "61": true, "62": true, "63": true, "64": true, "65": true, "66": true,
	"81": true, "82": true, "84": true, "86": true,
	"90": true, "91": true, "92": true, "93": true, "94": true, "95": true, "98": true,
}

// countryCode returns the calling code at the front of digits (a number
// written after its +).
func countryCode(digits string) string {
	switch {
	case digits[0] == '1' || digits[0] == '7':
		return digits[:1]
	case len(digits) >= 2 && twoDigitCodes[digits[:2]]:
		return digits[:2]
	case len(digits) >= 3:
		return digits[:3]
	}
	return digits
}

// FormatMeetingID groups a meeting ID the way Zoom prints it: 9 digits
// "123 456 789", 10 "663 102 9191", 11 "829 0044 0659". Other IDs belong to
// services with their own habits and come back as given.
func FormatMeetingID(id string) string {
	if len(id) < 9 || len(id) > 11 || !allDigits(id) {
		return id
	}
	return groupDigits(id)
}

// groupDigits splits digits into groups of three, ending in fours where
// threes would leave a lone digit or two: 123 456 789, 123 456 7890,
// 123 4567 8901.
func groupDigits(d string) string {
	n := len(d)
	if n <= 4 {
		return d
	}
	if n == 5 {
		return d[:2] + " " + d[2:]
	}
	fours := n % 3 // this many groups of four leave the rest in threes
	threes := (n - 4*fours) / 3
	parts := make([]string, 0, threes+fours)
	for i := 0; i < threes; i++ {
		parts = append(parts, d[:3])
		d = d[3:]
	}
	for i := 0; i < fours; i++ {
		parts = append(parts, d[:4])
		d = d[4:]
	}
	return strings.Join(parts, " ")
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
