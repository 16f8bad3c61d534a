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

// A challenge over the lobby: each player opens their questions with
// play_next on their own clock, the host follows in coalesced progress
// notes, a player who played everything gets their final and review, and
// then a practice round of what they missed, on the owner and elsewhere.
func TestChallengePlayersGoAtTheirOwnPace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus := membus.New(membus.Options{})
		l, host, hc, ada, ac := setupOn(t, bus, lobby.Config{},
			game.Settings{SelfPaced: true, ChallengeTime: time.Hour, QuestionTime: 30 * time.Second})
		defer l.Close()
		other := lobby.New(bus, lobby.Config{Instance: "other"})
		defer other.Close()
		ctx := context.Background()
		pin := hostPIN(t, hc)
		bob, bc := join(t, l, pin, "bob", 0)
		var w wire.Welcome
		ac.last(t, wire.TypeWelcome, &w)
		adaToken := w.ResumeToken

		// A challenge opens when it is created; the host can only extend it.
		created := time.Now()
		if info, err := l.Info(ctx, pin); err != nil || !info.SelfPaced || !info.Joinable || info.ChallengeDeadlineMs != created.Add(time.Hour).UnixMilli() {
			t.Fatalf("info %+v, %v; want a challenge open for an hour", info, err)
		}
		submit(t, host, lobby.Message{Type: wire.TypeExtend, Seconds: 600})
		var ch wire.Challenge
		bc.last(t, wire.TypeChallenge, &ch)
		deadline := created.Add(time.Hour + 10*time.Minute)
		if ch.Closed || ch.DeadlineMs != deadline.UnixMilli() {
			t.Fatalf("challenge %+v, want open 10 minutes longer", ch)
		}

		// ada opens her first question; bob sees nothing of it.
		time.Sleep(time.Minute)
		submit(t, ada, lobby.Message{Type: wire.TypePlayNext})
		var q wire.Question
		ac.last(t, wire.TypeQuestion, &q)
		if q.Q != 0 || q.DeadlineMs-q.ServerMs != 30_000 || q.TimeMs != 30_000 {
			t.Fatalf("ada's question %+v, want question 0 with 30 s from now", q)
		}
		if bc.count(wire.TypeQuestion) != 0 {
			t.Fatalf("bob saw ada's question: %v", bc.types())
		}
		// A resync lands ada back on her open question.
		time.Sleep(10 * time.Second)
		submit(t, ada, lobby.Message{Type: wire.TypeSync})
		var st wire.State
		ac.last(t, wire.TypeState, &st)
		if st.Question == nil || st.Question.Q != 0 || st.RemainingMs != 20_000 || st.Played == nil || *st.Played != 0 || !st.SelfPaced {
			t.Fatalf("ada's state in her question %+v", st)
		}
		submit(t, ada, lobby.Message{Type: wire.TypePlayNext, Re: []byte(`"n1"`)})
		var e wire.ErrorMsg
		ac.last(t, wire.TypeError, &e)
		if e.Code != wire.Code(game.CodeQuestionOpen) {
			t.Fatalf("play_next with a question open: %+v", e)
		}

		answerAt(t, ada, 0, 1, 10*time.Second)
		var rev wire.Reveal
		ac.last(t, wire.TypeReveal, &rev)
		if rev.Q != 0 || rev.You == nil || !rev.You.Correct || rev.You.Points != 833 {
			t.Fatalf("ada's reveal %+v (you %+v), want right for 833 points at 10 s of 30", rev, rev.You)
		}
		time.Sleep(time.Second) // the host notes' throttle
		synctest.Wait()
		var pr wire.Progress
		hc.last(t, wire.TypeProgress, &pr)
		if len(pr.Players) != 1 || pr.Players[0].Nickname != "ada" || pr.Players[0].Played != 1 || pr.Players[0].Score != 833 ||
			len(pr.Questions) != 1 || pr.Questions[0].Q != 0 || pr.Questions[0].Accuracy != 1 || pr.Finished != 0 {
			t.Fatalf("host progress %+v", pr)
		}

		// ada misses the second question and has played everything.
		submit(t, ada, lobby.Message{Type: wire.TypePlayNext})
		answerAt(t, ada, 1, 1, time.Second)
		var fin wire.Finished
		ac.last(t, wire.TypeChallengeFinal, &fin)
		if fin.Score != 833 || fin.Correct != 1 || fin.Rank != 1 || fin.Total != 2 || fin.Players != 2 {
			t.Fatalf("ada's final %+v", fin)
		}
		var rv wire.Review
		ac.last(t, wire.TypeReview, &rv)
		if len(rv.Missed) != 1 || rv.Missed[0].Q != 1 || rv.Missed[0].CorrectAnswer != "True" {
			t.Fatalf("ada's review %+v, want question 1 missed, its answer True", rv)
		}
		submit(t, ada, lobby.Message{Type: wire.TypePlayNext, Re: []byte(`"n2"`)})
		ac.last(t, wire.TypeError, &e)
		if e.Code != wire.Code(game.CodeFinished) {
			t.Fatalf("play_next after the last question: %+v", e)
		}

		// bob opens his first question and lets it run out.
		submit(t, bob, lobby.Message{Type: wire.TypePlayNext})
		time.Sleep(31 * time.Second)
		synctest.Wait()
		bc.last(t, wire.TypeReveal, &rev)
		if rev.Q != 0 || rev.Reason != game.CloseDeadline || rev.You == nil || rev.You.Answered {
			t.Fatalf("bob's reveal %+v, want question 0 run out unanswered", rev)
		}
		submit(t, bob, lobby.Message{Type: wire.TypeSync})
		st = wire.State{} // last decodes into it: absent fields would stay
		bc.last(t, wire.TypeState, &st)
		if st.Question != nil || st.LastReveal == nil || st.LastReveal.Q != 0 || st.Played == nil || *st.Played != 1 {
			t.Fatalf("bob's state between questions %+v", st)
		}
		submit(t, host, lobby.Message{Type: wire.TypeSync})
		st = wire.State{}
		hc.last(t, wire.TypeState, &st)
		if p := st.Progress; p == nil || len(p.Players) != 2 || p.Finished != 1 || len(p.Questions) != 2 ||
			p.Questions[0].Accuracy != 0.5 || p.Questions[0].Players != 2 || p.Questions[1].Accuracy != 0 || p.Questions[1].Players != 1 {
			t.Fatalf("host state's progress %+v", st.Progress)
		}

		// Practice: refused to bob (not finished) and to a wrong token; ada
		// gets the question she missed, here and on another instance
		// (there from the snapshot).
		if _, err := l.Practice(ctx, pin, "r_wrong"); wire.CodeOf(err) != wire.CodeBadResumeToken {
			t.Errorf("practice with a wrong token: %v", err)
		}
		if _, err := l.Practice(ctx, "nope", adaToken); wire.CodeOf(err) != wire.CodeUnknownGame {
			t.Errorf("practice of a bad PIN: %v", err)
		}
		var bw wire.Welcome
		bc.last(t, wire.TypeWelcome, &bw)
		if _, err := l.Practice(ctx, pin, bw.ResumeToken); wire.CodeOf(err) != wire.CodeNotFinished {
			t.Errorf("practice for bob, still playing: %v", err)
		}
		time.Sleep(5 * time.Second) // a renewal period: the snapshot has ada's finish
		synctest.Wait()
		for name, lob := range map[string]*lobby.Lobby{"owner": l, "other": other} {
			round, err := lob.Practice(ctx, pin, adaToken)
			if err != nil || round.Questions != 1 || round.PIN == pin {
				t.Fatalf("%s: practice %+v, %v; want a new room of one question", name, round, err)
			}
			playPractice(t, lob, round)
		}

		// At the deadline the challenge closes and, no question being open,
		// ends with its final standings.
		time.Sleep(time.Until(deadline) + time.Second)
		synctest.Wait()
		bc.last(t, wire.TypeChallenge, &ch)
		if !ch.Closed || ch.Playing != 0 {
			t.Fatalf("challenge at the deadline %+v, want closed", ch)
		}
		var pod wire.Podium
		bc.last(t, wire.TypePodium, &pod)
		if len(pod.Top) != 2 || pod.Top[0].Nickname != "ada" || pod.Top[0].Score != 833 {
			t.Fatalf("final standings %+v, want ada first with 833", pod.Top)
		}
		if bc.reason() != lobby.CloseGameOver {
			t.Errorf("bob's connection after the end: %q", bc.reason())
		}
	})
}

// playPractice resumes into the practice round and plays its question.
func playPractice(t *testing.T, l *lobby.Lobby, round lobby.PracticeRound) {
	t.Helper()
	c := &fakeConn{}
	m, err := l.Attach(context.Background(), lobby.Hello{Type: wire.TypeResume, PIN: round.PIN, ResumeToken: round.ResumeToken}, c)
	if err != nil {
		t.Fatalf("resume into the practice round: %v", err)
	}
	defer m.Detach()
	var w wire.Welcome
	c.last(t, wire.TypeWelcome, &w)
	if w.Nickname != "ada" || w.State == nil || !w.State.Practice || !w.State.SelfPaced || w.State.Total != 1 {
		t.Fatalf("practice welcome %+v (state %+v)", w, w.State)
	}
	submit(t, m, lobby.Message{Type: wire.TypePlayNext})
	var q wire.Question
	c.last(t, wire.TypeQuestion, &q)
	if q.Q != 0 || q.Prompt != "Go has goroutines." {
		t.Fatalf("practice question %+v, want the one ada missed", q)
	}
	answerAt(t, m, 0, 0, time.Second)
	var fin wire.Finished
	c.last(t, wire.TypeChallengeFinal, &fin)
	if fin.Correct != 1 || fin.Total != 1 {
		t.Fatalf("practice final %+v", fin)
	}
	if c.count(wire.TypeReview) != 0 {
		t.Error("a practice round sent a review")
	}
}
