package clustertest

import (
	"context"
	"testing"
	"time"
)

// TestPlannedHandOverLosesNothing: the owner of a game is stopped the
// planned way (SIGTERM: final snapshot, lease released) while a question is
// open. Another instance takes the room over and the game goes on, with
// every answer counted, and no instance reports lost outputs: nothing was
// lost, and "outputs lost: resyncing" is a line operators alert on.
func TestPlannedHandOverLosesNothing(t *testing.T) {
	c := startCluster(t, 3)
	var owner, survivor *instance
	const stopAt = 1
	release := make(chan struct{})
	sc := scenario{
		players:   30,
		questions: questions(3, nil),
		gate: func(p, q int) <-chan struct{} {
			if q == stopAt && p%2 == 1 {
				return release
			}
			return nil
		},
		during: func(ctx context.Context, r *run) {
			waitEvenAnswersAcked(ctx, t, r, stopAt)
			owner = c.holder(ctx, t, r.pin)
			survivor = c.other(owner)
			owner.shutdown()
			waitFor(ctx, t, "another instance holds the room's lease", func() bool {
				h, err := survivor.fault.LeaseHolder(ctx, r.pin)
				return err == nil && h != "" && h != owner.name
			})
			close(release)
		},
	}
	r := play(t, c, sc)
	r.expectAll = true
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if answered := r.checkScores(ctx, survivor); answered != 30*3 {
		t.Errorf("%d answers in the results, want %d", answered, 30*3)
	}
	for _, in := range c.insts {
		if n := in.gaps.n.Load(); in != owner && n != 0 {
			t.Errorf("instance %s saw %d outputs lost in a planned hand-over", in.name, n)
		}
	}
}
