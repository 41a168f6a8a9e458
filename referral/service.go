package referral

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Service meetings.
//
// Fellowships list their service meetings beside their recovery meetings:
// a group's business meeting, the district's or area's committee, the
// intergroup's monthly meeting, a GSR orientation. They are for members who
// run the fellowship, not for someone looking for help, so a match never
// offers them (RuleService). They stay in the directory, marked
// (Group.Service), so a refresh does not bring them back as new.
//
// A feed says so by a type code where its vocabulary has one (the 12 Step
// Meeting List's "BUS", Business), else the name says so. Names are read by
// phrase, not by word: "District 7 Business Meeting" and "Intergroup
// Meeting" are service meetings, "Area 51 Group", "Bay Area Meeting" and
// "Intergroup Noon" (a meeting held at the intergroup office) are not.

// servicePhrases are the words, folded as ServiceName folds a name, that make
// a name a service meeting's wherever they stand in it in this order.
var servicePhrases = [][]string{
	{"business", "meeting"}, {"business", "meetings"}, {"business", "mtg"},
	{"service", "meeting"}, {"service", "committee"}, {"service", "body"},
	{"general", "service"}, {"area", "service"}, {"district", "service"}, {"regional", "service"},
	{"district", "meeting"}, {"district", "committee"}, {"district", "business"},
	{"area", "assembly"}, {"area", "committee"}, {"area", "business"},
	{"intergroup", "meeting"}, {"intergroup", "business"}, {"intergroup", "committee"},
	{"intergroup", "rep"}, {"intergroup", "reps"}, {"intergroup", "representatives"},
	{"steering", "committee"}, {"steering", "meeting"}, {"group", "conscience", "meeting"},
	{"committee"}, {"committees"}, {"gsr"}, {"gsrs"}, {"dcm"}, {"dcms"},
	// Spanish
	{"reunion", "de", "servicio"}, {"junta", "de", "servicio"},
	{"reunion", "de", "negocios"}, {"junta", "de", "negocios"},
	{"comite"}, {"comites"},
}

// servicePhrasesFrom holds servicePhrases by their first word.
var servicePhrasesFrom = func() map[string][][]string {
	m := map[string][][]string{}
	for _, p := range servicePhrases {
		m[p[0]] = append(m[p[0]], p)
	}
	return m
}()

// ServiceName reports whether a listing's name says it is a service meeting
// (see servicePhrases). Case, accents and punctuation do not count.
func ServiceName(name string) bool {
	words := nameWords(name)
	for i, w := range words {
		for _, phrase := range servicePhrasesFrom[w] {
			if i+len(phrase) <= len(words) && slices.Equal(words[i:i+len(phrase)], phrase) {
				return true
			}
		}
	}
	return false
}

// nameWords splits a name into lower-case words of letters and digits, with
// accents taken off. Most names are ASCII and skip the accent folding, which
// an import of 250,000 listings would otherwise pay for on every one.
func nameWords(s string) []string {
	s = stripAccents(s)
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
