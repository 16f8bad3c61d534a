package lobby_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// slowBus holds every published output for delay while slow is set: a room
// that answers late.
type slowBus struct {
	lobby.Bus
	slow  atomic.Bool
	delay time.Duration
}

func (b *slowBus) PublishFenced(ctx context.Context, room string, term lobby.Term, out lobby.Output) error {
	if b.slow.Load() {
		time.Sleep(b.delay)
	}
	return b.Bus.PublishFenced(ctx, room, term, out)
}

// TestAttachGivenUpLeavesNothingBound: an attach that gives up (its timeout,
// or its connection going away) while the room admits the player must not
// leave that player bound to a connection nobody holds: the same nickname
// can join again at once, and the connection that gave up receives nothing
// more.
func TestAttachGivenUpLeavesNothingBound(t *testing.T) {
	const timeout = time.Second
	for _, tc := range []struct {
		name  string
		delay time.Duration
		// connGone: the connection goes away (its context ends) after
		// this long, before the attach times out.
		connGone time.Duration
	}{
		{"room answers after the timeout", 2 * timeout, 0},
		// The timer and the welcome are ready at the same instant: the
		// select may take either.
		{"room answers at the timeout", timeout, 0},
		{"connection gone before the room answers", timeout, timeout / 2},
	} {
		for i := range 8 {
			t.Run(fmt.Sprintf("%s/%d", tc.name, i), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					bus := &slowBus{Bus: membus.New(membus.Options{}), delay: tc.delay}
					l := lobby.New(bus, lobby.Config{AttachTimeout: timeout})
					defer l.Close()
					ctx := context.Background()
					created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: questions()})
					if err != nil {
						t.Fatal(err)
					}
					hc := &fakeConn{}
					host, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: created.PIN, HostToken: created.HostToken}, hc)
					if err != nil {
						t.Fatal(err)
					}
					bus.slow.Store(true)
					gaveUp := &fakeConn{}
					attachCtx := ctx
					if tc.connGone > 0 {
						c, cancel := context.WithTimeout(ctx, tc.connGone)
						defer cancel()
						attachCtx = c
					}
					m, err := l.Attach(attachCtx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: "ada"}, gaveUp)
					synctest.Wait()
					bus.slow.Store(false)
					time.Sleep(2 * tc.delay) // everything the room published has arrived
					synctest.Wait()
					if err == nil {
						// The attach won the race: an ordinary member.
						m.Detach()
						return
					}
					if tc.connGone == 0 && wire.CodeOf(err) != wire.CodeUnavailable {
						t.Fatalf("attach: %v, want unavailable", err)
					}
					again := &fakeConn{}
					if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: "ada"}, again); err != nil {
						t.Fatalf("joining again as ada after the first attach gave up: %v", err)
					}
					sent := len(gaveUp.types())
					_ = host.Submit(ctx, lobby.Message{Type: wire.TypeStart})
					synctest.Wait()
					if got := gaveUp.types(); len(got) != sent {
						t.Fatalf("the connection that gave up still receives the room: %v", got[sent:])
					}
				})
			})
		}
	}
}
