package bank

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/quizroom/quizroom/game"
)

// stopWords never count as shared words or as words of a term: they carry
// no hint.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of and or in on to for vs with by at as is are be been it its this that
		these those which what who how does do from into not no than then each every one all can may e g i s
		term true false statement statements description fits fit select apply type means mean blank fills missing
		about per via your you their they them there so if when while but`) {
		stopWords[w] = true
	}
}

// stemWord folds a plural so "caches" and "cache" count as one word.
func stemWord(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

// contentWords are the stemmed words of s that may give something away.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(normalize(strings.ReplaceAll(s, Mask, " "))) {
		if !stopWords[w] {
			out[stemWord(w)] = true
		}
	}
	return out
}

func sharesWord(a, b map[string]bool) bool {
	for w := range a {
		if b[w] {
			return true
		}
	}
	return false
}

// leadVerbs open a defining sentence after the term: "A load balancer is a
// system that ..." gives the description "System that ...".
var leadVerbs = []string{"is", "are", "means", "refers to", "stands for", "is called", "describes"}

// descriptionPhrase turns a defining sentence into a description with no
// blank and none of the term's words ("System that distributes ..."), fit
// for an option, or "" when it cannot (see descriptionText), or when it is
// longer than an option may be.
func descriptionPhrase(def string, m masker, words map[string]bool, src defSource) string {
	d := descriptionText(def, m, words, src)
	if utf8.RuneCountInString(d) > MaxOptionLen {
		return ""
	}
	return d
}

// reStandaloneLead opens an answer that describes its term without naming
// it by a pronoun: "It is a lock that ..." gives "Lock that ...".
var reStandaloneLead = regexp.MustCompile(`^(?i)(?:(?:it|this)(?:\s+is|’s|'s)?|they(?:\s+are)?)\s+`)

// defSource is where a defining sentence comes from: what it may be
// trusted with.
type defSource int

const (
	// fromNamingAnswer: an answer that names the term; a sentence of it
	// that does not defines something else.
	fromNamingAnswer defSource = iota
	// fromBareAnswer: an answer that never names its term (a flashcard's
	// back); it describes the term unless it reads as another's definition.
	fromBareAnswer
	// handWritten: an item's definition, checked by Lint.
	handWritten
)

// reCopula finds the verb of a defining sentence, "X is ...".
var reCopula = regexp.MustCompile(`(?i)\s(?:is|are|means|refers to|stands for|describes)\s`)

// definesOther reports whether a sentence that does not name the term
// defines something else: it opens "X is ..." with a short subject that is
// no relative clause ("Time that is ..." describes; "A process is ..."
// defines a process).
func definesOther(text string) bool {
	loc := reCopula.FindStringIndex(text)
	if loc == nil {
		return false
	}
	subject := strings.Fields(strings.ToLower(text[:loc[0]]))
	if len(subject) > 5 {
		return false
	}
	for _, w := range subject {
		if w == "that" || w == "which" || w == "who" || w == "where" || w == "whose" || strings.ContainsAny(w, ",;:") {
			return false
		}
	}
	return true
}

// descriptionText turns a defining sentence into a description with no
// blank and none of the term's words, of any length, or "" when it cannot:
// the sentence does not open with the term, or still names it after it. A
// sentence that does not name the term at all defines something else ("A
// process is ..." under the term "Thread"), unless it is standalone: a
// hand-written definition, or the opening of an answer that never names its
// term (a flashcard's back, "The time a packet takes to travel ...").
func descriptionText(def string, m masker, words map[string]bool, src defSource) string {
	masked := strings.TrimSpace(m.mask(def))
	rest := masked
	if !strings.Contains(masked, Mask) && src == fromNamingAnswer {
		return ""
	}
	if strings.Contains(masked, Mask) {
		lower := strings.ToLower(masked)
		i := strings.Index(lower, Mask)
		head := strings.TrimSpace(lower[:i])
		if head != "" && head != "a(n)" && head != "the" && head != "a" {
			return ""
		}
		rest = strings.TrimSpace(masked[i+len(Mask):])
		if strings.HasPrefix(rest, "(") {
			if j := strings.IndexByte(rest, ')'); j > 0 {
				rest = strings.TrimSpace(rest[j+1:])
			}
		}
		verb := ""
		for _, v := range leadVerbs {
			if len(rest) > len(v) && strings.EqualFold(rest[:len(v)], v) && rest[len(v)] == ' ' {
				verb = v
				break
			}
		}
		if verb == "" {
			return ""
		}
		rest = strings.TrimSpace(rest[len(verb):])
	} else if src == fromBareAnswer {
		rest = reStandaloneLead.ReplaceAllString(rest, "")
		// "A process is a running program ..." under the term "Thread"
		// defines another term.
		if definesOther(rest) {
			return ""
		}
		// "Caching keeps ..." under the term "Cache" names it all the same.
		if _, ok := echoesRoot(rest, words); ok {
			return ""
		}
	}
	for _, art := range []string{"a ", "an ", "the "} {
		if len(rest) > len(art) && strings.EqualFold(rest[:len(art)], art) {
			rest = rest[len(art):]
			break
		}
	}
	rest = strings.TrimRight(strings.TrimSpace(rest), ".")
	if rest == "" || strings.Contains(rest, Mask) || sharesWord(contentWords(rest), words) {
		return ""
	}
	if informative(rest) < 3 {
		return ""
	}
	return capitalize(rest)
}

// termVariants are the variants whose answer is the term: their prompt must
// not give it away.
var termVariants = []string{VariantWhichTerm, VariantTyped}

var reCrossRef = regexp.MustCompile(`(?i)\((?:see|cf\.?|as in|refer to)\s+(?:q\s*\d+|question\s+\d+|(?:the\s+)?(?:next|previous|following|above|below|earlier|later)\b[^)]{0,20})\)`)

// openers are first words that give the key away when only the key (or
// every option but the key) starts with them.
var openers = map[string]bool{"a": true, "an": true, "a(n)": true, "the": true, "it": true, "its": true, "to": true, "by": true, "when": true, "this": true}

// check lists the rules of docs/banks.md the question made for item idx
// breaks.
func (g *generator) check(idx int, c candidate) []string {
	it := g.b.Items[idx]
	self := g.facts[idx]
	q := c.q
	var ps []string
	add := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	if n := strings.Count(q.Prompt, Mask); n > 1 {
		add("the stem has %d blanks, at most 1 allowed", n)
	}
	if slices.Contains(termVariants, c.variant) {
		if mentions(q.Prompt, self.names...) {
			add("the stem names the answer")
		} else if sharesWord(contentWords(q.Prompt), self.words) {
			add("the stem shares a word with the answer %q", it.Term)
		} else if w, ok := echoesRoot(q.Prompt, self.words); ok {
			add("the stem's %q shares a root with the answer %q", w, it.Term)
		}
	}
	// The descriptions must not spell the answer's letters out: the stem when
	// the term is the answer, the options when the term is in the stem (the
	// options of a term question are names, which may be the expansion).
	var described []string
	switch {
	case slices.Contains(termVariants, c.variant):
		described = []string{q.Prompt}
	case c.variant == VariantWhatIs:
		described = q.Options
	}
	for _, text := range described {
		if a, ok := spellsAcronym(text, acronyms(self.names)); ok {
			add("%q spells out the letters of %s", text, a)
		}
	}
	if c.variant == VariantWhatIs {
		for _, o := range q.Options {
			if sharesWord(contentWords(o), self.words) {
				add("option %q shares a word with the term in the stem", o)
			} else if w, ok := echoesRoot(o, self.words); ok {
				add("option %q: %q shares a root with the term in the stem", o, w)
			}
		}
	}
	for _, j := range c.texts {
		if g.usedText[j] {
			add("the description of %s already appeared in this game", g.b.Items[j].ID)
		}
	}
	for _, st := range c.statements {
		if g.usedStatements[normalize(st)] {
			add("the statement %q already appeared in this game", st)
		}
	}
	if q.Kind == game.KindTyped && it.NotTypeable {
		add("%q is marked not typeable", it.Term)
	}
	if words := len(strings.Fields(q.Prompt)); words > MaxStemWords {
		add("the stem has %d words, at most %d", words, MaxStemWords)
	}
	if strings.Contains(q.Prompt, "…") || strings.Contains(q.Prompt, "...") {
		add("the stem is cut (…)")
	}
	for _, o := range q.Options {
		switch {
		case strings.Contains(o, Mask):
			add("option %q has a blank", o)
		case utf8.RuneCountInString(o) > MaxOptionLen:
			add("option %q has %d characters, at most %d", o, utf8.RuneCountInString(o), MaxOptionLen)
		case strings.Contains(o, "…") || strings.Contains(o, "..."):
			add("option %q is cut (…)", o)
		}
	}
	for i, o := range q.Options {
		if alike(o, q.Options[:i]) {
			add("option %q appears twice", o)
		}
	}
	if q.Kind != game.KindTrueFalse && len(q.Options) >= 3 {
		ps = append(ps, giveaways(q)...)
	}
	if reCrossRef.MatchString(q.Explanation) {
		add("the explanation refers to the notes' numbering")
	}
	return ps
}

// giveaways reports an option set a player can answer without knowing the
// subject: only the correct options share a word with the stem, or only
// they (or only the others) share a distinctive opening.
func giveaways(q game.Question) []string {
	var ps []string
	if len(q.Correct) == len(q.Options) {
		// Every option is right: no cue can point at the key.
		return nil
	}
	stem := contentWords(q.Prompt)
	var sharing []int
	for i, o := range q.Options {
		if sharesWord(contentWords(o), stem) {
			sharing = append(sharing, i)
		}
	}
	if len(sharing) > 0 && len(sharing) < len(q.Options) && subset(sharing, q.Correct) {
		ps = append(ps, "only the correct option(s) share a word with the stem")
	}
	if len(q.Correct) == 1 {
		first := func(o string) string {
			f := strings.Fields(strings.ToLower(o))
			if len(f) == 0 {
				return ""
			}
			return f[0]
		}
		key := first(q.Options[q.Correct[0]])
		var others []string
		for i, o := range q.Options {
			if i != q.Correct[0] {
				others = append(others, first(o))
			}
		}
		same := !slices.ContainsFunc(others, func(w string) bool { return w != others[0] })
		switch {
		case openers[key] && !slices.Contains(others, key):
			ps = append(ps, fmt.Sprintf("only the correct option opens with %q", key))
		case same && openers[others[0]] && key != others[0]:
			ps = append(ps, fmt.Sprintf("every option but the correct one opens with %q", others[0]))
		}
	}
	return ps
}

func subset(a, b []int) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Lint reports what keeps the bank's content from making questions a quiz
// master would ship (docs/banks.md, "Content rules"): nil for the default
// bank. A bank that fails Lint still plays; Generate reports the questions
// that break a rule instead of avoiding them.
func (b *Bank) Lint() []Problem {
	var ps []Problem
	byID := map[string]int{}
	for i, it := range b.Items {
		byID[it.ID] = i
	}
	for i, it := range b.Items {
		p := fmt.Sprintf("items[%d] (%s)", i, it.ID)
		add := func(path, format string, args ...any) {
			ps = append(ps, Problem{Path: p + path, Message: fmt.Sprintf(format, args...)})
		}
		missing := func(path, message string) {
			ps = append(ps, Problem{Path: p + path, Message: message, Missing: true})
		}
		names := append([]string{it.Term}, it.Aliases...)
		words := map[string]bool{}
		for _, n := range names {
			for w := range contentWords(n) {
				words[w] = true
			}
		}
		switch d := it.Definition; {
		case d == "":
			missing(".definition", "missing: the generator falls back on the answer's first sentence")
		case utf8.RuneCountInString(d) > MaxDefinitionLen:
			add(".definition", "%d characters, at most %d", utf8.RuneCountInString(d), MaxDefinitionLen)
		case openers[strings.ToLower(strings.Fields(d)[0])]:
			add(".definition", "opens with %q, a hint at the answer's grammar", strings.Fields(d)[0])
		case mentions(d, names...) || sharesWord(contentWords(d), words):
			add(".definition", "%q uses a word of the term or an alias", d)
		default:
			if w, ok := echoesRoot(d, words); ok {
				add(".definition", "%q: %q shares a root with the term or an alias", d, w)
			}
			if a, ok := spellsAcronym(d, acronyms(names)); ok {
				add(".definition", "%q spells out the letters of %s", d, a)
			}
		}
		switch n := len(it.Facts); {
		case n == 0:
			missing(".facts", "0 facts, 2 to 4 wanted")
		case n < 2 || n > 4:
			add(".facts", "%d facts, 2 to 4 wanted", n)
		}
		if len(it.Myths) == 0 {
			missing(".myths", "none: true/false and multi-select need a false statement")
		}
		for j, s := range append(slices.Clone(it.Facts), mythTexts(it.Myths)...) {
			if utf8.RuneCountInString(s) > MaxOptionLen {
				add(fmt.Sprintf(".statement[%d]", j), "%q has %d characters, at most %d (it is an option)", s, utf8.RuneCountInString(s), MaxOptionLen)
			}
		}
		if len(it.Confusables) == 0 {
			missing(".confusables", "none")
		}
		for j, c := range it.Confusables {
			if k, ok := byID[c]; ok && b.Items[k].Concept != "" && b.Items[k].Concept == it.Concept {
				add(fmt.Sprintf(".confusables[%d]", j), "%s shares the concept %q: it is never used against this item", c, it.Concept)
			}
		}
		if reCrossRef.MatchString(it.Answer) {
			add(".answer", "refers to the notes' numbering: %q", reCrossRef.FindString(it.Answer))
		}
		for j, q := range it.Questions {
			qp := fmt.Sprintf(".questions[%d]", j)
			if w := len(strings.Fields(q.Stem)); w > MaxStemWords {
				add(qp+".stem", "%d words, at most %d", w, MaxStemWords)
			}
			kind := game.KindSingle
			if len(q.Correct) > 1 {
				kind = game.KindMulti
			}
			if len(q.Options) >= 3 {
				for _, msg := range giveaways(game.Question{Kind: kind, Prompt: q.Stem, Options: q.Options, Correct: q.Correct}) {
					add(qp, "%s", msg)
				}
			}
		}
	}
	seen := map[string]string{}
	for i, it := range b.Items {
		statements := append(slices.Clone(it.Facts), mythTexts(it.Myths)...)
		for j := range statements {
			for k := j + 1; k < len(statements); k++ {
				if nearDuplicate(statements[j], statements[k]) {
					ps = append(ps, Problem{Path: fmt.Sprintf("items[%d] (%s)", i, it.ID), Message: fmt.Sprintf("%q and %q say nearly the same: one multi-select could show both", statements[j], statements[k])})
				}
			}
		}
		for _, st := range statements {
			n := normalize(st)
			if other, ok := seen[n]; ok && other != it.ID {
				ps = append(ps, Problem{Path: fmt.Sprintf("items[%d] (%s)", i, it.ID), Message: fmt.Sprintf("the statement %q is also one of %s's", st, other)})
			}
			seen[n] = it.ID
		}
	}
	return append(ps, b.wordingBalance()...)
}

// Word classes that test-wise players read as cues: statements with an
// absolute ("only", "never") are taken for false, hedged ones ("often",
// "can") for true. A bank whose wording predicts truth is answered without
// knowing the subject.
var (
	reAbsolute = regexp.MustCompile(`(?i)\b(only|never|always|every|all|must|none|cannot|can't|whole|entire|guarantees?)\b`)
	reHedged   = regexp.MustCompile(`(?i)\b(often|usually|can|may|might|typically|commonly|some|sometimes|most|many|helps?|mainly|mostly|tends?|could)\b`)
)

// Wording balance limits: below minCued statements of a class the share is
// noise; outside [minTrueShare, 1-minTrueShare] a player who answers by the
// word alone wins clearly more than half the time.
const (
	minCued      = 10
	minTrueShare = 0.35
)

// wordingBalance reports a word class (absolute, hedged) whose presence
// predicts whether a statement is true. With true and false statements
// shown equally often, the chance that a statement carrying the class is
// true is rf/(rf+rm), rf and rm the class's rate among facts and myths.
func (b *Bank) wordingBalance() []Problem {
	var facts, myths []string
	for _, it := range b.Items {
		facts = append(facts, it.Facts...)
		myths = append(myths, mythTexts(it.Myths)...)
	}
	if len(facts) == 0 || len(myths) == 0 {
		return nil
	}
	var ps []Problem
	for _, c := range []struct {
		name string
		re   *regexp.Regexp
	}{{"absolute (only, never, always, every, must)", reAbsolute}, {"hedged (often, usually, can, may)", reHedged}} {
		nf, nm := countMatches(c.re, facts), countMatches(c.re, myths)
		if nf+nm < minCued {
			continue
		}
		rf, rm := float64(nf)/float64(len(facts)), float64(nm)/float64(len(myths))
		share := rf / (rf + rm)
		if share < minTrueShare || share > 1-minTrueShare {
			ps = append(ps, Problem{Path: "items", Message: fmt.Sprintf(
				"%s wording predicts the answer: %d of %d facts and %d of %d myths use it, so such a statement is true %.0f%% of the time; rephrase some facts or myths",
				c.name, nf, len(facts), nm, len(myths), 100*share)})
		}
	}
	return ps
}

// nearDuplicate reports two statements whose content words are at least
// three quarters the same ("A WebSocket starts as an HTTP request that is
// upgraded" and "A WebSocket connection starts as ...").
func nearDuplicate(a, b string) bool {
	wa, wb := contentWords(a), contentWords(b)
	both := 0
	for w := range wa {
		if wb[w] {
			both++
		}
	}
	union := len(wa) + len(wb) - both
	return union > 0 && both*4 >= union*3
}

func countMatches(re *regexp.Regexp, texts []string) int {
	n := 0
	for _, t := range texts {
		if re.MatchString(t) {
			n++
		}
	}
	return n
}

func mythTexts(ms []Myth) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// MinRootLen is the shortest word that counts as the root of a longer one:
// "normal" gives "normalization" away, "page" does not reach "pagination".
const MinRootLen = 4

// echoesRoot reports a word of text that is a root of a term word, or has
// one as its root, without being the same word ("normal forms" beside
// "Normalization", "single" beside "Singleton"): the echo, not knowledge,
// then points at the answer. words are the term's stemmed content words.
func echoesRoot(text string, words map[string]bool) (string, bool) {
	for w := range contentWords(text) {
		for t := range words {
			if w == t {
				continue
			}
			short, long := w, t
			if len(short) > len(long) {
				short, long = long, short
			}
			if len(short) >= MinRootLen && strings.HasPrefix(long, short) && !inflection(short, long) {
				return w, true
			}
		}
	}
	return "", false
}

// inflection reports long as short with an ending that keeps its meaning
// ("index"/"indexes", "cache"/"cached", "normalize"/"normalized").
func inflection(short, long string) bool {
	end := long[len(short):]
	if end != "" && end[0] == short[len(short)-1] {
		end = end[1:] // a doubled consonant: "program"/"programming"
	}
	switch end {
	case "s", "es", "d", "ed", "r", "er", "rs", "ers", "ing", "'s":
		return true
	}
	return false
}

// acronyms are the names written in capitals only ("BASE", "ACID", "JWT"),
// lower-cased.
func acronyms(names []string) []string {
	var out []string
	for _, n := range names {
		if l := utf8.RuneCountInString(n); l < 2 || l > 6 || strings.ToUpper(n) != n || strings.ToLower(n) == n {
			continue
		}
		if strings.IndexFunc(n, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
			continue
		}
		out = append(out, strings.ToLower(n))
	}
	return out
}

// spellsAcronym reports text that spells out one of the acronyms: consecutive
// words whose initials make the whole acronym, or its first three letters
// for a longer one ("basically available, soft state" for BASE).
func spellsAcronym(text string, acr []string) (string, bool) {
	var initials []byte
	for _, w := range strings.Fields(normalize(text)) {
		initials = append(initials, w[0])
	}
	s := string(initials)
	for _, a := range acr {
		need := a
		if len(a) > 3 {
			need = a[:3]
		}
		if len(need) >= 3 && strings.Contains(s, need) {
			return strings.ToUpper(a), true
		}
	}
	return "", false
}
