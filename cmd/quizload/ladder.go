package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/quizroom/quizroom/cmd/quizload/internal/report"
)

// The ladder finds the largest single game one instance holds with fan-out
// p99 under ladderLimitMs: one game per step on a fresh instance, two
// questions each, no floor, stopping at the first step above the limit (or
// with errors).
var ladderSizes = []int{2000, 4000, 6000, 8000}

const (
	ladderLimitMs   = 250
	ladderQuestions = 2
)

func ladderScenario(players int) scenario {
	sc, _ := findScenario("room-10k")
	sc.name = fmt.Sprintf("ladder-%d", players)
	sc.what = fmt.Sprintf("one game, %d players, one instance, %d questions", players, ladderQuestions)
	sc.perGame, sc.games, sc.questions = players, 1, ladderQuestions
	return sc
}

// runLadder climbs sizes on servers ses starts, telling each step to log.
func (r *runner) runLadder(ctx context.Context, ses *session, sizes []int, log io.Writer) (*report.Ladder, error) {
	noFloor := r.noFloor
	r.noFloor = true
	defer func() { r.noFloor = noFloor }()
	l := &report.Ladder{LimitMs: ladderLimitMs}
	for _, n := range sizes {
		sc := ladderScenario(n)
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
		step := report.LadderStep{Players: n, Questions: sc.questions, FanoutMs: rec.FanoutMs, Errors: rec.Errors,
			Under: rec.Errors == 0 && rec.FanoutMs.N > 0 && rec.FanoutMs.P99 <= ladderLimitMs}
		l.Steps = append(l.Steps, step)
		fmt.Fprintf(log, "quizload: ladder %d players: fan-out p99 %.1f ms, %d errors\n", n, rec.FanoutMs.P99, rec.Errors)
		if !step.Under {
			break
		}
		l.Largest = n
	}
	return l, nil
}

// ladderMarkdown is the ladder's paragraph of the generated section.
func ladderMarkdown(l *report.Ladder) string {
	var steps []string
	for _, s := range l.Steps {
		e := ""
		if s.Errors > 0 {
			e = fmt.Sprintf(", %d errors", s.Errors)
		}
		steps = append(steps, fmt.Sprintf("%d: %.1f ms%s", s.Players, s.FanoutMs.P99, e))
	}
	largest := "none of the steps"
	if l.Largest > 0 {
		largest = fmt.Sprintf("**%d players**", l.Largest)
		if len(l.Steps) > 0 && l.Steps[len(l.Steps)-1].Under {
			largest += " (the top of the ladder; larger games were not tried)"
		}
	}
	return fmt.Sprintf("Largest single game with fan-out p99 under %.0f ms on one instance: %s. Ladder (one game per step, %d questions, fresh instance, no floor; p99 per size): %s. Reproduce a step with `quizload run --scenario ladder` or `quizload run --scenario room-10k --players N --questions %d --no-floor`.\n\n",
		l.LimitMs, largest, ladderQuestions, strings.Join(steps, "; "), ladderQuestions)
}
