package referral_test

import (
	"errors"
	"testing"

	"referraldesk/referral"
)

func TestReplacementCheck(t *testing.T) {
	const tail = " — check the address or download it again; nothing was changed"
	tests := []struct {
		name     string
		r        referral.Replacement
		wantCode string
		wantMsg  string
	}{
		{"an empty list", referral.Replacement{Source: "aasepia", Active: 2038, Removing: 2038},
			referral.EINVALID, "the file has no meeting in it: it holds no record (an empty list such as [])" + tail},
		{"an empty list, forced", referral.Replacement{Source: "aasepia", Active: 2038, Removing: 2038, Force: true},
			referral.EINVALID, "the file has no meeting in it: it holds no record (an empty list such as [])" + tail},
		{"an empty list for a new source", referral.Replacement{Source: "new"},
			referral.EINVALID, "the file has no meeting in it: it holds no record (an empty list such as [])" + tail},
		{"only nulls", referral.Replacement{Source: "aasepia", Records: 2, Empty: 2, Active: 10, Removing: 10, Force: true},
			referral.EINVALID, "the file has no meeting in it: it holds only empty records (2 records, each null)" + tail},
		{"one null", referral.Replacement{Source: "aasepia", Records: 1, Empty: 1},
			referral.EINVALID, "the file has no meeting in it: it holds only empty records (1 record, each null)" + tail},
		{"nothing usable", referral.Replacement{Source: "aasepia", Records: 1200, Empty: 3,
			FirstSkip: `record 1 skipped: name: the record has no name`, Active: 10, Removing: 10},
			referral.EINVALID, "the file has no meeting in it: none of its 1,200 records is a meeting that can be listed; " +
				"record 1 skipped: name: the record has no name" + tail},
		{"more than half", referral.Replacement{Source: "aasepia", Records: 626, Listings: 626, Active: 2038, Removing: 1412},
			referral.ECONFLICT, "this import would remove 1,412 of the 2,038 active listings of aasepia (more than half); " +
				"if the feed really shrank, import again with --force (or Replace anyway in the window); nothing was changed"},
		{"one more than half", referral.Replacement{Source: "s", Records: 4, Listings: 4, Active: 9, Removing: 5}, referral.ECONFLICT, ""},
		{"the only listing", referral.Replacement{Source: "s", Records: 1, Listings: 1, Active: 1, Removing: 1}, referral.ECONFLICT, ""},
		{"more than half, forced", referral.Replacement{Source: "s", Records: 626, Listings: 626, Active: 2038, Removing: 1412, Force: true}, "", ""},
		{"exactly half", referral.Replacement{Source: "s", Records: 5, Listings: 5, Active: 10, Removing: 5}, "", ""},
		{"less than half", referral.Replacement{Source: "s", Records: 1223, Listings: 1223, Active: 2038, Removing: 815}, "", ""},
		{"a first import", referral.Replacement{Source: "s", Records: 3, Listings: 1}, "", ""},
		{"some records skipped", referral.Replacement{Source: "s", Records: 2038, Empty: 1, Listings: 2000, Active: 2038, Removing: 38}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Check()
			if got := referral.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("code %q (%v), want %q", got, err, tc.wantCode)
			}
			if tc.wantMsg != "" && referral.ErrorMessage(err) != tc.wantMsg {
				t.Errorf("message\n%q\nwant\n%q", referral.ErrorMessage(err), tc.wantMsg)
			}
			var shrink *referral.ShrinkError
			if isShrink := errors.As(err, &shrink); isShrink != (tc.wantCode == referral.ECONFLICT) {
				t.Fatalf("errors.As(*ShrinkError) = %v for %v", isShrink, err)
			} else if isShrink && (shrink.Source != tc.r.Source || shrink.Active != tc.r.Active || shrink.Removing != tc.r.Removing) {
				t.Errorf("the refusal carries %+v, want the replacement's counts", shrink)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 2038: "2,038",
		250000: "250,000", 1234567: "1,234,567", -1412: "-1,412"} {
		if got := referral.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
