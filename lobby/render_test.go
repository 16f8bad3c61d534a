package lobby

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// The renderer's tests use plain values: an engine driven by hand with
// fixed times, a renderer, and the items it adds. No goroutine, Bus or
// Lobby is involved.

var renderT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func renderGame(t *testing.T) *game.Game {
	t.Helper()
	qs := []game.Question{
		{ID: "q1", Kind: game.KindSingle, Prompt: "2+2?", Options: []string{"3", "4"}, Correct: []int{1}, Explanation: "four", Term: "sum"},
		{ID: "q2", Kind: game.KindSingle, Prompt: "3+3?", Options: []string{"6", "7"}, Correct: []int{0}, DoublePoints: true},
	}
	g, err := game.New(qs, game.Settings{QuestionTime: 10 * time.Second, ShowLeaderboard: true})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// step is one thing done to the engine at an offset from renderT0; its
// events are what the renderer is given.
type step struct {
	at time.Duration
	do func(g *game.Game, now time.Time) ([]game.Event, error)
}

func joinStep(id, nick string) step {
	return step{0, func(g *game.Game, now time.Time) ([]game.Event, error) { return g.Join(game.PlayerID(id), nick, now) }}
}

func answerStep(at time.Duration, id string, q, choice int) step {
	return step{at, func(g *game.Game, now time.Time) ([]game.Event, error) {
		return g.Answer(game.PlayerID(id), q, game.Answer{Choices: []int{choice}}, at, 0, now)
	}}
}

func advanceStep(at time.Duration) step {
	return step{at, func(g *game.Game, now time.Time) ([]game.Event, error) { return g.Advance(now), nil }}
}

func cmdStep(at time.Duration, cmd func(*game.Game, time.Time) ([]game.Event, error)) step {
	return step{at, cmd}
}

var (
	lobbyOf2 = []step{joinStep("p1", "Ann"), joinStep("p2", "Bob")}
	q0Open   = append(slices.Clone(lobbyOf2), cmdStep(0, (*game.Game).Start))
	q0Shown  = append(slices.Clone(q0Open), answerStep(2*time.Second, "p1", 0, 1))
	q0Closed = append(slices.Clone(q0Shown), advanceStep(11*time.Second))
	q0Board  = append(slices.Clone(q0Closed), cmdStep(12*time.Second, (*game.Game).Next))
	q1Open   = append(slices.Clone(q0Board), cmdStep(13*time.Second, (*game.Game).Next))
	q1Closed = append(slices.Clone(q1Open), cmdStep(14*time.Second, (*game.Game).Skip))
	q1Board  = append(slices.Clone(q1Closed), cmdStep(15*time.Second, (*game.Game).Next))
	podium   = append(slices.Clone(q1Board), cmdStep(16*time.Second, (*game.Game).Next))
)

// run plays steps on g, rendering each step's events into r at its time,
// and returns the last step's effects and the items it added.
func run(t *testing.T, g *game.Game, r *renderer, steps []step) (rendered, []outItem) {
	t.Helper()
	var fx rendered
	mark := 0
	for _, s := range steps {
		evs, err := s.do(g, renderT0.Add(s.at))
		if err != nil {
			t.Fatalf("step at %v: %v", s.at, err)
		}
		mark = len(r.items)
		fx = r.handle(g, evs, renderT0.Add(s.at))
	}
	return fx, r.items[mark:]
}

// seen is an output item as a test reads it.
type seen struct {
	To   audience
	Type string
	Seq  uint64
	Q    questionRef
	You  []game.PlayerID // players with a personal part (You) or frame (Per)
}

func see(t *testing.T, items []outItem) []seen {
	t.Helper()
	out := make([]seen, 0, len(items))
	for _, it := range items {
		var head struct {
			Type string `json:"type"`
			Seq  uint64 `json:"seq"`
		}
		d := it.D
		you := it.You
		if d == nil && len(it.Per) > 0 {
			you = it.Per
			for _, f := range it.Per {
				d = f
				break
			}
		}
		if err := json.Unmarshal(d, &head); err != nil {
			t.Fatalf("item %+v: %v", it, err)
		}
		s := seen{To: it.To, Type: head.Type, Seq: head.Seq, Q: it.Q}
		for id := range you {
			s.You = append(s.You, id)
		}
		slices.Sort(s.You)
		out = append(out, s)
	}
	return out
}

var both = []game.PlayerID{"p1", "p2"}

func TestRendererEventsToAudiences(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		want  []seen
		fx    rendered
	}{
		{"joins wait for the notes", lobbyOf2, []seen{}, rendered{Players: 2, PlayersChanged: true}},
		{"question: joins first, then the question to all", q0Open, []seen{
			{To: toHosts, Type: wire.TypePlayerJoined, Seq: 0},
			{To: toAll, Type: wire.TypeQuestion, Seq: 1, Q: showing(0)},
		}, rendered{PhaseChanged: true}},
		{"answer: the count waits for the notes", q0Shown, []seen{}, rendered{}},
		{"reveal: the final count to hosts, then the reveal with each player's result", q0Closed, []seen{
			{To: toHosts, Type: wire.TypeAnswersCount, Seq: 1},
			{To: toAll, Type: wire.TypeReveal, Seq: 2, You: both},
		}, rendered{PhaseChanged: true}},
		{"leaderboard with each player's rank", q0Board, []seen{
			{To: toAll, Type: wire.TypeLeaderboard, Seq: 3, You: both},
		}, rendered{PhaseChanged: true}},
		{"second question, index 1", q1Open, []seen{
			{To: toAll, Type: wire.TypeQuestion, Seq: 4, Q: showing(1)},
		}, rendered{PhaseChanged: true}},
		{"podium, each player's review, stats to hosts", podium, []seen{
			{To: toAll, Type: wire.TypePodium, Seq: 7, You: both},
			{To: toPlayers, Type: wire.TypeReview, Seq: 7, You: both},
			{To: toHosts, Type: wire.TypeStats, Seq: 7},
		}, rendered{PhaseChanged: true}},
		{"end", append(slices.Clone(podium), cmdStep(17*time.Second, (*game.Game).End)), []seen{
			{To: toAll, Type: wire.TypeEnded, Seq: 8},
		}, rendered{PhaseChanged: false, Ended: true}},
		{"a player leaves: hosts only, same seq", append(slices.Clone(q0Open), cmdStep(time.Second, func(g *game.Game, now time.Time) ([]game.Event, error) {
			return g.Leave("p2", now)
		})), []seen{
			{To: toHosts, Type: wire.TypePlayerLeft, Seq: 1},
		}, rendered{Players: 1, PlayersChanged: true, PhaseChanged: true}},
		{"pause and resume to all", append(slices.Clone(q0Open), cmdStep(time.Second, (*game.Game).Pause), cmdStep(2*time.Second, (*game.Game).Resume)), []seen{
			{To: toAll, Type: wire.TypeResumed, Seq: 3},
		}, rendered{PhaseChanged: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, r := renderGame(t), &renderer{}
			fx, items := run(t, g, r, tt.steps)
			if got := see(t, items); !slices.EqualFunc(got, tt.want, func(a, b seen) bool {
				return a.To == b.To && a.Type == b.Type && a.Seq == b.Seq && a.Q == b.Q && slices.Equal(a.You, b.You)
			}) {
				t.Errorf("items:\n got %+v\nwant %+v", got, tt.want)
			}
			if fx != tt.fx {
				t.Errorf("effects: got %+v, want %+v", fx, tt.fx)
			}
		})
	}
}
