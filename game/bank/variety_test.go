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

// Rounds played one after another (consecutive seeds) draw mostly
// different items, and an item drawn again within seven rounds is seldom
// asked as the same kind.
func TestConsecutiveSeedsVaryItemsAndKinds(t *testing.T) {
	b := Default()
	games := map[int64][]game.Question{}
	for seed := int64(0); seed < 207; seed++ {
		qs, err := Generate(b, GenerateOptions{Count: 20, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		games[seed] = qs
	}
	nextShared, shared, sameKind, pairs := 0, 0, 0, 0
	for seed := int64(0); seed < 200; seed++ {
		for d := int64(1); d < 7; d++ {
			for _, q := range games[seed] {
				i := slices.IndexFunc(games[seed+d], func(o game.Question) bool { return o.ItemID == q.ItemID })
				if i < 0 {
					continue
				}
				shared++
				if d == 1 {
					nextShared++
				}
				if games[seed+d][i].Kind == q.Kind {
					sameKind++
				}
			}
		}
		pairs++
	}
	// By chance two 20-item draws from 89 items share 4.5 items, a quarter
	// of them as the same kind.
	if avg := float64(nextShared) / float64(pairs); avg > 2 {
		t.Errorf("consecutive games share %.1f items on average", avg)
	}
	if sameKind*10 > shared {
		t.Errorf("%d of %d items shared within seven rounds asked as the same kind", sameKind, shared)
	}
	t.Logf("next game shares %.1f items; within seven rounds %d shared, %d as the same kind", float64(nextShared)/float64(pairs), shared, sameKind)
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
