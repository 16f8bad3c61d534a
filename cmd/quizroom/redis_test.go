package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
)

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeWithRedis runs two instances on one Redis: a game created on A is
// joined and played from B. With Redis down, /readyz says 503 and new games
// are refused with "unavailable"; when it is back, both are ready again.
func TestServeWithRedis(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := startServer(t, "--redis-url", srv.URL(), "--instance", "a")
	b, _ := startServer(t, "--redis-url", srv.URL(), "--instance", "b")
	for _, base := range []string{a, b} {
		if got := status(t, base+"/readyz"); got != http.StatusOK {
			t.Fatalf("%s/readyz = %d", base, got)
		}
	}
	resp, err := http.Post(a+"/api/games", "application/json", strings.NewReader(`{"count":1,"seconds":5,"kinds":["single"],"seed":7}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		PIN       string `json:"pin"`
		HostToken string `json:"host_token"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&created) != nil {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	resp.Body.Close()

	host := wiretest.Dial(t, a)
	host.Send(map[string]any{"type": "host", "pin": created.PIN, "host_token": created.HostToken})
	host.Wait(wire.TypeWelcome)
	p := wiretest.Dial(t, b)
	p.Send(map[string]any{"type": "join", "pin": created.PIN, "nickname": "ada"})
	p.Wait(wire.TypeWelcome)
	host.Send(map[string]any{"type": "start"})
	p.Wait(wire.TypeQuestion)
	p.Send(map[string]any{"type": "answer", "q": 0, "choice": 0})
	var ack wire.AnswerAck
	p.Wait(wire.TypeAnswerAck).Decode(t, &ack)
	if !ack.Accepted {
		t.Fatalf("answer from instance b refused: %+v", ack)
	}
	p.Wait(wire.TypeReveal)
	host.Wait(wire.TypeReveal)

	srv.Stop()
	for _, base := range []string{a, b} {
		if got := status(t, base+"/readyz"); got != http.StatusServiceUnavailable {
			t.Errorf("%s/readyz with Redis down = %d, want 503", base, got)
		}
	}
	resp, err = http.Post(b+"/api/games", "application/json", strings.NewReader(`{"count":1,"seconds":5,"kinds":["single"],"seed":7}`))
	if err != nil {
		t.Fatal(err)
	}
	var refused struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&refused)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || refused.Error.Code != string(wire.CodeUnavailable) {
		t.Errorf("create with Redis down = %d %+v, want 503 unavailable", resp.StatusCode, refused)
	}
	if got := status(t, a+"/healthz"); got != http.StatusOK {
		t.Errorf("/healthz with Redis down = %d, want 200 (the process is alive)", got)
	}

	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for _, base := range []string{a, b} {
		// go-redis redials on the next command; poll the probe as a load
		// balancer would.
		for status(t, base+"/readyz") != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatalf("%s not ready 10s after Redis came back", base)
			}
			tick := time.NewTimer(50 * time.Millisecond)
			<-tick.C
		}
	}
}
