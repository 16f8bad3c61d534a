package bank

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/quizroom/quizroom/game"
)

// checkQuestion asserts every rule a generated question must obey.
func checkQuestion(t *testing.T, b *Bank, q game.Question) {
	t.Helper()
	it, ok := b.Item(q.ItemID)
	if !ok {
		t.Fatalf("%s: unknown item", q.ID)
	}
	names := append([]string{it.Term}, it.Aliases...)
	if q.Explanation != it.Answer || q.Term != it.Term || q.Category != it.Category || q.ID == "" {
		t.Errorf("%s: explanation/term/category/id not carried over", q.ID)
	}
	conceptOf := func(term string) []string {
		var cs []string
		for _, x := range b.Items {
			if x.Term == term {
				c := x.Concept
				if c == "" {
					c = x.ID
				}
				cs = append(cs, c)
			}
		}
		return cs
	}
	switch q.Kind {
	case game.KindSingle:
		if len(q.Options) != 4 || len(q.Correct) != 1 {
			t.Fatalf("%s: %d options, correct %v", q.ID, len(q.Options), q.Correct)
		}
		whichTerm := q.Options[q.Correct[0]] == it.Term
		if whichTerm && mentions(q.Prompt, names...) {
			t.Errorf("%s: prompt leaks the term: %q", q.ID, q.Prompt)
		}
		seen := map[string]bool{}
		for i, o := range q.Options {
			if utf8.RuneCountInString(o) > MaxOptionLen {
				t.Errorf("%s: option %d is %d characters", q.ID, i, utf8.RuneCountInString(o))
			}
			if seen[normalize(o)] {
				t.Errorf("%s: options alike: %q", q.ID, q.Options)
			}
			seen[normalize(o)] = true
			if i == q.Correct[0] {
				continue
			}
			if whichTerm {
				for _, n := range names {
					if normalize(o) == normalize(n) {
						t.Errorf("%s: distractor %q has the item's term", q.ID, o)
					}
				}
				for _, c := range conceptOf(o) {
					if c == it.Concept || (it.Concept == "" && c == it.ID) {
						t.Errorf("%s: distractor %q shares concept %q", q.ID, o, c)
					}
				}
			}
			if !whichTerm && mentions(o, names...) {
				t.Errorf("%s: option leaks the term: %q", q.ID, o)
			}
		}
		if !whichTerm && mentions(q.Options[q.Correct[0]], names...) {
			t.Errorf("%s: correct definition names its own term: %q", q.ID, q.Options[q.Correct[0]])
		}
	case game.KindTrueFalse:
		if !reflect.DeepEqual(q.Options, []string{"True", "False"}) || len(q.Correct) != 1 {
			t.Fatalf("%s: %+v", q.ID, q)
		}
	case game.KindTyped:
		if len(q.Options) != 0 || !reflect.DeepEqual(q.Accept, names) {
			t.Errorf("%s: accept %v, want %v", q.ID, q.Accept, names)
		}
		if mentions(q.Prompt, names...) {
			t.Errorf("%s: prompt leaks the term: %q", q.ID, q.Prompt)
		}
	default:
		t.Fatalf("%s: kind %q", q.ID, q.Kind)
	}
}

func TestGenerateRulesOverManySeeds(t *testing.T) {
	b := Default()
	positions := make([]int, 4)
	kinds := map[game.Kind]int{}
	tfTrue, total := 0, 0
	for seed := int64(0); total < 1000; seed++ {
		qs, err := Generate(b, GenerateOptions{Count: 20, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		items := map[string]bool{}
		for _, q := range qs {
			if items[q.ItemID] {
				t.Errorf("seed %d repeats item %s", seed, q.ItemID)
			}
			items[q.ItemID] = true
			checkQuestion(t, b, q)
			kinds[q.Kind]++
			switch q.Kind {
			case game.KindSingle:
				positions[q.Correct[0]]++
			case game.KindTrueFalse:
				if q.Correct[0] == 0 {
					tfTrue++
				}
			}
			total++
		}
	}
	// Chi-square with 3 degrees of freedom; 16.27 is the 0.1% critical value.
	n := 0
	for _, c := range positions {
		n += c
	}
	chi := 0.0
	for _, c := range positions {
		e := float64(n) / 4
		chi += (float64(c) - e) * (float64(c) - e) / e
	}
	if chi > 16.27 {
		t.Errorf("correct positions %v: chi-square %.2f, not uniform", positions, chi)
	}
	if tf := kinds[game.KindTrueFalse]; tfTrue < tf/3 || tfTrue > tf*2/3 {
		t.Errorf("true/false: %d of %d true", tfTrue, tf)
	}
	for _, k := range SupportedKinds {
		if kinds[k] < total/6 {
			t.Errorf("kind %s: %d of %d", k, kinds[k], total)
		}
	}
	t.Logf("positions %v chi %.2f, kinds %v, true %d", positions, chi, kinds, tfTrue)
}

// Every item of the default bank can be made into every kind.
func TestGenerateEveryItemEveryKind(t *testing.T) {
	b := Default()
	for _, k := range SupportedKinds {
		for seed := int64(0); seed < 3; seed++ {
			qs, err := Generate(b, GenerateOptions{Count: len(b.Items), Kinds: []game.Kind{k}, Seed: seed})
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			for _, q := range qs {
				if q.Kind != k {
					t.Errorf("%s asked, got %s for %s", k, q.Kind, q.ItemID)
				}
				checkQuestion(t, b, q)
			}
		}
	}
}

func TestGenerateReproducibleAndSelective(t *testing.T) {
	b := Default()
	opts := GenerateOptions{Count: 10, Categories: []string{"Databases", "Security & auth"}, Seed: 42}
	a, err := Generate(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Generate(b, opts)
	if !reflect.DeepEqual(a, again) {
		t.Error("same seed gave different questions")
	}
	other, _ := Generate(b, GenerateOptions{Count: 10, Categories: opts.Categories, Seed: 43})
	if reflect.DeepEqual(a, other) {
		t.Error("different seeds gave the same questions")
	}
	for _, q := range a {
		if !slices.Contains(opts.Categories, q.Category) {
			t.Errorf("category %q not chosen", q.Category)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	b := Default()
	ops := b.Categories()[0]
	cases := []struct {
		opts GenerateOptions
		code Code
	}{
		{GenerateOptions{Count: 0}, CodeInvalidOptions},
		{GenerateOptions{Count: 1, Categories: []string{"Cooking"}}, CodeInvalidOptions},
		{GenerateOptions{Count: 1, Kinds: []game.Kind{game.KindPoll}}, CodeInvalidOptions},
		{GenerateOptions{Count: ops.Count + 1, Categories: []string{ops.Name}}, CodeNotEnoughItems},
		{GenerateOptions{Count: 90}, CodeNotEnoughItems},
	}
	for _, c := range cases {
		if _, err := Generate(b, c.opts); CodeOf(err) != c.code {
			t.Errorf("%+v: err %v, want %s", c.opts, err, c.code)
		}
	}
	if qs, err := Generate(b, GenerateOptions{Count: ops.Count, Categories: []string{ops.Name}}); err != nil || len(qs) != ops.Count {
		t.Errorf("whole category: %d, %v", len(qs), err)
	}
}

func TestMask(t *testing.T) {
	m := newMasker("Pub/Sub", "Publish/Subscribe")
	got := m.mask("A Publish/Subscribe (Pub/Sub) system; pub-subs and publisher stay.")
	if want := "A(n) ___ (___) system; ___ and publisher stay."; got != want {
		t.Errorf("mask = %q, want %q", got, want)
	}
	if got := newMasker("Express middleware").mask("In Express, middleware run"); got != "In Express, middleware run" {
		t.Errorf("masked across a comma: %q", got)
	}
}

func TestSentences(t *testing.T) {
	got := sentences("Node runs fs.readFile() e.g. here. Next one? Yes (really). 404 is last")
	want := []string{"Node runs fs.readFile() e.g. here.", "Next one?", "Yes (really).", "404 is last"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sentences = %q", got)
	}
}

func BenchmarkGenerate20(b *testing.B) {
	bk := Default()
	for i := 0; b.Loop(); i++ {
		if _, err := Generate(bk, GenerateOptions{Count: 20, Seed: int64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPlural(t *testing.T) {
	for text, want := range map[string]bool{
		Mask + " are system variables set outside the app.":     true,
		"Common " + Mask + " include Content-Security-Policy.":  true,
		Mask + " (" + Mask + ") are rules.":                     true,
		"A(n) " + Mask + " is a structured collection of data.": false,
		Mask + " (Basically Available) is the model.":           false,
		"A(n) " + Mask + ", such as RabbitMQ, routes messages.": false,
		"no mask at all": false,
	} {
		if got := plural(text); got != want {
			t.Errorf("plural(%q) = %v, want %v", text, got, want)
		}
	}
}

// A false true/false statement pairs the term with a definition of the same
// grammatical number whenever the bank has one, so "X: ___ are ..." for a
// singular X does not give the answer away.
func TestTrueFalseGrammarAgrees(t *testing.T) {
	b := Default()
	g := newGenerator(b, 0)
	mismatches, statements := 0, 0
	for seed := range 200 {
		qs, err := Generate(b, GenerateOptions{Count: 20, Kinds: []game.Kind{game.KindTrueFalse}, Seed: int64(seed)})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.Correct[0] != 1 {
				continue
			}
			statements++
			idx := slices.IndexFunc(b.Items, func(it Item) bool { return it.ID == q.ItemID })
			_, shown, _ := strings.Cut(q.Prompt, ": ")
			if g.facts[idx].plural != plural(shown) {
				mismatches++
			}
		}
	}
	if statements == 0 || mismatches > 0 {
		t.Fatalf("%d of %d false statements disagree in number with their term", mismatches, statements)
	}
}

// Games share banks: the facts the first Generate derives must be built
// once and read safely by concurrent games (run under -race).
func TestGenerateConcurrentOnFreshBank(t *testing.T) {
	b, err := Parse(readFile(t, "default/bank.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(Default(), GenerateOptions{Count: 20, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([][]game.Question, 8)
	for i := range results {
		wg.Go(func() {
			results[i], _ = Generate(b, GenerateOptions{Count: 20, Seed: 7})
		})
	}
	wg.Wait()
	for i, got := range results {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("game %d got different questions from the same seed", i)
		}
	}
}
