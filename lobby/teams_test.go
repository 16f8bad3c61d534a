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

// join attaches a player with nickname to pin, picking team (0: none).
func join(t *testing.T, l *lobby.Lobby, pin, nickname string, team int) (*lobby.Member, *fakeConn) {
	t.Helper()
	c := &fakeConn{}
	m, err := l.Attach(context.Background(), lobby.Hello{Type: wire.TypeJoin, PIN: pin, Nickname: nickname, Team: team}, c)
	if err != nil {
		t.Fatalf("join %s: %v", nickname, err)
	}
	synctest.Wait()
	return m, c
}

// answerAt answers question q with choice, the connection having measured
// rt (the test sleeps the same time first, so the server agrees).
func answerAt(t *testing.T, m *lobby.Member, q, choice int, rt time.Duration) {
	t.Helper()
	submit(t, m, lobby.Message{Type: wire.TypeAnswer, Q: q, Answer: game.Answer{Choices: []int{choice}},
		Received: time.Now(), ResponseTime: rt})
}

// sizes is the member count of each team, in team order.
func sizes(teams []wire.Team) []int {
	out := make([]int, len(teams))
	for i, tm := range teams {
		out[i] = tm.Members
	}
	return out
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The lobby's team mode end to end, on the worked example's timing of
// docs/scoring.md (standard mode, T = 30 s): players pick teams, the host
// moves and balances them, and every reveal's team row is the mean of its
// present members' points, rounded half up, with the team streak.
func TestTeamGameScoresTheMeanOfPresentMembers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, ada, ac := setup(t, lobby.Config{}, game.Settings{Teams: 2, QuestionTime: 30 * time.Second})
		defer l.Close()
		ctx := context.Background()
		pin := hostPIN(t, hc)
		bob, bc := join(t, l, pin, "bob", 2)
		cy, cc := join(t, l, pin, "cy", 2)
		dee, dc := join(t, l, pin, "dee", 2)

		var w wire.Welcome
		ac.last(t, wire.TypeWelcome, &w)
		if w.State == nil || w.State.Team != 1 || w.State.TeamAssign != string(game.TeamsChoose) {
			t.Fatalf("ada joined without a pick: welcome state %+v, want the smallest team (1) and choose", w.State)
		}
		bc.last(t, wire.TypeWelcome, &w)
		if w.State.Team != 2 || len(w.State.Teams) != 2 || w.State.Teams[0].Name != "Red" || w.State.Teams[1].Name != "Blue" {
			t.Fatalf("bob picked Blue: welcome state team %d, teams %+v", w.State.Team, w.State.Teams)
		}

		teamMove := func(m *lobby.Member, msg lobby.Message, who string, from, to int, by string, want []int) {
			t.Helper()
			before := dc.count(wire.TypeTeamChanged)
			submit(t, m, msg)
			var tc wire.TeamChanged
			hc.last(t, wire.TypeTeamChanged, &tc)
			if dc.count(wire.TypeTeamChanged) != before+1 || tc.Nickname != who || tc.From != from || tc.To != to || tc.By != by ||
				!sameInts(sizes(tc.Teams), want) {
				t.Fatalf("%s: team_changed %+v, want %s %d->%d by %s, sizes %v", msg.Type, tc, who, from, to, by, want)
			}
		}
		teamMove(cy, lobby.Message{Type: wire.TypeChooseTeam, Team: 1}, "cy", 2, 1, game.TeamByPlayer, []int{2, 2})
		teamMove(host, lobby.Message{Type: wire.TypeMoveTeam, Target: dee.PlayerID(), Team: 1}, "dee", 2, 1, game.TeamByHost, []int{3, 1})
		// Balancing moves the latest joiner of the largest team: dee, back.
		teamMove(host, lobby.Message{Type: wire.TypeBalanceTeams}, "dee", 1, 2, game.TeamByBalance, []int{2, 2})

		info, err := l.Info(ctx, pin)
		if err != nil || info.TeamAssign != string(game.TeamsChoose) || len(info.Teams) != 2 || !sameInts(sizes(info.Teams), []int{2, 2}) {
			t.Fatalf("info %+v, %v; want two teams of two", info, err)
		}

		// Question 1 (Red: ada, cy; Blue: bob, dee): ada right at 2 s,
		// bob right at 15 s, cy wrong, dee silent.
		submit(t, host, lobby.Message{Type: wire.TypeStart})
		time.Sleep(2 * time.Second)
		answerAt(t, ada, 0, 1, 2*time.Second)
		time.Sleep(13 * time.Second)
		answerAt(t, bob, 0, 1, 15*time.Second)
		answerAt(t, cy, 0, 0, 15*time.Second)
		time.Sleep(16 * time.Second) // past the deadline and the grace
		synctest.Wait()
		var rev wire.Reveal
		hc.last(t, wire.TypeReveal, &rev)
		var ar wire.Reveal
		ac.last(t, wire.TypeReveal, &ar)
		var br wire.Reveal
		bc.last(t, wire.TypeReveal, &br)
		if ar.You == nil || ar.You.Points != 967 || br.You == nil || br.You.Points != 750 {
			t.Fatalf("players' points: ada %+v, bob %+v; want 967 and 750 as in docs/scoring.md", ar.You, br.You)
		}
		want := []wire.TeamRow{
			{Team: 1, Name: "Red", Score: 484, Points: 484, CorrectCount: 1, Present: 2}, // (967 + 0) / 2 = 483.5, half up
			{Team: 2, Name: "Blue", Score: 375, Points: 375, CorrectCount: 1, Present: 2},
		}
		checkTeamRows(t, "question 1", rev.Teams, want)

		// Question 2: everyone right at 2 s; both teams right (more than
		// half), streak 1, no bonus yet.
		submit(t, host, lobby.Message{Type: wire.TypeNext})
		time.Sleep(2 * time.Second)
		for _, m := range []*lobby.Member{ada, bob, cy, dee} {
			answerAt(t, m, 1, 0, 2*time.Second)
		}
		hc.last(t, wire.TypeReveal, &rev)
		if rev.Q != 1 || rev.Reason != game.CloseAllAnswered {
			t.Fatalf("reveal %+v, want question 2 closed by all answers", rev)
		}
		want = []wire.TeamRow{
			{Team: 1, Name: "Red", Score: 484 + 967, Points: 967, Streak: 1, Correct: true, CorrectCount: 2, Present: 2},
			{Team: 2, Name: "Blue", Score: 375 + 967, Points: 967, Streak: 1, Correct: true, CorrectCount: 2, Present: 2},
		}
		checkTeamRows(t, "question 2", rev.Teams, want)

		submit(t, host, lobby.Message{Type: wire.TypeNext})
		var pod wire.Podium
		hc.last(t, wire.TypePodium, &pod)
		if len(pod.Teams) != 2 || pod.Teams[0].Team != 1 || pod.Teams[0].Rank != 1 || pod.Teams[0].Score != 1451 ||
			pod.Teams[1].Team != 2 || pod.Teams[1].Rank != 2 || pod.Teams[1].Score != 1342 {
			t.Fatalf("podium teams %+v, want Red 1451 first, Blue 1342 second", pod.Teams)
		}
		for i, best := range []string{"ada", "bob"} {
			if b := pod.Teams[i].Best; b == nil || b.Nickname != best || pod.Teams[i].Members != 2 {
				t.Errorf("podium team %d: best %+v, members %d; want %s of 2", pod.Teams[i].Team, b, pod.Teams[i].Members, best)
			}
		}
		// Teams are fixed once the game started.
		submit(t, cy, lobby.Message{Type: wire.TypeChooseTeam, Team: 2, Re: []byte(`"c1"`)})
		var e wire.ErrorMsg
		cc.last(t, wire.TypeError, &e)
		if string(e.Code) != string(game.CodeTeamsLocked) {
			t.Errorf("choose_team after the start: %+v, want %s", e, game.CodeTeamsLocked)
		}
	})
}

func checkTeamRows(t *testing.T, what string, got, want []wire.TeamRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: team rows %+v, want %+v", what, got, want)
	}
	for i := range want {
		g := got[i]
		g.Rank, g.PrevRank, g.StreakBonus, g.Members, g.Best = 0, 0, 0, 0, nil
		if g != want[i] {
			t.Errorf("%s: team row %+v, want %+v", what, got[i], want[i])
		}
	}
}
