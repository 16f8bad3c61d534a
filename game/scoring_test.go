package game

import (
	"fmt"
	"testing"
	"time"
)

func TestSpeedPoints(t *testing.T) {
	const T = 30 * time.Second
	tests := []struct {
		name   string
		p      int
		t      time.Duration
		mode   Mode
		weight float64
		want   int
	}{
		{"standard 2s of 30s", 1000, 2 * time.Second, ModeStandard, 0, 967},
		{"standard 0.3s is full points", 1000, 300 * time.Millisecond, ModeStandard, 0, 1000},
		{"standard just under 0.5s", 1000, 499 * time.Millisecond, ModeStandard, 0, 1000},
		{"standard exactly 0.5s", 1000, 500 * time.Millisecond, ModeStandard, 0, 992},
		{"standard at T is half", 1000, T, ModeStandard, 0, 500},
		{"standard after T (grace) is clamped to T", 1000, T + 2*time.Second, ModeStandard, 0, 500},
		{"standard 15s", 1000, 15 * time.Second, ModeStandard, 0, 750},
		{"standard rounds half up: 0.6s of 30s", 1000, 600 * time.Millisecond, ModeStandard, 0, 990},
		{"double points 2s", 2000, 2 * time.Second, ModeStandard, 0, 1933},
		{"double points at T", 2000, T, ModeStandard, 0, 1000},
		{"double points 0.3s", 2000, 300 * time.Millisecond, ModeStandard, 0, 2000},
		{"accuracy ignores time", 1000, 29 * time.Second, ModeAccuracy, 0, 1000},
		{"accuracy double", 2000, T, ModeAccuracy, 0, 2000},
		{"speed-weight 0.5 at T", 1000, T, ModeSpeedWeight, 0.5, 750},
		{"speed-weight 0.5 at 2s", 1000, 2 * time.Second, ModeSpeedWeight, 0.5, 983},
		{"speed-weight 0.5 under 0.5s", 1000, 100 * time.Millisecond, ModeSpeedWeight, 0.5, 1000},
		{"speed-weight 1 is standard", 1000, 2 * time.Second, ModeSpeedWeight, 1, 967},
		{"speed-weight 0 is accuracy", 1000, T, ModeSpeedWeight, 0, 1000},
		{"speed-weight 0.25 at T double", 2000, T, ModeSpeedWeight, 0.25, 1750},
		{"negative time is instant", 1000, -time.Second, ModeStandard, 0, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SpeedPoints(tt.p, tt.t, T, tt.mode, tt.weight); got != tt.want {
				t.Fatalf("SpeedPoints(%d, %v, %v, %s, %v) = %d, want %d", tt.p, tt.t, T, tt.mode, tt.weight, got, tt.want)
			}
		})
	}
}

func TestStreakBonus(t *testing.T) {
	want := []int{0, 0, 100, 200, 300, 400, 500, 500, 500}
	for n, w := range want {
		if got := StreakBonus(n); got != w {
			t.Errorf("StreakBonus(%d) = %d, want %d", n, got, w)
		}
	}
}

func TestMultiCredit(t *testing.T) {
	correct := []int{1, 3}
	tests := []struct {
		picks    []int
		num, den int
		points   int // of 1000
	}{
		{[]int{1, 3}, 2, 2, 1000},
		{[]int{3, 1}, 2, 2, 1000},
		{[]int{1}, 1, 2, 500},
		{[]int{1, 3, 0}, 1, 2, 500},
		{[]int{1, 0}, 0, 2, 0},
		{[]int{0, 2}, 0, 2, 0}, // floored at zero, never negative
		{[]int{0, 1, 2, 3}, 0, 2, 0},
	}
	for _, tt := range tests {
		num, den := MultiCredit(tt.picks, correct)
		if num != tt.num || den != tt.den {
			t.Errorf("MultiCredit(%v) = %d/%d, want %d/%d", tt.picks, num, den, tt.num, tt.den)
		}
		if got := scaleRound(1000, num, den); got != tt.points {
			t.Errorf("points for %v = %d, want %d", tt.picks, got, tt.points)
		}
	}
	// Three correct options: one right pick is a third, rounded.
	num, den := MultiCredit([]int{0}, []int{0, 1, 2})
	if got := scaleRound(967, num, den); got != 322 {
		t.Errorf("a third of 967 = %d, want 322", got)
	}
}

// singles returns n single-choice questions whose correct option is 0.
func singles(n int, double ...int) []Question {
	qs := make([]Question, n)
	for i := range qs {
		qs[i] = Question{ID: fmt.Sprint("s", i), Kind: KindSingle, Prompt: "pick A", Options: []string{"A", "B"}, Correct: []int{0}}
	}
	for _, i := range double {
		qs[i].DoublePoints = true
	}
	return qs
}

// play runs one player through the questions: answers[i] is the choice (-1:
// no answer) and times[i] the response time; it returns each QuestionClosed.
func play(t *testing.T, g *Game, answers []int, rt time.Duration) []PlayerResult {
	t.Helper()
	must(t)(g.Join("solo", "Solo", t0))
	now := t0
	must(t)(g.Start(now))
	var out []PlayerResult
	for i, a := range answers {
		var evs []Event
		if a >= 0 {
			evs = must(t)(g.Answer("solo", i, Answer{Choices: []int{a}}, rt, 0, now.Add(rt)))
		} else {
			now = g.Deadline()
			evs = g.Advance(now)
		}
		qc, ok := find[QuestionClosed](evs)
		if !ok {
			t.Fatalf("question %d did not close: %#v", i, evs)
		}
		out = append(out, qc.Results["solo"])
		if i+1 < len(answers) {
			must(t)(g.Next(now))
		}
	}
	return out
}

func TestStreakInGame(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second}, singles(11)...)
	// 7 right, 1 wrong, 1 right, 1 missing, 1 right.
	res := play(t, g, []int{0, 0, 0, 0, 0, 0, 0, 1, 0, -1, 0}, 300*time.Millisecond)
	wantBonus := []int{0, 100, 200, 300, 400, 500, 500, 0, 0, 0, 0}
	wantStreak := []int{1, 2, 3, 4, 5, 6, 7, 0, 1, 0, 1}
	total := 0
	for i, r := range res {
		if r.StreakBonus != wantBonus[i] || r.Streak != wantStreak[i] {
			t.Errorf("question %d: bonus %d streak %d, want %d and %d", i, r.StreakBonus, r.Streak, wantBonus[i], wantStreak[i])
		}
		total += r.Points + r.StreakBonus
		if r.Score != total {
			t.Errorf("question %d: score %d, want running total %d", i, r.Score, total)
		}
	}
	if total != 9*1000+2000 {
		t.Errorf("total %d, want %d", total, 11000)
	}
}

func TestModesInGame(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		rt   time.Duration
		want []int // points per question (3 questions, the second double)
	}{
		{"standard", Settings{QuestionTime: 30 * time.Second}, 2 * time.Second, []int{967, 1933, 967}},
		{"accuracy", Settings{QuestionTime: 30 * time.Second, Mode: ModeAccuracy}, 20 * time.Second, []int{1000, 2000, 1000}},
		{"speed-weight 0.5", Settings{QuestionTime: 30 * time.Second, Mode: ModeSpeedWeight, SpeedWeight: 0.5}, 30 * time.Second, []int{750, 1500, 750}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGame(t, tt.s, singles(3, 1)...)
			res := play(t, g, []int{0, 0, 0}, tt.rt)
			for i, r := range res {
				if r.Points != tt.want[i] {
					t.Errorf("question %d: %d points, want %d", i, r.Points, tt.want[i])
				}
			}
			// Streak bonus is never doubled and applies in every mode.
			if res[1].StreakBonus != 100 || res[2].StreakBonus != 200 {
				t.Errorf("bonuses %d, %d, want 100, 200", res[1].StreakBonus, res[2].StreakBonus)
			}
		})
	}
}

func TestMultiSelectInGame(t *testing.T) {
	q := Question{ID: "m", Kind: KindMulti, Prompt: "Even?", Options: []string{"1", "2", "3", "4"}, Correct: []int{1, 3}}
	g := newGame(t, Settings{QuestionTime: 30 * time.Second}, q, q)
	ids := joinN(t, g, 4)
	must(t)(g.Start(t0))
	picks := [][]int{{1, 3}, {1}, {1, 0}, {0, 2}}
	var qc QuestionClosed
	for i, id := range ids {
		evs := must(t)(g.Answer(id, 0, Answer{Choices: picks[i]}, 2*time.Second, 0, at(2*time.Second)))
		qc, _ = find[QuestionClosed](evs)
	}
	want := []struct {
		points  int
		correct bool
		streak  int
	}{{967, true, 1}, {484, false, 0}, {0, false, 0}, {0, false, 0}}
	for i, id := range ids {
		r := qc.Results[id]
		if r.Points != want[i].points || r.Correct != want[i].correct || r.Streak != want[i].streak {
			t.Errorf("%v: %+v, want %+v", picks[i], r, want[i])
		}
	}
	if fmt.Sprint(qc.Distribution) != "[2 3 1 1]" {
		t.Errorf("distribution %v, want [2 3 1 1]", qc.Distribution)
	}
}

func TestRankingTies(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second, Mode: ModeAccuracy}, singles(2)...)
	ids := joinN(t, g, 4) // p0..p3 in join order
	must(t)(g.Start(t0))
	// Same score for p1 and p2 (accuracy mode), p1 slower than p2; p0 and p3
	// get nothing and tie: they share 3rd, listed in join order.
	must(t)(g.Answer(ids[1], 0, Answer{Choices: []int{0}}, 4*time.Second, 0, at(4*time.Second)))
	must(t)(g.Answer(ids[2], 0, Answer{Choices: []int{0}}, 3*time.Second, 0, at(4*time.Second)))
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{1}}, 1*time.Second, 0, at(4*time.Second)))
	must(t)(g.Answer(ids[3], 0, Answer{Choices: []int{1}}, 1*time.Second, 0, at(4*time.Second)))
	st := g.Standings()
	got := ""
	for _, s := range st {
		got += fmt.Sprintf("%d:%s ", s.Rank, s.Player)
	}
	if want := "1:p2 2:p1 3:p0 3:p3 "; got != want {
		t.Fatalf("standings %q, want %q", got, want)
	}
}
