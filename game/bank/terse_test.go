package bank

import (
	"strings"
	"testing"

	"github.com/quizroom/quizroom/game"
)

// Flashcard-style notes, whose answers describe the term without naming it
// ("Latency<TAB>The time a packet takes ..."), play every kind a bank
// without facts can make: the answer is the clue as is.
func TestTerseNotesPlay(t *testing.T) {
	for _, file := range []string{"testdata/cards.tsv", "testdata/terse.md"} {
		t.Run(file, func(t *testing.T) {
			b, rep, err := ImportNotes(readFile(t, file), ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if ws := warningsOf(rep); ws != "" {
				t.Errorf("warnings for cards whose answers are their clues:\n%s", ws)
			}
			n := len(b.Items)
			variants := map[string]int{}
			kindSets := [][]game.Kind{{game.KindSingle, game.KindTyped, game.KindTrueFalse}, {game.KindSingle}, {game.KindTyped}}
			for _, kinds := range kindSets {
				for seed := int64(0); seed < 300; seed++ {
					qs, warnings, err := GenerateChecked(b, GenerateOptions{Count: n, Kinds: kinds, Seed: seed})
					if err != nil {
						t.Fatalf("%v seed %d: %v", kinds, seed, err)
					}
					if len(warnings) > 0 {
						t.Errorf("%v seed %d: rules broken: %v", kinds, seed, warnings)
					}
					rc := newRuleChecker(t, b)
					for _, q := range qs {
						rc.check(q)
						if strings.Contains(q.Prompt, Mask) {
							t.Errorf("%s: a blank in %q", q.ID, q.Prompt)
						}
						variants[string(q.Kind)+"/"+variantOf(q)]++
					}
				}
			}
			// One question alone may show several items' descriptions.
			for seed := int64(0); seed < 50; seed++ {
				qs, warnings, err := GenerateChecked(b, GenerateOptions{Count: 1, Kinds: []game.Kind{game.KindSingle, game.KindTrueFalse}, Seed: seed})
				if err != nil || len(warnings) > 0 {
					t.Fatalf("seed %d: %v %v", seed, err, warnings)
				}
				rc := newRuleChecker(t, b)
				for _, q := range qs {
					rc.check(q)
					variants[string(q.Kind)+"/"+variantOf(q)]++
				}
			}
			for _, v := range []string{"single/which-term", "single/what-is", "typed/typed", "truefalse/means"} {
				if variants[v] == 0 {
					t.Errorf("variant %s never made: %v", v, variants)
				}
			}
			kinds := b.Kinds()
			for _, k := range []game.Kind{game.KindSingle, game.KindTrueFalse, game.KindTyped} {
				if _, err := Generate(b, GenerateOptions{Count: 1, Kinds: []game.Kind{k}, Seed: 1}); err != nil {
					t.Errorf("%s: %v (Kinds %v)", k, err, kinds)
				}
			}
		})
	}
}

// A clue is the answer's opening as is, its article dropped; an answer that
// defines another term ("A process is ...") or echoes the term is none.
func TestAnswerClue(t *testing.T) {
	for _, tc := range []struct{ term, answer, want string }{
		{"Latency", "The time a packet takes to travel from source to destination.", "Time a packet takes to travel from source to destination"},
		{"Mutex", "It is a lock that lets one thread in at a time.", "Lock that lets one thread in at a time"},
		{"Osmosis", "Movement of water across a semi-permeable membrane from low to high solute concentration.", "Movement of water across a semi-permeable membrane from low to high solute concentration"},
		{"Thread", "A process is a running program with its own memory.", ""},
		{"Normalization", "Splitting tables into normal forms to remove redundancy.", ""},
		{"Kubernetes pod", "Pods group containers.", ""},
		{"Thing", "Yes.", ""},
	} {
		names := []string{tc.term}
		words := contentWords(tc.term)
		if got := answerClue(Item{Term: tc.term, Answer: tc.answer}, newMasker(names...), words); got != tc.want {
			t.Errorf("%s: %q gives %q, want %q", tc.term, tc.answer, got, tc.want)
		}
	}
}

// When a bank cannot make the questions asked, the error says why.
func TestShortfallNamesTheReason(t *testing.T) {
	notes := "Q: What is a thing?\nA: Yes.\n\nQ: What is a gizmo?\nA: A gizmo is a small tool for fixing bikes.\n"
	b, _, err := ImportNotes([]byte(notes), ImportOptions{IDPrefix: "n"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Generate(b, GenerateOptions{Count: 2, Kinds: []game.Kind{game.KindSingle, game.KindTyped}, Seed: 1})
	if CodeOf(err) != CodeNotEnoughItems {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{`1 of the 2 item(s) have nothing to ask them by (n-001, term "Thing"`, "single choice needs at least 4 items with different terms, the items hold 2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}
