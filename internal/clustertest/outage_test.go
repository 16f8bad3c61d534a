package clustertest

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

// TestRedisStoppedMidGame: Redis (with persistence, as deployed) is killed
// for 5 s while a question is open and half the players have answered.
// Meanwhile every instance reports not ready and refuses new games with
// "unavailable"; nothing exits. When Redis is back the game goes on: the
// other half answer, and every answer accepted before the outage counts.
func TestRedisStoppedMidGame(t *testing.T) {
	srv := redistest.StartPersistent(t)
	c := startClusterOn(t, 3, srv)
	const at = 2
	release := make(chan struct{})
	sc := scenario{
		players:   60,
		questions: questions(4, map[int]time.Duration{at: 60 * time.Second}),
		gate: func(p, q int) <-chan struct{} {
			if q == at && p%2 == 1 {
				return release
			}
			return nil
		},
		during: func(ctx context.Context, r *run) {
			waitFor(ctx, t, "the even players' answers are acknowledged", func() bool {
				for i, p := range r.players {
					if i%2 == 0 {
						if acc, _, _, _, _ := p.snapshot(); acc[at] != pick(i, at) {
							return false
						}
						if _, ok := mustAccepted(p, at); !ok {
							return false
						}
					}
				}
				return true
			})
			srv.Stop()
			down := time.Now()
			for _, in := range c.insts {
				if err := in.lobby.Ready(ctx); err == nil {
					t.Errorf("%s ready with Redis down", in.name)
				}
			}
			_, err := c.insts[1].lobby.CreateGame(ctx, lobby.GameSpec{
				Questions: questions(1, nil),
				Settings:  game.Settings{Mode: game.ModeAccuracy, QuestionTime: 10 * time.Second},
			})
			var werr *wire.Error
			if !errors.As(err, &werr) || werr.Code != wire.CodeUnavailable {
				t.Errorf("CreateGame with Redis down = %v, want code %s", err, wire.CodeUnavailable)
			}
			// An input during the outage (here a join on another instance)
			// is refused with the retryable "unavailable", as documented.
			if code := joinCode(ctx, t, c.insts[2].url, r.pin); code != string(wire.CodeUnavailable) {
				t.Errorf("join with Redis down answered %q, want %s", code, wire.CodeUnavailable)
			}
			// No goroutine pile-up: what runs one second into the outage
			// is what runs at its end (retries wait; they do not stack up).
			early := runtime.NumGoroutine()
			// The outage itself is the scenario: 5 s of wall time, not a wait
			// for an event.
			outage := time.NewTimer(5*time.Second - time.Since(down))
			select {
			case <-outage.C:
			case <-ctx.Done():
				outage.Stop()
				return
			}
			if late := runtime.NumGoroutine(); late > early+20 {
				t.Errorf("goroutines grew from %d to %d during the outage", early, late)
			} else {
				t.Logf("goroutines during the outage: %d, then %d", early, late)
			}
			srv.Restart()
			waitFor(ctx, t, "every instance is ready again", func() bool {
				for _, in := range c.insts {
					if in.lobby.Ready(ctx) != nil {
						return false
					}
				}
				return true
			})
			close(release)
		},
	}
	r := play(t, c, sc)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	answered := r.checkScores(ctx, c.insts[2])
	gaps, reconnects, acked := r.stats()
	if answered != 60*4 {
		t.Errorf("%d answers in the results, want %d", answered, 60*4)
	}
	t.Logf("gaps %d, reconnects %d, answers %d, acks seen %d", gaps, reconnects, answered, acked)
}

// joinCode joins pin on url as a new player and returns the error code of
// the answer ("" for a welcome).
func joinCode(ctx context.Context, t *testing.T, url, pin string) string {
	t.Helper()
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, url, &websocket.DialOptions{Subprotocols: []string{wire.Subprotocol}})
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	defer conn.CloseNow()
	if err := conn.Write(dctx, websocket.MessageText, []byte(`{"type":"join","pin":"`+pin+`","nickname":"latecomer","id":"j"}`)); err != nil {
		t.Fatal(err)
	}
	for {
		_, data, err := conn.Read(dctx)
		if err != nil {
			t.Fatalf("no answer to a join: %v", err)
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		switch f.Type {
		case "welcome":
			return ""
		case "error":
			return f.Code
		}
	}
}

func mustAccepted(p *client, q int) (int, bool) {
	acc, _, _, _, _ := p.snapshot()
	v, ok := acc[q]
	return v, ok
}
