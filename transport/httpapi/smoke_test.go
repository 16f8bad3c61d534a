package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
)

func TestSmokeCreateJoinPlay(t *testing.T) {
	s := start(t, options{})
	resp, body := postJSON(t, s.URL+"/api/games", map[string]any{"count": 2, "seconds": 5, "seed": 1})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", resp.StatusCode, body)
	}
	pin, token := body["pin"].(string), body["host_token"].(string)
	host := wiretest.Dial(t, s.URL)
	host.Send(map[string]any{"type": "host", "pin": pin, "host_token": token})
	host.Wait(wire.TypeWelcome)
	p := wiretest.Dial(t, s.URL)
	p.Send(map[string]any{"type": "join", "pin": pin, "nickname": "Ada", "id": "j1"})
	var w wire.Welcome
	p.Wait(wire.TypeWelcome).Decode(t, &w)
	if w.PlayerID == "" || w.ResumeToken == "" || string(w.Re) != `"j1"` {
		t.Fatalf("welcome: %+v", w)
	}
	host.Wait(wire.TypePlayerJoined)
	host.Send(map[string]any{"type": "start"})
	var q wire.Question
	p.Wait(wire.TypeQuestion).Decode(t, &q)
	p.Send(map[string]any{"type": "answer", "q": q.Q, "choice": 0, "id": "a1"})
	if q.Kind == "typed" {
		p.Send(map[string]any{"type": "answer", "q": q.Q, "text": "x", "id": "a1"})
	}
	var ack wire.AnswerAck
	p.Wait(wire.TypeAnswerAck).Decode(t, &ack)
	t.Logf("ack %+v", ack)
	p.Wait(wire.TypeReveal)
	host.Wait(wire.TypeReveal)
}
