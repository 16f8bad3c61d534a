package lobby_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// A burst of answers far larger than the room's input queue, all arriving
// while the actor is busy: every one is taken in and accepted, none is
// refused with room_busy. Other inputs stay bounded.
func TestAnswerBurstLargerThanTheInputQueueIsNeverShed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const queue, players = 16, 300
		l, host, hc, first, firstConn := setup(t, lobby.Config{InputQueue: queue},
			game.Settings{QuestionTime: time.Minute, MaxPlayers: players + 1})
		defer l.Close()
		pin := hostPIN(t, hc)
		ctx := context.Background()
		members, conns := []*lobby.Member{first}, []*fakeConn{firstConn}
		for i := range players { // one at a time: joins are bounded by the queue
			c := &fakeConn{}
			m, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: pin, Nickname: fmt.Sprint("p", i)}, c)
			if err != nil {
				t.Fatal(err)
			}
			members, conns = append(members, m), append(conns, c)
		}
		if err := host.Submit(ctx, lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()

		release := lobby.HoldActor(l, pin)
		defer release()
		var wg sync.WaitGroup
		for _, m := range members {
			wg.Go(func() {
				if err := m.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}},
					Received: time.Now(), ResponseTime: time.Second}); err != nil {
					t.Errorf("answer refused: %v", err)
				}
			})
		}
		wg.Wait()
		// With the actor still busy, a flood of other inputs past the
		// queue is refused with room_busy: that bound stays.
		refused := 0
		for range queue + 1 {
			if err := host.Submit(ctx, lobby.Message{Type: wire.TypeSync}); wire.CodeOf(err) == wire.CodeRoomBusy {
				refused++
			}
		}
		if refused == 0 {
			t.Errorf("%d syncs behind a busy actor were all taken in; the input bound is gone", queue+1)
		}
		release()
		synctest.Wait()

		for i, c := range conns {
			acks := framesOf[wire.AnswerAck](t, c, wire.TypeAnswerAck)
			if len(acks) != 1 || !acks[0].Accepted {
				t.Fatalf("player %d of %d: acks %+v, want one accepted", i, len(conns), acks)
			}
		}
	})
}

// A connection that sends answers without waiting for their acks is held
// to its slot; once acknowledged, it may answer again.
func TestAnswerSlotBoundsOneConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, p, pc := setup(t, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
		defer l.Close()
		ctx := context.Background()
		if err := host.Submit(ctx, lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		release := lobby.HoldActor(l, hostPIN(t, hc))
		answer := lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()}
		var codes []wire.Code
		for k := range lobby.MaxAnswersInFlight + 1 {
			// Each message its own id: read in the same (synctest)
			// instant, they are still three submissions.
			answer.Re = fmt.Appendf(nil, `"a%d"`, k)
			codes = append(codes, wire.CodeOf(p.Submit(ctx, answer)))
		}
		release()
		synctest.Wait()
		if codes[lobby.MaxAnswersInFlight] != wire.CodeRoomBusy {
			t.Fatalf("answers past the slot: codes %v, want the last refused with room_busy", codes)
		}
		if n := len(framesOf[wire.AnswerAck](t, pc, wire.TypeAnswerAck)); n != lobby.MaxAnswersInFlight {
			t.Fatalf("%d acks, want %d", n, lobby.MaxAnswersInFlight)
		}
		if err := p.Submit(ctx, answer); err != nil {
			t.Fatalf("answer once the acks arrived: %v", err)
		}
	})
}

// stallingBus is a Bus whose store stalls answer appends while stalled is
// open: a remote store that stops answering. It is not in-process, so the
// lobby bounds each answer's wait for it.
type stallingBus struct {
	lobby.Bus
	stalled chan struct{}
}

func (b *stallingBus) AppendInputLive(ctx context.Context, room string, data []byte) (string, error) {
	if bytes.Contains(data, []byte(`"op":"answer"`)) {
		select {
		case <-b.stalled:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return b.Bus.AppendInputLive(ctx, room, data)
}

// On a remote Bus, an answer the store does not take within the intake
// bound is answered unavailable (the client retries), and the connection's
// slot is free again; once the store answers, answers are acknowledged.
func TestAnswerTheStoreDoesNotTakeIsAnsweredUnavailable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		bus := &stallingBus{Bus: membus.New(membus.Options{}), stalled: make(chan struct{})}
		l := lobby.New(bus, lobby.Config{})
		defer l.Close()
		created, host := hostedGame(t, l, questions())
		p, pc := joined(t, l, created, "ada")
		if err := host.Submit(ctx, lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		answer := lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()}
		for k := range lobby.MaxAnswersInFlight {
			answer.Re = fmt.Appendf(nil, `"a1.%d"`, k)
			if err := p.Submit(ctx, answer); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		errs := framesOf[wire.ErrorMsg](t, pc, wire.TypeError)
		if len(errs) != lobby.MaxAnswersInFlight {
			t.Fatalf("errors %+v, want %d unavailable", errs, lobby.MaxAnswersInFlight)
		}
		for _, e := range errs {
			if e.Code != wire.CodeUnavailable {
				t.Fatalf("errors %+v, want unavailable", errs)
			}
		}
		// The store wakes up: the appends still under way go through and
		// are applied, but the connection, told to retry, hears nothing
		// more of them; the retry gets the first verdict.
		close(bus.stalled)
		synctest.Wait()
		answer.Re = []byte(`"a2"`)
		if err := p.Submit(ctx, answer); err != nil {
			t.Fatalf("answer after the stall (its slot must be free): %v", err)
		}
		synctest.Wait()
		acks := framesOf[wire.AnswerAck](t, pc, wire.TypeAnswerAck)
		if len(acks) != 1 || !acks[0].Accepted || string(acks[0].Re) != `"a2"` {
			t.Fatalf("acks %+v, want one accepted ack for a2", acks)
		}
	})
}

// dupBus appends every answer twice, as a store client does that resent
// its command to a store that had stalled and then ran both.
type dupBus struct{ lobby.Bus }

func (b *dupBus) AppendInputLive(ctx context.Context, room string, data []byte) (string, error) {
	if bytes.Contains(data, []byte(`"op":"answer"`)) {
		if _, err := b.Bus.AppendInputLive(ctx, room, data); err != nil {
			return "", err
		}
	}
	return b.Bus.AppendInputLive(ctx, room, data)
}

// An answer that lands in the log twice is acknowledged once: the client
// sent one request and gets one reply (chaostest's frozen Redis saw
// "accepted, accepted" when go-redis resent an append on a timeout).
func TestAnswerInTheLogTwiceIsAcknowledgedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		l := lobby.New(&dupBus{Bus: membus.New(membus.Options{})}, lobby.Config{})
		defer l.Close()
		created, host := hostedGame(t, l, questions())
		p, pc := joined(t, l, created, "ada")
		joined(t, l, created, "bob") // a second player keeps the question open
		if err := host.Submit(ctx, lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := p.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Re: []byte(`"a1"`), Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		acks := framesOf[wire.AnswerAck](t, pc, wire.TypeAnswerAck)
		if len(acks) != 1 || !acks[0].Accepted {
			t.Fatalf("acks %+v, want one accepted ack", acks)
		}
		// The slot was freed once: the next answer is taken.
		time.Sleep(time.Second)
		if err := p.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Re: []byte(`"a2"`), Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()}); err != nil {
			t.Fatalf("a retry after the ack: %v", err)
		}
		synctest.Wait()
		if acks := framesOf[wire.AnswerAck](t, pc, wire.TypeAnswerAck); len(acks) != 2 {
			t.Fatalf("acks %+v, want the retry acknowledged too", acks)
		}
	})
}

// joined attaches a player named nickname to created's game on l.
func joined(t *testing.T, l *lobby.Lobby, created lobby.Created, nickname string) (*lobby.Member, *fakeConn) {
	t.Helper()
	c := &fakeConn{}
	m, err := l.Attach(context.Background(), lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: nickname}, c)
	if err != nil {
		t.Fatal(err)
	}
	return m, c
}
