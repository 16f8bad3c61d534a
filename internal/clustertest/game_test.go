package clustertest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
)

// scenario is one game played over a cluster.
type scenario struct {
	players   int
	questions []game.Question
	// gate, when set, holds player p's answer to question q until the
	// returned channel closes.
	gate func(p, q int) <-chan struct{}
	// during runs while the game is played (kill an instance, stop Redis...).
	during func(ctx context.Context, s *run)
	// pin, token and urls, when set, play a game created elsewhere (child
	// processes) on those servers instead of the in-process cluster's.
	pin, token string
	urls       []string
}

// run is a scenario in progress.
type run struct {
	t       *testing.T
	c       *cluster
	pin     string
	token   string
	host    *client
	players []*client

	// expectAll: every player answers every question (checkScores names
	// the player and question of any answer missing from the results).
	expectAll bool

	mu     sync.Mutex
	opened map[int]chan struct{} // question -> closed when some player saw it open
}

// questionOpen returns a channel closed once some player saw question q open.
func (r *run) questionOpen(q int) chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch, ok := r.opened[q]
	if !ok {
		ch = make(chan struct{})
		r.opened[q] = ch
	}
	return ch
}

// markOpen records that a player saw question q open.
func (r *run) markOpen(q int) {
	ch := r.questionOpen(q)
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// pick is the answer of player p to question q: right for two players in
// three, so scores and streaks differ.
func pick(p, q int) int {
	if (p+q)%3 == 0 {
		return (q + 1) % 4
	}
	return q % 4
}

func play(t *testing.T, c *cluster, sc scenario) *run {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	r := &run{t: t, c: c, pin: sc.pin, token: sc.token, opened: map[int]chan struct{}{}}
	urls := sc.urls
	if r.pin == "" {
		created, err := c.insts[0].lobby.CreateGame(ctx, lobby.GameSpec{
			Questions: sc.questions,
			Settings:  game.Settings{Mode: game.ModeAccuracy, QuestionTime: 10 * time.Second},
		})
		if err != nil {
			t.Fatal(err)
		}
		r.pin, r.token = created.PIN, created.HostToken
		urls = c.urls()
	}

	var startOnce sync.Once
	nextSent := map[int]bool{}
	var hostMu sync.Mutex
	r.host = newClient(t, "host", urls, 0, r.pin)
	r.host.host = r.token
	r.host.onMsg = func(h *client, f frame) {
		phase, q := f.Type, f.Q
		if f.Type == "welcome" && f.State != nil {
			phase, q = f.State.Phase, f.State.Q
		}
		if f.Type == "state" {
			phase = f.top.Phase
		}
		switch phase {
		case "lobby", "player_joined":
			count := f.Count
			if f.Type == "welcome" && f.State != nil {
				count = f.State.Count
			}
			if count >= sc.players {
				startOnce.Do(func() { go h.command(ctx, "start") })
			}
		case "reveal":
			hostMu.Lock()
			send := !nextSent[q]
			nextSent[q] = true
			hostMu.Unlock()
			if send {
				go h.command(ctx, "next")
			}
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.host.run(ctx) }()

	for p := range sc.players {
		pl := newClient(t, fmt.Sprintf("player%02d", p), urls, p%len(urls), r.pin)
		pl.pick = func(q, _ int) int { return pick(p, q) }
		pl.gate = func(q int) <-chan struct{} {
			r.markOpen(q)
			if sc.gate != nil {
				return sc.gate(p, q)
			}
			return nil
		}
		r.players = append(r.players, pl)
		wg.Add(1)
		go func() { defer wg.Done(); pl.run(ctx) }()
	}
	if sc.during != nil {
		sc.during(ctx, r)
	}

	// Every player reaches the podium; then the host ends the game.
	defer func() {
		if t.Failed() {
			dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer dcancel()
			for _, in := range c.insts {
				h, err := in.fault.LeaseHolder(dctx, r.pin)
				ins, err2 := in.fault.ReadInputs(dctx, r.pin, lobby.InputStart, 10000, 0)
				snap, err3 := in.fault.LoadSnapshot(dctx, r.pin)
				t.Logf("%s: rooms %d, holder %q %v, %d inputs %v, snapshot last %s seq %d %v", in.name, in.lobby.Rooms(), h, err, len(ins), err2, snap.LastInput, snap.Seq, err3)
				if len(ins) > 0 && in == c.insts[1] {
					for _, x := range ins {
						t.Logf("  %s %.150s", x.ID, x.Data)
					}
				}
			}
			for _, p := range append([]*client{r.host}, r.players...) {
				p.mu.Lock()
				t.Logf("%s: home %d, seq %d, open %d, accepted %v, podium %v, gaps %d, reconnects %d", p.name, p.home, p.lastSeq, p.open, p.accepted, p.sawPodium, p.gaps, p.reconnects)
				p.mu.Unlock()
			}
		}
	}()
	waitFor(ctx, t, "every player sees the podium", func() bool {
		for _, p := range r.players {
			if _, _, saw, _, _ := p.snapshot(); !saw {
				return false
			}
		}
		return true
	})
	r.host.command(ctx, "end")
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("game did not finish: %v", ctx.Err())
	}
	return r
}

// waitFor polls cond: the state it waits on lives in several processes'
// worth of goroutines and has no single event to wait on.
// waitEvenAnswersAcked waits until every even-numbered player has its answer
// to question q acknowledged with the choice it made (the odd ones are held
// back by the scenario's gate).
func waitEvenAnswersAcked(ctx context.Context, t *testing.T, r *run, q int) {
	t.Helper()
	waitFor(ctx, t, "the even players' answers to the open question are acknowledged", func() bool {
		for i, p := range r.players {
			if i%2 == 1 {
				continue
			}
			acc, _, _, _, _ := p.snapshot()
			if choice, ok := acc[q]; !ok || choice != pick(i, q) {
				return false
			}
		}
		return true
	})
}

func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting until %s", what)
		case <-tick.C:
		}
	}
}

// waitConverged waits until every client's screen shows the state of the
// engine running on owner: its phase, question q and, for every player, the
// score the engine holds for that player. It fails the test with the first
// client that still differs when ctx ends.
func (r *run) waitConverged(ctx context.Context, owner *instance, q int) {
	t := r.t
	t.Helper()
	var differs string
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		differs = r.convergence(ctx, owner, q)
		if differs == "" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("clients did not converge on the engine's state: %s", differs)
		case <-tick.C:
		}
	}
}

// convergence describes the first client whose screen differs from the
// engine's state on owner, or returns "" when all agree.
func (r *run) convergence(ctx context.Context, owner *instance, q int) string {
	res, err := owner.lobby.Results(ctx, r.pin, r.token)
	if err != nil {
		return fmt.Sprintf("results from %s: %v", owner.name, err)
	}
	scores := map[string]int{}
	for _, pr := range res.Players {
		scores[string(pr.Player)] = pr.Score
	}
	if phase, hq, _ := r.host.screen(); phase != string(res.Phase) || hq != q {
		return fmt.Sprintf("host shows %s q%d, engine %s q%d", phase, hq, res.Phase, q)
	}
	for _, p := range r.players {
		phase, pq, score := p.screen()
		p.mu.Lock()
		id := p.playerID
		p.mu.Unlock()
		want, ok := scores[id]
		switch {
		case !ok:
			return fmt.Sprintf("%s (%q) unknown to the engine", p.name, id)
		case phase != string(res.Phase) || pq != q || score != want:
			return fmt.Sprintf("%s shows %s q%d score %d, engine %s q%d score %d", p.name, phase, pq, score, res.Phase, q, want)
		}
	}
	return ""
}

// checkScores compares what every player was told with the results the game
// keeps, and those with the scoring rules (accuracy mode: 1000 per correct
// answer plus the streak bonus).
// It returns the number of answers the results hold.
func (r *run) checkScores(ctx context.Context, from *instance) (answered int) {
	t := r.t
	t.Helper()
	res, err := from.lobby.Results(ctx, r.pin, r.token)
	if err != nil {
		t.Fatalf("results: %v", err)
	}
	byID := map[string]game.PlayerReview{}
	for _, pr := range res.Players {
		byID[string(pr.Player)] = pr
	}
	if len(byID) != len(r.players) {
		t.Errorf("results list %d players, want %d", len(byID), len(r.players))
	}
	for _, p := range r.players {
		accepted, podium, _, _, _ := p.snapshot()
		pr, ok := byID[p.playerID]
		if !ok {
			t.Errorf("%s (%s) missing from the results", p.name, p.playerID)
			continue
		}
		answers := map[int]game.ReviewItem{}
		for _, a := range pr.Answers {
			answers[a.Index] = a
			if a.Answered {
				answered++
			}
		}
		missing := []int{}
		for q := range res.Questions {
			if !answers[q].Answered {
				missing = append(missing, q)
			}
		}
		if len(missing) > 0 && r.expectAll {
			t.Errorf("player %d lost its answer to q%v (started on instance %d):\n  %s", slices.Index(r.players, p), missing, slices.Index(r.players, p)%3, p.describe())
		}
		for q, choice := range accepted {
			a := answers[q]
			if !a.Answered || !slices.Equal(a.Choices, []int{choice}) {
				t.Errorf("%s: answer %d to q%d was accepted, results have %+v", p.name, choice, q, a)
			}
		}
		want, streak := 0, 0
		for q := range res.Questions {
			a, ok := answers[q]
			if ok && a.Answered && slices.Equal(a.Choices, []int{q % 4}) {
				streak++
				want += game.Points(false) + game.StreakBonus(streak)
			} else {
				streak = 0
			}
		}
		if pr.Score != want {
			t.Errorf("%s: score %d, the rules give %d for answers %+v", p.name, pr.Score, want, pr.Answers)
		}
		if podium != pr.Score {
			t.Errorf("%s: was shown %d on the podium, results say %d", p.name, podium, pr.Score)
		}
	}
	return answered
}

func (r *run) stats() (gaps, reconnects, answered int) {
	for _, p := range r.players {
		acc, _, _, g, rc := p.snapshot()
		gaps += g
		reconnects += rc
		answered += len(acc)
	}
	return
}

// TestGameAcrossThreeInstances: 60 players spread over three instances
// sharing one Redis play a whole game created on the first one.
func TestGameAcrossThreeInstances(t *testing.T) {
	c := startCluster(t, 3)
	r := play(t, c, scenario{players: 60, questions: questions(5, nil)})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	answered := r.checkScores(ctx, c.insts[2])
	gaps, reconnects, acked := r.stats()
	if answered != 60*5 || acked != 60*5 {
		t.Errorf("%d answers in the results, %d acks seen, want %d", answered, acked, 60*5)
	}
	t.Logf("gaps %d, reconnects %d, answers %d, acks seen %d", gaps, reconnects, answered, acked)
}
