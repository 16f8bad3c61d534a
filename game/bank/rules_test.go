package bank

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/quizroom/quizroom/game"
)

// ruleChecker asserts, independently of the generator's own checks, every
// rule of docs/banks.md on the questions of one game.
type ruleChecker struct {
	t     *testing.T
	b     *Bank
	items map[string]bool
	// texts counts, per item, the questions its definition appears in.
	texts map[string]int
	// shown: the stems and options of the game so far.
	shown []string
}

func newRuleChecker(t *testing.T, b *Bank) *ruleChecker {
	return &ruleChecker{t: t, b: b, items: map[string]bool{}, texts: map[string]int{}}
}

var (
	reWord       = regexp.MustCompile(`[\pL\pN]+`)
	reNotesRef   = regexp.MustCompile(`(?i)\(see (q\d|question|next|above|below)`)
	testStopList = strings.Fields(`a an the of and or in on to for vs with by at as is are be it its this that these which what
		how does do from not no than each every one all can may e g i s term true false statement statements description
		fits select apply type means blank fills missing about so if when`)
)

// wordCache memoizes words: the same options and stems come up thousands
// of times in the 300-seed test (tests using it do not run in parallel).
var wordCache = map[string][]string{}

// words are the lower-case words of s, plurals folded, stop words left out.
func words(s string) []string {
	if w, ok := wordCache[s]; ok {
		return w
	}
	w := splitWords(s)
	wordCache[s] = w
	return w
}

func splitWords(s string) []string {
	var out []string
	for _, w := range reWord.FindAllString(strings.ToLower(s), -1) {
		if slices.Contains(testStopList, w) {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") {
			w = strings.TrimSuffix(w, "s")
		}
		out = append(out, w)
	}
	return out
}

// containsWords reports whether text holds the words of name in a row.
func containsWords(text, name string) bool {
	tw, nw := words(text), words(name)
	if len(nw) == 0 {
		return false
	}
	for i := 0; i+len(nw) <= len(tw); i++ {
		if slices.Equal(tw[i:i+len(nw)], nw) {
			return true
		}
	}
	return false
}

func shareWord(a, b string) bool {
	wb := words(b)
	return slices.ContainsFunc(words(a), func(w string) bool { return slices.Contains(wb, w) })
}

func variantOf(q game.Question) string {
	parts := strings.Split(q.ID, ".")
	if len(parts) < 3 {
		return ""
	}
	return parts[len(parts)-2]
}

func (rc *ruleChecker) check(q game.Question) {
	t := rc.t
	t.Helper()
	it, ok := rc.b.Item(q.ItemID)
	if !ok {
		t.Fatalf("%s: unknown item", q.ID)
	}
	if rc.items[q.ItemID] {
		t.Errorf("%s: item asked twice in one game", q.ID)
	}
	rc.items[q.ItemID] = true
	names := append([]string{it.Term}, it.Aliases...)
	if q.Term != it.Term || q.Category != it.Category || q.ID == "" || q.Explanation == "" {
		t.Errorf("%s: term/category/id/explanation not carried over", q.ID)
	}
	if reNotesRef.MatchString(q.Explanation) || strings.Contains(q.Explanation, Mask) {
		t.Errorf("%s: explanation refers to the notes or has a blank: %q", q.ID, q.Explanation)
	}
	// The stem: one blank at most, short, never cut.
	if n := strings.Count(q.Prompt, Mask); n > 1 {
		t.Errorf("%s: %d blanks in %q", q.ID, n, q.Prompt)
	}
	if n := len(strings.Fields(q.Prompt)); n > MaxStemWords {
		t.Errorf("%s: stem of %d words: %q", q.ID, n, q.Prompt)
	}
	if strings.Contains(q.Prompt, "…") {
		t.Errorf("%s: stem cut: %q", q.ID, q.Prompt)
	}
	// Options: short, whole, no blank, distinct.
	for i, o := range q.Options {
		if utf8.RuneCountInString(o) > MaxOptionLen || strings.Contains(o, "…") || strings.Contains(o, Mask) || o == "" {
			t.Errorf("%s: option %q breaks the option rules", q.ID, o)
		}
		for _, p := range q.Options[:i] {
			if normalize(p) == normalize(o) {
				t.Errorf("%s: option %q twice", q.ID, o)
			}
		}
	}
	variant := variantOf(q)
	// No earlier stem or option names a typed question's answer.
	if q.Kind == game.KindTyped {
		for _, s := range rc.shown {
			for _, n := range names {
				if containsWords(s, n) {
					t.Errorf("%s: the answer %q is named earlier in the game: %q", q.ID, n, s)
				}
			}
		}
	}
	rc.shown = append(append(rc.shown, q.Prompt), q.Options...)
	// Where the answer is the term, the stem names neither it nor its words.
	if variant == VariantWhichTerm || variant == VariantTyped {
		for _, n := range names {
			if shareWord(q.Prompt, n) {
				t.Errorf("%s: stem %q shares a word with %q", q.ID, q.Prompt, n)
			}
		}
	}
	// Nor does it echo their root ("normal" for Normalization) or spell an
	// acronym's letters out ("basically available, soft state" for BASE).
	var described []string
	switch variant {
	case VariantWhichTerm, VariantTyped:
		described = []string{q.Prompt}
	case VariantWhatIs:
		described = q.Options
	}
	for _, d := range described {
		for _, n := range names {
			if w, ok := testRootEcho(d, n); ok {
				t.Errorf("%s: %q in %q echoes the root of %q", q.ID, w, d, n)
			}
			if testSpells(d, n) {
				t.Errorf("%s: %q spells out %q", q.ID, d, n)
			}
		}
	}
	if variant == VariantWhatIs {
		for _, o := range q.Options {
			for _, n := range names {
				if shareWord(o, n) {
					t.Errorf("%s: option %q shares a word with the term %q", q.ID, o, n)
				}
			}
		}
	}
	// Each item's definition appears in at most one question of the game.
	for _, x := range rc.b.Items {
		if x.Definition == "" {
			continue
		}
		shown := strings.Contains(q.Prompt, x.Definition)
		for _, o := range q.Options {
			shown = shown || o == x.Definition
		}
		if shown {
			rc.texts[x.ID]++
			if rc.texts[x.ID] > 1 {
				t.Errorf("%s: the definition of %s appears in a second question of the game", q.ID, x.ID)
			}
		}
	}
	switch q.Kind {
	case game.KindSingle, game.KindMulti:
		// A multi-select may have every option right ("select all that
		// apply"); a single choice needs a wrong one.
		if len(q.Options) < 3 || len(q.Options) > 6 || len(q.Correct) == 0 || len(q.Correct) > len(q.Options) ||
			(q.Kind == game.KindSingle && len(q.Correct) == len(q.Options)) {
			t.Fatalf("%s: %d options, correct %v", q.ID, len(q.Options), q.Correct)
		}
		if q.Kind == game.KindSingle && len(q.Correct) != 1 {
			t.Errorf("%s: single with correct %v", q.ID, q.Correct)
		}
		rc.checkGiveaways(q)
		if variant == VariantWhichTerm {
			if q.Options[q.Correct[0]] != it.Term {
				t.Errorf("%s: key %q is not the term", q.ID, q.Options[q.Correct[0]])
			}
			for i, o := range q.Options {
				if i == q.Correct[0] {
					continue
				}
				for _, x := range rc.b.Items {
					if x.Term == o && x.Concept != "" && x.Concept == it.Concept {
						t.Errorf("%s: distractor %q shares the concept %q", q.ID, o, x.Concept)
					}
				}
			}
		}
		if variant == VariantFacts {
			for i, o := range q.Options {
				isFact := slices.Contains(it.Facts, o)
				isMyth := slices.ContainsFunc(it.Myths, func(m Myth) bool { return m.Text == o })
				if isFact == isMyth || isFact != slices.Contains(q.Correct, i) {
					t.Errorf("%s: option %q is keyed %v", q.ID, o, slices.Contains(q.Correct, i))
				}
			}
		}
	case game.KindTrueFalse:
		if !reflect.DeepEqual(q.Options, []string{"True", "False"}) || len(q.Correct) != 1 {
			t.Fatalf("%s: %+v", q.ID, q)
		}
		statement := strings.TrimPrefix(q.Prompt, "True or false? ")
		switch {
		case slices.Contains(it.Facts, statement):
			if q.Correct[0] != 0 {
				t.Errorf("%s: a fact keyed false", q.ID)
			}
		case slices.ContainsFunc(it.Myths, func(m Myth) bool { return m.Text == statement }):
			if q.Correct[0] != 1 || !strings.HasPrefix(q.Explanation, "False.") {
				t.Errorf("%s: a myth keyed true or unexplained", q.ID)
			}
		case variant == VariantMeans:
			if q.Correct[0] == 1 && !strings.Contains(q.Explanation, "That describes") {
				t.Errorf("%s: a false statement that does not explain both terms: %q", q.ID, q.Explanation)
			}
		default:
			t.Errorf("%s: statement from nowhere: %q", q.ID, q.Prompt)
		}
	case game.KindTyped:
		if want := append(slices.Clone(names), it.Accept...); len(q.Options) != 0 || !reflect.DeepEqual(q.Accept, want) {
			t.Errorf("%s: accept %v, want %v", q.ID, q.Accept, want)
		}
		if it.NotTypeable {
			t.Errorf("%s: %q is marked not typeable", q.ID, it.Term)
		}
	default:
		t.Fatalf("%s: kind %q", q.ID, q.Kind)
	}
}

// checkGiveaways: no option set where only the key shares a word with the
// stem or only the key has a distinctive opening.
func (rc *ruleChecker) checkGiveaways(q game.Question) {
	t := rc.t
	t.Helper()
	var sharing []int
	for i, o := range q.Options {
		if shareWord(o, q.Prompt) {
			sharing = append(sharing, i)
		}
	}
	onlyKeys := len(sharing) > 0 && len(sharing) < len(q.Options) && len(q.Correct) < len(q.Options)
	for _, i := range sharing {
		onlyKeys = onlyKeys && slices.Contains(q.Correct, i)
	}
	if onlyKeys {
		t.Errorf("%s: only the correct options %v share a word with the stem %q: %q", q.ID, sharing, q.Prompt, q.Options)
	}
	if len(q.Correct) != 1 {
		return
	}
	first := func(o string) string { return strings.ToLower(strings.Fields(o)[0]) }
	key := first(q.Options[q.Correct[0]])
	for _, art := range []string{"a", "an", "a(n)", "the"} {
		n := 0
		for _, o := range q.Options {
			if first(o) == art {
				n++
			}
		}
		if (n == 1 && key == art) || (n == len(q.Options)-1 && key != art) {
			t.Errorf("%s: the key stands out by its opening %q: %q", q.ID, art, q.Options)
		}
	}
}

// The acceptance test of the issue: 300 seeds x 20 questions of every kind
// (each kind alone, then all mixed) from the default bank, every rule.
func TestGenerateRules300Seeds(t *testing.T) {
	b := Default()
	kindSets := [][]game.Kind{{game.KindSingle}, {game.KindTrueFalse}, {game.KindTyped}, {game.KindMulti}, nil}
	variants := map[string]int{}
	for _, kinds := range kindSets {
		for seed := int64(0); seed < 300; seed++ {
			qs, warnings, err := GenerateChecked(b, GenerateOptions{Count: 20, Kinds: kinds, Seed: seed})
			if err != nil {
				t.Fatalf("%v seed %d: %v", kinds, seed, err)
			}
			if len(warnings) > 0 {
				t.Errorf("%v seed %d: the default bank breaks a rule: %v", kinds, seed, warnings)
			}
			rc := newRuleChecker(t, b)
			for _, q := range qs {
				if kinds != nil && q.Kind != kinds[0] {
					t.Errorf("%s: kind %s, asked %v", q.ID, q.Kind, kinds)
				}
				rc.check(q)
				variants[string(q.Kind)+"/"+variantOf(q)]++
			}
		}
	}
	for _, v := range []string{"single/which-term", "single/what-is", "single/authored", "truefalse/fact", "truefalse/myth", "typed/typed", "multi/facts"} {
		if variants[v] < 100 {
			t.Errorf("variant %s made %d times", v, variants[v])
		}
	}
	t.Logf("variants: %v", variants)
}

func TestDefaultBankPassesLint(t *testing.T) {
	if ps := Default().Lint(); len(ps) > 0 {
		t.Fatalf("%d content warnings:\n%v", len(ps), ps)
	}
	for _, it := range Default().Items {
		if reNotesRef.MatchString(it.Answer) {
			t.Errorf("%s: answer refers to the notes' numbering", it.ID)
		}
	}
}

// The explanations the review found inaccurate are corrected.
func TestDefaultBankCorrections(t *testing.T) {
	b := Default()
	for id, want := range map[string]string{
		"backend-088": "can never exceed 10x",
		"backend-063": "OpenID Connect",
		"backend-057": "global interpreter lock",
		"backend-033": "read its responses",
	} {
		it, _ := b.Item(id)
		if !strings.Contains(it.Answer, want) {
			t.Errorf("%s: answer lacks %q: %q", id, want, it.Answer)
		}
	}
}

// A user bank without hand-written content still plays; the rules it
// breaks are reported, and one blank at most stands where the term was.
func TestGenerateUserBankWarns(t *testing.T) {
	b := &Bank{Version: Version, Title: "t", Items: []Item{
		{ID: "a", Question: "What is a widget?", Answer: "A widget is a small gadget that spins. Widgets are nice.", Term: "Widget", Aliases: []string{}, Category: "C"},
		{ID: "b", Question: "What is a sprocket?", Answer: "A sprocket is a toothed wheel that drives a chain.", Term: "Sprocket", Aliases: []string{}, Category: "C"},
		{ID: "c", Question: "What is a gear?", Answer: "In machines, a gear meshes with another gear to pass on torque.", Term: "Gear", Aliases: []string{}, Category: "C"},
		{ID: "e", Question: "What is a thread vs a process?", Answer: "A process is a running program with its own memory.", Term: "Thread", Aliases: []string{}, Category: "C"},
		{ID: "d", Question: "What is a cam?", Answer: "A cam is a rotating piece that turns circular motion into linear motion.", Term: "Cam", Aliases: []string{}, Category: "C"},
	}}
	if len(b.Lint()) == 0 {
		t.Fatal("a bank without content passes Lint")
	}
	seenWarning := false
	for seed := int64(0); seed < 30; seed++ {
		qs, warnings, err := GenerateChecked(b, GenerateOptions{Count: 4, Seed: seed})
		for _, q := range qs {
			if q.ItemID == "e" && q.Kind == game.KindTrueFalse && q.Correct[0] == 0 && strings.Contains(q.Prompt, "running program") {
				t.Errorf("%s: a process's definition keyed true for Thread", q.ID)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		seenWarning = seenWarning || len(warnings) > 0
		for _, q := range qs {
			warned := slices.ContainsFunc(warnings, func(p Problem) bool { return p.Path == q.ID })
			if strings.Count(q.Prompt, Mask) > 1 && !warned {
				t.Errorf("%s: %q without a warning", q.ID, q.Prompt)
			}
			for _, o := range q.Options {
				if strings.Contains(o, Mask) && variantOf(q) != VariantWhatIs {
					t.Errorf("%s: blank in option %q", q.ID, o)
				}
			}
		}
	}
	if !seenWarning {
		t.Error("the gear item (term twice in its only sentence) never produced a warning")
	}
	// The description phrase drops "A widget is a" and keeps the rest.
	if got := b.Lint(); got == nil {
		t.Fatal("no lint")
	}
	facts, _ := b.facts()
	if facts[0].phrase != "Small gadget that spins" || facts[2].phrase != "" || facts[3].phrase != "" {
		t.Errorf("phrases %q, %q, %q", facts[0].phrase, facts[2].phrase, facts[3].phrase)
	}
}

func TestBankKinds(t *testing.T) {
	if got := Default().Kinds(); !reflect.DeepEqual(got, SupportedKinds) {
		t.Errorf("default bank kinds %v", got)
	}
	plain := &Bank{Items: []Item{{ID: "a", Term: "T", NotTypeable: true}}}
	if got := plain.Kinds(); !reflect.DeepEqual(got, []game.Kind{game.KindSingle, game.KindTrueFalse}) {
		t.Errorf("plain bank kinds %v", got)
	}
}

// A false statement explains both terms: the myth's correction and the
// description of the term it was confused with.
func TestMythExplainsBothTerms(t *testing.T) {
	b := Default()
	idx := slices.IndexFunc(b.Items, func(it Item) bool { return it.ID == "backend-050" })
	for seed := int64(0); seed < 50; seed++ {
		c, ok := newGenerator(b, seed).make(idx, game.KindTrueFalse, VariantMyth)
		if !ok || !strings.Contains(c.q.Prompt, "attacker scripts") {
			continue
		}
		if !strings.HasPrefix(c.q.Explanation, "False. That is XSS.\nCross-site scripting: Attacker's script injected") {
			t.Fatalf("explanation %q", c.q.Explanation)
		}
		return
	}
	t.Fatal("the XSS myth of SQL injection never came up")
}

// A bank whose myths all say "only" and whose facts all say "often" is
// answered by the wording alone: Lint says so, naming both classes.
func TestLintReportsWordingThatPredictsTruth(t *testing.T) {
	var b Bank
	for i := range 12 {
		b.Items = append(b.Items, Item{ID: fmt.Sprintf("w-%d", i), Term: fmt.Sprintf("Term %d", i),
			Facts: []string{fmt.Sprintf("Thing %d is often used.", i), fmt.Sprintf("Thing %d has a name.", i)},
			Myths: []Myth{{Text: fmt.Sprintf("Thing %d only runs on Sundays.", i), Why: "No."}}})
	}
	ps := b.wordingBalance()
	if len(ps) != 2 || !strings.Contains(ps[0].Message, "absolute") || !strings.Contains(ps[1].Message, "hedged") {
		t.Fatalf("want the absolute and the hedged class reported, got %v", ps)
	}
	if !strings.Contains(ps[0].Message, "true 0% of the time") || !strings.Contains(ps[1].Message, "true 100% of the time") {
		t.Errorf("shares: %v", ps)
	}
	if ps := Default().wordingBalance(); len(ps) > 0 {
		t.Errorf("the default bank: %v", ps)
	}
}

// The same statement in two items could be shown twice in one game, once
// as a true/false and once as an option: Lint refuses it.
func TestLintReportsRepeatedStatements(t *testing.T) {
	b := Bank{Items: []Item{
		{ID: "a", Term: "Alpha", Facts: []string{"Both are fast."}},
		{ID: "b", Term: "Beta", Myths: []Myth{{Text: "Both are  fast", Why: "No."}}},
	}}
	found := false
	for _, p := range b.Lint() {
		found = found || strings.Contains(p.Message, "is also one of a's")
	}
	if !found {
		t.Errorf("repeated statement not reported: %v", b.Lint())
	}
}

// Two statements of one item that say nearly the same would make a
// multi-select with the same fact twice: Lint refuses them.
func TestLintReportsNearDuplicateStatements(t *testing.T) {
	b := Bank{Items: []Item{{ID: "ws", Term: "WebSocket", Facts: []string{
		"A WebSocket starts as an HTTP request that is upgraded.",
		"A WebSocket connection starts as an HTTP request that is upgraded.",
		"A WebSocket lets the server push messages.",
	}}}}
	n := 0
	for _, p := range b.Lint() {
		if strings.Contains(p.Message, "say nearly the same") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("want the one near-duplicate pair reported, got %d: %v", n, b.Lint())
	}
}

// Round 2 of the blind review: "basically available, soft state" gave BASE
// away, "normal forms" gave Normalization away. Lint reports both kinds of
// echo in a definition, and leaves inflections and unrelated words alone.
func TestLintReportsAcronymAndRootEchoes(t *testing.T) {
	item := func(id, term, def string) Item {
		return Item{ID: id, Term: term, Definition: def, Facts: []string{"One fact here.", "Another fact here."},
			Myths: []Myth{{Text: "A myth here.", Why: "No."}}, Confusables: []string{"x"}}
	}
	b := Bank{Items: []Item{
		item("e-1", "BASE", "Basically available, soft state: what NoSQL stores offer"),
		item("e-2", "Normalization", "Putting tables into normal forms to remove duplicates"),
		item("e-3", "Singleton", "Pattern with a single shared instance per process"),
		item("e-4", "Caching", "Keeping copies in faster storage for repeat reads"),
		item("e-5", "Programming", "Writing programs for a computer to run"),
	}}
	got := map[string]string{}
	for _, p := range b.Lint() {
		if strings.HasSuffix(p.Path, ".definition") {
			got[p.Path[strings.Index(p.Path, "(")+1:strings.Index(p.Path, ")")]] = p.Message
		}
	}
	for id, want := range map[string]string{"e-1": "letters of BASE", "e-2": `"normal" shares a root`, "e-3": `"single" shares a root`} {
		if !strings.Contains(got[id], want) {
			t.Errorf("%s: want %q reported, got %q", id, want, got[id])
		}
	}
	for _, id := range []string{"e-4", "e-5"} {
		if got[id] != "" {
			t.Errorf("%s: an inflection or an unrelated word reported: %q", id, got[id])
		}
	}
	if _, ok := spellsAcronym("atomic, consistent, isolated and durable", acronyms([]string{"ACID"})); !ok {
		t.Error("ACID spelled out was not reported")
	}
	if _, ok := spellsAcronym("a cheap index design", acronyms([]string{"Acid", "API"})); ok {
		t.Error("a word that is not in capitals was taken for an acronym")
	}
}

// testRootEcho finds a word of text that is a proper prefix of a word of
// name, or has one as a prefix, of 4 letters or more, other than a plain
// inflection (-s, -ed, -ing, ...).
func testRootEcho(text, name string) (string, bool) {
	for _, w := range words(text) {
		for _, n := range words(name) {
			short, long := w, n
			if len(short) > len(long) {
				short, long = long, short
			}
			if len(short) < 4 || short == long || !strings.HasPrefix(long, short) {
				continue
			}
			end := strings.TrimPrefix(long[len(short):], long[len(short):len(short)+1])
			if slices.Contains([]string{"s", "es", "d", "ed", "r", "er", "ers", "rs", "ing"}, long[len(short):]) ||
				(long[len(short)] == short[len(short)-1] && slices.Contains([]string{"ing", "ed", "er"}, end)) {
				continue
			}
			return w, true
		}
	}
	return "", false
}

// testSpells reports text with consecutive words whose initials spell the
// acronym name (all capitals), or its first three letters.
func testSpells(text, name string) bool {
	if len(name) < 3 || len(name) > 6 || strings.ToUpper(name) != name || strings.ContainsFunc(name, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return false
	}
	var initials strings.Builder
	for _, w := range reWord.FindAllString(strings.ToLower(text), -1) {
		initials.WriteByte(w[0])
	}
	want := strings.ToLower(name)
	if len(want) > 3 {
		want = want[:3]
	}
	return strings.Contains(initials.String(), want)
}
