package lobby_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

// TestHandoffKeepsThePlayerInTheQuestion: a connection the server closes to
// send its player to another instance (planned shutdown) does not count as
// the player going away. Everyone else has answered, yet the open question
// waits for the moving player, who resumes and answers. A real disconnect
// (Detach) in the same spot closes the question at once, as the rules say.
func TestHandoffKeepsThePlayerInTheQuestion(t *testing.T) {
	for _, tc := range []struct {
		name     string
		leave    func(*lobby.Member)
		wantOpen bool
	}{
		{"handoff", (*lobby.Member).Handoff, true},
		{"detach", (*lobby.Member).Detach, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l, host, _, ada, adaConn := setup(t, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
				defer l.Close()
				ctx := context.Background()
				var w wire.Welcome
				adaConn.last(t, wire.TypeWelcome, &w)
				bobConn := &fakeConn{}
				bob, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: ada.PIN(), Nickname: "bob"}, bobConn)
				if err != nil {
					t.Fatal(err)
				}
				submit(t, host, lobby.Message{Type: wire.TypeStart})
				submit(t, bob, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()})

				tc.leave(ada)
				synctest.Wait()
				if open := bobConn.count(wire.TypeReveal) == 0; open != tc.wantOpen {
					t.Fatalf("question open after ada's connection ended: %v, want %v (bob saw %v)", open, tc.wantOpen, bobConn.types())
				}
				var rev wire.Reveal
				if !tc.wantOpen {
					if bobConn.last(t, wire.TypeReveal, &rev); rev.Reason != game.CloseAllAnswered || rev.Answered != 1 {
						t.Fatalf("reveal %s with %d answered, want all_answered with bob's answer", rev.Reason, rev.Answered)
					}
					return
				}
				back := &fakeConn{}
				m, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeResume, PIN: ada.PIN(), ResumeToken: w.ResumeToken}, back)
				if err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				submit(t, m, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()})
				var ack wire.AnswerAck
				back.last(t, wire.TypeAnswerAck, &ack)
				bobConn.last(t, wire.TypeReveal, &rev)
				if !ack.Accepted || rev.Reason != game.CloseAllAnswered || rev.Answered != 2 {
					t.Fatalf("ada's answer after the handoff: ack %+v, reveal %s with %d answered, want accepted and both answers", ack, rev.Reason, rev.Answered)
				}
			})
		})
	}
}
