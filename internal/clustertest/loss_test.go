package clustertest

import (
	"context"
	"testing"
	"time"
)

// TestOutputLoss: every instance drops a fifth of the room outputs it
// receives, as pub/sub does under a slow or broken connection. The sequence
// check (instances resync their connections on a gap; the room's heartbeat
// reveals a loss even when it goes quiet) brings every client to the right
// state: the game finishes with every accepted answer counted and every
// player shown the score the rules give.
func TestOutputLoss(t *testing.T) {
	c := startCluster(t, 3)
	// Drops start before anyone joins: a lost welcome is repaired too (the
	// instance sees the gap at the room's next output or heartbeat and sends
	// the join again; the room answers it with the same player).
	for _, in := range c.insts {
		in.fault.DropOutputs(0.2)
	}
	// Question 2 stays open, its answers held, until every client shows
	// the engine's phase, question and score: convergence mid-game, not
	// only at the podium.
	const checkAt = 2
	release := make(chan struct{})
	r := play(t, c, scenario{
		players:   30,
		questions: questions(5, map[int]time.Duration{checkAt: 30 * time.Second}),
		gate: func(p, q int) <-chan struct{} {
			if q == checkAt {
				return release
			}
			return nil
		},
		during: func(ctx context.Context, r *run) {
			select {
			case <-r.questionOpen(checkAt):
			case <-ctx.Done():
				t.Fatal("question 2 never opened")
			}
			cctx, ccancel := context.WithTimeout(ctx, 15*time.Second)
			r.waitConverged(cctx, c.insts[0], checkAt)
			ccancel()
			close(release)
		},
	})
	var dropped int64
	for _, in := range c.insts {
		dropped += in.fault.Dropped()
		in.fault.DropOutputs(0)
	}
	if dropped == 0 {
		t.Fatal("no output was dropped: the test tests nothing")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	answered := r.checkScores(ctx, c.insts[1])
	gaps, reconnects, acked := r.stats()
	if answered != 30*5 {
		t.Errorf("%d answers in the results, want %d", answered, 30*5)
	}
	t.Logf("dropped %d outputs; client gaps %d, reconnects %d, answers %d, acks seen %d", dropped, gaps, reconnects, answered, acked)
}
