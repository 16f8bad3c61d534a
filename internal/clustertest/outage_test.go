package clustertest

import (
	"context"
	"errors"
	"testing"
	"time"

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
			// The outage itself is the scenario: 5 s of wall time, not a wait
			// for an event.
			outage := time.NewTimer(5*time.Second - time.Since(down))
			select {
			case <-outage.C:
			case <-ctx.Done():
				outage.Stop()
				return
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

func mustAccepted(p *client, q int) (int, bool) {
	acc, _, _, _, _ := p.snapshot()
	v, ok := acc[q]
	return v, ok
}
