package bank

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/quizroom/quizroom/game"
)

// MaxOptionLen is the longest option a generated question may have, in
// characters (runes): what fits a phone-sized answer button without a cut.
const MaxOptionLen = 80

// MaxStemWords is the longest stem a generated question may have, in words:
// what a player reads, with the options, within a 20-second question.
const MaxStemWords = 30

// GenerateOptions chooses what Generate makes.
type GenerateOptions struct {
	// Count is how many questions to make (one per item, items never repeat).
	Count int
	// Categories restricts the items used; empty means every category.
	Categories []string
	// Kinds are the kinds to mix: game.KindSingle, game.KindTrueFalse,
	// game.KindTyped, game.KindMulti. Empty means all four.
	Kinds []game.Kind
	// Seed makes the result reproducible: same bank, options and seed give
	// the same questions.
	Seed int64
}

// Variants of a generated question, the middle part of its ID.
const (
	VariantWhichTerm = "which-term" // single: a description, 4 terms
	VariantWhatIs    = "what-is"    // single: a term, 4 descriptions
	VariantAuthored  = "authored"   // single or multi: hand-written
	VariantFact      = "fact"       // true/false: a true fact
	VariantMyth      = "myth"       // true/false: a near-miss false statement
	VariantMeans     = "means"      // true/false: term paired with its own or a confusable's description
	VariantTyped     = "typed"      // typed: a description, type the term
	VariantFacts     = "facts"      // multi: facts and myths, select the true ones
)

// SupportedKinds are the kinds Generate can make.
var SupportedKinds = []game.Kind{game.KindSingle, game.KindTrueFalse, game.KindTyped, game.KindMulti}

// Generate turns bank items into playable questions: Count items drawn at
// random from the chosen categories, each made into a question of one of
// the chosen kinds. Questions that break a rule of docs/banks.md are never
// made from a bank that passes Lint (the default bank); for other banks
// they are made when nothing better is possible, and GenerateChecked
// reports them. Errors are *Error with CodeInvalidOptions or
// CodeNotEnoughItems.
func Generate(b *Bank, opts GenerateOptions) ([]game.Question, error) {
	qs, _, err := GenerateChecked(b, opts)
	return qs, err
}

// GenerateChecked is Generate, also returning a warning for every rule a
// question breaks (Path is the question's ID). The warnings are empty for
// a bank that passes Lint.
func GenerateChecked(b *Bank, opts GenerateOptions) ([]game.Question, []Problem, error) {
	if b == nil {
		return nil, nil, errorf(CodeInvalidOptions, "no bank")
	}
	if opts.Count < 1 {
		return nil, nil, errorf(CodeInvalidOptions, "count must be at least 1, got %d", opts.Count)
	}
	kinds := opts.Kinds
	if len(kinds) == 0 {
		kinds = SupportedKinds
	}
	for _, k := range kinds {
		if !slices.Contains(SupportedKinds, k) {
			return nil, nil, errorf(CodeInvalidOptions, "kind %q cannot be generated from a bank (use single, truefalse, typed or multi)", k)
		}
	}
	known := map[string]bool{}
	for _, it := range b.Items {
		known[it.Category] = true
	}
	for _, c := range opts.Categories {
		if !known[c] {
			return nil, nil, errorf(CodeInvalidOptions, "unknown category %q", c)
		}
	}
	g := newGenerator(b, opts.Seed)
	var pool []int
	for i, it := range b.Items {
		if len(opts.Categories) == 0 || slices.Contains(opts.Categories, it.Category) {
			pool = append(pool, i)
		}
	}
	if len(pool) < opts.Count {
		return nil, nil, errorf(CodeNotEnoughItems, "the chosen categories hold %d item(s), %d question(s) asked", len(pool), opts.Count)
	}
	g.rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	out := make([]game.Question, 0, opts.Count)
	var warnings []Problem
	// Kinds are dealt round-robin from a shuffled deck so a game mixes them
	// evenly rather than by chance.
	deck := slices.Clone(kinds)
	next := len(deck)
	tried := make([]bool, len(pool))
	for {
		if len(out) == opts.Count {
			break
		}
		if next == len(deck) {
			g.rng.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
			next = 0
		}
		// The slot goes to the first item not yet tried whose turn for this
		// seed names the slot's kind, else to the first item not yet tried.
		// An item's turn names a kind every other seed, the next kind each
		// time (see turn): games played one after another draw mostly
		// different items, and show an item they share as a different kind.
		at := -1
		for i, idx := range pool {
			if tried[i] {
				continue
			}
			if at < 0 {
				at = i
			}
			if k, ok := g.turn(idx, len(kinds)); ok && kinds[k] == deck[next] {
				at = i
				break
			}
		}
		if at < 0 {
			break
		}
		tried[at] = true
		idx := pool[at]
		g.precious = g.precious[:0]
		if left := len(pool) - countTrue(tried); !g.strict && left < opts.Count-len(out) {
			// Every item still untried will be asked: a question that shows
			// one's description would leave it with none of its own, and
			// (in a bank failing Lint) make a question breaking the rule.
			// A bank passing Lint never breaks it anyway.
			for i, j := range pool {
				if !tried[i] {
					g.precious = append(g.precious, j)
				}
			}
		}
		order := []game.Kind{deck[next]}
		for _, k := range kinds {
			if k != deck[next] {
				order = append(order, k)
			}
		}
		c, ok := g.item(idx, order)
		if !ok {
			continue
		}
		next++
		c.q.ID = fmt.Sprintf("%s.%s.%d", b.Items[idx].ID, c.variant, opts.Seed)
		for _, p := range c.problems {
			warnings = append(warnings, Problem{Path: c.q.ID, Message: p})
		}
		g.commit(c)
		out = append(out, c.q)
	}
	if len(out) < opts.Count {
		return nil, nil, errorf(CodeNotEnoughItems, "the chosen categories and kinds can make only %d question(s), %d asked: %s", len(out), opts.Count, g.shortfall(pool, kinds))
	}
	return out, warnings, nil
}

type generator struct {
	b     *Bank
	rng   *rand.Rand
	seed  uint64
	facts []fact
	// strict: the bank passes Lint, so a question breaking a rule is never
	// made.
	strict bool
	// usedText marks the items whose description already appeared in a
	// question of this game: it may not appear in another.
	usedText map[int]bool
	// usedStatements holds the normalized facts and myths already shown in
	// this game, as a true/false stem or a multi-select option: a statement
	// is never shown twice, in either kind.
	usedStatements map[string]bool
	// shown holds every stem and option of the game so far: a later typed
	// question whose answer one of them names is given away.
	shown []string
	// precious holds the items a game from a bank failing Lint that asks
	// nearly every item of its pool has still to ask: a question showing their descriptions (what-is
	// options, a false "means") is made only when nothing else is possible.
	precious []int
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// fact is what the generator knows of one item. Facts are derived once per
// bank (Bank.facts) and only read afterwards, so games share them.
type fact struct {
	names   []string        // term then aliases
	keys    []string        // names normalized
	words   map[string]bool // stemmed content words of the names
	concept string
	mask    masker
	// phrase is a description with no blank and none of the names' words,
	// fit for an option or a prompt; empty when the item has none.
	phrase string
	// clue is a description too long for an option but fit for a prompt:
	// the opening of an answer that never names its term (a flashcard's
	// back). Empty when the item has a phrase.
	clue string
	// sentence is the defining sentence with the item's names masked: the
	// prompt when there is neither phrase nor clue.
	sentence string
	// near holds the ids of the item's neighbours: items that name it as a
	// confusable, and the confusables of its confusables.
	near map[string]bool
}

// factCache holds a bank's facts, built on first use.
type factCache struct {
	once   sync.Once
	facts  []fact
	linted bool
}

// facts returns the bank's facts, compiling each item's masking regexp the
// first time only (about 90 regexps, a few ms, for the default bank): safe
// for concurrent use, like every read of a Bank.
func (b *Bank) facts() ([]fact, bool) {
	b.derived.once.Do(func() {
		facts := make([]fact, 0, len(b.Items))
		for _, it := range b.Items {
			names := append([]string{it.Term}, it.Aliases...)
			keys := make([]string, len(names))
			words := map[string]bool{}
			for i, n := range names {
				keys[i] = normalize(n)
				for w := range contentWords(n) {
					words[w] = true
				}
			}
			concept := it.Concept
			if concept == "" {
				concept = "id:" + it.ID
			}
			m := newMasker(names...)
			def := definition(it, m)
			f := fact{names: names, keys: keys, words: words, concept: concept, mask: m, sentence: oneBlank(m.mask(def), it.Answer, m)}
			src := fromNamingAnswer
			switch {
			case it.Definition != "":
				src = handWritten
			case !strings.Contains(m.mask(it.Answer), Mask):
				src = fromBareAnswer
			}
			f.phrase = descriptionPhrase(def, m, words, src)
			if f.phrase == "" && src == fromBareAnswer {
				f.clue = answerClue(it, m, words)
			}
			facts = append(facts, f)
		}
		for i, it := range b.Items {
			near := map[string]bool{}
			for _, o := range b.Items {
				if slices.Contains(o.Confusables, it.ID) {
					near[o.ID] = true
				}
				if slices.Contains(it.Confusables, o.ID) {
					for _, c := range o.Confusables {
						near[c] = true
					}
				}
			}
			facts[i].near = near
		}
		b.derived.facts = facts
		b.derived.linted = len(b.Validate()) == 0 && len(b.Lint()) == 0
	})
	return b.derived.facts, b.derived.linted
}

func newGenerator(b *Bank, seed int64) *generator {
	facts, strict := b.facts()
	return &generator{b: b, seed: uint64(seed), rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), facts: facts, strict: strict, usedText: map[int]bool{}, usedStatements: map[string]bool{}}
}

// definition picks the defining sentence of an item: its Definition, else
// the first sentence of the answer, with the next one added while the
// sentence says too little once the term is masked.
func definition(it Item, m masker) string {
	if it.Definition != "" {
		return it.Definition
	}
	ss := sentences(it.Answer)
	if len(ss) == 0 {
		return it.Answer
	}
	def := ss[0]
	for i := 1; i < len(ss) && informative(m.mask(def)) < 6; i++ {
		def += " " + ss[i]
	}
	return def
}

// clueWords is the longest clue a prompt may show: the stem's limit less
// longest lead ("True or false? “Term” means:").
const clueWords = MaxStemWords - 6

// answerClue is the description of an item whose answer never names its
// term, when it is too long for an option: the answer's first sentence as
// is (its leading article dropped), or "" when that is over clueWords
// words or shares a word with the term.
func answerClue(it Item, m masker, words map[string]bool) string {
	ss := sentences(it.Answer)
	if len(ss) == 0 {
		return ""
	}
	d := descriptionText(ss[0], m, words, fromBareAnswer)
	if len(strings.Fields(d)) > clueWords {
		return ""
	}
	return d
}

// AnswerDescribes reports whether an item whose answer never names its
// term (a flashcard's back) can be asked all the same: the answer's first
// sentence describes it as is, with none of its names' words, in at most
// clueWords words. The importer warns about the items that cannot.
func AnswerDescribes(term string, aliases []string, answer string) bool {
	names := append([]string{term}, aliases...)
	words := map[string]bool{}
	for _, n := range names {
		for w := range contentWords(n) {
			words[w] = true
		}
	}
	return answerClue(Item{Term: term, Aliases: aliases, Answer: answer}, newMasker(names...), words) != ""
}

// oneBlank returns masked, or when it has more than one blank (the term
// said twice) the first sentence of the answer that has exactly one and
// says enough.
func oneBlank(masked, answer string, m masker) string {
	if strings.Count(masked, Mask) <= 1 {
		return masked
	}
	for _, s := range sentences(answer) {
		if ms := m.mask(s); strings.Count(ms, Mask) == 1 && informative(ms) >= 6 {
			return ms
		}
	}
	return masked
}

// informative counts the words of text other than masks.
func informative(text string) int {
	n := 0
	for _, w := range strings.Fields(text) {
		if !strings.Contains(w, Mask) {
			n++
		}
	}
	return n
}

// candidate is a question being made, with what it uses of the bank.
type candidate struct {
	q       game.Question
	variant string
	texts   []int // items whose description the question shows
	// statements are the facts and myths the question shows.
	statements []string
	problems   []string
}

// item makes the question for item idx, trying the kinds in order and
// each kind's variants in random order: the first one that breaks no rule,
// else (for a bank that does not pass Lint) the first one made.
func (g *generator) item(idx int, kinds []game.Kind) (candidate, bool) {
	var spends, fallback *candidate
	for _, k := range kinds {
		for _, v := range g.variants(idx, k) {
			c, ok := g.make(idx, k, v)
			if !ok {
				continue
			}
			c.problems = g.check(idx, c)
			if len(c.problems) == 0 && !slices.ContainsFunc(c.texts, func(j int) bool { return j != idx && slices.Contains(g.precious, j) }) {
				return c, true
			}
			if len(c.problems) == 0 && spends == nil {
				spends = &c
			}
			if fallback == nil {
				fallback = &c
			}
		}
	}
	if spends != nil {
		return *spends, true
	}
	if fallback != nil && !g.strict {
		return *fallback, true
	}
	return candidate{}, false
}

func (g *generator) commit(c candidate) {
	for _, j := range c.texts {
		g.usedText[j] = true
	}
	for _, s := range c.statements {
		g.usedStatements[normalize(s)] = true
	}
	g.shown = append(append(g.shown, c.q.Prompt), c.q.Options...)
}

// variants lists the variants to try for item idx as a question of kind k.
func (g *generator) variants(idx int, k game.Kind) []string {
	it := g.b.Items[idx]
	var vs []string
	switch k {
	case game.KindSingle:
		vs = []string{VariantWhichTerm, VariantWhatIs}
		g.shuffle(vs)
		// A hand-written question asks what the notes ask: it comes first
		// half of the time.
		if authoredCount(it, false) > 0 {
			if g.rng.IntN(2) == 0 {
				vs = append([]string{VariantAuthored}, vs...)
			} else {
				vs = append(vs, VariantAuthored)
			}
		}
	case game.KindTrueFalse:
		// True or false with even odds, whatever the item holds. An item
		// with facts and myths states one of them: a hand-written myth is a
		// near miss. Otherwise the term is paired with its own description
		// or a confusable's.
		truth := g.rng.IntN(2) == 0
		switch {
		case len(it.Facts) > 0 && len(it.Myths) > 0 && truth:
			vs = []string{VariantFact + "+"}
		case len(it.Facts) > 0 && len(it.Myths) > 0:
			vs = []string{VariantMyth}
		case truth:
			vs = []string{VariantMeans + "+"}
		default:
			vs = []string{VariantMeans}
		}
	case game.KindTyped:
		vs = []string{VariantTyped}
	case game.KindMulti:
		vs = []string{VariantFacts}
		if authoredCount(it, true) > 0 {
			vs = append([]string{VariantAuthored}, vs...)
		}
	}
	return vs
}

func authoredCount(it Item, multi bool) int {
	n := 0
	for _, q := range it.Questions {
		if (len(q.Correct) > 1) == multi {
			n++
		}
	}
	return n
}

// turn is the kind (of n) item idx is preferred for in this game, and
// whether it is preferred at all: half the items each seed, the other half
// the next, each time for the next kind. Over 2n seeds in a row an item is
// preferred n times, once for each kind.
func (g *generator) turn(idx, n int) (int, bool) {
	u := g.seed + uint64(idx)
	return int(u / 2 % uint64(n)), u%2 == 0
}

// rotate picks one of n statements or questions of item idx: the next one
// each time turn prefers the item for the same kind again.
func (g *generator) rotate(idx, n int) int {
	return int((g.seed/uint64(2*len(SupportedKinds)) + uint64(idx)) % uint64(n))
}

// multiShapes lists the (facts, myths) a multi-select question of an item
// with nf facts and nm myths may show: four options where the item has
// enough statements, three otherwise, so the number of correct options runs
// from one to all of them and tells a player nothing.
func multiShapes(nf, nm int) [][2]int {
	var shapes [][2]int
	for k := 1; k <= 4; k++ {
		switch {
		case k <= nf && 4-k <= nm:
			shapes = append(shapes, [2]int{k, 4 - k})
		case k <= nf && 3-k <= nm && 3-k >= 0:
			shapes = append(shapes, [2]int{k, 3 - k})
		}
	}
	// With three facts, "all of them" is a shape of its own.
	if nf == 3 && nm >= 1 {
		shapes = append(shapes, [2]int{3, 0})
	}
	return shapes
}

func (g *generator) shuffle(s []string) {
	g.rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

// make builds one variant, or reports false when the item lacks what it
// needs.
func (g *generator) make(idx int, kind game.Kind, variant string) (candidate, bool) {
	it := g.b.Items[idx]
	self := g.facts[idx]
	c := candidate{variant: strings.TrimSuffix(variant, "+"),
		q: game.Question{ItemID: it.ID, Kind: kind, Explanation: g.brief(idx, nil), Term: it.Term, Category: it.Category}}
	switch variant {
	case VariantWhichTerm:
		desc, blank := g.description(idx)
		if desc == "" {
			return c, false
		}
		c.q.Prompt = "Which term is this? " + sentence(desc)
		if blank {
			c.q.Prompt = "Which term fills the blank? " + sentence(desc)
		}
		var opts []string
		for _, j := range g.candidates(idx) {
			if len(opts) == 3 {
				break
			}
			t := g.b.Items[j].Term
			if mentions(c.q.Prompt, g.facts[j].names...) || alike(t, append(opts, it.Term)) || g.conceptTaken(j, opts, idx, true) {
				continue
			}
			opts = append(opts, t)
		}
		if len(opts) < 3 {
			return c, false
		}
		c.q.Options, c.q.Correct = g.place(it.Term, opts)
		c.texts = []int{idx}
	case VariantWhatIs:
		if self.phrase == "" {
			return c, false
		}
		c.q.Prompt = fmt.Sprintf("Which description fits “%s”?", it.Term)
		var opts []string
		texts := []int{idx}
		for _, j := range g.candidates(idx) {
			if len(opts) == 3 {
				break
			}
			p := g.facts[j].phrase
			if p == "" || g.usedText[j] || alike(p, append(opts, self.phrase)) || mentions(p, self.names...) || g.conceptTaken(j, nil, idx, false) {
				continue
			}
			if slices.ContainsFunc(texts[1:], func(k int) bool { return g.facts[k].concept == g.facts[j].concept }) {
				continue
			}
			opts = append(opts, p)
			texts = append(texts, j)
		}
		if len(opts) < 3 {
			return c, false
		}
		c.q.Options, c.q.Correct = g.place(self.phrase, opts)
		c.texts = texts
	case VariantAuthored:
		multi := kind == game.KindMulti
		var picks []Authored
		for _, q := range it.Questions {
			if (len(q.Correct) > 1) == multi {
				picks = append(picks, q)
			}
		}
		if len(picks) == 0 {
			return c, false
		}
		a := picks[g.rotate(idx, len(picks))]
		c.q.Prompt = a.Stem
		c.q.Options, c.q.Correct = g.shuffleOptions(a.Options, a.Correct)
		if a.Explanation != "" {
			c.q.Explanation = a.Explanation
		}
	case VariantFact + "+":
		if len(it.Facts) == 0 {
			return c, false
		}
		f := it.Facts[g.rotate(idx, len(it.Facts))]
		c.q.Prompt = "True or false? " + f
		c.q.Explanation = "True. " + g.brief(idx, []string{f})
		c.q.Options, c.q.Correct = []string{"True", "False"}, []int{0}
		c.statements = []string{f}
	case VariantMyth:
		if len(it.Myths) == 0 {
			return c, false
		}
		m := it.Myths[g.rotate(idx, len(it.Myths))]
		c.q.Prompt = "True or false? " + m.Text
		c.statements = []string{m.Text}
		c.q.Options, c.q.Correct = []string{"True", "False"}, []int{1}
		c.q.Explanation = "False. " + sentence(m.Why) + g.namedDescriptions(idx, m.Why) + "\n\n" + g.brief(idx, []string{m.Text})
	case VariantMeans + "+", VariantMeans:
		other := idx
		if variant == VariantMeans {
			other = -1
			for _, j := range g.candidates(idx) {
				if d, _ := g.description(j); !g.usedText[j] && d != "" && d == g.facts[j].phrase+g.facts[j].clue && !mentions(d, self.names...) {
					other = j
					break
				}
			}
			if other < 0 {
				return c, false
			}
		}
		// A clue (too long for an option) is a statement all the same.
		p := g.facts[other].phrase + g.facts[other].clue
		if p == "" {
			return c, false
		}
		c.q.Prompt = fmt.Sprintf("True or false? “%s” means: %s", it.Term, sentence(p))
		c.q.Options, c.q.Correct = []string{"True", "False"}, []int{0}
		c.texts = []int{idx}
		if other != idx {
			o := g.b.Items[other]
			c.q.Correct = []int{1}
			c.q.Explanation = fmt.Sprintf("False. That describes %s, not %s.\n%s: %s\n%s: %s\n\n%s",
				o.Term, it.Term, o.Term, sentence(p), it.Term, sentence(self.phrase+self.clue), g.brief(idx, nil))
			if self.phrase+self.clue == "" {
				c.q.Explanation = fmt.Sprintf("False. That describes %s, not %s.\n\n%s", o.Term, it.Term, g.brief(idx, nil))
			}
			c.texts = append(c.texts, other)
		}
	case VariantTyped:
		if it.NotTypeable {
			return c, false
		}
		desc, blank := g.description(idx)
		if desc == "" {
			return c, false
		}
		// An earlier stem or option of the game that names the answer
		// ("...driven by an event loop") gives it away.
		if slices.ContainsFunc(g.shown, func(s string) bool { return namesIn(s, self.names) }) {
			return c, false
		}
		c.q.Prompt = "Type the term: " + sentence(desc)
		if blank {
			c.q.Prompt = "Type the missing term: " + sentence(desc)
		}
		c.q.Accept = append(slices.Clone(self.names), it.Accept...)
		c.q.Reject = g.rejects(idx, c.q.Accept)
		c.texts = []int{idx}
	case VariantFacts:
		shapes := multiShapes(len(it.Facts), len(it.Myths))
		if len(shapes) == 0 {
			return c, false
		}
		// A shape at random; when its statements happen to leave a cue
		// (only the right ones open alike), another draw, then another shape.
		g.rng.Shuffle(len(shapes), func(i, j int) { shapes[i], shapes[j] = shapes[j], shapes[i] })
		// "All of them" half as often as the other shapes: a set of only
		// true statements reads as easy, however much it takes to be sure.
		if shapes[0][1] == 0 && g.rng.IntN(2) == 0 {
			shapes = append(shapes[1:], shapes[0])
		}
		c.q.Prompt = it.Term + ": which of these statements are true? Select all that apply."
		for _, shape := range shapes {
			for try := 0; try < 4; try++ {
				g.multiFacts(&c, idx, shape[0], shape[1])
				if len(giveaways(c.q)) == 0 {
					return c, true
				}
			}
		}
	default:
		return c, false
	}
	return c, true
}

// multiFacts fills c with nf of the item's facts and nm of its myths,
// drawn at random and shuffled, with an explanation of every myth shown.
func (g *generator) multiFacts(c *candidate, idx, nf, nm int) {
	it := g.b.Items[idx]
	facts := slices.Clone(it.Facts)
	g.shuffle(facts)
	myths := slices.Clone(it.Myths)
	g.rng.Shuffle(len(myths), func(i, j int) { myths[i], myths[j] = myths[j], myths[i] })
	opts := append([]string{}, facts[:nf]...)
	why := make([]string, 0, nm)
	for _, m := range myths[:nm] {
		opts = append(opts, m.Text)
		why = append(why, "Not true: “"+m.Text+"” "+sentence(m.Why))
	}
	correct := make([]int, nf)
	for i := range correct {
		correct[i] = i
	}
	c.q.Options, c.q.Correct = g.shuffleOptions(opts, correct)
	c.statements = opts
	c.q.Explanation = g.brief(idx, facts[:nf])
	if len(why) > 0 {
		c.q.Explanation = strings.Join(why, "\n") + "\n\n" + c.q.Explanation
	}
}

// MaxBriefLen caps the part of an explanation taken from an item's answer
// (a 150-word answer is not read on the reveal screen): whole sentences, the
// ones that speak to the statements asked first.
const MaxBriefLen = 320

// brief is the item's answer cut down for the reveal: the answer as is when
// it is short or holds code; else, in the answer's order, the sentence that
// shares most words with each statement asked (at least two words beyond the
// term's own), up to two, or the first sentence when none does, then
// following sentences while they fit MaxBriefLen.
func (g *generator) brief(idx int, statements []string) string {
	answer := g.b.Items[idx].Answer
	if utf8.RuneCountInString(answer) <= MaxBriefLen || strings.Contains(answer, "```") || strings.Contains(answer, "~~~") {
		return answer
	}
	ss := sentences(answer)
	if len(ss) == 0 {
		return answer
	}
	own := g.facts[idx].words
	pick := map[int]bool{}
	for _, st := range statements {
		want := contentWords(st)
		best, bestScore := -1, 1
		for i, s := range ss {
			score := 0
			for w := range contentWords(s) {
				if want[w] && !own[w] {
					score++
				}
			}
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if best >= 0 && len(pick) < 2 {
			pick[best] = true
		}
	}
	if len(pick) == 0 {
		pick[0] = true
	}
	n := 0
	for i := range pick {
		n += utf8.RuneCountInString(ss[i]) + 1
	}
	// Context: the opening sentence (it introduces the term), then the
	// sentences after the last one picked, in order, while they fit.
	extend := func(i int) bool {
		if i >= len(ss) || pick[i] || len(pick) >= 3 || n+utf8.RuneCountInString(ss[i]) > MaxBriefLen {
			return false
		}
		pick[i] = true
		n += utf8.RuneCountInString(ss[i]) + 1
		return true
	}
	extend(0)
	for i := slices.Max(keys(pick)) + 1; extend(i); i++ {
	}
	var out []string
	for i, s := range ss {
		if pick[i] {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

func keys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// reIdentifies matches a why that says what the myth really describes.
var reIdentifies = regexp.MustCompile(`^(?i)(that|this|it)('s|’s| is| describes| would be| was| means| sounds like)\b`)

// namesIn reports whether text holds one of names as words in a row,
// plurals folded ("event loops" names "Event loop").
func namesIn(text string, names []string) bool {
	fold := func(s string) []string {
		var ws []string
		for _, w := range strings.Fields(normalize(s)) {
			if w == "s" { // possessive: "client's side" names "client side"
				continue
			}
			if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") {
				w = strings.TrimSuffix(w, "s")
			}
			ws = append(ws, w)
		}
		return ws
	}
	tw := fold(text)
	for _, n := range names {
		nw := fold(n)
		if len(nw) == 0 {
			continue
		}
		for i := 0; i+len(nw) <= len(tw); i++ {
			if slices.Equal(tw[i:i+len(nw)], nw) {
				return true
			}
		}
	}
	return false
}

// rejects lists the names of other items that a typed question of item idx
// would take for a typo or a qualified form of one of its accepted answers
// ("API key" for "API"): typing another term is wrong. Items of its concept
// and related ones are exempt: their names are near enough to count.
func (g *generator) rejects(idx int, accept []string) []string {
	it := g.b.Items[idx]
	own := map[string]bool{}
	for _, a := range accept {
		own[game.NormalizeTyped(a)] = true
	}
	var out []string
	for j, other := range g.b.Items {
		if j == idx || (it.Concept != "" && other.Concept == it.Concept) ||
			slices.Contains(it.Related, other.ID) || slices.Contains(other.Related, it.ID) {
			continue
		}
		for _, n := range g.facts[j].names {
			if !own[game.NormalizeTyped(n)] && game.MatchTyped(n, accept) {
				out = append(out, n)
			}
		}
	}
	return out
}

// namedDescriptions describes the other items a myth's "why" says the myth
// describes ("That is XSS."), so a false statement explains both terms: one
// line each, at most two. A term the why names in passing ("data at rest
// needs its own encryption", "shorter transactions hold locks for less
// time") gets no line: its definition would read as a stray glossary entry.
func (g *generator) namedDescriptions(idx int, why string) string {
	lead, _, _ := strings.Cut(why, ";")
	if ss := sentences(lead); len(ss) > 0 {
		lead = ss[0]
	}
	if !reIdentifies.MatchString(lead) {
		return ""
	}
	why = lead
	var b strings.Builder
	n := 0
	for j, f := range g.facts {
		if j == idx || f.phrase == "" || n == 2 || sharesKey(f.keys, g.facts[idx].keys) {
			continue
		}
		// Only what the item is confused with: other names ("the whole
		// database") are said in passing.
		it, other := g.b.Items[idx], g.b.Items[j]
		near := slices.Contains(it.Confusables, other.ID) || slices.Contains(it.Related, other.ID) || slices.Contains(other.Confusables, it.ID)
		if near && mentions(why, f.names...) {
			fmt.Fprintf(&b, "\n%s: %s", g.b.Items[j].Term, sentence(f.phrase))
			n++
		}
	}
	return b.String()
}

// description is what describes item idx in a prompt: its phrase, else its
// masked defining sentence (blank true).
func (g *generator) description(idx int) (string, bool) {
	f := g.facts[idx]
	if f.phrase != "" {
		return f.phrase, false
	}
	if f.clue != "" {
		return f.clue, false
	}
	if strings.Count(f.sentence, Mask) == 0 || informative(f.sentence) < 4 {
		return "", false
	}
	return f.sentence, true
}

// conceptTaken reports whether item j may not stand beside the options
// already chosen: same concept as the asked item idx or (for term options)
// as one already there.
func (g *generator) conceptTaken(j int, terms []string, idx int, byTerm bool) bool {
	if g.facts[j].concept == g.facts[idx].concept {
		return true
	}
	if !byTerm {
		return false
	}
	for _, t := range terms {
		for k, it := range g.b.Items {
			if it.Term == t && g.facts[k].concept == g.facts[j].concept {
				return true
			}
		}
	}
	return false
}

// place puts the correct option among the others at a uniform position.
func (g *generator) place(correct string, others []string) ([]string, []int) {
	opts := append([]string{correct}, others...)
	pos := g.rng.IntN(len(opts))
	opts[0], opts[pos] = opts[pos], opts[0]
	return opts, []int{pos}
}

// shuffleOptions shuffles options, following the correct ones.
func (g *generator) shuffleOptions(options []string, correct []int) ([]string, []int) {
	perm := g.rng.Perm(len(options))
	out := make([]string, len(options))
	where := make([]int, len(options))
	for to, from := range perm {
		out[to] = options[from]
		where[from] = to
	}
	c := make([]int, len(correct))
	for i, k := range correct {
		c[i] = where[k]
	}
	slices.Sort(c)
	return out, c
}

// candidates lists the items that may stand against item idx: never the
// same concept or the same term (or alias). Its confusables come first,
// then its neighbours (items that name it as a confusable, and the
// confusables of its confusables), then the rest of its category, each
// group in random order: what a half-knowing player would really pick.
// Items of other categories are filler nobody picks ("Amdahl's law" for a
// CDN question); they are offered only for a bank that fails Lint, where
// something is better than no question.
func (g *generator) candidates(idx int) []int {
	self := g.facts[idx]
	it := g.b.Items[idx]
	var first, second, same, other []int
	for j, f := range g.facts {
		o := g.b.Items[j]
		if j == idx || f.concept == self.concept || sharesKey(f.keys, self.keys) ||
			slices.Contains(it.Related, o.ID) || slices.Contains(o.Related, it.ID) {
			continue
		}
		switch {
		case slices.Contains(it.Confusables, o.ID):
			first = append(first, j)
		case self.near[o.ID]:
			second = append(second, j)
		case o.Category == it.Category:
			same = append(same, j)
		case !g.strict:
			other = append(other, j)
		}
	}
	for _, s := range [][]int{first, second, same, other} {
		g.rng.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
	}
	return slices.Concat(first, second, same, other)
}

func sharesKey(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func alike(o string, options []string) bool {
	n := normalize(o)
	for _, x := range options {
		if normalize(x) == n {
			return true
		}
	}
	return false
}

// sentence ends text with a full stop unless it already ends a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(".?!", r) {
		return s
	}
	return s + "."
}

// Kinds lists the kinds Generate can make from this bank: what a host page
// offers. Multi-select needs items with facts and myths (or hand-written
// multi-select questions), typed an item that is not marked not typeable.
func (b *Bank) Kinds() []game.Kind {
	kinds := []game.Kind{game.KindSingle, game.KindTrueFalse}
	typed, multi := false, false
	for _, it := range b.Items {
		typed = typed || !it.NotTypeable
		multi = multi || (len(it.Facts) > 0 && len(it.Myths) > 0) || authoredCount(it, true) > 0
	}
	if typed {
		kinds = append(kinds, game.KindTyped)
	}
	if multi {
		kinds = append(kinds, game.KindMulti)
	}
	return kinds
}

// shortfall names why the items of pool make fewer questions of kinds than
// asked: what the user has to change.
func (g *generator) shortfall(pool []int, kinds []game.Kind) string {
	var bare []int
	terms := map[string]bool{}
	for _, idx := range pool {
		it := g.b.Items[idx]
		terms[normalize(it.Term)] = true
		if d, _ := g.description(idx); d == "" && len(it.Facts) == 0 && len(it.Questions) == 0 {
			bare = append(bare, idx)
		}
	}
	var why []string
	if len(bare) > 0 {
		it := g.b.Items[bare[0]]
		why = append(why, fmt.Sprintf("%d of the %d item(s) have nothing to ask them by (%s, term %q, for one): an answer should open with its term (“%s is …”) or describe it without naming it in at most %d words, or the item needs a definition",
			len(bare), len(pool), it.ID, it.Term, it.Term, clueWords))
	}
	for _, k := range kinds {
		switch {
		case k == game.KindSingle && len(terms) < 4:
			why = append(why, fmt.Sprintf("single choice needs at least 4 items with different terms, the items hold %d", len(terms)))
		case k == game.KindMulti && !slices.ContainsFunc(pool, func(i int) bool {
			it := g.b.Items[i]
			return len(it.Facts) > 0 && len(it.Myths) > 0 || authoredCount(it, true) > 0
		}):
			why = append(why, "pick-all-that-apply needs items with facts and myths")
		case k == game.KindTyped && !slices.ContainsFunc(pool, func(i int) bool { return !g.b.Items[i].NotTypeable }):
			why = append(why, "every item is marked not_typeable")
		}
	}
	if len(why) == 0 {
		// Each description is shown once a game, and a false true-or-false
		// statement or a what-is question shows other items' too.
		why = append(why, "each item's description may appear once a game, and a false true-or-false statement shows another item's; ask fewer questions, add items or choose more kinds")
	}
	return strings.Join(why, "; ")
}

// WhyUnplayable names what keeps the bank's items from making questions of
// kinds (every kind when empty): what a host or operator has to change when
// a bank makes none.
func WhyUnplayable(b *Bank, kinds []game.Kind) string {
	if len(kinds) == 0 {
		kinds = SupportedKinds
	}
	pool := make([]int, len(b.Items))
	for i := range pool {
		pool[i] = i
	}
	return newGenerator(b, 0).shortfall(pool, kinds)
}
