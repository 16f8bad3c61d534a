package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

func simpleQuestions(n int) []game.Question {
	qs := make([]game.Question, n)
	for i := range qs {
		qs[i] = game.Question{ID: fmt.Sprint("q", i), Kind: game.KindSingle, Prompt: fmt.Sprintf("Question %d?", i+1),
			Options: []string{"Right", "Wrong"}, Correct: []int{0}, Explanation: fmt.Sprintf("Because %d.", i+1)}
	}
	return qs
}

func (s *server) joinTeam(t *testing.T, pin, nick string, team int) player {
	t.Helper()
	c := s.dial(t)
	c.Name = nick
	c.Send(map[string]any{"type": "join", "pin": pin, "nickname": nick, "team": team})
	var w wire.Welcome
	c.Wait(wire.TypeWelcome).Decode(t, &w)
	if w.State.Team != team {
		t.Fatalf("join %s to team %d: welcome in team %d", nick, team, w.State.Team)
	}
	return player{Client: c, id: w.PlayerID, token: w.ResumeToken, nick: w.Nickname}
}

// A team game over the wire: picks on join, a host move, team rows in the
// reveal and podium, the team's points the mean of its members'.
func TestTeamGameOverTheWire(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, simpleQuestions(1), game.Settings{Mode: game.ModeAccuracy, Teams: 2, ShowLeaderboard: true})
	a := s.joinTeam(t, g.pin, "ana", 1)
	b := s.joinTeam(t, g.pin, "ben", 1)
	c := s.joinTeam(t, g.pin, "cleo", 2)
	g.host.Send(map[string]any{"type": "move_team", "player_id": b.id, "team": 2})
	var tc wire.TeamChanged
	a.Wait(wire.TypeTeamChanged).Decode(t, &tc)
	if tc.PlayerID != b.id || tc.To != 2 || tc.By != "host" || tc.Teams[1].Members != 2 {
		t.Fatalf("team_changed %+v", tc)
	}
	c.Send(map[string]any{"type": "choose_team", "team": 7})
	c.ExpectError(wire.CodeUnknownTeam)
	g.host.Send(map[string]any{"type": "start"})
	for i, p := range []player{a, b, c} {
		p.Wait(wire.TypeQuestion)
		choice := 0
		if i == 1 {
			choice = 1 // ben wrong: team 2 has 1000 and 0, mean 500
		}
		p.Send(map[string]any{"type": "answer", "q": 0, "choice": choice})
		p.Wait(wire.TypeAnswerAck)
	}
	var rev wire.Reveal
	a.Wait(wire.TypeReveal).Decode(t, &rev)
	if len(rev.Teams) != 2 || rev.Teams[0].Points != 1000 || rev.Teams[1].Points != 500 {
		t.Fatalf("reveal teams %+v", rev.Teams)
	}
	g.host.Send(map[string]any{"type": "next"})
	g.host.Send(map[string]any{"type": "next"})
	var pod wire.Podium
	a.Wait(wire.TypePodium).Decode(t, &pod)
	if len(pod.Teams) != 2 || pod.Teams[0].Name != "Red" || pod.Teams[0].Best == nil || pod.Teams[0].Best.Nickname != "ana" {
		t.Fatalf("podium teams %+v", pod.Teams)
	}
	resp, body := getJSON(t, s.URL+"/api/games/"+g.pin+"/results.json?host_token="+g.token)
	if resp.StatusCode != http.StatusOK || len(body["teams"].([]any)) != 2 {
		t.Fatalf("results: %d %v", resp.StatusCode, body)
	}
}

// A challenge over the wire: each player on their own clock, the host's
// progress, the results, then practice of what was missed.
func TestChallengeAndPracticeOverTheWire(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, simpleQuestions(2), game.Settings{Mode: game.ModeAccuracy, SelfPaced: true, ChallengeTime: game.MinChallengeTime})
	a := s.join(t, g.pin, "ana")
	a.Send(map[string]any{"type": "play_next"})
	var q wire.Question
	a.Wait(wire.TypeQuestion).Decode(t, &q)
	if q.Q != 0 || q.Total != 2 {
		t.Fatalf("question %+v", q)
	}
	a.Send(map[string]any{"type": "play_next"})
	a.ExpectError(wire.CodeQuestionOpen)
	a.Send(map[string]any{"type": "answer", "q": 0, "choice": 1})
	a.Wait(wire.TypeAnswerAck)
	var rev wire.Reveal
	a.Wait(wire.TypeReveal).Decode(t, &rev)
	if rev.You == nil || rev.You.Correct || rev.Explanation != "Because 1." {
		t.Fatalf("solo reveal %+v", rev)
	}
	var prog wire.Progress
	g.host.Wait(wire.TypeProgress).Decode(t, &prog)
	if len(prog.Players) != 1 || prog.Players[0].Played != 1 {
		t.Fatalf("progress %+v", prog)
	}
	// A practice round before the end is refused.
	resp, body := postJSON(t, s.URL+"/api/games/"+g.pin+"/practice", map[string]any{"resume_token": a.token})
	if resp.StatusCode != http.StatusConflict || errorCode(body) != "not_finished" {
		t.Fatalf("early practice: %d %v", resp.StatusCode, body)
	}
	a.Send(map[string]any{"type": "play_next"})
	a.Wait(wire.TypeQuestion)
	a.Send(map[string]any{"type": "answer", "q": 1, "choice": 0})
	a.Wait(wire.TypeReveal)
	var fin wire.Finished
	a.Wait(wire.TypeChallengeFinal).Decode(t, &fin)
	if fin.Score != 1000 || fin.Rank != 1 {
		t.Fatalf("finished %+v", fin)
	}
	var review wire.Review
	a.Wait(wire.TypeReview).Decode(t, &review)
	if len(review.Missed) != 1 || review.Missed[0].Q != 0 {
		t.Fatalf("review %+v", review)
	}
	resp, body = postJSON(t, s.URL+"/api/games/"+g.pin+"/practice", map[string]any{"resume_token": a.token})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("practice: %d %v", resp.StatusCode, body)
	}
	pc, w := s.resume(t, body["pin"].(string), body["resume_token"].(string))
	if w.State.Phase != "challenge" || !w.State.Practice || w.State.Total != 1 {
		t.Fatalf("practice welcome %+v", w.State)
	}
	pc.Send(map[string]any{"type": "play_next"})
	pc.Wait(wire.TypeQuestion).Decode(t, &q)
	if q.Prompt != "Question 1?" {
		t.Fatalf("practice question %+v", q)
	}
	pc.Send(map[string]any{"type": "answer", "q": 0, "choice": 0})
	pc.Wait(wire.TypeReveal)
	pc.Wait(wire.TypeEnded)
}

// Practice after a live game: the questions the player did not answer or
// got wrong, each once.
func TestPracticeAfterALiveGameOverTheWire(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, simpleQuestions(3), game.Settings{Mode: game.ModeAccuracy})
	a := s.join(t, g.pin, "ana")
	g.host.Send(map[string]any{"type": "start"})
	a.Wait(wire.TypeQuestion)
	g.host.Send(map[string]any{"type": "next"}) // q0 closed unanswered
	a.Wait(wire.TypeReveal)
	g.host.Send(map[string]any{"type": "next"})
	a.Wait(wire.TypeQuestion)
	a.Send(map[string]any{"type": "answer", "q": 1, "choice": 1}) // wrong
	a.Wait(wire.TypeReveal)
	g.host.Send(map[string]any{"type": "next"})
	a.Wait(wire.TypeQuestion)
	a.Send(map[string]any{"type": "answer", "q": 2, "choice": 0}) // right
	a.Wait(wire.TypeReveal)
	g.host.Send(map[string]any{"type": "next"})
	a.Wait(wire.TypePodium)
	resp, body := postJSON(t, s.URL+"/api/games/"+g.pin+"/practice", map[string]any{"resume_token": a.token})
	if resp.StatusCode != http.StatusCreated || body["questions"].(float64) != 2 {
		t.Fatalf("practice: %d %v", resp.StatusCode, body)
	}
}
