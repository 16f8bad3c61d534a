package lobby_test

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

// An answer sent again (a retry after unavailable whose first append went
// through late) gets the first verdict: accepted, with the first response
// time, even once the question closed (its only player answered). A
// different second answer is still refused: the first stands.
func TestRepeatedAnswerGetsTheFirstVerdict(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, _, p, pc := setup(t, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
		defer l.Close()
		ctx := context.Background()
		if err := host.Submit(ctx, lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		sent := 0
		answer := func(choice int) {
			t.Helper()
			sent++ // each message its own id: two read in the same (synctest) instant are two submissions
			if err := p.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Re: fmt.Appendf(nil, `"a%d"`, sent), Q: 0, Answer: game.Answer{Choices: []int{choice}},
				Received: time.Now(), ResponseTime: 1500 * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		answer(1)
		time.Sleep(time.Second) // synctest: the retry comes later
		answer(1)
		answer(2)
		acks := framesOf[wire.AnswerAck](t, pc, wire.TypeAnswerAck)
		if len(acks) != 3 {
			t.Fatalf("acks %+v, want 3", acks)
		}
		if !acks[0].Accepted || !acks[1].Accepted || acks[0].ResponseMs == nil || acks[1].ResponseMs == nil ||
			*acks[0].ResponseMs != *acks[1].ResponseMs {
			t.Fatalf("first and repeated answer: %+v, %+v; want both accepted with the first response time", acks[0], acks[1])
		}
		if acks[2].Accepted {
			t.Fatalf("a different second answer: %+v, want it refused", acks[2])
		}
	})
}
