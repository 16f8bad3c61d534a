package bank

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/quizroom/quizroom/game"
)

// MaxOptionLen is the longest option a generated question may have, in
// characters (runes): what fits a phone-sized answer button.
const MaxOptionLen = 120

// maxPromptLen bounds the defining sentence shown as a prompt.
const maxPromptLen = 280

// GenerateOptions chooses what Generate makes.
type GenerateOptions struct {
	// Count is how many questions to make (one per item, items never repeat).
	Count int
	// Categories restricts the items used; empty means every category.
	Categories []string
	// Kinds are the kinds to mix: game.KindSingle, game.KindTrueFalse,
	// game.KindTyped. Empty means all three.
	Kinds []game.Kind
	// Seed makes the result reproducible: same bank, options and seed give
	// the same questions.
	Seed int64
}

// Variants of a generated question, the last part of its ID.
const (
	variantWhichTerm = "which-term" // single: masked definition, 4 terms
	variantWhatIs    = "what-is"    // single: the question, 4 masked definitions
	variantTrueFalse = "true-false" // term paired with its own or another definition
	variantTyped     = "typed"      // masked definition, type the term
)

// SupportedKinds are the kinds Generate can make.
var SupportedKinds = []game.Kind{game.KindSingle, game.KindTrueFalse, game.KindTyped}

// Generate turns bank items into playable questions: Count items drawn at
// random from the chosen categories, each made into a question of one of
// the chosen kinds. Errors are *Error with CodeInvalidOptions or
// CodeNotEnoughItems.
func Generate(b *Bank, opts GenerateOptions) ([]game.Question, error) {
	if b == nil {
		return nil, errorf(CodeInvalidOptions, "no bank")
	}
	if opts.Count < 1 {
		return nil, errorf(CodeInvalidOptions, "count must be at least 1, got %d", opts.Count)
	}
	kinds := opts.Kinds
	if len(kinds) == 0 {
		kinds = SupportedKinds
	}
	for _, k := range kinds {
		if !slices.Contains(SupportedKinds, k) {
			return nil, errorf(CodeInvalidOptions, "kind %q cannot be generated from a bank (use single, truefalse or typed)", k)
		}
	}
	known := map[string]bool{}
	for _, it := range b.Items {
		known[it.Category] = true
	}
	for _, c := range opts.Categories {
		if !known[c] {
			return nil, errorf(CodeInvalidOptions, "unknown category %q", c)
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
		return nil, errorf(CodeNotEnoughItems, "the chosen categories hold %d item(s), %d question(s) asked", len(pool), opts.Count)
	}
	g.rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	out := make([]game.Question, 0, opts.Count)
	for _, idx := range pool {
		if len(out) == opts.Count {
			break
		}
		kind := kinds[g.rng.IntN(len(kinds))]
		q, ok := g.question(idx, kind)
		if !ok {
			// This item cannot make that kind (too few distractors): any
			// other chosen kind will do.
			for _, k := range kinds {
				if q, ok = g.question(idx, k); ok {
					break
				}
			}
		}
		if ok {
			q.ID = fmt.Sprintf("%s.%s.%d", b.Items[idx].ID, q.ID, opts.Seed)
			out = append(out, q)
		}
	}
	if len(out) < opts.Count {
		return nil, errorf(CodeNotEnoughItems, "the chosen categories and kinds can make only %d question(s), %d asked", len(out), opts.Count)
	}
	return out, nil
}

type generator struct {
	b     *Bank
	rng   *rand.Rand
	facts []fact
}

// fact is what the generator knows of one item. Facts are derived once per
// bank (Bank.facts) and only read afterwards, so games share them.
type fact struct {
	names     []string // term then aliases
	keys      []string // names normalized
	concept   string
	mask      masker
	def       string // defining sentence, unmasked
	maskedDef string // def with the item's own names masked
	plural    bool   // maskedDef speaks of its blank in the plural
}

// factCache holds a bank's facts, built on first use.
type factCache struct {
	once  sync.Once
	facts []fact
}

// facts returns the bank's facts, compiling each item's masking regexp the
// first time only (about 90 regexps, 6 ms, for the default bank): safe for
// concurrent use, like every read of a Bank.
func (b *Bank) facts() []fact {
	b.derived.once.Do(func() {
		facts := make([]fact, 0, len(b.Items))
		for _, it := range b.Items {
			names := append([]string{it.Term}, it.Aliases...)
			keys := make([]string, len(names))
			for i, n := range names {
				keys[i] = normalize(n)
			}
			concept := it.Concept
			if concept == "" {
				concept = "id:" + it.ID
			}
			m := newMasker(names...)
			def := definition(it, m)
			masked := m.mask(def)
			facts = append(facts, fact{names: names, keys: keys, concept: concept, mask: m, def: def, maskedDef: masked, plural: plural(masked)})
		}
		b.derived.facts = facts
	})
	return b.derived.facts
}

func newGenerator(b *Bank, seed int64) *generator {
	return &generator{b: b, rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), facts: b.facts()}
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

// maskedDef is the defining sentence of fact f with its own names masked,
// and those of every other fact given.
func (g *generator) maskedDef(f int, others ...int) string {
	text := g.facts[f].maskedDef
	for _, o := range others {
		text = g.facts[o].mask.mask(text)
	}
	return text
}

func (g *generator) question(idx int, kind game.Kind) (game.Question, bool) {
	it := g.b.Items[idx]
	q := game.Question{ItemID: it.ID, Kind: kind, Explanation: it.Answer, Term: it.Term, Category: it.Category}
	switch kind {
	case game.KindSingle:
		variants := []string{variantWhichTerm, variantWhatIs}
		if g.rng.IntN(2) == 1 {
			variants[0], variants[1] = variants[1], variants[0]
		}
		for _, v := range variants {
			if g.single(idx, v, &q) {
				q.ID = v
				return q, true
			}
		}
		return q, false
	case game.KindTrueFalse:
		return q, g.trueFalse(idx, &q)
	case game.KindTyped:
		sentence := shorten(g.maskedDef(idx), maxPromptLen)
		if mentions(sentence, g.facts[idx].names...) {
			return q, false
		}
		q.ID = variantTyped
		q.Prompt = "Name the term: " + sentence
		q.Accept = slices.Clone(g.facts[idx].names)
		return q, true
	}
	return q, false
}

// candidates lists the items that may stand against item idx: never the
// same concept or the same term (or alias), the same category first, each
// group in random order.
func (g *generator) candidates(idx int) []int {
	self := g.facts[idx]
	cat := g.b.Items[idx].Category
	var same, other []int
	for j, f := range g.facts {
		if j == idx || f.concept == self.concept || sharesKey(f.keys, self.keys) {
			continue
		}
		if g.b.Items[j].Category == cat {
			same = append(same, j)
		} else {
			other = append(other, j)
		}
	}
	g.rng.Shuffle(len(same), func(a, b int) { same[a], same[b] = same[b], same[a] })
	g.rng.Shuffle(len(other), func(a, b int) { other[a], other[b] = other[b], other[a] })
	return append(same, other...)
}

func sharesKey(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// single fills a 4-option single-choice question, or reports false when the
// bank has too few usable distractors.
func (g *generator) single(idx int, variant string, q *game.Question) bool {
	self := g.facts[idx]
	var correct, prompt string
	option := func(j int) string { return g.b.Items[j].Term }
	if variant == variantWhichTerm {
		prompt = shorten(g.maskedDef(idx), maxPromptLen)
		if mentions(prompt, self.names...) || informative(prompt) < 4 {
			return false
		}
		correct = g.b.Items[idx].Term
		prompt = "Which term is this? " + prompt
	} else {
		prompt = g.b.Items[idx].Question
		option = func(j int) string { return shorten(g.maskedDef(j, idx), MaxOptionLen) }
		correct = option(idx)
	}
	options := []string{correct}
	concepts := []string{self.concept}
	for _, j := range g.candidates(idx) {
		if len(options) == 4 {
			break
		}
		o := option(j)
		if slices.Contains(concepts, g.facts[j].concept) || utf8.RuneCountInString(o) > MaxOptionLen || alike(o, options) {
			continue
		}
		if variant == variantWhichTerm && mentions(prompt, g.facts[j].names...) {
			continue // a term named in the prompt is plainly not the answer
		}
		if variant == variantWhatIs && mentions(o, self.names...) {
			continue
		}
		options = append(options, o)
		concepts = append(concepts, g.facts[j].concept)
	}
	if len(options) < 4 || utf8.RuneCountInString(correct) > MaxOptionLen {
		return false
	}
	pos := g.rng.IntN(len(options))
	options[0], options[pos] = options[pos], options[0]
	q.Prompt, q.Options, q.Correct = prompt, options, []int{pos}
	return true
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

func (g *generator) trueFalse(idx int, q *game.Question) bool {
	other := idx
	if g.rng.IntN(2) == 1 {
		cands := g.candidates(idx)
		if len(cands) == 0 {
			return false
		}
		other = cands[0]
		// Prefer a definition whose grammar fits the term: "Observability:
		// ___ are system variables..." gives the answer away.
		want := g.facts[idx].plural
		for _, j := range cands {
			if g.facts[j].plural == want {
				other = j
				break
			}
		}
	}
	sentence := shorten(g.maskedDef(other, idx), maxPromptLen)
	if informative(sentence) < 4 {
		return false
	}
	q.ID = variantTrueFalse
	q.Prompt = fmt.Sprintf("True or false? This describes %s: %s", g.b.Items[idx].Term, sentence)
	q.Options = []string{"True", "False"}
	q.Correct = []int{0}
	if other != idx {
		q.Correct = []int{1}
	}
	return true
}

// pluralVerbs are the verbs that show a definition speaks of its blank in
// the plural ("___ are ...", "Common ___ include ...").
var pluralVerbs = map[string]bool{"are": true, "were": true, "include": true, "have": true, "use": true, "do": true, "let": true, "make": true, "run": true, "keep": true}

// plural reports whether the first word after the first mask of a masked
// definition, parentheses skipped, is a plural verb.
func plural(masked string) bool {
	_, rest, ok := strings.Cut(masked, Mask)
	if !ok {
		return false
	}
	depth := 0
	for _, w := range strings.Fields(rest) {
		opened := depth > 0 || strings.HasPrefix(w, "(")
		depth += strings.Count(w, "(") - strings.Count(w, ")")
		if opened || w == Mask {
			continue
		}
		return pluralVerbs[strings.ToLower(strings.Trim(w, ",;:."))]
	}
	return false
}
