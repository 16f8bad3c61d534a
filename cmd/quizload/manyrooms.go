package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/quizroom/quizroom/cmd/quizload/internal/report"
)

// many-rooms is the common way Quizroom is hosted (one instance, many small
// games) and the noisiest scenario: bench runs it manyRoomsRuns times, each
// on a fresh instance with its own floor, and reports the median and range.
// Five, not three: on a fast machine both p99s are a few milliseconds, and
// the ratio of the same build to its floor ranged from 0.2x to 12.7x from
// run to run (21 runs, 2026-12-04); the median of five moves with two
// outliers less than the median of three does with one.
const manyRoomsRuns = 5

// The rooms ladder finds the most concurrent 50-player games one instance
// holds with fan-out p99 under roomsFanoutLimitMs and ack p99 under
// roomsAckLimitMs: a fresh instance per step, two questions, no floor, the
// games started at many-rooms' rate (100 a second), stopping at the first
// step over a limit or with errors.
var roomsLadderGames = []int{100, 150, 200, 250, 300}

const (
	roomsLadderName    = "rooms-ladder"
	roomsFanoutLimitMs = 250
	roomsAckLimitMs    = 100
	roomsLadderQs      = 2
	roomsLadderTarget  = 200 // games
)

// roomsLadderVerdict checks the rooms ladder against its target.
func roomsLadderVerdict(l *report.RoomsLadder) string {
	if l.Largest >= roomsLadderTarget {
		return "met"
	}
	return fmt.Sprintf("**missed**: %d games", l.Largest)
}

func roomsLadderScenario(games int) scenario {
	sc, _ := findScenario("many-rooms")
	sc.name = fmt.Sprintf("rooms-ladder-%d", games)
	sc.what = fmt.Sprintf("%d games x %d players, one instance, %d questions", games, sc.perGame, roomsLadderQs)
	sc.games, sc.questions = games, roomsLadderQs
	sc.startSpread = manyRoomsSpread * time.Duration(games) / 200
	return sc
}

// runRoomsLadder climbs games on servers ses starts, telling each step to log.
func (r *runner) runRoomsLadder(ctx context.Context, ses *session, games []int, log io.Writer) (*report.RoomsLadder, error) {
	noFloor := r.noFloor
	r.noFloor = true
	defer func() { r.noFloor = noFloor }()
	base, _ := findScenario("many-rooms")
	l := &report.RoomsLadder{PlayersPerGame: base.perGame, FanoutLimitMs: roomsFanoutLimitMs, AckLimitMs: roomsAckLimitMs}
	for _, n := range games {
		sc := roomsLadderScenario(n)
		t, err := ses.start(ctx, 1)
		if err != nil {
			ses.close()
			return l, err
		}
		rec, err := r.measure(ctx, sc, t)
		ses.close()
		if err != nil {
			return l, fmt.Errorf("%s: %w", sc.name, err)
		}
		step := report.RoomsStep{Games: n, Questions: sc.questions, FanoutMs: rec.FanoutMs, AckMs: rec.AckMs, Errors: rec.Errors,
			Under: rec.Errors == 0 && rec.FanoutMs.N > 0 && rec.FanoutMs.P99 <= roomsFanoutLimitMs && rec.AckMs.P99 <= roomsAckLimitMs}
		l.Steps = append(l.Steps, step)
		fmt.Fprintf(log, "quizload: rooms ladder %d games: fan-out p99 %.1f ms, ack p99 %.1f ms, %d errors\n", n, rec.FanoutMs.P99, rec.AckMs.P99, rec.Errors)
		if !step.Under {
			break
		}
		l.Largest = n
	}
	return l, nil
}

// roomsLadderMarkdown is the rooms ladder's paragraph of the generated section.
func roomsLadderMarkdown(l *report.RoomsLadder) string {
	var steps []string
	for _, s := range l.Steps {
		e := ""
		if s.Errors > 0 {
			e = fmt.Sprintf(", %d errors", s.Errors)
		}
		steps = append(steps, fmt.Sprintf("%d games: fan-out %.1f ms, ack %.1f ms%s", s.Games, s.FanoutMs.P99, s.AckMs.P99, e))
	}
	largest := "none of the steps"
	if l.Largest > 0 {
		largest = fmt.Sprintf("**%d games**", l.Largest)
		if len(l.Steps) > 0 && l.Steps[len(l.Steps)-1].Under {
			largest += " (the top of the ladder; more were not tried)"
		}
	}
	return fmt.Sprintf("Most concurrent %d-player games on one instance with fan-out p99 under %.0f ms and ack p99 under %.0f ms: %s. Rooms ladder (a fresh instance per step, %d questions, games started at 100 a second, no floor; p99 per step): %s. Reproduce with `quizload run --scenario %s`, one step with `quizload run --scenario %s --games N`.\n\n",
		l.PlayersPerGame, l.FanoutLimitMs, l.AckLimitMs, largest, roomsLadderQs, strings.Join(steps, "; "), roomsLadderName, roomsLadderName)
}

// measureRepeated runs s runs times, each on a fresh instance with its
// floor, and returns the median run (by fan-out p99 over the floor's) with
// the spread of every run attached. Runs that fail are reported in skipped;
// it fails only when none completes.
func (r *runner) measureRepeated(ctx context.Context, ses *session, s scenario, runs int, log io.Writer) (report.Record, []string, error) {
	var recs []report.Record
	var skipped []string
	for k := range runs {
		t, err := ses.start(ctx, s.instances)
		if err != nil {
			ses.close()
			return report.Record{}, skipped, err
		}
		rec, err := r.measure(ctx, s, t)
		ses.close() // a fresh server per run: RSS and CPU are its own
		if err != nil {
			if ctx.Err() != nil {
				return report.Record{}, skipped, err
			}
			skipped = append(skipped, fmt.Sprintf("%s run %d: %v", s.name, k+1, err))
			continue
		}
		fmt.Fprintf(log, "quizload: %s run %d of %d: fan-out p99 %.1f ms (%.2fx floor), ack p99 %.1f ms, %d errors\n",
			s.name, k+1, runs, rec.FanoutMs.P99, rec.FanoutP99VsFloor, rec.AckMs.P99, rec.Errors)
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return report.Record{}, skipped, fmt.Errorf("%s: no run completed: %s", s.name, strings.Join(skipped, "; "))
	}
	return medianRun(recs), skipped, nil
}

// medianRun is the run whose fan-out p99 over the floor's is the median (the
// lower middle of an even count), with the spread of all runs attached.
func medianRun(recs []report.Record) report.Record {
	byRatio := slices.Clone(recs)
	slices.SortStableFunc(byRatio, func(a, b report.Record) int {
		return cmpFloat(ratioOrP99(a), ratioOrP99(b))
	})
	med := byRatio[(len(byRatio)-1)/2]
	pick := func(f func(report.Record) float64) report.Range {
		var v []float64
		for _, rec := range recs {
			v = append(v, f(rec))
		}
		return report.RangeOf(v)
	}
	med.Repeats = &report.Spread{
		Runs:             len(recs),
		FanoutP99Ms:      pick(func(r report.Record) float64 { return r.FanoutMs.P99 }),
		FloorFanoutP99Ms: pick(func(r report.Record) float64 { return r.FloorFanoutMs.P99 }),
		FanoutP99VsFloor: pick(func(r report.Record) float64 { return r.FanoutP99VsFloor }),
		AckP99Ms:         pick(func(r report.Record) float64 { return r.AckMs.P99 }),
		Errors:           pick(func(r report.Record) float64 { return float64(r.Errors) }),
		ServerCPUSeconds: pick(func(r report.Record) float64 { return r.ServerCPUSeconds }),
	}
	return med
}

// ratioOrP99 orders runs by fan-out p99 over the floor's, or by fan-out
// p99 when there was no floor.
func ratioOrP99(r report.Record) float64 {
	if r.FanoutP99VsFloor > 0 {
		return r.FanoutP99VsFloor
	}
	return r.FanoutMs.P99
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// spreadMarkdown is the paragraph on a repeated scenario's run-to-run spread.
func spreadMarkdown(r report.Record) string {
	s := r.Repeats
	if s == nil {
		return ""
	}
	rng := func(g report.Range, unit string) string {
		return fmt.Sprintf("%.1f%s (%.1f to %.1f)", g.Median, unit, g.Min, g.Max)
	}
	ratio := fmt.Sprintf("%.2fx (%.2f to %.2f)", s.FanoutP99VsFloor.Median, s.FanoutP99VsFloor.Min, s.FanoutP99VsFloor.Max)
	return fmt.Sprintf("%s ran %d times, a fresh instance and its own floor each time; the table shows the median run by fan-out p99 over the floor. Median (range) over the runs: fan-out p99 %s, floor p99 %s, %s the floor; ack p99 %s; errors %s; server CPU %s.\n\n",
		r.Scenario, s.Runs, rng(s.FanoutP99Ms, " ms"), rng(s.FloorFanoutP99Ms, " ms"), ratio, rng(s.AckP99Ms, " ms"),
		fmt.Sprintf("%.0f (%.0f to %.0f)", s.Errors.Median, s.Errors.Min, s.Errors.Max), rng(s.ServerCPUSeconds, " s"))
}
