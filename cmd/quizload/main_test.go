package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/cmd/quizload/internal/floor"
)

// TestMain lets the test binary stand in for quizload when it re-executes
// itself as the floor server or a worker.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "floor" || os.Args[1] == "worker") {
		if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// TestSmokeEndToEnd runs the smoke scenario against the real server, built
// from ./cmd/quizroom and started as a child process, and its floor. It
// checks that the tool works, not how fast the server is.
func TestSmokeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	jsonPath, plotPath := filepath.Join(dir, "smoke.json"), filepath.Join(dir, "smoke.png")
	var stdout, stderr bytes.Buffer
	// --max-sockets splits the 300 players over two worker processes, the
	// path runs above the file-descriptor limit take.
	err := run(ctx, []string{"run", "--scenario", "smoke", "--pin=false", "--max-sockets", "200", "--json", jsonPath, "--plot", plotPath}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("quizload run: %v\n%s", err, stderr.String())
	}
	t.Logf("\n%s", stdout.String())
	var rep struct {
		Results []struct {
			Scenario string `json:"scenario"`
			Players  int    `json:"players"`
			Joined   int    `json:"joined"`
			Finished int    `json:"finished"`
			Procs    int    `json:"client_processes"`
			Fanout   struct {
				N int `json:"n"`
			} `json:"fanout_ms"`
			Floor struct {
				N int `json:"n"`
			} `json:"floor_fanout_ms"`
			Ack struct {
				N int `json:"n"`
			} `json:"ack_ms"`
		} `json:"results"`
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil || len(rep.Results) != 1 {
		t.Fatalf("JSON output: %v\n%s", err, data)
	}
	r := rep.Results[0]
	if r.Scenario != "smoke" || r.Players != 300 {
		t.Errorf("scenario %q with %d players", r.Scenario, r.Players)
	}
	if r.Joined < int(r.Players) || r.Finished < r.Players {
		t.Errorf("%d joined and %d reached the podium of %d players\n%s", r.Joined, r.Finished, r.Players, stderr.String())
	}
	if r.Procs != 3 {
		t.Errorf("client processes = %d, want 3 (this one and two workers)", r.Procs)
	}
	if r.Fanout.N < r.Players || r.Floor.N < r.Players || r.Ack.N == 0 {
		t.Errorf("samples: fan-out %d, floor %d, ack %d", r.Fanout.N, r.Floor.N, r.Ack.N)
	}
	if fi, err := os.Stat(plotPath); err != nil || fi.Size() == 0 {
		t.Errorf("no plot: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	for _, args := range [][]string{nil, {"nope"}, {"run", "--scenario", "nope"}, {"play", "--players", "0"}} {
		if err := run(context.Background(), args, nil, &out, &errOut); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

// TestPlayNarratesAGame plays a short scripted game against the floor server
// (it speaks enough of the protocol) and checks the narration reaches the end.
func TestPlayNarratesAGame(t *testing.T) {
	srv := floor.New()
	hs := httptest.NewServer(srv)
	defer func() { hs.Close(); srv.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"play", "--url", hs.URL, "--players", "3", "--questions", "2", "--seconds", "5"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("play: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"host connected to game", "3/3 players joined", "question 1/2", "question 2/2", "podium", "3 players reached the podium"} {
		if !strings.Contains(out, want) {
			t.Errorf("narration lacks %q:\n%s", want, out)
		}
	}
}

// TestPlaySendsTheHostKey: against a server started with --host-key, play
// without the key says how to pass it; with --host-key (or the environment
// variable the server reads) the game is played. The floor server sits
// behind the same check the real server makes on POST /api/games.
func TestPlaySendsTheHostKey(t *testing.T) {
	const key = "study group 7"
	srv := floor.New()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/games" {
			switch r.Header.Get("X-Host-Key") {
			case key:
			case "":
				http.Error(w, `{"error":{"code":"host_key_required","message":"this server needs its host key"}}`, http.StatusUnauthorized)
				return
			default:
				http.Error(w, `{"error":{"code":"bad_host_key","message":"the host key is not this server's"}}`, http.StatusUnauthorized)
				return
			}
		}
		srv.ServeHTTP(w, r)
	}))
	defer func() { hs.Close(); srv.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	play := func(extra ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		args := append([]string{"play", "--url", hs.URL, "--players", "2", "--questions", "1", "--seconds", "5"}, extra...)
		err := run(ctx, args, nil, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	t.Setenv("QUIZROOM_HOST_KEY", "")
	if _, err := play(); err == nil || !strings.Contains(err.Error(), "--host-key") {
		t.Errorf("play without the key: %v, want an error naming --host-key", err)
	}
	if out, err := play("--host-key", key); err != nil {
		t.Errorf("play --host-key: %v\n%s", err, out)
	}
	t.Setenv("QUIZROOM_HOST_KEY", key)
	if out, err := play(); err != nil {
		t.Errorf("play with QUIZROOM_HOST_KEY: %v\n%s", err, out)
	}
}
