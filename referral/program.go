package referral

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Program is the fellowship a group belongs to: its name as the directory
// or the counselor gives it. Any fellowship is a Program; those in Programs
// are known, and carry the rules a match reads (see Info). Known ones are
// stored under their name in the table ("AA", "Al-Anon"), whatever spelling
// a feed used.
type Program string

const (
	ProgramAA                Program = "AA"
	ProgramNA                Program = "NA"
	ProgramCA                Program = "CA"
	ProgramCMA               Program = "CMA"
	ProgramHA                Program = "HA"
	ProgramPA                Program = "PA"
	ProgramMA                Program = "MA"
	ProgramAlAnon            Program = "Al-Anon"
	ProgramAlateen           Program = "Alateen"
	ProgramNarAnon           Program = "Nar-Anon"
	ProgramFA                Program = "FA"
	ProgramSMART             Program = "SMART Recovery"
	ProgramCelebrateRecovery Program = "Celebrate Recovery"
	ProgramRecoveryDharma    Program = "Recovery Dharma"
	ProgramRefugeRecovery    Program = "Refuge Recovery"
	ProgramLifeRing          Program = "LifeRing"
	ProgramWFS               Program = "Women for Sobriety"
	ProgramMAR               Program = "Medication-Assisted Recovery"
	ProgramEDA               Program = "EDA"
	ProgramOA                Program = "OA"
	// ProgramOther is what earlier versions stored for a fellowship they did
	// not know. It names none, so it is not in Programs: it matches as any
	// unknown fellowship does, and a sheet calls it a support group.
	ProgramOther Program = "Other"
)

// MaxProgram bounds a program's name, in characters: the longest known one
// is 28.
const MaxProgram = 80

// Approach is the kind of path a program offers.
type Approach string

const (
	ApproachAny        Approach = ""
	ApproachTwelveStep Approach = "12-step"
	ApproachSecular    Approach = "secular"
	ApproachFaith      Approach = "faith"
)

// Substance is what a client uses or used; it makes some programs more relevant.
type Substance string

const (
	SubstanceOpioids    Substance = "opioids"
	SubstanceAlcohol    Substance = "alcohol"
	SubstanceStimulants Substance = "stimulants" // cocaine, methamphetamine
	SubstanceCannabis   Substance = "cannabis"
	SubstanceOther      Substance = "other"
)

// ProgramInfo is what the domain knows about a fellowship.
type ProgramInfo struct {
	Program Program
	Name    string // spelled out when Program is an abbreviation: "Heroin Anonymous"
	Family  bool   // for family members and friends, not for the person who uses
	// Approach is the program's usual path.
	Approach Approach
	// Substances the program is built around: it fits a client who uses one
	// of them best (FitBuilt). For a family fellowship, the substances of the
	// person its members worry about.
	Substances []Substance
	Fit        Fit
	Aliases    []string // other names a feed or a person may use
}

// Fit scores how well a program suits a client by the substances they use,
// from 0 to FitBuilt: a judgement call kept in the program table so a clinic
// can read and change it in one place. A program scores FitBuilt for the
// substances it is built around, Except's value for those listed there, Rest
// for any other, and Unsaid when the counselor named no substance; a client
// who uses several gets the best fit.
type Fit struct {
	Rest, Unsaid float64
	Except       map[Substance]float64
}

// FitBuilt is the fit of a program built around the client's substance.
const FitBuilt = 20

// Score is the program's fit for a client who uses subs.
func (info ProgramInfo) Score(subs []Substance) float64 {
	if len(subs) == 0 {
		return info.Fit.Unsaid
	}
	best := 0.0
	for _, s := range subs {
		fit, ok := info.Fit.Except[s]
		switch {
		case slices.Contains(info.Substances, s):
			fit = FitBuilt
		case !ok:
			fit = info.Fit.Rest
		}
		best = max(best, fit)
	}
	return best
}

// Programs lists every known program in the order a menu shows them: the
// fellowships for the person who uses (opioids first), then those for family
// and friends, then the rest. NA and MAR lead for opioids with HA and PA, AA
// for alcohol, CA and CMA for stimulants, MA for cannabis; programs built for
// any substance sit in the middle; family fellowships follow the same logic
// for the person they worry about. An open meeting of a client fellowship
// offered to a family member is ranked down apart from this (see Match).
var Programs = []ProgramInfo{
	{Program: ProgramNA, Name: "Narcotics Anonymous", Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceOpioids},
		Fit:        Fit{Rest: 18, Unsaid: 14, Except: map[Substance]float64{SubstanceAlcohol: 8}},
		Aliases:    []string{"Narcóticos Anónimos"}},
	{Program: ProgramMAR, Approach: ApproachAny, Substances: []Substance{SubstanceOpioids},
		Fit:     Fit{Rest: 4, Unsaid: 10},
		Aliases: []string{"MAR", "MARA", "Medication-Assisted Recovery Anonymous", "Medication Assisted Recovery"}},
	{Program: ProgramHA, Name: "Heroin Anonymous", Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceOpioids}, Fit: Fit{Rest: 6, Unsaid: 10}},
	{Program: ProgramPA, Name: "Pills Anonymous", Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceOpioids, SubstanceOther}, Fit: Fit{Rest: 6, Unsaid: 10}},
	{Program: ProgramAA, Name: "Alcoholics Anonymous", Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceAlcohol},
		Fit:        Fit{Rest: 6, Unsaid: 14, Except: map[Substance]float64{SubstanceOpioids: 4}},
		Aliases:    []string{"Alcohólicos Anónimos"}},
	{Program: ProgramCA, Name: "Cocaine Anonymous", Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceStimulants}, Fit: Fit{Rest: 6, Unsaid: 10},
		Aliases: []string{"Cocaína Anónimos"}},
	{Program: ProgramCMA, Name: "Crystal Meth Anonymous", Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceStimulants}, Fit: Fit{Rest: 6, Unsaid: 10}},
	{Program: ProgramMA, Name: "Marijuana Anonymous", Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceCannabis}, Fit: Fit{Rest: 6, Unsaid: 10},
		Aliases: []string{"Marihuana Anónimos"}},
	{Program: ProgramSMART, Approach: ApproachSecular, Fit: Fit{Rest: 14, Unsaid: 14}, Aliases: []string{"SMART"}},
	{Program: ProgramLifeRing, Approach: ApproachSecular, Fit: Fit{Rest: 14, Unsaid: 14},
		Aliases: []string{"LifeRing Secular Recovery"}},
	{Program: ProgramRecoveryDharma, Approach: ApproachSecular, Fit: Fit{Rest: 14, Unsaid: 14}},
	{Program: ProgramRefugeRecovery, Approach: ApproachSecular, Fit: Fit{Rest: 14, Unsaid: 14}},
	{Program: ProgramWFS, Approach: ApproachSecular, Fit: Fit{Rest: 14, Unsaid: 14}, Aliases: []string{"WFS"}},
	{Program: ProgramCelebrateRecovery, Approach: ApproachFaith, Fit: Fit{Rest: 12, Unsaid: 12}, Aliases: []string{"CR"}},
	{Program: ProgramAlAnon, Family: true, Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceAlcohol}, Fit: Fit{Rest: 14, Unsaid: 18},
		Aliases: []string{"Al-Anon Family Groups", "AFG"}},
	{Program: ProgramAlateen, Family: true, Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceAlcohol}, Fit: Fit{Rest: 12, Unsaid: 16}},
	{Program: ProgramNarAnon, Family: true, Approach: ApproachTwelveStep,
		Substances: []Substance{SubstanceOpioids, SubstanceStimulants, SubstanceCannabis, SubstanceOther},
		Fit:        Fit{Rest: 12, Unsaid: 18}, Aliases: []string{"Nar-Anon Family Groups"}},
	{Program: ProgramFA, Name: "Families Anonymous", Family: true, Approach: ApproachTwelveStep,
		Fit: Fit{Rest: 18, Unsaid: 18}, Aliases: []string{"Familias Anónimas"}},
	// Eating disorders are not among the substances a clinic records: these
	// fit any client weakly, and the sheet says who they are for.
	{Program: ProgramEDA, Name: "Eating Disorders Anonymous", Approach: ApproachTwelveStep, Fit: Fit{Rest: 2, Unsaid: 4}},
	{Program: ProgramOA, Name: "Overeaters Anonymous", Approach: ApproachTwelveStep, Fit: Fit{Rest: 2, Unsaid: 4},
		Aliases: []string{"Comedores Compulsivos Anónimos"}},
}

// unknownFit is the fit of a fellowship the table does not know: it may suit
// anyone, and nothing says it suits the client best.
var unknownFit = Fit{Rest: 8, Unsaid: 8}

// Names are every name the program is known by, its own first.
func (info ProgramInfo) Names() []string {
	names := []string{string(info.Program)}
	if info.Name != "" {
		names = append(names, info.Name)
	}
	return append(names, info.Aliases...)
}

// Title is the program's name for a person reading a list: "HA (Heroin
// Anonymous)", "Al-Anon", or an unknown fellowship's own name.
func (p Program) Title() string {
	if info := p.Info(); info.Name != "" {
		return string(p) + " (" + info.Name + ")"
	}
	return string(p)
}

// programIndex finds known programs by Program (their place in Programs)
// and by every name they go by, folded (see programKey).
var programIndex = func() (ix struct {
	at    map[Program]int
	byKey map[string]Program
}) {
	ix.at, ix.byKey = map[Program]int{}, map[string]Program{}
	for k, info := range Programs {
		ix.at[info.Program] = k
		for _, n := range info.Names() {
			ix.byKey[programKey(n)] = info.Program
		}
	}
	return ix
}()

// programKey folds a program's name: no case, accents, spaces or
// punctuation, so "Al-Anon", "alanon" and "AL ANON" are one.
func programKey(s string) string { return strings.ReplaceAll(PlaceKey(s), " ", "") }

// Info returns what is known about the program. An unknown fellowship is
// for the person who uses, follows no particular approach and suits any
// substance as well as any other (it scores as ProgramOther always did).
func (p Program) Info() ProgramInfo {
	if k, ok := programIndex.at[p]; ok {
		return Programs[k]
	}
	return ProgramInfo{Program: p, Approach: ApproachAny, Fit: unknownFit}
}

// Known reports whether p is one of Programs.
func (p Program) Known() bool {
	_, ok := programIndex.at[p]
	return ok
}

// ParseProgram reads a fellowship's name. A known program is found by its
// name, its spelled-out name or an alias, ignoring case, accents and
// punctuation ("heroin anonymous" is HA, "alanon" Al-Anon); any other name is
// a fellowship of its own, kept as written with its spaces tidied. An empty
// name, or one longer than MaxProgram characters, is an EINVALID error.
func ParseProgram(s string) (Program, error) {
	s = strings.Join(strings.Fields(s), " ")
	if err := Program(s).validate(); err != nil {
		return "", err
	}
	if p, ok := programIndex.byKey[programKey(s)]; ok {
		return p, nil
	}
	return Program(s), nil
}

// validate says what is wrong with the program's name, if anything.
func (p Program) validate() error {
	switch n := utf8.RuneCountInString(string(p)); {
	case strings.TrimSpace(string(p)) == "":
		return Errorf(EINVALID, "the program needs a name, for example AA, NA or SMART Recovery")
	case n > MaxProgram:
		return Errorf(EINVALID, "the program's name is %d characters long; shorten it to %d or fewer", n, MaxProgram)
	}
	return nil
}
