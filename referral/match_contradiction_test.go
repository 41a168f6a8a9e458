package referral_test

import (
	"fmt"
	"slices"
	"testing"

	"referraldesk/referral"
)

func openAndClosed(g *referral.Group) { g.Attributes.Openness = referral.OpenAndClosed }
func womenAndMen(g *referral.Group)   { g.Attributes.Audience = referral.WomenAndMen }

// TestMatchContradictions: a listing that says both of a pair is read the
// safer way — both open and closed is closed for a family member; both
// women and men restricts no one and is no women's or men's group — and its
// candidate cautions to call ahead. Match and Index agree (matchBoth).
func TestMatchContradictions(t *testing.T) {
	const (
		callOpen   = "caution.open_or_closed"
		callWomen  = "caution.women_or_men"
		openReason = "reason.open"
	)
	tests := []struct {
		name     string
		needs    func(n *referral.Needs)
		groups   []*referral.Group
		want     []int64
		excluded map[referral.Rule]int
		cautions map[int64]string // a caution each offered group must have
		never    []string         // reasons no candidate may give
	}{
		{
			name:  "open and closed: not for a family member, unless a family fellowship",
			needs: func(n *referral.Needs) { n.For = referral.ForFamily },
			groups: []*referral.Group{grp(1, "Both", referral.ProgramAA, openAndClosed),
				grp(2, "Open", referral.ProgramAA), grp(3, "Families, both", referral.ProgramAlAnon, openAndClosed)},
			want:     []int64{2, 3},
			excluded: map[referral.Rule]int{referral.RuleForWhom: 1},
			cautions: map[int64]string{3: callOpen},
		},
		{
			name:  "open and closed: offered to a client, not as open",
			needs: func(n *referral.Needs) {},
			groups: []*referral.Group{grp(1, "Both", referral.ProgramNA, openAndClosed),
				grp(2, "Closed", referral.ProgramNA, closed)},
			want:     []int64{1, 2},
			excluded: map[referral.Rule]int{},
			cautions: map[int64]string{1: callOpen},
			never:    []string{openReason},
		},
		{
			name:     "women and men: a man is not turned away",
			needs:    func(n *referral.Needs) { n.Gender = referral.GenderMan },
			groups:   []*referral.Group{grp(1, "Both", referral.ProgramNA, womenAndMen), grp(2, "Women", referral.ProgramNA, women)},
			want:     []int64{1},
			excluded: map[referral.Rule]int{referral.RuleAudience: 1},
			cautions: map[int64]string{1: callWomen},
			never:    []string{"reason.women", "reason.men"},
		},
		{
			name:     "women and men: nor is a woman, or someone of another gender",
			needs:    func(n *referral.Needs) { n.Gender = referral.GenderOther },
			groups:   []*referral.Group{grp(1, "Both", referral.ProgramNA, womenAndMen), grp(2, "Men", referral.ProgramNA, men)},
			want:     []int64{1},
			excluded: map[referral.Rule]int{referral.RuleAudience: 1},
			cautions: map[int64]string{1: callWomen},
		},
		{
			name:     "women and men: no women's group to a client who asked for one",
			needs:    func(n *referral.Needs) { n.Gender = referral.GenderWoman; n.WomenOnly = true },
			groups:   []*referral.Group{grp(1, "Both", referral.ProgramNA, womenAndMen), grp(2, "Women", referral.ProgramNA, women)},
			want:     []int64{2},
			excluded: map[referral.Rule]int{referral.RuleAudience: 1},
		},
		{
			name:     "women and men: no men's group either",
			needs:    func(n *referral.Needs) { n.MenOnly = true },
			groups:   []*referral.Group{grp(1, "Both", referral.ProgramNA, womenAndMen), grp(2, "Men", referral.ProgramNA, men)},
			want:     []int64{2},
			excluded: map[referral.Rule]int{referral.RuleAudience: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNeeds()
			tt.needs(&n)
			n.Limit = referral.MaxLimit
			if err := n.Validate(); err != nil {
				t.Fatal(err)
			}
			res := matchBoth(t, n, tt.groups)
			if got := sorted(ids(res)); !slices.Equal(got, tt.want) {
				t.Errorf("offered %v, want %v", got, tt.want)
			}
			if fmt.Sprint(res.Excluded) != fmt.Sprint(tt.excluded) {
				t.Errorf("excluded %v, want %v", res.Excluded, tt.excluded)
			}
			for _, c := range res.Candidates {
				want, ok := tt.cautions[c.Group.ID]
				has := slices.Contains(said(c.Cautions), want)
				switch {
				case ok && !has:
					t.Errorf("%q cautions %q, want %q among them", c.Group.Name, c.Cautions, want)
				case !ok && (slices.Contains(said(c.Cautions), callOpen) || slices.Contains(said(c.Cautions), callWomen)):
					t.Errorf("%q says nothing contradictory, yet cautions %q", c.Group.Name, c.Cautions)
				}
				for _, r := range tt.never {
					if c.Group.Attributes.Openness == referral.OpenAndClosed || c.Group.Attributes.Audience == referral.WomenAndMen {
						if slices.Contains(said(c.Reasons), r) {
							t.Errorf("%q gives the reason %q, which its listing contradicts", c.Group.Name, r)
						}
					}
				}
			}
		})
	}
}
