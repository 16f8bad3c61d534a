package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
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
