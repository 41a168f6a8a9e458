package referral

import "strings"

// Program is the fellowship a group belongs to.
type Program string

const (
	ProgramAA                Program = "AA"
	ProgramNA                Program = "NA"
	ProgramCA                Program = "CA"
	ProgramCMA               Program = "CMA"
	ProgramAlAnon            Program = "Al-Anon"
	ProgramNarAnon           Program = "Nar-Anon"
	ProgramSMART             Program = "SMART Recovery"
	ProgramCelebrateRecovery Program = "Celebrate Recovery"
	ProgramRecoveryDharma    Program = "Recovery Dharma"
	ProgramRefugeRecovery    Program = "Refuge Recovery"
	ProgramLifeRing          Program = "LifeRing"
	ProgramWFS               Program = "Women for Sobriety"
	ProgramMAR               Program = "Medication-Assisted Recovery"
	ProgramOther             Program = "Other"
)

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
	Program  Program
	Family   bool     // for family members and friends, not for the person who uses
	Approach Approach // the program's usual path
	// Substances the program is built around; empty means any substance.
	Substances []Substance
	Aliases    []string // other spellings a feed or a person may use
}

// Programs lists every known program in the order a menu shows them.
var Programs = []ProgramInfo{
	{Program: ProgramNA, Approach: ApproachTwelveStep, Aliases: []string{"narcotics anonymous"}},
	{Program: ProgramAA, Approach: ApproachTwelveStep, Substances: []Substance{SubstanceAlcohol}, Aliases: []string{"alcoholics anonymous"}},
	{Program: ProgramSMART, Approach: ApproachSecular, Aliases: []string{"smart", "smart recovery"}},
	{Program: ProgramMAR, Approach: ApproachAny, Substances: []Substance{SubstanceOpioids}, Aliases: []string{"mar", "mara", "medication-assisted recovery anonymous", "medication assisted recovery"}},
	{Program: ProgramCA, Approach: ApproachTwelveStep, Substances: []Substance{SubstanceStimulants}, Aliases: []string{"cocaine anonymous"}},
	{Program: ProgramCMA, Approach: ApproachTwelveStep, Substances: []Substance{SubstanceStimulants}, Aliases: []string{"crystal meth anonymous"}},
	{Program: ProgramAlAnon, Family: true, Approach: ApproachTwelveStep, Aliases: []string{"al-anon", "alanon", "al anon", "al-anon family groups"}},
	{Program: ProgramNarAnon, Family: true, Approach: ApproachTwelveStep, Aliases: []string{"nar-anon", "naranon", "nar anon"}},
	{Program: ProgramCelebrateRecovery, Approach: ApproachFaith, Aliases: []string{"cr"}},
	{Program: ProgramRecoveryDharma, Approach: ApproachSecular},
	{Program: ProgramRefugeRecovery, Approach: ApproachSecular},
	{Program: ProgramLifeRing, Approach: ApproachSecular, Aliases: []string{"lifering secular recovery"}},
	{Program: ProgramWFS, Approach: ApproachSecular, Aliases: []string{"wfs"}},
	{Program: ProgramOther, Approach: ApproachAny},
}

// Info returns what is known about the program; an unknown program is treated
// as ProgramOther.
func (p Program) Info() ProgramInfo {
	for _, info := range Programs {
		if info.Program == p {
			return info
		}
	}
	return ProgramInfo{Program: p, Approach: ApproachAny}
}

// Known reports whether p is one of Programs.
func (p Program) Known() bool {
	for _, info := range Programs {
		if info.Program == p {
			return true
		}
	}
	return false
}

// ParseProgram reads a program from its name or a common alias, ignoring case.
func ParseProgram(s string) (Program, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, info := range Programs {
		if strings.ToLower(string(info.Program)) == s {
			return info.Program, true
		}
		for _, a := range info.Aliases {
			if a == s {
				return info.Program, true
			}
		}
	}
	return "", false
}
