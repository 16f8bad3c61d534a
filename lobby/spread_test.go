package lobby_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
)

// renewClock is a membus that records when each room's lease is renewed.
type renewClock struct {
	*membus.Bus
	mu     sync.Mutex
	renews map[string][]time.Time
}

func (b *renewClock) RenewTerm(ctx context.Context, room, holder string, term lobby.Term, ttl time.Duration) (lobby.TermStatus, error) {
	b.mu.Lock()
	b.renews[room] = append(b.renews[room], time.Now())
	b.mu.Unlock()
	return b.Bus.RenewTerm(ctx, room, holder, term, ttl)
}

// Games created in the same instant do not renew their leases (and take
// their periodic snapshots) in the same instant ever after: each renewal
// gets its own slot, and every lease is still renewed well inside its TTL.
func TestRoomsCreatedTogetherRenewInTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const rooms, ttl = 20, 3 * time.Second
		bus := &renewClock{Bus: membus.New(membus.Options{}), renews: map[string][]time.Time{}}
		l := lobby.New(bus, lobby.Config{LeaseTTL: ttl})
		defer l.Close()
		for range rooms {
			if _, err := l.CreateGame(context.Background(), lobby.GameSpec{Questions: questions(), Settings: game.Settings{}}); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		time.Sleep(3*ttl/3 + ttl/6) // three renewal periods, and half of one for the slots
		synctest.Wait()
		bus.mu.Lock()
		defer bus.mu.Unlock()
		if len(bus.renews) != rooms {
			t.Fatalf("%d rooms renewed, want %d", len(bus.renews), rooms)
		}
		var firsts []time.Time
		for pin, at := range bus.renews {
			if len(at) != 3 {
				t.Fatalf("room %s renewed %d times in three periods: %v", pin, len(at), at)
			}
			prev := start
			for _, a := range at {
				if gap := a.Sub(prev); gap > ttl/3+rooms*time.Millisecond {
					t.Fatalf("room %s went %v between renewals (lease %v)", pin, gap, ttl)
				}
				prev = a
			}
			firsts = append(firsts, at[0])
		}
		slices.SortFunc(firsts, func(a, b time.Time) int { return a.Compare(b) })
		for k := 1; k < len(firsts); k++ {
			if !firsts[k].After(firsts[k-1]) {
				t.Fatalf("two rooms renewed at the same instant %v", firsts[k].Sub(start))
			}
		}
	})
}
