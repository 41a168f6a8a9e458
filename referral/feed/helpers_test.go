package feed

import (
	"fmt"
	"io"
	"reflect"

	"referraldesk/referral"
)

// writers are the export formats, for tests that run over each.
var writers = []struct {
	name  string
	write func(io.Writer, []*referral.Group) error
}{
	{"meeting-guide", WriteMeetingGuide},
	{"csv", WriteCSV},
}

// firstDifference describes where two group lists part, field by field, so a
// failing round trip says what changed rather than dumping thousands of groups.
func firstDifference(want, got []*referral.Group) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d groups, want %d", len(got), len(want))
	}
	for i := range want {
		if reflect.DeepEqual(want[i], got[i]) {
			continue
		}
		w, g := reflect.ValueOf(*want[i]), reflect.ValueOf(*got[i])
		for f := 0; f < w.NumField(); f++ {
			if !reflect.DeepEqual(w.Field(f).Interface(), g.Field(f).Interface()) {
				return fmt.Sprintf("group %d (%q) field %s:\n got %#v\nwant %#v", i, want[i].SourceID,
					w.Type().Field(f).Name, g.Field(f).Interface(), w.Field(f).Interface())
			}
		}
	}
	return "no difference"
}
