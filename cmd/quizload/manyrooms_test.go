package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quizroom/quizroom/cmd/quizload/internal/report"
	"github.com/quizroom/quizroom/cmd/quizload/internal/stats"
)

func manyRoomsRun(p99, floorP99, ackP99 float64, errs int64) report.Record {
	return report.Record{Scenario: "many-rooms", FanoutMs: stats.Summary{P99: p99, N: 30000}, FloorFanoutMs: stats.Summary{P99: floorP99, N: 30000},
		FanoutP99VsFloor: stats.Ratio(p99, floorP99), AckMs: stats.Summary{P99: ackP99, N: 30000}, Errors: errs}
}

// Three runs: the table shows the median run, the spread paragraph the
// median and range of each figure, and the verdict goes by the medians,
// so one lucky run cannot pass the target alone.
func TestRepeatedManyRoomsReportsTheMedianRunAndTheRange(t *testing.T) {
	runs := []report.Record{
		manyRoomsRun(30, 25, 40, 0),  // 1.2x: the lucky run
		manyRoomsRun(90, 30, 150, 0), // 3x
		manyRoomsRun(100, 50, 90, 1), // 2x: the median
	}
	med := medianRun(runs)
	if med.FanoutMs.P99 != 100 || med.Repeats == nil || med.Repeats.Runs != 3 {
		t.Fatalf("median run %+v, want the 2x run with 3 repeats", med)
	}
	s := med.Repeats
	if s.AckP99Ms != (report.Range{Median: 90, Min: 40, Max: 150}) || s.FanoutP99VsFloor != (report.Range{Median: 2, Min: 1.2, Max: 3}) {
		t.Fatalf("spread %+v", s)
	}
	md := spreadMarkdown(med)
	for _, want := range []string{"ran 3 times", "fan-out p99 90.0 ms (30.0 to 100.0)", "2.00x (1.20 to 3.00)", "ack p99 90.0 ms (40.0 to 150.0)", "errors 0 (0 to 1)"} {
		if !strings.Contains(md, want) {
			t.Errorf("spread paragraph lacks %q:\n%s", want, md)
		}
	}
	v := verdict(med, nil)
	for _, want := range []string{"2.00x floor > 1.5x (median of 3 runs)", "1 errors in a run"} {
		if !strings.Contains(v, want) {
			t.Errorf("verdict lacks %q: %s", want, v)
		}
	}
	if strings.Contains(v, "ack p99") {
		t.Errorf("verdict misses the ack target, whose median (90 ms) meets it: %s", v)
	}
	if got := verdict(medianRun(runs[:1]), nil); got != "met" {
		t.Errorf("one run at 1.2x, 40 ms, 0 errors: verdict %q, want met", got)
	}
}

func TestRoomsLadderNamesTheMostGamesUnderBothLimits(t *testing.T) {
	l := &report.RoomsLadder{PlayersPerGame: 50, FanoutLimitMs: 250, AckLimitMs: 100, Largest: 100, Steps: []report.RoomsStep{
		{Games: 100, FanoutMs: stats.Summary{P99: 40, N: 10000}, AckMs: stats.Summary{P99: 30, N: 10000}, Under: true},
		{Games: 200, FanoutMs: stats.Summary{P99: 120, N: 20000}, AckMs: stats.Summary{P99: 180, N: 20000}},
	}}
	md := roomsLadderMarkdown(l)
	for _, want := range []string{"**100 games**", "200 games: fan-out 120.0 ms, ack 180.0 ms", "under 250 ms and ack p99 under 100 ms", "--scenario rooms-ladder"} {
		if !strings.Contains(md, want) {
			t.Errorf("rooms ladder paragraph lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "top of the ladder") {
		t.Errorf("the ladder stopped below its top:\n%s", md)
	}
	if v := roomsLadderVerdict(l); v != "**missed**: 100 games" {
		t.Errorf("verdict %q for 100 games against a target of %d", v, roomsLadderTarget)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, report.Report{RoomsLadder: l}); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"rooms_ladder"`, `"largest_games_under_limits"`, `"ack_limit_ms"`, `"games"`, `"under_limits"`} {
		if !strings.Contains(buf.String(), field) {
			t.Errorf("rooms ladder JSON lacks %s", field)
		}
	}
}
