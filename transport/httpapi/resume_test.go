package httpapi_test

import (
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/ws"
)

func TestResumeMidQuestionKeepsScoreStreakAndAnswer(t *testing.T) {
	s := start(t, options{})
	qs := mixedQuestions()
	g := s.newGame(t, qs, game.Settings{Mode: game.ModeAccuracy, QuestionTime: 60 * time.Second, ShowLeaderboard: true})
	ada := s.join(t, g.pin, "ada")
	bob := s.join(t, g.pin, "bob")

	g.host.Send(map[string]any{"type": "start"})
	ada.Wait(wire.TypeQuestion)
	ada.Send(map[string]any{"type": "answer", "q": 0, "choice": 2})
	ada.Wait(wire.TypeAnswerAck)
	g.host.Send(map[string]any{"type": "next"}) // bob did not answer; close it
	var rev wire.Reveal
	ada.Wait(wire.TypeReveal).Decode(t, &rev)
	if rev.You.Score != 1000 || rev.You.Streak != 1 {
		t.Fatalf("after q0: %+v", rev.You)
	}
	g.host.Send(map[string]any{"type": "next"})
	ada.Wait(wire.TypeLeaderboard)
	g.host.Send(map[string]any{"type": "next"})
	ada.Wait(wire.TypeQuestion) // q1: multi
	ada.Send(map[string]any{"type": "answer", "q": 1, "choices": []int{0, 2}})
	ada.Wait(wire.TypeAnswerAck)

	// The phone drops; a new connection resumes.
	ada.Close()
	g.host.Wait(wire.TypePlayerConnection)
	c, w := s.resume(t, g.pin, ada.token)
	st := w.State
	if w.PlayerID != ada.id || w.Nickname != "ada" || st.Phase != "question" || st.Q != 1 {
		t.Fatalf("welcome %+v state %+v", w, st)
	}
	if st.Answered == nil || !*st.Answered || st.YourAnswer == nil || len(st.YourAnswer.Choices) != 2 {
		t.Fatalf("answer not restored: %+v", st)
	}
	if *st.Score != 1000 || *st.Streak != 1 || st.RemainingMs <= 0 || st.Question == nil || st.Question.DeadlineMs == 0 {
		t.Fatalf("state %+v", st)
	}
	c.Send(map[string]any{"type": "answer", "q": 1, "choices": []int{0}})
	var ack wire.AnswerAck
	c.Wait(wire.TypeAnswerAck).Decode(t, &ack)
	if ack.Code != wire.CodeAlreadyAnswered {
		t.Fatalf("ack after resume %+v", ack)
	}
	bob.Send(map[string]any{"type": "answer", "q": 1, "choices": []int{1}})
	c.Wait(wire.TypeReveal).Decode(t, &rev) // everyone answered: closes early
	if rev.You.Score != 2100 || rev.You.Streak != 2 {
		t.Fatalf("after q1 on the new connection: %+v", rev.You)
	}

	// Resuming again replaces the live connection.
	c2, _ := s.resume(t, g.pin, ada.token)
	if code, _ := c.WaitClosed(); code != ws.CloseReplaced.Code {
		t.Fatalf("old connection closed %d, want %d", code, ws.CloseReplaced.Code)
	}
	c2.Send(map[string]any{"type": "sync"})
	c2.Wait(wire.TypeState)
}

func TestResumeAfterTheGameMovedOnTwoQuestions(t *testing.T) {
	s := start(t, options{})
	qs := mixedQuestions()
	g := s.newGame(t, qs, game.Settings{Mode: game.ModeAccuracy, QuestionTime: 60 * time.Second})
	ada := s.join(t, g.pin, "ada")
	bob := s.join(t, g.pin, "bob")
	g.host.Send(map[string]any{"type": "start"})
	bob.Wait(wire.TypeQuestion)
	bob.Send(map[string]any{"type": "answer", "q": 0, "choice": 2})
	bob.Wait(wire.TypeAnswerAck)
	bob.Close()
	g.host.Wait(wire.TypePlayerConnection)

	for q := range 2 {
		ada.Wait(wire.TypeQuestion)
		ada.Send(map[string]any{"type": "answer", "q": q, "choice": 0, "choices": nil})
		ada.Wait(wire.TypeAnswerAck)
		ada.Wait(wire.TypeReveal) // every connected player answered: it closes early
		g.host.Send(map[string]any{"type": "next"})
	}
	ada.Wait(wire.TypeQuestion) // q2 is open

	c, w := s.resume(t, g.pin, bob.token)
	st := w.State
	if st.Phase != "question" || st.Q != 2 || *st.Score != 1000 || *st.Streak != 0 || *st.Answered {
		t.Fatalf("state after two questions away: %+v", st)
	}
	if st.RemainingMs <= 0 || st.RemainingMs > 60_000 || st.Question == nil || st.Question.Q != 2 || st.Question.DeadlineMs <= w.ServerMs {
		t.Fatalf("time left not told: remaining %d ms, question %+v", st.RemainingMs, st.Question)
	}
	c.Send(map[string]any{"type": "answer", "q": 2, "choice": 0})
	var ack wire.AnswerAck
	c.Wait(wire.TypeAnswerAck).Decode(t, &ack)
	if !ack.Accepted {
		t.Fatalf("answer after resume: %+v", ack)
	}
}

func TestKickedPlayerCannotComeBack(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	p := s.join(t, g.pin, "troll")
	g.host.Send(map[string]any{"type": "kick", "player_id": p.id})
	p.ExpectError(wire.CodeKicked)
	if code, _ := p.WaitClosed(); code != ws.CloseKicked.Code {
		t.Fatalf("close %d", code)
	}
	var left wire.PlayerLeft
	g.host.Wait(wire.TypePlayerLeft).Decode(t, &left)
	if !left.Kicked || left.PlayerID != p.id {
		t.Fatalf("player_left %+v", left)
	}
	c := s.dial(t)
	c.Send(map[string]any{"type": "resume", "pin": g.pin, "resume_token": p.token})
	c.ExpectError(wire.CodeKicked)
}

func TestShutdownTellsClientsToReconnect(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	p := s.join(t, g.pin, "ada")
	s.stop(t)
	var rc wire.Reconnect
	p.Wait(wire.TypeReconnect).Decode(t, &rc)
	if rc.Reason != "shutdown" {
		t.Fatalf("reconnect %+v", rc)
	}
	if code, _ := p.WaitClosed(); code != websocket.StatusGoingAway {
		t.Fatalf("close %d, want 1001", code)
	}
	g.host.Wait(wire.TypeReconnect)
}
