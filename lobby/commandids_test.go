package lobby_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// submitLost submits msg through a bus whose append goes through but
// reports a failure: the sender is told unavailable, and the room applies
// the command all the same.
func submitLost(t *testing.T, fb *bustest.FaultBus, m *lobby.Member, msg lobby.Message) {
	t.Helper()
	fb.LoseReplies("AppendInput", nil)
	err := m.Submit(context.Background(), msg)
	fb.Heal("AppendInput")
	var werr *wire.Error
	if !errors.As(err, &werr) || werr.Code != wire.CodeUnavailable {
		t.Fatalf("%s whose append reply was lost: %v, want unavailable", msg.Type, err)
	}
	synctest.Wait()
	time.Sleep(200 * time.Millisecond) // synctest: the client's retry comes later
}

// A host command retried after unavailable, whose first append went
// through late, is applied once: `next` from a reveal opens the next
// question, and its retry does not close that one too. A new id applies
// again.
func TestRetriedCommandIsAppliedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fb := bustest.NewFaultBus(membus.New(membus.Options{}), 1)
		l, host, hc, _, pc := setupOn(t, fb, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
		defer l.Close()
		submit(t, host, lobby.Message{Type: wire.TypeStart})
		submit(t, host, lobby.Message{Type: wire.TypeSkip, Re: []byte(`"c1"`)})
		next := lobby.Message{Type: wire.TypeNext, Re: []byte(`"c2"`)}
		submitLost(t, fb, host, next)
		if n := pc.count(wire.TypeQuestion); n != 2 {
			t.Fatalf("the lost next: the player saw %v, want the second question", pc.types())
		}
		submit(t, host, next)
		if pc.count(wire.TypeQuestion) != 2 || pc.count(wire.TypeReveal) != 1 || hc.count(wire.TypeError) != 0 {
			t.Fatalf("after the retry the player saw %v and the host %v; want the second question open, no error", pc.types(), hc.types())
		}
		submit(t, host, lobby.Message{Type: wire.TypeNext, Re: []byte(`"c3"`)})
		if pc.count(wire.TypeReveal) != 2 {
			t.Fatalf("a next with a new id: the player saw %v, want the second reveal", pc.types())
		}
	})
}

// A refused command retried gets its first refusal, even when the game has
// moved on to where it would go through.
func TestRetriedCommandGetsTheFirstRefusal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fb := bustest.NewFaultBus(membus.New(membus.Options{}), 1)
		l, host, hc, _, pc := setupOn(t, fb, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
		defer l.Close()
		pause := lobby.Message{Type: wire.TypePause, Re: []byte(`"p1"`)}
		submitLost(t, fb, host, pause) // nothing to pause in the lobby
		var first wire.ErrorMsg
		hc.last(t, wire.TypeError, &first)
		submit(t, host, lobby.Message{Type: wire.TypeStart})
		submit(t, host, pause)
		var again wire.ErrorMsg
		hc.last(t, wire.TypeError, &again)
		if hc.count(wire.TypeError) != 2 || again.Code != first.Code || string(again.Re) != `"p1"` || pc.count(wire.TypePaused) != 0 {
			t.Fatalf("first %+v, retry %+v, player %v; want the same refusal and no pause", first, again, pc.types())
		}
	})
}

// A takeover keeps what the old owner applied: a host on b sends `next`
// during the question, the reply is lost, a applies it (the reveal) and
// dies; b takes the room over from the snapshot, or from the log when a
// died before its snapshot, and the host's retry does not open the next
// question.
func TestRetriedCommandIsAppliedOnceAcrossATakeover(t *testing.T) {
	for _, from := range []string{"snapshot", "log"} {
		t.Run(from, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newPair(t, game.Settings{QuestionTime: time.Minute})
				defer p.close()
				p.startQuestion(t)
				hc := &fakeConn{}
				host, err := p.lb.Attach(context.Background(), lobby.Hello{Type: wire.TypeHost, PIN: p.pin, HostToken: p.token}, hc)
				if err != nil {
					t.Fatal(err)
				}
				next := lobby.Message{Type: wire.TypeNext, Re: []byte(`"c1"`)}
				submitLost(t, p.fb, host, next)
				if p.pc.count(wire.TypeReveal) != 1 {
					t.Fatalf("the lost next: the player saw %v, want the reveal", p.pc.types())
				}
				if from == "snapshot" {
					time.Sleep(2 * time.Second) // a's snapshot after the phase change, and its renewal's
					synctest.Wait()
				}
				p.fa.Kill()
				time.Sleep(leaseTTL + time.Second)
				synctest.Wait()
				if p.lb.Rooms() != 1 {
					t.Fatalf("b runs %d rooms after a died, want 1", p.lb.Rooms())
				}
				submit(t, host, next)
				info, err := p.lb.Info(context.Background(), p.pin)
				if err != nil {
					t.Fatal(err)
				}
				if info.Phase != string(game.PhaseReveal) || p.pc.count(wire.TypeQuestion) != 1 || hc.count(wire.TypeError) != 0 {
					t.Fatalf("after the retry on b: phase %s, the player saw %v, the host %v; want the first reveal still", info.Phase, p.pc.types(), hc.types())
				}
			})
		})
	}
}
