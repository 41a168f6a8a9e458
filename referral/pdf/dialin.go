package pdf

import (
	"strings"

	"referraldesk/referral"
)

// phone is the card's dial-in row: the number to call and the dial-in
// notes. The notes print without a number too, because an import keeps a
// dial-in it cannot read there, as text for a person to read.
func (b *sheetBuilder) phone(o referral.OnlineAccess) string {
	// Only directory text is cut. A line read from a dial string never is,
	// as part of a passcode is no passcode; ParseDialIn's digit limits keep
	// it to two lines.
	line, read := b.t.dialIn(o.Phone)
	if !read {
		line = referral.Truncate(b.clean(line), 60)
	}
	return strings.Join(nonEmpty(line, b.optional(o.PhoneNotes)), " · ")
}

// dialIn is the card's dial-in line, and whether it was read from a dial
// string or bare number rather than passed on as the directory's text. A
// one-tap string reads as what a person keys in by hand, "Call 587-328-1099 ·
// meeting ID 829 0044 0659 · passcode 123456", and a bare number as the
// number. A string ParseDialIn cannot read (letters, a keypad command) comes
// back as it is: shown as a number to call it would send people to a wrong
// one.
func (t *texts) dialIn(raw string) (string, bool) {
	d, ok := referral.ParseDialIn(raw)
	switch {
	case !ok:
		return raw, false
	case d.MeetingID == "":
		return referral.FormatPhoneNumber(d.Number), true
	}
	parts := []string{
		strings.ReplaceAll(t.DialIn.Call, "{number}", referral.FormatPhoneNumber(d.Number)),
		strings.ReplaceAll(t.DialIn.MeetingID, "{id}", referral.FormatMeetingID(d.MeetingID)),
	}
	if d.Passcode != "" {
		parts = append(parts, strings.ReplaceAll(t.DialIn.Passcode, "{code}", d.Passcode))
	}
	return strings.Join(parts, " · "), true
}
