package referral_test

import (
	"slices"
	"strings"
	"testing"

	"referraldesk/referral"
)

func TestParseProgram(t *testing.T) {
	tests := []struct {
		in    string
		want  referral.Program
		known bool
	}{
		{"AA", referral.ProgramAA, true},
		{"narcotics anonymous", referral.ProgramNA, true},
		{"Al-Anon", referral.ProgramAlAnon, true},
		{"alanon", referral.ProgramAlAnon, true},
		{"AL ANON", referral.ProgramAlAnon, true},
		{"smart", referral.ProgramSMART, true},
		{"Nar-Anon", referral.ProgramNarAnon, true},
		{"Heroin Anonymous", referral.ProgramHA, true},
		{"HA", referral.ProgramHA, true},
		{"Pills Anonymous", referral.ProgramPA, true},
		{"pa", referral.ProgramPA, true},
		{"Marijuana Anonymous", referral.ProgramMA, true},
		{"M.A.", referral.ProgramMA, true},
		{"Families Anonymous", referral.ProgramFA, true},
		{"FA", referral.ProgramFA, true},
		{"Alateen", referral.ProgramAlateen, true},
		{"Eating Disorders Anonymous", referral.ProgramEDA, true},
		{"EDA", referral.ProgramEDA, true},
		{"Overeaters Anonymous", referral.ProgramOA, true},
		{"OA", referral.ProgramOA, true},
		{"Narcóticos Anónimos", referral.ProgramNA, true},
		{"  medication   assisted recovery ", referral.ProgramMAR, true},
		{"Gamblers Anonymous", "Gamblers Anonymous", false},
		{"  Dual   Recovery Anonymous ", "Dual Recovery Anonymous", false},
		{"Other", referral.ProgramOther, false},
		{strings.Repeat("é", referral.MaxProgram), referral.Program(strings.Repeat("é", referral.MaxProgram)), false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := referral.ParseProgram(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseProgram(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			if got.Known() != tt.known {
				t.Errorf("%q.Known() = %v, want %v", got, got.Known(), tt.known)
			}
		})
	}
}

func TestParseProgramRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"empty":    "",
		"blank":    " \t ",
		"81 chars": strings.Repeat("a", referral.MaxProgram+1),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := referral.ParseProgram(in)
			if referral.ErrorCode(err) != referral.EINVALID {
				t.Fatalf("ParseProgram(%q) = %q, %v; want an EINVALID error", in, p, err)
			}
			if msg := referral.ErrorMessage(err); !strings.Contains(msg, "name") && !strings.Contains(msg, "81 characters") {
				t.Errorf("message %q does not say why", msg)
			}
		})
	}
	t.Run("81 chars says how long", func(t *testing.T) {
		_, err := referral.ParseProgram(strings.Repeat("a", 81))
		if msg := referral.ErrorMessage(err); !strings.Contains(msg, "81 characters") || !strings.Contains(msg, "80") {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("a group with a long program is invalid", func(t *testing.T) {
		g := validGroup()
		g.Program = referral.Program(strings.Repeat("a", 81))
		ps := referral.ErrorProblems(g.Validate())
		if len(ps) != 1 || ps[0].Field != "Program" || !strings.Contains(ps[0].Message, "81 characters") {
			t.Errorf("problems %v", ps)
		}
	})
}

// TestProgramTable keeps the table whole: every known program's names find
// it again, and no two programs share a name.
func TestProgramTable(t *testing.T) {
	seen := map[string]referral.Program{}
	for _, info := range referral.Programs {
		for _, n := range info.Names() {
			if got, err := referral.ParseProgram(n); err != nil || got != info.Program {
				t.Errorf("ParseProgram(%q) = %q, %v; want %q", n, got, err, info.Program)
			}
			key := strings.ToLower(strings.NewReplacer("-", "", " ", "", ".", "").Replace(n))
			if other, ok := seen[key]; ok && other != info.Program {
				t.Errorf("%q names both %s and %s", n, other, info.Program)
			}
			seen[key] = info.Program
		}
		if info.Program.Info().Program != info.Program {
			t.Errorf("Info of %s is %s", info.Program, info.Program.Info().Program)
		}
	}
}

func TestProgramInfo(t *testing.T) {
	t.Run("unknown fellowship", func(t *testing.T) {
		info := referral.Program("Gamblers Anonymous").Info()
		if info.Program != "Gamblers Anonymous" || info.Family || info.Approach != referral.ApproachAny || len(info.Substances) != 0 {
			t.Errorf("Info = %+v", info)
		}
		if a, b := info.Score([]referral.Substance{referral.SubstanceOpioids}), referral.ProgramOther.Info().Score([]referral.Substance{referral.SubstanceOpioids}); a != b {
			t.Errorf("scores %v, Other %v", a, b)
		}
	})
	t.Run("family fellowships", func(t *testing.T) {
		for _, p := range []referral.Program{referral.ProgramAlAnon, referral.ProgramAlateen, referral.ProgramNarAnon, referral.ProgramFA} {
			if !p.Info().Family {
				t.Errorf("%s is not a family fellowship", p)
			}
		}
		for _, p := range []referral.Program{referral.ProgramHA, referral.ProgramPA, referral.ProgramMA, referral.ProgramEDA, referral.ProgramOA} {
			if p.Info().Family {
				t.Errorf("%s is a family fellowship", p)
			}
		}
	})
	t.Run("built for opioids", func(t *testing.T) {
		var built []referral.Program
		for _, info := range referral.Programs {
			if !info.Family && slices.Contains(info.Substances, referral.SubstanceOpioids) {
				built = append(built, info.Program)
			}
		}
		want := []referral.Program{referral.ProgramNA, referral.ProgramMAR, referral.ProgramHA, referral.ProgramPA}
		if !slices.Equal(built, want) {
			t.Errorf("built for opioids: %v, want %v", built, want)
		}
	})
	t.Run("title", func(t *testing.T) {
		for p, want := range map[referral.Program]string{
			referral.ProgramHA: "HA (Heroin Anonymous)", referral.ProgramAlAnon: "Al-Anon",
			"Gamblers Anonymous": "Gamblers Anonymous",
		} {
			if got := p.Title(); got != want {
				t.Errorf("%s.Title() = %q, want %q", p, got, want)
			}
		}
	})
}

// TestProgramFit pins the relevance a program earns for the substances: the
// fellowships built for a substance lead for it.
func TestProgramFit(t *testing.T) {
	opioids := []referral.Substance{referral.SubstanceOpioids}
	tests := []struct {
		name string
		subs []referral.Substance
		best []referral.Program // score FitBuilt
		less []referral.Program // score less
	}{
		{"opioids", opioids,
			[]referral.Program{referral.ProgramNA, referral.ProgramMAR, referral.ProgramHA, referral.ProgramPA},
			[]referral.Program{referral.ProgramAA, referral.ProgramCA, referral.ProgramMA, referral.ProgramSMART, referral.ProgramEDA, "Gamblers Anonymous"}},
		{"alcohol", []referral.Substance{referral.SubstanceAlcohol},
			[]referral.Program{referral.ProgramAA},
			[]referral.Program{referral.ProgramNA, referral.ProgramHA, referral.ProgramSMART}},
		{"cannabis", []referral.Substance{referral.SubstanceCannabis},
			[]referral.Program{referral.ProgramMA},
			[]referral.Program{referral.ProgramAA, referral.ProgramHA}},
		{"opioids and alcohol: the best fit counts", []referral.Substance{referral.SubstanceOpioids, referral.SubstanceAlcohol},
			[]referral.Program{referral.ProgramAA, referral.ProgramNA, referral.ProgramHA},
			[]referral.Program{referral.ProgramSMART}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range tt.best {
				if got := p.Info().Score(tt.subs); got != referral.FitBuilt {
					t.Errorf("%s scores %v, want %v", p, got, float64(referral.FitBuilt))
				}
			}
			for _, p := range tt.less {
				if got := p.Info().Score(tt.subs); got >= referral.FitBuilt {
					t.Errorf("%s scores %v, want less than %v", p, got, float64(referral.FitBuilt))
				}
			}
		})
	}
}
