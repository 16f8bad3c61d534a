package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startServer runs run() in-process on port 0 and returns its base URL and
// a stop function that waits for run to return.
func startServer(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error", "--drain", "5s"}, args...),
			serveEnv, pw, io.Discard)
		pw.CloseWithError(errors.New("run returned"))
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("server did not start: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	var once bool
	stop := func() error {
		if once {
			return nil
		}
		once = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return within 10s of cancel")
		}
		return nil
	}
	t.Cleanup(func() { _ = stop() })
	return "http://" + addr, stop
}

func TestServeRunsAGameAndShutsDownCleanly(t *testing.T) {
	base, stop := startServer(t)
	resp, err := http.Post(base+"/api/games", "application/json", strings.NewReader(`{"count":2,"seconds":5,"kinds":["single"],"seed":7}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		PIN       string `json:"pin"`
		HostToken string `json:"host_token"`
		JoinURL   string `json:"join_url"`
		QR        string `json:"qr"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&created) != nil {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	resp.Body.Close()
	if !strings.HasSuffix(created.JoinURL, "/join/"+created.PIN) || !strings.HasPrefix(created.QR, "data:image/png;base64,") {
		t.Fatalf("created %+v", created)
	}
	host := wiretest.Dial(t, base)
	host.Send(map[string]any{"type": "host", "pin": created.PIN, "host_token": created.HostToken})
	host.Wait(wire.TypeWelcome)
	p := wiretest.Dial(t, base)
	p.Send(map[string]any{"type": "join", "pin": created.PIN, "nickname": "ada"})
	p.Wait(wire.TypeWelcome)
	host.Send(map[string]any{"type": "start"})
	var q wire.Question
	p.Wait(wire.TypeQuestion).Decode(t, &q)
	p.Send(map[string]any{"type": "answer", "q": 0, "choice": 0})
	p.Wait(wire.TypeAnswerAck)
	p.Wait(wire.TypeReveal)

	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	p.Wait(wire.TypeReconnect)
	if code, _ := p.WaitClosed(); code != websocket.StatusGoingAway {
		t.Fatalf("close %d, want 1001", code)
	}
}

func TestServeConfigErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--max-players", "0"}, nil, "--max-players ($QUIZROOM_MAX_PLAYERS)"},
		{nil, map[string]string{"QUIZROOM_ADDR": "nonsense"}, "--addr ($QUIZROOM_ADDR)"},
		{nil, map[string]string{"QUIZROOM_LOG_LEVEL": "loud"}, "--log-level ($QUIZROOM_LOG_LEVEL)"},
		{[]string{"--drain", "forever"}, nil, "--drain ($QUIZROOM_DRAIN)"},
		{[]string{"--public-url", "ftp://x"}, nil, "--public-url ($QUIZROOM_PUBLIC_URL)"},
		{nil, map[string]string{"REDIS_URL": "http://x"}, "--redis-url ($REDIS_URL)"},
		{[]string{"--no-such-flag"}, nil, "no-such-flag"},
	}
	for _, tc := range cases {
		err := run(context.Background(), append([]string{"serve"}, tc.args...), env(tc.env), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 2 {
			t.Errorf("%v %v: err %v (exit %d), want one naming %s with exit 2", tc.args, tc.env, err, exitCode(err), tc.want)
		}
	}
}

func TestServeHelpDocumentsEverySetting(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"--help"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(out.String(), "--"+s.flag) || !strings.Contains(out.String(), "$"+s.env) {
			t.Errorf("--help does not document --%s / $%s", s.flag, s.env)
		}
	}
}

func TestEnvironmentFallbacks(t *testing.T) {
	cfg, err := parseServe(nil, env(map[string]string{"QUIZROOM_ADDR": "127.0.0.1:9999", "QUIZROOM_MAX_PLAYERS": "12"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.MaxPlayers != 12 || cfg.MaxGames != 1000 {
		t.Fatalf("cfg %+v", cfg)
	}
	cfg, _ = parseServe([]string{"--max-players", "7"}, env(map[string]string{"QUIZROOM_MAX_PLAYERS": "12"}), io.Discard)
	if cfg.MaxPlayers != 7 {
		t.Fatalf("flag does not override env: %d", cfg.MaxPlayers)
	}
}
