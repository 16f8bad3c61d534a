package bank

import (
	"slices"
	"strings"
	"testing"

	"github.com/quizroom/quizroom/game"
)

// The number of right options of a multi-select tells a player nothing:
// over many seeds every count from one to all of them occurs, and none
// dominates.
func TestMultiSelectCorrectCountsVary(t *testing.T) {
	b := Default()
	counts := map[int]int{}
	allRight, total := 0, 0
	for seed := int64(0); seed < 200; seed++ {
		qs, err := Generate(b, GenerateOptions{Count: 20, Kinds: []game.Kind{game.KindMulti}, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if variantOf(q) != VariantFacts {
				continue
			}
			counts[len(q.Correct)]++
			if len(q.Correct) == len(q.Options) {
				allRight++
			}
			total++
		}
	}
	for _, n := range []int{1, 2, 3} {
		if counts[n] < total/10 || counts[n] > total/2 {
			t.Errorf("%d right options in %d of %d multi-selects", n, counts[n], total)
		}
	}
	if allRight < total/20 || allRight > total/4 {
		t.Errorf("every option right in %d of %d multi-selects", allRight, total)
	}
	t.Logf("right options %v, all right %d of %d", counts, allRight, total)
}

// Games of neighbouring seeds (rounds played one after another) draw an
// item no more often than chance and, when they do, mostly as another kind.
func TestNeighbouringSeedsVaryItemsAndKinds(t *testing.T) {
	b := Default()
	shared, sameKind, games := 0, 0, 0
	for seed := int64(0); seed < 200; seed++ {
		a, err := Generate(b, GenerateOptions{Count: 20, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		next, err := Generate(b, GenerateOptions{Count: 20, Seed: seed + 1})
		if err != nil {
			t.Fatal(err)
		}
		games++
		for _, q := range a {
			i := slices.IndexFunc(next, func(o game.Question) bool { return o.ItemID == q.ItemID })
			if i < 0 {
				continue
			}
			shared++
			if next[i].Kind == q.Kind {
				sameKind++
			}
		}
	}
	// By chance two 20-item draws from 89 items share 4.5 items, a quarter
	// of them of the same kind.
	if avg := float64(shared) / float64(games); avg > 5.5 {
		t.Errorf("neighbouring games share %.1f items on average", avg)
	}
	if sameKind*10 > shared {
		t.Errorf("%d of %d shared items asked as the same kind", sameKind, shared)
	}
	t.Logf("shared %d items over %d pairs of games, %d as the same kind", shared, games, sameKind)
}

// Distractors of the default bank come from what a half-knowing player
// confuses: the item's confusables, their neighbours or its own category,
// never filler from another category.
func TestDistractorsStayInTheirNeighbourhood(t *testing.T) {
	b := Default()
	byTerm := map[string]Item{}
	for _, it := range b.Items {
		byTerm[it.Term] = it
	}
	byID := map[string]Item{}
	for _, it := range b.Items {
		byID[it.ID] = it
	}
	near := func(it, o Item) bool {
		if o.Category == it.Category || slices.Contains(it.Confusables, o.ID) || slices.Contains(o.Confusables, it.ID) {
			return true
		}
		for _, c := range it.Confusables {
			if slices.Contains(byID[c].Confusables, o.ID) {
				return true
			}
		}
		return false
	}
	for seed := int64(0); seed < 100; seed++ {
		qs, err := Generate(b, GenerateOptions{Count: 20, Kinds: []game.Kind{game.KindSingle}, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if variantOf(q) != VariantWhichTerm {
				continue
			}
			it := byID[q.ItemID]
			for i, o := range q.Options {
				if i == q.Correct[0] {
					continue
				}
				if d, ok := byTerm[o]; !ok || !near(it, d) {
					t.Errorf("%s: distractor %q is filler from %q", q.ID, o, d.Category)
				}
			}
		}
	}
}

// A typed clue accepts what players naturally type for it, not only the
// term's names.
func TestTypedAcceptsNaturalAnswers(t *testing.T) {
	b := Default()
	want := map[string][]string{
		"backend-091": {"worker pool"},
		"backend-032": {"server-side session"},
		"backend-077": {"Redis"},
		"backend-021": {"JWT", "JSON Web Token"},
		"backend-086": {"singleton pattern"},
	}
	for idx, it := range b.Items {
		ws, ok := want[it.ID]
		if !ok {
			continue
		}
		g := newGenerator(b, 1)
		c, ok := g.item(idx, []game.Kind{game.KindTyped})
		if !ok {
			t.Fatalf("%s: no typed question", it.ID)
		}
		for _, w := range ws {
			if !slices.ContainsFunc(c.q.Accept, func(a string) bool { return strings.EqualFold(a, w) }) {
				t.Errorf("%s: %q not accepted (%v)", it.ID, w, c.q.Accept)
			}
			if game.NormalizeTyped(w) == "" {
				t.Errorf("%q normalizes to nothing", w)
			}
		}
	}
}
