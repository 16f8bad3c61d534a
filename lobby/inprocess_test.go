package lobby_test

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// The compile-time check of membus against the interface is in membus
// itself; this one fails the lobby's tests too if the two drift apart.
var _ lobby.InProcessLog = (*membus.Bus)(nil)

// goroutinesIn reports whether some goroutine's stack holds fn (a function
// of package lobby, as the runtime names it).
func goroutinesIn(fn string) bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Contains(buf[:n], []byte("quizroom/lobby."+fn+"("))
		}
		buf = make([]byte, 2*len(buf))
	}
}

// On an in-process log the room's actor reads the log itself: no pump
// goroutine stands between an answer and the actor (each goroutine on the
// way is a wake-up the ack waits behind on a busy core). A remote log keeps
// its pump, which is how the check shows it sees one.
func TestInProcessLogIsReadByTheActorWithoutAPump(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bus      func() lobby.Bus
		wantPump bool
	}{
		{"in-process", func() lobby.Bus { return membus.New(membus.Options{}) }, false},
		{"remote", func() lobby.Bus { return bustest.NewFaultBus(membus.New(membus.Options{}), 1) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l, host, _, player, pc := setupOn(t, tc.bus(), lobby.Config{}, game.Settings{QuestionTime: time.Minute})
				defer l.Close()
				submit(t, host, lobby.Message{Type: wire.TypeStart})
				synctest.Wait()
				if !goroutinesIn("(*room).run") {
					t.Fatal("no actor found among the goroutines: the check cannot see the pump either")
				}
				if pump := goroutinesIn("(*room).pump"); pump != tc.wantPump {
					t.Fatalf("a pump goroutine runs: %v, want %v", pump, tc.wantPump)
				}
				submit(t, player, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()})
				synctest.Wait()
				var ack wire.AnswerAck
				if pc.last(t, wire.TypeAnswerAck, &ack); !ack.Accepted {
					t.Fatalf("ack %+v, want accepted", ack)
				}
			})
		})
	}
}

// More inputs than the actor takes in one step (17 reads of 256) wait in an
// in-process log: the actor comes back for the rest by itself, and applies
// every one once, in log order.
func TestInProcessLogBacklogBeyondOneStepIsAppliedInOrderOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 17*256 + 300
		l, host, hc, _, _ := setup(t, lobby.Config{InputQueue: 2 * n}, game.Settings{})
		defer l.Close()
		synctest.Wait()
		release := lobby.HoldActor(l, hostPIN(t, hc))
		ctx := context.Background()
		for i := range n {
			if err := host.Submit(ctx, lobby.Message{Type: wire.TypeSync, Re: []byte(strconv.Itoa(i))}); err != nil {
				t.Fatalf("sync %d: %v", i, err)
			}
		}
		release()
		synctest.Wait()
		states := framesOf[wire.State](t, hc, wire.TypeState)
		if len(states) != n {
			t.Fatalf("%d states for %d syncs", len(states), n)
		}
		for i, st := range states {
			if string(st.Re) != strconv.Itoa(i) {
				t.Fatalf("state %d answers sync %s", i, st.Re)
			}
		}
	})
}

// An answer appended while nobody owns the room (the owner handed it over,
// the next one has not taken it yet) is replayed by the next owner, whether
// it reads the log through a pump (remote) or itself (in-process).
func TestAnswerDuringAHandOverIsReplayedByTheNextOwner(t *testing.T) {
	for _, tc := range []struct {
		name string
		bus  func() (a, b lobby.Bus)
	}{
		{"in-process", func() (lobby.Bus, lobby.Bus) {
			shared := membus.New(membus.Options{})
			return shared, shared
		}},
		{"remote", func() (lobby.Bus, lobby.Bus) {
			shared := membus.New(membus.Options{})
			return bustest.NewFaultBus(shared, 1), bustest.NewFaultBus(shared, 2)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				a, b := tc.bus()
				p := newPairOn(t, game.Settings{QuestionTime: time.Minute}, a, b)
				defer p.close()
				p.startQuestion(t)
				p.la.Close()
				if p.lb.Rooms() != 0 {
					t.Fatal("b took the room over before the answer: nothing to replay")
				}
				submit(t, p.player, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()})
				time.Sleep(time.Second) // b's watch takes the room over
				synctest.Wait()
				if p.lb.Rooms() != 1 {
					t.Fatalf("b runs %d rooms after a handed over, want 1", p.lb.Rooms())
				}
				acks := framesOf[wire.AnswerAck](t, p.pc, wire.TypeAnswerAck)
				if len(acks) != 1 || !acks[0].Accepted {
					t.Fatalf("acks %+v, want the answer accepted once", acks)
				}
			})
		})
	}
}
