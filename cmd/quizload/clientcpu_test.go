package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/quizroom/quizroom/cmd/quizload/internal/report"
	"github.com/quizroom/quizroom/cmd/quizload/internal/stats"
)

func TestClientSaturated(t *testing.T) {
	cases := []struct {
		name  string
		pcts  []float64
		cores int
		want  bool
	}{
		{"idle main process", []float64{20}, 1, false},
		{"main process saturates its core", []float64{95}, 1, true},
		{"a worker saturates its core, main idle", []float64{5, 97}, 1, true},
		{"a worker saturates one of three cores", []float64{5, 92, 10}, 3, true},
		{"three processes share one pinned core", []float64{30, 30, 31}, 1, true},
		{"three processes below three cores", []float64{30, 30, 31}, 3, false},
		{"two busy workers below one core each", []float64{85, 85}, 2, false},
		{"nothing sampled", nil, 1, false},
	}
	for _, c := range cases {
		if got := clientSaturated(c.pcts, c.cores); got != c.want {
			t.Errorf("%s: clientSaturated(%v, %d) = %v, want %v", c.name, c.pcts, c.cores, got, c.want)
		}
	}
}

// TestClientCPUSamplerCountsWorkers: a worker process that saturates its
// core makes the run client-bound although the main process is idle, and
// only intervals while playing count.
func TestClientCPUSamplerCountsWorkers(t *testing.T) {
	cpu := map[int]float64{1: 0, 2: 0}
	s := &clientCPUSampler{cores: 1, prev: map[int]float64{}, read: func(pid int) (float64, bool) {
		v, ok := cpu[pid]
		return v, ok
	}}
	t0 := time.Unix(1000, 0)
	s.prevAt = t0
	s.add(1)

	cpu[1] = 0.1
	s.tick(t0.Add(time.Second), true)
	if _, bound := s.result(); bound {
		t.Fatal("main process at 10%: not client-bound")
	}

	s.add(2)
	cpu[1], cpu[2] = 0.2, 0.99
	s.tick(t0.Add(2*time.Second), false) // joining: does not count
	if _, bound := s.result(); bound {
		t.Fatal("a saturated interval while joining must not count")
	}

	cpu[1], cpu[2] = 0.25, 1.97
	s.tick(t0.Add(3*time.Second), true)
	peak, bound := s.result()
	if !bound {
		t.Fatalf("worker at 98%% of a core while playing: want client-bound (peak %.0f%%)", peak)
	}
	if peak < 97 || peak > 99 {
		t.Fatalf("peak = %.1f%%, want the worker's 98%%", peak)
	}

	delete(cpu, 2) // the worker exits: it is dropped, not an error
	s.tick(t0.Add(4*time.Second), true)
	if len(s.prev) != 1 {
		t.Fatalf("following %d processes after the worker exited, want 1", len(s.prev))
	}
}

func TestLadderMarkdownNamesTheLargestStepUnderTheLimit(t *testing.T) {
	l := &report.Ladder{LimitMs: 250, Largest: 4000, Steps: []report.LadderStep{
		{Players: 2000, FanoutMs: stats.Summary{P99: 60, N: 4000}, Under: true},
		{Players: 4000, FanoutMs: stats.Summary{P99: 180, N: 8000}, Under: true},
		{Players: 6000, FanoutMs: stats.Summary{P99: 260, N: 12000}, Errors: 2},
	}}
	md := ladderMarkdown(l)
	for _, want := range []string{"**4000 players**", "6000: 260.0 ms, 2 errors", "under 250 ms"} {
		if !strings.Contains(md, want) {
			t.Errorf("ladder paragraph lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "top of the ladder") {
		t.Errorf("the ladder stopped below its top:\n%s", md)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, report.Report{Ladder: l}); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"ladder"`, `"limit_ms"`, `"largest_players_under_limit"`, `"steps"`, `"players"`, `"fanout_ms"`, `"under_limit"`} {
		if !strings.Contains(buf.String(), field) {
			t.Errorf("ladder JSON lacks %s", field)
		}
	}
}
