package lobby_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// The store forgets a room nobody holds any more (its owner died): the
// instance following it gives the owner two lease periods to write it
// back, then closes its connections with room_lost, and a resume answers
// unknown_game. Never silence.
func TestRoomNobodyHoldsIsLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.startQuestion(t)
		var w wire.Welcome
		p.pc.last(t, wire.TypeWelcome, &w)
		p.fa.Kill()
		p.fa.Forget()
		time.Sleep(leaseTTL) // a first look finds the room unknown
		synctest.Wait()
		if r := p.pc.reason(); r != "" {
			t.Fatalf("the player was closed (%q) before the owner's time to write the room back", r)
		}
		time.Sleep(2*leaseTTL + time.Second)
		synctest.Wait()
		if r := p.pc.reason(); r != lobby.CloseRoomLost {
			t.Fatalf("the player on b closed with %q, want %q", r, lobby.CloseRoomLost)
		}
		_, err := p.lb.Attach(context.Background(), lobby.Hello{Type: wire.TypeResume, PIN: p.pin, ResumeToken: w.ResumeToken}, &fakeConn{})
		if wire.CodeOf(err) != wire.CodeUnknownGame {
			t.Fatalf("resume into the lost room: %v, want %s", err, wire.CodeUnknownGame)
		}
	})
}

// The store forgets a room and its PIN goes to another game before the
// owner can write it back: the owner cannot restore it, stops, and closes
// every connection it has with room_lost.
func TestRoomWhosePINWasTakenIsLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus := membus.New(membus.Options{})
		l, _, hc, _, pc := setupOn(t, bus, lobby.Config{LeaseTTL: leaseTTL}, game.Settings{})
		defer l.Close()
		pin := hostPIN(t, hc)
		bus.Forget()
		if ok, err := bus.ReservePIN(context.Background(), pin, time.Hour); !ok || err != nil {
			t.Fatalf("reserving the forgotten PIN: %v, %v", ok, err)
		}
		time.Sleep(leaseTTL) // a renewal finds the term forgotten
		synctest.Wait()
		if hc.reason() != lobby.CloseRoomLost || pc.reason() != lobby.CloseRoomLost {
			t.Fatalf("closes: host %q, player %q; want %q", hc.reason(), pc.reason(), lobby.CloseRoomLost)
		}
		if l.Rooms() != 0 {
			t.Fatalf("%d rooms still run", l.Rooms())
		}
	})
}

// A join whose welcome was lost (b's view dropped the owner's outputs) is
// sent again once the gap shows; the room recognises the same player and
// welcomes them again instead of refusing the nickname as taken.
func TestJoinWhoseWelcomeWasLostIsWelcomedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.fb.DropOutputs(1)
		c := &fakeConn{}
		type attached struct {
			m   *lobby.Member
			err error
		}
		res := make(chan attached, 1)
		go func() {
			m, err := p.lb.Attach(context.Background(), lobby.Hello{Type: wire.TypeJoin, PIN: p.pin, Nickname: "bob"}, c)
			res <- attached{m, err}
		}()
		synctest.Wait()
		if c.count(wire.TypeWelcome) != 0 {
			t.Fatal("the welcome went through a bus that drops everything")
		}
		p.fb.DropOutputs(0)
		time.Sleep(leaseTTL) // the owner's heartbeat shows the gap
		synctest.Wait()
		a := <-res
		if a.err != nil {
			t.Fatalf("the join after its welcome was lost: %v", a.err)
		}
		var w wire.Welcome
		c.last(t, wire.TypeWelcome, &w)
		if w.Nickname != "bob" || w.PlayerID != a.m.PlayerID() || c.count(wire.TypeWelcome) != 1 {
			t.Fatalf("welcome %+v (%d welcomes), want bob once as %s", w, c.count(wire.TypeWelcome), a.m.PlayerID())
		}
		info, err := p.la.Info(context.Background(), p.pin)
		if err != nil || info.Players != 2 {
			t.Fatalf("info %+v, %v; want ada and one bob", info, err)
		}
	})
}
