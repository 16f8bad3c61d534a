package lobby_test

import (
	"context"
	"encoding/json"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// terms returns the "term" of every frame c received, in order (0 for a
// frame without one).
func (c *fakeConn) terms() []uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []uint64
	for _, f := range c.frames {
		var h struct {
			Term uint64 `json:"owner_term"`
		}
		_ = json.Unmarshal(f.Data, &h)
		out = append(out, h.Term)
	}
	return out
}

// Every frame carries the term it was decided in, and a view drops an
// output of an older term than the newest it delivered: an owner paused
// past its lease that publishes where nothing fences it (a stale reveal
// here) reaches no connection, and its seq does not make the view resync.
func TestViewDropsAnOlderTermsOutput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.startQuestion(t)
		for i, term := range p.pc.terms() {
			if term != 1 {
				t.Fatalf("frame %d (%s) of the first owner carries term %d, want 1", i, p.pc.types()[i], term)
			}
		}
		p.fa.Kill()
		time.Sleep(leaseTTL + time.Second)
		synctest.Wait()
		if p.lb.Rooms() != 1 {
			t.Fatalf("b runs %d rooms after a died, want 1", p.lb.Rooms())
		}
		if got := p.pc.terms(); got[len(got)-1] != 2 {
			t.Fatalf("the new owner's frame carries term %d, want 2 (terms %v)", got[len(got)-1], got)
		}
		states := p.pc.count(wire.TypeState)
		stale := `{"i":[{"to":0,"d":{"type":"reveal","seq":90,"q":0,"kind":"single","reason":"deadline","correct":[0],"owner_term":1}}],"w":90,"t":1}`
		if err := p.fa.Inner().Publish(context.Background(), p.pin, lobby.Output{Seq: 1000, Data: []byte(stale)}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := p.pc.count(wire.TypeReveal); n != 0 {
			t.Fatalf("the player saw %d reveals of an ended term", n)
		}
		if ack := p.answer(t, 0); !ack.Accepted {
			t.Fatalf("answer after the stale output: %+v", ack)
		}
		if n := p.pc.count(wire.TypeState); n != states {
			t.Errorf("the stale output's seq made the view resync (%d states, had %d)", n, states)
		}
	})
}

// A view delivers each output of a term once, in order: a copy of one it
// delivered, or an older one arriving after a newer (a Redis subscription
// back from a break hands the room's last output over, and pub/sub then
// still carries the ones published just before it), reaches no connection.
// Delivered, the old reveal here would take the player's screen back from
// the question to the reveal before it.
func TestViewDropsAnOutputItAlreadyPassed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.startQuestion(t)
		frames := len(p.pc.types())
		last, found, err := p.fa.Inner().LastOutput(context.Background(), p.pin)
		if err != nil || !found || last.Seq < 2 {
			t.Fatalf("last output %d (found %v, %v), want one past the first", last.Seq, found, err)
		}
		late := `{"i":[{"to":0,"d":{"type":"reveal","seq":1,"q":0,"kind":"single","reason":"deadline","correct":[0],"owner_term":1}}],"w":1,"t":1}`
		// An older output, and one with the last delivered output's Seq.
		for _, seq := range []uint64{1, last.Seq} {
			if err := p.fa.Inner().Publish(context.Background(), p.pin, lobby.Output{Seq: seq, Data: []byte(late)}); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		if got := p.pc.types(); len(got) != frames {
			t.Fatalf("the player got %v from outputs the view had passed, want nothing new", got[frames:])
		}
		if ack := p.answer(t, 0); !ack.Accepted {
			t.Fatalf("answer after the late outputs: %+v", ack)
		}
	})
}

// A bus that forgets every room (lobby/membus.Forget, as FLUSHALL on
// Redis): the owner's next renewal finds its term forgotten and writes the
// room back from memory in the same term, and the game goes on with the
// answer acknowledged before.
func TestForgottenRoomIsWrittenBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPair(t, game.Settings{QuestionTime: time.Minute})
		defer p.close()
		p.startQuestion(t)
		if ack := p.answer(t, 0); !ack.Accepted {
			t.Fatalf("answer: %+v", ack)
		}
		p.fa.Forget()
		time.Sleep(leaseTTL / 2)
		synctest.Wait()
		ctx := context.Background()
		if term, err := p.fa.CurrentTerm(ctx, p.pin); err != nil || term != 1 {
			t.Fatalf("term after the bus forgot the room: %d, %v; want 1 written back", term, err)
		}
		if err := p.host.Submit(ctx, lobby.Message{Type: wire.TypeSkip}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		var rev struct {
			You struct {
				Answered bool `json:"answered"`
			} `json:"you"`
		}
		p.pc.last(t, wire.TypeReveal, &rev)
		if !rev.You.Answered {
			t.Fatal("the reveal after the write-back lost the acknowledged answer")
		}
		if r := p.pc.reason(); r != "" {
			t.Fatalf("the player's connection closed: %s", r)
		}
	})
}

// An auto-advance is a timed step recorded in the input log like a
// question's close: the owner that took it dies before its snapshot, and
// the new owner replays the step at its recorded place instead of taking
// it again from its own clock. The player sees the next question once.
func TestAutoAdvanceTakenOnceAcrossATakeover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const reveal = 5 * time.Second
		p := newPair(t, game.Settings{QuestionTime: time.Minute, AutoAdvance: true, RevealTime: reveal, LeaderboardTime: reveal})
		defer p.close()
		p.startQuestion(t)
		if ack := p.answer(t, 0); !ack.Accepted { // the only player: the question closes
			t.Fatalf("answer: %+v", ack)
		}
		if p.pc.count(wire.TypeReveal) != 1 {
			t.Fatalf("the player saw %v, want the reveal", p.pc.types())
		}
		time.Sleep(reveal)
		synctest.Wait()
		if n := p.pc.count(wire.TypeQuestion); n != 2 {
			t.Fatalf("the player saw %d questions at the reveal's end, want 2: %v", n, p.pc.types())
		}
		p.fa.Kill() // before the next question's snapshot: b restores the reveal
		time.Sleep(leaseTTL + time.Second)
		synctest.Wait()
		if p.lb.Rooms() != 1 {
			t.Fatalf("b runs %d rooms after a died, want 1", p.lb.Rooms())
		}
		if n := p.pc.count(wire.TypeQuestion); n != 2 {
			t.Fatalf("the player saw %d questions across the takeover, want 2 (the second once): %v", n, p.pc.types())
		}
	})
}

// With ConfirmAcks, an answer is acknowledged only once the owner has
// confirmed its term with the bus after deciding it: when the bus cannot
// confirm (a replica WAIT that times out, a stalled store), the answer is
// told unavailable instead, and the retry gets the first verdict: accepted.
func TestAckWaitsForTheTermsConfirmation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fb := bustest.NewFaultBus(membus.New(membus.Options{}), 1)
		l := lobby.New(fb, lobby.Config{Instance: "a", LeaseTTL: leaseTTL, ConfirmAcks: true})
		defer l.Close()
		ctx := context.Background()
		created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: questions(), Settings: game.Settings{QuestionTime: time.Minute}})
		if err != nil {
			t.Fatal(err)
		}
		hc, pc := &fakeConn{}, &fakeConn{}
		host, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: created.PIN, HostToken: created.HostToken}, hc)
		if err != nil {
			t.Fatal(err)
		}
		player, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: "ada"}, pc)
		if err != nil {
			t.Fatal(err)
		}
		if err := host.Submit(ctx, lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		answer := func(re string) {
			err := player.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}},
				Received: time.Now(), Re: []byte(re)})
			if err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		fb.Fail("ConfirmTerm", nil)
		answer(`"a1"`)
		if n := pc.count(wire.TypeAnswerAck); n != 0 {
			t.Fatalf("an ack the bus did not confirm reached the player (%d acks)", n)
		}
		var refusal wire.ErrorMsg
		pc.last(t, wire.TypeError, &refusal)
		if refusal.Code != wire.CodeUnavailable || string(refusal.Re) != `"a1"` {
			t.Fatalf("reply to the unconfirmed answer: %+v, want unavailable for a1", refusal)
		}
		fb.Heal("ConfirmTerm")
		answer(`"a2"`)
		var ack wire.AnswerAck
		pc.last(t, wire.TypeAnswerAck, &ack)
		if !ack.Accepted || string(ack.Re) != `"a2"` {
			t.Fatalf("the retry's ack: %+v, want accepted", ack)
		}
	})
}
