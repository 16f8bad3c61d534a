package clustertest

import (
	"context"
	"testing"
	"time"
)

// TestOwnerPartitioned: the owner is cut off from Redis (not dead: its
// actor, its clients' connections and its memory live on) for longer than
// its lease, while question 2 is open and half the players have answered.
// Another instance takes the room over. When the cut heals, the old owner
// must stop acting for the room (its renewal fails, and its snapshots are
// fenced by the lease: see redisbus.Options.Holder) and let the new owner
// serve: every client converges on the new owner's state, and the game
// finishes with every accepted answer counted.
func TestOwnerPartitioned(t *testing.T) {
	c := startCluster(t, 3)
	var owner *instance
	const at = 2
	release := make(chan struct{})
	var next *instance
	sc := scenario{
		players:   30,
		questions: questions(4, map[int]time.Duration{at: 30 * time.Second}),
		gate: func(p, q int) <-chan struct{} {
			if q == at && p%2 == 1 {
				return release
			}
			return nil
		},
		during: func(ctx context.Context, r *run) {
			waitEvenAnswersAcked(ctx, t, r, at)
			owner = c.holder(ctx, t, r.pin)
			owner.fault.Partition(true)
			waitFor(ctx, t, "another instance holds the room's lease", func() bool {
				h, err := c.other(owner).fault.LeaseHolder(ctx, r.pin)
				if err != nil || h == "" || h == owner.name {
					return false
				}
				for _, in := range c.insts {
					if in.name == h {
						next = in
					}
				}
				return true
			})
			if owner.lobby.Rooms() != 1 {
				t.Fatalf("the cut-off owner runs %d rooms, want 1: the test needs it alive", owner.lobby.Rooms())
			}
			owner.fault.Partition(false)
			waitFor(ctx, t, "the old owner stops its actor once it can talk to Redis again", func() bool {
				return owner.lobby.Rooms() == 0
			})
			if h, err := c.other(owner).fault.LeaseHolder(ctx, r.pin); err != nil || h != next.name {
				t.Fatalf("lease holder after the heal = %q, %v; want %s", h, err, next.name)
			}
			cctx, ccancel := context.WithTimeout(ctx, 15*time.Second)
			r.waitConverged(cctx, next, at)
			ccancel()
			close(release)
		},
	}
	r := play(t, c, sc)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if answered := r.checkScores(ctx, c.other(owner)); answered != 30*4 {
		t.Errorf("%d answers in the results, want %d", answered, 30*4)
	}
	if owner.lobby.Rooms() != 0 {
		t.Errorf("the old owner runs the room again")
	}
}
