package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
)

// mixedQuestions has every kind, one of them on double points.
func mixedQuestions() []game.Question {
	return []game.Question{
		{ID: "q1", Kind: game.KindSingle, Prompt: "Which spreads load?", Options: []string{"Cache", "Index", "Load balancer", "Queue"}, Correct: []int{2}, Explanation: "It spreads load.", Term: "Load balancer"},
		{ID: "q2", Kind: game.KindMulti, Prompt: "Which are databases?", Options: []string{"Postgres", "Nginx", "Redis", "Curl"}, Correct: []int{0, 2}, Term: "Databases"},
		{ID: "q3", Kind: game.KindTrueFalse, Prompt: "TCP is connection-oriented.", Options: []string{"True", "False"}, Correct: []int{0}, Term: "TCP"},
		{ID: "q4", Kind: game.KindTyped, Prompt: "What spreads requests over servers?", Accept: []string{"load balancer", "LB"}, Term: "Load balancer"},
		{ID: "q5", Kind: game.KindPoll, Prompt: "Favourite language?", Options: []string{"Go", "Rust", "Zig"}},
		{ID: "q6", Kind: game.KindSingle, Prompt: "Which is a queue?", Options: []string{"Kafka", "CSS"}, Correct: []int{0}, DoublePoints: true, Term: "Queue"},
	}
}

type testGame struct {
	pin, token string
	host       *wiretest.Client
}

func (s *server) newGame(t *testing.T, qs []game.Question, settings game.Settings) testGame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	created, err := s.Lobby.CreateGame(ctx, lobby.GameSpec{Questions: qs, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	host := wiretest.Dial(t, s.URL)
	host.Name = "host"
	host.Send(map[string]any{"type": "host", "pin": created.PIN, "host_token": created.HostToken})
	host.Wait(wire.TypeWelcome)
	return testGame{pin: created.PIN, token: created.HostToken, host: host}
}

type player struct {
	*wiretest.Client
	id, token, nick string
}

func (s *server) join(t *testing.T, pin, nick string) player {
	t.Helper()
	c := wiretest.Dial(t, s.URL)
	c.Name = nick
	c.Send(map[string]any{"type": "join", "pin": pin, "nickname": nick})
	var w wire.Welcome
	c.Wait(wire.TypeWelcome).Decode(t, &w)
	if w.PlayerID == "" || w.ResumeToken == "" || w.Role != wire.RolePlayer {
		t.Fatalf("join %s: welcome %+v", nick, w)
	}
	return player{Client: c, id: w.PlayerID, token: w.ResumeToken, nick: w.Nickname}
}

func (s *server) joinMany(t *testing.T, pin string, n int) []player {
	t.Helper()
	ps := make([]player, n)
	for i := range ps {
		ps[i] = s.join(t, pin, fmt.Sprintf("player%02d", i))
	}
	return ps
}

func (s *server) resume(t *testing.T, pin, token string) (*wiretest.Client, wire.Welcome) {
	t.Helper()
	c := wiretest.Dial(t, s.URL)
	c.Send(map[string]any{"type": "resume", "pin": pin, "resume_token": token})
	var w wire.Welcome
	c.Wait(wire.TypeWelcome).Decode(t, &w)
	return c, w
}

func (s *server) dialDisplay(t *testing.T, pin string) *wiretest.Client {
	t.Helper()
	d := wiretest.Dial(t, s.URL)
	d.Name = "display"
	d.Send(map[string]any{"type": "display", "pin": pin})
	var w wire.Welcome
	d.Wait(wire.TypeWelcome).Decode(t, &w)
	if w.Role != wire.RoleDisplay {
		t.Fatalf("display welcome %+v", w)
	}
	return d
}

func (s *server) dial(t *testing.T) *wiretest.Client {
	t.Helper()
	return wiretest.Dial(t, s.URL)
}
