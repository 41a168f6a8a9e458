package app

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"referraldesk/assets"
	"referraldesk/referral"
	"referraldesk/referral/feed"
)

// phraseFile reads translations/phrases.<lang>.json as key → each plural
// form's template ("" for a plain text).
func phraseFile(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	b, err := translations.ReadFile("translations/phrases." + lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("phrases.%s.json: %v", lang, err)
	}
	out := map[string]map[string]string{}
	for k, r := range raw {
		var text string
		if json.Unmarshal(r, &text) == nil {
			out[k] = map[string]string{"": text}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(r, &forms); err != nil {
			t.Fatalf("phrases.%s.json: %s is neither a text nor plural forms: %v", lang, k, err)
		}
		out[k] = forms
	}
	return out
}

// fields lists the parameters a template names ({{.Day}}, {{if .More}}).
func fields(t *testing.T, key, text string) []string {
	t.Helper()
	tmpl, err := template.New(key).Parse(text)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			if n.ElseList != nil {
				walk(n.ElseList)
			}
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				for _, a := range c.Args {
					walk(a)
				}
			}
		case *parse.FieldNode:
			out = append(out, n.Ident...)
		}
	}
	if tmpl.Tree != nil {
		walk(tmpl.Tree.Root)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ownWords is what a template says besides its parameters.
var actions = regexp.MustCompile(`\{\{[^}]*\}\}`)

func ownWords(text string) string { return actions.ReplaceAllString(text, " ") }

// TestPhraseFilesWordEveryCode: every code the domain emits has a template
// in English and in Spanish, each naming exactly the code's parameters, in
// every plural form a counted phrase needs; Spanish says it in other words
// than English; and no entry is there that nothing words.
func TestPhraseFilesWordEveryCode(t *testing.T) {
	en, es := phraseFile(t, "en"), phraseFile(t, "es")
	codes := referral.PhraseParams()
	for code, params := range codes {
		want := slices.Sorted(slices.Values(params))
		for lang, file := range map[string]map[string]map[string]string{"en": en, "es": es} {
			forms, ok := file[code]
			if !ok {
				t.Errorf("phrases.%s.json has no %s", lang, code)
				continue
			}
			if slices.Contains(params, "Count") && (forms["one"] == "" || forms["other"] == "") {
				t.Errorf("phrases.%s.json: %s is counted and needs a one and an other form, has %v", lang, code, slices.Sorted(maps.Keys(forms)))
			}
			var got []string
			for _, text := range forms {
				got = append(got, fields(t, code, text)...)
			}
			slices.Sort(got)
			if got = slices.Compact(got); !slices.Equal(got, want) {
				t.Errorf("phrases.%s.json: %s names %v, the domain gives %v", lang, code, got, want)
			}
		}
		for form, text := range en[code] {
			// A template of parameters only ("{{.Day}} {{.Band}}") has no
			// words of its own to translate.
			if strings.ContainsFunc(ownWords(text), isLetter) && es[code][form] == text {
				t.Errorf("phrases.es.json: %s is still English: %q", code, text)
			}
		}
	}
	// The words of parameters, and the card's own words.
	words := map[string]bool{"date": true, "list.and": true, "list.or": true, "decimal_point": true,
		"card.more_cautions": true, "card.fewer_cautions": true}
	for d := time.Sunday; d <= time.Saturday; d++ {
		words["weekday."+d.String()] = true
	}
	for _, b := range referral.TimeBands {
		words["band."+string(b)] = true
	}
	for _, a := range []referral.Approach{referral.ApproachTwelveStep, referral.ApproachSecular, referral.ApproachFaith} {
		words["approach."+string(a)] = true
	}
	for _, s := range referral.Substances {
		words["substance."+string(s)] = true
	}
	for m := 1; m <= 12; m++ {
		words["month."+strconv.Itoa(m)] = true
	}
	for _, info := range referral.Programs {
		words["program."+string(info.Program)] = false // only where Spanish names it otherwise
	}
	for k, need := range words {
		if !need {
			continue
		}
		if _, ok := en[k]; !ok {
			t.Errorf("phrases.en.json has no %s", k)
		}
		if _, ok := es[k]; !ok {
			t.Errorf("phrases.es.json has no %s", k)
		}
	}
	for lang, file := range map[string]map[string]map[string]string{"en": en, "es": es} {
		for k := range file {
			_, isWord := words[k]
			if _, isCode := codes[k]; !isCode && !isWord && !strings.HasPrefix(k, "language.") {
				t.Errorf("phrases.%s.json: nothing words %s", lang, k)
			}
		}
	}
	if !slices.Equal(slices.Sorted(maps.Keys(en)), slices.Sorted(maps.Keys(es))) {
		t.Error("phrases.en.json and phrases.es.json hold different keys")
	}
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// TestSpanishWordsAreTheSheets: the screen and the Spanish sheet name days,
// months and fellowships with the same words.
func TestSpanishWordsAreTheSheets(t *testing.T) {
	b, err := assets.SheetTexts("es")
	if err != nil {
		t.Fatal(err)
	}
	var sheet struct {
		Weekdays [7]string  `json:"weekdays"`
		Months   [12]string `json:"months"`
	}
	if err := json.Unmarshal(b, &sheet); err != nil {
		t.Fatal(err)
	}
	es := phraseFile(t, "es")
	for d := time.Sunday; d <= time.Saturday; d++ {
		if got := es["weekday."+d.String()][""]; got != sheet.Weekdays[d] {
			t.Errorf("%s is %q on screen, %q on the sheet", d, got, sheet.Weekdays[d])
		}
	}
	for m := time.January; m <= time.December; m++ {
		if got := es["month."+strconv.Itoa(int(m))][""]; got != sheet.Months[m-1] {
			t.Errorf("%s is %q on screen, %q on the sheet", m, got, sheet.Months[m-1])
		}
	}
	// A card's fellowship is named as the Spanish sheet names it, and as
	// Program.Title names it in English. Where the English title is the
	// fellowship's bare name ("Al-Anon"), the sheet's description after it
	// ("(para familia y amistades)") is not part of the name.
	var programs struct {
		Programs map[referral.Program]struct{ Name string } `json:"programs"`
	}
	if err := json.Unmarshal(b, &programs); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"es", "en"} {
		inLanguage(t, lang)
		for _, info := range referral.Programs {
			want := info.Program.Title()
			if lang == "es" {
				want = programs.Programs[info.Program].Name
				if !strings.Contains(info.Program.Title(), "(") {
					want, _, _ = strings.Cut(want, " (")
				}
			}
			if got := programTitle(info.Program); got != want {
				t.Errorf("in %s the card names %s %q, want %q", lang, info.Program, got, want)
			}
		}
	}
}

// phraseGroups is a small directory whose matches say what the command line
// said before the phrases had codes; phrasesBefore lists those sentences.
func phraseGroups() []*referral.Group {
	updated := referralNow.AddDate(0, -1, 0)
	g := func(id int64, name string, miles float64, s []referral.Session, edit ...func(*referral.Group)) *referral.Group {
		gr := &referral.Group{ID: id, Name: name, Program: referral.ProgramNA, Attendance: referral.InPerson, Sessions: s,
			TimeZone: "America/New_York", Updated: updated, Place: referral.Place{City: "Philadelphia", Coords: nearby(miles)}}
		for _, e := range edit {
			e(gr)
		}
		return gr
	}
	return []*referral.Group{
		g(1, "Grupo Esperanza", 1, at(time.Tuesday, 19), func(g *referral.Group) {
			g.Attributes.Languages = []string{"es"}
			g.Curation.MedicationFriendly = referral.MedicationYes
			g.Attributes.Openness = referral.Open
		}),
		g(2, "Old Listing", 1.5, at(time.Tuesday, 19), func(g *referral.Group) {
			g.Updated = time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
			g.Place.Approximate = true
		}),
		g(3, "Across the Line", 2, at(time.Tuesday, 18), func(g *referral.Group) { g.TimeZone = "America/Chicago" }),
		g(4, "Placed by ZIP", 1, at(time.Tuesday, 20), func(g *referral.Group) { g.Place.CoordsFromZIP = true }),
		g(5, "Ten Miles", 10, at(time.Tuesday, 19)),
		g(6, "Twelve Miles", 12, at(time.Tuesday, 19)),
		g(7, "Near Morning", 1, at(time.Tuesday, 8)),
		{ID: 8, Name: "Zoom", Program: referral.ProgramNA, Attendance: referral.Online, Sessions: at(time.Tuesday, 19),
			TimeZone: "America/New_York", Updated: updated, Online: referral.OnlineAccess{URL: "https://meet.example.org/na"}},
	}
}

func phraseNeeds() referral.Needs {
	return referral.Needs{Substances: []referral.Substance{referral.SubstanceOpioids}, ZIP: "19107", Origin: &center,
		MaxMiles: 5, ClinicZone: newYork, Limit: 10}
}

// TestEnglishPhrasesReadAsBefore: the English the command line prints is the
// English the domain wrote before its sentences became codes, and the
// window in English says the same.
func TestEnglishPhrasesReadAsBefore(t *testing.T) {
	inLanguage(t, "en")
	n := phraseNeeds()
	n.MOUD = true
	n.Languages = []string{"es"}
	n.Times = []referral.TimeBand{referral.Evening}
	n.Attend = referral.AttendInPerson
	groups := phraseGroups()[:4]
	for _, g := range groups {
		g.Attributes.Languages = []string{"es"} // the client needs Spanish
	}
	res := referral.Match(n, groups, referralNow)
	want := map[string][2][]string{ // reasons, cautions
		"Grupo Esperanza": {{"Tuesday evening", "1.0 mi away", "NA is built for opioid use", "Spanish-speaking",
			"welcomes people on medication", "open to anyone"}, nil},
		"Old Listing": {{"Tuesday evening", "1.5 mi away"},
			{"medication policy unknown — ask the group", "address is approximate", "listing not updated since 2021 — call ahead"}},
		"Across the Line": {{"Tuesday evening", "2.0 mi away"},
			{"times are local to the group (America/Chicago)", "medication policy unknown — ask the group"}},
		"Placed by ZIP": {{"Tuesday evening", "1.0 mi away"},
			{"medication policy unknown — ask the group", "placed by its ZIP code — distance is approximate"}},
	}
	if len(res.Candidates) != len(want) {
		t.Fatalf("%d candidates, want %d", len(res.Candidates), len(want))
	}
	for _, c := range res.Candidates {
		reasons, cautions := words(EnglishPhrase, c.Reasons), words(EnglishPhrase, c.Cautions)
		w := want[c.Group.Name]
		for _, r := range w[0] {
			if !slices.Contains(reasons, r) {
				t.Errorf("%s: reasons %q lack %q", c.Group.Name, reasons, r)
			}
		}
		if !slices.Equal(cautions, w[1]) && (len(cautions) > 0 || len(w[1]) > 0) {
			t.Errorf("%s: cautions %q, want %q", c.Group.Name, cautions, w[1])
		}
		if got := words(phraseText, c.Reasons); !slices.Equal(got, reasons) {
			t.Errorf("%s: the window in English says %q, the command line %q", c.Group.Name, got, reasons)
		}
	}

	t.Run("widenings", func(t *testing.T) {
		n := phraseNeeds()
		n.Attend = referral.AttendInPerson
		n.Days = []time.Weekday{time.Tuesday}
		n.Times = []referral.TimeBand{referral.Evening}
		groups := phraseGroups()[4:]
		check := func(n referral.Needs, groups []*referral.Group, want ...string) {
			t.Helper()
			var got []string
			for _, w := range referral.Match(n, groups, referralNow).Widen {
				got = append(got, EnglishPhrase(w.Phrase))
				if s := phraseText(w.Phrase); s != got[len(got)-1] {
					t.Errorf("the window in English says %q, the command line %q", s, got[len(got)-1])
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("widen\n%q\nwant\n%q", got, want)
			}
		}
		check(n, groups,
			"no group within 5 miles meets on Tuesday in the evening; 2 do within 15 miles",
			"no group within 5 miles meets on Tuesday in the evening; 1 does at any time",
			"no group within 5 miles meets on Tuesday in the evening; 1 does counting online")
		n.Attend = referral.AttendEither
		check(n, groups[:2], "no group within 5 miles or online meets on Tuesday in the evening; 2 do within 15 miles or online")
		n.Days, n.Times, n.MaxMiles = nil, nil, 11
		check(n, groups[:2], "only 1 group within 11 miles or online fits; 2 do within 33 miles or online")
		n = phraseNeeds()
		n.Approach, n.MaxMiles = referral.ApproachSecular, 11
		check(n, groups[:1], "no secular group fits these needs; secular fellowships are SMART Recovery, LifeRing, "+
			"Recovery Dharma, Refuge Recovery and Women for Sobriety — import their meeting lists to offer them")
		n.Substances = []referral.Substance{referral.SubstanceOpioids, referral.SubstanceStimulants}
		n.Approach, n.MaxMiles = "", 11
		c := referral.Match(n, groups[:1], referralNow).Candidates[0]
		if got := words(EnglishPhrase, c.Reasons); !slices.Contains(got, "NA is built for opioid use") {
			t.Errorf("reasons %q", got)
		}
	})

	t.Run("problems with the needs", func(t *testing.T) {
		for _, p := range needsProblems(t) {
			if got := EnglishPhrase(p.Phrase); got != p.Message {
				t.Errorf("%s: the phrase says %q in English, the error %q", p.Phrase.Code, got, p.Message)
			}
		}
	})
}

func words(say func(referral.Phrase) string, ps []referral.Phrase) []string {
	var out []string
	for _, p := range ps {
		out = append(out, say(p))
	}
	return out
}

// needsProblems are the problems of needs wrong in every way Validate
// knows, one of each code.
func needsProblems(t *testing.T) []referral.Problem {
	t.Helper()
	edits := []func(n *referral.Needs){
		func(n *referral.Needs) { n.For = "neighbour" },
		func(n *referral.Needs) { n.Substances = []referral.Substance{"sugar", "salt", "fat"} },
		func(n *referral.Needs) { n.Attend = "teleport" },
		func(n *referral.Needs) { n.Place = strings.Repeat("a", referral.MaxPlace+1) },
		func(n *referral.Needs) { n.Place = "?!" },
		func(n *referral.Needs) { n.Origin = nil },
		func(n *referral.Needs) { n.Origin, n.ZIP = nil, "" },
		func(n *referral.Needs) { n.Origin = &referral.Point{Lat: 91} },
		func(n *referral.Needs) { n.MaxMiles = 600.5 },
		func(n *referral.Needs) { n.Days = []time.Weekday{9} },
		func(n *referral.Needs) { n.Times = []referral.TimeBand{"brunch", "tea"} },
		func(n *referral.Needs) { n.Gender = "x" },
		func(n *referral.Needs) { n.WomenOnly, n.MenOnly = true, true },
		func(n *referral.Needs) { n.Gender, n.WomenOnly = referral.GenderMan, true },
		func(n *referral.Needs) { n.Gender, n.MenOnly = referral.GenderWoman, true },
		func(n *referral.Needs) { n.Gender, n.WomenOnly = referral.GenderOther, true },
		func(n *referral.Needs) { n.Gender, n.MenOnly = referral.GenderOther, true },
		func(n *referral.Needs) { n.Languages = []string{"Spanish"} },
		func(n *referral.Needs) { n.Approach = "astrology" },
		func(n *referral.Needs) { n.For, n.MOUD = referral.ForFamily, true },
		func(n *referral.Needs) { n.Limit = 101 },
	}
	var out []referral.Problem
	seen := map[string]bool{}
	for _, edit := range edits {
		n := phraseNeeds()
		edit(&n)
		for _, p := range referral.ErrorProblems(n.Validate()) {
			out = append(out, p)
			seen[p.Phrase.Code] = true
		}
	}
	for code := range referral.PhraseParams() {
		if strings.HasPrefix(code, "needs.") && !seen[code] {
			t.Errorf("no needs above make Validate say %s", code)
		}
	}
	return out
}

// englishFragments are the words the English phrase file says outside its
// parameters that its Spanish file never says: seen on a Spanish screen,
// they are English left over.
func englishFragments(t *testing.T) []*regexp.Regexp {
	t.Helper()
	var spanish strings.Builder
	for _, forms := range phraseFile(t, "es") {
		for _, text := range forms {
			spanish.WriteString(strings.ToLower(text) + "\n")
		}
	}
	seen := map[string]bool{}
	var out []*regexp.Regexp
	for _, forms := range phraseFile(t, "en") {
		for _, text := range forms {
			for _, f := range strings.Split(ownWords(text), "  ") {
				f = strings.Trim(f, " ;,.—()?+-")
				if len(f) < 3 || !strings.ContainsFunc(f, isLetter) || seen[f] || strings.Contains(spanish.String(), strings.ToLower(f)) {
					continue
				}
				seen[f] = true
				out = append(out, regexp.MustCompile(`(^|\W)`+regexp.QuoteMeta(f)+`($|\W)`))
			}
		}
	}
	return out
}

// sepia is the real directory of Philadelphia's AA intergroup, as an
// import reads it.
func sepia(t *testing.T) []*referral.Group {
	t.Helper()
	f, err := os.Open("../testdata/feeds/aa-sepia-meeting-guide.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := feed.Parse(context.Background(), f, feed.Options{Source: "aasepia", Program: referral.ProgramAA,
		TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range res.Groups {
		g.ID = int64(i + 1)
	}
	return res.Groups
}

// TestReferralScreenInSpanish matches the real Philadelphia directory for a
// client on MOUD at a clinic in Chicago's zone, on the Spanish window: every
// card's reasons and cautions and the widening read Spanish, with no English
// of the phrase files left, as do the problems with the needs; the same
// screen in English says it in English.
func TestReferralScreenInSpanish(t *testing.T) {
	groups := sepia(t)
	english := englishFragments(t)
	leftover := func(where, s string) {
		t.Helper()
		for _, re := range english {
			if re.MatchString(s) {
				t.Errorf("%s %q holds English %q", where, s, strings.Trim(re.String(), `(^|\W)$`))
			}
		}
	}
	run := func(t *testing.T, lang string) *referralHarness {
		inLanguage(t, lang)
		h := newReferralHarness(t, groups)
		st := referral.DefaultSettings()
		st.ClinicTimeZone = "America/Chicago" // the groups' times are not the client's
		h.s.applySettings(st)
		test.Tap(h.f.moud)
		test.Tap(h.f.days[time.Tuesday])
		test.Tap(h.f.times[2])                        // evening
		h.f.attend.SetSelected(h.f.attend.Options[1]) // in person
		h.f.miles.SetText("0.5")
		h.f.limit.SetSelected("10")
		h.typeZIP("19107")
		if len(h.s.cards) == 0 {
			t.Fatalf("no group listed; notice %q", h.notice())
		}
		return h
	}

	h := run(t, "es")
	var reasons, cautions []string
	for _, c := range h.s.cards {
		if !strings.HasPrefix(c.title.Text, "AA (Alcohólicos Anónimos) · ") {
			t.Errorf("card title %q, want the fellowship named in Spanish", c.title.Text)
		}
		if d := c.distance.Text; strings.Contains(d, ".") {
			t.Errorf("card distance %q, want a decimal comma", d)
		}
		// Tuesday evening: "mar 7:30 p. m. EST", never Go's English "PM".
		if !strings.Contains(c.when.Text, " p. m. ") || strings.Contains(c.when.Text, "PM") {
			t.Errorf("card time %q, want the evening's hour with p. m.", c.when.Text)
		}
		leftover("reasons", c.reasons.Text)
		reasons = append(reasons, c.reasons.Text)
		for _, l := range c.cautions {
			leftover("caution", l.Text)
			cautions = append(cautions, l.Text)
		}
		if n := len(c.cautions) - shownCautions; n > 0 && (c.more == nil || c.more.Text != "+"+strconv.Itoa(n)+" más") {
			t.Errorf("%s has %d cautions; its control should say +%d más", c.cand.Group.Name, len(c.cautions), n)
		}
	}
	all := strings.Join(reasons, "\n")
	for _, want := range []string{"martes por la tarde · a 0,", " mi"} {
		if !strings.Contains(all, want) {
			t.Errorf("reasons %q do not say %q", reasons, want)
		}
	}
	for _, want := range []string{"horas locales del grupo (America/New_York)",
		"no se sabe si acepta a quienes toman medicamentos — pregunte al grupo", "datos sin actualizar desde 202"} {
		if !slices.ContainsFunc(cautions, func(c string) bool { return strings.HasPrefix(c, want) }) {
			t.Errorf("cautions %q lack %q", cautions, want)
		}
	}
	if !h.s.widen.Visible() || !strings.Contains(h.s.widen.Text, "a 0,5 millas o menos se reúnen el martes por la tarde; hay ") {
		t.Errorf("widening %q, want it in Spanish", h.s.widen.Text)
	}
	leftover("widening", h.s.widen.Text)
	capture(t, h.win, "/tmp/referral-es.png") // for a person to look at, with REFERRALDESK_CAPTURE=1

	// A distance out of bounds is said under the field and on the results side.
	h.f.miles.SetText("600")
	h.settle()
	want := "La distancia debe ser mayor que 0 y de 500 millas como máximo (se escribió 600)."
	if got := h.f.problems["MaxMiles"].Text; got != want {
		t.Errorf("under the distance: %q, want %q", got, want)
	}
	if !strings.Contains(h.notice(), want) {
		t.Errorf("results side %q lacks %q", h.notice(), want)
	}
	h.f.miles.SetText("0.5")
	test.Tap(h.f.womenOnly)
	h.f.gender.SetSelected(h.f.gender.Options[1]) // a man
	h.settle()
	leftover("problem", h.notice())
	if !strings.Contains(h.notice(), "No se pueden ofrecer grupos solo de mujeres a un hombre") {
		t.Errorf("results side %q, want the contradiction in Spanish", h.notice())
	}

	h = run(t, "en")
	if c := h.s.cards[0]; !strings.Contains(c.reasons.Text, "Tuesday evening") || !strings.Contains(h.s.widen.Text, "within 0.5 miles meet on Tuesday in the evening") {
		t.Errorf("in English: reasons %q, widening %q", c.reasons.Text, h.s.widen.Text)
	}
}

// TestCardShowsTwoCautionsThenMore: a group with five cautions shows the two
// most important, and "+3 more" shows the rest in place and hides them
// again.
func TestCardShowsTwoCautionsThenMore(t *testing.T) {
	inLanguage(t, "en")
	messy := &referral.Group{ID: 50, Name: "Mixed Messages", Program: referral.ProgramNA, Attendance: referral.InPerson,
		Sessions: at(time.Tuesday, 19), TimeZone: "America/New_York", Updated: time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC),
		Place: referral.Place{City: "Philadelphia", Coords: nearby(0.2), Approximate: true}}
	messy.Attributes.Openness = referral.OpenAndClosed
	messy.Attributes.Audience = referral.WomenAndMen
	h := newReferralHarness(t, append(directoryGroups(), messy))
	test.Tap(h.f.moud)
	h.typeZIP("19107")
	c := h.card("Mixed Messages")
	all := []string{"open or closed? call ahead", "women's or men's meeting? call ahead",
		"medication policy unknown — ask the group", "address is approximate", "listing not updated since 2021 — call ahead"}
	shown := func() []string {
		var out []string
		for _, s := range texts(c.box) {
			if slices.Contains(all, s) {
				out = append(out, s)
			}
		}
		return out
	}
	if got := shown(); !slices.Equal(got, all[:2]) {
		t.Fatalf("the card shows cautions %q, want the two most important %q", got, all[:2])
	}
	if c.more == nil || !c.more.Visible() || c.more.Text != "+3 more" {
		t.Fatalf("the card should offer +3 more, has %v", c.more)
	}
	capture(t, h.win, "/tmp/referral-cautions.png") // for a person to look at, with REFERRALDESK_CAPTURE=1
	tapLink := func() { test.TapAt(c.more, fyne.NewPos(c.more.Size().Width/2, c.more.Size().Height/2)) }
	tapLink()
	if got := shown(); !slices.Equal(got, all) {
		t.Errorf("after +3 more the card shows %q, want every caution %q", got, all)
	}
	capture(t, h.win, "/tmp/referral-cautions-open.png")
	if c.more.Text != "show fewer" {
		t.Errorf("the control says %q once open, want show fewer", c.more.Text)
	}
	tapLink()
	if got := shown(); !slices.Equal(got, all[:2]) || c.more.Text != "+3 more" {
		t.Errorf("after show fewer: %q, control %q", got, c.more.Text)
	}

	// A card with two cautions or fewer shows them all and offers nothing more.
	old := h.card("Serenity Seekers")
	if old.more != nil || len(old.cautions) > shownCautions {
		t.Errorf("Serenity Seekers has %d cautions and a more control %v", len(old.cautions), old.more)
	}
	if math.IsNaN(c.cand.DistanceMiles) {
		t.Error("the messy group should be one to walk into")
	}
}

// The line saying what left most groups out words the typed distance as
// the phrases do: a decimal comma in Spanish.
func TestMostLeftOutDistanceInSpanish(t *testing.T) {
	inLanguage(t, "es")
	h := newReferralHarness(t, directoryGroups())
	h.typeZIP("19107")
	h.f.miles.SetText("0.2")
	test.Tap(h.f.days[time.Tuesday])
	test.Tap(h.f.times[2]) // evening
	h.settle()
	if got := h.notice(); !strings.Contains(got, "0,2 millas") || strings.Contains(got, "0.2") {
		t.Errorf("the results side says %q, want the distance as 0,2 millas", got)
	}
}
