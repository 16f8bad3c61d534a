package game

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

func challengeSettings() Settings {
	return Settings{QuestionTime: 10 * time.Second, SelfPaced: true, ChallengeTime: time.Hour, AnswerGrace: time.Second}
}

// Every player's question runs on their own clock; scoring is the live rule.
func TestChallengeTimesEachPlayer(t *testing.T) {
	g := newGame(t, challengeSettings(), singles(3)...)
	evs := must(t)(g.Start(t0)) // no players needed
	if co, ok := find[ChallengeOpened](evs); !ok || !co.Deadline.Equal(at(time.Hour)) || g.Phase() != PhaseChallenge {
		t.Fatalf("start: %#v phase %s", evs, g.Phase())
	}
	if !g.Deadline().Equal(at(time.Hour)) {
		t.Fatalf("deadline %v, want the challenge's", g.Deadline())
	}
	must(t)(g.Join("a", "Ada", at(time.Minute)))
	must(t)(g.Join("b", "Bob", at(2*time.Minute)))

	evs = must(t)(g.PlayerNext("a", at(time.Minute)))
	so, ok := find[SoloQuestionOpened](evs)
	if !ok || so.Player != "a" || so.Index != 0 || !so.Deadline.Equal(at(time.Minute+10*time.Second)) {
		t.Fatalf("a's first question: %#v", evs)
	}
	_, err := g.PlayerNext("a", at(time.Minute+time.Second))
	wantCode(t, err, CodeQuestionOpen)
	if !g.Deadline().Equal(at(time.Minute + 11*time.Second)) {
		t.Fatalf("deadline %v, want a's question deadline plus grace", g.Deadline())
	}
	if got := g.OpenedAtFor("a"); !got.Equal(at(time.Minute)) {
		t.Fatalf("OpenedAtFor(a) = %v", got)
	}
	// b's question opens later, on b's clock; b cannot answer a's question index early.
	_, err = g.Answer("b", 0, Answer{Choices: []int{0}}, time.Second, 0, at(2*time.Minute))
	wantCode(t, err, CodeNotOpen)
	must(t)(g.PlayerNext("b", at(2*time.Minute)))

	// a answers right in 2 s: closes at once, scored like live (967 of 1000 at T = 10 s: round(1000*(1-2/20)) = 900).
	evs = must(t)(g.Answer("a", 0, Answer{Choices: []int{0}}, 2*time.Second, time.Second, at(time.Minute+2*time.Second)))
	sc, ok := find[SoloQuestionClosed](evs)
	if !ok || sc.Reason != CloseAllAnswered || sc.Result.Points != 900 || sc.Played != 1 || sc.Explanation != "" || sc.Players != 1 {
		t.Fatalf("a's reveal: %#v", evs)
	}
	_, err = g.Answer("a", 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Minute+3*time.Second))
	wantCode(t, err, CodeTooLate)
	// a's next question opens whenever a likes.
	must(t)(g.PlayerNext("a", at(5*time.Minute)))
	// b never answers: Advance closes b's question at b's deadline plus grace,
	// and leaves a's (opened later) open.
	evs = g.Advance(at(10 * time.Minute))
	var closed []PlayerID
	for _, e := range evs {
		if sc, ok := e.(SoloQuestionClosed); ok {
			closed = append(closed, sc.Player)
			if sc.Reason != CloseDeadline || sc.Result.Answered {
				t.Fatalf("timed-out question: %+v", sc)
			}
		}
	}
	if len(closed) != 2 || closed[0] != "b" || closed[1] != "a" {
		t.Fatalf("closed %v, want b (deadline 2m11s) then a (5m11s)", closed)
	}
	pb, _ := g.Player("b")
	if pb.Solo == nil || pb.Solo.Played != 1 || pb.Streak != 0 || pb.Last == nil || pb.Last.Answered {
		t.Fatalf("b after timing out: %+v", pb)
	}
	// Finishing: a plays the last question; rank so far is shared.
	must(t)(g.PlayerNext("a", at(11*time.Minute)))
	evs = must(t)(g.Answer("a", 2, Answer{Choices: []int{0}}, 0, 0, at(11*time.Minute)))
	pf, ok := find[PlayerFinished](evs)
	if !ok || pf.Player != "a" || pf.Rank != 1 || pf.Score != 900+1000 {
		t.Fatalf("a finished: %#v", evs)
	}
	_, err = g.PlayerNext("a", at(12*time.Minute))
	wantCode(t, err, CodeFinished)
	res := g.Results()
	if q := res.Questions[0]; q.Players != 2 || q.CorrectCount != 1 || q.Accuracy != 0.5 {
		t.Fatalf("per-question accuracy so far: %+v", q)
	}
	if p := res.Players[0]; p.Player != "a" || !p.Solo.Finished || len(p.Answers) != 3 || len(p.Missed) != 1 {
		t.Fatalf("a's review: %+v", p)
	}
}

func TestChallengeDeadline(t *testing.T) {
	g := newGame(t, challengeSettings(), singles(2)...)
	must(t)(g.Start(t0))
	must(t)(g.Join("a", "Ada", t0))
	must(t)(g.Join("b", "Bob", t0))
	must(t)(g.Join("c", "Cy", t0))
	// The host gives ten more minutes.
	evs := must(t)(g.Extend(10*time.Minute, at(time.Minute)))
	if ce, ok := find[ChallengeExtended](evs); !ok || !ce.Deadline.Equal(at(70*time.Minute)) {
		t.Fatalf("extend: %#v", evs)
	}
	_, err := g.Extend(MaxChallengeTime, at(time.Minute))
	wantCode(t, err, CodeInvalidArgument)
	for _, cmd := range []func() ([]Event, error){
		func() ([]Event, error) { return g.Pause(t0) },
		func() ([]Event, error) { return g.Next(t0) },
		func() ([]Event, error) { return g.Skip(t0) },
	} {
		_, err := cmd()
		wantCode(t, err, CodeWrongPhase)
	}
	// a opens a question 5 s before the deadline: it runs out its own time.
	must(t)(g.PlayerNext("a", at(70*time.Minute-5*time.Second)))
	// Inputs after the deadline are refused even before Advance runs.
	_, err = g.PlayerNext("b", at(70*time.Minute))
	wantCode(t, err, CodeChallengeClosed)
	_, err = g.Join("d", "Dee", at(70*time.Minute))
	wantCode(t, err, CodeChallengeClosed)
	evs = g.Advance(at(70 * time.Minute))
	if cc, ok := find[ChallengeClosed](evs); !ok || cc.Playing != 1 || g.Phase() != PhaseChallenge {
		t.Fatalf("deadline: %#v, phase %s", evs, g.Phase())
	}
	// a may still answer in the question's own time.
	evs = must(t)(g.Answer("a", 0, Answer{Choices: []int{0}}, 4*time.Second, 0, at(70*time.Minute-time.Second)))
	if _, ok := find[SoloQuestionClosed](evs); !ok {
		t.Fatalf("a's answer after the deadline, in time: %#v", evs)
	}
	podium, ok := find[PodiumShown](evs)
	if end, _ := find[GameEnded](evs); !ok || end.Reason != EndDeadline || podium.Standings[0].Player != "a" {
		t.Fatalf("the last open question closing ends the challenge: %#v", evs)
	}
	_, err = g.Join("d", "Dee", at(71*time.Minute))
	wantCode(t, err, CodeChallengeClosed)
	_, err = g.PlayerNext("b", at(71*time.Minute))
	wantCode(t, err, CodeChallengeClosed)
	// b never played: both questions count as missed once the challenge is over.
	for _, p := range g.Results().Players {
		if p.Player == "b" && (len(p.Answers) != 2 || len(p.Missed) != 2) {
			t.Fatalf("b's review after the deadline: %+v", p)
		}
	}
	pr, err := g.Practice("b", at(71*time.Minute))
	if err != nil || pr.Total() != 2 {
		t.Fatalf("practice for b: %v", err)
	}
}

func TestChallengeEndedByHostAbandonsOpenQuestions(t *testing.T) {
	g := newGame(t, challengeSettings(), singles(2)...)
	_, err := g.PlayerNext("a", t0)
	wantCode(t, err, CodeNotOpen)
	must(t)(g.Join("a", "Ada", t0)) // in the lobby before it opens
	must(t)(g.Start(t0))
	must(t)(g.PlayerNext("a", t0))
	evs := must(t)(g.End(at(time.Second)))
	if e, ok := find[GameEnded](evs); !ok || e.Reason != EndHostEnded || !g.Deadline().IsZero() {
		t.Fatalf("end: %#v", evs)
	}
	if p, _ := g.Player("a"); p.Solo.Open || p.Solo.Played != 0 || p.Score != 0 {
		t.Fatalf("a's open question after the end: %+v", p.Solo)
	}
	live := newGame(t, Settings{}, singles(1)...)
	must(t)(live.Join("a", "Ada", t0))
	_, err = live.PlayerNext("a", t0)
	wantCode(t, err, CodeWrongPhase)
}

func TestPracticeRound(t *testing.T) {
	qs := sampleQuestions() // single, multi, truefalse, typed, poll
	for i := range qs {
		qs[i].Explanation = "because " + qs[i].ID
	}
	qs = append(qs, Question{ID: "q5", Kind: KindSingle, Prompt: "skipped", Options: []string{"a", "b"}, Correct: []int{0}})
	g := newGame(t, Settings{QuestionTime: 20 * time.Second}, qs...)
	must(t)(g.Join("a", "Ada", t0))
	must(t)(g.Join("b", "Bob", t0))
	_, err := g.Practice("a", t0)
	wantCode(t, err, CodeNotFinished)
	must(t)(g.Start(t0))
	plan := []struct {
		a, b *Answer
		skip bool
	}{
		{a: &Answer{Choices: []int{1}}, b: &Answer{Choices: []int{1}}},                            // both right
		{a: &Answer{Choices: []int{1}, List: true}, b: &Answer{Choices: []int{1, 3}, List: true}}, // a partly right: missed
		{b: &Answer{Choices: []int{0}}},                                                           // a no answer: missed
		{a: &Answer{Text: "jwt"}, b: &Answer{Text: "json"}},                                       // a right
		{a: &Answer{Choices: []int{0}}},                                                           // poll: never missed
		{skip: true},                                                                              // skipped: never missed
	}
	for i, p := range plan {
		if i > 0 {
			must(t)(g.Next(at(time.Duration(i) * time.Minute)))
		}
		now := at(time.Duration(i)*time.Minute + time.Second)
		if p.skip {
			must(t)(g.Skip(now))
			continue
		}
		if p.a != nil {
			must(t)(g.Answer("a", i, *p.a, time.Second, 0, now))
		}
		if p.b != nil {
			must(t)(g.Answer("b", i, *p.b, time.Second, 0, now))
		}
		if g.Phase() == PhaseQuestion {
			must(t)(g.Next(now))
		}
	}
	must(t)(g.Next(at(time.Hour))) // podium
	before := g.Snapshot()
	pr, err := g.Practice("a", at(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if pr.Total() != 2 || pr.Question(0).ID != "q1" || pr.Question(1).ID != "q2" || pr.Question(1).Explanation != "because q2" {
		t.Fatalf("practice questions: %q, %q", pr.Question(0).ID, pr.Question(1).ID)
	}
	if s := pr.Settings(); !s.SelfPaced || !s.Practice || s.QuestionTime != 20*time.Second || !pr.Locked() || pr.Phase() != PhaseChallenge {
		t.Fatalf("practice settings %+v, locked %v, phase %s", s, pr.Locked(), pr.Phase())
	}
	_, err = pr.Join("z", "Zed", at(time.Hour))
	wantCode(t, err, CodeGameLocked)
	// Playing it through: explanations at each reveal, and it ends on finishing.
	must(t)(pr.PlayerNext("a", at(time.Hour)))
	evs := must(t)(pr.Answer("a", 0, Answer{Choices: []int{1, 3}, List: true}, time.Second, 0, at(time.Hour)))
	if sc, ok := find[SoloQuestionClosed](evs); !ok || !sc.Result.Correct || sc.Explanation != "because q1" {
		t.Fatalf("practice reveal: %#v", evs)
	}
	must(t)(pr.PlayerNext("a", at(time.Hour)))
	evs = pr.Advance(at(2 * time.Hour))
	if e, ok := find[GameEnded](evs); !ok || e.Reason != EndFinished {
		t.Fatalf("practice end: %#v", evs)
	}
	// Practise again what was missed in the practice.
	again, err := pr.Practice("a", at(2*time.Hour))
	if err != nil || again.Total() != 1 || again.Question(0).ID != "q2" {
		t.Fatalf("practice of the practice: %v", err)
	}
	if !bytes.Equal(g.Snapshot(), before) {
		t.Fatal("practice must not touch the game")
	}
	// b missed q1? No: b got q1 right, q3 wrong.
	prb, err := g.Practice("b", at(time.Hour))
	if err != nil || prb.Total() != 1 || prb.Question(0).ID != "q3" {
		t.Fatalf("b's practice: %v", err)
	}
	perfect := newGame(t, Settings{}, singles(1)...)
	must(t)(perfect.Join("a", "Ada", t0))
	must(t)(perfect.Start(t0))
	must(t)(perfect.Answer("a", 0, Answer{Choices: []int{0}}, 0, 0, t0))
	must(t)(perfect.End(t0))
	_, err = perfect.Practice("a", t0)
	wantCode(t, err, CodeNothingMissed)
	_, err = perfect.Practice("nobody", t0)
	wantCode(t, err, CodeUnknownPlayer)
}

// A team challenge: a member is present for exactly the questions they opened.
func TestTeamChallenge(t *testing.T) {
	s := challengeSettings()
	s.Teams, s.Mode = 2, ModeAccuracy
	g := newGame(t, s, singles(2)...)
	must(t)(g.Start(t0))
	must(t)(g.JoinTeam("a", "Ada", 1, t0))
	must(t)(g.JoinTeam("b", "Bob", 1, t0))
	must(t)(g.JoinTeam("c", "Cy", 2, t0))
	must(t)(g.PlayerNext("a", t0))
	_, err := g.MoveToTeam("a", 2, t0)
	wantCode(t, err, CodeTeamsLocked)
	must(t)(g.MoveToTeam("b", 2, t0)) // b has not started
	must(t)(g.MoveToTeam("b", 1, t0))
	must(t)(g.Answer("a", 0, Answer{Choices: []int{0}}, time.Second, 0, t0))
	if st := g.TeamStandings(); st[0].Name != "Red" || st[0].Score != 1000 || st[1].Score != 0 {
		t.Fatalf("after a's answer: %+v", st)
	}
	must(t)(g.PlayerNext("b", t0))
	must(t)(g.Answer("b", 0, Answer{Choices: []int{1}}, time.Second, 0, t0))
	// Red's mean for question 0 is now (1000 + 0) / 2, not a majority.
	if st := g.TeamStandings(); st[0].Score != 500 || st[0].Streak != 0 {
		t.Fatalf("after b's answer: %+v", st)
	}
}

// snapshotScript drives a team challenge and a live team game through the
// paths a failover must preserve.
func modesScript(live, challenge *Game) []func() ([]Event, error) {
	base := t0
	a := func(d time.Duration) time.Time { return base.Add(d) }
	return []func() ([]Event, error){
		func() ([]Event, error) { return live.JoinTeam("a", "Ada", 1, a(0)) },
		func() ([]Event, error) { return live.JoinTeam("b", "Bob", 2, a(0)) },
		func() ([]Event, error) { return live.Join("c", "Cy", a(0)) },
		func() ([]Event, error) { return live.MoveToTeam("c", 2, a(0)) },
		func() ([]Event, error) { return live.Start(a(time.Second)) },
		func() ([]Event, error) { return live.Disconnect("c", a(2*time.Second)) },
		func() ([]Event, error) {
			return live.Answer("a", 0, Answer{Choices: []int{1}}, time.Second, 0, a(2*time.Second))
		},
		func() ([]Event, error) { return live.Advance(a(time.Minute)), nil },
		func() ([]Event, error) { return live.Join("d", "Dee", a(time.Minute)) },
		func() ([]Event, error) { return live.Next(a(time.Minute)) },
		func() ([]Event, error) {
			return live.Answer("b", 1, Answer{Choices: []int{1, 3}, List: true}, time.Second, 0, a(61*time.Second))
		},
		func() ([]Event, error) { return live.Advance(a(time.Hour)), nil },
		func() ([]Event, error) { return challenge.Start(a(0)) },
		func() ([]Event, error) { return challenge.JoinTeam("x", "Xi", 2, a(time.Second)) },
		func() ([]Event, error) { return challenge.Join("y", "Yu", a(time.Second)) },
		func() ([]Event, error) { return challenge.PlayerNext("x", a(2*time.Second)) },
		func() ([]Event, error) { return challenge.PlayerNext("y", a(3*time.Second)) },
		func() ([]Event, error) {
			return challenge.Answer("y", 0, Answer{Choices: []int{1}}, time.Second, 0, a(4*time.Second))
		},
		func() ([]Event, error) { return challenge.Advance(a(time.Minute)), nil },
		func() ([]Event, error) { return challenge.PlayerNext("x", a(2*time.Minute)) },
		func() ([]Event, error) { return challenge.Advance(a(2 * time.Hour)), nil },
	}
}

func TestSnapshotReplayWithTeamsAndChallenges(t *testing.T) {
	liveSettings := Settings{QuestionTime: 30 * time.Second, Teams: 2, LateJoin: true, AutoAdvance: true, ShowLeaderboard: true}
	chSettings := challengeSettings()
	chSettings.Teams = 2
	n := len(modesScript(nil, nil))
	for split := range n + 1 {
		live := newGame(t, liveSettings, sampleQuestions()...)
		ch := newGame(t, chSettings, sampleQuestions()...)
		steps := modesScript(live, ch)
		for _, step := range steps[:split] {
			step()
		}
		rLive, err := Restore(live.Snapshot())
		if err != nil {
			t.Fatal(err)
		}
		rCh, err := Restore(ch.Snapshot())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rLive.Snapshot(), live.Snapshot()) || !bytes.Equal(rCh.Snapshot(), ch.Snapshot()) {
			t.Fatalf("split %d: restored snapshot differs", split)
		}
		replay := modesScript(rLive, rCh)
		for i, step := range steps[split:] {
			wantEvs, wantErr := step()
			gotEvs, gotErr := replay[split+i]()
			if !reflect.DeepEqual(gotEvs, wantEvs) || !reflect.DeepEqual(gotErr, wantErr) {
				t.Fatalf("split %d step %d: restored game gave\n%#v %v\nwant\n%#v %v", split, split+i, gotEvs, gotErr, wantEvs, wantErr)
			}
		}
		for _, pair := range [][2]*Game{{live, rLive}, {ch, rCh}} {
			if !bytes.Equal(pair[0].Snapshot(), pair[1].Snapshot()) || !reflect.DeepEqual(pair[0].Results(), pair[1].Results()) {
				t.Fatalf("split %d: final state differs:\n%s\n%s", split, pair[0].Snapshot(), pair[1].Snapshot())
			}
		}
		if live.Phase() != PhasePodium || ch.Phase() != PhaseEnded || len(live.Results().Teams) != 2 {
			t.Fatalf("script ended in %s and %s", live.Phase(), ch.Phase())
		}
	}
	// Classic games keep writing version 1 (older instances can take them over).
	classic := newGame(t, Settings{}, singles(1)...)
	if !bytes.HasPrefix(classic.Snapshot(), []byte(`{"v":1,`)) {
		t.Fatalf("classic snapshot %s", classic.Snapshot()[:20])
	}
	teams := newGame(t, Settings{Teams: 2}, singles(1)...)
	bad := bytes.Replace(teams.Snapshot(), []byte(`{"v":2,`), []byte(`{"v":1,`), 1)
	if _, err := Restore(bad); CodeOf(err) != CodeInvalidSnapshot {
		t.Fatalf("a team game labelled version 1: %v", err)
	}
}
