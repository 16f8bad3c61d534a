package game

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func sampleQuestions() []Question {
	return []Question{
		{ID: "q0", Kind: KindSingle, Prompt: "2+2?", Options: []string{"3", "4", "5"}, Correct: []int{1}},
		{ID: "q1", Kind: KindMulti, Prompt: "Even?", Options: []string{"1", "2", "3", "4"}, Correct: []int{1, 3}},
		{ID: "q2", Kind: KindTrueFalse, Prompt: "Sky blue?", Options: []string{"True", "False"}, Correct: []int{0}},
		{ID: "q3", Kind: KindTyped, Prompt: "Token format?", Accept: []string{"JWT", "JSON Web Token"}},
		{ID: "q4", Kind: KindPoll, Prompt: "Fun?", Options: []string{"Yes", "No"}},
	}
}

func newGame(t testing.TB, s Settings, qs ...Question) *Game {
	t.Helper()
	if len(qs) == 0 {
		qs = sampleQuestions()
	}
	g, err := New(qs, s)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

// must fails the test on an error: must(t)(g.Start(now)).
func must(t testing.TB) func([]Event, error) []Event {
	return func(evs []Event, err error) []Event {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return evs
	}
}

func wantCode(t testing.TB, err error, code Code) {
	t.Helper()
	if got := CodeOf(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

func find[E Event](evs []Event) (E, bool) {
	for _, e := range evs {
		if v, ok := e.(E); ok {
			return v, true
		}
	}
	var zero E
	return zero, false
}

func joinN(t testing.TB, g *Game, n int) []PlayerID {
	t.Helper()
	ids := make([]PlayerID, n)
	for i := range ids {
		ids[i] = PlayerID(fmt.Sprintf("p%d", i))
		must(t)(g.Join(ids[i], fmt.Sprintf("Player %d", i), t0))
	}
	return ids
}

func TestBasicFlow(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second})
	ids := joinN(t, g, 2)
	evs := must(t)(g.Start(at(time.Second)))
	qo, ok := find[QuestionOpened](evs)
	if !ok || qo.Index != 0 || !qo.Deadline.Equal(at(31*time.Second)) {
		t.Fatalf("QuestionOpened = %+v", evs)
	}
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{1}}, 2*time.Second, 0, at(3*time.Second)))
	evs = must(t)(g.Answer(ids[1], 0, Answer{Choices: []int{0}}, 3*time.Second, 0, at(4*time.Second)))
	qc, ok := find[QuestionClosed](evs)
	if !ok {
		t.Fatalf("want early close after everyone answered, got %#v", evs)
	}
	if qc.Reason != CloseAllAnswered || qc.Results[ids[0]].Points != 967 || qc.Results[ids[1]].Points != 0 {
		t.Fatalf("QuestionClosed = %+v", qc)
	}
	if g.Phase() != PhaseReveal {
		t.Fatalf("phase %s, want reveal", g.Phase())
	}
	st := g.Standings()
	if st[0].Player != ids[0] || st[0].Rank != 1 || st[1].Rank != 2 {
		t.Fatalf("standings %+v", st)
	}
}
