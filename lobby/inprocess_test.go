package lobby_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
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

// broadcastFrames is the (type, seq) of every frame c got that every player
// gets: what two views of one room must deliver alike, in one order.
func broadcastFrames(c *fakeConn) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, f := range c.frames {
		typ, _, _ := wire.Peek(f.Data)
		switch typ {
		case wire.TypeQuestion, wire.TypeReveal, wire.TypeLeaderboard, wire.TypePodium:
			var h struct {
				Seq uint64 `json:"seq"`
			}
			_ = json.Unmarshal(f.Data, &h)
			out = append(out, typ+"/"+strconv.FormatUint(h.Seq, 10))
		}
	}
	return out
}

func manyQuestions(n int) []game.Question {
	qs := make([]game.Question, n)
	for i := range qs {
		qs[i] = game.Question{ID: strconv.Itoa(i), Kind: game.KindSingle, Prompt: "Which one?", Options: []string{"a", "b"}, Correct: []int{1}}
	}
	return qs
}

// On an in-process Bus the room's outputs are delivered on the actor's
// goroutine (lobby.InProcessBroadcaster): no dispatcher goroutine stands
// between the actor and the connections, on the owner's lobby or on another
// lobby sharing the Bus. Views on both get every output in one order, and
// the game's end closes both, from the actor. A remote Bus keeps its
// dispatchers, which is how the check shows it sees one.
func TestInProcessOutputsAreDeliveredByTheActorToEveryView(t *testing.T) {
	for _, tc := range []struct {
		name           string
		bus            func() (a, b lobby.Bus)
		wantDispatcher bool
	}{
		{"in-process", func() (lobby.Bus, lobby.Bus) {
			shared := membus.New(membus.Options{})
			return shared, shared
		}, false},
		{"remote", func() (lobby.Bus, lobby.Bus) {
			shared := membus.New(membus.Options{})
			return bustest.NewFaultBus(shared, 1), bustest.NewFaultBus(shared, 2)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				busA, busB := tc.bus()
				la := lobby.New(busA, lobby.Config{Instance: "a"})
				lb := lobby.New(busB, lobby.Config{Instance: "b"})
				defer la.Close()
				defer lb.Close()
				ctx := context.Background()
				const questions = 8
				created, host := hostedGame(t, la, manyQuestions(questions))
				// One player on a (the owner's own view, fed the actor's
				// items as they are) and two on b (one view, decoding the
				// bus bytes).
				var conns []*fakeConn
				for i, l := range []*lobby.Lobby{la, lb, lb} {
					c := &fakeConn{}
					if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: fmt.Sprint("p", i)}, c); err != nil {
						t.Fatal(err)
					}
					conns = append(conns, c)
				}
				submit(t, host, lobby.Message{Type: wire.TypeStart})
				if !goroutinesIn("(*room).run") {
					t.Fatal("no actor found among the goroutines: the check cannot see a dispatcher either")
				}
				if d := goroutinesIn("(*view).dispatch"); d != tc.wantDispatcher {
					t.Fatalf("a dispatcher goroutine runs: %v, want %v", d, tc.wantDispatcher)
				}
				// Through the game to its end, commands in twos: some
				// batches publish several steps in one output.
				for i := range 2*questions + 2 { // start, close and next of each, the podium's next: the end

					_ = host.Submit(ctx, lobby.Message{Type: wire.TypeNext})
					if i%2 == 1 {
						synctest.Wait()
					}
				}
				synctest.Wait()
				want := broadcastFrames(conns[0])
				if len(want) < 2*questions+1 {
					t.Fatalf("the player on a saw %v, want the whole game", want)
				}
				for i, c := range conns {
					if got := broadcastFrames(c); !slices.Equal(got, want) {
						t.Fatalf("player %d saw %v\nwant %v", i, got, want)
					}
					if r := c.reason(); r != lobby.CloseGameOver {
						t.Fatalf("player %d closed with %q after the end, want game_over", i, r)
					}
				}
			})
		})
	}
}

// Views closing while the room's actor publishes to them (a lobby sharing
// the Bus closes, its players detach), run with -race: delivery on the
// actor's goroutine races with those closes, which must be safe, and the
// lobby that stays goes on receiving everything.
func TestDirectViewsCloseWhileTheActorPublishes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		shared := membus.New(membus.Options{})
		la := lobby.New(shared, lobby.Config{Instance: "a"})
		lb := lobby.New(shared, lobby.Config{Instance: "b"})
		defer la.Close()
		ctx := context.Background()
		const questions = 40
		created, host := hostedGame(t, la, manyQuestions(questions))
		ac := &fakeConn{}
		if _, err := la.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: "stays"}, ac); err != nil {
			t.Fatal(err)
		}
		var bMembers []*lobby.Member
		var bConns []*fakeConn
		for i := range 6 {
			c := &fakeConn{}
			m, err := lb.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: fmt.Sprint("b", i)}, c)
			if err != nil {
				t.Fatal(err)
			}
			bMembers, bConns = append(bMembers, m), append(bConns, c)
		}
		// Start, then close and next for each question: the last step
		// opens a question, and the game stays on (b closes mid-game).
		const steps = 2*(questions-5) + 1
		driving := make(chan struct{})
		go func() {
			defer close(driving)
			for range steps {
				if err := host.Submit(ctx, lobby.Message{Type: wire.TypeNext}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		for _, m := range bMembers[:3] {
			m.Detach()
		}
		lb.Close()
		<-driving
		synctest.Wait()
		for i, c := range bConns[3:] {
			if r := c.reason(); r != lobby.CloseRoomLost {
				t.Errorf("player %d on b: closed with %q after b closed, want room_lost", i+3, r)
			}
		}
		// a's player got everything, up to the question of the last step.
		frames := broadcastFrames(ac)
		if len(frames) != steps || frames[steps-1] != wire.TypeQuestion+"/"+strconv.Itoa(steps) {
			t.Fatalf("a's player saw %v, want %d frames up to the question of the last step", frames, steps)
		}
	})
}

// hostedGame creates a game of qs (a minute a question) on l and attaches
// its host.
func hostedGame(t *testing.T, l *lobby.Lobby, qs []game.Question) (lobby.Created, *lobby.Member) {
	t.Helper()
	ctx := context.Background()
	created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: qs, Settings: game.Settings{QuestionTime: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	host, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: created.PIN, HostToken: created.HostToken}, &fakeConn{})
	if err != nil {
		t.Fatal(err)
	}
	return created, host
}
