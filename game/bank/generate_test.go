package bank

import (
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/quizroom/quizroom/game"
)

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
		rc := newRuleChecker(t, b)
		for _, q := range qs {
			rc.check(q)
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

// Every item of the default bank can be made into every kind (typed only
// when it is typeable), each question within the rules.
func TestGenerateEveryItemEveryKind(t *testing.T) {
	b := Default()
	for _, k := range SupportedKinds {
		for seed := int64(0); seed < 3; seed++ {
			for idx, it := range b.Items {
				g := newGenerator(b, seed)
				c, ok := g.item(idx, []game.Kind{k})
				if k == game.KindTyped && it.NotTypeable {
					if ok {
						t.Errorf("%s is not typeable but was asked as %s", it.ID, c.q.Kind)
					}
					continue
				}
				if !ok || c.q.Kind != k {
					t.Fatalf("%s: no %s question (got %v)", it.ID, k, c.q.Kind)
				}
				c.q.ID = it.ID + "." + c.variant + ".0"
				newRuleChecker(t, b).check(c.q)
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

// TestTypedRefusesOtherTerms: a typed question never scores another item's
// name (typed as its own answer) unless that item is of the same concept or
// related: "API key" is wrong for "API", "HTTP methods" for "HTTP", however
// the qualifier and typo rules of game.MatchTyped read them. And the
// review's natural answers score.
func TestTypedRefusesOtherTerms(t *testing.T) {
	b := Default()
	byID := map[string]Item{}
	for _, it := range b.Items {
		byID[it.ID] = it
	}
	seen := map[string]bool{}
	for seed := int64(0); seed < 40; seed++ {
		qs, err := Generate(b, GenerateOptions{Count: 20, Seed: seed, Kinds: []game.Kind{game.KindTyped}})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			seen[q.ItemID] = true
			it := byID[q.ItemID]
			for _, other := range b.Items {
				if other.ID == it.ID || (it.Concept != "" && other.Concept == it.Concept) ||
					slices.Contains(it.Related, other.ID) || slices.Contains(other.Related, it.ID) {
					continue
				}
				for _, n := range append([]string{other.Term}, other.Aliases...) {
					if slices.ContainsFunc(q.Accept, func(a string) bool { return game.NormalizeTyped(a) == game.NormalizeTyped(n) }) {
						continue
					}
					if game.MatchTypedExcept(n, q.Accept, q.Reject) {
						t.Errorf("%s (%s): %q, a name of %s, scores", it.ID, it.Term, n, other.ID)
					}
				}
			}
		}
	}
	if len(seen) < 60 {
		t.Fatalf("only %d items asked as typed", len(seen))
	}
	for _, tc := range []struct{ item, text string }{
		{"backend-049", "stored XSS"}, {"backend-049", "persistent XSS"},
		{"backend-044", "inner join"}, {"backend-044", "equi-join"},
		{"backend-029", "N+1"}, {"backend-029", "N+1 query"}, {"backend-029", "N+1 selects"},
		{"backend-041", "URL versioning"}, {"backend-041", "path versioning"},
		{"backend-007", "request methods"}, {"backend-007", "methods"},
		{"backend-053", "async task"}, {"backend-053", "background process"}, {"backend-053", "asynchronous processing"},
	} {
		q := typedQuestion(t, b, tc.item)
		if !game.MatchTypedExcept(tc.text, q.Accept, q.Reject) {
			t.Errorf("%s: %q does not score (accepted %q)", tc.item, tc.text, q.Accept)
		}
	}
	for _, tc := range []struct{ item, text string }{
		{"backend-006", "HTTP"}, {"backend-006", "HTTP/2"}, {"backend-003", "API key"},
		{"backend-011", "database index"}, {"backend-005", "HTTP methods"},
	} {
		q := typedQuestion(t, b, tc.item)
		if game.MatchTypedExcept(tc.text, q.Accept, q.Reject) {
			t.Errorf("%s: %q scores (accepted %q, rejected %q)", tc.item, tc.text, q.Accept, q.Reject)
		}
	}
}

// typedQuestion is a typed question of item id, from the first seed that
// asks one.
func typedQuestion(t *testing.T, b *Bank, id string) game.Question {
	t.Helper()
	for seed := int64(0); seed < 200; seed++ {
		qs, err := Generate(b, GenerateOptions{Count: 20, Seed: seed, Kinds: []game.Kind{game.KindTyped}})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.ItemID == id {
				return q
			}
		}
	}
	t.Fatalf("%s is never asked as typed", id)
	return game.Question{}
}
