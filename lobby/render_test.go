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

func TestRendererQuestionIndexAndStamp(t *testing.T) {
	g, r := renderGame(t), &renderer{}
	_, items := run(t, g, r, q1Open)
	it := items[len(items)-1]
	var f wire.Question
	if err := json.Unmarshal(it.D, &f); err != nil {
		t.Fatal(err)
	}
	// The frame carries the index, the item index+1 (0 is none), and a
	// frame's Question is the index again.
	now := renderT0.Add(13 * time.Second)
	if f.Q != 1 || it.Q != 2 || it.Q.index() != 1 || f.Total != 2 || !f.DoublePoints {
		t.Errorf("question frame q=%d total=%d double=%v, item q=%d", f.Q, f.Total, f.DoublePoints, it.Q)
	}
	if f.ServerMs != now.UnixMilli() || f.DeadlineMs != now.Add(10*time.Second).UnixMilli() || f.TimeMs != 10000 {
		t.Errorf("times: server %d deadline %d time %d", f.ServerMs, f.DeadlineMs, f.TimeMs)
	}
	// The actor stamps the question as it hands the batch over.
	handed := now.Add(40 * time.Millisecond)
	r.stampQuestion(handed)
	if err := json.Unmarshal(r.items[len(r.items)-1].D, &f); err != nil {
		t.Fatal(err)
	}
	if f.ServerMs != handed.UnixMilli() || r.openQuestion != nil {
		t.Errorf("stamped server_ms %d, want %d", f.ServerMs, handed.UnixMilli())
	}
	if shownQuestion(g) != showing(1) {
		t.Errorf("shown question %d", shownQuestion(g))
	}
}

func TestRendererPersonalParts(t *testing.T) {
	g, r := renderGame(t), &renderer{}
	_, items := run(t, g, r, q0Closed)
	rev := items[len(items)-1]
	var ann, bob wire.YouResult
	if json.Unmarshal(rev.You["p1"], &ann) != nil || json.Unmarshal(rev.You["p2"], &bob) != nil {
		t.Fatalf("you parts %s", rev.You)
	}
	if !ann.Answered || !ann.Correct || ann.Points <= 0 || ann.Rank != 1 || bob.Answered || bob.Points != 0 || bob.Rank != 2 {
		t.Errorf("results: Ann %+v, Bob %+v", ann, bob)
	}
	_, items = run(t, g, r, []step{cmdStep(12*time.Second, (*game.Game).Next)})
	var bobRank wire.YouRank
	if json.Unmarshal(items[0].You["p2"], &bobRank) != nil || bobRank.Rank != 2 || bobRank.Ahead == nil || bobRank.Ahead.Nickname != "Ann" {
		t.Errorf("Bob's rank %s", items[0].You["p2"])
	}
}

func TestRendererHostNotesThrottle(t *testing.T) {
	g, r := renderGame(t), &renderer{}
	run(t, g, r, q0Open)
	r.lastNote = renderT0 // notes went out as the question opened
	run(t, g, r, []step{answerStep(100*time.Millisecond, "p1", 0, 1)})
	r.items = nil
	r.hostNotes(g, renderT0.Add(100*time.Millisecond), false)
	if len(r.items) != 0 || r.noteDue() != r.lastNote.Add(hostNoteEvery) {
		t.Fatalf("held count: items %d, due %v", len(r.items), r.noteDue())
	}
	r.hostNotes(g, r.noteDue(), false)
	got := see(t, r.items)
	if len(got) != 1 || got[0].To != toHosts || got[0].Type != wire.TypeAnswersCount || got[0].Seq != 1 {
		t.Fatalf("count note %+v", got)
	}
	var c wire.AnswersCount
	if json.Unmarshal(r.items[0].D, &c) != nil || c.Answered != 1 || c.Players != 2 || c.Q != 0 {
		t.Errorf("count %s", r.items[0].D)
	}
	if !r.noteDue().IsZero() {
		t.Errorf("nothing held, yet due at %v", r.noteDue())
	}
}

func TestRendererStateForEachAudience(t *testing.T) {
	g, r := renderGame(t), &renderer{}
	run(t, g, r, q0Shown)
	now := renderT0.Add(4 * time.Second)
	host := r.state(g, wire.RoleHost, "", now)
	display := r.state(g, wire.RoleDisplay, "", now)
	ann := r.state(g, wire.RolePlayer, "p1", now)
	bob := r.state(g, wire.RolePlayer, "p2", now)
	if host.Q != 0 || host.Question == nil || host.Question.Q != 0 || host.RemainingMs != 6000 || len(host.Players) != 2 {
		t.Errorf("host state %+v", host)
	}
	if display.Players != nil || display.Answered != nil {
		t.Errorf("display sees players or a player's own fields: %+v", display)
	}
	if ann.Answered == nil || !*ann.Answered || ann.YourAnswer == nil || ann.YourAnswer.Choice == nil || *ann.YourAnswer.Choice != 1 || ann.Nickname != "Ann" {
		t.Errorf("Ann's state %+v", ann)
	}
	if bob.Answered == nil || *bob.Answered || bob.YourAnswer != nil || ann.Players != nil {
		t.Errorf("Bob's state %+v", bob)
	}
}

func TestRendererResyncAll(t *testing.T) {
	g, r := renderGame(t), &renderer{}
	run(t, g, r, q0Closed)
	r.items = nil
	seq := r.wireSeq
	r.resyncAll(g, renderT0.Add(11*time.Second))
	got := see(t, r.items)
	want := []seen{{To: toHosts, Type: "", Seq: seq + 1}, {To: toPlayers, Type: "", Seq: seq + 1, You: both}}
	if len(got) != 2 || got[0].To != want[0].To || got[0].Seq != want[0].Seq || got[1].To != want[1].To || !slices.Equal(got[1].You, both) {
		t.Fatalf("resync %+v", got)
	}
	var st wire.State
	if json.Unmarshal(r.items[1].Per["p2"], &st) != nil || st.Type != wire.TypeState || st.LastReveal == nil || st.LastReveal.You == nil || st.LastReveal.You.Answered {
		t.Errorf("Bob's resync %s", r.items[1].Per["p2"])
	}
}
