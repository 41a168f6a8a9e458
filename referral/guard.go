package referral

import (
	"fmt"
	"strconv"
)

// Replacement is what one import would do to the listings of its source, in
// the counts that the rule "an import never destroys" looks at (Check). A
// feed that comes back empty, as an error page or cut to a fraction is far
// more often a broken download than a fellowship that closed its meetings,
// and replacing a source with it would take the groups out of every match.
type Replacement struct {
	Source string
	// Records is how many records the file held, usable or not; Empty how
	// many of them held nothing at all (JSON null); Listings how many usable
	// listings they gave.
	Records, Empty, Listings int
	// FirstSkip, when no record is usable, says why the first one was
	// skipped, so the refusal names a reason the person can check.
	FirstSkip string
	// Active is how many listings of the source the directory has now that
	// are not inactive; Removing is how many of those the file does not list,
	// which the import would remove. Inactive listings are not counted: they
	// are never offered, so losing them loses no client a group.
	Active, Removing int
	// Force is ImportOptions.Force: the person saw how many listings would go
	// and wants them gone.
	Force bool
}

// Check decides whether the import may replace its source, before anything
// is written:
//
//   - a file with no usable listing is refused with an EINVALID error, even
//     with Force and even for a new source: it can only empty the source or
//     add a source with nothing in it;
//   - one that would remove more than half of the source's active listings
//     is refused with a *ShrinkError (ECONFLICT) unless Force is set;
//   - anything else may go ahead. A new source has nothing to lose.
func (r Replacement) Check() error {
	if r.Listings == 0 {
		switch {
		case r.Records == 0:
			return NoMeeting("it holds no record (an empty list such as [])")
		case r.Empty == r.Records:
			return NoMeeting(fmt.Sprintf("it holds only empty records (%s, each null)", records(r.Records)))
		default:
			why := ""
			if r.FirstSkip != "" {
				why = "; " + r.FirstSkip
			}
			return NoMeeting(fmt.Sprintf("none of its %s is a meeting that can be listed%s", records(r.Records), why))
		}
	}
	if r.Removing*2 > r.Active && !r.Force {
		return &ShrinkError{Source: r.Source, Active: r.Active, Removing: r.Removing}
	}
	return nil
}

// NoMeeting is the EINVALID refusal of a file or download with no meeting in
// it; what says what it holds instead ("it holds HTML (a web page, …)").
func NoMeeting(what string) *Error {
	return Errorf(EINVALID, "the file has no meeting in it: %s — check the address or download it again; nothing was changed", what)
}

// ShrinkError is the refusal of an import that would remove more than half of
// a source's active listings. Its code is ECONFLICT: the file may be right
// (the feed really shrank), so a person who has seen the counts may import it
// again with ImportOptions.Force; the window asks with these counts.
type ShrinkError struct {
	Source   string
	Active   int // the source's active listings now
	Removing int // of those, how many the import would remove
}

func (e *ShrinkError) Error() string { return e.Unwrap().Error() }

// Unwrap gives the coded error, so ErrorCode and ErrorMessage read it.
func (e *ShrinkError) Unwrap() error {
	return Errorf(ECONFLICT, "this import would remove %s of the %s active listings of %s (more than half); "+
		"if the feed really shrank, import again with --force (or Replace anyway in the window); nothing was changed",
		Thousands(e.Removing), Thousands(e.Active), e.Source)
}

// Thousands writes n with commas between groups of three digits: 2,038.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// records counts records: "1 record", "2,038 records".
func records(n int) string {
	return Thousands(n) + plural(n, " record", " records")
}
