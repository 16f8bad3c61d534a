package lobby_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// The failover paths run here on two lobbies ("a" and "b") sharing one
// memory bus, each through its own bustest.FaultBus: what the cluster tests
// do on Redis with processes, without either.

const leaseTTL = 3 * time.Second

// reason is why the connection was closed ("" while open).
func (c *fakeConn) reason() lobby.CloseReason {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// pair is a game owned by a, with its host on a and a player on b, and b
// watching the rooms it follows. fa and fb inject faults (newPair; nil on
// newPairOn).
type pair struct {
	fa, fb   *bustest.FaultBus
	la, lb   *lobby.Lobby
	pin      string
	token    string // the host token
	host     *lobby.Member
	hc       *fakeConn
	player   *lobby.Member
	pc       *fakeConn
	stopWait func()
}

func newPair(t *testing.T, s game.Settings) *pair {
	t.Helper()
	shared := membus.New(membus.Options{})
	fa, fb := bustest.NewFaultBus(shared, 1), bustest.NewFaultBus(shared, 2)
	p := newPairOn(t, s, fa, fb)
	p.fa, p.fb = fa, fb
	return p
}

// newPairOn is newPair with a on busA and b on busB (one store), and no
// fault injection unless the caller sets fa and fb.
func newPairOn(t *testing.T, s game.Settings, busA, busB lobby.Bus) *pair {
	t.Helper()
	p := &pair{}
	p.la = lobby.New(busA, lobby.Config{Instance: "a", LeaseTTL: leaseTTL})
	p.lb = lobby.New(busB, lobby.Config{Instance: "b", LeaseTTL: leaseTTL})
	ctx := context.Background()
	created, err := p.la.CreateGame(ctx, lobby.GameSpec{Questions: questions(), Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	p.pin, p.token = created.PIN, created.HostToken
	p.hc, p.pc = &fakeConn{}, &fakeConn{}
	if p.host, err = p.la.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: p.pin, HostToken: created.HostToken}, p.hc); err != nil {
		t.Fatal(err)
	}
	if p.player, err = p.lb.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: p.pin, Nickname: "ada"}, p.pc); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.lb.WatchOwners(wctx, 500*time.Millisecond)
	}()
	p.stopWait = func() { cancel(); <-done }
	return p
}

func (p *pair) close() {
	p.stopWait()
	p.lb.Close()
	p.la.Close()
}

func (p *pair) startQuestion(t *testing.T) {
	t.Helper()
	if err := p.host.Submit(context.Background(), lobby.Message{Type: wire.TypeStart}); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if p.pc.count(wire.TypeQuestion) != 1 {
		t.Fatalf("the player on b saw %v, want a question", p.pc.types())
	}
}

// answer answers the open question from the player on b and returns the ack.
func (p *pair) answer(t *testing.T, q int) wire.AnswerAck {
	t.Helper()
	err := p.player.Submit(context.Background(), lobby.Message{Type: wire.TypeAnswer, Q: q, Answer: game.Answer{Choices: []int{1}},
		Received: time.Now(), Re: []byte(`"a1"`)})
	if err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	var ack wire.AnswerAck
	p.pc.last(t, wire.TypeAnswerAck, &ack)
	return ack
}

// A planned hand-over: a closes (final snapshot, lease released), b takes
// the room over within a watch period and numbers its outputs straight on
// (no hole, no resync), and the player on b plays on without reconnecting.
func TestTakeoverAfterAPlannedHandOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.startQuestion(t)
		p.la.Close()
		time.Sleep(time.Second)
		synctest.Wait()
		if p.lb.Rooms() != 1 {
			t.Fatalf("b runs %d rooms after a handed over, want 1", p.lb.Rooms())
		}
		if ack := p.answer(t, 0); !ack.Accepted {
			t.Fatalf("answer after the hand-over: %+v", ack)
		}
		if n := p.pc.count(wire.TypeState); n != 0 {
			t.Errorf("a planned hand-over made the player resync %d times", n)
		}
	})
}

// A crash: a vanishes from the bus (no renewal, no release, no publish); its
// lease lapses and b takes over, restoring the snapshot and replaying the
// log. Its outputs continue past a hole, so b's view resyncs its player
// from the room's state; the player's answer is then accepted.
func TestTakeoverAfterTheOwnerDies(t *testing.T) {
	for _, lastOutput := range []string{"read", "unreadable"} {
		t.Run(lastOutput, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newPair(t, game.Settings{QuestionTime: time.Minute})
				defer p.close()
				p.startQuestion(t)
				if lastOutput == "unreadable" {
					p.fb.Fail("LastOutput", nil) // b numbers its outputs by a blind jump
				}
				p.fa.Kill()
				time.Sleep(leaseTTL + time.Second)
				synctest.Wait()
				if p.lb.Rooms() != 1 {
					t.Fatalf("b runs %d rooms after a died, want 1", p.lb.Rooms())
				}
				if ack := p.answer(t, 0); !ack.Accepted {
					t.Fatalf("answer after the takeover: %+v", ack)
				}
				if p.pc.count(wire.TypeState) == 0 {
					t.Errorf("the player on b was not resynced after the takeover: %v", p.pc.types())
				}
				var st wire.State
				p.pc.last(t, wire.TypeState, &st)
				if st.Phase != string(game.PhaseQuestion) || st.Question == nil || st.Question.Q != 0 {
					t.Errorf("resync state %+v, want question 0 open", st)
				}
			})
		})
	}
}

// Lost outputs: b's view drops what a publishes, sees the gap on the next
// output (a heartbeat at the latest) and asks the room to resync everyone.
func TestLostOutputsResyncTheView(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.fb.DropOutputs(1)
		if err := p.host.Submit(context.Background(), lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if p.pc.count(wire.TypeQuestion) != 0 {
			t.Fatal("the question reached b through a bus that drops everything")
		}
		p.fb.DropOutputs(0)
		time.Sleep(leaseTTL) // the owner's heartbeat shows the gap
		synctest.Wait()
		var st wire.State
		p.pc.last(t, wire.TypeState, &st)
		if st.Phase != string(game.PhaseQuestion) || st.Answered == nil || *st.Answered {
			t.Fatalf("resync state %+v, want the open question, unanswered", st)
		}
		if ack := p.answer(t, 0); !ack.Accepted {
			t.Fatalf("answer after the resync: %+v", ack)
		}
	})
}

// The end lost: b's view misses the game's last outputs, and an ended room
// publishes nothing more. The watch finds the game over on the bus,
// delivers the last output again and closes the view's connections.
func TestEndLostIsFinishedByTheWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.startQuestion(t)
		p.fb.DropOutputs(1)
		if err := p.host.Submit(context.Background(), lobby.Message{Type: wire.TypeEnd}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if p.pc.reason() != "" {
			t.Fatal("b heard the end through a bus that drops everything")
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if p.pc.reason() != lobby.CloseGameOver {
			t.Fatalf("the player on b closed with %q, want %q", p.pc.reason(), lobby.CloseGameOver)
		}
		if p.pc.count(wire.TypeEnded) != 1 {
			t.Errorf("the player on b saw %v, want the end delivered again", p.pc.types())
		}
		if p.lb.Rooms() != 0 {
			t.Error("b took an ended game over")
		}
	})
}

// A fenced snapshot refused (the lease went to another instance while the
// owner was cut off) stops the owner's actor instead of overwriting.
func TestOwnerStopsWhenItsSnapshotIsFencedOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.fa.Partition(true)
		time.Sleep(leaseTTL + time.Second) // b takes over while a is cut off
		synctest.Wait()
		if p.lb.Rooms() != 1 {
			t.Fatalf("b runs %d rooms, want 1", p.lb.Rooms())
		}
		p.fa.Partition(false)
		p.startQuestion(t) // a's host command reaches b's actor through the log
		time.Sleep(leaseTTL)
		synctest.Wait()
		if p.la.Rooms() != 0 {
			t.Fatal("a still runs the room b owns")
		}
	})
}
