package game

import (
	"math"
	"time"
)

// Scoring rules; docs/scoring.md explains them with worked examples.
const (
	// BasePoints is P for a normal question; double-points questions use twice that.
	BasePoints = 1000
	// FullPointsWindow: a correct answer faster than this earns the full P.
	FullPointsWindow = 500 * time.Millisecond
	// StreakStep and MaxStreakBonus shape the streak bonus min(StreakStep*(n-1), MaxStreakBonus).
	StreakStep     = 100
	MaxStreakBonus = 500
)

// Points returns P for a question: 1000, or 2000 on double points.
func Points(doublePoints bool) int {
	if doublePoints {
		return 2 * BasePoints
	}
	return BasePoints
}

// SpeedPoints is what a fully correct answer earns before the streak bonus.
// t is the response time and limit the question's time T; t is clamped to
// 0..T, so an answer accepted in the grace after the deadline earns P/2 in
// standard mode.
//
//	standard:     P if t < 0.5 s, else round(P * (1 - t/(2T)))
//	accuracy:     P
//	speed-weight: P if t < 0.5 s, else round(P * (1 - w*t/(2T)))
//
// Rounding is half away from zero. Standard mode uses integer arithmetic on
// nanoseconds so results are exact; speed-weight with w strictly between 0
// and 1 uses float64 (deterministic on every platform Go supports, because
// the expression has no fused multiply-add opportunity the compiler may take).
func SpeedPoints(p int, t, limit time.Duration, mode Mode, weight float64) int {
	if mode == ModeAccuracy || (mode == ModeSpeedWeight && weight == 0) {
		return p
	}
	if t < FullPointsWindow || limit <= 0 {
		return p
	}
	if t > limit {
		t = limit
	}
	if mode == ModeSpeedWeight && weight != 1 {
		frac := float64(t) / float64(2*limit)
		penalty := weight * frac
		return int(math.Round(float64(p) * (1 - penalty)))
	}
	// round(P*(2T-t)/(2T)) = floor((2*P*(2T-t) + 2T) / (4T)); P <= 2000 and
	// T <= 300 s keep the numerator far below 2^63.
	num := 2*int64(p)*int64(2*limit-t) + int64(2*limit)
	return int(num / int64(4*limit))
}

// StreakBonus is the bonus for the n-th consecutive correct answer (n counts
// this one): min(100*(n-1), 500). n <= 0 earns nothing.
func StreakBonus(n int) int {
	if n <= 1 {
		return 0
	}
	return min(StreakStep*(n-1), MaxStreakBonus)
}

// MultiCredit is the share of a multi-select question a set of picks earns,
// as a fraction num/den: (correct picks - wrong picks) / correct options,
// floored at 0. picks must be distinct and in range.
func MultiCredit(picks, correct []int) (num, den int) {
	den = len(correct)
	for _, p := range picks {
		if contains(correct, p) {
			num++
		} else {
			num--
		}
	}
	return max(num, 0), den
}

// scaleRound returns round(points*num/den) for non-negative integers.
func scaleRound(points, num, den int) int {
	if den == 0 {
		return 0
	}
	return (2*points*num + den) / (2 * den)
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
