package game

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestWrongPhaseErrorsNameThePhase(t *testing.T) {
	g := newGame(t, Settings{})
	tests := []struct {
		name  string
		call  func() ([]Event, error)
		phase string
	}{
		{"skip in lobby", func() ([]Event, error) { return g.Skip(t0) }, "lobby"},
		{"pause in lobby", func() ([]Event, error) { return g.Pause(t0) }, "lobby"},
		{"extend in lobby", func() ([]Event, error) { return g.Extend(time.Second, t0) }, "lobby"},
		{"resume in lobby", func() ([]Event, error) { return g.Resume(t0) }, "lobby"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.call()
			wantCode(t, err, CodeWrongPhase)
			if !strings.Contains(err.Error(), tt.phase) {
				t.Fatalf("error %q does not name the phase %q", err, tt.phase)
			}
		})
	}
	_, err := g.Start(t0)
	wantCode(t, err, CodeNoPlayers)

	joinN(t, g, 1)
	must(t)(g.Start(t0))
	_, err = g.Start(t0)
	wantCode(t, err, CodeWrongPhase)
	if !strings.Contains(err.Error(), "question") {
		t.Fatalf("error %q does not name the question phase", err)
	}
	must(t)(g.Skip(t0))
	_, err = g.Extend(time.Second, t0)
	wantCode(t, err, CodeWrongPhase)
	if !strings.Contains(err.Error(), "reveal") {
		t.Fatalf("error %q does not name the reveal phase", err)
	}
	must(t)(g.End(t0))
	for name, call := range map[string]func() ([]Event, error){
		"next":   func() ([]Event, error) { return g.Next(t0) },
		"end":    func() ([]Event, error) { return g.End(t0) },
		"start":  func() ([]Event, error) { return g.Start(t0) },
		"skip":   func() ([]Event, error) { return g.Skip(t0) },
		"lock":   func() ([]Event, error) { return g.SetLocked(true, t0) },
		"join":   func() ([]Event, error) { return g.Join("new", "New", t0) },
		"kick":   func() ([]Event, error) { return g.Kick("p0", t0) },
		"resume": func() ([]Event, error) { return g.Resume(t0) },
	} {
		if _, err := call(); CodeOf(err) != CodeGameEnded {
			t.Errorf("%s after the end: %v, want game_ended", name, err)
		}
	}
}

func TestAutoAdvanceRunsTheWholeGame(t *testing.T) {
	s := Settings{QuestionTime: 10 * time.Second, AutoAdvance: true, ShowLeaderboard: true,
		RevealTime: 3 * time.Second, LeaderboardTime: 4 * time.Second}
	g := newGame(t, s, singles(2)...)
	joinN(t, g, 1)
	must(t)(g.Start(t0))
	if d := g.Deadline(); !d.Equal(at(10 * time.Second)) {
		t.Fatalf("deadline %v", d)
	}
	if evs := g.Advance(at(9 * time.Second)); len(evs) != 0 {
		t.Fatalf("advance before the deadline: %#v", evs)
	}
	evs := g.Advance(at(10 * time.Second))
	qc, ok := find[QuestionClosed](evs)
	if !ok || qc.Reason != CloseDeadline || g.Phase() != PhaseReveal || !g.Deadline().Equal(at(13*time.Second)) {
		t.Fatalf("after the deadline: %#v, phase %s, next %v", evs, g.Phase(), g.Deadline())
	}
	evs = g.Advance(at(13 * time.Second))
	if lb, ok := find[LeaderboardShown](evs); !ok || len(lb.All) != 1 || g.Phase() != PhaseLeaderboard {
		t.Fatalf("leaderboard: %#v", evs)
	}
	// A late call catches up, each step at its scheduled time.
	evs = g.Advance(at(time.Hour))
	var kinds []string
	for _, e := range evs {
		switch e := e.(type) {
		case QuestionOpened:
			kinds = append(kinds, "open")
			if !e.OpenedAt.Equal(at(17 * time.Second)) {
				t.Errorf("question 1 opened at %v, want t0+17s", e.OpenedAt)
			}
		case QuestionClosed:
			kinds = append(kinds, "close")
		case LeaderboardShown:
			kinds = append(kinds, "leaderboard")
		case PodiumShown:
			kinds = append(kinds, "podium")
		}
	}
	if got := strings.Join(kinds, ","); got != "open,close,leaderboard,podium" {
		t.Fatalf("catch-up events %s", got)
	}
	if g.Phase() != PhasePodium || !g.Deadline().IsZero() {
		t.Fatalf("phase %s deadline %v", g.Phase(), g.Deadline())
	}
	evs = must(t)(g.Next(at(time.Hour)))
	if e, ok := find[GameEnded](evs); !ok || e.Reason != EndFinished {
		t.Fatalf("next on the podium: %#v", evs)
	}
}

func TestManualAdvanceWaitsForHost(t *testing.T) {
	g := newGame(t, Settings{ShowLeaderboard: true}, singles(2)...)
	joinN(t, g, 1)
	must(t)(g.Start(t0))
	g.Advance(at(time.Hour))
	if g.Phase() != PhaseReveal || !g.Deadline().IsZero() {
		t.Fatalf("phase %s deadline %v, want reveal with no timer", g.Phase(), g.Deadline())
	}
	must(t)(g.Next(at(time.Hour)))
	if g.Phase() != PhaseLeaderboard {
		t.Fatalf("phase %s", g.Phase())
	}
	must(t)(g.Next(at(time.Hour)))
	if g.Phase() != PhaseQuestion || g.QuestionIndex() != 1 {
		t.Fatalf("phase %s index %d", g.Phase(), g.QuestionIndex())
	}
	// Next during a question closes it and scores it.
	must(t)(g.Answer("p0", 1, Answer{Choices: []int{0}}, time.Second, 0, at(time.Hour)))
	// (the only player answered, so it closed already)
	if g.Phase() != PhaseReveal {
		t.Fatalf("phase %s", g.Phase())
	}
	must(t)(g.Next(at(time.Hour)))
	must(t)(g.Next(at(time.Hour)))
	if g.Phase() != PhasePodium {
		t.Fatalf("phase %s, want podium", g.Phase())
	}
}

func TestNextDuringQuestionScoresIt(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second}, singles(2)...)
	ids := joinN(t, g, 2)
	must(t)(g.Start(t0))
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{0}}, 2*time.Second, 0, at(2*time.Second)))
	evs := must(t)(g.Next(at(5 * time.Second)))
	qc, _ := find[QuestionClosed](evs)
	if qc.Reason != CloseHost || qc.Results[ids[0]].Points != 967 || qc.Results[ids[1]].Answered {
		t.Fatalf("%+v", qc)
	}
}

func TestEarlyClose(t *testing.T) {
	g := newGame(t, Settings{}, singles(2)...)
	ids := joinN(t, g, 3)
	must(t)(g.Disconnect(ids[2], t0))
	must(t)(g.Start(t0))
	evs := must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Second)))
	if c, _ := find[AnswersCount](evs); c.Answered != 1 || c.Players != 3 {
		t.Fatalf("count %+v", c)
	}
	if _, closed := find[QuestionClosed](evs); closed {
		t.Fatal("closed with a connected player still to answer")
	}
	// The last connected player who has not answered drops: close now.
	evs = must(t)(g.Disconnect(ids[1], at(2*time.Second)))
	qc, ok := find[QuestionClosed](evs)
	if !ok || qc.Reason != CloseAllAnswered {
		t.Fatalf("want early close on disconnect: %#v", evs)
	}
	// Disconnected players who did not answer lose their streak like anyone.
	if r := qc.Results[ids[2]]; r.Answered || r.Streak != 0 {
		t.Fatalf("absent player result %+v", r)
	}
	// With everyone disconnected the question waits for its timer.
	must(t)(g.Disconnect(ids[0], at(3*time.Second)))
	must(t)(g.Next(at(3 * time.Second)))
	if g.Phase() != PhaseQuestion {
		t.Fatalf("phase %s", g.Phase())
	}
	must(t)(g.Reconnect(ids[1], at(4*time.Second)))
	evs = must(t)(g.Answer(ids[1], 1, Answer{Choices: []int{1}}, time.Second, 0, at(5*time.Second)))
	if _, ok := find[QuestionClosed](evs); !ok {
		t.Fatal("the only connected player answered but the question stayed open")
	}
}

func TestPauseResumeExtend(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second}, singles(1)...)
	ids := joinN(t, g, 2)
	must(t)(g.Start(t0))
	evs := must(t)(g.Pause(at(10 * time.Second)))
	if p, _ := find[Paused](evs); p.Remaining != 20*time.Second || !g.Paused() || !g.Deadline().IsZero() {
		t.Fatalf("paused %#v, deadline %v", evs, g.Deadline())
	}
	_, err := g.Pause(at(11 * time.Second))
	wantCode(t, err, CodeWrongPhase)
	_, err = g.Answer(ids[0], 0, Answer{Choices: []int{0}}, time.Second, 0, at(11*time.Second))
	wantCode(t, err, CodeNotOpen)
	if evs := g.Advance(at(time.Hour)); len(evs) != 0 {
		t.Fatalf("timer ran while paused: %#v", evs)
	}
	evs = must(t)(g.Extend(5*time.Second, at(50*time.Second)))
	if e, _ := find[Extended](evs); e.Remaining != 25*time.Second {
		t.Fatalf("extend while paused: %#v", evs)
	}
	evs = must(t)(g.Resume(at(100 * time.Second)))
	if r, _ := find[Resumed](evs); !r.Deadline.Equal(at(125*time.Second)) || !g.Deadline().Equal(at(125*time.Second)) {
		t.Fatalf("resumed %#v", evs)
	}
	_, err = g.Resume(at(100 * time.Second))
	wantCode(t, err, CodeWrongPhase)
	evs = must(t)(g.Extend(10*time.Second, at(101*time.Second)))
	if e, _ := find[Extended](evs); !e.Deadline.Equal(at(135 * time.Second)) {
		t.Fatalf("extended %#v", evs)
	}
	for _, d := range []time.Duration{0, -time.Second, MaxExtend + 1} {
		_, err = g.Extend(d, at(101*time.Second))
		wantCode(t, err, CodeInvalidArgument)
	}
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{0}}, time.Second, 0, at(134*time.Second)))
	if evs := g.Advance(at(134 * time.Second)); len(evs) != 0 {
		t.Fatal("closed before the extended deadline")
	}
	if _, ok := find[QuestionClosed](g.Advance(at(135 * time.Second))); !ok {
		t.Fatal("did not close at the extended deadline")
	}
}

func TestAnswerRefusals(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 10 * time.Second, AnswerGrace: time.Second}, sampleQuestions()...)
	ids := joinN(t, g, 3)
	_, err := g.Answer(ids[0], 0, Answer{Choices: []int{1}}, 0, 0, t0)
	wantCode(t, err, CodeNotOpen)
	must(t)(g.Start(t0))

	_, err = g.Answer("nobody", 0, Answer{Choices: []int{1}}, 0, 0, t0)
	wantCode(t, err, CodeUnknownPlayer)
	_, err = g.Answer(ids[0], 1, Answer{Choices: []int{1}}, 0, 0, t0)
	wantCode(t, err, CodeNotOpen)
	_, err = g.Answer(ids[0], -1, Answer{Choices: []int{1}}, 0, 0, t0)
	wantCode(t, err, CodeNotOpen)
	_, err = g.Answer(ids[0], 99, Answer{Choices: []int{1}}, 0, 0, t0)
	wantCode(t, err, CodeNotOpen)
	for name, a := range map[string]Answer{
		"no choice":      {},
		"two choices":    {Choices: []int{0, 1}},
		"out of range":   {Choices: []int{3}},
		"negative":       {Choices: []int{-1}},
		"huge":           {Choices: []int{1 << 40}},
		"text on choice": {Choices: []int{1}, Text: "4"},
	} {
		_, err = g.Answer(ids[0], 0, a, 0, 0, t0)
		if CodeOf(err) != CodeInvalidAnswer {
			t.Errorf("%s: %v, want invalid_answer", name, err)
		}
	}
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{1}}, time.Second, 0, at(time.Second)))
	_, err = g.Answer(ids[0], 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Second))
	wantCode(t, err, CodeAlreadyAnswered)
	if p, _ := g.Player(ids[0]); p.Answer.Choices[0] != 1 {
		t.Fatalf("the first answer must stand: %+v", p.Answer)
	}
	// Within grace counts; beyond it is too late.
	must(t)(g.Answer(ids[1], 0, Answer{Choices: []int{1}}, 10*time.Second, time.Second, at(11*time.Second)))
	_, err = g.Answer(ids[2], 0, Answer{Choices: []int{1}}, 10*time.Second, time.Second, at(11*time.Second+1))
	wantCode(t, err, CodeTooLate)
	g.Advance(at(11 * time.Second))
	_, err = g.Answer(ids[2], 0, Answer{Choices: []int{1}}, time.Second, 0, at(12*time.Second))
	wantCode(t, err, CodeTooLate)

	// Multi.
	must(t)(g.Next(at(12 * time.Second)))
	for name, a := range map[string]Answer{
		"empty":     {},
		"duplicate": {Choices: []int{1, 1}},
		"too many":  {Choices: []int{0, 1, 2, 3, 0}},
		"range":     {Choices: []int{1, 4}},
	} {
		_, err = g.Answer(ids[0], 1, a, 0, 0, at(12*time.Second))
		if CodeOf(err) != CodeInvalidAnswer {
			t.Errorf("multi %s: %v, want invalid_answer", name, err)
		}
	}
	_, err = g.Answer(ids[0], 0, Answer{Choices: []int{1}}, 0, 0, at(12*time.Second))
	wantCode(t, err, CodeTooLate)
	must(t)(g.Skip(at(12 * time.Second)))
	must(t)(g.Next(at(12 * time.Second)))
	must(t)(g.Skip(at(12 * time.Second)))
	must(t)(g.Next(at(12 * time.Second)))

	// Typed.
	if g.Question(g.QuestionIndex()).Kind != KindTyped {
		t.Fatal("expected the typed question")
	}
	for name, a := range map[string]Answer{
		"empty":        {},
		"spaces":       {Text: "   "},
		"punctuation":  {Text: "?!."},
		"over 200":     {Text: strings.Repeat("a", 201)},
		"bad utf8":     {Text: "jw\xff"},
		"with choices": {Text: "jwt", Choices: []int{0}},
	} {
		_, err = g.Answer(ids[0], 3, a, 0, 0, at(12*time.Second))
		if CodeOf(err) != CodeInvalidAnswer {
			t.Errorf("typed %s: %v, want invalid_answer", name, err)
		}
	}
	must(t)(g.Answer(ids[0], 3, Answer{Text: strings.Repeat("a", 200)}, 0, 0, at(12*time.Second)))
	evs := must(t)(g.Answer(ids[1], 3, Answer{Text: "J.W.T."}, time.Second, 0, at(12*time.Second)))
	must(t)(g.Answer(ids[2], 3, Answer{Text: "JSON"}, time.Second, 0, at(12*time.Second)))
	_ = evs
	res := g.Results()
	if !res.Players[0].Answers[len(res.Players[0].Answers)-1].Correct {
		t.Fatalf("J.W.T. should be correct: %+v", res.Players[0])
	}
}

func TestJoinRules(t *testing.T) {
	g := newGame(t, Settings{MaxPlayers: 3}, singles(3)...)
	for name, nick := range map[string]string{
		"empty":    "  ",
		"long":     strings.Repeat("x", 21),
		"control":  "a\nb",
		"bad utf8": "a\xffb",
	} {
		_, err := g.Join("x", nick, t0)
		if CodeOf(err) != CodeInvalidNickname {
			t.Errorf("%s nickname: %v", name, err)
		}
	}
	evs := must(t)(g.Join("a", "  <b>Ada</b>  ", t0))
	if j, _ := find[PlayerJoined](evs); j.Nickname != "<b>Ada</b>" {
		t.Fatalf("nickname not trimmed verbatim: %q", j.Nickname)
	}
	must(t)(g.Join("b", strings.Repeat("é", 20), t0))
	_, err := g.Join("c", "<B>ADA</B>", t0)
	wantCode(t, err, CodeNicknameTaken)
	_, err = g.Join("", "Nobody", t0)
	wantCode(t, err, CodeUnknownPlayer)
	must(t)(g.Join("c", "Cy", t0))
	_, err = g.Join("d", "Di", t0)
	wantCode(t, err, CodeGameFull)
	must(t)(g.Kick("c", t0))
	_, err = g.Join("c", "Cy", t0)
	wantCode(t, err, CodeKicked)
	must(t)(g.SetLocked(true, t0))
	_, err = g.Join("d", "Di", t0)
	wantCode(t, err, CodeGameLocked)
	must(t)(g.SetLocked(false, t0))
	must(t)(g.Join("d", "Cy", t0)) // a kicked player's nickname is free again
	must(t)(g.Start(t0))
	must(t)(g.Leave("d", t0))
	_, err = g.Join("e", "Ed", t0)
	wantCode(t, err, CodeLateJoinClosed)
	if len(g.Players()) != 3 || len(g.Standings()) != 3 {
		t.Fatalf("players %d standings %d, want 3 (kicked dropped, left kept)", len(g.Players()), len(g.Standings()))
	}
}

func TestLateJoinAnswersFromNextQuestion(t *testing.T) {
	g := newGame(t, Settings{LateJoin: true}, singles(2)...)
	joinN(t, g, 1)
	must(t)(g.Start(t0))
	must(t)(g.Join("late", "Late", at(time.Second)))
	_, err := g.Answer("late", 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Second))
	wantCode(t, err, CodeNotOpen)
	evs := must(t)(g.Answer("p0", 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Second)))
	qc, ok := find[QuestionClosed](evs)
	if !ok {
		t.Fatal("the late joiner must not hold the question open")
	}
	if _, in := qc.Results["late"]; in {
		t.Fatal("the late joiner has a result for a question they could not answer")
	}
	if p, _ := g.Player("late"); p.Score != 0 || p.Rank != 2 {
		t.Fatalf("late joiner %+v", p)
	}
	must(t)(g.Next(at(2 * time.Second)))
	must(t)(g.Answer("late", 1, Answer{Choices: []int{0}}, 300*time.Millisecond, 0, at(2*time.Second)))
	if p, _ := g.Player("late"); !p.Answered {
		t.Fatalf("late joiner could not answer the next question: %+v", p)
	}
}

func TestRejoinKeepsScoreAndStreak(t *testing.T) {
	g := newGame(t, Settings{}, singles(3)...)
	ids := joinN(t, g, 2)
	must(t)(g.Start(t0))
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{0}}, 300*time.Millisecond, 0, t0))
	must(t)(g.Answer(ids[1], 0, Answer{Choices: []int{0}}, 300*time.Millisecond, 0, t0))
	must(t)(g.Next(t0))
	must(t)(g.Answer(ids[0], 1, Answer{Choices: []int{0}}, 300*time.Millisecond, 0, t0))
	must(t)(g.Disconnect(ids[0], t0)) // answered, then the phone slept
	must(t)(g.Reconnect(ids[0], t0))
	if p, _ := g.Player(ids[0]); !p.Answered || p.Answer.Choices[0] != 0 {
		t.Fatalf("reconnect lost the answer: %+v", p)
	}
	must(t)(g.Answer(ids[1], 1, Answer{Choices: []int{0}}, 300*time.Millisecond, 0, t0))
	must(t)(g.Leave(ids[0], t0))
	_, err := g.Reconnect(ids[0], t0)
	wantCode(t, err, CodeUnknownPlayer)
	evs := must(t)(g.Join(ids[0], "ignored", t0))
	if j, _ := find[PlayerJoined](evs); !j.Rejoined || j.Nickname != "Player 0" {
		t.Fatalf("rejoin %#v", evs)
	}
	p, _ := g.Player(ids[0])
	if p.Score != 2100 || p.Streak != 2 || !p.Connected {
		t.Fatalf("rejoined player %+v, want score 2100 streak 2", p)
	}
	must(t)(g.Next(t0))
	must(t)(g.Answer(ids[0], 2, Answer{Choices: []int{0}}, 300*time.Millisecond, 0, t0))
	if p, _ := g.Player(ids[0]); p.Streak != 2 {
		t.Fatalf("streak moved before the question closed: %+v", p)
	}
	must(t)(g.Answer(ids[1], 2, Answer{Choices: []int{0}}, 300*time.Millisecond, 0, t0))
	if p, _ := g.Player(ids[0]); p.Score != 3300 || p.Streak != 3 || p.Last == nil || p.Last.StreakBonus != 200 {
		t.Fatalf("after the third question %+v", p)
	}
}

func TestSkipAndPoll(t *testing.T) {
	qs := append(singles(2), Question{ID: "poll", Kind: KindPoll, Prompt: "Fun?", Options: []string{"Yes", "No"}})
	g := newGame(t, Settings{}, qs...)
	ids := joinN(t, g, 2)
	must(t)(g.Start(t0))
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{0}}, time.Second, 0, t0))
	must(t)(g.Answer(ids[1], 0, Answer{Choices: []int{0}}, time.Second, 0, t0))
	must(t)(g.Next(t0))
	must(t)(g.Answer(ids[0], 1, Answer{Choices: []int{0}}, time.Second, 0, t0))
	evs := must(t)(g.Skip(t0))
	qc, _ := find[QuestionClosed](evs)
	if !qc.Skipped || qc.Results[ids[0]].Points != 0 || qc.Results[ids[0]].Streak != 1 || qc.Results[ids[1]].Streak != 1 {
		t.Fatalf("skip must score nothing and keep streaks: %+v", qc)
	}
	must(t)(g.Next(t0))
	must(t)(g.Answer(ids[0], 2, Answer{Choices: []int{1}}, time.Second, 0, t0))
	evs = g.Advance(g.Deadline())
	qc, _ = find[QuestionClosed](evs)
	if qc.Results[ids[0]].Points != 0 || qc.Results[ids[0]].Streak != 1 || qc.Results[ids[1]].Streak != 1 || qc.Distribution[1] != 1 {
		t.Fatalf("a poll scores nothing and a missing poll answer keeps the streak: %+v", qc)
	}
	res := g.Results()
	if !res.Questions[1].Skipped || res.Questions[0].Accuracy != 1 || len(res.Players[0].Missed) != 0 {
		t.Fatalf("results %+v", res)
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	good := singles(1)
	for name, s := range map[string]Settings{
		"mode":          {Mode: "fast"},
		"weight":        {Mode: ModeSpeedWeight, SpeedWeight: 1.5},
		"short time":    {QuestionTime: time.Second},
		"long time":     {QuestionTime: time.Hour},
		"negative max":  {MaxPlayers: -1},
		"huge grace":    {AnswerGrace: time.Minute},
		"negative show": {RevealTime: -time.Second},
	} {
		_, err := New(good, s)
		if CodeOf(err) != CodeInvalidSettings {
			t.Errorf("settings %s: %v", name, err)
		}
	}
	for name, q := range map[string]Question{
		"no prompt":       {Kind: KindSingle, Options: []string{"a", "b"}, Correct: []int{0}},
		"one option":      {Kind: KindSingle, Prompt: "p", Options: []string{"a"}, Correct: []int{0}},
		"five options":    {Kind: KindSingle, Prompt: "p", Options: []string{"a", "b", "c", "d", "e"}, Correct: []int{0}},
		"two correct":     {Kind: KindSingle, Prompt: "p", Options: []string{"a", "b"}, Correct: []int{0, 1}},
		"correct range":   {Kind: KindSingle, Prompt: "p", Options: []string{"a", "b"}, Correct: []int{2}},
		"multi none":      {Kind: KindMulti, Prompt: "p", Options: []string{"a", "b"}},
		"multi dup":       {Kind: KindMulti, Prompt: "p", Options: []string{"a", "b"}, Correct: []int{1, 1}},
		"poll correct":    {Kind: KindPoll, Prompt: "p", Options: []string{"a", "b"}, Correct: []int{0}},
		"typed empty":     {Kind: KindTyped, Prompt: "p", Accept: []string{"..."}},
		"tf three":        {Kind: KindTrueFalse, Prompt: "p", Options: []string{"a", "b", "c"}, Correct: []int{0}},
		"unknown kind":    {Kind: "essay", Prompt: "p"},
		"bad time":        {Kind: KindSingle, Prompt: "p", Options: []string{"a", "b"}, Correct: []int{0}, Time: time.Second},
		"empty option":    {Kind: KindSingle, Prompt: "p", Options: []string{"a", " "}, Correct: []int{0}},
		"typed w/ option": {Kind: KindTyped, Prompt: "p", Options: []string{"a"}, Accept: []string{"a"}},
	} {
		_, err := New([]Question{q}, Settings{})
		if CodeOf(err) != CodeInvalidQuestion {
			t.Errorf("question %s: %v", name, err)
		}
	}
	_, err := New(nil, Settings{})
	wantCode(t, err, CodeInvalidQuestion)
	for _, b := range []string{"", "null", "{}", `{"v":1}`, "garbage", `{"v":1,"settings":{"mode":"standard","question_time":20000000000},"questions":[{"kind":"single","prompt":"p","options":["a","b"],"correct":[0]}],"rounds":[{}],"phase":"question","index":5}`} {
		_, err := Restore([]byte(b))
		if CodeOf(err) != CodeInvalidSnapshot {
			t.Errorf("Restore(%q): %v", b, err)
		}
	}
}

func TestUnknownAndKickedPlayers(t *testing.T) {
	g := newGame(t, Settings{}, singles(1)...)
	ids := joinN(t, g, 2)
	for name, call := range map[string]func() ([]Event, error){
		"disconnect": func() ([]Event, error) { return g.Disconnect("ghost", t0) },
		"reconnect":  func() ([]Event, error) { return g.Reconnect("ghost", t0) },
		"leave":      func() ([]Event, error) { return g.Leave("ghost", t0) },
		"kick":       func() ([]Event, error) { return g.Kick("ghost", t0) },
	} {
		if _, err := call(); CodeOf(err) != CodeUnknownPlayer {
			t.Errorf("%s unknown: %v", name, err)
		}
	}
	if _, ok := g.Player("ghost"); ok {
		t.Error("Player found a ghost")
	}
	must(t)(g.Start(t0))
	evs := must(t)(g.Kick(ids[1], t0))
	if l, _ := find[PlayerLeft](evs); !l.Kicked {
		t.Fatalf("kick event %#v", evs)
	}
	_, err := g.Answer(ids[1], 0, Answer{Choices: []int{0}}, 0, 0, t0)
	wantCode(t, err, CodeKicked)
	_, err = g.Kick(ids[1], t0)
	wantCode(t, err, CodeKicked)
	if p, ok := g.Player(ids[1]); !ok || !p.Kicked || p.Rank != 0 {
		t.Fatalf("kicked player %+v", p)
	}
	if st := g.Standings(); len(st) != 1 || st[0].Rank != 1 {
		t.Fatalf("standings %+v", st)
	}
}

// TestEndEarlyIsAFinishedGame: ending after the first question shows the
// podium before the end, so players keep their rank, score and review; ending
// from the lobby has nothing to rank.
func TestEndEarlyIsAFinishedGame(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before func(g *Game)
		podium bool
	}{
		{"lobby", func(g *Game) {}, false},
		{"question", func(g *Game) { must(t)(g.Start(t0)) }, true},
		{"reveal", func(g *Game) { must(t)(g.Start(t0)); must(t)(g.Next(t0)) }, true},
		{"leaderboard", func(g *Game) { must(t)(g.Start(t0)); must(t)(g.Next(t0)); must(t)(g.Next(t0)) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGame(t, Settings{QuestionTime: 30 * time.Second, ShowLeaderboard: true}, singles(3)...)
			joinN(t, g, 2)
			tc.before(g)
			evs, err := g.End(t0)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, ev := range evs {
				kinds = append(kinds, fmt.Sprintf("%T", ev))
			}
			want := "[game.GameEnded]"
			if tc.podium {
				want = "[game.PodiumShown game.GameEnded]"
			}
			if got := fmt.Sprint(kinds); got != want {
				t.Fatalf("events %s, want %s", got, want)
			}
			if g.Phase() != PhaseEnded || g.EndReason() != EndHostEnded {
				t.Fatalf("phase %s reason %q, want ended by the host", g.Phase(), g.EndReason())
			}
			if tc.podium {
				if n := len(evs[0].(PodiumShown).Standings); n != 2 {
					t.Fatalf("podium ranks %d players, want 2", n)
				}
			}
		})
	}
}

// TestNewcomersTieOnZero: players who joined with nothing share the last
// place, even when ranked incrementally as they join.
func TestNewcomersTieOnZero(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second}, singles(2)...)
	ids := joinN(t, g, 3)
	for _, id := range ids {
		if p, _ := g.Player(id); p.Rank != 1 {
			t.Errorf("%s has rank %d before any question, want 1 (everyone tied on 0)", id, p.Rank)
		}
	}
}
